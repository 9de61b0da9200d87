package fakesite

import (
	"bytes"
	"net/http"
	"sync/atomic"
	"time"
)

// Faults are the failures the real site shows (durban.md §1.7, §6). The
// zero value is a healthy site.
type Faults struct {
	ErrorRate    float64                    // fraction of SearchResult/SearchCrit requests answered with HTTP 500 + ErrorPage (seeded RNG)
	FailFirst    int                        // each distinct request URL fails with 500 its first FailFirst times, then works
	Slow         time.Duration              // added to every response
	SlowEvery    int                        // if >0, only every Nth request is slow
	WAF          func(r *http.Request) bool // when true, answer 200 with WAFPage
	TruncateRate float64                    // fraction of result pages cut off mid-table (200, HTML ends abruptly)
	Outage       bool                       // every request (robots.txt included) gets 503
	EmptySuburbs bool                       // criteria pages render drpSuburb with only the placeholder
	Robots       string                     // body of /robots.txt; "" means 404 (no robots.txt)
}

// WAFEvery blocks every nth request that reaches the WAF check (robots.txt
// is exempt): block pages at a rate of 1/n, the same count whatever the
// concurrency.
func WAFEvery(n int64) func(*http.Request) bool {
	var seen atomic.Int64
	return func(*http.Request) bool { return seen.Add(1)%n == 0 }
}

// WAFBurst blocks the requests numbered from to from+count-1 (1-based,
// robots.txt exempt), then lets everything through; count < 0 blocks every
// request from the from-th on.
func WAFBurst(from, count int64) func(*http.Request) bool {
	var seen atomic.Int64
	return func(*http.Request) bool {
		n := seen.Add(1)
		return n >= from && (count < 0 || n < from+count)
	}
}

// SetFaults replaces the faults; FailFirst counts start again from zero.
func (s *Site) SetFaults(f Faults) {
	s.fmu.Lock()
	defer s.fmu.Unlock()
	s.faults = f
	s.fails = map[string]int{}
}

func (s *Site) fault() Faults {
	s.fmu.Lock()
	defer s.fmu.Unlock()
	return s.faults
}

// http.sys's own page when the application pool is down.
const outagePage = "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\"\"http://www.w3.org/TR/html4/strict.dtd\">\r\n" +
	"<HTML><HEAD><TITLE>Service Unavailable</TITLE>\r\n<META HTTP-EQUIV=\"Content-Type\" Content=\"text/html; charset=us-ascii\"></HEAD>\r\n" +
	"<BODY><h2>Service Unavailable</h2>\r\n<hr><p>HTTP Error 503. The service is unavailable.</p>\r\n</BODY></HTML>\r\n"

// intercept counts the request and applies the faults that come before
// routing: delay, outage, WAF block, fail-first. robots.txt is exempt from
// the WAF and fail-first so a fetcher's robots check stays deterministic.
func (s *Site) intercept(w http.ResponseWriter, r *http.Request, path string) bool {
	n := s.served.Add(1)
	f := s.fault()
	if f.Slow > 0 && (f.SlowEvery <= 0 || n%int64(f.SlowEvery) == 0) {
		t := time.NewTimer(f.Slow)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
		}
	}
	switch {
	case f.Outage:
		w.Header().Set("Content-Type", "text/html; charset=us-ascii")
		w.WriteHeader(http.StatusServiceUnavailable)
		writeString(w, outagePage)
		return true
	case path == "/robots.txt":
		return false
	case f.WAF != nil && f.WAF(r):
		w.Header().Set("Content-Type", "text/html")
		writeString(w, WAFPage)
		return true
	case f.FailFirst > 0 && s.failFirst(r, f.FailFirst):
		serverError(w)
		return true
	}
	return false
}

func (s *Site) failFirst(r *http.Request, limit int) bool {
	key := r.Method + " " + r.URL.RequestURI()
	s.fmu.Lock()
	defer s.fmu.Unlock()
	if s.fails[key] >= limit {
		return false
	}
	s.fails[key]++
	return true
}

// randomError draws the ErrorRate fault (the DB's pool timeouts).
func (s *Site) randomError() bool {
	s.fmu.Lock()
	defer s.fmu.Unlock()
	return s.faults.ErrorRate > 0 && s.rng.Float64() < s.faults.ErrorRate
}

// truncation draws the TruncateRate fault and picks a cut inside the table.
func (s *Site) truncation(page []byte) (int, bool) {
	s.fmu.Lock()
	defer s.fmu.Unlock()
	if s.faults.TruncateRate <= 0 || s.rng.Float64() >= s.faults.TruncateRate {
		return 0, false
	}
	start := bytes.Index(page, []byte(`class="searchResultTable"`))
	end := bytes.LastIndex(page, []byte("</table>"))
	if start < 0 || end <= start {
		return len(page) / 2, true
	}
	return start + 1 + s.rng.IntN(end-start-1), true
}
