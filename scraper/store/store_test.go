package store_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/rollcall/rollcall/internal/apptest"
	"github.com/rollcall/rollcall/scraper"
	"github.com/rollcall/rollcall/scraper/store"
)

var fixture *apptest.Fixture

func TestMain(m *testing.M) { apptest.Main(m, &fixture, nil) }

func ptr[T any](v T) *T { return &v }

func prop(pin, rate string, value int64) scraper.Property {
	return scraper.Property{
		Roll: scraper.FullTitle, PIN: pin, RateNumber: rate, LegalDescription: "ERF " + pin + " of PINETOWN",
		Address: "1 A ROAD, PINETOWN", AddressRaw: "1 A ROAD, PINETOWN", StreetNumber: "1", Street: "A ROAD", AddressSuburb: "PINETOWN",
		FirstOwner: "OWNER " + pin, UseCode: ptr(15), UseLabel: "Single Residential", RatingCategory: "Residential",
		MarketValue: ptr(value), Extent: ptr(1012.5),
		Source: scraper.Partition{Roll: scraper.FullTitle, SuburbID: "7", SuburbName: "PINETOWN"},
	}
}

func spec() store.Spec {
	return store.Spec{Rolls: []scraper.Roll{scraper.FullTitle}, BaseURL: "http://127.0.0.1:1"}
}

func outcome(key string, props ...scraper.Property) scraper.Outcome {
	return scraper.Outcome{Partition: scraper.Partition{Roll: scraper.FullTitle, SuburbID: key}, Status: scraper.StatusDone, Properties: props}
}

// runOnce scrapes outcomes as one complete run and returns its counts.
func runOnce(t *testing.T, st *store.Store, s store.Spec, outs ...scraper.Outcome) store.Counts {
	t.Helper()
	run, err := st.Begin(s, "test", false)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range outs {
		if err := st.Apply(run, o); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.Finish(run, nil); err != nil {
		t.Fatal(err)
	}
	return run.Counts
}

func TestUpsertHistoryAndGone(t *testing.T) {
	app := fixture.NewApp(t, nil)
	defer app.Cleanup()
	clock := apptest.NewClock(apptest.FixtureTime)
	st := store.New(app, clock.Now)

	a, b, c := prop("P1", "01021534", 1830000), prop("P2", "", 50000), prop("P3", "96150534", 0)
	c.MarketValue, c.Extent, c.UseCode = nil, nil, nil                      // a road: no values
	first := runOnce(t, st, spec(), outcome("7", a, b), outcome("8", c, a)) // a twice: overlapping queries
	if first.RowsNew != 3 || first.RowsSeen != 3 || first.RowsChanged != 0 {
		t.Fatalf("first run counts %+v", first)
	}
	if n := apptest.Count(t, app, "SELECT COUNT(*) FROM properties"); n != 3 {
		t.Fatalf("%d properties; want 3 (one per PIN)", n)
	}
	// No value is NULL, not 0; a value keeps its type.
	rec, err := app.FindFirstRecordByFilter("properties", "pin = 'P3'")
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(rec.Get("market_value"), rec.Get("extent"), rec.Get("use_code")); got != "null null null" {
		t.Fatalf("a road's empty cells stored as %s", got)
	}
	if n := apptest.Count(t, app, "SELECT COUNT(*) FROM properties WHERE pin = 'P1' AND market_value = 1830000 AND extent = 1012.5 AND rate_number = '01021534'"); n != 1 {
		t.Fatal("values not stored as numbers with the rate number's leading zero")
	}

	// Unchanged: nothing written.
	clock.Set(apptest.FixtureTime.Add(24 * time.Hour))
	updatedBefore := apptest.Count(t, app, "SELECT COUNT(*) FROM properties WHERE updated = (SELECT MIN(updated) FROM properties)")
	second := runOnce(t, st, spec(), outcome("7", a, b), outcome("8", c))
	if second.RowsUnchanged != 3 || second.RowsNew+second.RowsChanged+second.RowsGone != 0 {
		t.Fatalf("unchanged run counts %+v", second)
	}
	if n := apptest.Count(t, app, "SELECT COUNT(*) FROM property_history"); n != 0 {
		t.Fatalf("%d history records after an unchanged run", n)
	}
	if n := apptest.Count(t, app, "SELECT COUNT(*) FROM properties WHERE updated = (SELECT MIN(updated) FROM properties)"); n != updatedBefore {
		t.Fatal("an unchanged run rewrote properties")
	}

	// Changed value and owner; P3 disappears.
	clock.Set(apptest.FixtureTime.Add(48 * time.Hour))
	a.MarketValue = ptr(int64(1900000))
	b.FirstOwner = "NEW OWNER"
	third := runOnce(t, st, spec(), outcome("7", a, b))
	if third.RowsChanged != 2 || third.RowsGone != 1 {
		t.Fatalf("third run counts %+v", third)
	}
	type change struct{ Pin, Field, Old, New string }
	var changes []change
	err = app.DB().NewQuery(`SELECT p.pin AS pin, h.field AS field, COALESCE(CAST(h.old AS TEXT), 'null') AS old, COALESCE(CAST(h.new AS TEXT), 'null') AS new
		FROM property_history h JOIN properties p ON p.id = h.property WHERE h.field != 'gone_at' ORDER BY p.pin, h.field`).All(&changes)
	if err != nil {
		t.Fatal(err)
	}
	want := []change{{"P1", "market_value", "1830000", "1900000"}, {"P2", "first_owner", `"OWNER P2"`, `"NEW OWNER"`}}
	if fmt.Sprint(changes) != fmt.Sprint(want) {
		t.Fatalf("history %v; want %v", changes, want)
	}
	if n := apptest.Count(t, app, "SELECT COUNT(*) FROM properties WHERE pin = 'P3' AND gone_at != ''"); n != 1 {
		t.Fatal("P3 not marked gone")
	}
	if n := apptest.Count(t, app, "SELECT COUNT(*) FROM properties"); n != 3 {
		t.Fatal("a gone property was deleted")
	}

	// A suburb run never marks gone; P3 coming back clears gone_at.
	partialSpec := spec()
	partialSpec.Suburb = "PINETOWN"
	fourth := runOnce(t, st, partialSpec, outcome("7", a))
	if fourth.RowsGone != 0 || apptest.Count(t, app, "SELECT COUNT(*) FROM properties WHERE gone_at != ''") != 1 {
		t.Fatalf("a suburb run marked properties gone: %+v", fourth)
	}
	back := runOnce(t, st, spec(), outcome("7", a, b), outcome("8", c))
	if back.RowsChanged != 1 || apptest.Count(t, app, "SELECT COUNT(*) FROM properties WHERE gone_at != ''") != 0 {
		t.Fatalf("P3's return: %+v", back)
	}
}

func TestFailedOrPartialRunMarksNothingGone(t *testing.T) {
	app := fixture.NewApp(t, nil)
	defer app.Cleanup()
	st := store.New(app, apptest.NewClock(apptest.FixtureTime).Now)
	runOnce(t, st, spec(), outcome("7", prop("P1", "1", 1), prop("P2", "2", 2)))

	run, err := st.Begin(spec(), "test", false)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Apply(run, outcome("7", prop("P1", "1", 1))); err != nil {
		t.Fatal(err)
	}
	failed := scraper.Outcome{Partition: scraper.Partition{Roll: scraper.FullTitle, SuburbID: "9"}, Status: scraper.StatusFailed, Err: scraper.ErrBlocked}
	if err := st.Apply(run, failed); err != nil {
		t.Fatal(err)
	}
	status, err := st.Finish(run, nil)
	if err != nil || status != "partial" {
		t.Fatalf("status %q, %v; want partial", status, err)
	}
	if n := apptest.Count(t, app, "SELECT COUNT(*) FROM properties WHERE gone_at != ''"); n != 0 {
		t.Fatal("a partial run marked properties gone")
	}
	rec, _ := app.FindRecordById("scrape_runs", run.ID)
	if rec.GetInt("partitions_failed") != 1 || rec.GetInt("partitions_done") != 1 || rec.GetString("status") != "partial" {
		t.Fatalf("run log %v", rec.PublicExport())
	}

	run, _ = st.Begin(spec(), "test", false)
	status, _ = st.Finish(run, errors.New("site down"))
	if status != "failed" || apptest.Count(t, app, "SELECT COUNT(*) FROM properties WHERE gone_at != ''") != 0 {
		t.Fatalf("a failed run: status %q", status)
	}
}

func TestLeaseBlocksThenExpiresAndResumes(t *testing.T) {
	app := fixture.NewApp(t, nil)
	defer app.Cleanup()
	clock := apptest.NewClock(apptest.FixtureTime)
	st := store.New(app, clock.Now)

	first, err := st.Begin(spec(), "process-a", false)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Apply(first, outcome("7", prop("P1", "1", 1))); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Begin(spec(), "process-b", false); !errors.Is(err, store.ErrBusy) {
		t.Fatalf("a second process got the lease: %v", err)
	}
	// process-a dies; its lease runs out.
	clock.Set(apptest.FixtureTime.Add(store.LeaseTTL + time.Second))
	second, err := st.Begin(spec(), "process-b", false)
	if err != nil || second.ID != first.ID || !second.Resumed {
		t.Fatalf("takeover: %+v, %v", second, err)
	}
	done, err := st.Checkpoints(second)
	if err != nil || done["full/suburb=7"] != scraper.StatusDone {
		t.Fatalf("checkpoints %v, %v", done, err)
	}
	if second.Counts.RowsSeen != 1 || second.Counts.RowsNew != 1 {
		t.Fatalf("resumed counts %+v", second.Counts)
	}
	// process-a wakes up: its lease is gone.
	if err := st.Heartbeat(first); !errors.Is(err, store.ErrLeaseLost) {
		t.Fatalf("old owner's heartbeat: %v", err)
	}
	// --fresh abandons the interrupted run.
	clock.Set(apptest.FixtureTime.Add(2 * (store.LeaseTTL + time.Second)))
	third, err := st.Begin(spec(), "process-c", true)
	if err != nil || third.ID == first.ID || third.Resumed {
		t.Fatalf("fresh: %+v, %v", third, err)
	}
	old, _ := app.FindRecordById("scrape_runs", first.ID)
	if old.GetString("status") != "failed" {
		t.Fatalf("abandoned run left %q", old.GetString("status"))
	}
}
