package store

import (
	"errors"
	"fmt"
	"slices"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/dbutils"
)

// A first load of an empty roll runs without the secondary indexes and the
// search triggers and builds them once at the end; only the unique (roll,
// pin) index the upserts need stays (docs/decisions/0007).

// enterBulkLoad drops the secondary indexes and the search triggers when
// properties is empty, and reports whether it did.
func (s *Store) enterBulkLoad() (bool, error) {
	var stored int
	err := s.app.DB().NewQuery("SELECT count(*) FROM (SELECT 1 FROM properties LIMIT 1)").Row(&stored)
	if err != nil || stored > 0 {
		return false, err
	}
	col, err := s.app.FindCollectionByNameOrId("properties")
	if err != nil {
		return false, fmt.Errorf("find properties: %w", err)
	}
	for _, raw := range col.Indexes {
		idx := dbutils.ParseIndex(raw)
		if !idx.IsValid() || idx.Unique {
			continue
		}
		if _, err := s.app.DB().NewQuery("DROP INDEX IF EXISTS `" + idx.IndexName + "`").Execute(); err != nil {
			return false, fmt.Errorf("drop index %s for the first load: %w", idx.IndexName, err)
		}
	}
	if err := dropSearchTriggers(s.app); err != nil {
		return false, err
	}
	return true, nil
}

// EnsureIndexes builds whatever a first load (or one cut short) left out:
// the collection's indexes, the search triggers and index. Then it refreshes
// the query planner's statistics, which a load changes a lot. Cheap when
// everything is in place; safe to call any time.
func EnsureIndexes(app core.App) error {
	built, err := ensureIndexes(app)
	if err != nil {
		return err
	}
	if !built {
		return nil
	}
	return Analyze(app)
}

// ensureIndexes builds what is missing and reports whether it built anything
// (or found no planner statistics).
func ensureIndexes(app core.App) (bool, error) {
	if !app.IsBootstrapped() {
		return false, errors.New("build indexes: the app has stopped") // a run outliving its app
	}
	col, err := app.FindCollectionByNameOrId("properties")
	if err != nil {
		return false, fmt.Errorf("find properties: %w", err)
	}
	var existing []string
	if err := app.DB().NewQuery("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'properties'").Column(&existing); err != nil {
		return false, fmt.Errorf("list indexes: %w", err)
	}
	var missing []dbutils.Index
	for _, raw := range col.Indexes {
		if idx := dbutils.ParseIndex(raw); idx.IsValid() && !slices.Contains(existing, idx.IndexName) {
			missing = append(missing, idx)
		}
	}
	var rebuilt bool
	err = lowMemory(app, func() error {
		for _, idx := range missing {
			if _, err := app.NonconcurrentDB().NewQuery(idx.Build()).Execute(); err != nil {
				return fmt.Errorf("build index %s: %w", idx.IndexName, err)
			}
		}
		var err error
		rebuilt, err = ensureSearch(app)
		return err
	})
	if err != nil {
		return false, err
	}
	var stats int
	// sqlite_stat1 exists once any ANALYZE ran; before that, count none.
	_ = app.DB().NewQuery("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'properties'").Row(&stats)
	return len(missing) > 0 || rebuilt || stats == 0, nil
}

// lowMemory runs f on the single write connection (NonconcurrentDB or a
// transaction), sorting on disk with a small cache: PocketBase's in-memory
// temp store would hold a whole index build (docs/decisions/0008).
func lowMemory(app core.App, f func() error) error {
	db := app.NonconcurrentDB()
	for _, pragma := range []string{"PRAGMA temp_store = FILE", fmt.Sprintf("PRAGMA cache_size = -%d", writeCacheKiB)} {
		if _, err := db.NewQuery(pragma).Execute(); err != nil {
			return fmt.Errorf("%s: %w", pragma, err)
		}
	}
	defer func() { _, _ = db.NewQuery("PRAGMA temp_store = MEMORY").Execute() }()
	return f()
}

// Analyze refreshes the roll's planner statistics, in full: without them,
// or with sampled ones, SQLite picks the wrong index (docs/decisions/0009).
func Analyze(app core.App) error {
	return lowMemory(app, func() error {
		if _, err := app.NonconcurrentDB().NewQuery("ANALYZE properties").Execute(); err != nil {
			return fmt.Errorf("analyze properties: %w", err)
		}
		return nil
	})
}
