package bench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rollcall/rollcall/internal/processtest"
)

// releaseFlags are `make build`'s, so the binary measured is the one users get.
var releaseFlags = []string{"-trimpath", "-ldflags=-s -w"}

// buildBinary builds pkg into dir/name, with releaseFlags unless flags are given.
func buildBinary(b *testing.B, dir, name, pkg string, flags ...string) string {
	b.Helper()
	if flags == nil {
		flags = releaseFlags
	}
	out := filepath.Join(dir, name)
	if err := processtest.Build(out, pkg, flags...); err != nil {
		b.Fatal(err)
	}
	return out
}

// server is a `rollcall serve` (or bare PocketBase) process on a loopback
// port, with bench's sign-in.
type server struct{ *processtest.Server }

// rollcallServe is `rollcall serve` on data: loopback exempt from the rate
// limiter (the load comes from there), no scheduled scrape during a
// measurement, the day in UTC as the generated dataset's.
func rollcallServe(data string) func(addr string) []string {
	return processtest.ServeArgs(data, "--rate-limit-exempt=127.0.0.1", "--scrape-cron=off", "--tz=UTC")
}

// pocketbaseServe is bare PocketBase's serve on data.
func pocketbaseServe(data string) func(addr string) []string {
	return processtest.ServeArgs(data)
}

// serverOptions runs a server with env added, its stderr shown and its
// stdout dropped.
func serverOptions(args func(addr string) []string, env []string) processtest.Options {
	return processtest.Options{Args: args, Env: env, Stdout: io.Discard, Stderr: os.Stderr,
		StartTimeout: time.Minute,
		Poll:         2 * time.Millisecond, // the cold start is timed with WaitFor
		Grace:        15 * time.Second,     // SIGTERM lets SQLite checkpoint its WAL
	}
}

// launch starts binary with args(addr) for a free loopback addr and
// returns without waiting for it to answer; the process is stopped at the
// end of b, if not before.
func launch(b *testing.B, binary string, args func(addr string) []string, env ...string) *server {
	b.Helper()
	return &server{processtest.Launch(b, binary, serverOptions(args, env))}
}

// startServer launches binary and waits until it answers.
func startServer(b *testing.B, binary string, args func(addr string) []string, env ...string) *server {
	b.Helper()
	return &server{processtest.Start(b, binary, serverOptions(args, env))}
}

// signIn returns a users-collection token for identity.
func (s *server) signIn(b *testing.B, identity, password string) string {
	b.Helper()
	body, _ := json.Marshal(map[string]string{"identity": identity, "password": password})
	res, err := http.Post(s.URL+"/api/collections/users/auth-with-password", "application/json", bytes.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	defer res.Body.Close()
	var out struct {
		Token string `json:"token"`
	}
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK || json.Unmarshal(raw, &out) != nil || out.Token == "" {
		b.Fatalf("sign in as %s: %d %s", identity, res.StatusCode, raw)
	}
	return out.Token
}

// procStatus reads a KiB figure (VmRSS, VmHWM) from /proc/pid/status.
func procStatus(b *testing.B, pid int, key string) int64 {
	b.Helper()
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, key+":"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return n
		}
	}
	b.Fatalf("no %s in /proc/%d/status", key, pid)
	return 0
}

// rss is a process's resident memory in KiB: in all, and split into
// anonymous memory (Go heap, SQLite caches) and file-backed (the binary).
type rss struct{ total, anon, file int64 }

func readRSS(b *testing.B, pid int) rss {
	return rss{procStatus(b, pid, "VmRSS"), procStatus(b, pid, "RssAnon"), procStatus(b, pid, "RssFile")}
}

// clockTick is Linux's USER_HZ, the unit of /proc/pid/stat's CPU times
// (fixed at 100 on every architecture Go supports there).
const clockTick = 10 * time.Millisecond

// cpuTime is the user + system CPU time pid has used so far.
func cpuTime(pid int) time.Duration {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// Fields after the command name, which may hold spaces: state is the
	// 3rd field of the line, utime the 14th, stime the 15th.
	_, rest, _ := strings.Cut(string(raw), ") ")
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * clockTick
}

// mb converts KiB (as /proc reports) to MB (10^6 bytes), the unit of the
// issue's targets.
func mb(kib int64) float64 { return float64(kib) * 1024 / 1e6 }
