package store_test

import (
	"testing"

	"github.com/rollcall/rollcall/internal/apptest"
	"github.com/rollcall/rollcall/scraper/store"
)

// A first load runs without the secondary indexes and the search triggers
// and ends with all of them built, the search index filled and planner
// statistics written; a later run keeps them throughout.
func TestFirstLoadBuildsIndexesAtTheEnd(t *testing.T) {
	app := fixture.NewApp(t, nil)
	defer app.Cleanup()
	st := store.New(app, apptest.NewClock(apptest.FixtureTime).Now)
	indexes := func() int {
		return apptest.Count(t, app, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'properties' AND sql IS NOT NULL")
	}
	triggers := func() int {
		return apptest.Count(t, app, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'properties_search_%'")
	}
	all, allTriggers := indexes(), triggers()
	if allTriggers != 3 || all < 5 {
		t.Fatalf("before: %d indexes, %d triggers", all, allTriggers)
	}

	run, err := st.Begin(spec(), "test", false)
	if err != nil {
		t.Fatal(err)
	}
	if !run.BulkLoad || indexes() != 1 || triggers() != 0 {
		t.Fatalf("first load: bulk %v with %d indexes and %d triggers; want only the unique (roll, pin) one", run.BulkLoad, indexes(), triggers())
	}
	if err := st.Apply(run, outcome("7", prop("P1", "001", 100), prop("P2", "002", 200))); err != nil {
		t.Fatal(err)
	}
	// A first load reads nothing back: an overlapping query's repeat of
	// P1 is still stored once, and nothing is marked gone.
	if err := st.Apply(run, outcome("8", prop("P1", "001", 100), prop("P4", "004", 400))); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Finish(run, nil); err != nil {
		t.Fatal(err)
	}
	if c := run.Counts; c.RowsNew != 3 || c.RowsSeen != 3 || c.RowsGone != 0 || apptest.Count(t, app, "SELECT count(*) FROM properties") != 3 {
		t.Fatalf("first load: %d new, %d seen, %d gone, %d stored; want 3, 3, 0, 3", c.RowsNew, c.RowsSeen, c.RowsGone, apptest.Count(t, app, "SELECT count(*) FROM properties"))
	}
	if indexes() != all || triggers() != allTriggers {
		t.Fatalf("after: %d of %d indexes, %d triggers", indexes(), all, triggers())
	}
	if n := apptest.Count(t, app, `SELECT count(*) FROM properties_search WHERE properties_search MATCH 'owner : "OWNER P2"'`); n != 1 {
		t.Fatalf("search index finds %d rows for OWNER P2, want 1", n)
	}
	if n := apptest.Count(t, app, "SELECT count(*) FROM scrape_checkpoints WHERE pins != ''"); n != 0 || apptest.Count(t, app, "SELECT count(*) FROM scrape_checkpoints") == 0 {
		t.Fatalf("a closed run keeps %d checkpoints with PIN lists; want its checkpoints kept without them", n)
	}
	if apptest.Count(t, app, "SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'properties'") == 0 {
		t.Fatal("no planner statistics after the load")
	}

	// Not empty any more: the next run keeps every index and trigger.
	run, err = st.Begin(spec(), "test", false)
	if err != nil {
		t.Fatal(err)
	}
	if run.BulkLoad || indexes() != all || triggers() != allTriggers {
		t.Fatalf("second run: bulk %v, %d indexes, %d triggers", run.BulkLoad, indexes(), triggers())
	}
	if err := st.Apply(run, outcome("7", prop("P1", "001", 100), prop("P2", "002", 200), prop("P3", "003", 300))); err != nil {
		t.Fatal(err)
	}
	if n := apptest.Count(t, app, `SELECT count(*) FROM properties_search WHERE properties_search MATCH 'owner : "OWNER P3"'`); n != 1 {
		t.Fatalf("trigger did not index a new row: %d", n)
	}
	if _, err := st.Finish(run, nil); err != nil {
		t.Fatal(err)
	}
}
