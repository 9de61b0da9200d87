package store_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/rollcall/rollcall/internal/apptest"
	"github.com/rollcall/rollcall/scraper"
	"github.com/rollcall/rollcall/scraper/store"
)

// The run log's fetches hold the accounting with its ratios; a resumed
// run adds what its earlier process fetched; a blocked run ends blocked,
// marks nothing gone and keeps the message.
func TestFetchesAddUpAcrossAResumeAndABlockedRunEndsBlocked(t *testing.T) {
	app := fixture.NewApp(t, nil)
	defer app.Cleanup()
	clock := apptest.NewClock(apptest.FixtureTime)
	st := store.New(app, clock.Now)
	runOnce(t, st, spec(), outcome("7", prop("P1", "1", 1), prop("P2", "2", 2)))

	first, err := st.Begin(spec(), "process-a", false)
	if err != nil {
		t.Fatal(err)
	}
	stats := scraper.FetchStats{List: scraper.KindStats{Requests: 3, Bytes: 3000, Retries: 1, Blocks: 1}, Other: scraper.KindStats{Requests: 1}, BlockWaitMS: 60_000}
	first.SetFetches(stats, 2)
	if err := st.Apply(first, outcome("7", prop("P1", "1", 1))); err != nil {
		t.Fatal(err)
	}
	// process-a dies; process-b resumes and fetches as much again.
	clock.Set(apptest.FixtureTime.Add(store.LeaseTTL + time.Second))
	second, err := st.Begin(spec(), "process-b", false)
	if err != nil || !second.Resumed {
		t.Fatalf("resume: %v", err)
	}
	second.SetFetches(stats, 2)
	if err := st.Apply(second, outcome("8", prop("P2", "2", 5))); err != nil {
		t.Fatal(err)
	}
	blocked := &scraper.SiteBlockedError{Pages: 9, Waited: time.Hour, RetryAt: clock.Now().Add(time.Hour)}
	status, err := st.Finish(second, blocked)
	if err != nil || status != "blocked" {
		t.Fatalf("status %q, %v; want blocked", status, err)
	}
	rec, _ := app.FindRecordById("scrape_runs", second.ID)
	var f store.Fetches
	if err := json.Unmarshal([]byte(rec.GetString("fetches")), &f); err != nil {
		t.Fatal(err)
	}
	want := scraper.KindStats{Requests: 6, Bytes: 6000, Retries: 2, Blocks: 2}
	if f.List != want || f.Other.Requests != 2 || f.LeafPartitions != 4 || f.BlockWaitMS != 120_000 || f.WaitedMS != 120_000 || f.ListPerLeaf != 1.5 {
		t.Fatalf("fetches after a resume %+v", f)
	}
	if rec.GetInt("requests") != 8 || rec.GetInt("retries") != 2 || rec.GetString("status") != "blocked" {
		t.Fatalf("run log %v", rec.PublicExport())
	}
	if !strings.Contains(rec.GetString("errors"), "try again after "+blocked.RetryAt.Format("2006-01-02 15:04 MST")) {
		t.Fatalf("errors %s", rec.GetString("errors"))
	}
	if n := apptest.Count(t, app, "SELECT COUNT(*) FROM properties WHERE gone_at != ''"); n != 0 {
		t.Fatalf("a blocked run marked %d gone", n)
	}
	if !errors.Is(blocked, scraper.ErrBlocked) {
		t.Fatal("ErrSiteBlocks is not ErrBlocked")
	}
}

// Profile requests per new or changed property.
func TestFetchLogRatios(t *testing.T) {
	c := store.Counts{RowsNew: 3, RowsChanged: 1, Fetches: store.Fetches{FetchStats: scraper.FetchStats{Profile: scraper.KindStats{Requests: 6}, List: scraper.KindStats{Requests: 7}}, LeafPartitions: 0}}
	if f := c.FetchLog(); f.ProfilePerNewOrChanged != 1.5 || f.ListPerLeaf != 0 {
		t.Fatalf("ratios %+v", f)
	}
}
