package scraper

import (
	"fmt"
	"io"
	"strings"

	"github.com/PuerkitoBio/goquery"
)

// detailLabels map the profile page's labels (durban.md §1.6) to fields.
var detailLabels = map[string]func(*Details, string){
	"erf number":           func(d *Details, v string) { d.ERF = v },
	"deeds township/ farm": func(d *Details, v string) { d.DeedsTown = v },
	"deeds township/farm":  func(d *Details, v string) { d.DeedsTown = v },
	"scheme name":          func(d *Details, v string) { d.SchemeName = v },
	"scheme number":        func(d *Details, v string) { d.SchemeNumber = v },
	"section number":       func(d *Details, v string) { d.SectionNumber = v },
}

// ParseDetails reads a property profile page (SearchDeatils.aspx). The
// site's exact markup is unseen, so values are found by their labels: the
// cell after a cell whose text is the label; owners are the rows of the
// table that follows the "Owners" heading.
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
	doc.Find("td, th").Each(func(_ int, cell *goquery.Selection) {
		label := strings.ToLower(strings.TrimSuffix(CleanText(cell.Text()), ":"))
		if set, ok := detailLabels[label]; ok {
			set(&d, CleanText(cell.Next().Text()))
		}
	})
	doc.Find("table.owners td").Each(func(_ int, cell *goquery.Selection) {
		if name := CleanText(cell.Text()); name != "" {
			d.Owners = append(d.Owners, name)
		}
	})
	return d, nil
}
