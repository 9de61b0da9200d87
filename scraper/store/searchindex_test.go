package store

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	_ "github.com/rollcall/rollcall/migrations"
)

// migrated is a freshly migrated, empty database (apptest imports this
// package, so the internal tests make their own).
func migrated(t *testing.T) *tests.TestApp {
	t.Helper()
	app, err := tests.NewTestApp(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(app.Cleanup)
	return app
}

// objects reads the normalized SQL of properties' objects of the given
// types (index, trigger) from sqlite_master, by name.
func objects(t *testing.T, app *tests.TestApp, types string) map[string]string {
	t.Helper()
	var rows []struct {
		Name string `db:"name"`
		SQL  string `db:"sql"`
	}
	err := app.DB().NewQuery("SELECT name, sql FROM sqlite_master WHERE type IN (" + types + ") AND tbl_name = 'properties' AND sql IS NOT NULL").All(&rows)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, r := range rows {
		out[r.Name] = normalize(r.SQL)
	}
	return out
}

// normalize collapses whitespace and drops IF NOT EXISTS, which SQLite
// leaves out of the text it stores.
func normalize(sql string) string {
	sql = strings.Join(strings.Fields(sql), " ")
	return strings.Replace(sql, " IF NOT EXISTS ", " ", 1)
}

// The migrations are frozen history with their own copy of the search
// index's SQL; the store keeps the index with its own. On a freshly
// migrated database the two must be the same triggers, or a repair
// (ensureSearch) would leave the index kept differently from how it was
// built.
func TestMigratedSearchTriggersAreTheStores(t *testing.T) {
	app := migrated(t)
	made := objects(t, app, "'trigger'")
	ours := map[string]string{}
	for i, sql := range searchTriggers() {
		ours[searchTriggerNames[i]] = normalize(sql)
	}
	if !maps.Equal(made, ours) {
		t.Fatalf("migrated triggers\n  %v\nthe store's\n  %v", made, ours)
	}
	var table string
	if err := app.DB().NewQuery("SELECT sql FROM sqlite_master WHERE name = {:n}").Bind(map[string]any{"n": searchTable}).Row(&table); err != nil {
		t.Fatalf("no %s table: %v", searchTable, err)
	}
	if !strings.Contains(table, "fts5") || !strings.Contains(table, "trigram") {
		t.Fatalf("%s is not a trigram FTS5 table: %s", searchTable, table)
	}
}

// The indexes a first load drops and EnsureIndexes rebuilds are exactly the
// ones the migrations made, to the letter.
func TestBulkLoadRebuildsTheMigratedIndexes(t *testing.T) {
	app := migrated(t)
	indexes := func() map[string]string { return objects(t, app, "'index', 'trigger'") }
	made := indexes()
	if len(made) < 10 {
		t.Fatalf("a fresh database has only %v", slices.Sorted(maps.Keys(made)))
	}
	dropped, err := New(app, nil).enterBulkLoad()
	if err != nil || !dropped {
		t.Fatalf("enterBulkLoad on an empty roll: %v, %v", dropped, err)
	}
	if left := indexes(); len(left) != 1 {
		t.Fatalf("a first load keeps only the unique (roll, pin) index, kept %v", slices.Sorted(maps.Keys(left)))
	}
	if err := EnsureIndexes(app); err != nil {
		t.Fatal(err)
	}
	if rebuilt := indexes(); !maps.Equal(rebuilt, made) {
		t.Fatalf("after the load\n  %v\nthe migrations made\n  %v", rebuilt, made)
	}
}
