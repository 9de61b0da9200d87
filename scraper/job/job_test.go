package job_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/rollcall/rollcall/internal/apptest"
	"github.com/rollcall/rollcall/internal/fakesite"
	"github.com/rollcall/rollcall/scraper"
	"github.com/rollcall/rollcall/scraper/job"
	"github.com/rollcall/rollcall/scraper/store"
)

var fixture *apptest.Fixture

func TestMain(m *testing.M) { apptest.Main(m, &fixture, nil) }

// The test rolls: one big enough that several suburbs pass the 1,000-row
// cap, and a small one for the fault tests.
var (
	testData  = fakesite.Config{Seed: 7, FullRows: 24_000, SectionalRows: 4_000}
	smallData = fakesite.Config{Seed: 5, FullRows: 3_000, SectionalRows: 600}
)

func newSite(t *testing.T, data ...fakesite.Config) (*fakesite.Site, string) {
	t.Helper()
	cfg := testData
	if len(data) > 0 {
		cfg = data[0]
	}
	site := fakesite.New(fakesite.Generate(cfg))
	srv := httptest.NewServer(site)
	t.Cleanup(srv.Close)
	return site, srv.URL
}

func noSleep(context.Context, time.Duration) error { return nil }

func options(url string) job.Options {
	return job.Options{
		Spec:  store.Spec{Rolls: []scraper.Roll{scraper.FullTitle, scraper.Sectional}, BaseURL: url, Concurrency: 4},
		Sleep: noSleep,
	}
}

// storedPins lists "roll/pin" of every stored property.
func storedPins(t *testing.T, app core.App) []string {
	t.Helper()
	var pins []string
	if err := app.DB().NewQuery("SELECT roll || '/' || pin FROM properties ORDER BY 1").Column(&pins); err != nil {
		t.Fatal(err)
	}
	return pins
}

func sitePins(site *fakesite.Site) []string {
	var pins []string
	for _, p := range site.Snapshot() {
		pins = append(pins, scraper.Roll(p.Roll).String()+"/"+p.PIN)
	}
	sort.Strings(pins)
	return pins
}

func TestFullRunUnchangedRunAndMutatedRun(t *testing.T) {
	app := fixture.NewApp(t, nil)
	defer app.Cleanup()
	site, url := newSite(t)

	res, err := job.Run(context.Background(), app, options(url))
	if err != nil || res.Status != "ok" {
		t.Fatalf("first run: %q, %v, %+v", res.Status, err, res.Counts)
	}
	want := sitePins(site)
	if got := storedPins(t, app); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("stored %d properties; the site has %d", len(got), len(want))
	}
	if res.Counts.PartitionsSplit == 0 {
		t.Fatal("no suburb passed the cap: the test roll is too small to prove the splitting")
	}
	if int(res.Counts.RowsNew) != len(want) || int(res.Counts.RowsSeen) != len(want) {
		t.Fatalf("counts %+v for %d properties", res.Counts, len(want))
	}
	// Rows without a rate number came through their Details link.
	if apptest.Count(t, app, "SELECT COUNT(*) FROM properties WHERE rate_number = ''") == 0 {
		t.Fatal("no property without a rate number was recovered")
	}
	// Empty cells are stored as no value, never 0.
	zeros := 0
	for _, p := range site.Snapshot() {
		if p.MarketValue == 0 {
			zeros++
		}
	}
	if got := apptest.Count(t, app, "SELECT COUNT(*) FROM properties WHERE market_value IS NULL"); got != zeros || apptest.Count(t, app, "SELECT COUNT(*) FROM properties WHERE market_value = 0") != 0 {
		t.Fatalf("%d properties with no market value stored; the site shows %d empty cells", got, zeros)
	}
	rec, _ := app.FindRecordById("scrape_runs", res.RunID)
	if rec.GetString("status") != "ok" || rec.GetInt("rows_new") != len(want) || rec.GetInt("requests") == 0 || rec.GetString("finished") == "" {
		t.Fatalf("run log %v", rec.PublicExport())
	}

	// Unchanged: nothing written.
	before := apptest.Count(t, app, "SELECT COUNT(*) FROM properties WHERE updated != created")
	res, err = job.Run(context.Background(), app, options(url))
	if err != nil || res.Counts.RowsNew+res.Counts.RowsChanged+res.Counts.RowsGone != 0 || int(res.Counts.RowsUnchanged) != len(want) {
		t.Fatalf("unchanged run: %v %+v", err, res.Counts)
	}
	if apptest.Count(t, app, "SELECT COUNT(*) FROM property_history") != 0 || apptest.Count(t, app, "SELECT COUNT(*) FROM properties WHERE updated != created") != before {
		t.Fatal("an unchanged run wrote")
	}

	// Mutated: exactly the planted changes land in history.
	planted := site.Mutate(99, 30)
	res, err = job.Run(context.Background(), app, options(url))
	if err != nil || int(res.Counts.RowsChanged) != len(planted) {
		t.Fatalf("mutated run: %v, %d changed; planted %d", err, res.Counts.RowsChanged, len(planted))
	}
	type fieldKey struct{ pin, field string }
	got := map[fieldKey]bool{}
	var rows []struct {
		Pin   string `db:"pin"`
		Field string `db:"field"`
	}
	if err := app.DB().NewQuery("SELECT p.pin AS pin, h.field AS field FROM property_history h JOIN properties p ON p.id = h.property").All(&rows); err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		got[fieldKey{r.Pin, r.Field}] = true
	}
	pins := map[string]bool{}
	for _, c := range planted {
		pins[c.PIN] = true
		// A use code cell is stored as code and label: either may change.
		if !got[fieldKey{c.PIN, c.Field}] && !(c.Field == fakesite.FieldUseCode && got[fieldKey{c.PIN, "use_label"}]) {
			t.Errorf("planted %+v is not in history", c)
		}
	}
	for k := range got {
		if !pins[k.pin] {
			t.Errorf("history has %+v, which was not planted", k)
		}
	}
}

func TestRetriedFaultsEndOK(t *testing.T) {
	app := fixture.NewApp(t, nil)
	defer app.Cleanup()
	site, url := newSite(t, smallData)
	site.SetFaults(fakesite.Faults{FailFirst: 2})
	res, err := job.Run(context.Background(), app, options(url))
	if err != nil || res.Status != "ok" || res.Counts.Retries == 0 {
		t.Fatalf("run with 5xx twice per page: %q, %v, %+v", res.Status, err, res.Counts)
	}
	if got := storedPins(t, app); len(got) != len(site.Snapshot()) {
		t.Fatalf("stored %d of %d", len(got), len(site.Snapshot()))
	}
}

func TestWAFPageFailsItsPartitionLoudly(t *testing.T) {
	app := fixture.NewApp(t, nil)
	defer app.Cleanup()
	site, url := newSite(t, smallData)
	blocked := ""
	site.SetFaults(fakesite.Faults{WAF: func(r *http.Request) bool {
		q := r.URL.Query()
		if r.URL.Path != "/FramePages/SearchResult.aspx" || q.Get("Roll") != "1" {
			return false
		}
		if blocked == "" {
			blocked = q.Get("Suburb")
		}
		return q.Get("Suburb") == blocked
	}})
	o := options(url)
	o.Spec.Rolls, o.Spec.Concurrency = []scraper.Roll{scraper.FullTitle}, 1
	res, err := job.Run(context.Background(), app, o)
	if err != nil || res.Status != "partial" || res.Counts.PartitionsFailed == 0 {
		t.Fatalf("blocked suburb: %q, %v, %+v", res.Status, err, res.Counts)
	}
	if !strings.Contains(strings.Join(res.Counts.Errors, "\n"), "firewall block page") {
		t.Fatalf("errors %q do not name the block page", res.Counts.Errors)
	}
	if apptest.Count(t, app, "SELECT COUNT(*) FROM properties WHERE suburb_id = '"+blocked+"'") != 0 {
		t.Fatal("rows stored for the blocked suburb")
	}
	if apptest.Count(t, app, "SELECT COUNT(*) FROM properties") == 0 {
		t.Fatal("the other suburbs were not scraped")
	}
}

func TestOutageFailsTheRunAndChangesNothing(t *testing.T) {
	app := fixture.NewApp(t, nil)
	defer app.Cleanup()
	site, url := newSite(t, smallData)
	if _, err := job.Run(context.Background(), app, options(url)); err != nil {
		t.Fatal(err)
	}
	before := apptest.Count(t, app, "SELECT COUNT(*) FROM properties WHERE gone_at = ''")
	site.SetFaults(fakesite.Faults{Outage: true})
	res, err := job.Run(context.Background(), app, options(url))
	if err == nil || res.Status != "failed" || !errors.Is(err, scraper.ErrRobotsUnusable) {
		t.Fatalf("outage: %q, %v", res.Status, err)
	}
	if apptest.Count(t, app, "SELECT COUNT(*) FROM properties WHERE gone_at = ''") != before || apptest.Count(t, app, "SELECT COUNT(*) FROM property_history") != 0 {
		t.Fatal("an outage changed stored properties")
	}
	// The site answers robots.txt but every search fails: the breaker ends the run.
	site.SetFaults(fakesite.Faults{ErrorRate: 1})
	res, err = job.Run(context.Background(), app, options(url))
	if err == nil || res.Status != "failed" {
		t.Fatalf("all searches failing: %q, %v", res.Status, err)
	}
	if apptest.Count(t, app, "SELECT COUNT(*) FROM properties WHERE gone_at = ''") != before {
		t.Fatal("a failed run marked properties gone")
	}
}

func TestRobotsDisallowIsObeyed(t *testing.T) {
	app := fixture.NewApp(t, nil)
	defer app.Cleanup()
	site, url := newSite(t, smallData)
	site.SetFaults(fakesite.Faults{Robots: "User-agent: *\nDisallow: /FramePages/SearchResult.aspx\n"})
	requests := site.Requests()
	res, err := job.Run(context.Background(), app, options(url))
	if err == nil || res.Status != "failed" || !strings.Contains(strings.Join(res.Counts.Errors, "\n"), "disallowed by robots.txt") {
		t.Fatalf("disallowed: %q, %v, %q", res.Status, err, res.Counts.Errors)
	}
	// robots.txt, the two criteria pages and the header (the roll's year) only.
	if sent := site.Requests() - requests; sent != 4 {
		t.Fatalf("%d requests reached the site; want 4 (robots.txt, two criteria pages, the header)", sent)
	}
}

func TestSuburbRunAndDetails(t *testing.T) {
	app := fixture.NewApp(t, nil)
	defer app.Cleanup()
	site, url := newSite(t)
	d := fakesite.Generate(testData)
	// A small suburb: its rows and nothing else, each with its profile.
	sizes := map[string]int{}
	for _, p := range site.Snapshot() {
		if p.Roll == 1 {
			sizes[p.SuburbID]++
		}
	}
	suburb := ""
	for _, o := range d.Suburbs {
		if n := sizes[o.Value]; n > 5 && n < 50 {
			suburb = o.Value
			break
		}
	}
	o := options(url)
	o.Spec.Rolls, o.Spec.Suburb, o.Spec.Details, o.Spec.DetailsRefresh = []scraper.Roll{scraper.FullTitle}, suburb, true, 1000
	res, err := job.Run(context.Background(), app, o)
	if err != nil || res.Status != "ok" {
		t.Fatalf("suburb run: %q, %v", res.Status, err)
	}
	if got := apptest.Count(t, app, "SELECT COUNT(*) FROM properties"); got != sizes[suburb] {
		t.Fatalf("stored %d; suburb %s has %d", got, suburb, sizes[suburb])
	}
	if n := apptest.Count(t, app, "SELECT COUNT(*) FROM properties WHERE erf = '' OR deeds_town = '' OR json_array_length(owners) < 1"); n != 0 {
		t.Fatalf("%d properties without their profile's ERF, deeds town and owners", n)
	}
}

func TestTimeoutsAreRetried(t *testing.T) {
	app := fixture.NewApp(t, nil)
	defer app.Cleanup()
	site, url := newSite(t, smallData)
	// Every 50th response takes longer than the client waits.
	site.SetFaults(fakesite.Faults{Slow: 400 * time.Millisecond, SlowEvery: 50})
	o := options(url)
	o.HTTP = &http.Client{Timeout: 150 * time.Millisecond}
	res, err := job.Run(context.Background(), app, o)
	if err != nil || res.Status != "ok" || res.Counts.Retries == 0 {
		t.Fatalf("timeouts: %q, %v, %d retries", res.Status, err, res.Counts.Retries)
	}
	if got := storedPins(t, app); len(got) != len(site.Snapshot()) {
		t.Fatalf("stored %d of %d", len(got), len(site.Snapshot()))
	}
}

func TestEmptySuburbListFailsTheRun(t *testing.T) {
	app := fixture.NewApp(t, nil)
	defer app.Cleanup()
	site, url := newSite(t, smallData)
	site.SetFaults(fakesite.Faults{EmptySuburbs: true})
	res, err := job.Run(context.Background(), app, options(url))
	if err == nil || res.Status != "failed" || !errors.Is(err, scraper.ErrNoOptions) {
		t.Fatalf("empty suburb list: %q, %v", res.Status, err)
	}
}

// TLS is verified unless --insecure: the fake's self-signed certificate is
// refused, then accepted with Insecure.
func TestTLSVerifiedUnlessInsecure(t *testing.T) {
	app := fixture.NewApp(t, nil)
	defer app.Cleanup()
	srv := httptest.NewTLSServer(fakesite.New(fakesite.Generate(fakesite.Config{Seed: 1, FullRows: 200})))
	defer srv.Close()
	o := options(srv.URL)
	o.Spec.Rolls = []scraper.Roll{scraper.FullTitle}
	if _, err := job.Run(context.Background(), app, o); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("a self-signed certificate was accepted: %v", err)
	}
	o.Insecure = true
	if res, err := job.Run(context.Background(), app, o); err != nil || res.Status != "ok" || res.Counts.RowsNew != 200 {
		t.Fatalf("with --insecure: %v %+v", err, res.Counts)
	}
}

// cancelAfter cancels the run's context at its first stored batch.
type cancelAfter struct{ cancel context.CancelFunc }

func (c cancelAfter) Start(string, store.Spec, bool) {}
func (c cancelAfter) Update(int64, int64, int64)     { c.cancel() }
func (c cancelAfter) Finish(job.Result, error)       {}

// Ctrl-C leaves the run open with its lease handed back; the next run
// resumes it at once and ends with every row.
func TestInterruptedRunIsResumedAtOnce(t *testing.T) {
	app := fixture.NewApp(t, nil)
	defer app.Cleanup()
	site, url := newSite(t, smallData)
	site.SetFaults(fakesite.Faults{Slow: time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	o := options(url)
	o.Progress = cancelAfter{cancel}
	res, err := job.Run(ctx, app, o)
	if err == nil || res.Status != "interrupted" || !strings.Contains(err.Error(), "interrupted") {
		t.Fatalf("interrupted run: %q, %v", res.Status, err)
	}
	rec, _ := app.FindRecordById("scrape_runs", res.RunID)
	if rec.GetString("status") != "running" || rec.GetString("lease_owner") != "" {
		t.Fatalf("interrupted run left %v", rec.PublicExport())
	}
	site.SetFaults(fakesite.Faults{})
	again, err := job.Run(context.Background(), app, options(url))
	if err != nil || !again.Resumed || again.RunID != res.RunID || again.Status != "ok" {
		t.Fatalf("resume: %+v, %v", again, err)
	}
	if got := storedPins(t, app); strings.Join(got, ",") != strings.Join(sitePins(site), ",") {
		t.Fatalf("resumed run stored %d of %d", len(got), len(site.Snapshot()))
	}
}
