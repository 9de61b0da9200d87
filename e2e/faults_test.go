package e2e

import (
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rollcall/rollcall/internal/fakesite"
)

// propertyRows renders every stored property's values, one line each, by
// PIN. Where a row came from (suburb_id and the other partition keys) is
// left out: overlapping queries find a property in whichever order the
// walk meets them, and faults change that order.
const propertyRows = `SELECT group_concat(line, char(10)) FROM (SELECT roll || '|' || pin || '|' || rate_number || '|' || legal_description || '|' || address || '|' ||
	first_owner || '|' || COALESCE(use_code, 'null') || '|' || rating_category || '|' || COALESCE(market_value, 'null') || '|' || COALESCE(extent, 'null') || '|' || gone_at AS line
	FROM properties ORDER BY roll, pin)`

// The real binary scrapes a site that answers 10 % of its searches with
// HTTP 500, cuts 2 % of its result pages off mid-table, is slow on every
// 50th request and puts one suburb behind a firewall block page. The run
// retries, ends partial with the block page named in its log, and stores
// nothing wrongly: every property it stored is exactly what a clean run
// stores, only the blocked suburb's may be missing, nothing is marked gone. A full
// outage then fails the next run without touching a stored row, and a run
// on the healthy site completes the roll.
func TestScrapeUnderFaultsStoresNothingWrong(t *testing.T) {
	data, concurrency := fakesite.Config{Seed: 5, FullRows: 4_000, SectionalRows: 800}, "4"
	if *full {
		data, concurrency = fakesite.Config{Seed: 5, FullRows: 425_000, SectionalRows: 75_000}, "8"
	}
	site := fakesite.New(fakesite.Generate(data))
	srv := httptest.NewServer(site)
	t.Cleanup(srv.Close)
	scrape := func(dir string) (string, error) {
		out, err := exec.Command(binary, "scrape", "--dir", dir, "--base-url", srv.URL, "--delay", "0", "--concurrency", concurrency,
			"--block-wait", "5ms").CombinedOutput() // the firewall's back-off in milliseconds, not minutes
		return string(out), err
	}

	clean := t.TempDir()
	if out, err := scrape(clean); err != nil {
		t.Fatalf("clean run: %v\n%s", err, out)
	}
	want := rowsByPIN(query(t, clean, propertyRows))

	// The first full-title suburb searched is the one behind the block page.
	var blockedMu sync.Mutex
	blocked := ""
	site.SetFaults(fakesite.Faults{
		ErrorRate: 0.10, TruncateRate: 0.02, Slow: 20 * time.Millisecond, SlowEvery: 50,
		WAF: func(r *http.Request) bool {
			q := r.URL.Query()
			if !strings.HasSuffix(r.URL.Path, "SearchResult.aspx") || q.Get("Roll") != "1" || q.Get("Suburb") == "" {
				return false
			}
			blockedMu.Lock()
			defer blockedMu.Unlock()
			if blocked == "" {
				blocked = q.Get("Suburb")
			}
			return q.Get("Suburb") == blocked
		},
	})
	faulted := t.TempDir()
	start := time.Now()
	out, err := scrape(faulted)
	if err == nil || !strings.Contains(out, "partial") {
		t.Fatalf("a run with a blocked suburb should end partial and exit non-zero: %v\n%s", err, out)
	}
	t.Logf("faulted run in %s: %s requests, %s retries", time.Since(start).Round(time.Millisecond),
		query(t, faulted, "SELECT requests FROM scrape_runs"), query(t, faulted, "SELECT retries FROM scrape_runs"))
	if retries := query(t, faulted, "SELECT retries FROM scrape_runs"); retries == "0" || retries == "" {
		t.Fatalf("no retries logged for 10 %% server errors and truncated pages")
	}
	if errs := query(t, faulted, "SELECT errors FROM scrape_runs"); !strings.Contains(errs, "firewall block page") {
		t.Fatalf("the run log does not name the block page: %s", errs)
	}
	suburbOf := map[string]string{}
	for _, p := range site.Snapshot() {
		suburbOf[p.PIN] = p.SuburbID
	}
	got := rowsByPIN(query(t, faulted, propertyRows))
	missing := 0
	for key, row := range want {
		stored, ok := got[key]
		_, pin, _ := strings.Cut(key, "|")
		switch {
		case ok && stored != row:
			t.Fatalf("stored wrongly under faults:\n got  %s\n want %s", stored, row)
		case !ok && suburbOf[pin] != blocked:
			t.Fatalf("property %s (suburb %s, not the blocked %s) is missing after retries; run errors: %s", pin, suburbOf[pin], blocked, query(t, faulted, "SELECT errors FROM scrape_runs"))
		case !ok:
			missing++
		}
	}
	if len(got) > len(want) {
		t.Fatalf("stored %d properties, a clean run %d", len(got), len(want))
	}
	// Overlapping queries (deeds towns, volumes) may still reach some of the
	// blocked suburb's properties.
	t.Logf("stored %d of %d properties; %d of the blocked suburb's are missing", len(got), len(want), missing)
	if gone := query(t, faulted, "SELECT COUNT(*) FROM properties WHERE gone_at != ''"); gone != "0" {
		t.Fatalf("a partial run marked %s properties gone", gone)
	}

	// An outage fails the run and changes nothing stored.
	before := query(t, faulted, propertyRows)
	site.SetFaults(fakesite.Faults{Outage: true})
	if out, err := scrape(faulted); err == nil || !strings.Contains(out, "failed") {
		t.Fatalf("a run during an outage should fail: %v\n%s", err, out)
	}
	if query(t, faulted, propertyRows) != before || query(t, faulted, "SELECT COUNT(*) FROM property_history") != "0" {
		t.Fatal("a failed run changed stored properties")
	}

	// The healthy site again: the roll is complete and equal to a clean run.
	site.SetFaults(fakesite.Faults{})
	if out, err := scrape(faulted); err != nil {
		t.Fatalf("run on the healthy site: %v\n%s", err, out)
	}
	if query(t, faulted, propertyRows) != query(t, clean, propertyRows) {
		t.Fatal("after the faults, a healthy run does not store what a clean run stores")
	}
}

func rowsByPIN(dump string) map[string]string {
	rows := map[string]string{}
	for _, line := range strings.Split(dump, "\n") {
		if fields := strings.SplitN(line, "|", 3); len(fields) == 3 {
			rows[fields[0]+"|"+fields[1]] = line
		}
	}
	return rows
}
