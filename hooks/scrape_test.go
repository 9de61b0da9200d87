package hooks_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/rollcall/rollcall/config"
	"github.com/rollcall/rollcall/internal/apptest"
	"github.com/rollcall/rollcall/internal/fakesite"
)

// PocketBase's own API of the scraped collections: the roll and its
// history are public to read (the valuation API serves them too), the run
// log is superuser-only, and nobody but a superuser writes any of them.
func TestValuationCollectionRules(t *testing.T) {
	factory := seededApp(nil)
	id := pins()["1001"]
	for _, collection := range []string{"properties", "property_history", "scrape_runs"} {
		base := "/api/collections/" + collection + "/records"
		read := 403
		if collection != "scrape_runs" {
			read = 200
		}
		for _, c := range []struct {
			role, method, url, body string
			status                  int
		}{
			{"anonymous", http.MethodGet, base, "", read},
			{"alice", http.MethodGet, base, "", read},
			{"anonymous", http.MethodPost, base, `{"pin":"P1","roll":"full"}`, 403},
			{"alice", http.MethodPost, base, `{"pin":"P1","roll":"full","field":"x","at":"2026-11-23 10:00:00.000Z","started":"2026-11-23 10:00:00.000Z","status":"ok","rolls":"full","base_url":"http://x"}`, 403},
			{"super", http.MethodGet, base, "", 200},
		} {
			headers := map[string]string{}
			if c.role != "anonymous" {
				headers = auth(c.role)
			}
			s := tests.ApiScenario{
				Name: c.method + " " + collection + " as " + c.role, Method: c.method, URL: c.url,
				Body: strings.NewReader(c.body), Headers: headers,
				ExpectedStatus: c.status, ExpectedContent: []string{`"`}, TestAppFactory: factory,
			}
			s.Test(t)
		}
	}
	// A seeded property can be neither changed nor deleted by a user, and
	// the refused writes change nothing.
	for _, c := range []struct{ role, method, body string }{
		{"anonymous", http.MethodPatch, `{"market_value":1}`},
		{"alice", http.MethodPatch, `{"market_value":1}`},
		{"alice", http.MethodDelete, ""},
	} {
		headers := map[string]string{}
		if c.role != "anonymous" {
			headers = auth(c.role)
		}
		s := tests.ApiScenario{
			Name: c.method + " a property as " + c.role, Method: c.method, URL: "/api/collections/properties/records/" + id,
			Body: strings.NewReader(c.body), Headers: headers, ExpectedStatus: 403, ExpectedContent: []string{`"status":403`},
			TestAppFactory: factory,
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				rec, err := app.FindRecordById("properties", id)
				if err != nil || rec.GetString("market_value") != "1650000" {
					t.Errorf("refused write changed the property: %v, %v", err, rec)
				}
			},
		}
		s.Test(t)
	}
}

func TestScrapeTriggerIsForSuperusersOnly(t *testing.T) {
	factory := fixture.Factory(nil)
	for _, s := range []tests.ApiScenario{
		{Name: "anonymous", Method: http.MethodPost, URL: "/api/valuations/scrape", ExpectedStatus: 401, ExpectedContent: []string{`"status":401`}},
		{Name: "a user", Method: http.MethodPost, URL: "/api/valuations/scrape", Headers: auth("alice"), ExpectedStatus: 403, ExpectedContent: []string{`"status":403`}},
		{Name: "a bad roll", Method: http.MethodPost, URL: "/api/valuations/scrape", Headers: auth("super"), Body: body(`{"roll":"commercial"}`),
			ExpectedStatus: 400, ExpectedContent: []string{`"roll":{"code":"validation_invalid_roll"`}},
		{Name: "not JSON", Method: http.MethodPost, URL: "/api/valuations/scrape", Headers: auth("super"), Body: body(`{"roll":`),
			ExpectedStatus: 400, ExpectedContent: []string{`"body":{"code":"validation_invalid_json"`}},
	} {
		s.TestAppFactory = factory
		s.Test(t)
	}
}

// A superuser starts a run; a second trigger while it runs gets 409; the
// run ends ok and is in the run log.
func TestScrapeTriggerStartsOneRunAtATime(t *testing.T) {
	site := fakesite.New(fakesite.Generate(fakesite.Config{Seed: 2, FullRows: 1500, SectionalRows: 300}))
	site.SetFaults(fakesite.Faults{Slow: time.Millisecond})
	srv := httptest.NewServer(site)
	defer srv.Close()
	cfg := config.New()
	cfg.Scrape.BaseURL, cfg.Scrape.Delay = srv.URL, 0
	app := fixture.NewApp(t, cfg)
	defer app.Cleanup()
	c := apptest.Serve(t, app)

	status, out := c.Do(http.MethodPost, "/api/valuations/scrape", fixture.Tokens["super"], map[string]any{"roll": "full"})
	if status != http.StatusAccepted || out["run"] == "" {
		t.Fatalf("trigger: %d %v", status, out)
	}
	if status, out := c.Do(http.MethodPost, "/api/valuations/scrape", fixture.Tokens["super"], nil); status != http.StatusConflict {
		t.Fatalf("a second trigger while running: %d %v", status, out)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		rec, err := app.FindRecordById("scrape_runs", out["run"].(string))
		if err != nil {
			t.Fatal(err)
		}
		if s := rec.GetString("status"); s != "running" {
			if s != "ok" || rec.GetString("rolls") != "full" || rec.GetInt("rows_new") == 0 {
				t.Fatalf("triggered run ended %v", rec.PublicExport())
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the triggered run did not finish")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// The daily job starts at 02:00 in Africa/Johannesburg (00:00 UTC), not at
// 02:00 UTC (the job checks its schedule in its own zone; PocketBase's cron
// zone, shared by every job, is never set).
func TestScheduledScrapeRunsInItsOwnZone(t *testing.T) {
	site := fakesite.New(fakesite.Generate(fakesite.Config{Seed: 2, FullRows: 300, SectionalRows: 60}))
	srv := httptest.NewServer(site)
	defer srv.Close()
	cfg, clock := clockConfig(t, "UTC", time.Date(2026, 11, 24, 2, 0, 0, 0, time.UTC))
	cfg.Scrape.BaseURL, cfg.Scrape.Delay = srv.URL, 0
	if err := cfg.Resolve(); err != nil {
		t.Fatal(err)
	}
	app := fixture.NewApp(t, cfg)
	defer app.Cleanup()
	apptest.Serve(t, app) // registers the cron jobs
	var job func()
	for _, j := range app.Cron().Jobs() {
		if j.Id() == "rollcall_valuation_scrape" {
			job = j.Run
		}
	}
	if job == nil {
		t.Fatal("no scheduled scrape job")
	}
	runs := func() int {
		n, err := app.CountRecords("scrape_runs")
		if err != nil {
			t.Fatal(err)
		}
		return int(n)
	}
	job() // 02:00 UTC is 04:00 in Johannesburg: not due
	if runs() != 0 {
		t.Fatal("the scrape started at 02:00 UTC")
	}
	clock.Set(time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)) // 02:00 SAST
	job()
	deadline := time.Now().Add(20 * time.Second)
	for {
		running, _ := app.CountRecords("scrape_runs", dbx.HashExp{"status": "running"})
		if runs() == 1 && running == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the 02:00 SAST scrape did not start and finish")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if rec, _ := app.FindFirstRecordByFilter("scrape_runs", "status = 'ok'"); rec == nil {
		t.Fatal("the scheduled run did not end ok")
	}
}

// The finder's warm-up runs as a cron job beside the scrape's (what it
// warms, and when, is tested in valuations/warm_test.go).
func TestValuationWarmUpIsScheduled(t *testing.T) {
	cfg, _ := clockConfig(t, "UTC", time.Date(2026, 11, 24, 2, 0, 0, 0, time.UTC))
	app := fixture.NewApp(t, cfg)
	defer app.Cleanup()
	apptest.Serve(t, app)
	for _, j := range app.Cron().Jobs() {
		if j.Id() == "rollcall_valuations_warm" {
			if j.Expression() != "* * * * *" {
				t.Errorf("warm-up runs at %q, want every minute", j.Expression())
			}
			j.Run() // an empty roll: nothing to warm, no error
			j.Run()
			return
		}
	}
	t.Fatal("no valuation warm-up job")
}
