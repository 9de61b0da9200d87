package scraper

import (
	"errors"
	"os"
	"strings"
	"testing"

	"encoding/csv"

	"github.com/rollcall/rollcall/internal/fakesite"
)

// sampleSiteRows turns the real sample rows back into what the site shows
// (the source had stripped cells and removed the extent's commas).
func sampleSiteRows(t testing.TB) []fakesite.Row {
	var out []fakesite.Row
	for i, r := range sampleRows(t) {
		out = append(out, fakesite.Row{
			PIN: "P" + r[0], RateNumber: r[1], Legal: r[2], Address: r[3], Owner: r[4],
			UseCode: r[5], Category: r[6], MarketValue: r[7], Extent: withCommas(r[8]),
		})
		if i == 3 {
			out[i].RateNumber = "" // the site shows a Details link instead
		}
	}
	return out
}

func withCommas(s string) string {
	if len(s) <= 3 {
		return s
	}
	var parts []string
	for len(s) > 3 {
		parts = append([]string{s[len(s)-3:]}, parts...)
		s = s[:len(s)-3]
	}
	return strings.Join(append([]string{s}, parts...), ",")
}

func TestParseResultsRealRows(t *testing.T) {
	rows := sampleSiteRows(t)
	var page strings.Builder
	fakesite.WriteResultPage(&page, rows, false)
	got, err := ParseResults(strings.NewReader(page.String()))
	if err != nil {
		t.Fatal(err)
	}
	if got.Capped || len(got.Rows) != len(rows) {
		t.Fatalf("parsed %d rows (capped %v), want %d", len(got.Rows), got.Capped, len(rows))
	}
	for i, want := range rows {
		p, err := Clean(FullTitle, got.Rows[i])
		if err != nil {
			t.Fatalf("row %d: %v", i, err)
		}
		if p.PIN != want.PIN || p.RateNumber != want.RateNumber || p.LegalDescription != CleanText(want.Legal) ||
			p.FirstOwner != CleanText(want.Owner) || p.Address != CleanText(want.Address) {
			t.Fatalf("row %d: %+v from %+v", i, p, want)
		}
	}
	if p, _ := Clean(FullTitle, got.Rows[3]); p.RateNumber != "" || p.PIN == "" {
		t.Fatalf("Details row: rate number %q, PIN %q", p.RateNumber, p.PIN)
	}
}

func TestParseResultsPages(t *testing.T) {
	rows := sampleSiteRows(t)[:5]
	render := func(rows []fakesite.Row, capped bool) string {
		var b strings.Builder
		fakesite.WriteResultPage(&b, rows, capped)
		return b.String()
	}
	full := render(rows, false)
	cases := []struct {
		name    string
		page    string
		rows    int
		capped  bool
		wantErr error
	}{
		{"zero hits is an empty page, not an error", render(nil, false), 0, false, nil},
		{"the banner marks a capped result", render(rows, true), 5, true, nil},
		{"a page broken off mid-table", full[:strings.LastIndex(full, `<tr class="color`)], 0, false, ErrTruncated},
		{"a page broken off before its table", full[:strings.Index(full, `class="searchResultTable"`)], 0, false, ErrTruncated},
		{"a page broken off in the column headings", full[:strings.Index(full, `<th align="left">Address</th>`)], 0, false, ErrTruncated},
		{"an empty body (nothing arrived)", "", 0, false, ErrTruncated},
		{"a page cut inside its last cell (whole rows, a shortened value)", full[:strings.LastIndex(full, "</td>")-1], 0, false, ErrTruncated},
		{"the firewall page", fakesite.WAFPage, 0, false, ErrBlocked},
		{"the ASP.NET error page", fakesite.ErrorPage, 0, false, ErrServerError},
		{"a page without the table", "<html><body><p>Maintenance</p></body></html>", 0, false, ErrNoResultTable},
		{"an empty body", "", 0, false, ErrNoResultTable},
	}
	for _, c := range cases {
		got, err := ParseResults(strings.NewReader(c.page))
		if !errors.Is(err, c.wantErr) {
			t.Errorf("%s: error %v, want %v", c.name, err, c.wantErr)
			continue
		}
		if err == nil && (len(got.Rows) != c.rows || got.Capped != c.capped) {
			t.Errorf("%s: %d rows, capped %v; want %d, %v", c.name, len(got.Rows), got.Capped, c.rows, c.capped)
		}
	}
}

// Columns are read by heading: swapped headings swap the fields.
func TestParseResultsByHeading(t *testing.T) {
	rows := sampleSiteRows(t)[:2]
	var b strings.Builder
	fakesite.WriteResultPage(&b, rows, false)
	page := strings.NewReplacer(`<th align="left">Address</th>`, `<th align="left">First Owner</th>`,
		`<th align="left">First Owner</th>`, `<th align="left">Address</th>`).Replace(b.String())
	got, err := ParseResults(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	if CleanText(got.Rows[0].Cells[2]) != CleanText(rows[0].Owner) || CleanText(got.Rows[0].Cells[3]) != CleanText(rows[0].Address) {
		t.Fatalf("cells not mapped by heading: %q / %q", got.Rows[0].Cells[2], got.Rows[0].Cells[3])
	}
	bad := strings.Replace(b.String(), `<th align="left">Address</th>`, `<th align="left">Owner Address</th>`, 1)
	if _, err := ParseResults(strings.NewReader(bad)); !errors.Is(err, ErrNoResultTable) {
		t.Fatalf("an unknown heading: %v", err)
	}
}

// A thousand rows is the cap even without the banner.
func TestParseResultsThousandRowsIsCapped(t *testing.T) {
	base := sampleSiteRows(t)
	rows := make([]fakesite.Row, RowCap)
	for i := range rows {
		rows[i] = base[i%len(base)]
	}
	var b strings.Builder
	fakesite.WriteResultPage(&b, rows, false)
	got, err := ParseResults(strings.NewReader(b.String()))
	if err != nil || !got.Capped {
		t.Fatalf("1,000 rows: capped %v, %v", got.Capped, err)
	}
}

func TestParseOptions(t *testing.T) {
	f, err := os.Open("testdata/searchcrit2_commented_suburb_options_sample.csv")
	if err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	var suburbs []fakesite.Option
	for _, r := range records[2:] { // skip the header and the placeholder
		suburbs = append(suburbs, fakesite.Option{Value: r[1], Text: r[2]})
	}
	var page strings.Builder
	fakesite.WriteCriteriaPage(&page, 2, suburbs, []fakesite.Option{{Value: "1", Text: "SS SUN &amp; SAND"}})
	got, err := ParseOptions(strings.NewReader(page.String()), "drpSuburb")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(suburbs) {
		t.Fatalf("%d suburbs, want %d (placeholder skipped)", len(got), len(suburbs))
	}
	for i, r := range records[2:] {
		if got[i].Value != r[1] || got[i].Text != CleanText(r[3]) {
			t.Fatalf("option %d: %+v, want %q %q", i, got[i], r[1], r[3])
		}
	}
	schemes, err := ParseOptions(strings.NewReader(page.String()), "drpScheme")
	if err != nil || len(schemes) != 1 || schemes[0].Text != "SS SUN & SAND" {
		t.Fatalf("schemes: %+v %v", schemes, err)
	}
	var empty strings.Builder
	fakesite.WriteCriteriaPage(&empty, 1, nil, nil)
	if _, err := ParseOptions(strings.NewReader(empty.String()), "drpSuburb"); !errors.Is(err, ErrNoOptions) {
		t.Fatalf("an empty suburb list: %v, want ErrNoOptions", err)
	}
	if _, err := ParseOptions(strings.NewReader(fakesite.ErrorPage), "drpSuburb"); !errors.Is(err, ErrServerError) {
		t.Fatalf("error page: %v", err)
	}
}
