// Package ftsindex repairs an SQLite FTS5 index that triggers keep in step
// with a table: the question search and the valuation address/owner search
// share the mechanism.
package ftsindex

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
)

// Index is an FTS5 table keyed by its source table's rowid.
type Index struct {
	Table    string   // the FTS5 table
	Triggers []string // CREATE TRIGGER IF NOT EXISTS statements that keep it
	Source   string   // the rows it must hold, as a FROM clause: "questions WHERE hidden = FALSE"
	Refill   []string // statements that empty and refill it, run in one transaction
}

// Ensure restores any missing trigger of ix, then rebuilds ix when its row
// count or highest rowid differs from its source's (triggers lost while
// rows were written, a VACUUM that renumbered rowids). It reports whether
// it rebuilt.
func Ensure(app core.App, ix Index) (bool, error) {
	for _, q := range ix.Triggers {
		if _, err := app.DB().NewQuery(q).Execute(); err != nil {
			return false, fmt.Errorf("restore %s trigger: %w", ix.Table, err)
		}
	}
	var indexed, stored struct {
		Count  int64 `db:"n"`
		MaxRow int64 `db:"m"`
	}
	// On the write connection, whose small cache these full reads cannot
	// bloat (docs/decisions/0008).
	db := app.NonconcurrentDB()
	if err := db.NewQuery("SELECT count(*) AS n, coalesce(max(rowid), 0) AS m FROM " + ix.Table).One(&indexed); err != nil {
		return false, fmt.Errorf("count %s: %w", ix.Table, err)
	}
	if err := db.NewQuery("SELECT count(*) AS n, coalesce(max(rowid), 0) AS m FROM " + ix.Source).One(&stored); err != nil {
		return false, fmt.Errorf("count %s's rows: %w", ix.Table, err)
	}
	if indexed == stored {
		return false, nil
	}
	return true, app.RunInTransaction(func(tx core.App) error {
		for _, q := range ix.Refill {
			if _, err := tx.DB().NewQuery(q).Execute(); err != nil {
				return fmt.Errorf("rebuild %s: %w", ix.Table, err)
			}
		}
		return nil
	})
}
