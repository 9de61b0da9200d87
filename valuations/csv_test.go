package valuations

import (
	"bytes"
	"encoding/csv"
	"math"
	"slices"
	"testing"
)

// Every start character a spreadsheet may take for a formula (OWASP's list
// and its look-alikes) gets a leading apostrophe; the writer quotes the
// field, and reading the file back gives exactly the guarded text.
func TestSafeCellGuardsEveryFormulaStart(t *testing.T) {
	guarded := []string{
		"=1+1", "+1", "-1+cmd|' /C calc'!A0", "@SUM(A1:A2)", "\t=1", "\r=1", "\n=1", " =1", `"=1"`,
		"＝1+1", "＋1", "－1", "＠SUM(A1)",
	}
	for _, s := range guarded {
		if got := SafeCell(s); got != "'"+s {
			t.Errorf("SafeCell(%q) = %q, want a leading apostrophe", s, got)
		}
	}
	for _, s := range []string{"", "Berea", "12 Main Rd", "'quoted", "1-2", "O'Brien; =x", "ÉLAN"} {
		if got := SafeCell(s); got != s {
			t.Errorf("SafeCell(%q) = %q, want it unchanged", s, got)
		}
	}

	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	row := make([]string, len(guarded))
	for i, s := range guarded {
		row[i] = SafeCell(s)
	}
	if err := w.Write(row); err != nil {
		t.Fatal(err)
	}
	w.Flush()
	back, err := csv.NewReader(&buf).Read()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(back, row) {
		t.Errorf("read back %q, want %q", back, row)
	}
}

// Text columns are guarded; the number columns, which only hold numbers
// the server formatted, stay numbers, negative ones too.
func TestCSVRecordGuardsTextNotNumbers(t *testing.T) {
	neg, extent, use := int64(-250000), -12.5, int64(-1)
	v := Valuation{
		Year: 2025, FirstOwner: "=HYPERLINK(\"http://x\")", Owners: &[]string{"@A", "B"}, Address: "-1 Main Rd",
		MarketValue: &neg, Extent: &extent, UseCode: &use, LegalDescription: "＝1",
	}
	r := v.csvRecord(make([]string, len(CSVHeader)))
	col := func(name string) string { return r[slices.Index(CSVHeader, name)] }
	for name, want := range map[string]string{
		"firstOwner": `'=HYPERLINK("http://x")`, "owners": "'@A; B", "address": "'-1 Main Rd", "legalDescription": "'＝1",
		"marketValue": "-250000", "extent": "-12.5", "useCode": "-1", "year": "2025",
	} {
		if got := col(name); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
	inf := math.Inf(1)
	v.Extent = &inf
	if got := v.csvRecord(r)[slices.Index(CSVHeader, "extent")]; got != "'+Inf" {
		t.Errorf("an infinite extent: %q, want it guarded", got)
	}
}
