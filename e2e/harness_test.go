// Package e2e drives the real binary in headless Chromium (Debian's
// chromium, through chromedp). The binary is built once per test run; each
// test starts it on a free loopback port with its own data dir. Later
// features add their browser tests to this package and reuse the harness.
package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/rollcall/rollcall/internal/mailsink"
	"github.com/rollcall/rollcall/internal/processtest"
)

// Deadlines: generous for a loaded CI machine, never fixed sleeps.
const (
	startDeadline = 20 * time.Second
	waitDeadline  = 15 * time.Second
)

var (
	binary   string // the rollcall binary built for this run
	chromium string // the browser

	// full sizes the crash proofs for `make bench`; `make test` runs them small.
	full = flag.Bool("full", false, "run the crash proofs at full size (make bench)")
)

func TestMain(m *testing.M) {
	if os.Getenv("ROLLCALL_E2E") == "off" {
		fmt.Println("e2e: skipped (ROLLCALL_E2E=off)")
		os.Exit(0)
	}
	var err error
	chromium, err = findChromium()
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		os.Exit(1)
	}
	dir, err := os.MkdirTemp("", "rollcall_e2e_bin_*")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "rollcall")
	if err := processtest.Build(binary, ".."); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: build the binary:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func findChromium() (string, error) {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("no chromium on PATH: install Debian's chromium (.ci/run does), set CHROMIUM, or set ROLLCALL_E2E=off to skip browser tests")
}

// Server is one running binary and its data dir.
type Server struct {
	*processtest.Server
	Dir string

	superuser string // the token Superuser made, kept for the next call
}

// StartServer runs the binary on a free loopback port with a fresh data
// dir and waits until it is healthy.
func StartServer(t *testing.T, extraArgs ...string) *Server {
	t.Helper()
	return serve(t, t.TempDir(), extraArgs...)
}

// serve runs the binary on dir and waits until it is healthy; the test's
// end kills it. Loopback is exempted from the rate limiter through the
// documented switch, since every browser test comes from 127.0.0.1.
func serve(t *testing.T, dir string, extraArgs ...string) *Server {
	t.Helper()
	args := processtest.ServeArgs(dir, append([]string{"--rate-limit-exempt=127.0.0.1"}, extraArgs...)...)
	return &Server{Server: processtest.Start(t, binary, processtest.Options{Args: args, StartTimeout: startDeadline}), Dir: dir}
}

// API sends a JSON request to the server and decodes the answer.
func (s *Server) API(t *testing.T, method, path, token string, body any) (int, map[string]any) {
	t.Helper()
	var reader *strings.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		reader = strings.NewReader(string(raw))
	} else {
		reader = strings.NewReader("")
	}
	req, _ := http.NewRequest(method, s.URL+path, reader)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, out
}

// User signs up through the API and returns the user's id and token.
func (s *Server) User(t *testing.T, username string) (string, string) {
	t.Helper()
	status, out := s.API(t, "POST", "/api/collections/users/records", "", map[string]any{
		"username": username, "email": username + "@example.com", "password": "password123", "passwordConfirm": "password123",
	})
	if status != 200 {
		t.Fatalf("sign up %s: %d %v", username, status, out)
	}
	status, auth := s.API(t, "POST", "/api/collections/users/auth-with-password", "", map[string]any{"identity": username, "password": "password123"})
	if status != 200 {
		t.Fatalf("sign in %s: %d %v", username, status, auth)
	}
	return out["id"].(string), auth["token"].(string)
}

// Ask creates a question (title, optional description) through the API and
// returns its id.
func (s *Server) Ask(t *testing.T, token, title string, description ...string) string {
	t.Helper()
	body := map[string]any{"title": title}
	if len(description) > 0 {
		body["description"] = description[0]
	}
	status, out := s.API(t, "POST", "/api/collections/questions/records", token, body)
	if status != 200 {
		t.Fatalf("ask %q: %d %v", title, status, out)
	}
	return out["id"].(string)
}

// Browser is one headless Chromium; Tab gives isolated tabs (separate
// cookies and storage, so separate users).
type Browser struct {
	t   *testing.T
	ctx context.Context
}

func NewBrowser(t *testing.T) *Browser {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	browser, cancelBrowser := chromedp.NewContext(alloc)
	if err := chromedp.Do(browser); err != nil { // start the browser
		cancelBrowser()
		cancelAlloc()
		t.Fatalf("start chromium: %v", err)
	}
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
	})
	return &Browser{t: t, ctx: browser}
}

// Tab is a page in its own browser context, with its console watched: any
// error or uncaught exception fails the test.
type Tab struct {
	t   *testing.T
	Ctx context.Context
	mu  sync.Mutex
	bad []string
	// refusalsExpected lets a test provoke 4xx answers on purpose; the
	// browser logs each as a failed resource load.
	refusalsExpected bool
}

// ExpectRefusals stops failed resource loads (the browser's log of a 4xx
// answer) from failing the test; script errors still do.
func (tb *Tab) ExpectRefusals() {
	tb.mu.Lock()
	tb.refusalsExpected = true
	tb.mu.Unlock()
}

func (b *Browser) Tab() *Tab {
	b.t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	b.t.Cleanup(cancel)
	tab := &Tab{t: b.t, Ctx: ctx}
	if err := chromedp.Do(ctx); err != nil {
		b.t.Fatalf("open tab: %v", err)
	}
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.IsException() || m.Type == "error" || m.Type == "assert" {
				tab.mu.Lock()
				if !(tab.refusalsExpected && m.Source == "network") {
					tab.bad = append(tab.bad, m.String())
				}
				tab.mu.Unlock()
			}
		}
	}()
	b.t.Cleanup(func() {
		tab.mu.Lock()
		defer tab.mu.Unlock()
		for _, m := range tab.bad {
			b.t.Errorf("browser console: %s", m)
		}
	})
	return tab
}

// Do runs actions, failing the test on error.
func (tb *Tab) Do(actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.Ctx, 2*waitDeadline)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		tb.t.Fatalf("browser: %v", err)
	}
}

// Click clicks the element css selects, again if a live update replaced
// it between chromedp finding it and clicking it ("Could not find node with
// given id"): the click was never dispatched then, so a retry cannot click
// twice.
func (tb *Tab) Click(css string) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.Ctx, 2*waitDeadline)
	defer cancel()
	for {
		err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(css)))
		if err == nil {
			return
		}
		if ctx.Err() != nil || !strings.Contains(err.Error(), "node with given id") {
			tb.t.Fatalf("browser: click %s: %v", css, err)
		}
	}
}

// Eval evaluates a JavaScript expression in the page.
func Eval[T any](tb *Tab, expr string) T {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.Ctx, waitDeadline)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.t.Fatalf("eval %q: %v", expr, err)
	}
	return v
}

// WaitTrue polls a JavaScript condition until it holds, or fails after the
// deadline with what describe() says about the page then.
func (tb *Tab) WaitTrue(cond string, what string) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.Ctx, waitDeadline)
	defer cancel()
	var err error
	for {
		_, err = chromedp.Run(ctx, chromedp.Poll[bool](cond, chromedp.WithPollingInterval(50*time.Millisecond)))
		// A navigation destroys the page's JavaScript context mid-poll: poll again.
		if err == nil || ctx.Err() != nil || !strings.Contains(err.Error(), "context") {
			break
		}
	}
	if err != nil {
		page, _ := chromedp.Run(tb.Ctx, chromedp.Evaluate[string](`document.querySelector("main")?.innerText.slice(0, 1500) || ""`))
		notice, _ := chromedp.Run(tb.Ctx, chromedp.Evaluate[string](`document.getElementById("notice")?.innerText || ""`))
		tb.t.Fatalf("waited %s for %s (%s): %v\nnotice: %s\npage:\n%s", waitDeadline, what, cond, err, notice, page)
	}
}

// Open navigates to path and waits for the app to render.
func (tb *Tab) Open(s *Server, path string) {
	tb.t.Helper()
	tb.Do(chromedp.Navigate(s.URL + path))
	tb.WaitTrue(`!document.querySelector("main .loading")`, "the app to render "+path)
	tb.Audit(path)
}

// SignIn signs a user in through the sign-in page and waits to land on next.
func (tb *Tab) SignIn(s *Server, username string) {
	tb.t.Helper()
	tb.Open(s, "/signin")
	tb.Do(
		chromedp.SendKeys(chromedp.CSS("#in-identity"), username),
		chromedp.SendKeys(chromedp.CSS("#in-password"), "password123"),
		chromedp.Click(chromedp.CSS(`main form button[type="submit"]`)),
	)
	tb.WaitTrue(`location.pathname === "/" && !!document.querySelector(".account .who")`, "sign-in to finish")
}

// Screenshot saves a PNG of the page under e2e/screenshots (git-ignored).
func (tb *Tab) Screenshot(name string, width, height int64, mobile bool) string {
	tb.t.Helper()
	emulate := chromedp.EmulateViewport(width, height)
	if mobile {
		emulate = chromedp.EmulateViewport(width, height, chromedp.EmulateMobile, chromedp.EmulateScale(2))
	}
	tb.Do(emulate)
	ctx, cancel := context.WithTimeout(tb.Ctx, waitDeadline)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // quality 100 gives PNG
	if err != nil {
		tb.t.Fatalf("screenshot: %v", err)
	}
	if err := os.MkdirAll("screenshots", 0o755); err != nil {
		tb.t.Fatal(err)
	}
	path := filepath.Join("screenshots", name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
	return path
}

// Superuser makes a superuser on the server's data dir with the binary's
// own command and returns its token.
func (s *Server) Superuser(t *testing.T) string {
	t.Helper()
	if s.superuser != "" {
		return s.superuser
	}
	out, err := exec.Command(binary, "superuser", "upsert", "admin@example.com", "password123", "--dir="+s.Dir).CombinedOutput()
	if err != nil {
		t.Fatalf("superuser upsert: %v\n%s", err, out)
	}
	status, auth := s.API(t, "POST", "/api/collections/_superusers/auth-with-password", "", map[string]any{"identity": "admin@example.com", "password": "password123"})
	if status != 200 {
		t.Fatalf("superuser sign in: %d %v", status, auth)
	}
	s.superuser = auth["token"].(string)
	return s.superuser
}

// Mail starts a loopback SMTP sink for the test and points the server at
// it through the superuser API (SMTP on, no TLS or login), with the
// server's own URL as the application URL every mailed link begins with.
func (s *Server) Mail(t *testing.T) *mailsink.Sink {
	t.Helper()
	sink, err := mailsink.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sink.Close() })
	status, out := s.API(t, "PATCH", "/api/settings", s.Superuser(t), map[string]any{
		"smtp": map[string]any{"enabled": true, "host": sink.Host(), "port": sink.Port(), "tls": false},
		"meta": map[string]any{"appURL": s.URL},
	})
	if status != 200 {
		t.Fatalf("configure SMTP: %d %v", status, out)
	}
	return sink
}

// MailLink waits for the nth (from 1) mail to address holding a link to
// this server under prefix (e.g. "/reset/") and returns the link's path.
func (s *Server) MailLink(t *testing.T, sink *mailsink.Sink, address, prefix string, nth int) string {
	t.Helper()
	link := regexp.MustCompile(regexp.QuoteMeta(s.URL+prefix) + `[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+`)
	find := func() string {
		seen := 0
		for _, m := range sink.Messages() {
			if l := link.FindString(m.Body); l != "" && mailsink.To(address)(m) {
				if seen++; seen == nth {
					return l
				}
			}
		}
		return ""
	}
	found := find()
	for deadline := time.Now().Add(waitDeadline); found == "" && time.Now().Before(deadline); found = find() {
		time.Sleep(50 * time.Millisecond)
	}
	if found == "" {
		var got []string
		for _, m := range sink.Messages() {
			got = append(got, fmt.Sprintf("to %v: %q", m.To, m.Subject))
		}
		t.Fatalf("no mail #%d to %s with a %s link within %s; mails: %v", nth, address, prefix, waitDeadline, got)
	}
	return strings.TrimPrefix(found, s.URL)
}
