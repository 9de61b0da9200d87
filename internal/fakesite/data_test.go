package fakesite

import (
	"html"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

func TestGenerateDeterministic(t *testing.T) {
	cfg := Config{Seed: 42, FullRows: 3000, SectionalRows: 600}
	a, b := Generate(cfg), Generate(cfg)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same Config, different data")
	}
	c := Generate(Config{Seed: 43, FullRows: 3000, SectionalRows: 600})
	if reflect.DeepEqual(a.Properties, c.Properties) || reflect.DeepEqual(a.Suburbs, c.Suburbs) {
		t.Fatal("different seeds, same data")
	}
	if len(a.Properties) != 3600 {
		t.Fatalf("%d properties", len(a.Properties))
	}
}

func TestGenerateShape(t *testing.T) {
	d := shared()
	pins, rates := map[string]bool{}, [3]map[string]bool{{}, {}, {}}
	suburbs, towns, schemes := optionSet(d.Suburbs), optionSet(d.DeedsTowns), map[string]bool{}
	for _, o := range d.Schemes {
		if o.Value != "1" {
			t.Fatalf("scheme option value %q, want 1", o.Value)
		}
		schemes[html.UnescapeString(o.Text)] = true
	}
	var emptyRate, residential, decimals, zeroValue [3]int
	uses := map[string]bool{}
	for i, p := range d.Properties {
		if pins[p.PIN] {
			t.Fatalf("duplicate PIN %s", p.PIN)
		}
		pins[p.PIN] = true
		if p.RateNumber == "" {
			emptyRate[p.Roll]++
		} else if len(p.RateNumber) != 8 || strings.Trim(p.RateNumber, "0123456789") != "" || rates[p.Roll][p.RateNumber] {
			t.Fatalf("rate number %q (bad or repeated in roll %d)", p.RateNumber, p.Roll)
		}
		rates[p.Roll][p.RateNumber] = true
		if len(p.Volume) != 2 || p.Volume < "01" || p.Volume > "89" || !suburbs[p.SuburbID] || len(p.Owners) == 0 {
			t.Fatalf("row %d: %+v", i, p)
		}
		switch p.Roll {
		case 1:
			if !towns[p.DeedsTownID] || p.Scheme != "" || p.ERF == "" || !strings.HasSuffix(p.Legal, " of "+townName(d, p.DeedsTownID)) &&
				!strings.HasSuffix(p.Legal, " OF "+townName(d, p.DeedsTownID)) {
				t.Fatalf("full-title row %+v", p)
			}
		case 2:
			if p.DeedsTownID != "" || !schemes[p.Scheme] || p.SectionNumber == "" || p.Legal != "Section "+p.SectionNumber+" of "+p.Scheme {
				t.Fatalf("sectional row %+v", p)
			}
		default:
			t.Fatalf("roll %d", p.Roll)
		}
		if p.Category == "Residential" {
			residential[p.Roll]++
		}
		if p.Extent != float64(int64(p.Extent)) {
			decimals[p.Roll]++
		}
		if p.MarketValue == 0 {
			zeroValue[p.Roll]++
		}
		uses[p.UseCode] = true
	}
	full := float64(testConfig.FullRows)
	if r := float64(emptyRate[1]) / full; r < 0.002 || r > 0.01 {
		t.Errorf("empty rate numbers on roll 1: %.4f, want about 1/200", r)
	}
	if r := float64(residential[1]) / full; r < 0.86 || r > 0.92 {
		t.Errorf("residential share %.3f, want about 0.89", r)
	}
	if len(uses) < 10 || !uses[""] {
		t.Errorf("%d use codes (empty included: %v)", len(uses), uses[""])
	}
	if decimals[1] == 0 || zeroValue[1] == 0 {
		t.Errorf("no extents with decimals (%d) or zero values (%d)", decimals[1], zeroValue[1])
	}
}

func optionSet(opts []Option) map[string]bool {
	m := map[string]bool{}
	for _, o := range opts {
		m[o.Value] = true
	}
	return m
}

func townName(d *Dataset, id string) string {
	for _, o := range d.DeedsTowns {
		if o.Value == id {
			return html.UnescapeString(o.Text)
		}
	}
	return "?"
}

// TestQuirks checks the real site's oddities are present in the data.
func TestQuirks(t *testing.T) {
	d := shared()
	if len(d.Suburbs) != 862 {
		t.Errorf("%d suburbs, want 862 as on the site", len(d.Suburbs))
	}
	names, ids := map[string]int{}, map[string]bool{}
	var amp, spaces int
	for _, o := range d.Suburbs {
		names[o.Text]++
		if ids[o.Value] {
			t.Fatalf("duplicate suburb ID %s", o.Value)
		}
		ids[o.Value] = true
		if strings.Contains(o.Text, "&amp;") {
			amp++
		}
		if strings.Contains(o.Text, "  ") {
			spaces++
		}
	}
	if names["BELVEDERE"] < 2 || amp == 0 || spaces == 0 {
		t.Errorf("suburb quirks: BELVEDERE x%d, &amp; %d, runs of spaces %d", names["BELVEDERE"], amp, spaces)
	}
	want := map[string]func(p Property) bool{
		"padded address":  func(p Property) bool { return strings.Contains(p.Address, "     , ") },
		"double space":    func(p Property) bool { return strings.Contains(strings.TrimSpace(p.Address), "  ") },
		"no street":       func(p Property) bool { return strings.HasPrefix(p.Address, ", ") },
		"UNKNOWN":         func(p Property) bool { return strings.HasPrefix(p.Address, "UNKNOWN, ") },
		"'?' owner":       func(p Property) bool { return strings.HasSuffix(p.Owners[0], " ?") },
		"';' owner":       func(p Property) bool { return strings.Contains(p.Owners[0], "; ") },
		"'&' owner":       func(p Property) bool { return strings.Contains(p.Owners[0], "&") },
		"several owners":  func(p Property) bool { return len(p.Owners) > 1 },
		"Portion":         func(p Property) bool { return strings.HasPrefix(p.Legal, "Portion ") && p.Portion != "" },
		"REM":             func(p Property) bool { return strings.HasPrefix(p.Legal, "REM ") },
		"empty use code":  func(p Property) bool { return p.UseCode == "" },
		"zero extent":     func(p Property) bool { return p.Extent == 0 },
		"half m²":         func(p Property) bool { return p.Extent-float64(int64(p.Extent)) == 0.5 },
		"'&' scheme":      func(p Property) bool { return strings.Contains(p.Scheme, "&") },
		"Details link":    func(p Property) bool { return p.RateNumber == "" },
		"numbered street": func(p Property) bool { return strings.HasSuffix(p.StreetName, "0 STREET") },
	}
	for name, f := range want {
		found := false
		for _, p := range d.Properties {
			if f(p) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("no row with a %s", name)
		}
	}
}

func TestRowFormats(t *testing.T) {
	cases := []struct {
		value  int64
		extent float64
		mv, ex string
	}{
		{1_830_000, 1634, "1,830,000", "1,634"},
		{0, 0, "", ""},
		{50_000, 399, "50,000", "399"},
		{106_950_000, 1_562_974, "106,950,000", "1,562,974"},
		{1000, 1012.5, "1,000", "1,012.5"},
		{999, 87.25, "999", "87.25"},
		{12_000, 0.5, "12,000", ".5"},
		{1_000_000, 1000.1, "1,000,000", "1,000.1"},
	}
	var d Dataset
	for _, c := range cases {
		r := d.Row(Property{MarketValue: c.value, Extent: c.extent, Owners: []string{"A", "B"}})
		if r.MarketValue != c.mv || r.Extent != c.ex || r.Owner != "A" {
			t.Errorf("%d %v: %q %q %q, want %q %q", c.value, c.extent, r.MarketValue, r.Extent, r.Owner, c.mv, c.ex)
		}
	}
}

// TestDeepSplitUnderCap: big suburbs pass the cap, and so do some
// suburb×volume slices at 500k rows, but a suburb×volume×deeds-town or
// suburb×volume×scheme slice never does.
func TestDeepSplitUnderCap(t *testing.T) {
	if testing.Short() {
		t.Skip("generates 200k rows")
	}
	d := Generate(Config{Seed: 3, FullRows: 170_000, SectionalRows: 30_000})
	suburb, slice := map[string]int{}, map[[5]string]int{}
	for _, p := range d.Properties {
		if p.Roll == 1 {
			suburb[p.SuburbID]++
		}
		slice[[5]string{string(rune('0' + p.Roll)), p.SuburbID, p.Volume, p.DeedsTownID, p.Scheme}]++
	}
	biggest := 0
	for k, n := range slice {
		if n >= 1000 {
			t.Fatalf("slice %v holds %d rows", k, n)
		}
		biggest = max(biggest, n)
	}
	big, small := 0, 0
	for _, n := range suburb {
		if n >= 5000 {
			big++
		}
		if n < 300 {
			small++
		}
	}
	if big < 4 || small < len(suburb)/2 {
		t.Fatalf("%d suburbs over 5,000 rows, %d of %d under 300", big, small, len(suburb))
	}
	t.Logf("largest deep slice %d; %d suburbs over 5,000", biggest, big)
}

// TestCellCapHolds forces the generator's fallback: with every suburb in
// one town and volume, rows must spill into new deeds towns.
func TestCellCapHolds(t *testing.T) {
	g := &gen{rng: rand.New(rand.NewPCG(5, 6)), used: make([]uint64, 100_000_000/64)}
	g.buildSuburbs()
	g.buildTowns()
	for _, s := range g.subs {
		s.vols, s.volPick = s.vols[:1], newPicker([]float64{1})
		s.towns, s.townW = s.towns[:1], []float64{1}
		s.townPick = newPicker(s.townW)
	}
	g.fullTitle(40_000)
	cells, top := map[[3]string]int{}, map[string]bool{}
	for _, p := range g.props {
		cells[[3]string{p.SuburbID, p.Volume, p.DeedsTownID}]++
		if p.SuburbID == g.subs[0].id { // the biggest suburb: about 6,400 rows
			top[p.DeedsTownID] = true
		}
	}
	for k, n := range cells {
		if n > slicesCap {
			t.Fatalf("cell %v holds %d", k, n)
		}
	}
	if len(top) < 6 {
		t.Fatalf("the biggest suburb used %d deeds towns, want new ones opened", len(top))
	}
}
