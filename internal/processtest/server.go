package processtest

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
)

// killTimeout bounds how long a process may outlive SIGKILL.
const killTimeout = 15 * time.Second

// Options says how Launch and Start run a server binary.
type Options struct {
	// Args is the command line after the binary for the address the server
	// is to listen on; ServeArgs makes one.
	Args func(addr string) []string
	// Env is added to the test process's environment.
	Env []string
	// Stdout and Stderr receive the process's output. A nil one is kept in
	// memory instead, for Output and for the log of a failed test.
	Stdout, Stderr io.Writer
	// StartTimeout bounds Start's wait for /api/health (default 20 s, for a
	// loaded CI machine).
	StartTimeout time.Duration
	// Poll is the interval between WaitFor's requests (default 50 ms); a
	// short one times a cold start closely.
	Poll time.Duration
	// Grace is how long Stop lets the process shut down after SIGTERM
	// before SIGKILL; 0 sends SIGKILL at once.
	Grace time.Duration
}

func (o Options) withDefaults() Options {
	if o.StartTimeout == 0 {
		o.StartTimeout = 20 * time.Second
	}
	if o.Poll == 0 {
		o.Poll = 50 * time.Millisecond
	}
	return o
}

// Server is one running binary on a loopback address, stopped at the end
// of the test or benchmark that launched it if not before.
type Server struct {
	URL string // http://127.0.0.1:port
	PID int

	cmd      *exec.Cmd
	opts     Options
	out      output // what went to a nil Stdout or Stderr
	captured bool   // whether anything went to out
	started  time.Time
	exited   chan struct{} // closed once the process is gone
	stopped  sync.Once
}

// Launch starts binary on a free loopback address and returns without
// waiting for it to answer.
func Launch(tb testing.TB, binary string, o Options) *Server {
	tb.Helper()
	addr, err := FreeAddr()
	if err != nil {
		tb.Fatal(err)
	}
	s := &Server{URL: "http://" + addr, opts: o.withDefaults(), exited: make(chan struct{})}
	s.cmd = Child(exec.Command(binary, o.Args(addr)...))
	s.cmd.Env = append(os.Environ(), o.Env...)
	s.cmd.Stdout, s.cmd.Stderr = s.writer(o.Stdout), s.writer(o.Stderr)
	s.started = time.Now()
	if err := s.cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	s.PID = s.cmd.Process.Pid
	go func() { _ = s.cmd.Wait(); close(s.exited) }()
	tb.Cleanup(func() {
		s.Stop()
		if tb.Failed() && s.captured {
			tb.Logf("server output (%s):\n%s", addr, s.Output())
		}
	})
	return s
}

// Start launches binary and waits until its /api/health answers 200.
func Start(tb testing.TB, binary string, o Options) *Server {
	tb.Helper()
	s := Launch(tb, binary, o)
	s.WaitFor(tb, "/api/health", s.opts.StartTimeout)
	return s
}

// writer is w, or the kept output when w is nil.
func (s *Server) writer(w io.Writer) io.Writer {
	if w != nil {
		return w
	}
	s.captured = true
	return &s.out
}

// WaitFor polls path until it answers 200 and returns the time since the
// process started; it fails tb if the process exits or timeout passes
// first.
func (s *Server) WaitFor(tb testing.TB, path string, timeout time.Duration) time.Duration {
	tb.Helper()
	client := &http.Client{Timeout: time.Second}
	var err error
	for deadline := time.Now().Add(timeout); time.Now().Before(deadline); time.Sleep(s.opts.Poll) {
		select {
		case <-s.exited:
			tb.Fatalf("%s exited before answering %s: %v", s.name(), path, s.cmd.ProcessState)
		default:
		}
		if err = get(client, s.URL+path); err == nil {
			return time.Since(s.started)
		}
	}
	tb.Fatalf("%s did not answer %s with 200 within %s: %v", s.name(), path, timeout, err)
	return 0
}

// get is nil when url answers 200; it reads the body so the connection
// is reused.
func get(client *http.Client, url string) error {
	res, err := client.Get(url)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, res.Body)
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", res.StatusCode)
	}
	return nil
}

// Stop ends the process and waits until it is gone: SIGTERM first when
// Options.Grace is set (a server then shuts down cleanly, SQLite
// checkpointing its WAL), SIGKILL at once or when the grace runs out.
// Only the first call acts.
func (s *Server) Stop() {
	s.stopped.Do(func() {
		if s.opts.Grace > 0 {
			_ = s.cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-s.exited:
				return
			case <-time.After(s.opts.Grace):
			}
		}
		_ = s.cmd.Process.Kill()
		<-s.exited
	})
}

// Kill sends SIGKILL, as a crash would, and waits until the process is
// gone. It fails tb if the process had ended otherwise before the kill, or
// outlives it by 15 s.
func (s *Server) Kill(tb testing.TB) {
	tb.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		tb.Fatalf("SIGKILL %s: %v", s.name(), err)
	}
	select {
	case <-s.exited:
	case <-time.After(killTimeout):
		tb.Fatalf("%s outlived SIGKILL by %s", s.name(), killTimeout)
	}
	if ws, ok := s.cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || ws.Signal() != syscall.SIGKILL {
		tb.Fatalf("%s ended with %v before the kill", s.name(), s.cmd.ProcessState)
	}
}

// Output is what the process wrote so far to a nil Options.Stdout or
// Options.Stderr.
func (s *Server) Output() string { return s.out.String() }

// name says which server a failure is about: the binary and its URL.
func (s *Server) name() string { return filepath.Base(s.cmd.Path) + " on " + s.URL }

// output is a buffer exec's copying goroutines write while the test may
// read it.
type output struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.Write(p)
}

func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}
