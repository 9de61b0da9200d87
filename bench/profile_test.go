package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rollcall/rollcall/internal/processtest"
)

// profileDir holds the CPU profiles of missed targets (relative to bench/).
const profileDir = "profiles"

// pprofListener is added to the main package of a second build, through
// the go command's -overlay, so the app's code stays as it is and the
// measured binary carries no profiler.
const pprofListener = `package main

import (
	"net/http"
	_ "net/http/pprof"
	"os"
)

func init() {
	if addr := os.Getenv("ROLLCALL_BENCH_PPROF"); addr != "" {
		go func() { _ = http.ListenAndServe(addr, nil) }()
	}
}
`

// profiler is the profiling build serving the same data dir as the
// measured server, on its own port, with net/http/pprof on another.
type profiler struct {
	srv   *server
	pprof string
}

// buildProfiling builds rollcall with pprofListener added, in dir.
func buildProfiling(b *testing.B, dir string) string {
	b.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		b.Fatal(err)
	}
	src := filepath.Join(dir, "bench_pprof.go")
	overlay := filepath.Join(dir, "overlay.json")
	spec, _ := json.Marshal(map[string]map[string]string{"Replace": {filepath.Join(root, "zz_bench_pprof.go"): src}})
	if err := os.WriteFile(src, []byte(pprofListener), 0o644); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(overlay, spec, 0o644); err != nil {
		b.Fatal(err)
	}
	return buildBinary(b, dir, "rollcall-pprof", "..", "-trimpath", "-overlay="+overlay)
}

// startProfiler serves data with the profiling build until b ends.
func startProfiler(b *testing.B, bin, data string) *profiler {
	b.Helper()
	addr, err := processtest.FreeAddr()
	if err != nil {
		b.Fatal(err)
	}
	return &profiler{srv: startServer(b, bin, rollcallServe(data), "ROLLCALL_BENCH_PPROF="+addr), pprof: "http://" + addr}
}

// profile loads the profiling server with s as the measurement did, takes
// a 10 s CPU profile meanwhile, and adds its top functions to the results.
func (p *profiler) profile(b *testing.B, figure string, s *side) {
	b.Helper()
	const seconds = 10
	if err := os.MkdirAll(profileDir, 0o755); err != nil {
		b.Fatal(err)
	}
	file := filepath.Join(profileDir, slug(figure)+".pprof")
	got := make(chan error, 1)
	go func() {
		res, err := http.Get(fmt.Sprintf("%s/debug/pprof/profile?seconds=%d", p.pprof, seconds))
		if err != nil {
			got <- err
			return
		}
		defer res.Body.Close()
		raw, err := io.ReadAll(res.Body)
		if err == nil && res.StatusCode != http.StatusOK {
			err = fmt.Errorf("pprof: %d %s", res.StatusCode, raw)
		}
		if err == nil {
			err = os.WriteFile(file, raw, 0o644)
		}
		got <- err
	}()
	n := math.MaxInt32
	if s.capacity > 0 {
		n = int(s.capacity - s.seq.Load())
	}
	attack(b, newClient(), p.srv.URL, p.srv.PID, s, n, (seconds+1)*time.Second, nil)
	if err := <-got; err != nil {
		b.Fatalf("CPU profile of %s: %v", figure, err)
	}
	// Rollcall's own functions, each with the time of the library code
	// under it, then the hottest functions of all.
	ours := pprofTop(b, file, "-cum", "-nodecount=20", "-show=github.com/rollcall")
	all := pprofTop(b, file, "-nodecount=15")
	_, all, _ = strings.Cut(all, "      flat") // the header is in ours already
	top := ours + "\n\nAll functions, by own time:\n      flat" + all
	collector.addProfile(profileNote{figure: figure, file: file, top: top})
	b.Logf("CPU profile of %s under load: bench/%s\n%s", figure, file, top)
}

func pprofTop(b *testing.B, file string, args ...string) string {
	b.Helper()
	out, err := exec.Command("go", append(append([]string{"tool", "pprof", "-top"}, args...), file)...).CombinedOutput()
	if err != nil {
		b.Fatalf("go tool pprof: %v\n%s", err, out)
	}
	return strings.TrimSpace(string(out))
}

var nonWord = regexp.MustCompile(`[^a-z0-9]+`)

func slug(s string) string {
	return strings.Trim(nonWord.ReplaceAllString(strings.ToLower(s), "-"), "-")
}

// removeStaleProfiles deletes profiles an earlier run left that this run's
// results do not point to.
func removeStaleProfiles(keep []profileNote) {
	files, _ := filepath.Glob(filepath.Join(profileDir, "*.pprof"))
	for _, f := range files {
		used := false
		for _, p := range keep {
			used = used || p.file == f
		}
		if !used {
			_ = os.Remove(f)
		}
	}
}
