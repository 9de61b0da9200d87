package commands

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/rollcall/rollcall/config"
	"github.com/rollcall/rollcall/scraper"
	"github.com/rollcall/rollcall/scraper/job"
	"github.com/rollcall/rollcall/scraper/store"
)

// scrapeMemoryLimit is the CLI scrape's soft Go heap limit: it keeps a
// whole-roll run within its 150 MB budget (docs/decisions/0011).
const scrapeMemoryLimit = 92 << 20

// Scrape is `rollcall scrape`: one valuation scrape in this process, under
// the same lease as the scheduled one.
func Scrape(app core.App, cfg *config.Config) *cobra.Command {
	var (
		roll, suburb, baseURL         string
		insecure, details, dry, fresh bool
		delay                         float64
		concurrency, detailsRefresh   int
	)
	cmd := &cobra.Command{
		Use:   "scrape",
		Short: "Scrape the Durban valuation roll into the properties collection",
		Long: `Scrape the valuation roll: every suburb of the chosen roll(s), split past the site's
1,000-row cap, cleaned, upserted by PIN with a history of changed values.
An interrupted run is resumed (with its own scope) unless --fresh is given.`,
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			rolls, err := scraper.ParseRolls(roll)
			if err != nil {
				return fmt.Errorf("--roll %q: %w", roll, err)
			}
			if delay < 0 {
				return fmt.Errorf("--delay %v: cannot be negative", delay)
			}
			if concurrency < 1 || concurrency > 16 {
				return fmt.Errorf("--concurrency %d: want 1 to 16", concurrency)
			}
			if detailsRefresh < 0 {
				return fmt.Errorf("--details-refresh %d: cannot be negative", detailsRefresh)
			}
			if baseURL == "" {
				baseURL = cfg.Scrape.BaseURL
			}
			if err := app.RunAllMigrations(); err != nil {
				return fmt.Errorf("apply migrations: %w", err)
			}
			// A batch job can trade a little GC time for a smaller
			// footprint on a small VM: a soft heap limit unless the
			// operator set GOMEMLIMIT.
			if os.Getenv("GOMEMLIMIT") == "" {
				debug.SetMemoryLimit(scrapeMemoryLimit)
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
			defer stop()
			res, err := job.Run(ctx, app, job.Options{
				Spec: store.Spec{Rolls: rolls, Suburb: suburb, BaseURL: baseURL, Details: details, DetailsRefresh: detailsRefresh,
					Delay: time.Duration(delay * float64(time.Second)), Concurrency: concurrency},
				Contact: cfg.Scrape.Contact, Insecure: insecure, DryRun: dry, Fresh: fresh, LeaseTTL: cfg.Scrape.Lease,
				Progress: newProgress(cmd.ErrOrStderr()),
			})
			if errors.Is(err, store.ErrBusy) {
				return fmt.Errorf("%w; wait for it, or for its lease (--scrape-lease %s) to expire if its process died", err, cfg.Scrape.Lease)
			}
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), summary(res))
			if res.Status == "partial" {
				return fmt.Errorf("scrape ended partial: %d partition(s) failed, %d incomplete; see scrape_runs %s", res.Counts.PartitionsFailed, res.Counts.PartitionsIncomplete, res.RunID)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&roll, "roll", "both", "full, sectional or both")
	f.StringVar(&suburb, "suburb", "", "only this suburb (its name or ID); a partial run never marks properties gone")
	f.StringVar(&baseURL, "base-url", "", "the site to scrape (default --scrape-base-url)")
	f.BoolVar(&insecure, "insecure", false, "skip TLS certificate checks (the site's certificate has been doubted)")
	f.Float64Var(&delay, "delay", 1, "seconds between requests; 0 only against a local copy")
	f.IntVar(&concurrency, "concurrency", 1, "requests in flight (1–16)")
	f.BoolVar(&details, "details", false, "also read profile pages (ERF, deeds town, scheme, all owners) of new and changed properties, plus --details-refresh unchanged ones")
	f.IntVar(&detailsRefresh, "details-refresh", scraper.DefaultDetailsRefresh, "with --details: unchanged properties whose profile this run re-reads, longest-unread first (on a first load: new ones read)")
	f.BoolVar(&dry, "dry-run", false, "fetch, parse and clean, but store nothing")
	f.BoolVar(&fresh, "fresh", false, "abandon an interrupted run instead of resuming it")
	return cmd
}

func summary(r job.Result) string {
	c := r.Counts
	head := "dry run"
	if r.RunID != "" {
		head = "run " + r.RunID
		if r.Resumed {
			head += " (resumed)"
		}
	}
	return fmt.Sprintf("%s: %s · partitions %d done, %d split, %d failed, %d incomplete · rows %d seen, %d new, %d changed, %d unchanged, %d gone · %d requests, %d retries",
		head, r.Status, c.PartitionsDone, c.PartitionsSplit, c.PartitionsFailed, c.PartitionsIncomplete,
		c.RowsSeen, c.RowsNew, c.RowsChanged, c.RowsUnchanged, c.RowsGone, c.Requests, c.Retries)
}

// newProgress draws a bar on a terminal and writes a log line every ten
// seconds otherwise (cron mail, CI, docker logs).
func newProgress(w io.Writer) job.Progress {
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return &barProgress{w: w}
	}
	return &lineProgress{w: w}
}

type barProgress struct {
	w     io.Writer
	bar   *progressbar.ProgressBar
	start time.Time
}

func (b *barProgress) Start(run string, spec store.Spec, resumed bool) {
	b.start = time.Now()
	b.bar = progressbar.NewOptions64(-1, progressbar.OptionSetWriter(b.w), progressbar.OptionSetDescription("partitions"),
		progressbar.OptionShowCount(), progressbar.OptionSetPredictTime(true), progressbar.OptionSetElapsedTime(true),
		progressbar.OptionThrottle(200*time.Millisecond), progressbar.OptionFullWidth())
	fmt.Fprintln(b.w, startLine(run, spec, resumed))
}

func (b *barProgress) Update(done, known, rows int64) {
	b.bar.ChangeMax64(known)
	b.bar.Describe(fmt.Sprintf("%d rows · %.0f rows/s · partitions", rows, float64(rows)/max(time.Since(b.start).Seconds(), 0.001)))
	_ = b.bar.Set64(done)
}

func (b *barProgress) Finish(job.Result, error) {
	if b.bar != nil {
		_ = b.bar.Exit()
		fmt.Fprintln(b.w)
	}
}

type lineProgress struct {
	w           io.Writer
	start, last time.Time
}

func (l *lineProgress) Start(run string, spec store.Spec, resumed bool) {
	l.start, l.last = time.Now(), time.Now()
	fmt.Fprintln(l.w, startLine(run, spec, resumed))
}

func (l *lineProgress) Update(done, known, rows int64) {
	if time.Since(l.last) < 10*time.Second {
		return
	}
	l.last = time.Now()
	elapsed := time.Since(l.start)
	eta := "?"
	if done > 0 && known > done {
		eta = (time.Duration(float64(elapsed) / float64(done) * float64(known-done))).Round(time.Second).String()
	}
	fmt.Fprintf(l.w, "scrape: %d/%d partitions, %d rows, %.0f rows/s, ETA %s\n", done, known, rows, float64(rows)/elapsed.Seconds(), eta)
}

func (l *lineProgress) Finish(job.Result, error) {}

func startLine(run string, spec store.Spec, resumed bool) string {
	what := "scraping " + spec.BaseURL
	if spec.Suburb != "" {
		what += " (suburb " + spec.Suburb + ")"
	}
	switch {
	case run == "":
		return "dry run: " + what
	case resumed:
		return fmt.Sprintf("resuming run %s: %s", run, what)
	}
	return fmt.Sprintf("run %s: %s", run, what)
}
