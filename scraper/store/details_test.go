package store_test

import (
	"testing"

	"github.com/rollcall/rollcall/internal/apptest"
	"github.com/rollcall/rollcall/scraper"
	"github.com/rollcall/rollcall/scraper/store"
)

func withOwners(p scraper.Property, owners ...string) scraper.Property {
	p.Details = &scraper.Details{ERF: "1" + p.PIN, DeedsTown: "PINETOWN", Owners: owners}
	return p
}

// An overlapping query's copy of a property can be stored before the copy
// whose profile the walk read: the profile still lands, counted once.
func TestProfileOfALaterCopyIsKept(t *testing.T) {
	app := fixture.NewApp(t, nil)
	defer app.Cleanup()
	st := store.New(app, apptest.NewClock(apptest.FixtureTime).Now)
	run, err := st.Begin(spec(), "test", false)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Apply(run, outcome("town", prop("P1", "001", 100))); err != nil {
		t.Fatal(err)
	}
	if err := st.Apply(run, outcome("suburb", withOwners(prop("P1", "001", 100), "A OWNER", "B OWNER"))); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Finish(run, nil); err != nil {
		t.Fatal(err)
	}
	if run.Counts.RowsSeen != 1 || run.Counts.RowsNew != 1 {
		t.Fatalf("counts %+v: want one property, seen and new once", run.Counts)
	}
	if n := apptest.Count(t, app, `SELECT COUNT(*) FROM properties WHERE pin = 'P1' AND owners = '["A OWNER","B OWNER"]' AND details_at != ''`); n != 1 {
		t.Fatal("the later copy's profile was dropped")
	}
}

// Which properties a run reads profiles of: new, changed, back from gone and
// the refresh budget (longest unread first); never one it stored already.
func TestDetailsWanted(t *testing.T) {
	app := fixture.NewApp(t, nil)
	defer app.Cleanup()
	clock := apptest.NewClock(apptest.FixtureTime)
	st := store.New(app, clock.Now)
	first := []scraper.Property{withOwners(prop("P1", "001", 100)), withOwners(prop("P2", "002", 200)), prop("P3", "003", 300), withOwners(prop("P4", "004", 400))}
	runOnce(t, st, spec(), outcome("7", first...))
	// P3 was never read; P4 is gone after a run without it.
	clock.Set(apptest.FixtureTime.Add(1))
	runOnce(t, st, spec(), outcome("7", first[:3]...))

	s := spec()
	s.Details, s.DetailsRefresh = true, 1
	run, err := st.Begin(s, "test", false)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.PlanDetails(run); err != nil {
		t.Fatal(err)
	}
	changed := prop("P2", "002", 250)
	props := []scraper.Property{prop("P1", "001", 100), changed, prop("P3", "003", 300), prop("P4", "004", 400), prop("P5", "005", 500)}
	got, err := st.DetailsWanted(run, props)
	if err != nil {
		t.Fatal(err)
	}
	// P1 unchanged and read; P2 changed; P3 the budget (never read); P4
	// back; P5 new.
	want := []bool{false, true, true, true, true}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("%s: wanted %v, want %v", props[i].PIN, got[i], want[i])
		}
	}
	if err := st.Apply(run, outcome("7", props[4])); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.DetailsWanted(run, props[4:]); got[0] {
		t.Error("a property this run stored already is wanted again")
	}
}
