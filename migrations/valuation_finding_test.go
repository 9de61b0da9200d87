package migrations_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tools/dbutils"

	"github.com/rollcall/rollcall/internal/apptest"
)

// The finding indexes are the collections' own (so a first load drops and
// rebuilds them with the others) and exist in the database, planner
// statistics included when the install had them.
func TestValuationFindingIndexes(t *testing.T) {
	app := apptest.NewEmpty(t)
	want := map[string][]string{
		"properties":       {"idx_properties_facets", "idx_properties_street", "idx_properties_owner"},
		"property_history": {"idx_property_history_field_at"},
	}
	for collection, names := range want {
		col, err := app.FindCollectionByNameOrId(collection)
		if err != nil {
			t.Fatal(err)
		}
		var listed []string
		for _, raw := range col.Indexes {
			listed = append(listed, dbutils.ParseIndex(raw).IndexName)
		}
		for _, name := range names {
			if !slices.Contains(listed, name) {
				t.Errorf("%s is not among %s's indexes %v", name, collection, listed)
			}
			if n := apptest.Count(t, app, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = '"+name+"'"); n != 1 {
				t.Errorf("%s is not in the database", name)
			}
		}
	}
	// The facets index leads with the year and the suburb in NOCASE: the
	// suburb prefix and the grouped counts walk it in order.
	if sql := schemaSQL(t, app, "idx_properties_facets"); !strings.Contains(sql, "( `year`, `address_suburb` COLLATE NOCASE, `use_code`,") {
		t.Errorf("facets index: %s", sql)
	}

	// On an install with planner statistics, rerunning the migration
	// analyses the new indexes.
	for _, q := range []string{
		"ANALYZE",
		"DELETE FROM sqlite_stat1 WHERE idx IN ('idx_properties_facets', 'idx_properties_street', 'idx_properties_owner')",
		"INSERT INTO properties (id, year, roll, pin) VALUES ('p00000000000001', 2022, 'full', '1')",
		"DELETE FROM _migrations WHERE file LIKE '1763900011_%'",
	} {
		if _, err := app.DB().NewQuery(q).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	if err := app.RunAllMigrations(); err != nil {
		t.Fatal(err)
	}
	if n := apptest.Count(t, app, "SELECT count(*) FROM sqlite_stat1 WHERE idx = 'idx_properties_facets'"); n != 1 {
		t.Errorf("facets index not analysed: %d rows in sqlite_stat1", n)
	}
}
