// Package job runs one scrape from start to end: it takes the lease, reads
// the criteria pages, walks the partitions, stores each outcome and closes
// the run. The CLI calls Run; the cron job and the superuser trigger call
// Start, which runs it in the background.
package job

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"runtime/debug"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/rollcall/rollcall/scraper"
	"github.com/rollcall/rollcall/scraper/store"
)

// Options for one run.
type Options struct {
	Spec     store.Spec
	Contact  string // in the User-Agent
	Insecure bool
	DryRun   bool // fetch, parse and clean; store nothing
	Fresh    bool // abandon an interrupted run instead of resuming it
	// LeaseTTL is how long the run's lease outlives its last heartbeat;
	// default store.LeaseTTL.
	LeaseTTL time.Duration
	// BlockWait is the first back-off after a firewall block page; it
	// doubles up to 15× and the run ends blocked after 60× (default 1 min).
	BlockWait time.Duration
	// Progress receives updates; nil for none.
	Progress Progress
	// For tests: the fetcher's sleep (rate limit, retries, block
	// back-off), the HTTP client and the clock.
	Sleep func(ctx context.Context, d time.Duration) error
	HTTP  *http.Client
	Now   func() time.Time
}

// Result is what a run did.
type Result struct {
	RunID string // "" for a dry run
	// Status is ok, partial, failed, blocked (the site kept answering with
	// its firewall's block page; the error says when to try again), or
	// interrupted (left to resume).
	Status  string
	Resumed bool
	Counts  store.Counts
}

// Progress is told how a run advances (a terminal bar or log lines).
type Progress interface {
	Start(run string, spec store.Spec, resumed bool)
	Update(partitionsDone, partitionsKnown, rows int64)
	Finish(r Result, err error)
}

// Run scrapes per o and waits for the end. It returns an error when the run
// could not start (a live lease elsewhere, bad options) or ended failed or
// blocked; a partial run returns no error and Status "partial".
func Run(ctx context.Context, app core.App, o Options) (Result, error) {
	if o.DryRun {
		if err := o.normalize(); err != nil {
			return Result{}, err
		}
		return dryRun(ctx, o, o.progress())
	}
	started, err := Start(ctx, app, o)
	if err != nil {
		return Result{}, err
	}
	return started.Wait()
}

// Started is a run that holds the lease and works in the background.
type Started struct {
	RunID   string
	Resumed bool
	done    chan struct{}
	result  Result
	err     error
}

// Wait blocks until the run ends.
func (s *Started) Wait() (Result, error) {
	<-s.done
	return s.result, s.err
}

// Start takes the lease (resuming an interrupted run unless o.Fresh) and
// scrapes in the background; ErrBusy-wrapped errors mean another run is live.
func Start(ctx context.Context, app core.App, o Options) (*Started, error) {
	if err := o.normalize(); err != nil {
		return nil, err
	}
	st := store.New(app, o.Now)
	if o.LeaseTTL > 0 {
		st.LeaseTTL = o.LeaseTTL
	}
	run, err := st.Begin(o.Spec, leaseOwner(), o.Fresh)
	if err != nil {
		return nil, err
	}
	started := &Started{RunID: run.ID, Resumed: run.Resumed, done: make(chan struct{})}
	progress := o.progress()
	progress.Start(run.ID, run.Spec, run.Resumed)
	go func() {
		defer close(started.done)
		started.result, started.err = walkAndStore(ctx, st, run, o, progress)
		progress.Finish(started.result, started.err)
	}()
	return started, nil
}

func (o *Options) normalize() error {
	if len(o.Spec.Rolls) == 0 {
		return errors.New("no roll to scrape")
	}
	if o.Spec.BaseURL == "" {
		o.Spec.BaseURL = scraper.DefaultBaseURL
	}
	return nil
}

func (o *Options) progress() Progress {
	if o.Progress == nil {
		return silent{}
	}
	return o.Progress
}

func walkAndStore(ctx context.Context, st *store.Store, run *store.Run, o Options, progress Progress) (Result, error) {
	res := Result{RunID: run.ID, Resumed: run.Resumed}
	parent := ctx
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var walker *scraper.Walker
	finish := func(walkErr error) (Result, error) {
		if walker != nil { // what was fetched, however the run ends
			run.SetFetches(walker.Fetcher.Stats(), walker.Leaves())
		}
		// Interrupted (Ctrl-C, the app stopping): leave the run open for
		// the next run to resume, and hand the lease back.
		if errors.Is(walkErr, context.Canceled) && parent.Err() != nil {
			res.Status, res.Counts = "interrupted", run.Counts
			if err := st.Release(run); err != nil {
				return res, err
			}
			return res, fmt.Errorf("scrape run %s interrupted; the next run resumes it: %w", run.ID, walkErr)
		}
		// The walk's garbage (parsed pages) goes back to the OS before
		// the index builds add SQLite's sort memory on top: the peak RSS
		// of a first load was there.
		debug.FreeOSMemory()
		status, err := st.Finish(run, walkErr)
		res.Status, res.Counts = status, run.Counts
		if err != nil {
			return res, fmt.Errorf("close run %s: %w", run.ID, err)
		}
		if walkErr != nil {
			return res, fmt.Errorf("scrape run %s %s: %w", run.ID, status, walkErr)
		}
		return res, nil
	}

	walker, roots, err := prepare(ctx, run.Spec, o)
	if err != nil {
		return finish(err)
	}
	year, err := rollYear(ctx, walker.Fetcher, run.Spec.Year)
	if err != nil {
		return finish(err)
	}
	if run.Spec.Year == 0 {
		if err := st.SetYear(run, year); err != nil {
			return finish(err)
		}
	}
	if walker.Resume, err = st.Checkpoints(run); err != nil {
		return finish(err)
	}
	if run.Spec.Details {
		if err := st.PlanDetails(run); err != nil {
			return finish(err)
		}
		walker.Details = func(props []scraper.Property) ([]bool, error) { return st.DetailsWanted(run, props) }
	}
	stopBeat := heartbeat(ctx, st, run, cancel)
	defer stopBeat()

	batch := newBatch(func(outs []scraper.Outcome) error {
		run.SetFetches(walker.Fetcher.Stats(), walker.Leaves())
		if err := st.Apply(run, outs...); err != nil {
			return fmt.Errorf("store %d partitions: %w", len(outs), err)
		}
		done, known := walker.Progress()
		progress.Update(done, known, run.Counts.RowsSeen)
		return nil
	})
	walkErr := walker.Walk(ctx, roots, batch.add)
	if err := batch.flush(); err != nil && walkErr == nil {
		walkErr = err
	}
	if cause := context.Cause(ctx); walkErr != nil && cause != nil && !errors.Is(cause, context.Canceled) {
		walkErr = cause
	}
	return finish(walkErr)
}

// batch gathers outcomes into one transaction: up to batchRows rows or
// batchPartitions partitions, and never older than batchAge. Full batches
// are stored by a goroutine of their own, so the walk fetches and parses
// the next batch while SQLite writes this one.
type batch struct {
	outs    []scraper.Outcome
	rows    int
	since   time.Time
	pending chan []scraper.Outcome
	done    chan error
	failed  error
}

const (
	batchRows       = 5000
	batchPartitions = 200
	batchAge        = time.Second
)

func newBatch(store func([]scraper.Outcome) error) *batch {
	b := &batch{pending: make(chan []scraper.Outcome, 1), done: make(chan error, 1)}
	go func() {
		for outs := range b.pending {
			if err := store(outs); err != nil {
				b.done <- err
				for range b.pending { // let the walk's last sends through
				}
				return
			}
		}
		b.done <- nil
	}()
	return b
}

func (b *batch) add(out scraper.Outcome) error {
	if b.failed != nil {
		return b.failed
	}
	if len(b.outs) == 0 {
		b.since = time.Now()
	}
	b.outs = append(b.outs, out)
	b.rows += len(out.Properties)
	if b.rows >= batchRows || len(b.outs) >= batchPartitions || time.Since(b.since) >= batchAge {
		b.send()
	}
	select {
	case err := <-b.done: // the storer stopped early: it failed
		b.failed = err
		return err
	default:
		return nil
	}
}

func (b *batch) send() {
	if len(b.outs) > 0 {
		b.pending <- b.outs
		b.outs, b.rows = nil, 0
	}
}

// flush stores what is left and waits for the storer to finish.
func (b *batch) flush() error {
	if b.failed != nil {
		return b.failed
	}
	b.send()
	close(b.pending)
	return <-b.done
}

// prepare builds the fetcher and walker, reads robots.txt and the criteria
// pages, and lists the root partitions. The walker comes back with an
// error too once the fetcher exists, so the run log accounts its requests.
func prepare(ctx context.Context, spec store.Spec, o Options) (*scraper.Walker, []scraper.Partition, error) {
	fetcher, err := scraper.NewFetcher(scraper.FetchOptions{
		BaseURL: spec.BaseURL, Contact: o.Contact, Delay: spec.Delay, Concurrency: max(spec.Concurrency, 1),
		Insecure: o.Insecure, Sleep: o.Sleep, Now: o.Now, HTTP: o.HTTP,
		BlockWait: o.BlockWait, BlockWaitMax: 15 * o.BlockWait, BlockPatience: 60 * o.BlockWait,
	})
	if err != nil {
		return nil, nil, err
	}
	walker := &scraper.Walker{Fetcher: fetcher, Workers: max(spec.Concurrency, 1)}
	if err := fetcher.LoadRobots(ctx); err != nil {
		return walker, nil, err
	}
	var roots []scraper.Partition
	for _, roll := range spec.Rolls {
		lists, err := readLists(ctx, fetcher, roll)
		if err != nil {
			return walker, nil, fmt.Errorf("%s roll: %w", roll, err)
		}
		walker.Lists.Suburbs = lists.Suburbs
		if roll == scraper.FullTitle {
			walker.Lists.DeedsTowns = lists.DeedsTowns
		} else {
			walker.Lists.Schemes = lists.Schemes
		}
		r := scraper.Roots(roll, lists, spec.Suburb)
		if len(r) == 0 {
			return walker, nil, fmt.Errorf("no suburb named %q in the %s roll's list", spec.Suburb, roll)
		}
		roots = append(roots, r...)
	}
	return walker, roots, nil
}

// rollYear reads the roll's year from the site's header frame. A given
// year stands in when the header cannot be read, and is refused when the
// header names another: a run of one year must never touch another's rows.
func rollYear(ctx context.Context, f *scraper.Fetcher, given int) (int, error) {
	body, err := f.Get(ctx, scraper.HeaderPath, "")
	if errors.Is(err, scraper.ErrSiteBlocks) || ctx.Err() != nil {
		return 0, err
	}
	year := 0
	if err == nil {
		year, err = scraper.ParseRollYear(bytes.NewReader(body))
	}
	switch {
	case err != nil && given == 0:
		return 0, fmt.Errorf("cannot tell the roll's year from %s (%v): give it with --year", scraper.HeaderPath, err)
	case err != nil:
		return given, nil
	case given != 0 && year != given:
		return 0, fmt.Errorf("the site's header names the %d roll, not %d: refusing to mix years", year, given)
	}
	return year, nil
}

// readLists reads a roll's criteria page: suburbs, and deeds towns (full
// title) or schemes (sectional). An empty suburb list is an error.
func readLists(ctx context.Context, f *scraper.Fetcher, roll scraper.Roll) (scraper.Lists, error) {
	page, extra := "/FramePages/SearchCrit.aspx", "drpDeedsTown"
	if roll == scraper.Sectional {
		page, extra = "/FramePages/SearchCrit2.aspx", "drpScheme"
	}
	body, err := f.Get(ctx, page, "")
	if err != nil {
		return scraper.Lists{}, err
	}
	var lists scraper.Lists
	if lists.Suburbs, err = scraper.ParseOptions(bytes.NewReader(body), "drpSuburb"); err != nil {
		return scraper.Lists{}, fmt.Errorf("suburb list: %w", err)
	}
	// The finer split's list is optional: without it the split goes
	// straight to rate numbers.
	more, _ := scraper.ParseOptions(bytes.NewReader(body), extra)
	if roll == scraper.FullTitle {
		lists.DeedsTowns = more
	} else {
		lists.Schemes = more
	}
	return lists, nil
}

// heartbeat renews the lease until stopped; losing it cancels the run.
func heartbeat(ctx context.Context, st *store.Store, run *store.Run, cancel context.CancelCauseFunc) (stop func()) {
	ctx, done := context.WithCancel(ctx)
	go func() {
		t := time.NewTicker(st.LeaseTTL / 4)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if err := st.Heartbeat(run); errors.Is(err, store.ErrLeaseLost) {
					cancel(err)
					return
				}
			}
		}
	}()
	return done
}

func leaseOwner() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s:%d:%s", host, os.Getpid(), core.GenerateDefaultRandomId()[:6])
}

type silent struct{}

func (silent) Start(string, store.Spec, bool) {}
func (silent) Update(int64, int64, int64)     {}
func (silent) Finish(Result, error)           {}
