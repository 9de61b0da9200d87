package fakesite

import (
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
)

func TestYearPages(t *testing.T) {
	d2017 := *shared()
	d2017.Year = 2017
	for _, c := range []struct {
		d            *Dataset
		year         int
		banner, date string
	}{
		{shared(), 2022, "VALUATION ROLL GV 2022 - Market Value as at 2 July 2021", "as at 2 July 2021. This will come into effect on 1 July 2022."},
		{&d2017, 2017, "VALUATION ROLL GV 2017 - Market Value as at 2 July 2016", "as at 2 July 2016. This will come into effect on 1 July 2017."},
		{&Dataset{Year: 2012}, 2012, "VALUATION ROLL GV 2012 - Market Value as at 2 July 2011", "as at 2 July 2011. This will come into effect on 1 July 2012."},
	} {
		s := New(c.d)
		if s.Year() != c.year {
			t.Fatalf("Year() = %d, want %d", s.Year(), c.year)
		}
		srv := serve(t, s)
		for path, want := range map[string]string{
			"/FramePages/Header.aspx":     `<div class="banner">` + c.banner + `</div>`,
			"/PropertySearch.htm":         "<title>eThekwini Municipality - Valuation Roll " + strconv.Itoa(c.year) + "</title>",
			"/FramePages/SearchType.aspx": c.date,
		} {
			status, body := get(t, srv, path)
			mustStatus(t, status, 200, body)
			if !strings.Contains(body, want) {
				t.Errorf("%d %s: no %q in %.400q", c.year, path, want, body)
			}
		}
	}
}

var (
	earlierOnce  sync.Once
	earlierData  *Dataset
	earlierLinks []YearLink
)

// earlier is the 2017 roll derived from shared(), read-only.
func earlier() (*Dataset, []YearLink) {
	earlierOnce.Do(func() { earlierData, earlierLinks = EarlierRoll(shared(), 2017, 7) })
	return earlierData, earlierLinks
}

func TestEarlierRollDeterministic(t *testing.T) {
	e, links := earlier()
	again, againLinks := EarlierRoll(shared(), 2017, 7)
	if !reflect.DeepEqual(e, again) || !reflect.DeepEqual(links, againLinks) {
		t.Fatal("same seed, different earlier roll")
	}
	other, otherLinks := EarlierRoll(shared(), 2017, 8)
	if reflect.DeepEqual(e.Properties, other.Properties) || reflect.DeepEqual(links, otherLinks) {
		t.Fatal("different seeds, same earlier roll")
	}
	if !reflect.DeepEqual(shared(), Generate(testConfig)) {
		t.Fatal("deriving the earlier roll changed the later one")
	}
	if e.Year != 2017 || !reflect.DeepEqual(e.Suburbs, shared().Suburbs) || !reflect.DeepEqual(e.DeedsTowns, shared().DeedsTowns) ||
		!reflect.DeepEqual(e.Schemes, shared().Schemes) {
		t.Fatal("earlier roll's year or dropdowns")
	}
}

// rollKeys indexes a roll the way a cross-year matcher would.
type rollKeys struct {
	byPIN  map[string]Property
	byRate map[string][]Property
	legal  map[string][]Property // normalised legal description
}

func keysOf(props []Property) rollKeys {
	k := rollKeys{byPIN: map[string]Property{}, byRate: map[string][]Property{}, legal: map[string][]Property{}}
	for _, p := range props {
		k.byPIN[p.PIN] = p
		if p.RateNumber != "" {
			k.byRate[p.RateNumber] = append(k.byRate[p.RateNumber], p)
		}
		k.legal[norm(p.Legal)] = append(k.legal[norm(p.Legal)], p)
	}
	return k
}

// norm compares legal descriptions as the scraper cleans them (spaces
// collapsed), and case-blind; written apart from legalKey on purpose.
func norm(legal string) string { return strings.ToUpper(strings.Join(strings.Fields(legal), " ")) }

// TestEarlierRollTruth checks every link against both rolls: the claimed
// relation holds, each property is in exactly one link, each kind occurs,
// and a matcher by rate number then unique legal description finds
// exactly the claimed pairs.
func TestEarlierRollTruth(t *testing.T) {
	later := shared()
	e, links := earlier()
	lk, ek := keysOf(later.Properties), keysOf(e.Properties)
	checkRoll(t, "later", later.Properties, lk)
	checkRoll(t, "earlier", e.Properties, ek)
	for pin := range ek.byPIN {
		if _, clash := lk.byPIN[pin]; clash || !strings.HasPrefix(pin, "Q") {
			t.Fatalf("earlier PIN %s (clashes: %v)", pin, clash)
		}
	}
	kinds, seen := map[string]int{}, map[string]bool{}
	changed, matched := 0, 0
	for _, l := range links {
		kinds[l.Kind]++
		for _, pin := range []string{l.EarlierPIN, l.LaterPIN} {
			if pin != "" && seen[pin] {
				t.Fatalf("%s in two links", pin)
			}
			seen[pin] = true
		}
		ep, inE := ek.byPIN[l.EarlierPIN]
		lp, inL := lk.byPIN[l.LaterPIN]
		if inE != (l.EarlierPIN != "") || inL != (l.LaterPIN != "") {
			t.Fatalf("%+v: a PIN not in its roll", l)
		}
		if ep.MarketValue != l.EarlierValue || lp.MarketValue != l.LaterValue {
			t.Fatalf("%+v: values %d, %d in the rolls", l, ep.MarketValue, lp.MarketValue)
		}
		if inE && inL {
			matched++
			if ep.MarketValue != lp.MarketValue {
				changed++
			}
			if ep.MarketValue > lp.MarketValue {
				t.Fatalf("%+v: the earlier value is higher", l)
			}
			checkPair(t, l, ep, lp, lk)
			continue
		}
		checkAlone(t, l, ep, lp, ek, lk)
	}
	if len(seen) != len(later.Properties)+len(e.Properties)+1 { // +1: ""
		t.Fatalf("links cover %d PINs of %d", len(seen)-1, len(later.Properties)+len(e.Properties))
	}
	for _, k := range []string{LinkSame, LinkRenumbered, LinkUnnumbered, LinkNew, LinkGone} {
		if kinds[k] == 0 {
			t.Errorf("no %s links: %v", k, kinds)
		}
	}
	if kinds[LinkAmbiguous] != 0 || kinds[LinkNew]+matched != len(later.Properties) || kinds[LinkGone]+matched != len(e.Properties) {
		t.Fatalf("kinds %v against %d later, %d earlier properties", kinds, len(later.Properties), len(e.Properties))
	}
	if changed < matched*8/10 {
		t.Fatalf("only %d of %d values changed", changed, matched)
	}
	checkMatcher(t, links, ek, lk)
	t.Logf("%v, %d of %d values changed", kinds, changed, matched)
}

// checkRoll: unique PINs and rate numbers, unique legal descriptions
// (so no link may be ambiguous), slices within the cap, roll 1 first.
func checkRoll(t *testing.T, name string, props []Property, k rollKeys) {
	t.Helper()
	for r, ps := range k.byRate {
		if len(ps) > 1 {
			t.Fatalf("%s roll: rate number %s %d times", name, r, len(ps))
		}
	}
	for l, ps := range k.legal {
		if len(ps) > 1 {
			t.Fatalf("%s roll: legal description %q %d times", name, l, len(ps))
		}
	}
	cells := map[[5]string]int{}
	for i, p := range props {
		if cells[cellOf(p)]++; cells[cellOf(p)] > slicesCap {
			t.Fatalf("%s roll: slice %v over the cap", name, cellOf(p))
		}
		if i > 0 && p.Roll < props[i-1].Roll {
			t.Fatalf("%s roll: roll 1 after roll 2 at %s", name, p.PIN)
		}
	}
	if len(k.byPIN) != len(props) {
		t.Fatalf("%s roll: duplicate PINs", name)
	}
}

// checkPair: a property in both rolls differs only in PIN, value and (if
// renumbered) rate number, and its kind says how it is matched.
func checkPair(t *testing.T, l YearLink, ep, lp Property, lk rollKeys) {
	t.Helper()
	a, b := ep, lp
	a.PIN, a.MarketValue, b.PIN, b.MarketValue = "", 0, "", 0
	if l.Kind == LinkRenumbered {
		a.RateNumber, b.RateNumber = "", ""
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("%+v: the rolls' copies differ:\n%+v\n%+v", l, ep, lp)
	}
	ok := false
	switch l.Kind {
	case LinkSame:
		ok = l.Match == MatchRateNumber && lp.RateNumber != ""
	case LinkRenumbered:
		ok = l.Match == MatchLegal && ep.RateNumber != "" && lp.RateNumber != "" && ep.RateNumber != lp.RateNumber
	case LinkUnnumbered:
		ok = l.Match == MatchLegal && lp.RateNumber == ""
	case LinkAmbiguous:
		ok = l.Match == "" && lp.RateNumber == "" && len(lk.legal[norm(lp.Legal)]) > 1
	}
	if !ok {
		t.Fatalf("%+v does not hold for %+v / %+v", l, ep, lp)
	}
}

// checkAlone: a new (gone) property's rate number and legal description
// are nowhere in the earlier (later) roll.
func checkAlone(t *testing.T, l YearLink, ep, lp Property, ek, lk rollKeys) {
	t.Helper()
	p, other := lp, ek
	if l.Kind == LinkGone {
		p, other = ep, lk
	}
	if oneSided := l.Kind == LinkNew && l.LaterPIN != "" || l.Kind == LinkGone && l.EarlierPIN != ""; !oneSided || l.Match != "" {
		t.Fatalf("%+v: one-sided link of the wrong kind", l)
	}
	if len(other.byRate[p.RateNumber]) > 0 || len(other.legal[norm(p.Legal)]) > 0 {
		t.Fatalf("%+v: %+v matches in the other roll", l, p)
	}
}

// checkMatcher pairs the rolls independently (rate number, then a legal
// description unique in both) and wants exactly the links' pairs.
func checkMatcher(t *testing.T, links []YearLink, ek, lk rollKeys) {
	t.Helper()
	want := map[string]string{}
	for _, l := range links {
		if l.Match != "" {
			want[l.LaterPIN] = l.EarlierPIN
		}
	}
	got := map[string]string{}
	for pin, p := range lk.byPIN {
		if e := ek.byRate[p.RateNumber]; p.RateNumber != "" && len(e) == 1 {
			got[pin] = e[0].PIN
		} else if e, n := ek.legal[norm(p.Legal)], norm(p.Legal); len(e) == 1 && len(lk.legal[n]) == 1 && (e[0].RateNumber == "" || len(lk.byRate[e[0].RateNumber]) == 0) {
			got[pin] = e[0].PIN
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("an independent matcher pairs %d properties, the links %d", len(got), len(want))
	}
}

// TestEarlierRollServed reads a few properties of every kind from both
// sites' result pages: each shows the value its link reports.
func TestEarlierRollServed(t *testing.T) {
	later := shared()
	e, links := earlier()
	lsrv, esrv := serve(t, New(later)), serve(t, New(e))
	lk, ek := keysOf(later.Properties), keysOf(e.Properties)
	perKind := map[string]int{}
	for _, l := range links {
		if perKind[l.Kind]++; perKind[l.Kind] > 3 {
			continue
		}
		if l.LaterPIN != "" {
			if got := servedValue(t, lsrv, lk.byPIN[l.LaterPIN]); got != formatRands(l.LaterValue) {
				t.Fatalf("%+v: the later site shows %q", l, got)
			}
		}
		if l.EarlierPIN != "" {
			p := ek.byPIN[l.EarlierPIN]
			if got := servedValue(t, esrv, p); got != formatRands(l.EarlierValue) {
				t.Fatalf("%+v: the earlier site shows %q", l, got)
			}
			status, body := get(t, esrv, "/FramePages/SearchDeatils.aspx?id="+p.PIN+"&PType=1&FType=1")
			mustStatus(t, status, 200, body)
			if fields, _ := detailFields(t, body); fields["Property Description"] != p.Legal {
				t.Fatalf("%s: profile shows %q", p.PIN, fields["Property Description"])
			}
		}
	}
	if status, body := get(t, esrv, "/FramePages/Header.aspx"); status != 200 || !strings.Contains(body, "GV 2017") {
		t.Fatalf("earlier site's banner: %.200q", body)
	}
}

// servedValue searches for p by its own keys and returns its row's
// Market Value cell.
func servedValue(t *testing.T, srv *httptest.Server, p Property) string {
	t.Helper()
	set := map[string]string{"Suburb": p.SuburbID, "VolumeNo": p.Volume, "DeedsTown": p.DeedsTownID, "ERF": p.ERF,
		"Portion": p.Portion, "SchemeName": p.Scheme, "SectionNumber": p.SectionNumber}
	status, body := get(t, srv, searchPath(p.Roll, set))
	mustStatus(t, status, 200, body)
	page := parseResult(t, body)
	for i, pin := range page.pins {
		if pin == p.PIN {
			return page.rows[i][6]
		}
	}
	t.Fatalf("%s not on its result page (%d rows)", p.PIN, len(page.rows))
	return ""
}
