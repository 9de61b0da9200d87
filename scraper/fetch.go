package scraper

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/temoto/robotstxt"
	"golang.org/x/time/rate"
)

// Fetch errors.
var (
	ErrDisallowed     = errors.New("disallowed by robots.txt")
	ErrRobotsUnusable = errors.New("robots.txt unavailable: refusing to crawl blind")
	// ErrSiteBlocks ends a walk: the site kept answering with its
	// firewall's block page through the fetcher's whole patience. Errors
	// that are ErrSiteBlocks are ErrBlocked too.
	ErrSiteBlocks = errors.New("the site keeps answering with its firewall's block page")
)

// SiteBlockedError is ErrSiteBlocks with how long the fetcher backed off
// and when to try again.
type SiteBlockedError struct {
	Pages   int64         // block pages since the last good page
	Waited  time.Duration // block back-off since the last good page
	RetryAt time.Time     // the earliest a new run should start
}

func (e *SiteBlockedError) Error() string {
	return fmt.Sprintf("%v: %d block pages through %s of back-off since the last good page; try again after %s",
		ErrSiteBlocks, e.Pages, e.Waited.Round(time.Second), e.RetryAt.Format("2006-01-02 15:04 MST"))
}

// Is makes the error both ErrSiteBlocks and ErrBlocked.
func (e *SiteBlockedError) Is(target error) bool {
	return target == ErrSiteBlocks || target == ErrBlocked
}

// FetchOptions configure a Fetcher. Zero values take the defaults noted.
type FetchOptions struct {
	BaseURL     string        // e.g. https://valuation2022.durban.gov.za
	Contact     string        // a URL or address for the site's operators, in the User-Agent
	Delay       time.Duration // between requests; 0 allowed (loopback)
	Concurrency int           // requests in flight; default 1
	MaxTries    int           // per request, the first included; default 5
	Timeout     time.Duration // per request; default 60 s
	Insecure    bool          // skip TLS verification (the site's certificate has been doubted)
	// BlockWait is the back-off after a firewall block page, doubling with
	// each block in a row up to BlockWaitMax; defaults 1 min and 15 min.
	BlockWait, BlockWaitMax time.Duration
	// BlockPatience is how much block back-off since the last good page
	// the fetcher sits through before it gives up with ErrSiteBlocks, and
	// how long after that it advises waiting; default 1 h.
	BlockPatience time.Duration
	// Sleep waits (rate limit, retries, block back-off); tests inject one
	// that records and returns.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now is the clock of the block back-off; default time.Now.
	Now func() time.Time
	// HTTP overrides the client (tests).
	HTTP *http.Client
}

// Fetcher gets pages from the site politely: robots.txt honoured, one
// request at a time (or Concurrency), Delay apart, retried with exponential
// backoff and jitter on 5xx, 429 and timeouts, honouring Retry-After; a
// firewall block page pauses every request for a growing back-off.
type Fetcher struct {
	base      *url.URL
	http      *http.Client
	userAgent string
	maxTries  int
	sleep     func(ctx context.Context, d time.Duration) error
	now       func() time.Time
	limiter   *rate.Limiter
	slots     chan struct{}
	robots    *robotstxt.Group

	blockWait, blockWaitMax, blockPatience time.Duration
	bmu                                    sync.Mutex
	block                                  blockState

	counts [kinds]kindCounters
	waits  [waitKinds]atomic.Int64 // nanoseconds
}

type kindCounters struct{ requests, bytes, retries, blocks atomic.Int64 }

// NewFetcher validates the options.
func NewFetcher(o FetchOptions) (*Fetcher, error) {
	base, err := url.Parse(strings.TrimRight(o.BaseURL, "/"))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("base URL %q: want http(s)://host", o.BaseURL)
	}
	if o.Delay < 0 || o.Concurrency < 0 || o.MaxTries < 0 {
		return nil, errors.New("delay, concurrency and tries cannot be negative")
	}
	if o.BlockWait < 0 || o.BlockWaitMax < 0 || o.BlockPatience < 0 {
		return nil, errors.New("block back-off and patience cannot be negative")
	}
	f := &Fetcher{base: base, http: o.HTTP, maxTries: o.MaxTries, sleep: o.Sleep, now: o.Now,
		blockWait: cmp.Or(o.BlockWait, time.Minute), blockWaitMax: cmp.Or(o.BlockWaitMax, 15*time.Minute),
		blockPatience: cmp.Or(o.BlockPatience, time.Hour)}
	if f.maxTries == 0 {
		f.maxTries = 5
	}
	if f.sleep == nil {
		f.sleep = sleepCtx
	}
	if f.now == nil {
		f.now = time.Now
	}
	if o.Concurrency == 0 {
		o.Concurrency = 1
	}
	f.slots = make(chan struct{}, o.Concurrency)
	if o.Delay > 0 {
		f.limiter = rate.NewLimiter(rate.Every(o.Delay), 1)
	}
	if f.http == nil {
		timeout := o.Timeout
		if timeout == 0 {
			timeout = 60 * time.Second
		}
		transport := http.DefaultTransport.(*http.Transport).Clone()
		if o.Insecure {
			transport.TLSClientConfig.InsecureSkipVerify = true
		}
		f.http = &http.Client{Transport: transport, Timeout: timeout}
	}
	f.userAgent = "RollcallScraper/1.0 (+" + o.Contact + ")"
	if o.Contact == "" {
		f.userAgent = "RollcallScraper/1.0"
	}
	return f, nil
}

// Requests and Retries count what this Fetcher sent, for the run log.
func (f *Fetcher) Requests() int64 { return f.Stats().Total().Requests }
func (f *Fetcher) Retries() int64  { return f.Stats().Total().Retries }

// LoadRobots reads robots.txt. A 4xx (none there) allows everything; a 5xx
// or an unreachable site is retried and then fails the run.
func (f *Fetcher) LoadRobots(ctx context.Context) error {
	status, body, err := f.get(ctx, "/robots.txt", true)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrRobotsUnusable, err)
	}
	data, err := robotstxt.FromStatusAndBytes(status, body)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrRobotsUnusable, err)
	}
	f.robots = data.FindGroup("RollcallScraper")
	return nil
}

// Get fetches path?query and returns the body of a 200.
func (f *Fetcher) Get(ctx context.Context, path, query string) ([]byte, error) {
	if f.robots == nil {
		return nil, errors.New("LoadRobots first")
	}
	if !f.robots.Test(path) {
		return nil, fmt.Errorf("%s: %w", path, ErrDisallowed)
	}
	target := path
	if query != "" {
		target += "?" + query
	}
	status, body, err := f.get(ctx, target, false)
	if err != nil {
		return nil, err
	}
	if status != http.StatusOK {
		return nil, fmt.Errorf("GET %s: HTTP %d", path, status)
	}
	return body, nil
}

// get sends one request with retries. With anyStatus, a final 4xx is an
// answer rather than an error (robots.txt). A block page costs no try: it
// means "slow down", and the request is sent again after the back-off.
func (f *Fetcher) get(ctx context.Context, target string, anyStatus bool) (int, []byte, error) {
	req := &request{kind: kindOf(target), target: target}
	var lastErr error
	for try := 1; ; {
		status, body, retryAfter, err := f.send(ctx, req)
		if err == nil && status < 500 && isBlockPage(body) {
			if err := f.blocked(ctx, req); err != nil {
				return 0, nil, err
			}
			continue
		}
		switch {
		case err == nil && status < 500 && status != http.StatusTooManyRequests:
			f.answered(req.kind, target, status)
			if status >= 400 && !anyStatus {
				return status, nil, fmt.Errorf("GET %s: HTTP %d", target, status) // not worth retrying
			}
			return status, body, nil
		case err != nil && ctx.Err() != nil:
			return 0, nil, ctx.Err()
		case errors.Is(err, ErrSiteBlocks): // given up while this request waited: not worth retrying
			return 0, nil, err
		case err != nil:
			lastErr = fmt.Errorf("GET %s: %w", target, err)
		default:
			lastErr = fmt.Errorf("GET %s: HTTP %d", target, status)
		}
		if try == f.maxTries {
			return 0, nil, fmt.Errorf("%w (after %d tries)", lastErr, f.maxTries)
		}
		f.countRetry(req.kind)
		if err := f.wait(ctx, waitRetry, backoff(try, retryAfter)); err != nil {
			return 0, nil, err
		}
		try++
	}
}

// send waits out any block back-off, then sends one request.
func (f *Fetcher) send(ctx context.Context, req *request) (status int, body []byte, retryAfter time.Duration, err error) {
	pause, err := f.pause()
	if err != nil {
		return 0, nil, 0, err
	}
	if pause > 0 {
		if err := f.wait(ctx, waitBlock, pause); err != nil {
			return 0, nil, 0, err
		}
	}
	req.raises = f.raises()
	return f.once(ctx, req.kind, req.target)
}

func (f *Fetcher) once(ctx context.Context, kind Kind, target string) (status int, body []byte, retryAfter time.Duration, err error) {
	select {
	case f.slots <- struct{}{}:
	case <-ctx.Done():
		return 0, nil, 0, ctx.Err()
	}
	defer func() { <-f.slots }()
	if f.limiter != nil {
		// Reserved and slept through f.sleep, so the delay is accounted
		// (and injected in tests) like every other wait.
		r := f.limiter.Reserve()
		if err := f.wait(ctx, waitDelay, r.Delay()); err != nil {
			r.Cancel()
			return 0, nil, 0, err
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.base.String()+target, nil)
	if err != nil {
		return 0, nil, 0, err
	}
	req.Header.Set("User-Agent", f.userAgent)
	c := &f.counts[kind]
	c.requests.Add(1)
	res, err := f.http.Do(req)
	if err != nil {
		return 0, nil, 0, err
	}
	defer res.Body.Close()
	body, err = io.ReadAll(io.LimitReader(res.Body, 64<<20))
	c.bytes.Add(int64(len(body)))
	if err != nil {
		var netErr net.Error
		if errors.As(err, &netErr) || errors.Is(err, io.ErrUnexpectedEOF) {
			return 0, nil, 0, fmt.Errorf("body cut off: %w", err)
		}
		return 0, nil, 0, err
	}
	return res.StatusCode, body, parseRetryAfter(res.Header.Get("Retry-After")), nil
}

// wait sleeps d and accounts it as the given kind of wait.
func (f *Fetcher) wait(ctx context.Context, kind waitKind, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	f.waits[kind].Add(int64(d))
	return f.sleep(ctx, d)
}

// backoff is 1 s, 2 s, 4 s … (capped at 60 s) plus up to 50 % jitter, or
// the server's Retry-After (capped at 5 min) when that is longer.
func backoff(try int, retryAfter time.Duration) time.Duration {
	d := time.Second << min(try-1, 6)
	d = min(d, 60*time.Second)
	d += time.Duration(rand.Int64N(int64(d)/2 + 1))
	return max(d, min(retryAfter, 5*time.Minute))
}

func parseRetryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0)
	}
	return 0
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// request is one page being fetched, through its retries and block pages.
type request struct {
	kind   Kind
	target string
	raises int64 // the back-off's raises when it was last sent
	blocks int   // block pages in a row
	probes int   // probes in a row that came through, each just before it was blocked again
}

// A request blocked blockTries times in a row is followed by a probe: a
// page that came through before, asked for again. A request blocked right
// after each of aloneProbes probes that came through is refused on its
// own: at a 2 % block rate, a one-in-six-million chance.
const (
	blockTries  = 2
	aloneProbes = 2
)

// blockState is the back-off after block pages, shared by all requests: a
// block page pauses every request, not only the blocked one.
type blockState struct {
	level      int           // block back-offs in a row since the last good page
	raises     int64         // level rises: a block answered to several requests in flight raises it once
	backedOff  time.Duration // back-off since the last good page, held against the patience
	pages      int64         // block pages since the last good page
	pauseUntil time.Time     // no request is sent before this
	lastGood   [kinds]string // a page of each kind that came through, to probe with
	gaveUp     error         // once the patience is spent no request is sent
}

// pause is how long a request must still wait before it is sent.
func (f *Fetcher) pause() (time.Duration, error) {
	f.bmu.Lock()
	defer f.bmu.Unlock()
	if f.block.gaveUp != nil {
		return 0, f.block.gaveUp
	}
	return f.block.pauseUntil.Sub(f.now()), nil
}

func (f *Fetcher) raises() int64 {
	f.bmu.Lock()
	defer f.bmu.Unlock()
	return f.block.raises
}

// answered records a page that was not a block page: the firewall let the
// request through, so the back-off starts over.
func (f *Fetcher) answered(kind Kind, target string, status int) {
	f.bmu.Lock()
	defer f.bmu.Unlock()
	b := &f.block
	b.level, b.backedOff, b.pages = 0, 0, 0
	if status == http.StatusOK && kind != KindOther { // robots.txt is no evidence: firewalls often let it through
		b.lastGood[kind] = target
	}
}

// blocked handles a block page answered to req: the back-off rises (the
// next sends wait it out) and the patience may be spent (ErrSiteBlocks). A
// query blocked again right after probes came through is one the firewall
// refuses while the site answers: it fails on its own (ErrBlocked), as any
// other broken page fails its partition.
func (f *Fetcher) blocked(ctx context.Context, req *request) error {
	f.counts[req.kind].blocks.Add(1)
	req.blocks++
	if err := f.raise(req); err != nil {
		return err
	}
	if req.probes >= aloneProbes {
		return fmt.Errorf("GET %s: %w, %d times in a row while other pages came through", req.target, ErrBlocked, req.blocks)
	}
	if req.blocks >= blockTries {
		if f.probe(ctx, req) {
			req.probes++
		} else {
			req.probes = 0
		}
	}
	return nil
}

// raise counts a block page and, unless another block page answered since
// req was sent already did, raises the back-off and pauses every request.
func (f *Fetcher) raise(req *request) error {
	f.bmu.Lock()
	defer f.bmu.Unlock()
	b := &f.block
	if b.gaveUp != nil {
		return b.gaveUp
	}
	b.pages++
	if b.raises != req.raises {
		return nil
	}
	if b.backedOff >= f.blockPatience {
		b.gaveUp = &SiteBlockedError{Pages: b.pages, Waited: b.backedOff, RetryAt: f.now().Add(f.blockPatience)}
		return b.gaveUp
	}
	b.level++
	b.raises++
	d := f.blockBackoff(b.level)
	b.backedOff += d
	b.pauseUntil = f.now().Add(d)
	return nil
}

// blockBackoff is BlockWait doubled per level plus up to 20 % jitter,
// capped at BlockWaitMax.
func (f *Fetcher) blockBackoff(level int) time.Duration {
	d := f.blockWait << min(level-1, 16)
	d += time.Duration(rand.Int64N(int64(d)/5 + 1))
	return min(d, f.blockWaitMax)
}

// probe asks again for a page that came through before (after the
// back-off, like any request) and reports whether it comes through now: a
// blocked site blocks it too, a query the firewall refuses does not.
func (f *Fetcher) probe(ctx context.Context, req *request) bool {
	f.bmu.Lock()
	target := f.probeTarget(req)
	f.bmu.Unlock()
	if target == "" {
		return false
	}
	probe := &request{kind: kindOf(target), target: target}
	status, body, _, err := f.send(ctx, probe)
	switch {
	case err != nil || status >= 500:
		return false
	case isBlockPage(body):
		f.counts[probe.kind].blocks.Add(1)
		f.bmu.Lock()
		f.block.pages++
		f.bmu.Unlock()
		return false
	}
	f.answered(probe.kind, target, status)
	return true
}

// probeTarget is a page that came through before: of req's kind if any.
func (f *Fetcher) probeTarget(req *request) string {
	for _, k := range []Kind{req.kind, KindCriteria, KindList, KindProfile} {
		if t := f.block.lastGood[k]; t != "" && t != req.target {
			return t
		}
	}
	return ""
}

// Kind is what a request fetches, for the politeness accounting.
type Kind int

// Request kinds.
const (
	KindCriteria Kind = iota // SearchCrit*.aspx: the dropdown lists
	KindList                 // SearchResult.aspx: a partition's rows
	KindProfile              // SearchDeatils.aspx: one property's profile
	KindOther                // robots.txt and anything else
	kinds
)

// kindOf classifies a request by its path (IIS ignores the case).
func kindOf(target string) Kind {
	path, _, _ := strings.Cut(target, "?")
	path = strings.ToLower(path)
	switch {
	case strings.HasSuffix(path, "/searchresult.aspx"):
		return KindList
	case strings.HasSuffix(path, "/searchdeatils.aspx"):
		return KindProfile
	case strings.Contains(path, "/searchcrit"):
		return KindCriteria
	}
	return KindOther
}

type waitKind int

const (
	waitDelay waitKind = iota // the rate limit between requests
	waitRetry                 // back-off after an error
	waitBlock                 // back-off after a block page
	waitKinds
)

// KindStats count one kind of request.
type KindStats struct {
	Requests int64 `json:"requests"`
	Bytes    int64 `json:"bytes"`   // page bodies received
	Retries  int64 `json:"retries"` // sent again after an error or a page cut off
	Blocks   int64 `json:"blocks"`  // answered with the firewall's block page
}

// FetchStats is a Fetcher's politeness accounting. Waits are summed over
// the requests in flight, in milliseconds.
type FetchStats struct {
	Criteria    KindStats `json:"criteria"`
	List        KindStats `json:"list"`
	Profile     KindStats `json:"profile"`
	Other       KindStats `json:"other"`
	DelayMS     int64     `json:"delay_ms"`      // the rate limit (--delay)
	RetryWaitMS int64     `json:"retry_wait_ms"` // back-off after errors
	BlockWaitMS int64     `json:"block_wait_ms"` // back-off after block pages
}

// Stats returns the accounting so far.
func (f *Fetcher) Stats() FetchStats {
	var s FetchStats
	for k := range kinds {
		c := &f.counts[k]
		*s.kind(k) = KindStats{Requests: c.requests.Load(), Bytes: c.bytes.Load(), Retries: c.retries.Load(), Blocks: c.blocks.Load()}
	}
	ms := func(w waitKind) int64 { return time.Duration(f.waits[w].Load()).Milliseconds() }
	s.DelayMS, s.RetryWaitMS, s.BlockWaitMS = ms(waitDelay), ms(waitRetry), ms(waitBlock)
	return s
}

func (f *Fetcher) countRetry(k Kind) { f.counts[k].retries.Add(1) }

func (s *FetchStats) kind(k Kind) *KindStats {
	switch k {
	case KindCriteria:
		return &s.Criteria
	case KindList:
		return &s.List
	case KindProfile:
		return &s.Profile
	}
	return &s.Other
}

// Total adds up the kinds.
func (s FetchStats) Total() KindStats {
	var t KindStats
	for k := range kinds {
		c := s.kind(k)
		t.Requests, t.Bytes, t.Retries, t.Blocks = t.Requests+c.Requests, t.Bytes+c.Bytes, t.Retries+c.Retries, t.Blocks+c.Blocks
	}
	return t
}

// Waited is all the time spent waiting.
func (s FetchStats) Waited() time.Duration {
	return time.Duration(s.DelayMS+s.RetryWaitMS+s.BlockWaitMS) * time.Millisecond
}

// Add adds o to s (the earlier processes of a resumed run).
func (s *FetchStats) Add(o FetchStats) {
	for k := range kinds {
		a, b := s.kind(k), o.kind(k)
		a.Requests, a.Bytes, a.Retries, a.Blocks = a.Requests+b.Requests, a.Bytes+b.Bytes, a.Retries+b.Retries, a.Blocks+b.Blocks
	}
	s.DelayMS, s.RetryWaitMS, s.BlockWaitMS = s.DelayMS+o.DelayMS, s.RetryWaitMS+o.RetryWaitMS, s.BlockWaitMS+o.BlockWaitMS
}
