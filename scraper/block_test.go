package scraper

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rollcall/rollcall/internal/fakesite"
)

// fakeClock is a clock its sleeps move forward, recording each sleep: no
// real time passes.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(_ context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	c.now = c.now.Add(d)
	return nil
}

func (c *fakeClock) take() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.sleeps
	c.sleeps = nil
	return out
}

// site answers robots.txt with 404 and every other request with h, after
// counting it by path.
type site struct {
	mu       sync.Mutex
	requests map[string]int
	bytes    map[string]int
}

func newSite(t *testing.T, h func(n int, r *http.Request) string) (*site, string) {
	t.Helper()
	s := &site{requests: map[string]int{}, bytes: map[string]int{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.requests[r.URL.Path]++
		n := s.requests[r.URL.Path]
		s.mu.Unlock()
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		body := h(n, r)
		if body == "500" {
			w.WriteHeader(http.StatusInternalServerError)
			body = "Server Error in '/' Application."
		}
		written, _ := w.Write([]byte(body))
		s.mu.Lock()
		s.bytes[r.URL.Path] += written
		s.mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	return s, srv.URL
}

func (s *site) count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[path]
}

func blockFetcher(t *testing.T, url string, clock *fakeClock, o FetchOptions) *Fetcher {
	t.Helper()
	o.BaseURL, o.Sleep, o.Now = url, clock.Sleep, clock.Now
	f, err := NewFetcher(o)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.LoadRobots(context.Background()); err != nil {
		t.Fatal(err)
	}
	clock.take()
	return f
}

const (
	listPath     = "/FramePages/SearchResult.aspx"
	criteriaPath = "/FramePages/SearchCrit.aspx"
	profilePath  = "/FramePages/SearchDeatils.aspx"
)

func within(d, lo, hi time.Duration) bool { return d >= lo && d <= hi }

// A block page is sent again after a back-off that doubles from 1 min
// (+ up to 20 % jitter) and stops at 15 min; it costs none of the request's
// tries; the first good page starts the back-off over.
func TestBlockPageBacksOffGrowingToTheCap(t *testing.T) {
	_, url := newSite(t, func(n int, r *http.Request) string {
		if n <= 6 || n == 8 {
			return fakesite.WAFPage
		}
		return "ok"
	})
	clock := newFakeClock()
	f := blockFetcher(t, url, clock, FetchOptions{MaxTries: 2})
	body, err := f.Get(context.Background(), listPath, "Roll=1")
	if err != nil || string(body) != "ok" {
		t.Fatalf("after six block pages: %q, %v", body, err)
	}
	waits := clock.take()
	bounds := [][2]time.Duration{{time.Minute, 72 * time.Second}, {2 * time.Minute, 144 * time.Second},
		{4 * time.Minute, 288 * time.Second}, {8 * time.Minute, 576 * time.Second}, {15 * time.Minute, 15 * time.Minute}, {15 * time.Minute, 15 * time.Minute}}
	if len(waits) != len(bounds) {
		t.Fatalf("waits %v; want six block back-offs", waits)
	}
	for i, b := range bounds {
		if !within(waits[i], b[0], b[1]) {
			t.Errorf("back-off %d: %v, want %v–%v", i+1, waits[i], b[0], b[1])
		}
	}
	// Six block pages and MaxTries 2: blocks are not tries.
	if st := f.Stats(); st.List.Requests != 7 || st.List.Blocks != 6 || st.List.Retries != 0 || f.Retries() != 0 {
		t.Fatalf("stats %+v", st.List)
	}
	// Reset by the good page: the next block waits 1 min again.
	if _, err := f.Get(context.Background(), listPath, "Roll=2"); err != nil {
		t.Fatal(err)
	}
	if waits := clock.take(); len(waits) != 1 || !within(waits[0], time.Minute, 72*time.Second) {
		t.Fatalf("after a good page, a block waits %v; want one back-off of 1 min", waits)
	}
}

// A block page pauses every request, not only the blocked one.
func TestBlockPagePausesOtherRequests(t *testing.T) {
	_, url := newSite(t, func(n int, r *http.Request) string {
		if r.URL.Path == listPath && n == 1 {
			return fakesite.WAFPage
		}
		return "ok"
	})
	clock := newFakeClock()
	f := blockFetcher(t, url, clock, FetchOptions{Concurrency: 2})
	// Raise the back-off by hand, as a block page another worker got.
	req := &request{kind: KindList, target: listPath}
	req.raises = f.raises()
	if err := f.raise(req); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Get(context.Background(), criteriaPath, ""); err != nil {
		t.Fatal(err)
	}
	if waits := clock.take(); len(waits) != 1 || !within(waits[0], time.Minute, 72*time.Second) {
		t.Fatalf("a request sent during a block back-off waited %v", waits)
	}
}

// Blocks that outlast the patience end with ErrSiteBlocks naming the time
// to try again; after that the fetcher sends nothing.
func TestBlocksPastThePatienceGiveUpWithTheRetryTime(t *testing.T) {
	s, url := newSite(t, func(n int, r *http.Request) string {
		if r.URL.Path == criteriaPath && n == 1 {
			return "criteria"
		}
		return fakesite.WAFPage
	})
	clock := newFakeClock()
	f := blockFetcher(t, url, clock, FetchOptions{BlockWait: time.Minute, BlockWaitMax: 4 * time.Minute, BlockPatience: 10 * time.Minute})
	if _, err := f.Get(context.Background(), criteriaPath, ""); err != nil {
		t.Fatal(err)
	}
	_, err := f.Get(context.Background(), listPath, "Roll=1")
	var sb *SiteBlockedError
	if !errors.Is(err, ErrSiteBlocks) || !errors.Is(err, ErrBlocked) || !errors.As(err, &sb) {
		t.Fatalf("err %v; want ErrSiteBlocks", err)
	}
	// Back-offs 1, 2, 4, 4 min (11 min ≥ 10): the fifth block gives up.
	// From the second on, each is followed by a probe, blocked too.
	waits := clock.take()
	var total time.Duration
	for _, w := range waits {
		total += w
	}
	if len(waits) != 4 || total < 11*time.Minute || total > 12*time.Minute || sb.Waited != total {
		t.Fatalf("waits %v (%v), error's %v", waits, total, sb.Waited)
	}
	retryAt := clock.Now().Add(10 * time.Minute)
	if !sb.RetryAt.Equal(retryAt) || !strings.Contains(err.Error(), "try again after "+retryAt.Format("2006-01-02 15:04 MST")) {
		t.Fatalf("error %q, retry at %v; want %v", err, sb.RetryAt, retryAt)
	}
	// Five list requests, and three probes of the criteria page that came
	// through before: blocked too, so the site is, not just this query.
	if s.count(listPath) != 5 || s.count(criteriaPath) != 4 {
		t.Fatalf("sent %d list requests and %d criteria; want 5 and 4 (three probes)", s.count(listPath), s.count(criteriaPath))
	}
	sent := f.Requests()
	if _, err := f.Get(context.Background(), profilePath, "id=1"); !errors.Is(err, ErrSiteBlocks) || f.Requests() != sent || f.Retries() != 0 || len(clock.take()) != 0 {
		t.Fatalf("after giving up: %v, %d requests more, %d retries", err, f.Requests()-sent, f.Retries())
	}
}

// A query the firewall refuses while the rest of the site answers fails on
// its own (ErrBlocked, its partition fails): from its second block page on,
// each is followed by a probe of a page that came through before; when two
// probes in a row came through and the query, sent right after each, is
// blocked again, it gives up.
func TestAQueryTheFirewallRefusesFailsAlone(t *testing.T) {
	s, url := newSite(t, func(n int, r *http.Request) string {
		if r.URL.Query().Get("Suburb") == "13" {
			return fakesite.WAFPage
		}
		return "page"
	})
	clock := newFakeClock()
	f := blockFetcher(t, url, clock, FetchOptions{})
	if _, err := f.Get(context.Background(), listPath, "Suburb=12"); err != nil {
		t.Fatal(err)
	}
	_, err := f.Get(context.Background(), listPath, "Suburb=13")
	if !errors.Is(err, ErrBlocked) || errors.Is(err, ErrSiteBlocks) || !strings.Contains(err.Error(), "4 times in a row") {
		t.Fatalf("err %v; want ErrBlocked for this query alone", err)
	}
	// 1 min before its retry, 2 min before the first probe; that probe
	// came through, so the back-off starts over: 1 min before the second.
	waits := clock.take()
	if len(waits) != 3 || !within(waits[0], time.Minute, 72*time.Second) || !within(waits[1], 2*time.Minute, 144*time.Second) || !within(waits[2], time.Minute, 72*time.Second) {
		t.Fatalf("waits %v; want 1, 2 and 1 min", waits)
	}
	if s.count(listPath) != 7 { // 1 good, 4 blocked, 2 probes of Suburb=12
		t.Fatalf("%d list requests; want 7", s.count(listPath))
	}
	// The probe came through: the back-off started over, and the last
	// block page raised it to 1 min for the next request.
	if _, err := f.Get(context.Background(), listPath, "Suburb=14"); err != nil {
		t.Fatal(err)
	}
	if waits := clock.take(); len(waits) != 1 || !within(waits[0], time.Minute, 72*time.Second) {
		t.Fatalf("the next query waited %v", waits)
	}
}

// Requests, bytes, retries and block pages by kind add up to what the
// server counted; waits add up to what was slept.
func TestFetchAccountingByKind(t *testing.T) {
	s, url := newSite(t, func(n int, r *http.Request) string {
		switch {
		case r.URL.Path == listPath && n == 2:
			return "500"
		case r.URL.Path == profilePath && n == 1:
			return fakesite.WAFPage
		}
		return strings.Repeat("x", 100*n) + r.URL.Path
	})
	clock := newFakeClock()
	f := blockFetcher(t, url, clock, FetchOptions{Delay: time.Second})
	ctx := context.Background()
	for _, target := range []string{criteriaPath, "/FramePages/SearchCrit2.aspx", listPath + "?a=1", listPath + "?a=2", listPath + "?a=3", profilePath + "?id=1", "/FramePages/Header.aspx"} {
		path, query, _ := strings.Cut(target, "?")
		if _, err := f.Get(ctx, path, query); err != nil {
			t.Fatal(err)
		}
	}
	st := f.Stats()
	s.mu.Lock()
	defer s.mu.Unlock()
	want := map[string]KindStats{
		"criteria": {Requests: int64(s.requests[criteriaPath] + s.requests["/FramePages/SearchCrit2.aspx"]), Bytes: int64(s.bytes[criteriaPath] + s.bytes["/FramePages/SearchCrit2.aspx"])},
		"list":     {Requests: int64(s.requests[listPath]), Bytes: int64(s.bytes[listPath]), Retries: 1},
		"profile":  {Requests: int64(s.requests[profilePath]), Bytes: int64(s.bytes[profilePath]), Blocks: 1},
		"other":    {Requests: int64(s.requests["/robots.txt"] + s.requests["/FramePages/Header.aspx"]), Bytes: int64(s.bytes["/FramePages/Header.aspx"]) + int64(len("404 page not found\n"))},
	}
	got := map[string]KindStats{"criteria": st.Criteria, "list": st.List, "profile": st.Profile, "other": st.Other}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: %+v, want %+v", k, got[k], w)
		}
	}
	if want := [4]int64{2, 4, 2, 2}; [4]int64{st.Criteria.Requests, st.List.Requests, st.Profile.Requests, st.Other.Requests} != want {
		t.Errorf("requests by kind %+v, want %v", st, want)
	}
	if st.Total().Requests != f.Requests() || f.Requests() != 10 || f.Retries() != 1 {
		t.Errorf("totals: %d requests, %d retries", f.Requests(), f.Retries())
	}
	if st.DelayMS == 0 || st.RetryWaitMS < 1000 || st.BlockWaitMS < 60_000 {
		t.Errorf("waits: %d ms delay, %d ms retry, %d ms block", st.DelayMS, st.RetryWaitMS, st.BlockWaitMS)
	}
	var slept time.Duration
	for _, d := range clock.take() {
		slept += d
	}
	if diff := slept - st.Waited(); diff < 0 || diff > 3*time.Millisecond { // ms rounding of three sums
		t.Errorf("slept %v, accounted %v", slept, st.Waited())
	}
}

func TestKindOf(t *testing.T) {
	for target, want := range map[string]Kind{
		"/FramePages/SearchCrit.aspx": KindCriteria, "/FramePages/SearchCrit2.aspx": KindCriteria,
		"/FramePages/SearchResult.aspx?Roll=1": KindList, "/framepages/searchresult.aspx": KindList,
		"/FramePages/SearchDeatils.aspx?id=P1": KindProfile, "/robots.txt": KindOther, "/FramePages/Header.aspx": KindOther,
	} {
		if got := kindOf(target); got != want {
			t.Errorf("%s: %d, want %d", target, got, want)
		}
	}
}

// A walk whose site blocks every request ends with the fetcher's
// SiteBlockedError; the partition that hit it is not reported as failed,
// and leaves count the partitions answered.
func TestWalkEndsWhenTheSiteBlocks(t *testing.T) {
	var served sync.Mutex
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		served.Lock()
		n++
		blocked := n > 3
		served.Unlock()
		if blocked {
			_, _ = w.Write([]byte(fakesite.WAFPage))
			return
		}
		fakesite.WriteResultPage(w, nil, false)
	}))
	defer srv.Close()
	clock := newFakeClock()
	f := blockFetcher(t, srv.URL, clock, FetchOptions{})
	w := &Walker{Fetcher: f, Workers: 1} // one at a time: the first three requests are three partitions
	var roots []Partition
	for i := range 10 {
		roots = append(roots, Partition{Roll: FullTitle, SuburbID: fmt.Sprint(i)})
	}
	reported := map[Status]int{}
	err := w.Walk(context.Background(), roots, func(o Outcome) error {
		reported[o.Status]++
		return nil
	})
	var sb *SiteBlockedError
	if !errors.As(err, &sb) || sb.Waited < time.Hour {
		t.Fatalf("walk ended with %v; want the fetcher's SiteBlockedError", err)
	}
	if reported[StatusDone] != 3 || reported[StatusFailed] != 0 || w.Leaves() != 3 {
		t.Fatalf("reported %v, %d leaves; want the 3 answered partitions, none failed", reported, w.Leaves())
	}
}
