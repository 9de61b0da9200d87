package e2e

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/chromedp"
)

// A page whose data arrives after the user has moved on must not paint over
// the page they moved to (CI once caught the question page replacing
// "My questions" this way).
func TestSlowPageDoesNotPaintOverNewerOne(t *testing.T) {
	s := StartServer(t)
	_, token := s.User(t, "erin")
	id := s.Ask(t, token, "Held back on purpose")
	tab := NewBrowser(t).Tab()
	tab.Open(s, "/")

	// Hold the question page's fetch of its record until the user has left.
	ctx, cancel := context.WithTimeout(tab.Ctx, 2*waitDeadline)
	defer cancel()
	paused := chromedp.Events(ctx, fetch.RequestPaused)
	if _, err := chromedp.Call(ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{
		{URLPattern: "*/api/collections/questions/records/" + id + "*"},
	}}); err != nil {
		t.Fatal(err)
	}
	tab.Click(fmt.Sprintf(`article[data-id=%q] h2 a`, id))
	var held *fetch.EventRequestPaused
	for ev, err := range paused {
		if err != nil {
			t.Fatalf("waiting for the question's fetch: %v", err)
		}
		held = &ev
		break
	}

	tab.Do(chromedp.Click(chromedp.CSS(".account a")))
	tab.WaitTrue(`location.pathname === "/signin" && document.querySelector("main h1")?.textContent === "Sign in"`, "the sign-in page")
	if _, err := chromedp.Call(ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: held.RequestID}); err != nil {
		t.Fatal(err)
	}
	// The held response lands within milliseconds on loopback; give the
	// stale view ample time to (wrongly) mount before looking.
	if !Eval[bool](tab, `new Promise(r => setTimeout(() => r(true), 500))`) {
		t.Fatal("timer")
	}
	if h1 := Eval[string](tab, `document.querySelector("main h1")?.textContent || ""`); h1 != "Sign in" {
		t.Fatalf("the question page painted over the sign-in page: main shows %q", Eval[string](tab, `document.querySelector("main").innerText.slice(0, 300)`))
	}
}
