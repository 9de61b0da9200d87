package bench

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rollcall/rollcall/internal/processtest"
)

// BenchmarkScrape500k scrapes a fake of the site with -properties rows
// (500,000 by default), served by its own process on loopback with no
// delay, into a fresh data dir with the real binary (`rollcall scrape`),
// then scrapes it again unchanged, then does a dry run (fetch + parse +
// clean, no store) as the baseline of the same run. It records the CPU time
// per 1,000 rows (against the real site the time goes to politeness, not
// CPU, so that is the cost that matters), rows/s and the scraper process's
// peak RSS, medians over the rounds.
func BenchmarkScrape500k(b *testing.B) {
	dir := b.TempDir()
	rollcall := buildBinary(b, dir, "rollcall", "..")
	fake := buildBinary(b, dir, "fakedurban", "../internal/fakesite/cmd/fakedurban")
	siteURL := startFake(b, fake, *flagProperties)

	var firstRate, secondRate, dryRate, firstRSS, secondRSS, dryRSS, firstCPU, secondCPU, dryCPU []float64
	for i := 0; b.Loop(); i++ {
		data := filepath.Join(dir, fmt.Sprintf("pb_data_%d", i))
		first := scrapeOnce(b, rollcall, data, siteURL)
		second := scrapeOnce(b, rollcall, data, siteURL)
		// Baseline in the same run: fetch + parse + clean with no store.
		dry := scrapeOnce(b, rollcall, filepath.Join(dir, fmt.Sprintf("pb_data_dry_%d", i)), siteURL, "--dry-run")
		b.Logf("dry run (no store): %d rows in %s, %.0f rows/s, peak RSS %.0f MB; the full scrape runs at %.2f of it",
			dry.rows, dry.wall.Round(time.Millisecond), dry.rate(), mb(dry.maxRSS), first.rate()/dry.rate())
		b.Logf("%d requests; first scrape: %d rows (%d new) in %s, %.0f rows/s, peak RSS %.0f MB; unchanged re-scrape: %d rows in %s, %d new, %d changed, %d gone, peak RSS %.0f MB",
			first.requests, first.rows, first.created, first.wall.Round(time.Millisecond), first.rate(), mb(first.maxRSS),
			second.rows, second.wall.Round(time.Millisecond), second.created, second.changed, second.gone, mb(second.maxRSS))
		if first.rows < int64(*flagProperties) || second.created+second.changed+second.gone != 0 {
			b.Fatalf("first run stored %d of %d rows; the unchanged run wrote %d new, %d changed, %d gone", first.rows, *flagProperties, second.created, second.changed, second.gone)
		}
		firstRate, secondRate, dryRate = append(firstRate, first.rate()), append(secondRate, second.rate()), append(dryRate, dry.rate())
		firstRSS, secondRSS, dryRSS = append(firstRSS, mb(first.maxRSS)), append(secondRSS, mb(second.maxRSS)), append(dryRSS, mb(dry.maxRSS))
		firstCPU, secondCPU, dryCPU = append(firstCPU, first.cpuPer1000()), append(secondCPU, second.cpuPer1000()), append(dryCPU, dry.cpuPer1000())
	}
	rounds := fmt.Sprintf("median of %d round(s)", len(firstRate))
	dryName := "dry run (fetch + parse + clean, no store), same site"
	collector.add(b, row{figure: "Scrape, first run: CPU per 1,000 rows (user + system)",
		value: medianOf(firstCPU), unit: "ms", baseline: dryName, base: medianOf(dryCPU),
		note: fmt.Sprintf("%d-row fake; %s", *flagProperties, rounds)})
	collector.add(b, row{figure: "Scrape, unchanged re-run: CPU per 1,000 rows", value: medianOf(secondCPU), unit: "ms",
		baseline: dryName, base: medianOf(dryCPU), note: rounds})
	collector.add(b, row{figure: "Scrape, first run (fetch + parse + clean + upsert)",
		value: medianOf(firstRate), unit: "rows/s", baseline: dryName, base: medianOf(dryRate),
		note: fmt.Sprintf("%d-row fake, no delay; no target: against the real site the time is the politeness delay; %s", *flagProperties, rounds)})
	collector.add(b, row{figure: "Scrape, unchanged re-run (writes nothing)", value: medianOf(secondRate), unit: "rows/s",
		baseline: dryName, base: medianOf(dryRate), note: rounds + "; 0 new, 0 changed, 0 gone checked"})
	collector.add(b, row{figure: "Scrape, peak RSS of the scraper process (first run)", value: medianOf(firstRSS), unit: "MB",
		baseline: "dry run", base: medianOf(dryRSS), target: valueAtMost(150, "≤ 150 MB (docs/development.md)"),
		note: fmt.Sprintf("%s; unchanged re-run %s MB", rounds, num(medianOf(secondRSS)))})
}

func medianOf(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}

func startFake(b *testing.B, binary string, rows int) string {
	b.Helper()
	cmd := processtest.Child(exec.Command(binary, "-rows", strconv.Itoa(rows), "-seed", "1"))
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
	cpu                          time.Duration // user + system
	maxRSS                       int64         // KiB
	rows, created, changed, gone int64
	requests                     int64
}

func (f scrapeFigures) rate() float64 { return float64(f.rows) / f.wall.Seconds() }

func (f scrapeFigures) cpuPer1000() float64 {
	return float64(f.cpu.Milliseconds()) * 1000 / float64(max(f.rows, 1))
}

var summaryCounts = regexp.MustCompile(`rows (\d+) seen, (\d+) new, (\d+) changed, \d+ unchanged, (\d+) gone · (\d+) requests`)

func scrapeOnce(b *testing.B, binary, data, siteURL string, extra ...string) scrapeFigures {
	b.Helper()
	args := append([]string{"scrape", "--dev=false", "--dir", data, "--base-url", siteURL, "--delay", "0", "--concurrency", "4"}, extra...)
	cmd := processtest.Child(exec.Command(binary, args...))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		b.Fatalf("scrape: %v\n%s\n%s", err, stdout.String(), stderr.String())
	}
	f := scrapeFigures{wall: time.Since(start), cpu: cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(),
		maxRSS: cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss}
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
