package scraper

import (
	"encoding/csv"
	"os"
	"strconv"
	"strings"
	"testing"
)

func TestCleanText(t *testing.T) {
	cases := map[string]string{
		"  ERF 18288 of PINETOWN \r\n":                "ERF 18288 of PINETOWN",
		"YACHT MOLE                      , ESPLANADE": "YACHT MOLE, ESPLANADE",
		"25  ACACIA\u00a0CRESCENT, GENAZANO":          "25 ACACIA CRESCENT, GENAZANO",
		"DUIJMONI ?":                                  "DUIJMONI ?",
		"":                                            "",
	}
	for in, want := range cases {
		if got := CleanText(in); got != want {
			t.Errorf("CleanText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSplitAddress(t *testing.T) {
	cases := []struct{ in, number, street, suburb string }{
		{"26 SOMERSET WAY, AMANZIMTOTI", "26", "SOMERSET WAY", "AMANZIMTOTI"},
		{"10 211589 STREET, PINETOWN", "10", "211589 STREET", "PINETOWN"},
		{"19 400356, HAMMARSDALE", "19", "400356", "HAMMARSDALE"},
		{"108937 STREET, AMATIKWE", "", "108937 STREET", "AMATIKWE"},
		{"YACHT MOLE                      , ESPLANADE", "", "YACHT MOLE", "ESPLANADE"},
		{"25  ACACIA CRESCENT, GENAZANO", "25", "ACACIA CRESCENT", "GENAZANO"},
		{", INANDA NU", "", "", "INANDA NU"},
		{"UNKNOWN, KINGSBURGH", "", "", "KINGSBURGH"},
		{"UMLAZI - E                      , UMLAZI - E", "", "UMLAZI - E", "UMLAZI - E"},
		{"12A MAIN ROAD, BEREA", "12A", "MAIN ROAD", "BEREA"},
		{"NO COMMA HERE", "", "NO COMMA HERE", ""},
	}
	for _, c := range cases {
		n, s, sub := SplitAddress(c.in)
		if n != c.number || s != c.street || sub != c.suburb {
			t.Errorf("SplitAddress(%q) = %q | %q | %q, want %q | %q | %q", c.in, n, s, sub, c.number, c.street, c.suburb)
		}
	}
}

func TestSplitUseCode(t *testing.T) {
	cases := []struct {
		in, label string
		code      int // -1: none
	}{
		{"Single Residential (15)", "Single Residential", 15},
		{"Retail/Offices/Entertainment/ Restaurant (41)", "Retail/Offices/Entertainment/ Restaurant", 41},
		{"Mixed Use: > 2/3 Residential (42)", "Mixed Use: > 2/3 Residential", 42},
		{"Homes (Nursing etc) (20)", "Homes (Nursing etc)", 20},
		{"", "", -1},
		{"Something odd", "Something odd", -1},
	}
	for _, c := range cases {
		label, code := SplitUseCode(c.in)
		got := -1
		if code != nil {
			got = *code
		}
		if label != c.label || got != c.code {
			t.Errorf("SplitUseCode(%q) = %q, %d; want %q, %d", c.in, label, got, c.label, c.code)
		}
	}
}

func TestParseValues(t *testing.T) {
	rands := []struct {
		in   string
		want int64 // -1: nil
		bad  bool
	}{
		{"50,000", 50000, false}, {"1,830,000", 1830000, false}, {"106,950,000", 106950000, false},
		{"", -1, false}, {"  ", -1, false}, {"NaN", -1, false}, {"N/A", -1, false},
		{"R 1 000", 1000, false}, {"12.5", 0, true}, {"abc", 0, true}, {"1,2x", 0, true},
	}
	for _, c := range rands {
		got, err := ParseRands(c.in)
		switch {
		case c.bad:
			if err == nil {
				t.Errorf("ParseRands(%q) accepted", c.in)
			}
		case err != nil:
			t.Errorf("ParseRands(%q): %v", c.in, err)
		case c.want == -1 && got != nil:
			t.Errorf("ParseRands(%q) = %d, want nil (no value, not 0)", c.in, *got)
		case c.want != -1 && (got == nil || *got != c.want):
			t.Errorf("ParseRands(%q) = %v, want %d", c.in, got, c.want)
		}
	}
	extents := []struct {
		in   string
		want float64 // -1: nil
		bad  bool
	}{
		{"399", 399, false}, {"1,084", 1084, false}, {"1,562,974", 1562974, false}, {"1,012.5", 1012.5, false},
		{"", -1, false}, {"1.2.3", 0, true}, {".5", 0, true}, {"-4", 0, true},
	}
	for _, c := range extents {
		got, err := ParseExtent(c.in)
		switch {
		case c.bad:
			if err == nil {
				t.Errorf("ParseExtent(%q) accepted", c.in)
			}
		case err != nil:
			t.Errorf("ParseExtent(%q): %v", c.in, err)
		case c.want == -1 && got != nil:
			t.Errorf("ParseExtent(%q) = %v, want nil", c.in, *got)
		case c.want != -1 && (got == nil || *got != c.want):
			t.Errorf("ParseExtent(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

// sampleRows reads the 201 real GV2022 rows (see testdata).
func sampleRows(t testing.TB) [][]string {
	t.Helper()
	f, err := os.Open("testdata/gv2022_full_title_ratenumber_534_rows.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows[1:] // header
}

// Every real sample row cleans: rate numbers keep their zeros, empty values
// stay absent, addresses end in their suburb, use codes split.
func TestCleanRealRows(t *testing.T) {
	for _, r := range sampleRows(t) {
		raw := RawRow{PIN: "pin" + r[0]}
		copy(raw.Cells[:], r[1:9])
		p, err := Clean(FullTitle, raw)
		if err != nil {
			t.Errorf("row %s: %v", r[0], err)
			continue
		}
		if p.RateNumber != r[1] || len(p.RateNumber) != 8 || !strings.Contains(r[1], "534") {
			t.Errorf("row %s: rate number %q from %q", r[0], p.RateNumber, r[1])
		}
		if r[7] == "" {
			if p.MarketValue != nil {
				t.Errorf("row %s: empty market value became %d", r[0], *p.MarketValue)
			}
		} else if p.MarketValue == nil || strconv.FormatInt(*p.MarketValue, 10) != strings.ReplaceAll(r[7], ",", "") {
			t.Errorf("row %s: market value %v from %q", r[0], p.MarketValue, r[7])
		}
		if (r[8] == "") != (p.Extent == nil) {
			t.Errorf("row %s: extent %v from %q", r[0], p.Extent, r[8])
		}
		if i := strings.LastIndex(r[3], ","); i >= 0 && p.AddressSuburb != CleanText(r[3][i+1:]) {
			t.Errorf("row %s: suburb %q from %q", r[0], p.AddressSuburb, r[3])
		}
		if r[5] != "" && p.UseCode == nil {
			t.Errorf("row %s: no use code from %q", r[0], r[5])
		}
		if strings.Contains(p.Address, "  ") || strings.Contains(p.Address, " ,") {
			t.Errorf("row %s: address not cleaned: %q", r[0], p.Address)
		}
		if p.AddressRaw != strings.TrimSpace(r[3]) {
			t.Errorf("row %s: raw address lost: %q", r[0], p.AddressRaw)
		}
	}
}

func TestCleanRefusesUnreadableValues(t *testing.T) {
	raw := RawRow{PIN: "1", Cells: [8]string{"12345678", "ERF 1 of X", "1 A ROAD, X", "O", "Vacant Land (47)", "Vacant Land", "lots", "1"}}
	if _, err := Clean(FullTitle, raw); err == nil {
		t.Fatal("a market value of \"lots\" was accepted")
	}
	raw = RawRow{Cells: [8]string{"Details", "ERF 1 of X", "", "", "", "", "", ""}}
	if _, err := Clean(FullTitle, raw); err == nil {
		t.Fatal("a row with no rate number and no PIN was accepted")
	}
}
