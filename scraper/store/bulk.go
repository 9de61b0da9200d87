package store

import (
	"errors"
	"fmt"
	"slices"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/dbutils"

	"github.com/rollcall/rollcall/valuations/search"
)

// The first load of an empty roll inserts every property at once. Keeping
// the valuation API's nine sort and filter indexes and the search index up
// to date row by row made it 7.5× slower (500,000 rows: 1 min → 8 min), so
// it runs without them and builds them once at the end, sorted. Only the
// unique (roll, pin) index the upserts need stays.

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
	if err := search.DropTriggers(s.app); err != nil {
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
	built := false
	for _, raw := range col.Indexes {
		idx := dbutils.ParseIndex(raw)
		if !idx.IsValid() || slices.Contains(existing, idx.IndexName) {
			continue
		}
		if _, err := app.DB().NewQuery(idx.Build()).Execute(); err != nil {
			return false, fmt.Errorf("build index %s: %w", idx.IndexName, err)
		}
		built = true
	}
	rebuilt, err := search.Ensure(app)
	if err != nil {
		return false, err
	}
	var stats int
	// sqlite_stat1 exists once any ANALYZE ran; before that, count none.
	_ = app.DB().NewQuery("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'properties'").Row(&stats)
	return built || rebuilt || stats == 0, nil
}

// Analyze refreshes the planner's statistics of the roll (1.3 s at 500,000
// rows): without them SQLite walked the rate-number index across the whole
// roll for a suburb that its own index answers in a few hundred rows. A
// sampled ANALYZE (analysis_limit) was tried and gave estimates off by 250×.
func Analyze(app core.App) error {
	if _, err := app.DB().NewQuery("ANALYZE properties").Execute(); err != nil {
		return fmt.Errorf("analyze properties: %w", err)
	}
	return nil
}
