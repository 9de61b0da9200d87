// Package store keeps the scraped valuation roll in PocketBase: properties
// upserted by identity in batches of raw SQL, the history of changed values,
// the run log with its lease and per-partition checkpoints, and the indexes
// and search index the valuation API reads.
package store

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
	"github.com/rollcall/rollcall/scraper"
)

// LeaseTTL is how long a run's lease lasts without a heartbeat by default;
// a run whose process died is taken over after it.
const LeaseTTL = 2 * time.Minute

// ErrBusy means another live process holds the scrape lease.
var ErrBusy = errors.New("a scrape is already running")

// ErrLeaseLost means another process took the run over.
var ErrLeaseLost = errors.New("the scrape lease was taken over by another process")

// Spec is what a run covers and how it fetches.
type Spec struct {
	// Year is the roll's year, part of every property's identity: runs of
	// different years never touch each other's properties. 0 until the job
	// reads it from the site (SetYear).
	Year    int
	Rolls   []scraper.Roll
	Suburb  string // "" for whole rolls
	BaseURL string
	Details bool
	// DetailsRefresh is how many unchanged properties' profiles a run with
	// details re-reads, longest-unread first (PlanDetails).
	DetailsRefresh int
	Delay          time.Duration
	Concurrency    int
}

// Run is a scrape_runs record being worked on.
type Run struct {
	ID      string
	Spec    Spec
	Started time.Time
	Resumed bool
	// BulkLoad is a first load of an empty roll, run without the secondary
	// indexes (see bulk.go).
	BulkLoad bool
	owner    string

	Counts Counts
	// seen holds "roll/pin" of every property this run has stored, loaded
	// back from the checkpoints on resume. The walk's workers read it
	// (DetailsWanted) while Apply adds to it.
	seen   map[string]struct{}
	seenMu sync.RWMutex
	// refresh is the run's profile refresh budget by "roll/pin", and
	// newBudget the new properties a first load may still read profiles of.
	refresh   map[string]struct{}
	newBudget atomic.Int64
	// baseRequests, baseRetries and baseFetches are what earlier processes
	// of a resumed run sent.
	baseRequests, baseRetries int64
	baseFetches               Fetches
}

// Counts are the run log's counters.
type Counts struct {
	PartitionsDone, PartitionsSplit, PartitionsFailed, PartitionsIncomplete int64
	RowsSeen, RowsNew, RowsChanged, RowsUnchanged, RowsGone                 int64
	Requests, Retries                                                       int64
	Fetches                                                                 Fetches
	Errors                                                                  []string
}

// Fetches is the run log's politeness accounting (scrape_runs.fetches):
// requests, bytes, retries and block pages by kind, time waited, and the
// leaf partitions the list requests served.
type Fetches struct {
	scraper.FetchStats
	LeafPartitions int64 `json:"leaf_partitions"`
	// Derived when saved (FetchLog), for whoever reads the run log.
	WaitedMS               int64   `json:"waited_ms"`
	ListPerLeaf            float64 `json:"list_per_leaf"`
	ProfilePerNewOrChanged float64 `json:"profile_per_new_or_changed"`
}

// FetchLog is the accounting as the run log stores it, ratios filled in:
// list requests per leaf partition (1 when nothing is split or retried)
// and profile requests per new or changed property (0 when none).
func (c Counts) FetchLog() Fetches {
	f := c.Fetches
	f.WaitedMS = f.Waited().Milliseconds()
	f.ListPerLeaf, f.ProfilePerNewOrChanged = ratio(f.List.Requests, f.LeafPartitions), ratio(f.Profile.Requests, c.RowsNew+c.RowsChanged)
	return f
}

// ratio is a/b to two decimals, 0 when b is.
func ratio(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return math.Round(float64(a)/float64(b)*100) / 100
}

// Store reads and writes the valuation collections.
type Store struct {
	app core.App
	now func() time.Time
	// LeaseTTL overrides the default lease length.
	LeaseTTL time.Duration
	ids      *idSource
}

// New returns a Store; now is the clock (tests inject one).
func New(app core.App, now func() time.Time) *Store {
	if now == nil {
		now = time.Now
	}
	return &Store{app: app, now: now, LeaseTTL: LeaseTTL, ids: newIDSource(now())}
}

func rollNames(rolls []scraper.Roll) string {
	names := make([]string, len(rolls))
	for i, r := range rolls {
		names[i] = r.String()
	}
	return strings.Join(names, ",")
}

func parseRolls(s string) ([]scraper.Roll, error) {
	var out []scraper.Roll
	for _, name := range strings.Split(s, ",") {
		r, err := scraper.RollByName(name)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

type runOptions struct {
	DelayMS        int64 `json:"delay_ms"`
	Concurrency    int   `json:"concurrency"`
	DetailsRefresh int   `json:"details_refresh"`
}

// Begin takes the scrape lease for owner. An unfinished run whose lease has
// expired (its process died) is resumed with its own spec, unless fresh is
// set: then it is closed as failed and a new run starts. A live lease gives
// ErrBusy.
func (s *Store) Begin(spec Spec, owner string, fresh bool) (*Run, error) {
	var run *Run
	err := s.app.RunInTransaction(func(tx core.App) error {
		now := s.now().UTC()
		open, err := tx.FindAllRecords("scrape_runs", dbx.HashExp{"status": "running"})
		if err != nil {
			return fmt.Errorf("find running scrapes: %w", err)
		}
		for _, rec := range open {
			beat := rec.GetDateTime("heartbeat").Time()
			if now.Sub(beat) < s.LeaseTTL && rec.GetString("lease_owner") != owner {
				return fmt.Errorf("%w: run %s, held by %s, heartbeat %s ago", ErrBusy, rec.Id, rec.GetString("lease_owner"), now.Sub(beat).Round(time.Second))
			}
		}
		for _, rec := range open {
			if fresh || run != nil {
				rec.Set("status", "failed")
				rec.Set("finished", now)
				rec.Set("lease_owner", "")
				rec.Set("errors", append(stringList(rec.Get("errors")), "abandoned: a fresh run was started instead of resuming it"))
				if err := tx.Save(rec); err != nil {
					return fmt.Errorf("close abandoned run %s: %w", rec.Id, err)
				}
				continue
			}
			if run, err = s.resume(tx, rec, owner, now); err != nil {
				return err
			}
		}
		if run != nil {
			return nil
		}
		run, err = s.create(tx, spec, owner, now)
		return err
	})
	if err != nil || run.Resumed {
		return run, err
	}
	// A resumed first load finds the indexes still dropped and goes on
	// without them; Finish or Release builds them.
	if run.BulkLoad, err = s.enterBulkLoad(); err != nil {
		return nil, err
	}
	return run, nil
}

func (s *Store) create(tx core.App, spec Spec, owner string, now time.Time) (*Run, error) {
	col, err := tx.FindCollectionByNameOrId("scrape_runs")
	if err != nil {
		return nil, fmt.Errorf("find scrape_runs: %w", err)
	}
	rec := core.NewRecord(col)
	rec.Set("started", now)
	rec.Set("status", "running")
	rec.Set("rolls", rollNames(spec.Rolls))
	rec.Set("scope", spec.Suburb)
	rec.Set("year", spec.Year)
	rec.Set("base_url", spec.BaseURL)
	rec.Set("details", spec.Details)
	rec.Set("options", runOptions{DelayMS: spec.Delay.Milliseconds(), Concurrency: spec.Concurrency, DetailsRefresh: spec.DetailsRefresh})
	rec.Set("lease_owner", owner)
	rec.Set("heartbeat", now)
	rec.Set("errors", []string{})
	if err := tx.Save(rec); err != nil {
		return nil, fmt.Errorf("create scrape run: %w", err)
	}
	return &Run{ID: rec.Id, Spec: spec, Started: now, owner: owner, seen: map[string]struct{}{}}, nil
}

// resume takes over an interrupted run: its spec, its counters and the
// properties its finished partitions stored.
func (s *Store) resume(tx core.App, rec *core.Record, owner string, now time.Time) (*Run, error) {
	rolls, err := parseRolls(rec.GetString("rolls"))
	if err != nil {
		return nil, fmt.Errorf("run %s: %w", rec.Id, err)
	}
	var opts runOptions
	_ = json.Unmarshal([]byte(rec.GetString("options")), &opts)
	run := &Run{
		ID: rec.Id, Started: rec.GetDateTime("started").Time(), Resumed: true, owner: owner,
		Spec: Spec{Year: rec.GetInt("year"), Rolls: rolls, Suburb: rec.GetString("scope"), BaseURL: rec.GetString("base_url"), Details: rec.GetBool("details"),
			Delay: time.Duration(opts.DelayMS) * time.Millisecond, Concurrency: opts.Concurrency, DetailsRefresh: opts.DetailsRefresh},
		seen: map[string]struct{}{},
	}
	run.Counts = Counts{
		RowsNew: int64(rec.GetInt("rows_new")), RowsChanged: int64(rec.GetInt("rows_changed")),
		RowsUnchanged: int64(rec.GetInt("rows_unchanged")), Errors: stringList(rec.Get("errors")),
	}
	run.baseRequests, run.baseRetries = int64(rec.GetInt("requests")), int64(rec.GetInt("retries"))
	if raw, ok := rec.Get("fetches").(types.JSONRaw); ok && len(raw) > 0 {
		_ = json.Unmarshal(raw, &run.baseFetches) // a run from before the field: its requests still count
	}
	rows, err := tx.DB().NewQuery("SELECT pins FROM scrape_checkpoints WHERE run = {:run} AND pins != ''").Bind(dbx.Params{"run": rec.Id}).Rows()
	if err != nil {
		return nil, fmt.Errorf("load checkpoints of %s: %w", rec.Id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var pins string
		if err := rows.Scan(&pins); err != nil {
			return nil, err
		}
		for _, key := range strings.Split(pins, "\n") {
			run.seen[key] = struct{}{}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	run.Counts.RowsSeen = int64(len(run.seen))
	rec.Set("lease_owner", owner)
	rec.Set("heartbeat", now)
	if err := tx.Save(rec); err != nil {
		return nil, fmt.Errorf("take over run %s: %w", rec.Id, err)
	}
	return run, nil
}

// Checkpoints are the statuses of the run's partitions so far.
func (s *Store) Checkpoints(run *Run) (map[string]scraper.Status, error) {
	rows, err := s.app.DB().NewQuery("SELECT key, status FROM scrape_checkpoints WHERE run = {:run}").Bind(dbx.Params{"run": run.ID}).Rows()
	if err != nil {
		return nil, fmt.Errorf("load checkpoints: %w", err)
	}
	defer rows.Close()
	out := map[string]scraper.Status{}
	for rows.Next() {
		var key, status string
		if err := rows.Scan(&key, &status); err != nil {
			return nil, err
		}
		out[key] = scraper.Status(status)
	}
	return out, rows.Err()
}

// Heartbeat renews the lease; ErrLeaseLost if another process has it.
func (s *Store) Heartbeat(run *Run) error {
	res, err := s.app.DB().NewQuery("UPDATE scrape_runs SET heartbeat = {:now} WHERE id = {:id} AND lease_owner = {:owner} AND status = 'running'").
		Bind(dbx.Params{"now": s.stamp(), "id": run.ID, "owner": run.owner}).Execute()
	if err != nil {
		return fmt.Errorf("heartbeat: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrLeaseLost
	}
	return nil
}

// SetFetchCounts records what this process's fetcher has sent so far.
func (run *Run) SetFetchCounts(requests, retries int64) {
	run.Counts.Requests = run.baseRequests + requests
	run.Counts.Retries = run.baseRetries + retries
}

// SetFetches records this process's politeness accounting so far (and
// its requests and retries), added to the earlier processes' of a resumed
// run.
func (run *Run) SetFetches(stats scraper.FetchStats, leaves int64) {
	total := stats.Total()
	run.SetFetchCounts(total.Requests, total.Retries)
	f := run.baseFetches
	f.Add(stats)
	f.LeafPartitions += leaves
	run.Counts.Fetches = f
}

// stamp is the clock's now as PocketBase stores dates.
func (s *Store) stamp() string {
	dt, _ := types.ParseDateTime(s.now().UTC())
	return dt.String()
}

func stringList(v any) []string {
	var out []string
	switch x := v.(type) {
	case types.JSONRaw:
		_ = json.Unmarshal(x, &out)
	case []string:
		out = x
	}
	return out
}

// nullString reads a nullable text column.
func nullString(ns sql.NullString) *string {
	if !ns.Valid {
		return nil
	}
	return &ns.String
}

// SetYear records the roll year of a run that began without one, before it
// stores anything.
func (s *Store) SetYear(run *Run, year int) error {
	if _, err := s.app.DB().Update("scrape_runs", dbx.Params{"year": year}, dbx.HashExp{"id": run.ID}).Execute(); err != nil {
		return fmt.Errorf("record the roll year of run %s: %w", run.ID, err)
	}
	run.Spec.Year = year
	return nil
}
