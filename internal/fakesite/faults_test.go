package fakesite

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestFailFirst(t *testing.T) {
	s := New(shared())
	srv := serve(t, s)
	s.SetFaults(Faults{FailFirst: 2})
	a, b := searchPath(1, map[string]string{"RateNumber": "12"}), searchPath(1, map[string]string{"RateNumber": "13"})
	for i, want := range []int{500, 500, 200, 200} {
		status, body := get(t, srv, a)
		if status != want {
			t.Fatalf("attempt %d: %d, want %d", i+1, status, want)
		}
		if status == 500 && !strings.Contains(body, "Server Error in") {
			t.Fatal("a failure without the ASP.NET error page")
		}
	}
	if status, _ := get(t, srv, b); status != 500 { // counted per URL
		t.Fatalf("another URL's first attempt: %d", status)
	}
	if got := s.Requests(); got != 5 {
		t.Fatalf("Requests() = %d, want 5", got)
	}
}

func TestOutage(t *testing.T) {
	s := New(shared())
	srv := serve(t, s)
	s.SetFaults(Faults{Outage: true, Robots: "User-agent: *\nAllow: /\n"})
	for _, p := range []string{"/robots.txt", "/", "/FramePages/SearchCrit.aspx", searchPath(1, nil)} {
		if status, body := get(t, srv, p); status != 503 || !strings.Contains(body, "Service Unavailable") {
			t.Fatalf("%s: %d", p, status)
		}
	}
	s.SetFaults(Faults{})
	if status, _ := get(t, srv, "/"); status != 200 {
		t.Fatalf("after the outage: %d", status)
	}
}

func TestWAF(t *testing.T) {
	s := New(shared())
	srv := serve(t, s)
	s.SetFaults(Faults{WAF: func(r *http.Request) bool { return strings.Contains(r.URL.RawQuery, "RateNumber=666") }})
	status, body := get(t, srv, searchPath(1, map[string]string{"RateNumber": "666"}))
	if status != 200 || body != WAFPage {
		t.Fatalf("blocked request: %d %.80q", status, body)
	}
	if _, body := get(t, srv, searchPath(1, map[string]string{"RateNumber": "667"})); !strings.Contains(body, "searchResultTable") {
		t.Fatal("an unblocked request got no results")
	}
	// robots.txt is exempt from the WAF and from FailFirst.
	s.SetFaults(Faults{WAF: func(*http.Request) bool { return true }, FailFirst: 1, Robots: "User-agent: *\n"})
	if status, body := get(t, srv, "/robots.txt"); status != 200 || body != "User-agent: *\n" {
		t.Fatalf("robots.txt under WAF and FailFirst: %d %q", status, body)
	}
	if _, body := get(t, srv, "/"); body != WAFPage {
		t.Fatal("WAF let the frameset through")
	}
}

func TestTruncate(t *testing.T) {
	s := New(shared())
	srv := serve(t, s)
	path := searchPath(1, map[string]string{"RateNumber": "1"})
	_, full := get(t, srv, path)
	s.SetFaults(Faults{TruncateRate: 1})
	status, cut := get(t, srv, path)
	if status != 200 || len(cut) >= len(full) || !strings.HasPrefix(full, cut) || !strings.Contains(cut, `class="searchResultTable"`) {
		t.Fatalf("status %d, %d of %d bytes", status, len(cut), len(full))
	}
	if strings.Count(cut, "</tr>") >= strings.Count(full, "</tr>") {
		t.Fatal("cut after the last row, want mid-table")
	}
	s.SetFaults(Faults{TruncateRate: 0.5})
	cuts := 0
	for range 40 {
		if _, b := get(t, srv, path); len(b) < len(full) {
			cuts++
		}
	}
	if cuts < 8 || cuts > 32 {
		t.Fatalf("TruncateRate 0.5 cut %d of 40", cuts)
	}
}

func TestErrorRate(t *testing.T) {
	s := New(shared())
	srv := serve(t, s)
	s.SetFaults(Faults{ErrorRate: 0.3})
	fails := 0
	for range 100 {
		if status, _ := get(t, srv, searchPath(1, map[string]string{"RateNumber": "77"})); status == 500 {
			fails++
		}
	}
	if fails < 15 || fails > 45 {
		t.Fatalf("ErrorRate 0.3 failed %d of 100", fails)
	}
	for range 20 { // frame pages are not DB-backed: never fail
		if status, _ := get(t, srv, "/FramePages/Search.aspx"); status != 200 {
			t.Fatal("ErrorRate hit a static page")
		}
	}
}

func TestEmptySuburbsAndRobots(t *testing.T) {
	d := shared()
	s := New(d)
	srv := serve(t, s)
	if status, _ := get(t, srv, "/robots.txt"); status != 404 {
		t.Fatalf("robots.txt without a body: %d", status)
	}
	_, page := get(t, srv, "/FramePages/SearchCrit.aspx")
	if strings.Count(page, "<option") < len(d.Suburbs)+len(d.DeedsTowns) {
		t.Fatal("criteria page lacks its options")
	}
	s.SetFaults(Faults{EmptySuburbs: true, Robots: "User-agent: *\nDisallow: /Error.aspx\n"})
	status, body := get(t, srv, "/robots.txt")
	if status != 200 || body != "User-agent: *\nDisallow: /Error.aspx\n" {
		t.Fatalf("robots.txt: %d %q", status, body)
	}
	for _, p := range []string{"/FramePages/SearchCrit.aspx", "/FramePages/SearchCrit2.aspx"} {
		_, page := get(t, srv, p)
		sel := between(page, `<select name="drpSuburb"`, "</select>")
		if strings.Count(sel, "<option") != 1 || !strings.Contains(sel, "[--Select Suburb--]") {
			t.Fatalf("%s: drpSuburb %q", p, sel)
		}
	}
}

func TestSlow(t *testing.T) {
	s := New(shared())
	srv := serve(t, s)
	s.SetFaults(Faults{Slow: 150 * time.Millisecond, SlowEvery: 2})
	var took []time.Duration
	for range 4 {
		start := time.Now()
		get(t, srv, "/FramePages/blank.htm")
		took = append(took, time.Since(start))
	}
	// Requests 2 and 4 are slow, 1 and 3 are not.
	if took[1] < 150*time.Millisecond || took[3] < 150*time.Millisecond || took[0] > 100*time.Millisecond || took[2] > 100*time.Millisecond {
		t.Fatalf("durations %v", took)
	}
}

func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	j := strings.Index(s[i:], to)
	if j < 0 {
		return s[i:]
	}
	return s[i : i+j]
}

// WAFEvery and WAFBurst block by request number; robots.txt neither counts
// nor is blocked.
func TestWAFRateAndBurst(t *testing.T) {
	s := New(shared())
	srv := serve(t, s)
	blocked := func(n int) []int {
		t.Helper()
		var out []int
		for i := 1; i <= n; i++ {
			if _, body := get(t, srv, "/robots.txt"); body == WAFPage {
				t.Fatal("robots.txt blocked")
			}
			if _, body := get(t, srv, "/FramePages/Search.aspx"); body == WAFPage {
				out = append(out, i)
			}
		}
		return out
	}
	s.SetFaults(Faults{WAF: WAFEvery(4)})
	if got := blocked(12); fmt.Sprint(got) != "[4 8 12]" {
		t.Fatalf("WAFEvery(4) blocked %v", got)
	}
	s.SetFaults(Faults{WAF: WAFBurst(3, 2)})
	if got := blocked(8); fmt.Sprint(got) != "[3 4]" {
		t.Fatalf("WAFBurst(3, 2) blocked %v", got)
	}
	s.SetFaults(Faults{WAF: WAFBurst(6, -1)})
	if got := blocked(9); fmt.Sprint(got) != "[6 7 8 9]" {
		t.Fatalf("WAFBurst(6, -1) blocked %v", got)
	}
}
