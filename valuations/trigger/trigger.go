// Package trigger starts scrapes of the valuation roll from the server: on
// its schedule (a cron job) and on a superuser's POST /api/valuations/scrape.
// Runs go on in the background and stop with the app.
package trigger

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"

	"github.com/pocketbase/pocketbase/core"

	"github.com/rollcall/rollcall/config"
	"github.com/rollcall/rollcall/scraper"
	"github.com/rollcall/rollcall/scraper/job"
	"github.com/rollcall/rollcall/scraper/store"
)

// JobID names the scheduled scrape in the dashboard (Settings → Crons).
const JobID = "rollcall_valuation_scrape"

// Request is the trigger's optional body.
type Request struct {
	Roll    string `json:"roll"`    // full, sectional or both (default)
	Suburb  string `json:"suburb"`  // one suburb by name or ID; default all
	Details *bool  `json:"details"` // default: as the schedule (--scrape-details)
	Fresh   bool   `json:"fresh"`
}

// Started is the trigger's 202 answer.
type Started struct {
	Run     string `json:"run"`
	Resumed bool   `json:"resumed"`
}

// Trigger starts runs on app. Runs outlive requests and cron ticks; Stop
// ends them and waits for them to hand back their lease, before the
// database closes.
type Trigger struct {
	app     core.App
	cfg     *config.Config
	ctx     context.Context
	stop    context.CancelFunc
	running sync.WaitGroup
}

// New returns a trigger for app with cfg's scrape settings.
func New(app core.App, cfg *config.Config) *Trigger {
	ctx, stop := context.WithCancel(context.Background())
	return &Trigger{app: app, cfg: cfg, ctx: ctx, stop: stop}
}

// scheduledSpec is what the cron and the trigger scrape: the configured
// site, one request at a time, --scrape-delay apart.
func (t *Trigger) scheduledSpec() store.Spec {
	return store.Spec{
		Rolls: []scraper.Roll{scraper.FullTitle, scraper.Sectional}, BaseURL: t.cfg.Scrape.BaseURL,
		Details: t.cfg.Scrape.Details, DetailsRefresh: t.cfg.Scrape.DetailsRefresh,
		Delay: t.cfg.Scrape.Delay, Concurrency: 1,
	}
}

func (t *Trigger) start(spec store.Spec, fresh bool) (*job.Started, error) {
	started, err := job.Start(t.ctx, t.app, job.Options{Spec: spec, Contact: t.cfg.Scrape.Contact, Fresh: fresh, LeaseTTL: t.cfg.Scrape.Lease, Progress: logProgress{t.app}})
	if err == nil {
		t.running.Go(func() { _, _ = started.Wait() })
	}
	return started, err
}

// Scheduled is the cron job, run every minute: PocketBase's cron ticks in
// one zone for every job, so this one checks its own schedule in its own
// zone.
func (t *Trigger) Scheduled() {
	if !t.cfg.Scrape.Due(t.cfg.Now()) {
		return
	}
	if _, err := t.start(t.scheduledSpec(), false); err != nil {
		t.app.Logger().Warn("scheduled scrape not started", "error", err)
	}
}

// Start serves POST /api/valuations/scrape (superusers only): a run of the
// configured site, narrowed by the body; 409 while another run holds the
// lease.
func (t *Trigger) Start(e *core.RequestEvent) error {
	body, err := parseRequest(e)
	if err != nil {
		return err
	}
	spec := t.scheduledSpec()
	rolls, _ := scraper.ParseRolls(body.Roll) // checked by parseRequest
	spec.Rolls, spec.Suburb = rolls, strings.TrimSpace(body.Suburb)
	if body.Details != nil {
		spec.Details = *body.Details
	}
	started, err := t.start(spec, body.Fresh)
	if errors.Is(err, store.ErrBusy) {
		return e.JSON(http.StatusConflict, map[string]any{"status": http.StatusConflict, "message": err.Error(), "data": map[string]any{}})
	}
	if err != nil {
		return e.InternalServerError("Could not start the scrape.", err)
	}
	return e.JSON(http.StatusAccepted, Started{Run: started.RunID, Resumed: started.Resumed})
}

// Stop cancels the running scrapes and waits for them to end.
func (t *Trigger) Stop(e *core.TerminateEvent) error {
	t.stop()
	t.running.Wait()
	return e.Next()
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
