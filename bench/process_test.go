package bench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// releaseFlags are `make build`'s, so the binary measured is the one users get.
var releaseFlags = []string{"-trimpath", "-ldflags=-s -w"}

// buildBinary builds pkg into dir/name. -buildvcs=false: the build must not
// shell out to git (and `make build` sets it too).
func buildBinary(b *testing.B, dir, name, pkg string, flags ...string) string {
	b.Helper()
	if flags == nil {
		flags = releaseFlags
	}
	out := filepath.Join(dir, name)
	args := append([]string{"build", "-buildvcs=false"}, flags...)
	cmd := exec.Command("go", append(args, "-o", out, pkg)...)
	if msg, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("build %s: %v\n%s", pkg, err, msg)
	}
	return out
}

// child makes cmd die with the benchmark process, so a killed or timed-out
// run leaves nothing behind.
func child(cmd *exec.Cmd) *exec.Cmd {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	return cmd
}

// server is a `rollcall serve` process on a loopback port.
type server struct {
	cmd     *exec.Cmd
	pid     int
	base    string
	started time.Time
	exited  chan struct{} // closed when the process has exited
	stopped sync.Once
}

// rollcallServe is `rollcall serve` on data, not in dev mode (which
// PocketBase turns on for a binary in a temp dir, taking it for `go run`,
// and which logs every SQL statement): loopback exempt from the rate
// limiter (the load comes from there), no scheduled scrape during a
// measurement, the day in UTC as the generated dataset's.
func rollcallServe(data string) func(addr string) []string {
	return func(addr string) []string {
		return []string{"serve", "--http=" + addr, "--dir=" + data, "--dev=false",
			"--rate-limit-exempt=127.0.0.1", "--scrape-cron=off", "--tz=UTC"}
	}
}

// pocketbaseServe is bare PocketBase's serve on data.
func pocketbaseServe(data string) func(addr string) []string {
	return func(addr string) []string { return []string{"serve", "--http=" + addr, "--dir=" + data, "--dev=false"} }
}

// freeAddr is a loopback address with a port free a moment ago.
func freeAddr(b *testing.B) string {
	b.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// launch starts binary with args(addr) for a free loopback addr and
// returns without waiting for it to answer; the process is stopped at the
// end of b, if not before.
func launch(b *testing.B, binary string, args func(addr string) []string, env ...string) *server {
	b.Helper()
	addr := freeAddr(b)
	cmd := child(exec.Command(binary, args(addr)...))
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
	s := &server{cmd: cmd, base: "http://" + addr, exited: make(chan struct{})}
	s.started = time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	s.pid = cmd.Process.Pid
	go func() { _ = cmd.Wait(); close(s.exited) }()
	b.Cleanup(s.stop)
	return s
}

// startServer launches binary and waits until it answers.
func startServer(b *testing.B, binary string, args func(addr string) []string, env ...string) *server {
	b.Helper()
	s := launch(b, binary, args, env...)
	s.waitFor(b, "/api/health", time.Minute)
	return s
}

// waitFor polls path until it answers 200 and returns the time since the
// process started. Polls are 2 ms apart: the cold start is timed with it.
func (s *server) waitFor(b *testing.B, path string, timeout time.Duration) time.Duration {
	b.Helper()
	client := &http.Client{Timeout: time.Second}
	for deadline := time.Now().Add(timeout); time.Now().Before(deadline); time.Sleep(2 * time.Millisecond) {
		select {
		case <-s.exited:
			b.Fatalf("%s exited before answering %s: %v", s.cmd.Args[0], path, s.cmd.ProcessState)
		default:
		}
		res, err := client.Get(s.base + path)
		if err != nil {
			continue
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode == http.StatusOK {
			return time.Since(s.started)
		}
	}
	b.Fatalf("%s did not answer %s with 200 within %s", s.cmd.Args[0], path, timeout)
	return 0
}

// stop asks the server to shut down (SIGTERM lets SQLite checkpoint its
// WAL) and kills it if it has not within 15 s.
func (s *server) stop() {
	s.stopped.Do(func() {
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.exited:
		case <-time.After(15 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.exited
		}
	})
}

// signIn returns a users-collection token for identity.
func (s *server) signIn(b *testing.B, identity, password string) string {
	b.Helper()
	body, _ := json.Marshal(map[string]string{"identity": identity, "password": password})
	res, err := http.Post(s.base+"/api/collections/users/auth-with-password", "application/json", bytes.NewReader(body))
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
