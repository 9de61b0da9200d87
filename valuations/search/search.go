// Package search keeps the trigram index behind the valuation API's partial
// owner and address search: an FTS5 table beside properties, kept in step by
// triggers, so "%term%" matching never scans the roll.
package search

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/pocketbase/pocketbase/core"
)

// Table is the FTS5 index. It is contentless (it stores only the index, not
// a copy of the text) and keyed by the properties table's rowid.
const Table = "properties_search"

// MinLength is the shortest term the trigram index can serve; a shorter one
// would need a scan.
const MinLength = 3

// ownerText is what the owner column indexes: the first owner and, when
// details were scraped, every registered owner, one per line.
const ownerText = "coalesce(%[1]s.first_owner, '') || char(10) || coalesce((SELECT group_concat(value, char(10)) FROM json_each(CASE WHEN json_valid(%[1]s.owners) THEN %[1]s.owners END)), '')"

func triggers() []string {
	newOwner, oldRow := fmt.Sprintf(ownerText, "new"), "old.rowid"
	return []string{
		`CREATE TRIGGER IF NOT EXISTS properties_search_insert AFTER INSERT ON properties BEGIN
			INSERT INTO ` + Table + `(rowid, address, owner) VALUES (new.rowid, coalesce(new.address, ''), ` + newOwner + `);
		END`,
		`CREATE TRIGGER IF NOT EXISTS properties_search_update AFTER UPDATE OF address, first_owner, owners ON properties BEGIN
			DELETE FROM ` + Table + ` WHERE rowid = ` + oldRow + `;
			INSERT INTO ` + Table + `(rowid, address, owner) VALUES (new.rowid, coalesce(new.address, ''), ` + newOwner + `);
		END`,
		`CREATE TRIGGER IF NOT EXISTS properties_search_delete AFTER DELETE ON properties BEGIN
			DELETE FROM ` + Table + ` WHERE rowid = ` + oldRow + `;
		END`,
	}
}

// Create makes the index and its triggers and fills it from properties.
func Create(app core.App) error {
	// remove_diacritics: "Müller" is found by "muller", as a person types.
	_, err := app.DB().NewQuery(`CREATE VIRTUAL TABLE IF NOT EXISTS ` + Table + ` USING fts5(
		address, owner, content='', contentless_delete=1, tokenize='trigram remove_diacritics 1')`).Execute()
	if err != nil {
		return fmt.Errorf("create %s: %w", Table, err)
	}
	for _, q := range triggers() {
		if _, err := app.DB().NewQuery(q).Execute(); err != nil {
			return fmt.Errorf("create %s trigger: %w", Table, err)
		}
	}
	return Rebuild(app)
}

// Rebuild refills the index from properties.
func Rebuild(app core.App) error {
	return app.RunInTransaction(func(tx core.App) error {
		if _, err := tx.DB().NewQuery("DELETE FROM " + Table).Execute(); err != nil {
			return fmt.Errorf("empty %s: %w", Table, err)
		}
		_, err := tx.DB().NewQuery(`INSERT INTO ` + Table + `(rowid, address, owner)
			SELECT p.rowid, coalesce(p.address, ''), ` + fmt.Sprintf(ownerText, "p") + ` FROM properties p`).Execute()
		if err != nil {
			return fmt.Errorf("fill %s: %w", Table, err)
		}
		return nil
	})
}

// Ensure recreates missing triggers and rebuilds the index when it no
// longer matches the table: a dashboard schema change can rebuild the
// properties table (dropping its triggers), and VACUUM may renumber rowids.
// It reports whether it rebuilt.
func Ensure(app core.App) (bool, error) {
	for _, q := range triggers() {
		if _, err := app.DB().NewQuery(q).Execute(); err != nil {
			return false, fmt.Errorf("restore %s trigger: %w", Table, err)
		}
	}
	var indexed, stored struct {
		Count  int64 `db:"n"`
		MaxRow int64 `db:"m"`
	}
	// The counts read every page of both: on the write connection, whose
	// small cache they cannot bloat (a pooled reader's 32 MB cache kept
	// them and added 20 MB to every scrape's peak).
	db := app.NonconcurrentDB()
	if err := db.NewQuery("SELECT count(*) AS n, coalesce(max(rowid), 0) AS m FROM " + Table).One(&indexed); err != nil {
		return false, fmt.Errorf("count %s: %w", Table, err)
	}
	if err := db.NewQuery("SELECT count(*) AS n, coalesce(max(rowid), 0) AS m FROM properties").One(&stored); err != nil {
		return false, fmt.Errorf("count properties: %w", err)
	}
	if indexed == stored {
		return false, nil
	}
	return true, Rebuild(app)
}

// DropTriggers stops keeping the index up to date (a bulk load rebuilds it
// afterwards with Ensure).
func DropTriggers(app core.App) error {
	for _, name := range []string{"properties_search_insert", "properties_search_update", "properties_search_delete"} {
		if _, err := app.DB().NewQuery("DROP TRIGGER IF EXISTS " + name).Execute(); err != nil {
			return fmt.Errorf("drop %s: %w", name, err)
		}
	}
	return nil
}

// Drop removes the index and its triggers.
func Drop(app core.App) error {
	if err := DropTriggers(app); err != nil {
		return err
	}
	if _, err := app.DB().NewQuery("DROP TABLE IF EXISTS " + Table).Execute(); err != nil {
		return fmt.Errorf("drop %s: %w", Table, err)
	}
	return nil
}

// TooShort reports whether term is too short for the index.
func TooShort(term string) bool { return utf8.RuneCountInString(term) < MinLength }

// Phrase is an FTS5 query matching term anywhere in column, as a literal
// substring: the term is quoted, so FTS5 operators in it mean nothing.
// Bind it as a parameter; it is never spliced into SQL.
func Phrase(column, term string) string {
	return column + ` : "` + strings.ReplaceAll(term, `"`, `""`) + `"`
}
