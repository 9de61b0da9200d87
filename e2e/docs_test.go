package e2e

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/rollcall/rollcall/ui"
)

// cspWatch runs in every document the tab opens, before the page's own
// scripts: it records each Content Security Policy violation, so a refused
// script, style, image or request fails the test even when the browser's log
// says nothing (the tab's console watch catches what it does say).
const cspWatch = `window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) =>
  window.__csp.push(e.violatedDirective + " refused " + (e.blockedURI || "inline") + " at " + e.sourceFile + ":" + e.lineNumber));`

// opblock finds the rendered operation on path (Swagger UI shows the path
// with word-break characters; data-path holds it as written).
func opblock(path string) string {
	return `document.querySelector('.opblock-summary-path[data-path="` + path + `"]')?.closest(".opblock")`
}

// /docs renders the committed OpenAPI document with the vendored Swagger UI,
// under the site's strict CSP, with no console error and no CSP violation;
// "Try it out" on a read sends a same-origin request to this server. The
// test relies only on the document and on GET /api/questions/top, not on the
// valuation routes answering (nor even existing).
func TestDocsPage(t *testing.T) {
	s := StartServer(t)

	res, err := http.Get(s.URL + "/docs")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if got := res.Header.Get("Content-Security-Policy"); got != ui.ContentSecurityPolicy {
		t.Fatalf("/docs CSP: %q, want the site's %q", got, ui.ContentSecurityPolicy)
	}

	tab := NewBrowser(t).Tab()
	ctx, cancel := context.WithTimeout(tab.Ctx, waitDeadline)
	defer cancel()
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: cspWatch}); err != nil {
		t.Fatal(err)
	}
	tab.Do(chromedp.Navigate(s.URL + "/docs"))

	// The spec is fetched, parsed and rendered: operations of both tags.
	tab.WaitTrue(`[...document.querySelectorAll(".opblock-summary-description")].some((e) => e.textContent.trim() === "Search the valuation roll")`,
		`the operation summary "Search the valuation roll"`)
	tab.WaitTrue(`!!`+opblock("/api/questions/top"), `the path "/api/questions/top"`)
	if title := Eval[string](tab, `document.querySelector(".info .title")?.textContent || ""`); !strings.Contains(title, "Rollcall") {
		t.Errorf("info title: %q, want it to name Rollcall", title)
	}
	// Its own page, not the app's shell: a header link home, no app markup.
	if home := Eval[string](tab, `document.querySelector("header a")?.getAttribute("href") + " " + document.querySelector("header a")?.textContent`); home != "/ Rollcall" {
		t.Errorf("header link: %q, want \"/ Rollcall\"", home)
	}
	if Eval[bool](tab, `!!document.getElementById("notice") || !!document.querySelector("[data-nav]")`) {
		t.Error("/docs shows the app's shell")
	}

	// Open the top questions' operation: its example response is drawn by
	// the syntax highlighter (inline styles). Try it out: a same-origin GET.
	tab.Do(chromedp.Click(chromedp.CSS(`.opblock:has(.opblock-summary-path[data-path="/api/questions/top"]) .opblock-summary-control`)))
	tab.WaitTrue(opblock("/api/questions/top")+`?.querySelector(".responses-wrapper")?.textContent.includes("Is the new bus timetable working for you?")`,
		"the operation's example response")
	tab.Do(chromedp.Click(chromedp.CSS(`.opblock:has(.opblock-summary-path[data-path="/api/questions/top"]) .try-out__btn`)))
	tab.Do(chromedp.Click(chromedp.CSS(`.opblock:has(.opblock-summary-path[data-path="/api/questions/top"]) .execute`)))
	tab.WaitTrue(opblock("/api/questions/top")+`?.querySelector(".live-responses-table .response .response-col_status")?.textContent.trim() === "200"`,
		"Try it out's answer: 200")
	if body := Eval[string](tab, opblock("/api/questions/top")+`.querySelector(".live-responses-table .response .response-col_description").textContent`); !strings.Contains(body, `"items"`) {
		t.Errorf("Try it out's body: %q, want the top questions", body)
	}

	// Writes are documented but offer no "Try it out".
	tab.Do(chromedp.Click(chromedp.CSS(`.opblock-post .opblock-summary-control`)))
	tab.WaitTrue(`!!document.querySelector(".opblock-post .opblock-body")`, "a POST operation opened")
	if Eval[bool](tab, `!!document.querySelector(".opblock-post .try-out__btn")`) {
		t.Error(`a POST operation offers "Try it out"`)
	}

	if v := Eval[[]string](tab, `window.__csp`); len(v) > 0 {
		t.Errorf("CSP violations on /docs:\n%s", strings.Join(v, "\n"))
	}
}
