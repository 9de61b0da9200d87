package scraper

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
)

// Status is what became of a partition in a run.
type Status string

// Partition statuses, as checkpointed.
const (
	StatusDone  Status = "done"  // rows stored
	StatusSplit Status = "split" // capped; children cover it
	// StatusSplitInexact: capped and split by rate-number substrings, which
	// cannot find rows without a rate number: counted incomplete.
	StatusSplitInexact Status = "split_inexact"
	StatusIncomplete   Status = "incomplete" // capped with no finer split, or rows that would not clean
	StatusFailed       Status = "failed"
)

// Expanded says a resumed run walks the partition's children without
// fetching it again.
func (s Status) Expanded() bool { return s == StatusSplit || s == StatusSplitInexact }

// Finished says a resumed run skips the partition.
func (s Status) Finished() bool { return s == StatusDone || s == StatusIncomplete }

// Outcome is what the walk learned about one partition.
type Outcome struct {
	Partition  Partition
	Status     Status
	Properties []Property
	Err        error // why it failed or is incomplete
}

// ErrSiteDown ends a walk whose requests keep failing: the site is down,
// and crawling on would only fail every remaining partition slowly.
var ErrSiteDown = errors.New("the site is not answering")

// Walker fetches partitions, splits capped ones and cleans the rows.
type Walker struct {
	Fetcher *Fetcher
	Lists   Lists
	Workers int // partitions fetched at once (the Fetcher still limits requests)
	// Details picks which of a partition's properties need their profile
	// page fetched (nil: none). Whatever it says, a property's profile is
	// fetched at most once per walk: overlapping queries return it again.
	Details func(props []Property) ([]bool, error)
	// Resume holds the checkpoints of an interrupted run, by partition key.
	Resume map[string]Status
	// FailStreak is how many partitions in a row may fail on the network
	// before the walk gives up with ErrSiteDown; default 5.
	FailStreak int

	queued, finished, leaves atomic.Int64
	keysMu                   sync.Mutex
	keys                     map[string]bool // partitions already queued in this walk
	profiled                 map[string]bool // roll/PIN whose profile this walk fetched
}

// Progress reports partitions finished and known so far.
func (w *Walker) Progress() (finished, known int64) { return w.finished.Load(), w.queued.Load() }

// Leaves counts the outcomes reported that were not split (done,
// incomplete or failed): list requests per leaf measure what splitting,
// retries and block pages cost beyond one request per answer.
func (w *Walker) Leaves() int64 { return w.leaves.Load() }

// Walk visits roots and every child split off them, calling sink with each
// outcome from a single goroutine, in no particular order. A sink error,
// ErrSiteDown or ErrSiteBlocks stops the walk.
func (w *Walker) Walk(ctx context.Context, roots []Partition, sink func(Outcome) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	workers := max(w.Workers, 1)
	streakLimit := w.FailStreak
	if streakLimit == 0 {
		streakLimit = 5
	}

	q := newWorkQueue()
	for _, r := range roots {
		w.enqueue(q, r)
	}
	outcomes := make(chan Outcome, workers) // workers parse on while the sink stores
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				p, ok := q.pop(ctx)
				if !ok {
					return
				}
				out, children := w.visit(ctx, p)
				for _, c := range children {
					w.enqueue(q, c)
				}
				if out != nil {
					select {
					case outcomes <- *out:
					case <-ctx.Done():
					}
				}
				w.finished.Add(1)
				q.done()
			}
		}()
	}
	go func() {
		wg.Wait()
		close(outcomes)
	}()

	streak := 0
	for out := range outcomes {
		if ctx.Err() != nil {
			continue // drain
		}
		// The site blocks every request: the run ends blocked, and this
		// partition is no more failed than those not reached.
		if errors.Is(out.Err, ErrSiteBlocks) {
			cancel(siteBlocksCause(out.Err))
			continue
		}
		if err := sink(out); err != nil {
			cancel(err)
			continue
		}
		if !out.Status.Expanded() {
			w.leaves.Add(1)
		}
		switch {
		case out.Status == StatusFailed && !errors.Is(out.Err, ErrBlocked):
			streak++
			if streak >= streakLimit {
				cancel(fmt.Errorf("%w: %d partitions in a row failed, the last with: %v", ErrSiteDown, streak, out.Err))
			}
		case out.Status != StatusFailed:
			streak = 0
		}
	}
	if err := context.Cause(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return ctx.Err()
}

// enqueue adds p, or for a partition a resumed run already split, its
// children straight away.
func (w *Walker) enqueue(q *workQueue, p Partition) {
	// Split children can be shared (a town queried for one capped suburb
	// serves them all): each key is walked once.
	w.keysMu.Lock()
	if w.keys == nil {
		w.keys = map[string]bool{}
	}
	dup := w.keys[p.Key()]
	w.keys[p.Key()] = true
	w.keysMu.Unlock()
	if dup {
		return
	}
	if status, ok := w.Resume[p.Key()]; ok {
		if status.Finished() {
			return
		}
		if status.Expanded() {
			children, _, _ := p.Children(w.Lists)
			for _, c := range children {
				w.enqueue(q, c)
			}
			return
		}
	}
	w.queued.Add(1)
	q.push(p)
}

// visit fetches one partition; it returns the outcome to report (nil when
// the context ended) and the children to walk.
func (w *Walker) visit(ctx context.Context, p Partition) (*Outcome, []Partition) {
	page, err := w.fetchPage(ctx, p)
	if ctx.Err() != nil {
		return nil, nil
	}
	if err != nil {
		return &Outcome{Partition: p, Status: StatusFailed, Err: err}, nil
	}
	if page.Capped {
		children, exhaustive, ok := p.Children(w.Lists)
		switch {
		case !ok:
			out := w.clean(ctx, p, page.Rows)
			out.Status = StatusIncomplete
			out.Err = errors.Join(fmt.Errorf("still %d+ rows with no finer split: rows past the cap are missing", RowCap), out.Err)
			return out, nil
		case !exhaustive:
			return &Outcome{Partition: p, Status: StatusSplitInexact,
				Err: errors.New("split by rate number: rows without one past the cap may be missing")}, children
		default:
			return &Outcome{Partition: p, Status: StatusSplit}, children
		}
	}
	out := w.clean(ctx, p, page.Rows)
	if out.Status == "" {
		out.Status = StatusDone
	}
	return out, nil
}

// fetchPage gets and parses a result page; a page cut off mid-table is
// fetched again (twice more) before the partition fails.
func (w *Walker) fetchPage(ctx context.Context, p Partition) (ResultPage, error) {
	var err error
	for range 3 {
		var body []byte
		body, err = w.Fetcher.Get(ctx, "/FramePages/SearchResult.aspx", p.Query().Encode())
		if err != nil {
			return ResultPage{}, err
		}
		var page ResultPage
		page, err = ParseResults(bytes.NewReader(body))
		if err == nil {
			return page, nil
		}
		if !errors.Is(err, ErrTruncated) && !errors.Is(err, ErrServerError) {
			return ResultPage{}, err
		}
		w.Fetcher.countRetry(KindList)
	}
	return ResultPage{}, err
}

// clean turns rows into properties; rows that will not clean make the
// partition incomplete, never a guessed value.
func (w *Walker) clean(ctx context.Context, p Partition, rows []RawRow) *Outcome {
	out := &Outcome{Partition: p, Properties: make([]Property, 0, len(rows))}
	var bad []error
	for _, raw := range rows {
		prop, err := Clean(p.Roll, raw)
		if err != nil {
			bad = append(bad, fmt.Errorf("row %q: %w", raw.PIN, err))
			continue
		}
		prop.Source = p
		out.Properties = append(out.Properties, prop)
	}
	bad = append(bad, w.addDetails(ctx, out.Properties)...)
	if len(bad) > 0 {
		out.Status = StatusIncomplete
		out.Err = errors.Join(bad...)
	}
	return out
}

// addDetails fetches the profiles Details asks for, each once per walk.
func (w *Walker) addDetails(ctx context.Context, props []Property) []error {
	if w.Details == nil || len(props) == 0 {
		return nil
	}
	want, err := w.Details(props)
	if err != nil {
		return []error{fmt.Errorf("choose profiles to fetch: %w", err)}
	}
	var bad []error
	for i := range props {
		prop := &props[i]
		if !want[i] || prop.DetailQuery == "" || !w.claimProfile(prop.Roll, prop.PIN) {
			continue
		}
		d, err := w.fetchDetails(ctx, prop.DetailQuery)
		if errors.Is(err, ErrSiteBlocks) {
			return append(bad, err) // the walk ends: no use asking for the rest
		}
		if err != nil {
			bad = append(bad, fmt.Errorf("details of %q: %w", prop.PIN, err))
			continue
		}
		prop.Details = &d
	}
	return bad
}

// claimProfile reports whether this walk has not fetched the property's
// profile yet, and marks it fetched.
func (w *Walker) claimProfile(roll Roll, pin string) bool {
	key := roll.String() + "/" + pin
	w.keysMu.Lock()
	defer w.keysMu.Unlock()
	if w.profiled == nil {
		w.profiled = map[string]bool{}
	}
	if w.profiled[key] {
		return false
	}
	w.profiled[key] = true
	return true
}

func (w *Walker) fetchDetails(ctx context.Context, query string) (Details, error) {
	body, err := w.Fetcher.Get(ctx, "/FramePages/SearchDeatils.aspx", query)
	if err != nil {
		return Details{}, err
	}
	return ParseDetails(bytes.NewReader(body))
}

// siteBlocksCause finds the fetcher's own ErrSiteBlocks error in a
// partition's (possibly joined) error, so the walk ends with its message.
func siteBlocksCause(err error) error {
	var sb *SiteBlockedError
	if errors.As(err, &sb) {
		return sb
	}
	return err
}

// workQueue hands partitions to workers; it ends when it is empty and no
// worker can add more.
type workQueue struct {
	mu      sync.Mutex
	cond    *sync.Cond
	items   []Partition
	running int
}

func newWorkQueue() *workQueue {
	q := &workQueue{}
	q.cond = sync.NewCond(&q.mu)
	return q
}

func (q *workQueue) push(p Partition) {
	q.mu.Lock()
	q.items = append(q.items, p)
	q.mu.Unlock()
	q.cond.Signal()
}

// pop waits for work; false means the walk is over or cancelled.
func (q *workQueue) pop(ctx context.Context) (Partition, bool) {
	stop := context.AfterFunc(ctx, func() {
		q.mu.Lock()
		q.cond.Broadcast()
		q.mu.Unlock()
	})
	defer stop()
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.items) == 0 && q.running > 0 && ctx.Err() == nil {
		q.cond.Wait()
	}
	if len(q.items) == 0 || ctx.Err() != nil {
		return Partition{}, false
	}
	// Depth first (last in, first out): a split's children finish before
	// other suburbs start, which keeps the queue short.
	p := q.items[len(q.items)-1]
	q.items = q.items[:len(q.items)-1]
	q.running++
	return p, true
}

func (q *workQueue) done() {
	q.mu.Lock()
	q.running--
	q.mu.Unlock()
	q.cond.Broadcast()
}
