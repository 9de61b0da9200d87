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
		year                          int
		blockWait                     time.Duration
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
			if blockWait <= 0 {
				return fmt.Errorf("--block-wait %s: must be positive", blockWait)
			}
			if year != 0 && (year < scraper.MinYear || year > scraper.MaxYear) {
				return fmt.Errorf("--year %d: want a roll year such as 2022", year)
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
			res, err := runJob(ctx, app, job.Options{
				Spec: store.Spec{Year: year, Rolls: rolls, Suburb: suburb, BaseURL: baseURL, Details: details, DetailsRefresh: detailsRefresh,
					Delay: time.Duration(delay * float64(time.Second)), Concurrency: concurrency},
				Contact: cfg.Scrape.Contact, Insecure: insecure, DryRun: dry, Fresh: fresh, LeaseTTL: cfg.Scrape.Lease, BlockWait: blockWait,
				Progress: newProgress(cmd.ErrOrStderr()),
			})
			if errors.Is(err, store.ErrBusy) {
				return fmt.Errorf("%w; wait for it, or for its lease (--scrape-lease %s) to expire if its process died", err, cfg.Scrape.Lease)
			}
			if res.Status == "blocked" { // what it fetched before the site blocked it, then why and when to retry
				fmt.Fprintln(cmd.OutOrStdout(), summary(res))
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
	f.DurationVar(&blockWait, "block-wait", time.Minute, "back-off after a firewall block page; it doubles per block up to 15×, and the run ends blocked after 60× of waiting")
	f.IntVar(&year, "year", 0, "the roll's year; read from the site's header when absent, and a run stops if the header names another")
	f.BoolVar(&details, "details", false, "also read profile pages (ERF, deeds town, scheme, all owners) of new and changed properties, plus --details-refresh unchanged ones")
	f.IntVar(&detailsRefresh, "details-refresh", scraper.DefaultDetailsRefresh, "with --details: unchanged properties whose profile this run re-reads, longest-unread first (on a first load: new ones read)")
	f.BoolVar(&dry, "dry-run", false, "fetch, parse and clean, but store nothing")
	f.BoolVar(&fresh, "fresh", false, "abandon an interrupted run instead of resuming it")
	return cmd
}

// runJob is job.Run; tests wrap it to inject the fetcher's clock.
var runJob = job.Run

func summary(r job.Result) string {
	c := r.Counts
	head := "dry run"
	if r.RunID != "" {
		head = "run " + r.RunID
		if r.Resumed {
			head += " (resumed)"
		}
	}
	// The bench reads "rows … gone · N requests": keep that order.
	return fmt.Sprintf("%s: %s · partitions %d done, %d split, %d failed, %d incomplete · rows %d seen, %d new, %d changed, %d unchanged, %d gone · %s",
		head, r.Status, c.PartitionsDone, c.PartitionsSplit, c.PartitionsFailed, c.PartitionsIncomplete,
		c.RowsSeen, c.RowsNew, c.RowsChanged, c.RowsUnchanged, c.RowsGone, politeness(c))
}

// politeness is the summary's fetch accounting: requests by kind, what
// splitting and profiles cost, bytes, retries, block pages and waits.
func politeness(c store.Counts) string {
	f := c.FetchLog()
	t := f.Total()
	line := fmt.Sprintf("%d requests (%d criteria, %d list, %d profile, %d other; %s list/leaf, %s profile/new-or-changed) · %s · %d retries · %d block pages · waited %s",
		c.Requests, f.Criteria.Requests, f.List.Requests, f.Profile.Requests, f.Other.Requests,
		perUnit(f.ListPerLeaf, f.LeafPartitions), perUnit(f.ProfilePerNewOrChanged, c.RowsNew+c.RowsChanged),
		megabytes(t.Bytes), c.Retries, t.Blocks, f.Waited().Round(time.Second))
	if f.BlockWaitMS > 0 {
		line += fmt.Sprintf(" (%s after block pages)", (time.Duration(f.BlockWaitMS) * time.Millisecond).Round(time.Second))
	}
	return line
}

// perUnit prints a ratio, or "–" when there was nothing to divide by.
func perUnit(r float64, of int64) string {
	if of == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f", r)
}

func megabytes(n int64) string {
	if n < 10<<20 {
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d MB", n>>20)
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
