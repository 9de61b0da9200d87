package store

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"

	"github.com/rollcall/rollcall/internal/ftsindex"
)

// The valuation API's partial owner and address search reads a trigram
// FTS5 index beside properties. Migration 1763900004 created it; the store
// keeps it: triggers follow every write, a bulk first load drops them and
// rebuilds the index once, and start-up repairs it (searchindex_test.go holds
// this SQL to what the migration made).
const searchTable = "properties_search"

// ownerText is what the owner column indexes: the first owner and, when
// details were scraped, every registered owner, one per line.
const ownerText = "coalesce(%[1]s.first_owner, '') || char(10) || coalesce((SELECT group_concat(value, char(10)) FROM json_each(CASE WHEN json_valid(%[1]s.owners) THEN %[1]s.owners END)), '')"

// searchTriggerNames are the triggers that keep the index in step.
var searchTriggerNames = []string{"properties_search_insert", "properties_search_update", "properties_search_delete"}

func searchTriggers() []string {
	newOwner, oldRow := fmt.Sprintf(ownerText, "new"), "old.rowid"
	return []string{
		`CREATE TRIGGER IF NOT EXISTS properties_search_insert AFTER INSERT ON properties BEGIN
			INSERT INTO ` + searchTable + `(rowid, address, owner) VALUES (new.rowid, coalesce(new.address, ''), ` + newOwner + `);
		END`,
		`CREATE TRIGGER IF NOT EXISTS properties_search_update AFTER UPDATE OF address, first_owner, owners ON properties BEGIN
			DELETE FROM ` + searchTable + ` WHERE rowid = ` + oldRow + `;
			INSERT INTO ` + searchTable + `(rowid, address, owner) VALUES (new.rowid, coalesce(new.address, ''), ` + newOwner + `);
		END`,
		`CREATE TRIGGER IF NOT EXISTS properties_search_delete AFTER DELETE ON properties BEGIN
			DELETE FROM ` + searchTable + ` WHERE rowid = ` + oldRow + `;
		END`,
	}
}

// ensureSearch recreates missing triggers and rebuilds the index when it no
// longer matches the table: a dashboard schema change can rebuild the
// properties table (dropping its triggers), and VACUUM may renumber rowids.
// It reports whether it rebuilt.
func ensureSearch(app core.App) (bool, error) {
	return ftsindex.Ensure(app, ftsindex.Index{
		Table:    searchTable,
		Triggers: searchTriggers(),
		Source:   "properties",
		Refill: []string{
			"DELETE FROM " + searchTable,
			`INSERT INTO ` + searchTable + `(rowid, address, owner)
			SELECT p.rowid, coalesce(p.address, ''), ` + fmt.Sprintf(ownerText, "p") + ` FROM properties p`,
		},
	})
}

// dropSearchTriggers stops keeping the index up to date (a bulk load
// rebuilds it afterwards with ensureSearch).
func dropSearchTriggers(app core.App) error {
	for _, name := range searchTriggerNames {
		if _, err := app.DB().NewQuery("DROP TRIGGER IF EXISTS " + name).Execute(); err != nil {
			return fmt.Errorf("drop %s: %w", name, err)
		}
	}
	return nil
}
