package fakesite

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

func detailDoc(t *testing.T, p Property, town string) (*goquery.Document, string) {
	t.Helper()
	var b strings.Builder
	WriteDetailPage(&b, p, town)
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	return doc, b.String()
}

// attrs are the distinct values of attr on the page, sorted.
func attrs(doc *goquery.Document, attr string) []string {
	var out []string
	doc.Find("[" + attr + "]").Each(func(_ int, s *goquery.Selection) {
		v, _ := s.Attr(attr)
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	})
	slices.Sort(out)
	return out
}

// A padded value: a line break and indentation on both sides (the parser
// has turned the page's CRLFs into LFs).
var padded = regexp.MustCompile(`^\n[ \t]+[^\n]*\n[ \t]+$`)

// TestDetailPageMarkup: the page carries exactly the ids, classes, section
// layout, captions and padding of the site's templates (durban.md §1.6).
func TestDetailPageMarkup(t *testing.T) {
	full := Property{PIN: "P0000001", Roll: 1, RateNumber: "05100037", Legal: "ERF 18288 of PINETOWN", Address: "12 ACACIA ROAD , PINETOWN",
		ERF: "18288", UseCode: "Single Residential (15)", Category: "Residential", MarketValue: 1_830_000, Extent: 1634.5,
		Owners: []string{"SMITH & SONS (PTY) LTD", "O'BRIEN <TRUSTEE>"}}
	sect := Property{PIN: "P0000002", Roll: 2, RateNumber: "12345678", Legal: "Section 3 of SS SUN & SAND", SectionNumber: "3",
		Scheme: "SS SUN & SAND", SchemeNumber: "SS123/1990", UseCode: "Sectional Title (80)", Category: "Residential", Owners: []string{"A B NAIDOO"}}
	wantCaptions := map[int][]string{
		1: {"ERF Number", "Deeds Township/ Farm", "Use Code", "Rating Category", "Government Code", "",
			"Exemptions", "Rebates", "Phasing In", "Exclusions", "SRA Code", "Property Type"},
		2: {"Section Number", "Scheme Name", "Scheme Number", "SRA Code", "Use Code", "Rating Category",
			"Government Code", "", "Exemptions", "Rebates", "Phasing In", "Exclusions"},
	}
	for _, p := range []Property{full, sect} {
		doc, body := detailDoc(t, p, "PINETOWN")
		if got, want := attrs(doc, "class"), []string{"BlankRow", "FormH", "button", "tableWithBorderCSS", "tblInner", "tdContaint",
			"widowRowCaption", "widowRowCaptionBlank", "windowHeader1", "windowSubHeader1"}; !slices.Equal(got, want) {
			t.Errorf("roll %d classes %q, want %q", p.Roll, got, want)
		}
		if got, want := attrs(doc, "id"), []string{"3DTable1", "SearchResult1_btnObjection", "SearchResult1_btnSection49", "__VIEWSTATE",
			"divOwnsers", "divPropertDetails", "divValuations", "form1"}; !slices.Equal(got, want) {
			t.Errorf("roll %d ids %q, want %q", p.Roll, got, want)
		}
		if title := strings.TrimSpace(doc.Find("title").Text()); title != "PIN Details" || doc.Find("form#form1 table.tableWithBorderCSS").Length() != 1 {
			t.Errorf("roll %d: title %q, XSLT table in form1: %d", p.Roll, title, doc.Find("form#form1 table.tableWithBorderCSS").Length())
		}
		if h := doc.Find("td.windowHeader1").Text(); h != "Property Profile" {
			t.Errorf("roll %d header %q", p.Roll, h)
		}
		// Each section title toggles its div, which sits in the title's next row.
		var titles []string
		doc.Find("td.windowSubHeader1").Each(func(_ int, td *goquery.Selection) {
			titles = append(titles, td.Text())
			on, _ := td.ChildrenFiltered("div").Attr("onclick")
			id := strings.TrimSuffix(strings.TrimPrefix(on, "javascript:ToggleDiv('"), "')")
			if td.Closest("tr").Next().Find("div#"+id).Length() != 1 {
				t.Errorf("roll %d: %q toggles %q, not in the next row", p.Roll, td.Text(), on)
			}
		})
		if want := []string{"Property Details", "Valuations", "Owners"}; !slices.Equal(titles, want) {
			t.Errorf("roll %d section titles %q, want %q", p.Roll, titles, want)
		}

		// Property details: two caption/value pairs per row, values padded.
		var captions []string
		doc.Find("div#divPropertDetails table.tblInner tr").Each(func(_ int, tr *goquery.Selection) {
			cells := tr.ChildrenFiltered("td")
			if cells.Length() != 4 {
				t.Errorf("roll %d: details row of %d cells", p.Roll, cells.Length())
			}
			cells.Each(func(i int, td *goquery.Selection) {
				want := []string{"widowRowCaption", "tdContaint"}[i%2]
				if class, _ := td.Attr("class"); class != want {
					t.Errorf("roll %d: cell %d class %q, want %q", p.Roll, i, class, want)
				}
				if i%2 == 0 {
					captions = append(captions, td.Text())
				} else if !padded.MatchString(td.Text()) {
					t.Errorf("roll %d: value after %q not padded: %q", p.Roll, captions[len(captions)-1], td.Text())
				}
			})
		})
		if !slices.Equal(captions, wantCaptions[p.Roll]) {
			t.Errorf("roll %d captions %q, want %q", p.Roll, captions, wantCaptions[p.Roll])
		}

		// Owners: a lone "Name" caption, then one padded value cell per owner.
		rows := doc.Find("div#divOwnsers > table.tblInner tr")
		if first := rows.First().ChildrenFiltered("td"); first.Length() != 1 || !first.HasClass("widowRowCaption") || first.Text() != "Name" {
			t.Errorf("roll %d: owners caption row %q", p.Roll, first.Text())
		}
		var owners []string
		rows.Slice(1, goquery.ToEnd).Each(func(_ int, tr *goquery.Selection) {
			td := tr.ChildrenFiltered("td")
			if td.Length() != 1 || !td.HasClass("tdContaint") || !padded.MatchString(td.Text()) {
				t.Errorf("roll %d: owner row %q", p.Roll, td.Text())
			}
			owners = append(owners, strings.TrimSpace(td.Text()))
		})
		if !slices.Equal(owners, p.Owners) {
			t.Errorf("roll %d owners %q, want %q", p.Roll, owners, p.Owners)
		}
		if strings.Contains(body, "&#39;") || strings.Contains(body, "&#34;") {
			t.Errorf("roll %d: quotes escaped; the XSLT's html output leaves them", p.Roll)
		}
	}

	_, body := detailDoc(t, full, "PINETOWN")
	for _, want := range []string{
		"\r\n            SMITH &amp; SONS (PTY) LTD\r\n          </td>", "O'BRIEN &lt;TRUSTEE&gt;",
		`<td class="widowRowCaption">Registered Extent (m²)</td>` + crlf + `                        <td class="tdContaint">1,634.5</td>`,
		"\r\n\t\t\t\t\t\t\t  1,830,000\r\n",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("full-title page lacks %q", want)
		}
	}
	// Sectional: no market value prints as an empty value, no owners as the caption alone.
	sect.Owners = nil
	doc, _ := detailDoc(t, sect, "")
	if v := doc.Find("div#divValuations td.tdContaint").First().Text(); strings.TrimSpace(v) != "" || !padded.MatchString(v) {
		t.Errorf("zero market value shows %q", v)
	}
	if n := doc.Find("div#divOwnsers tr").Length(); n != 1 {
		t.Errorf("no owners: %d rows", n)
	}
}
