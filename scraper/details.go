package scraper

import (
	"fmt"
	"io"
	"strings"

	"github.com/PuerkitoBio/goquery"
)

// detailLabels map the profile page's captions (durban.md §1.6) to fields.
var detailLabels = map[string]func(*Details, string){
	"erf number":           func(d *Details, v string) { d.ERF = v },
	"deeds township/ farm": func(d *Details, v string) { d.DeedsTown = v },
	"deeds township/farm":  func(d *Details, v string) { d.DeedsTown = v },
	"scheme name":          func(d *Details, v string) { d.SchemeName = v },
	"scheme number":        func(d *Details, v string) { d.SchemeNumber = v },
	"section number":       func(d *Details, v string) { d.SectionNumber = v },
}

// ParseDetails reads a property profile page (SearchDeatils.aspx) as the
// site's XSLT writes it (durban.md §1.6). Every value is a caption cell then
// its value cell, two pairs to a row, so each row's cells are paired by
// position and fields are found by caption; values lose their padding.
// Owners are the cells under the "Name" caption of the table in
// div#divOwnsers (sic), or, if a later version spells that id right, of the
// table in the row after the "Owners" section title. No class is used: the
// site's are misspelt too, and a fake-only class must never match.
// Owners is empty, never nil, when the page lists none; a page without the
// owners list is an error.
func ParseDetails(r io.Reader) (Details, error) {
	doc, err := goquery.NewDocumentFromReader(r)
	if err != nil {
		return Details{}, fmt.Errorf("read profile page: %w", err)
	}
	if err := pageError(doc); err != nil {
		return Details{}, err
	}
	if !strings.Contains(doc.Text(), "Property Profile") {
		return Details{}, fmt.Errorf("%w: no property profile", ErrNoResultTable)
	}
	var d Details
	doc.Find("tr").Each(func(_ int, tr *goquery.Selection) {
		cells := tr.ChildrenFiltered("td, th")
		for i := 0; i+1 < cells.Length(); i += 2 {
			if set, ok := detailLabels[caption(cells.Eq(i).Text())]; ok {
				set(&d, CleanText(cells.Eq(i+1).Text()))
			}
		}
	})
	var found bool
	if d.Owners, found = parseOwners(doc); !found {
		// A page whose owners cannot be found must not store "no owners".
		return Details{}, fmt.Errorf("%w: no owners list under a Name caption", ErrNoResultTable)
	}
	return d, nil
}

// caption is a caption cell's text as a detailLabels key.
func caption(s string) string {
	return strings.ToLower(strings.TrimSuffix(CleanText(s), ":"))
}

// parseOwners reads the owners table: after its row captioned "Name", the
// cell in that column of each row. found is false without that caption.
func parseOwners(doc *goquery.Document) (owners []string, found bool) {
	owners = []string{}
	table := doc.Find("div#divOwnsers table").First()
	if table.Length() == 0 {
		table = sectionTable(doc, "owners")
	}
	col := -1
	rowsOf(table).Each(func(_ int, tr *goquery.Selection) {
		cells := tr.ChildrenFiltered("td, th")
		if col < 0 {
			cells.EachWithBreak(func(i int, c *goquery.Selection) bool {
				if caption(c.Text()) == "name" {
					col = i
				}
				return col < 0
			})
			return
		}
		if name := CleanText(cells.Eq(col).Text()); name != "" {
			owners = append(owners, name)
		}
	})
	return owners, col >= 0
}

// sectionTable is the first table in the row after the section title
// cell reading title: the templates put each section in the title's next row.
func sectionTable(doc *goquery.Document, title string) *goquery.Selection {
	cell := doc.Find("td, th").FilterFunction(func(_ int, c *goquery.Selection) bool {
		return caption(c.Text()) == title
	}).Last()
	return cell.Closest("tr").Next().Find("table").First()
}

// rowsOf are table's own rows, not those of tables nested in it.
func rowsOf(table *goquery.Selection) *goquery.Selection {
	if table.Length() == 0 {
		return table
	}
	return table.Find("tr").FilterFunction(func(_ int, tr *goquery.Selection) bool {
		return tr.Closest("table").IsSelection(table)
	})
}
