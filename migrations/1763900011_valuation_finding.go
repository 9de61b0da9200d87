package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// findingIndexes serve issue 17's reads (docs/decisions/0018):
//   - facets: every column the facets, the suburb list and the statistics
//     read, in the order they group by, so each is one walk of this index
//     without touching the table (a suburb prefix is a range of it);
//   - street: the roll's street names with their counts, for suggestions;
//   - owner: owners whose name starts with what was typed, for suggestions;
//   - history by field and time: value changes since a date.
var findingIndexes = []struct{ collection, name, columns string }{
	{"properties", "idx_properties_facets", "`year`, `address_suburb` COLLATE NOCASE, `use_code`, `use_label`, `rating_category`, `roll`, `gone_at`, `market_value`, `extent`"},
	{"properties", "idx_properties_street", "`year`, `street`, `gone_at`"},
	{"properties", "idx_properties_owner", "`year`, `first_owner` COLLATE NOCASE, `gone_at`"},
	{"property_history", "idx_property_history_field_at", "`field`, `at`"},
}

// Finding valuations: indexes for suggestions, facets, statistics and
// changes. PocketBase rebuilds a collection's every index when its list
// changes, so each collection is saved once. On an install that already
// holds a roll the new indexes get planner statistics at once, so the
// planner weighs them against the others on real figures.
func init() {
	m.Register(func(app core.App) error {
		for _, name := range []string{"properties", "property_history"} {
			col, err := app.FindCollectionByNameOrId(name)
			if err != nil {
				return err
			}
			for _, idx := range findingIndexes {
				if idx.collection == name {
					col.AddIndex(idx.name, false, idx.columns, "")
				}
			}
			if err := app.Save(col); err != nil {
				return fmt.Errorf("index %s: %w", name, err)
			}
		}
		var stats int
		_ = app.DB().NewQuery("SELECT count(*) FROM sqlite_stat1").Row(&stats)
		if stats == 0 {
			return nil // no statistics yet: the scraper's ANALYZE makes them all
		}
		for _, idx := range findingIndexes {
			if _, err := app.DB().NewQuery("ANALYZE `" + idx.name + "`").Execute(); err != nil {
				return fmt.Errorf("analyze %s: %w", idx.name, err)
			}
		}
		return nil
	}, func(app core.App) error {
		for _, name := range []string{"properties", "property_history"} {
			col, err := app.FindCollectionByNameOrId(name)
			if err != nil {
				return err
			}
			for _, idx := range findingIndexes {
				if idx.collection == name {
					col.RemoveIndex(idx.name)
				}
			}
			if err := app.Save(col); err != nil {
				return err
			}
		}
		return nil
	})
}
