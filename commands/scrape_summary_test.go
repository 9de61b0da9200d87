package commands

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/rollcall/rollcall/config"
	"github.com/rollcall/rollcall/internal/apptest"
	"github.com/rollcall/rollcall/internal/fakesite"
	"github.com/rollcall/rollcall/scraper/job"
	"github.com/rollcall/rollcall/scraper/store"
)

// scrapeFake runs `rollcall scrape` against a fake site, with the fetcher's
// sleeps moving a fake clock instead of waiting.
func scrapeFake(t *testing.T, faults fakesite.Faults) (core.App, string, error) {
	t.Helper()
	t.Setenv("GOMEMLIMIT", "1GiB") // keep the command's heap limit off the test process
	site := fakesite.New(fakesite.Generate(fakesite.Config{Seed: 5, FullRows: 1_500, SectionalRows: 300}))
	site.SetFaults(faults)
	srv := httptest.NewServer(site)
	t.Cleanup(srv.Close)
	var mu sync.Mutex
	now := apptest.FixtureTime
	orig := runJob
	runJob = func(ctx context.Context, app core.App, o job.Options) (job.Result, error) {
		o.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
		o.Sleep = func(_ context.Context, d time.Duration) error {
			mu.Lock()
			defer mu.Unlock()
			now = now.Add(d)
			return nil
		}
		return orig(ctx, app, o)
	}
	t.Cleanup(func() { runJob = orig })
	app := apptest.NewEmpty(t)
	var out bytes.Buffer
	cmd := Scrape(app, config.New())
	cmd.SetOut(&out)
	cmd.SetErr(&bytes.Buffer{})
	cmd.SetArgs([]string{"--base-url", srv.URL, "--delay", "0", "--concurrency", "2"})
	err := cmd.Execute()
	return app, out.String(), err
}

func runLog(t *testing.T, app core.App) (status string, f store.Fetches) {
	t.Helper()
	recs, err := app.FindAllRecords("scrape_runs")
	if err != nil || len(recs) != 1 {
		t.Fatalf("%d runs, %v", len(recs), err)
	}
	if err := json.Unmarshal([]byte(recs[0].GetString("fetches")), &f); err != nil {
		t.Fatal(err)
	}
	return recs[0].GetString("status"), f
}

// The summary line carries the run log's accounting.
func TestScrapeSummaryShowsTheAccounting(t *testing.T) {
	app, out, err := scrapeFake(t, fakesite.Faults{WAF: fakesite.WAFEvery(40)})
	if err != nil {
		t.Fatalf("scrape: %v\n%s", err, out)
	}
	status, f := runLog(t, app)
	want := fmt.Sprintf("%d requests (2 criteria, %d list, 0 profile, 2 other; %.2f list/leaf, 0.00 profile/new-or-changed) · ",
		f.Total().Requests, f.List.Requests, f.ListPerLeaf)
	blocks := fmt.Sprintf(" · %d block pages · waited %s (%s after block pages)", f.Total().Blocks, f.Waited().Round(time.Second),
		(time.Duration(f.BlockWaitMS) * time.Millisecond).Round(time.Second))
	if status != "ok" || f.Total().Blocks == 0 || !strings.Contains(out, want) || !strings.Contains(out, blocks) || !strings.Contains(out, " MB · ") {
		t.Fatalf("status %s; output\n%s\nwant %q and %q", status, out, want, blocks)
	}
}

// A run the site keeps blocking exits non-zero, naming the time to try
// again, after printing what it fetched.
func TestBlockedScrapeExitsNamingTheRetryTime(t *testing.T) {
	app, out, err := scrapeFake(t, fakesite.Faults{WAF: fakesite.WAFBurst(30, -1)})
	if err == nil || !strings.Contains(err.Error(), "blocked") || !strings.Contains(err.Error(), "try again after 2026-11-23 ") {
		t.Fatalf("err %v; want the blocked run's retry time", err)
	}
	status, f := runLog(t, app)
	if status != "blocked" || !strings.Contains(out, ": blocked · ") || !strings.Contains(out, fmt.Sprintf(" · %d block pages · ", f.Total().Blocks)) {
		t.Fatalf("status %s; output %q", status, out)
	}
}

func TestSummaryWithoutLeavesOrProperties(t *testing.T) {
	line := summary(job.Result{Status: "failed", RunID: "r1", Counts: store.Counts{Requests: 3,
		Fetches: store.Fetches{}}})
	if !strings.Contains(line, "3 requests (0 criteria, 0 list, 0 profile, 0 other; – list/leaf, – profile/new-or-changed) · 0.0 MB · 0 retries · 0 block pages · waited 0s") {
		t.Fatalf("summary %q", line)
	}
}
