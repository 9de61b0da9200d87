// Package bench measures the real rollcall binary on loopback beside
// PocketBase's own endpoints, in the same run: the home top-20 against
// PocketBase's list, a static file and /api/health; hooked vote and answer
// writes against a hook-free twin collection; the binary's size, cold start
// and idle memory; the scraper and the valuation API on a 500,000-row fake
// of the site. Every benchmark adds rows to one table, written to
// bench/RESULTS.md after the run. Run with `make bench`; nothing here runs
// under `make test`.
package bench

import (
	"flag"
	"fmt"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"
)

// Sizes and load bounds. Small values give a quick end-to-end check, e.g.
// -questions 2000 -votes 10000 -answers 10000 -users 200 -properties 5000.
var (
	flagQuestions   = flag.Int("questions", 100_000, "questions in the generated dataset")
	flagVotes       = flag.Int("votes", 500_000, "votes in the generated dataset")
	flagAnswers     = flag.Int("answers", 500_000, "answers in the generated dataset")
	flagUsers       = flag.Int("users", 10_000, "users who ask, vote and answer in the generated dataset")
	flagProperties  = flag.Int("properties", 500_000, "properties on the fake valuation site (scrape and valuation benchmarks)")
	flagRequests    = flag.Int("requests", 20_000, "requests per measured read run (each side, each round)")
	flagWrites      = flag.Int("writes", 2_000, "requests per measured write run (each side, each round)")
	flagWriteRounds = flag.Int("write-rounds", 3, "rounds per write figure, the sides alternating: a write run lasts a second or two, and one checkpoint landing in one side's run moves a single round's ratio by ±0.05")
	flagSeconds     = flag.Duration("seconds", 30*time.Second, "cap on one measured run, whatever -requests or -writes say")
	flagConcurrency = flag.Int("concurrency", 16, "concurrent requests (vegeta workers, one connection each)")
	flagStarts      = flag.Int("starts", 5, "cold starts measured (the median is reported)")
	flagIdle        = flag.Duration("idle", 5*time.Second, "idle time before an idle RSS reading")
	flagProfile     = flag.Bool("profile", true, "on a missed throughput target, take a CPU profile of the server under the same load")
	flagProfileAll  = flag.Bool("profile-all", false, "with -profile, profile every throughput figure of the questions half, met or not")
	flagResults     = flag.String("results", "RESULTS.md", "where the results table is written (relative to bench/)")
)

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	// Only a run that measured something rewrites the file, and it rewrites
	// it whole: figures of an earlier run never mix with this one's.
	if collector.len() > 0 {
		if err := writeResults(*flagResults, code); err != nil {
			fmt.Fprintln(os.Stderr, "bench: write results:", err)
			if code == 0 {
				code = 1
			}
		} else {
			fmt.Fprintln(os.Stderr, "bench: results written to", *flagResults)
		}
	}
	os.Exit(code)
}

// target is a figure's goal; check sees the row's value and ratio.
type target struct {
	text  string
	check func(value, ratio float64) bool
}

// ratioAtLeast: the figure must reach x times its baseline.
func ratioAtLeast(x float64, text string) *target {
	return &target{text: text, check: func(_, r float64) bool { return r >= x }}
}

// ratioAtMost: the figure must stay at or under x times its baseline.
func ratioAtMost(x float64, text string) *target {
	return &target{text: text, check: func(_, r float64) bool { return r <= x }}
}

// valueAtMost: the figure itself must stay at or under x.
func valueAtMost(x float64, text string) *target {
	return &target{text: text, check: func(v, _ float64) bool { return v <= x }}
}

// row is one line of the results table.
type row struct {
	bench    string // the benchmark that measured it
	figure   string
	value    float64
	unit     string
	baseline string  // "" when the figure has none
	base     float64 // the baseline's value, same unit
	ratio    float64 // value / base unless set; NaN without a baseline
	target   *target
	note     string
}

// met reports "yes", "**no**" or "" (no target).
func (r row) met() string {
	if r.target == nil {
		return ""
	}
	if r.target.check(r.value, r.ratio) {
		return "yes"
	}
	return "**no**"
}

func (r row) missed() bool { return r.target != nil && !r.target.check(r.value, r.ratio) }

// results collects rows from every benchmark of the run, and the CPU
// profiles taken where a target was missed.
type results struct {
	mu       sync.Mutex
	rows     []row
	profiles []profileNote
	facts    []string // checks and context worth a line above the table
}

type profileNote struct{ figure, file, top string }

// collector is the run's one table; TestMain writes it out.
var collector = &results{}

func (c *results) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.rows)
}

// add records r for b, computing the ratio when r has a baseline and none
// was given, and returns it as recorded.
func (c *results) add(b *testing.B, r row) row {
	r.bench = b.Name()
	if r.baseline == "" {
		r.ratio = math.NaN()
	} else if r.ratio == 0 && r.base != 0 {
		r.ratio = r.value / r.base
	}
	c.mu.Lock()
	c.rows = append(c.rows, r)
	c.mu.Unlock()
	msg := fmt.Sprintf("%s: %s %s", r.figure, num(r.value), r.unit)
	if r.baseline != "" {
		msg += fmt.Sprintf(" | %s %s | ratio %s", r.baseline, num(r.base), num(r.ratio))
	}
	if r.target != nil {
		msg += fmt.Sprintf(" | target %s: %s", r.target.text, r.met())
	}
	b.Log(msg)
	return r
}

// fact adds a line of context to the file's header, and to b's log.
func (c *results) fact(b *testing.B, format string, args ...any) {
	line := fmt.Sprintf(format, args...)
	b.Log(line)
	c.mu.Lock()
	c.facts = append(c.facts, line)
	c.mu.Unlock()
}

func (c *results) addProfile(p profileNote) {
	c.mu.Lock()
	c.profiles = append(c.profiles, p)
	c.mu.Unlock()
}

// writeResults renders the table with the run's context to name (in bench/).
func writeResults(name string, code int) error {
	collector.mu.Lock()
	defer collector.mu.Unlock()
	var s strings.Builder
	now := time.Now().UTC()
	fmt.Fprintf(&s, "# Benchmark results\n\n")
	fmt.Fprintf(&s, "Written by `bench/` (`make bench`) on %s UTC. Every figure is measured beside its baseline in the same run, on the same machine; absolute numbers are machine-bound, the ratios are what the targets are about.\n\n",
		now.Format("2006-01-02 15:04"))
	fmt.Fprintf(&s, "- Machine: %d cores (%s), %s memory, %s/%s\n", runtime.NumCPU(), cpuModel(), memTotal(), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(&s, "- Go %s, PocketBase %s, load generator vegeta %s (in the benchmark process, sharing the cores with the server)\n",
		strings.TrimPrefix(runtime.Version(), "go"), moduleVersion("github.com/pocketbase/pocketbase"), moduleVersion("github.com/tsenart/vegeta/v12"))
	fmt.Fprintf(&s, "- Sizes: -questions %d -votes %d -answers %d -users %d -properties %d\n",
		*flagQuestions, *flagVotes, *flagAnswers, *flagUsers, *flagProperties)
	fmt.Fprintf(&s, "- Load: %d concurrent connections at the highest rate they sustain; each measured run is %d reads or %d writes, cut at %s; rounds per figure: -benchtime %s (write figures %d times that), the sides alternating within each round\n",
		*flagConcurrency, *flagRequests, *flagWrites, *flagSeconds, flagValue("test.benchtime"), *flagWriteRounds)
	pattern := flagValue("test.bench")
	ran := map[string]bool{}
	var names []string
	for _, r := range collector.rows {
		if !ran[r.bench] {
			ran[r.bench] = true
			names = append(names, r.bench)
		}
	}
	fmt.Fprintf(&s, "- Benchmarks run (`-bench %s`): %s\n", pattern, strings.Join(names, ", "))
	if pattern != "." && pattern != ".*" {
		fmt.Fprintf(&s, "- **Partial run**: only the benchmarks above ran; the others have no figures here.\n")
	}
	for _, f := range collector.facts {
		fmt.Fprintf(&s, "- %s\n", f)
	}
	if code != 0 {
		fmt.Fprintf(&s, "- **The run failed** (exit %d): the figures below are those recorded before the failure.\n", code)
	}
	s.WriteString("- Ratio is value ÷ baseline value, whatever the unit.\n")
	s.WriteString("\n| Figure | Value | Baseline | Baseline value | Ratio | Target | Met | Notes |\n|---|---:|---|---:|---:|---|---|---|\n")
	for _, r := range collector.rows {
		base, ratio := "", ""
		if r.baseline != "" {
			base = num(r.base) + " " + r.unit
			ratio = num(r.ratio)
		}
		tgt := ""
		if r.target != nil {
			tgt = r.target.text
		}
		fmt.Fprintf(&s, "| %s | %s %s | %s | %s | %s | %s | %s | %s |\n",
			cell(r.figure), num(r.value), r.unit, cell(r.baseline), base, ratio, tgt, r.met(), cell(r.note))
	}
	writeMissed(&s)
	removeStaleProfiles(collector.profiles)
	return os.WriteFile(name, []byte(s.String()), 0o644)
}

// writeMissed adds a section per missed target: the hand-written analysis
// of bench/ANALYSIS.md for that figure if there is one (why, and what would
// fix it), and the CPU profile this run took.
func writeMissed(s *strings.Builder) {
	analysis := readAnalysis("ANALYSIS.md")
	first := true
	for _, r := range collector.rows {
		if !r.missed() {
			continue
		}
		if first {
			s.WriteString("\n## Missed targets\n\nEach missed target with the analysis kept by hand in `bench/ANALYSIS.md` (under a heading equal to the figure; written from an earlier run's profile, so check it against this run's), and, for a throughput, a 10 s CPU profile of the server under the same load taken in this run: a profiling build of the same code (net/http/pprof added through `go build -overlay`), first Rollcall's own functions, each with the library code it calls, then the hottest functions of all. Time spent waiting (for SQLite's single write connection, for the network) is not CPU time and does not show in it.\n")
			first = false
		}
		fmt.Fprintf(s, "\n### %s\n\n%s %s against the target %s", r.figure, num(r.value), r.unit, r.target.text)
		if r.baseline != "" {
			fmt.Fprintf(s, " (ratio %s to %s)", num(r.ratio), r.baseline)
		}
		s.WriteString(".\n")
		if text, ok := analysis[r.figure]; ok {
			fmt.Fprintf(s, "\n%s\n", text)
		} else {
			s.WriteString("\nNo analysis in bench/ANALYSIS.md yet.\n")
		}
		for _, p := range collector.profiles {
			if p.figure == r.figure {
				fmt.Fprintf(s, "\nCPU profile: `bench/%s`\n\n```\n%s\n```\n", p.file, p.top)
			}
		}
	}
}

// readAnalysis maps each "## figure" heading of name to the text under it.
func readAnalysis(name string) map[string]string {
	raw, _ := os.ReadFile(name)
	out := map[string]string{}
	var figure string
	var text []string
	flush := func() {
		if figure != "" {
			out[figure] = strings.TrimSpace(strings.Join(text, "\n"))
		}
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if h, ok := strings.CutPrefix(line, "## "); ok {
			flush()
			figure, text = strings.TrimSpace(h), nil
			continue
		}
		text = append(text, line)
	}
	flush()
	return out
}

// num formats a figure with three significant digits or so.
func num(v float64) string {
	switch {
	case math.IsNaN(v):
		return ""
	case math.Abs(v) >= 100:
		return fmt.Sprintf("%.0f", v)
	case math.Abs(v) >= 10:
		return fmt.Sprintf("%.1f", v)
	default:
		return fmt.Sprintf("%.2f", v)
	}
}

func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

func flagValue(name string) string {
	if f := flag.Lookup(name); f != nil {
		return f.Value.String()
	}
	return ""
}

func cpuModel() string {
	raw, _ := os.ReadFile("/proc/cpuinfo")
	for _, line := range strings.Split(string(raw), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "model unknown"
}

func memTotal() string {
	raw, _ := os.ReadFile("/proc/meminfo")
	for _, line := range strings.Split(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, "MemTotal:"); ok {
			var kib float64
			fmt.Sscanf(strings.TrimSpace(rest), "%f", &kib)
			return fmt.Sprintf("%.1f GiB", kib/(1<<20))
		}
	}
	return "unknown"
}

// moduleVersion is the version of path this test binary was built with,
// read from go.mod when the binary carries no module information.
func moduleVersion(path string) string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == path {
				return dep.Version
			}
		}
	}
	raw, _ := os.ReadFile("../go.mod")
	for _, line := range strings.Split(string(raw), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == path {
			return f[1]
		}
	}
	return "unknown"
}
