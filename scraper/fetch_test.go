package scraper

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// sleeps records the waits a Fetcher asked for, without waiting.
type sleeps struct {
	mu   sync.Mutex
	each []time.Duration
}

func (s *sleeps) sleep(_ context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.each = append(s.each, d)
	return nil
}

func newTestFetcher(t *testing.T, h http.Handler) (*Fetcher, *sleeps) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	rec := &sleeps{}
	f, err := NewFetcher(FetchOptions{BaseURL: srv.URL, Contact: "https://example.org/contact", Sleep: rec.sleep})
	if err != nil {
		t.Fatal(err)
	}
	return f, rec
}

// noRobots answers robots.txt with 404 (allow all) and the rest with h.
func noRobots(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		h(w, r)
	}
}

func TestFetchRetriesServerErrorsThenSucceeds(t *testing.T) {
	var calls int
	f, rec := newTestFetcher(t, noRobots(func(w http.ResponseWriter, r *http.Request) {
		calls++
		if calls <= 2 {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		_, _ = w.Write([]byte("ok"))
	}))
	if err := f.LoadRobots(context.Background()); err != nil {
		t.Fatalf("a missing robots.txt allows everything: %v", err)
	}
	body, err := f.Get(context.Background(), "/FramePages/SearchResult.aspx", "Roll=1")
	if err != nil || string(body) != "ok" {
		t.Fatalf("got %q, %v", body, err)
	}
	if calls != 3 || f.Retries() != 2 || f.Requests() != 4 {
		t.Fatalf("calls %d, retries %d, requests %d; want 3, 2, 4", calls, f.Retries(), f.Requests())
	}
	// Exponential backoff with jitter: 1–1.5 s, then 2–3 s.
	if len(rec.each) != 2 || rec.each[0] < time.Second || rec.each[0] > 1500*time.Millisecond || rec.each[1] < 2*time.Second || rec.each[1] > 3*time.Second {
		t.Fatalf("backoff waits %v", rec.each)
	}
}

func TestFetchHonoursRetryAfter(t *testing.T) {
	var calls int
	f, rec := newTestFetcher(t, noRobots(func(w http.ResponseWriter, r *http.Request) {
		calls++
		if calls == 1 {
			w.Header().Set("Retry-After", "42")
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte("ok"))
	}))
	if err := f.LoadRobots(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Get(context.Background(), "/x", ""); err != nil {
		t.Fatal(err)
	}
	if len(rec.each) != 1 || rec.each[0] != 42*time.Second {
		t.Fatalf("waits %v; want the server's 42 s", rec.each)
	}
}

func TestFetchGivesUpAfterMaxTries(t *testing.T) {
	f, rec := newTestFetcher(t, noRobots(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadGateway)
	}))
	if err := f.LoadRobots(context.Background()); err != nil {
		t.Fatal(err)
	}
	_, err := f.Get(context.Background(), "/x", "")
	if err == nil || !strings.Contains(err.Error(), "HTTP 502") || !strings.Contains(err.Error(), "after 5 tries") {
		t.Fatalf("err %v", err)
	}
	if len(rec.each) != 4 {
		t.Fatalf("%d waits; want 4 between 5 tries", len(rec.each))
	}
}

func TestFetchDoesNotRetryNotFound(t *testing.T) {
	var calls int
	f, _ := newTestFetcher(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/robots.txt" {
			calls++
		}
		http.NotFound(w, r)
	}))
	if err := f.LoadRobots(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Get(context.Background(), "/missing", ""); err == nil || calls != 1 {
		t.Fatalf("err %v after %d calls; want an error after 1", err, calls)
	}
}

func TestFetchObeysRobots(t *testing.T) {
	var userAgents []string
	f, _ := newTestFetcher(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		userAgents = append(userAgents, r.UserAgent())
		if r.URL.Path == "/robots.txt" {
			_, _ = w.Write([]byte("User-agent: *\nDisallow: /FramePages/SearchDeatils.aspx\n"))
			return
		}
		_, _ = w.Write([]byte("ok"))
	}))
	if err := f.LoadRobots(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Get(context.Background(), "/FramePages/SearchDeatils.aspx", "id=1"); !errors.Is(err, ErrDisallowed) {
		t.Fatalf("disallowed path: err %v", err)
	}
	if _, err := f.Get(context.Background(), "/FramePages/SearchResult.aspx", "Roll=1"); err != nil {
		t.Fatalf("allowed path: %v", err)
	}
	if len(userAgents) != 2 {
		t.Fatalf("%d requests; the disallowed one must not be sent", len(userAgents))
	}
	for _, ua := range userAgents {
		if ua != "RollcallScraper/1.0 (+https://example.org/contact)" {
			t.Fatalf("User-Agent %q", ua)
		}
	}
}

func TestFetchRefusesToCrawlBlind(t *testing.T) {
	f, _ := newTestFetcher(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	if err := f.LoadRobots(context.Background()); !errors.Is(err, ErrRobotsUnusable) {
		t.Fatalf("a failing robots.txt: err %v", err)
	}
	if f.Retries() != 4 {
		t.Fatalf("robots.txt retried %d times; want 4", f.Retries())
	}
	if _, err := f.Get(context.Background(), "/x", ""); err == nil {
		t.Fatal("a fetch without robots.txt went ahead")
	}
}

func TestNewFetcherRejectsBadOptions(t *testing.T) {
	for _, o := range []FetchOptions{
		{BaseURL: "ftp://example.org"},
		{BaseURL: "example.org"},
		{BaseURL: "http://example.org", Delay: -time.Second},
		{BaseURL: "http://example.org", Concurrency: -1},
	} {
		if _, err := NewFetcher(o); err == nil {
			t.Errorf("%+v accepted", o)
		}
	}
}

func TestSearchQueryKeepsTheSitesKeyOrder(t *testing.T) {
	q := SearchQuery{Roll: Sectional, Suburb: "22136", SchemeName: "SS SUN & SAND", All: true}
	want := "Roll=2&VolumeNo=&RateNumber=&StreetNo=&StreetName=&Suburb=22136&ERF=&Portion=&DeedsTown=&SchemeName=SS+SUN+%26+SAND&SectionNumber=&All=true"
	if got := q.Encode(); got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}
