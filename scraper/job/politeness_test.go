package job_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/rollcall/rollcall/internal/apptest"
	"github.com/rollcall/rollcall/internal/fakesite"
	"github.com/rollcall/rollcall/scraper"
	"github.com/rollcall/rollcall/scraper/job"
	"github.com/rollcall/rollcall/scraper/store"
)

// fakeClock is the run's clock; the fetcher's sleeps move it forward, so
// hours of back-off pass at once.
type fakeClock struct {
	mu    sync.Mutex
	now   time.Time
	slept time.Duration
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(_ context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now, c.slept = c.now.Add(d), c.slept+d
	return nil
}

func clockOptions(url string) (job.Options, *fakeClock) {
	c := &fakeClock{now: apptest.FixtureTime}
	o := options(url)
	o.Sleep, o.Now = c.Sleep, c.Now
	return o, c
}

// served counts what the site sent, by kind of page: requests and bytes.
type served struct {
	mu       sync.Mutex
	requests map[scraper.Kind]int64
	bytes    map[scraper.Kind]int64
	blocks   atomic.Int64 // block pages the WAF fault answered
}

func kindOfPath(path string) scraper.Kind {
	switch p := strings.ToLower(path); {
	case strings.HasSuffix(p, "/searchresult.aspx"):
		return scraper.KindList
	case strings.HasSuffix(p, "/searchdeatils.aspx"):
		return scraper.KindProfile
	case strings.Contains(p, "/searchcrit"):
		return scraper.KindCriteria
	}
	return scraper.KindOther
}

type countingWriter struct {
	http.ResponseWriter
	n int64
}

func (w *countingWriter) Write(p []byte) (int, error) {
	n, err := w.ResponseWriter.Write(p)
	w.n += int64(n)
	return n, err
}

// serveCounted serves site behind a counter.
func serveCounted(t *testing.T, site *fakesite.Site) (*served, string) {
	t.Helper()
	s := &served{requests: map[scraper.Kind]int64{}, bytes: map[scraper.Kind]int64{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cw := &countingWriter{ResponseWriter: w}
		site.ServeHTTP(cw, r)
		k := kindOfPath(r.URL.Path)
		s.mu.Lock()
		s.requests[k]++
		s.bytes[k] += cw.n
		s.mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	return s, srv.URL
}

// countBlocks wraps a WAF fault to count the block pages it answers.
func (s *served) countBlocks(waf func(*http.Request) bool) func(*http.Request) bool {
	return func(r *http.Request) bool {
		if waf(r) {
			s.blocks.Add(1)
			return true
		}
		return false
	}
}

// runFetches reads the run log's politeness accounting.
func runFetches(t *testing.T, app core.App, runID string) store.Fetches {
	t.Helper()
	rec, err := app.FindRecordById("scrape_runs", runID)
	if err != nil {
		t.Fatal(err)
	}
	var f store.Fetches
	if err := json.Unmarshal([]byte(rec.GetString("fetches")), &f); err != nil {
		t.Fatalf("fetches %q: %v", rec.GetString("fetches"), err)
	}
	return f
}

// propertyRows dumps every stored property's values and gone_at.
func propertyRows(t *testing.T, app core.App) string {
	t.Helper()
	var rows []string
	if err := app.DB().NewQuery("SELECT roll || '|' || pin || '|' || rate_number || '|' || address || '|' || first_owner || '|' || COALESCE(market_value, 'null') || '|' || gone_at FROM properties ORDER BY roll, pin").Column(&rows); err != nil {
		t.Fatal(err)
	}
	return strings.Join(rows, "\n")
}

// Block pages at 2 % (every 50th request) slow the run down but cost it
// nothing: it ends ok with exactly the site's properties, and the run log
// shows the block pages and the back-off.
func TestRandomBlockPagesSlowTheRunDownAndItEndsOK(t *testing.T) {
	app := fixture.NewApp(t, nil)
	defer app.Cleanup()
	site := fakesite.New(fakesite.Generate(smallData))
	counted, url := serveCounted(t, site)
	site.SetFaults(fakesite.Faults{WAF: counted.countBlocks(fakesite.WAFEvery(50))})
	o, clock := clockOptions(url)
	res, err := job.Run(context.Background(), app, o)
	if err != nil || res.Status != "ok" || res.Counts.PartitionsFailed != 0 {
		t.Fatalf("2 %% block pages: %q, %v, %+v", res.Status, err, res.Counts)
	}
	if got := storedPins(t, app); strings.Join(got, ",") != strings.Join(sitePins(site), ",") {
		t.Fatalf("stored %d properties; the site has %d", len(got), len(site.Snapshot()))
	}
	f := runFetches(t, app, res.RunID)
	blocks := counted.blocks.Load()
	if blocks < 5 || f.Total().Blocks != blocks {
		t.Fatalf("run log counts %d block pages; the site sent %d", f.Total().Blocks, blocks)
	}
	// Each block page pauses for at least a minute (one pause may cover
	// block pages answered to requests in flight together).
	if f.BlockWaitMS < 60_000 || time.Duration(f.BlockWaitMS)*time.Millisecond > clock.slept {
		t.Fatalf("run log: %d ms of block back-off for %d block pages; slept %v", f.BlockWaitMS, blocks, clock.slept)
	}
	t.Logf("%d block pages, %v of block back-off, %d requests", blocks, time.Duration(f.BlockWaitMS)*time.Millisecond, res.Counts.Requests)
}

// A burst of block pages (requests 200 to 211) is waited out: the run ends
// ok with every property.
func TestABurstOfBlockPagesIsWaitedOut(t *testing.T) {
	app := fixture.NewApp(t, nil)
	defer app.Cleanup()
	site := fakesite.New(fakesite.Generate(smallData))
	counted, url := serveCounted(t, site)
	site.SetFaults(fakesite.Faults{WAF: counted.countBlocks(fakesite.WAFBurst(200, 12))})
	o, _ := clockOptions(url)
	res, err := job.Run(context.Background(), app, o)
	if err != nil || res.Status != "ok" {
		t.Fatalf("a burst of block pages: %q, %v, %+v", res.Status, err, res.Counts)
	}
	if got := storedPins(t, app); strings.Join(got, ",") != strings.Join(sitePins(site), ",") {
		t.Fatalf("stored %d properties; the site has %d", len(got), len(site.Snapshot()))
	}
	if f := runFetches(t, app, res.RunID); counted.blocks.Load() != 12 || f.Total().Blocks != 12 || f.BlockWaitMS < 60_000 {
		t.Fatalf("the site sent %d block pages; the run log has %d and %d ms of back-off", counted.blocks.Load(), f.Total().Blocks, f.BlockWaitMS)
	}
}

// Block pages that never stop end the run blocked after an hour of
// back-off (injected: no real time passes), with the time to try again;
// stored properties are untouched, none is marked gone, and the next run
// starts afresh.
func TestBlockPagesThatPersistEndTheRunBlocked(t *testing.T) {
	app := fixture.NewApp(t, nil)
	defer app.Cleanup()
	site := fakesite.New(fakesite.Generate(smallData))
	counted, url := serveCounted(t, site)
	if res, err := job.Run(context.Background(), app, options(url)); err != nil || res.Status != "ok" {
		t.Fatalf("clean run: %q, %v", res.Status, err)
	}
	before := propertyRows(t, app)
	site.SetFaults(fakesite.Faults{WAF: counted.countBlocks(fakesite.WAFBurst(150, -1))})
	o, clock := clockOptions(url)
	start := clock.Now()
	res, err := job.Run(context.Background(), app, o)
	var sb *scraper.SiteBlockedError
	if res.Status != "blocked" || !errors.Is(err, scraper.ErrSiteBlocks) || !errors.As(err, &sb) {
		t.Fatalf("persistent block pages: %q, %v", res.Status, err)
	}
	retry := sb.RetryAt.Format("2006-01-02 15:04 MST")
	if sb.Waited < time.Hour || sb.RetryAt.Before(start.Add(2*time.Hour)) || sb.RetryAt.After(clock.Now().Add(time.Hour)) || !strings.Contains(err.Error(), "try again after "+retry) {
		t.Fatalf("error %q: waited %v, retry at %v (run started %v)", err, sb.Waited, sb.RetryAt, start)
	}
	rec, _ := app.FindRecordById("scrape_runs", res.RunID)
	if rec.GetString("status") != "blocked" || !strings.Contains(rec.GetString("errors"), "try again after "+retry) || rec.GetString("finished") == "" {
		t.Fatalf("run log: %v", rec.PublicExport())
	}
	// Requests in flight when the run gave up are cancelled: their block
	// pages reached the site's count, not the fetcher's.
	// Nothing is retried as an error once the fetcher has given up.
	if f := runFetches(t, app, res.RunID); f.Total().Blocks > counted.blocks.Load() || f.Total().Blocks < counted.blocks.Load()-int64(o.Spec.Concurrency) ||
		f.BlockWaitMS < time.Hour.Milliseconds() || f.Total().Retries != 0 || f.RetryWaitMS != 0 {
		t.Fatalf("run log: %d block pages (site sent %d), %d ms of back-off, %d retries", f.Total().Blocks, counted.blocks.Load(), f.BlockWaitMS, f.Total().Retries)
	}
	if n := apptest.Count(t, app, "SELECT COUNT(*) FROM properties WHERE gone_at != ''"); n != 0 {
		t.Fatalf("a blocked run marked %d properties gone", n)
	}
	if propertyRows(t, app) != before || apptest.Count(t, app, "SELECT COUNT(*) FROM property_history") != 0 {
		t.Fatal("a blocked run changed stored properties")
	}
	// It gave up after its patience instead of asking on: about eight
	// back-offs, each answered to the requests in flight and a probe.
	if n := counted.blocks.Load(); n > 60 {
		t.Fatalf("the site sent %d block pages before the run gave up", n)
	}
	// A blocked run is closed: the next run starts afresh and completes.
	site.SetFaults(fakesite.Faults{})
	again, err := job.Run(context.Background(), app, options(url))
	if err != nil || again.Status != "ok" || again.Resumed {
		t.Fatalf("the run after: %+v, %v", again, err)
	}
}

// The accounting equals what the site served, kind by kind; splitting
// costs at most 5 % more list requests than there are leaf partitions, and
// each profile read is of a property the store asked for.
func TestAccountingMatchesWhatTheSiteServed(t *testing.T) {
	app := fixture.NewApp(t, nil)
	defer app.Cleanup()
	site := fakesite.New(fakesite.Generate(testData))
	counted, url := serveCounted(t, site)
	o := options(url)
	o.Spec.Details, o.Spec.DetailsRefresh = true, 300
	res, err := job.Run(context.Background(), app, o)
	if err != nil || res.Status != "ok" {
		t.Fatalf("run: %q, %v", res.Status, err)
	}
	f := runFetches(t, app, res.RunID)
	counted.mu.Lock()
	defer counted.mu.Unlock()
	for k, got := range map[scraper.Kind]scraper.KindStats{scraper.KindCriteria: f.Criteria, scraper.KindList: f.List, scraper.KindProfile: f.Profile, scraper.KindOther: f.Other} {
		if got.Requests != counted.requests[k] || got.Bytes != counted.bytes[k] {
			t.Errorf("kind %d: run log %d requests, %d bytes; the site served %d, %d", k, got.Requests, got.Bytes, counted.requests[k], counted.bytes[k])
		}
	}
	c := res.Counts
	if f.Total().Requests != c.Requests || c.Requests != int64(site.Requests()) {
		t.Errorf("requests: fetches %d, counter %d, site %d", f.Total().Requests, c.Requests, site.Requests())
	}
	if f.LeafPartitions != c.PartitionsDone+c.PartitionsIncomplete+c.PartitionsFailed || f.LeafPartitions == 0 {
		t.Errorf("%d leaf partitions; the run log has %d done, %d incomplete, %d failed", f.LeafPartitions, c.PartitionsDone, c.PartitionsIncomplete, c.PartitionsFailed)
	}
	if f.ListPerLeaf > 1.05 || f.ListPerLeaf < 1 {
		t.Errorf("%.2f list requests per leaf partition (%d / %d)", f.ListPerLeaf, f.List.Requests, f.LeafPartitions)
	}
	if f.Profile.Requests != 300 || f.ProfilePerNewOrChanged != float64(int(300.0/float64(c.RowsNew)*100+0.5))/100 {
		t.Errorf("%d profile requests for %d new properties, ratio %v", f.Profile.Requests, c.RowsNew, f.ProfilePerNewOrChanged)
	}
	if f != res.Counts.FetchLog() {
		t.Errorf("the run log's fetches %+v differ from the result's %+v", f, res.Counts.FetchLog())
	}
	t.Logf("%d rows: %d requests (%d criteria, %d list, %d profile, %d other), %d leaf partitions, %d split: %.3f list/leaf, %.1f MB",
		c.RowsSeen, c.Requests, f.Criteria.Requests, f.List.Requests, f.Profile.Requests, f.Other.Requests, f.LeafPartitions, c.PartitionsSplit,
		float64(f.List.Requests)/float64(f.LeafPartitions), float64(f.Total().Bytes)/(1<<20))
}

// A dry run reports the same accounting.
func TestDryRunAccounting(t *testing.T) {
	site := fakesite.New(fakesite.Generate(smallData))
	counted, url := serveCounted(t, site)
	o := options(url)
	o.DryRun = true
	res, err := job.Run(context.Background(), nil, o)
	if err != nil || res.Status != "ok" {
		t.Fatalf("dry run: %q, %v", res.Status, err)
	}
	f := res.Counts.Fetches
	counted.mu.Lock()
	defer counted.mu.Unlock()
	if f.List.Requests != counted.requests[scraper.KindList] || f.Criteria.Requests != 2 || f.LeafPartitions != res.Counts.PartitionsDone+res.Counts.PartitionsIncomplete || res.Counts.Requests != f.Total().Requests {
		t.Fatalf("dry run accounting %+v; the site served %v", f, counted.requests)
	}
}
