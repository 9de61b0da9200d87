package scraper

import (
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
	"sync/atomic"
	"time"

	"github.com/temoto/robotstxt"
	"golang.org/x/time/rate"
)

// Fetch errors.
var (
	ErrDisallowed     = errors.New("disallowed by robots.txt")
	ErrRobotsUnusable = errors.New("robots.txt unavailable: refusing to crawl blind")
)

// FetchOptions configure a Fetcher. Zero values take the defaults noted.
type FetchOptions struct {
	BaseURL     string        // e.g. https://valuation2022.durban.gov.za
	Contact     string        // a URL or address for the site's operators, in the User-Agent
	Delay       time.Duration // between requests; 0 allowed (loopback)
	Concurrency int           // requests in flight; default 1
	MaxTries    int           // per request, the first included; default 5
	Timeout     time.Duration // per request; default 60 s
	Insecure    bool          // skip TLS verification (the site's certificate has been doubted)
	// Sleep waits between retries; tests inject one that records and returns.
	Sleep func(ctx context.Context, d time.Duration) error
	// HTTP overrides the client (tests).
	HTTP *http.Client
}

// Fetcher gets pages from the site politely: robots.txt honoured, one
// request at a time (or Concurrency), Delay apart, retried with exponential
// backoff and jitter on 5xx, 429 and timeouts, honouring Retry-After.
type Fetcher struct {
	base      *url.URL
	http      *http.Client
	userAgent string
	maxTries  int
	sleep     func(ctx context.Context, d time.Duration) error
	limiter   *rate.Limiter
	slots     chan struct{}
	robots    *robotstxt.Group

	requests atomic.Int64
	retries  atomic.Int64
}

// NewFetcher validates the options.
func NewFetcher(o FetchOptions) (*Fetcher, error) {
	base, err := url.Parse(strings.TrimRight(o.BaseURL, "/"))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("base URL %q: want http(s)://host", o.BaseURL)
	}
	if o.Delay < 0 || o.Concurrency < 0 || o.MaxTries < 0 {
		return nil, errors.New("delay, concurrency and tries cannot be negative")
	}
	f := &Fetcher{base: base, http: o.HTTP, maxTries: o.MaxTries, sleep: o.Sleep}
	if f.maxTries == 0 {
		f.maxTries = 5
	}
	if f.sleep == nil {
		f.sleep = sleepCtx
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
func (f *Fetcher) Requests() int64 { return f.requests.Load() }
func (f *Fetcher) Retries() int64  { return f.retries.Load() }

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
// answer rather than an error (robots.txt).
func (f *Fetcher) get(ctx context.Context, target string, anyStatus bool) (int, []byte, error) {
	var lastErr error
	for try := 1; try <= f.maxTries; try++ {
		status, body, retryAfter, err := f.once(ctx, target)
		switch {
		case err == nil && status < 500 && status != http.StatusTooManyRequests:
			if status >= 400 && !anyStatus {
				return status, nil, fmt.Errorf("GET %s: HTTP %d", target, status) // not worth retrying
			}
			return status, body, nil
		case err != nil && ctx.Err() != nil:
			return 0, nil, ctx.Err()
		case err != nil:
			lastErr = fmt.Errorf("GET %s: %w", target, err)
		default:
			lastErr = fmt.Errorf("GET %s: HTTP %d", target, status)
		}
		if try == f.maxTries {
			break
		}
		f.retries.Add(1)
		if err := f.sleep(ctx, backoff(try, retryAfter)); err != nil {
			return 0, nil, err
		}
	}
	return 0, nil, fmt.Errorf("%w (after %d tries)", lastErr, f.maxTries)
}

func (f *Fetcher) once(ctx context.Context, target string) (status int, body []byte, retryAfter time.Duration, err error) {
	select {
	case f.slots <- struct{}{}:
	case <-ctx.Done():
		return 0, nil, 0, ctx.Err()
	}
	defer func() { <-f.slots }()
	if f.limiter != nil {
		if err := f.limiter.Wait(ctx); err != nil {
			return 0, nil, 0, err
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.base.String()+target, nil)
	if err != nil {
		return 0, nil, 0, err
	}
	req.Header.Set("User-Agent", f.userAgent)
	f.requests.Add(1)
	res, err := f.http.Do(req)
	if err != nil {
		return 0, nil, 0, err
	}
	defer res.Body.Close()
	body, err = io.ReadAll(io.LimitReader(res.Body, 64<<20))
	if err != nil {
		var netErr net.Error
		if errors.As(err, &netErr) || errors.Is(err, io.ErrUnexpectedEOF) {
			return 0, nil, 0, fmt.Errorf("body cut off: %w", err)
		}
		return 0, nil, 0, err
	}
	return res.StatusCode, body, parseRetryAfter(res.Header.Get("Retry-After")), nil
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
