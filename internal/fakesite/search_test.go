package fakesite

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestSearchCapBannerAndRateSubstring(t *testing.T) {
	d := shared()
	srv := serve(t, New(d))
	// "1" is in most 8-digit numbers: far more than 1,000 hits.
	status, body := get(t, srv, searchPath(1, map[string]string{"RateNumber": "1"}))
	mustStatus(t, status, 200, body)
	p := parseResult(t, body)
	if !p.banner || len(p.rows) != 1000 || p.caption != "Search Results (Total found records: 1000)" {
		t.Fatalf("banner %v, %d rows, caption %q", p.banner, len(p.rows), p.caption)
	}
	if want := reference(d.Properties, 1, map[string]string{"RateNumber": "1"}); !slices.Equal(p.pins, want) {
		t.Fatal("capped page is not the first 1,000 matches in dataset order")
	}
	// "534" as in the real sample: substring anywhere, leading zeros kept.
	status, body = get(t, srv, searchPath(1, map[string]string{"RateNumber": "534"}))
	mustStatus(t, status, 200, body)
	p = parseResult(t, body)
	if len(p.rows) == 0 || len(p.rows) >= 1000 || p.banner {
		t.Fatalf("RateNumber=534: %d rows, banner %v", len(p.rows), p.banner)
	}
	for _, r := range p.rows {
		if !strings.Contains(r[0], "534") {
			t.Fatalf("rate number %q lacks 534", r[0])
		}
	}
	if want := reference(d.Properties, 1, map[string]string{"RateNumber": "534"}); !slices.Equal(p.pins, want) {
		t.Fatalf("534: %d pins, want %d", len(p.pins), len(want))
	}
}

func TestSearchSuburbExact(t *testing.T) {
	d := shared()
	srv := serve(t, New(d))
	// Two suburbs with the same name: each ID returns only its own rows.
	var lovu []string
	for _, o := range d.Suburbs {
		if o.Text == "LOVU" {
			lovu = append(lovu, o.Value)
		}
	}
	if len(lovu) < 2 {
		t.Fatalf("want duplicate LOVU options, got %v", lovu)
	}
	bySuburb := map[string]int{}
	for _, p := range d.Properties {
		if p.Roll == 1 {
			bySuburb[p.SuburbID]++
		}
	}
	for _, id := range lovu {
		_, body := get(t, srv, searchPath(1, map[string]string{"Suburb": id}))
		p := parseResult(t, body)
		want := min(bySuburb[id], 1000)
		if len(p.rows) != want || p.banner != (bySuburb[id] >= 1000) {
			t.Fatalf("suburb %s: %d rows banner %v, want %d of %d", id, len(p.rows), p.banner, want, bySuburb[id])
		}
		for _, pin := range p.pins {
			if n := pinIndex(t, d, pin); d.Properties[n].SuburbID != id {
				t.Fatalf("suburb %s returned %s of suburb %s", id, pin, d.Properties[n].SuburbID)
			}
		}
	}
	// A prefix of an ID is not a match: IDs are exact.
	_, body := get(t, srv, searchPath(1, map[string]string{"Suburb": lovu[0][:3]}))
	if p := parseResult(t, body); len(p.rows) != 0 {
		t.Fatalf("partial suburb ID matched %d rows", len(p.rows))
	}
}

func pinIndex(t testing.TB, d *Dataset, pin string) int {
	var n int
	if _, err := fmt.Sscanf(pin, "P%d", &n); err != nil || d.Properties[n-1].PIN != pin {
		t.Fatalf("bad pin %q", pin)
	}
	return n - 1
}

// TestSearchMatchesReference compares many random queries, built from real
// rows, with a brute-force search.
func TestSearchMatchesReference(t *testing.T) {
	d := shared()
	s := New(d)
	srv := serve(t, s)
	rng := rand.New(rand.NewPCG(1, 2))
	sub := func(s string) string { // a random non-empty substring, case flipped
		if s == "" {
			return ""
		}
		i := rng.IntN(len(s))
		j := i + 1 + rng.IntN(len(s)-i)
		return strings.ToLower(s[i:j])
	}
	for i := range 150 {
		p := d.Properties[rng.IntN(len(d.Properties))]
		set := map[string]string{}
		switch i % 7 {
		case 0:
			set["Suburb"] = p.SuburbID
		case 1:
			set["Suburb"], set["VolumeNo"] = p.SuburbID, p.Volume
		case 2:
			set["Suburb"], set["VolumeNo"], set["DeedsTown"], set["SchemeName"] = p.SuburbID, p.Volume, p.DeedsTownID, p.Scheme
		case 3:
			set["StreetName"], set["StreetNo"] = sub(p.StreetName), sub(p.StreetNo)
		case 4:
			set["ERF"], set["Portion"], set["DeedsTown"] = sub(p.ERF), sub(p.Portion), p.DeedsTownID
		case 5:
			set["SchemeName"], set["SectionNumber"] = "  "+strings.ToLower(p.Scheme)+" ", sub(p.SectionNumber)
		case 6:
			set["RateNumber"], set["VolumeNo"] = sub(p.RateNumber), p.Volume
		}
		want := reference(d.Properties, p.Roll, set)
		status, body := get(t, srv, searchPath(p.Roll, set))
		mustStatus(t, status, 200, body)
		got := parseResult(t, body)
		if !slices.Equal(got.pins, want) || got.banner != (len(want) == 1000) {
			t.Fatalf("query %d %v roll %d: %d pins (banner %v), want %d", i, set, p.Roll, len(got.pins), got.banner, len(want))
		}
		if len(want) == 0 != got.message {
			t.Fatalf("query %v: zero-hit message %v with %d rows", set, got.message, len(want))
		}
	}
}

func TestSearchRowsShowProperties(t *testing.T) {
	d := shared()
	srv := serve(t, New(d))
	p := d.Properties[0]
	_, body := get(t, srv, searchPath(1, map[string]string{"Suburb": p.SuburbID, "VolumeNo": p.Volume, "DeedsTown": p.DeedsTownID}))
	page := parseResult(t, body)
	if len(page.rows) == 0 || page.pins[0] != p.PIN {
		t.Fatalf("first row %v, want %s", page.pins, p.PIN)
	}
	r := d.Row(p)
	want := []string{r.RateNumber, r.Legal, strings.TrimSpace(r.Address), r.Owner, r.UseCode, r.Category, r.MarketValue, r.Extent}
	if r.RateNumber == "" {
		want[0] = "Details"
	}
	if !slices.Equal(page.rows[0], want) {
		t.Fatalf("row %q, want %q", page.rows[0], want)
	}
	if !strings.Contains(body, "<tr class=\"color1\">") || !strings.Contains(body, "\r\n              ") {
		t.Fatal("rows lost the site's color classes or CRLF-indented cells")
	}
}

func TestSearchZeroHits(t *testing.T) {
	srv := serve(t, New(shared()))
	status, body := get(t, srv, searchPath(1, map[string]string{"RateNumber": "no such"}))
	mustStatus(t, status, 200, body)
	p := parseResult(t, body)
	if !p.message || p.header || len(p.rows) != 0 || p.banner || p.caption != "Search Results (Total found records: 0)" {
		t.Fatalf("zero-hit page: %+v", p)
	}
	// Sectional text never matches the full-title roll.
	_, body = get(t, srv, searchPath(1, map[string]string{"SectionNumber": "1"}))
	if p := parseResult(t, body); !p.message {
		t.Fatal("SectionNumber matched full-title rows")
	}
}

func TestSearchKeyOrderAndValidation(t *testing.T) {
	srv := serve(t, New(shared()))
	ok := searchPath(1, map[string]string{"RateNumber": "534"})
	if status, body := get(t, srv, ok); status != 200 {
		t.Fatalf("the scraper's own query failed: %d %.100s", status, body)
	}
	q := strings.SplitN(ok, "?", 2)[1]
	parts := strings.Split(q, "&")
	swapped := slices.Clone(parts)
	swapped[1], swapped[2] = swapped[2], swapped[1]
	bad := map[string]string{
		"swapped keys":     strings.Join(swapped, "&"),
		"missing All":      strings.Join(parts[:11], "&"),
		"extra key":        q + "&x=1",
		"renamed key":      strings.Replace(q, "Suburb=", "suburb=", 1),
		"roll 3":           strings.Replace(q, "Roll=1", "Roll=3", 1),
		"unescaped & text": strings.Replace(q, "SchemeName=", "SchemeName=SS%20SUN%20&%20SAND", 1),
		"bad escape":       strings.Replace(q, "RateNumber=534", "RateNumber=%zz", 1),
		"no query":         "",
	}
	for name, raw := range bad {
		status, body := get(t, srv, "/FramePages/SearchResult.aspx?"+raw)
		if status != 500 || !strings.Contains(body, "Server Error in") {
			t.Errorf("%s: status %d, want 500 with the ASP.NET error page", name, status)
		}
	}
	// Paths are case-insensitive (IIS); spaces may come as '+' or %20.
	if status, body := get(t, srv, "/framepages/searchresult.aspx?"+strings.Replace(q, "StreetName=", "StreetName=a%20b+c", 1)); status != 200 {
		t.Fatalf("lower-case path: %d %.100s", status, body)
	}
}

func TestSearchSchemeByText(t *testing.T) {
	d := shared()
	srv := serve(t, New(d))
	var amp Property
	for _, p := range d.Properties {
		if strings.Contains(p.Scheme, "&") {
			amp = p
			break
		}
	}
	if amp.PIN == "" {
		t.Fatal("no scheme with '&' generated")
	}
	_, body := get(t, srv, searchPath(2, map[string]string{"SchemeName": strings.ToLower(amp.Scheme)}))
	p := parseResult(t, body)
	if len(p.rows) == 0 {
		t.Fatalf("scheme %q (sent encoded) found nothing", amp.Scheme)
	}
	for _, r := range p.rows {
		if !strings.HasSuffix(r[1], " of "+strings.TrimSpace(amp.Scheme)) {
			t.Fatalf("scheme %q returned %q", amp.Scheme, r[1])
		}
	}
}

func TestMatcherCaseInsensitive(t *testing.T) {
	p := &Property{Roll: 1, StreetName: "Berea Road", StreetNo: "12a", ERF: "1575", RateNumber: "01021534"}
	for _, q := range []map[int]string{{qStreetName: "BEREA r"}, {qStreetName: "a ro"}, {qStreetNo: "2A"}, {qERF: "57", qRate: "0102"}} {
		var vals [len(queryKeys)]string
		for k, v := range q {
			vals[k] = v
		}
		if !newMatcher(vals).match(p) {
			t.Errorf("%v does not match %+v", q, p)
		}
	}
	var vals [len(queryKeys)]string
	vals[qStreetName] = "BEREA  ROAD" // LIKE keeps the pattern's spaces
	if newMatcher(vals).match(p) {
		t.Error("a double space matched a single one")
	}
}
