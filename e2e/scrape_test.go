package e2e

import (
	"bytes"
	"database/sql"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite" // read the data dirs the binary wrote

	"github.com/rollcall/rollcall/internal/fakesite"
)

// A scrape killed with SIGKILL mid-way and run again resumes its own run
// and ends with exactly the properties of an uninterrupted scrape.
func TestScrapeKilledAndResumedEqualsCleanRun(t *testing.T) {
	// Small for `make test`; -full scrapes the 500,000-row roll and
	// kills about a fifth of the way through its ~14,700 partitions.
	data, killAfter, progress := fakesite.Config{Seed: 3, FullRows: 12_000, SectionalRows: 2_000}, 300, waitDeadline
	if *full {
		data, killAfter, progress = fakesite.Config{Seed: 3, FullRows: 425_000, SectionalRows: 75_000}, 3_000, 5*time.Minute
	}
	site := fakesite.New(fakesite.Generate(data))
	// The kill comes at a fixed point, not after a sleep: the site answers
	// killAfter result pages, then holds every further one until the client
	// is gone, so the scraper is stopped mid-run with exactly that many
	// pages read.
	var served atomic.Int64
	held := make(chan struct{})
	var holdOnce sync.Once
	var blocking atomic.Bool
	blocking.Store(true)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if blocking.Load() && strings.HasSuffix(r.URL.Path, "SearchResult.aspx") && served.Add(1) > int64(killAfter) {
			holdOnce.Do(func() { close(held) })
			<-r.Context().Done()
			return
		}
		site.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	args := func(dir string) []string {
		return []string{"scrape", "--dir", dir, "--base-url", srv.URL, "--delay", "0", "--concurrency", "2", "--scrape-lease", "4s"}
	}

	killed := t.TempDir()
	cmd := exec.Command(binary, args(killed)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-held:
	case <-time.After(progress):
		_ = cmd.Process.Kill()
		t.Fatalf("the scrape never read %d result pages:\n%s", killAfter, out.String())
	}
	// Batches of up to 200 partitions are committed as they fill: wait for
	// the first, so the resume has stored work to continue from.
	deadline := time.Now().Add(progress)
	for checkpoints(t, killed) < 200 {
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatalf("nothing committed after %d result pages:\n%s", killAfter, out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	_ = cmd.Process.Signal(syscall.SIGKILL)
	_ = cmd.Wait()
	t.Logf("killed with %d result pages read and %d partitions committed, of a %d-row roll", killAfter, checkpoints(t, killed), data.FullRows+data.SectionalRows)
	if status := query(t, killed, "SELECT status FROM scrape_runs"); status != "running" {
		t.Fatalf("the killed run is %q; the kill came too late to test a resume", status)
	}
	blocking.Store(false)

	// Within the lease the next run refuses; after it, it resumes.
	refused, err := exec.Command(binary, args(killed)...).CombinedOutput()
	if err == nil || !strings.Contains(string(refused), "already running") {
		t.Fatalf("a run inside the dead process's lease: %v\n%s", err, refused)
	}
	time.Sleep(4 * time.Second) // the lease (--scrape-lease 4s) runs out
	resumed, err := exec.Command(binary, args(killed)...).CombinedOutput()
	if err != nil || !strings.Contains(string(resumed), "(resumed): ok") {
		t.Fatalf("resume: %v\n%s", err, resumed)
	}

	clean := t.TempDir()
	if out, err := exec.Command(binary, args(clean)...).CombinedOutput(); err != nil {
		t.Fatalf("clean run: %v\n%s", err, out)
	}
	const rows = `SELECT group_concat(line, char(10)) FROM (SELECT roll || '|' || pin || '|' || rate_number || '|' || address || '|' || first_owner || '|' ||
		COALESCE(market_value, 'null') || '|' || COALESCE(extent, 'null') || '|' || gone_at AS line FROM properties ORDER BY roll, pin)`
	a, b := query(t, killed, rows), query(t, clean, rows)
	if a != b || strings.Count(a, "\n")+1 != len(site.Snapshot()) {
		t.Fatalf("killed+resumed has %d properties, clean run %d, site %d; equal: %v", strings.Count(a, "\n")+1, strings.Count(b, "\n")+1, len(site.Snapshot()), a == b)
	}
	if n := query(t, killed, "SELECT COUNT(*) FROM scrape_runs"); n != "1" {
		t.Fatalf("%s runs; the resume should continue the killed one", n)
	}
	if h := query(t, killed, "SELECT COUNT(*) FROM property_history"); h != "0" {
		t.Fatalf("%s history records after resuming", h)
	}
}

func openData(t *testing.T, dir string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "data.db")+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func query(t *testing.T, dir, q string) string {
	t.Helper()
	db := openData(t, dir)
	defer db.Close()
	var s sql.NullString
	if err := db.QueryRow(q).Scan(&s); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return s.String
}

// checkpoints counts the partitions a running scrape has committed (0
// before its tables exist).
func checkpoints(t *testing.T, dir string) int {
	db := openData(t, dir)
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM scrape_checkpoints").Scan(&n); err != nil {
		return 0
	}
	return n
}
