package migrations

import (
	"fmt"
	"regexp"
	"strconv"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// yearIndexes replace the valuation API's indexes with ones led by the roll
// year: every API query picks one year, and a page stays an index walk when
// several years are stored.
var yearIndexes = map[string]string{
	"idx_properties_market_value":   "`year`, `market_value`, `id`",
	"idx_properties_extent":         "`year`, `extent`, `id`",
	"idx_properties_rate_number":    "`year`, `rate_number`, `id`",
	"idx_properties_address":        "`year`, `address`, `id`",
	"idx_properties_address_suburb": "`year`, `address_suburb` COLLATE NOCASE, `id`",
	"idx_properties_suburb_rate":    "`year`, `address_suburb` COLLATE NOCASE, `rate_number`, `id`",
	"idx_properties_scheme":         "`year`, `scheme` COLLATE NOCASE",
	"idx_properties_street_number":  "`year`, `street_number`",
	// A property's match in another year by legal description.
	"idx_properties_legal": "`year`, `roll`, `legal_description`",
}

// yearOfSite reads the roll year from a valuation site's address
// ("valuation2017.durban.gov.za").
var yearOfSite = regexp.MustCompile(`valuation(\d{4})`)

// The roll year is part of a property's identity: the 2012, 2017 and 2022
// sites share their layout and PINs say nothing of the year, so a run of
// one year must never touch another's properties. Rows stored before this
// release get the year of the site the latest run scraped (2022, the
// default, when that address names none).
func init() {
	m.Register(func(app core.App) error {
		year := 2022
		var base string
		_ = app.DB().NewQuery("SELECT base_url FROM scrape_runs ORDER BY started DESC LIMIT 1").Row(&base)
		if match := yearOfSite.FindStringSubmatch(base); match != nil {
			year, _ = strconv.Atoi(match[1])
		}
		for _, name := range []string{"properties", "scrape_runs"} {
			col, err := app.FindCollectionByNameOrId(name)
			if err != nil {
				return err
			}
			col.Fields.Add(&core.NumberField{Name: "year", OnlyInt: true})
			if name == "properties" {
				col.RemoveIndex("idx_properties_roll_pin")
				col.AddIndex("idx_properties_year_roll_pin", true, "`year`, `roll`, `pin`", "")
				for index, columns := range yearIndexes {
					col.RemoveIndex(index)
					col.AddIndex(index, false, columns, "")
				}
			}
			if err := app.Save(col); err != nil {
				return fmt.Errorf("add the roll year to %s: %w", name, err)
			}
			if _, err := app.DB().NewQuery("UPDATE " + name + " SET year = {:year} WHERE year = 0").Bind(map[string]any{"year": year}).Execute(); err != nil {
				return fmt.Errorf("date the stored %s: %w", name, err)
			}
		}
		return nil
	}, nil)
}
