package e2e

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// listOrderJS is the ids of the cards on the questions page, in order.
const listOrderJS = `[...document.querySelectorAll("ol.ql-cards article")].map(a => a.dataset.id).join(",")`

// expectList waits for the questions page to show exactly ids, in order,
// at pathAndQuery, with the list loaded.
func expectList(tab *Tab, pathAndQuery string, ids []string, step string) {
	tab.t.Helper()
	tab.WaitTrue(fmt.Sprintf(`location.pathname + location.search === %q && document.querySelector("section.ql")?.dataset.state === "ready" && %s === %q`,
		pathAndQuery, listOrderJS, strings.Join(ids, ",")), step)
}

// expectPagers waits for both pagers to say "Page n of m".
func expectPagers(tab *Tab, n, m int, step string) {
	tab.t.Helper()
	tab.WaitTrue(fmt.Sprintf(`(() => { const p = [...document.querySelectorAll("nav.ql-pager")];
		return p.length === 2 && p.every(nav => !nav.hidden && nav.querySelector(".ql-page")?.textContent === "Page %d of %d") })()`, n, m), step)
}

// currentTab is the label of the tab marked current.
const currentTabJS = `document.querySelector('.ql-tabs a[aria-current="page"]')?.textContent`

// answerAs answers question with value stars and returns the answer's id.
func (s *Server) answerAs(t *testing.T, token, question string, value int) string {
	t.Helper()
	status, out := s.API(t, "POST", "/api/collections/answers/records", token, map[string]any{"question": question, "value": value})
	if status != 200 {
		t.Fatalf("answer %s: %d %v", question, status, out)
	}
	return out["id"].(string)
}

func (s *Server) voteAs(t *testing.T, token, question, kind string) {
	t.Helper()
	if status, out := s.API(t, "POST", "/api/collections/votes/records", token, map[string]any{"question": question, "kind": kind}); status != 200 {
		t.Fatalf("vote %s: %d %v", question, status, out)
	}
}

// Every question, 20 a page, in each tab's order; the pagers at the top
// and bottom move through the pages; the state lives in the URL.
func TestQuestionsListTabsAndPaging(t *testing.T) {
	s := StartServer(t)
	_, alice := s.User(t, "alice")
	_, bob := s.User(t, "bob")
	_, carol := s.User(t, "carol")
	ids := make([]string, 23) // asked in this order: ids[22] is the newest
	for i := range ids {
		ids[i] = s.Ask(t, alice, fmt.Sprintf("Question number %02d", i), fmt.Sprintf("Description of question %02d.", i))
	}
	// ids[5]: two answers (30 pts); ids[7]: one answer and a like (25 pts);
	// the rest 10 pts (asked today).
	s.answerAs(t, bob, ids[5], 4)
	s.answerAs(t, carol, ids[5], 2)
	s.answerAs(t, bob, ids[7], 5)
	s.voteAs(t, bob, ids[7], "like")

	newest := slices.Clone(ids)
	slices.Reverse(newest)
	without := func(list []string, drop ...string) []string {
		return slices.DeleteFunc(slices.Clone(list), func(id string) bool { return slices.Contains(drop, id) })
	}
	top := append([]string{ids[5], ids[7]}, without(newest, ids[5], ids[7])...)
	unanswered := without(newest, ids[5], ids[7])

	tab := NewBrowser(t).Tab()
	tab.Open(s, "/")
	tab.Click(`a[data-nav="questions"]`)
	expectList(tab, "/questions", top[:20], "Top, page 1")
	expectPagers(tab, 1, 2, "Top, page 1 of 2")
	if got := Eval[string](tab, currentTabJS); got != "Top" {
		t.Fatalf("current tab %q, want Top", got)
	}
	if got := Eval[string](tab, `document.querySelector('a[data-nav="questions"]').getAttribute("aria-current") || ""`); got != "page" {
		t.Fatalf("the header's Questions link is not current: %q", got)
	}
	if got := Eval[string](tab, `document.title`); got != "All questions · Rollcall" {
		t.Fatalf("title %q", got)
	}
	if n := Eval[int](tab, `document.querySelectorAll('nav.ql-pager a[rel="prev"]').length`); n != 0 {
		t.Fatalf("page 1 offers Previous (%d links)", n)
	}
	// Cards are the home page's: ranking, stars, votes.
	tab.WaitTrue(fmt.Sprintf(`document.querySelector('ol.ql-cards article[data-id=%q] .rank')?.textContent === "Ranking: 30 pts"`, ids[5]), "the card's ranking")

	// The top pager's Next, then the bottom pager's Previous.
	tab.Click(`#ql-pager-top a[rel="next"]`)
	expectList(tab, "/questions?page=2", top[20:], "Top, page 2")
	expectPagers(tab, 2, 2, "Top, page 2 of 2")
	tab.WaitTrue(`document.activeElement?.id === "ql-h"`, "focus on the list's heading after a page change")
	if n := Eval[int](tab, `document.querySelectorAll('nav.ql-pager a[rel="next"]').length`); n != 0 {
		t.Fatalf("the last page offers Next (%d links)", n)
	}
	tab.Click(`#ql-pager-bottom a[rel="prev"]`)
	expectList(tab, "/questions", top[:20], "back to Top, page 1")

	// Newest: both pages, through the bottom pager.
	tab.Click(`.ql-tabs a[data-go="tab:newest"]`)
	expectList(tab, "/questions?sort=newest", newest[:20], "Newest, page 1")
	tab.WaitTrue(`document.activeElement?.dataset.go === "tab:newest" && document.activeElement.getAttribute("aria-current") === "page"`, "focus stays on the chosen tab")
	if got := Eval[string](tab, `document.title`); got != "Newest questions · Rollcall" {
		t.Fatalf("title %q", got)
	}
	tab.Click(`#ql-pager-bottom a[rel="next"]`)
	expectList(tab, "/questions?sort=newest&page=2", newest[20:], "Newest, page 2")
	if got := Eval[string](tab, `document.title`); got != "Newest questions (page 2) · Rollcall" {
		t.Fatalf("title %q", got)
	}

	// A tab starts at its first page.
	tab.Click(`.ql-tabs a[data-go="tab:unanswered"]`)
	expectList(tab, "/questions?sort=unanswered", unanswered[:20], "Unanswered, page 1")
	expectPagers(tab, 1, 2, "Unanswered, page 1 of 2")
	tab.Click(`#ql-pager-top a[rel="next"]`)
	expectList(tab, "/questions?sort=unanswered&page=2", unanswered[20:], "Unanswered, page 2")

	tab.Click(`.ql-tabs a[data-go="tab:answered"]`)
	expectList(tab, "/questions?sort=answered", []string{ids[5], ids[7]}, "Most answered")
	if n := Eval[int](tab, `[...document.querySelectorAll("nav.ql-pager")].filter(n => !n.hidden).length`); n != 0 {
		t.Fatalf("a single page shows %d pagers", n)
	}

	// Back and forward restore the page from the URL; a reload too.
	tab.Do(chromedp.NavigateBack())
	expectList(tab, "/questions?sort=unanswered&page=2", unanswered[20:], "back: Unanswered, page 2")
	if got := Eval[string](tab, currentTabJS); got != "Unanswered" {
		t.Fatalf("after going back the current tab is %q", got)
	}
	tab.Open(s, "/questions?sort=newest&page=2")
	expectList(tab, "/questions?sort=newest&page=2", newest[20:], "a shared link to Newest, page 2")

	// A page past the end says so and links the first.
	tab.Open(s, "/questions?page=9")
	tab.WaitTrue(`document.querySelector(".ql-empty")?.textContent.includes("There is no page 9")`, "a page past the end")

	tab.Open(s, "/questions")
	expectList(tab, "/questions", top[:20], "Top for the screenshots")
	t.Logf("screenshot: %s", tab.Screenshot("questions-desktop", 1280, 900, false))
	t.Logf("screenshot: %s", tab.Screenshot("questions-phone", 390, 844, true))
}

// Each tab says so when it has nothing to show.
func TestQuestionsListEmptyStates(t *testing.T) {
	s := StartServer(t)
	_, alice := s.User(t, "alice")
	_, bob := s.User(t, "bob")
	tab := NewBrowser(t).Tab()

	tab.Open(s, "/questions")
	tab.WaitTrue(`document.querySelector('.ql-empty[data-empty="top"]')?.textContent.includes("No questions yet.")`, "no questions at all")
	tab.Open(s, "/questions?sort=answered")
	tab.WaitTrue(`document.querySelector('.ql-empty[data-empty="answered"]')?.textContent.includes("No answered questions yet")`, "nothing answered")

	id := s.Ask(t, alice, "Is the pool heated in winter?")
	s.answerAs(t, bob, id, 3)
	tab.Open(s, "/questions?sort=unanswered")
	tab.WaitTrue(`document.querySelector('.ql-empty[data-empty="unanswered"]')?.textContent.includes("No unanswered questions — nice work.")`, "nothing unanswered")
	// A new question arrives live, without a reload.
	tab.WaitTrue(`document.querySelector("section.ql")?.dataset.live === "on"`, "the realtime subscription")
	Eval[bool](tab, `window.__sameDocument = true`)
	fresh := s.Ask(t, alice, "Who mows the park on Fridays?")
	expectList(tab, "/questions?sort=unanswered", []string{fresh}, "a new question, live")
	if !Eval[bool](tab, `window.__sameDocument === true`) {
		t.Fatal("the page reloaded")
	}

	tab.Click(`.ql-tabs a[data-go="tab:answered"]`)
	expectList(tab, "/questions?sort=answered", []string{id}, "the answered one")
}

// The header's search box: accent-insensitive results on /questions with
// the terms kept in the box; a term too short is refused beside the box.
func TestQuestionsSearch(t *testing.T) {
	s := StartServer(t)
	_, alice := s.User(t, "alice")
	_, bob := s.User(t, "bob")
	cafe := s.Ask(t, alice, "Should the Café on Smith Street open on Sundays?", "The café closes at noon on Saturdays.")
	s.Ask(t, alice, "Is the bus timetable working?", "The 7:15 to Pinetown never comes.")
	s.Ask(t, bob, "Where can I recycle batteries?")
	s.answerAs(t, bob, cafe, 5)

	tab := NewBrowser(t).Tab()
	tab.ExpectRefusals() // the too-short term's 400
	tab.Open(s, "/")
	tab.Do(chromedp.SendKeys(chromedp.CSS("#search-q"), "cafe"+kb.Enter))
	tab.WaitTrue(`location.pathname === "/questions" && location.search === "?q=cafe" && document.querySelector("section.ql")?.dataset.state === "ready"`, "the search's results")
	if got := Eval[string](tab, listOrderJS); got != cafe {
		t.Fatalf("results %q, want only the café question %s", got, cafe)
	}
	if got := Eval[string](tab, `document.getElementById("ql-summary").textContent`); got != "1 result for “cafe”" {
		t.Fatalf("summary %q", got)
	}
	if got := Eval[string](tab, `document.getElementById("search-q").value`); got != "cafe" {
		t.Fatalf("the box holds %q after the search", got)
	}
	if got := Eval[string](tab, currentTabJS); got != "Relevance" {
		t.Fatalf("a search's current tab is %q", got)
	}
	if got := Eval[string](tab, `document.title`); got != "Search: cafe · Rollcall" {
		t.Fatalf("title %q", got)
	}
	// The other tabs keep the terms.
	tab.Click(`.ql-tabs a[data-go="tab:unanswered"]`)
	tab.WaitTrue(`location.search === "?q=cafe&sort=unanswered" && document.querySelector("section.ql")?.dataset.state === "ready" && document.getElementById("ql-summary").textContent === "0 results for “cafe”"`, "an answered match is not unanswered")
	tab.WaitTrue(`document.querySelector(".ql-empty")?.textContent.includes("No questions match “cafe”")`, "the no-match state")

	// A word of the description, and a prefix of the last word.
	Eval[string](tab, `document.getElementById("search-q").value = ""`)
	tab.Do(chromedp.SendKeys(chromedp.CSS("#search-q"), "pinet"+kb.Enter))
	tab.WaitTrue(`location.search === "?q=pinet" && document.querySelector("section.ql")?.dataset.state === "ready" && document.getElementById("ql-summary").textContent === "1 result for “pinet”"`, "a prefix search")
	t.Logf("screenshot: %s", tab.Screenshot("questions-search-desktop", 1280, 900, false))
	t.Logf("screenshot: %s", tab.Screenshot("questions-search-phone", 390, 844, true))
	tab.Do(chromedp.EmulateViewport(1280, 900))

	// Too short: the server's words beside the box, the box marked invalid.
	status, out := s.API(t, "GET", "/api/questions?q=a", "", nil)
	data, _ := out["data"].(map[string]any)
	q, _ := data["q"].(map[string]any)
	want, _ := q["message"].(string)
	if status != 400 || want == "" {
		t.Fatalf("the API's answer to a one-letter search: %d %v", status, out)
	}
	Eval[string](tab, `document.getElementById("search-q").value = ""`)
	tab.Do(chromedp.SendKeys(chromedp.CSS("#search-q"), "a"+kb.Enter))
	tab.WaitTrue(fmt.Sprintf(`location.search === "?q=a" && document.getElementById("search-msg").textContent === %q && document.getElementById("search-q").getAttribute("aria-invalid") === "true"`, want), "the refusal beside the box")
	tab.WaitTrue(`document.activeElement?.id === "search-q"`, "focus back in the box")
	tab.Audit("a refused search")
	t.Logf("screenshot: %s", tab.Screenshot("questions-search-refused-phone", 390, 844, true))
	tab.Do(chromedp.EmulateViewport(1280, 900))
	// Typing again takes the complaint away; leaving the page empties the box.
	tab.Do(chromedp.SendKeys(chromedp.CSS("#search-q"), "s"))
	tab.WaitTrue(`document.getElementById("search-msg").textContent === "" && !document.getElementById("search-q").hasAttribute("aria-invalid")`, "the refusal cleared")
	tab.Click(`a[data-nav="home"]`)
	tab.WaitTrue(`location.pathname === "/" && document.getElementById("search-q").value === ""`, "the box emptied off the search page")

	// Without JavaScript's help the form is a plain GET of /questions.
	if got := Eval[string](tab, `(() => { const f = document.getElementById("search"); return f.getAttribute("role") + " " + f.method + " " + new URL(f.action).pathname + " " + f.querySelector("label").textContent })()`); got != "search get /questions Search questions" {
		t.Fatalf("the search form: %q", got)
	}
	tab.Open(s, "/questions?"+url.Values{"q": {"Café"}}.Encode())
	tab.WaitTrue(fmt.Sprintf(`%s === %q && document.getElementById("search-q").value === "Café"`, listOrderJS, cafe), "a search link")
}

// A profile: name, @username, when they joined, their questions and
// answers (linking to the question), never their email; an unknown
// username is the app's not-found page.
func TestProfilePage(t *testing.T) {
	s := StartServer(t)
	aliceID, alice := s.User(t, "alice")
	_, bob := s.User(t, "bob")
	if status, out := s.API(t, "PATCH", "/api/collections/users/records/"+aliceID, alice, map[string]any{"name": "Alice Mokoena"}); status != 200 {
		t.Fatalf("name alice: %d %v", status, out)
	}
	q1 := s.Ask(t, alice, "Should the library open on Sundays?")
	q2 := s.Ask(t, alice, "Is the bus timetable working?")
	q3 := s.Ask(t, bob, "Where can I recycle batteries?")
	a1 := s.answerAs(t, bob, q1, 4)
	if status, out := s.API(t, "PATCH", "/api/collections/answers/records/"+a1, bob, map[string]any{"comment": "Yes, students need it at weekends."}); status != 200 {
		t.Fatalf("comment: %d %v", status, out)
	}
	s.answerAs(t, alice, q3, 2)

	tab := NewBrowser(t).Tab()
	tab.ExpectRefusals() // the unknown profile's 404
	tab.Open(s, "/u/alice")
	tab.WaitTrue(`document.querySelector(".profile h1")?.textContent === "Alice Mokoena"`, "alice's profile")
	text := Eval[string](tab, `document.querySelector("main").innerText`)
	for _, want := range []string{"@alice", "Joined", "Should the library open on Sundays?", "Is the bus timetable working?", "Where can I recycle batteries?"} {
		if !strings.Contains(text, want) {
			t.Errorf("alice's profile lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "@example.com") || strings.Contains(Eval[string](tab, `document.documentElement.outerHTML`), "alice@example.com") {
		t.Fatalf("the profile shows an email address:\n%s", text)
	}
	if got := Eval[string](tab, `document.title`); got != "Alice Mokoena (@alice) · Rollcall" {
		t.Fatalf("title %q", got)
	}
	for _, id := range []string{q1, q2} {
		if n := Eval[int](tab, fmt.Sprintf(`document.querySelectorAll('section[aria-labelledby="p-questions"] a[href="/questions/%s"]').length`, id)); n != 1 {
			t.Errorf("alice's questions link %s %d times", id, n)
		}
	}
	t.Logf("screenshot: %s", tab.Screenshot("profile-desktop", 1280, 900, false))
	t.Logf("screenshot: %s", tab.Screenshot("profile-phone", 390, 844, true))
	tab.Do(chromedp.EmulateViewport(1280, 900))

	// bob's answer links to its question, comment and stars shown.
	tab.Open(s, "/u/bob")
	tab.WaitTrue(`document.querySelector(".profile h1")?.textContent === "bob"`, "bob's profile (no display name)")
	tab.WaitTrue(`[...document.querySelectorAll('section[aria-labelledby="p-answers"] li')].some(li => li.textContent.includes("Yes, students need it at weekends.") && li.querySelector('[aria-label="4 of 5 stars (high)"]'))`, "bob's answer")
	tab.Click(fmt.Sprintf(`section[aria-labelledby="p-answers"] a[href="/questions/%s"]`, q1))
	tab.WaitTrue(fmt.Sprintf(`location.pathname === "/questions/%s"`, q1), "the answered question's page")

	// Signed in, the header holds the nav, the search box and the account.
	tab.SignIn(s, "bob")
	tab.Open(s, "/u/alice")
	tab.WaitTrue(`document.querySelector(".profile h1")?.textContent === "Alice Mokoena"`, "alice's profile, signed in")
	t.Logf("screenshot: %s", tab.Screenshot("profile-signed-in-desktop", 1280, 900, false))

	// Unknown: the app's not-found page.
	tab.Open(s, "/u/nobody_here")
	tab.WaitTrue(`document.querySelector("main h1")?.textContent === "Page not found" && document.title === "Page not found · Rollcall"`, "an unknown profile")
}
