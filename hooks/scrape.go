package hooks

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"github.com/rollcall/rollcall/config"
	"github.com/rollcall/rollcall/scraper"
	"github.com/rollcall/rollcall/scraper/job"
	"github.com/rollcall/rollcall/scraper/store"
)

// ScrapeJobID names the scheduled scrape in the dashboard (Settings → Crons).
const ScrapeJobID = "rollcall_valuation_scrape"

// ScrapePath is the superuser trigger of a scrape run.
const ScrapePath = "/api/valuations/scrape"

// ScrapeRequest is the trigger's optional body.
type ScrapeRequest struct {
	Roll    string `json:"roll"`   // full, sectional or both (default)
	Suburb  string `json:"suburb"` // one suburb by name or ID; default all
	Details bool   `json:"details"`
	Fresh   bool   `json:"fresh"`
}

// ScrapeStarted is the trigger's 202 answer.
type ScrapeStarted struct {
	Run     string `json:"run"`
	Resumed bool   `json:"resumed"`
}

// scheduledSpec is what the cron and the trigger scrape: the configured
// site, one request at a time, --scrape-delay apart.
func scheduledSpec(cfg *config.Config) store.Spec {
	return store.Spec{
		Rolls: []scraper.Roll{scraper.FullTitle, scraper.Sectional}, BaseURL: cfg.Scrape.BaseURL,
		Delay: cfg.Scrape.Delay, Concurrency: 1,
	}
}

// ParseRoll reads --roll / "roll": full, sectional or both.
func ParseRoll(s string) ([]scraper.Roll, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "full":
		return []scraper.Roll{scraper.FullTitle}, nil
	case "sectional":
		return []scraper.Roll{scraper.Sectional}, nil
	case "both", "":
		return []scraper.Roll{scraper.FullTitle, scraper.Sectional}, nil
	}
	return nil, errors.New(`want "full", "sectional" or "both"`)
}

func registerScrape(app core.App, cfg *config.Config) {
	// Runs outlive requests and cron ticks; they stop with the app, which
	// waits for them to hand back their lease before its database closes.
	ctx, stop := context.WithCancel(context.Background())
	var running sync.WaitGroup
	app.OnTerminate().BindFunc(func(e *core.TerminateEvent) error {
		stop()
		running.Wait()
		return e.Next()
	})
	start := func(spec store.Spec, fresh bool) (*job.Started, error) {
		started, err := job.Start(ctx, app, job.Options{Spec: spec, Contact: cfg.Scrape.Contact, Fresh: fresh, LeaseTTL: cfg.Scrape.Lease, Progress: logProgress{app}})
		if err == nil {
			running.Go(func() { _, _ = started.Wait() })
		}
		return started, err
	}

	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		// PocketBase's cron ticks in one zone for every job; this job checks
		// its own schedule in its own zone each minute instead.
		se.App.Cron().MustAdd(ScrapeJobID, "* * * * *", func() {
			if !cfg.Scrape.Due(cfg.Now()) {
				return
			}
			if _, err := start(scheduledSpec(cfg), false); err != nil {
				se.App.Logger().Warn("scheduled scrape not started", "error", err)
			}
		})

		se.Router.POST(ScrapePath, func(e *core.RequestEvent) error {
			body, err := parseScrapeRequest(e)
			if err != nil {
				return err
			}
			spec := scheduledSpec(cfg)
			rolls, _ := ParseRoll(body.Roll) // checked by parseScrapeRequest
			spec.Rolls, spec.Suburb, spec.Details = rolls, strings.TrimSpace(body.Suburb), body.Details
			started, err := start(spec, body.Fresh)
			if errors.Is(err, store.ErrBusy) {
				return e.JSON(http.StatusConflict, map[string]any{"status": http.StatusConflict, "message": err.Error(), "data": map[string]any{}})
			}
			if err != nil {
				return e.InternalServerError("Could not start the scrape.", err)
			}
			return e.JSON(http.StatusAccepted, ScrapeStarted{Run: started.RunID, Resumed: started.Resumed})
		}).Bind(apis.RequireSuperuserAuth())
		return se.Next()
	})
}

// logProgress writes a run's start and end to the app log (the dashboard's
// Logs), where the cron's and the trigger's runs are seen.
type logProgress struct{ app core.App }

func (l logProgress) Start(run string, spec store.Spec, resumed bool) {
	l.app.Logger().Info("scrape started", "run", run, "resumed", resumed, "base_url", spec.BaseURL, "suburb", spec.Suburb)
}
func (logProgress) Update(int64, int64, int64) {}
func (l logProgress) Finish(r job.Result, err error) {
	if err != nil {
		l.app.Logger().Error("scrape failed", "run", r.RunID, "error", err)
		return
	}
	l.app.Logger().Info("scrape finished", "run", r.RunID, "status", r.Status, "rows", r.Counts.RowsSeen,
		"new", r.Counts.RowsNew, "changed", r.Counts.RowsChanged, "gone", r.Counts.RowsGone)
}
