package bench

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// scrapeRows is the roll size the issue names.
const scrapeRows = 500_000

// BenchmarkScrape500k scrapes a 500,000-row fake of the site, served by its
// own process on loopback with no delay, into a fresh data dir with the
// real binary (`rollcall scrape`), then scrapes it again unchanged. It
// reports rows/s for fetch + parse + clean + upsert and the scraper
// process's peak RSS.
func BenchmarkScrape500k(b *testing.B) {
	dir := b.TempDir()
	rollcall := buildBinary(b, dir, "rollcall", "..")
	fake := buildBinary(b, dir, "fakedurban", "../internal/fakesite/cmd/fakedurban")
	siteURL := startFake(b, fake, scrapeRows)

	for i := 0; b.Loop(); i++ {
		data := filepath.Join(dir, fmt.Sprintf("pb_data_%d", i))
		first := scrapeOnce(b, rollcall, data, siteURL)
		second := scrapeOnce(b, rollcall, data, siteURL)
		// Baseline in the same run: fetch + parse + clean with no store.
		dry := scrapeOnce(b, rollcall, filepath.Join(dir, fmt.Sprintf("pb_data_dry_%d", i)), siteURL, "--dry-run")
		b.ReportMetric(float64(dry.rows)/dry.wall.Seconds(), "dry-run-rows/s")
		b.Logf("dry run (no store): %d rows in %s, %.0f rows/s, peak RSS %.0f MB; the full scrape runs at %.2f of it",
			dry.rows, dry.wall.Round(time.Millisecond), float64(dry.rows)/dry.wall.Seconds(), float64(dry.maxRSS)/1024,
			(float64(first.rows)/first.wall.Seconds())/(float64(dry.rows)/dry.wall.Seconds()))
		b.ReportMetric(float64(first.rows)/first.wall.Seconds(), "rows/s")
		b.ReportMetric(float64(first.maxRSS)/1024, "peak-RSS-MB")
		b.ReportMetric(float64(second.rows)/second.wall.Seconds(), "unchanged-rows/s")
		b.Logf("%d requests; first scrape: %d rows (%d new) in %s, %.0f rows/s, peak RSS %.0f MB; unchanged re-scrape: %d rows in %s, %d new, %d changed, %d gone, peak RSS %.0f MB",
			first.requests, first.rows, first.created, first.wall.Round(time.Millisecond), float64(first.rows)/first.wall.Seconds(), float64(first.maxRSS)/1024,
			second.rows, second.wall.Round(time.Millisecond), second.created, second.changed, second.gone, float64(second.maxRSS)/1024)
		if first.rows < scrapeRows || second.created+second.changed+second.gone != 0 {
			b.Fatalf("first run stored %d of %d rows; the unchanged run wrote %d new, %d changed, %d gone", first.rows, scrapeRows, second.created, second.changed, second.gone)
		}
	}
}

func buildBinary(b *testing.B, dir, name, pkg string) string {
	b.Helper()
	out := filepath.Join(dir, name)
	cmd := exec.Command("go", "build", "-o", out, pkg)
	if msg, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("build %s: %v\n%s", pkg, err, msg)
	}
	return out
}

func startFake(b *testing.B, binary string, rows int) string {
	b.Helper()
	cmd := exec.Command(binary, "-rows", strconv.Itoa(rows), "-seed", "1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		b.Fatalf("fake site did not start: %v", err)
	}
	return strings.TrimSpace(line)
}

type scrapeFigures struct {
	wall                         time.Duration
	maxRSS                       int64 // KiB
	rows, created, changed, gone int64
	requests                     int64
}

var summaryCounts = regexp.MustCompile(`rows (\d+) seen, (\d+) new, (\d+) changed, \d+ unchanged, (\d+) gone · (\d+) requests`)

func scrapeOnce(b *testing.B, binary, data, siteURL string, extra ...string) scrapeFigures {
	b.Helper()
	args := append([]string{"scrape", "--dev=false", "--dir", data, "--base-url", siteURL, "--delay", "0", "--concurrency", "4"}, extra...)
	cmd := exec.Command(binary, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		b.Fatalf("scrape: %v\n%s\n%s", err, stdout.String(), stderr.String())
	}
	f := scrapeFigures{wall: time.Since(start), maxRSS: cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss}
	m := summaryCounts.FindStringSubmatch(stdout.String())
	if m == nil {
		b.Fatalf("no summary in %q", stdout.String())
	}
	f.rows, _ = strconv.ParseInt(m[1], 10, 64)
	f.created, _ = strconv.ParseInt(m[2], 10, 64)
	f.changed, _ = strconv.ParseInt(m[3], 10, 64)
	f.gone, _ = strconv.ParseInt(m[4], 10, 64)
	f.requests, _ = strconv.ParseInt(m[5], 10, 64)
	return f
}
