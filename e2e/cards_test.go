package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// The cards answer every click where it happened: in the card's own live
// region, never only in the page's top notice.

// card is the CSS selector of question id's card, plus rest.
func cardCSS(id, rest string) string {
	return fmt.Sprintf(`article[data-id=%q] %s`, id, rest)
}

// noteIs waits for the card's live region to say want (and be one).
func noteIs(tab *Tab, id, want, what string) {
	tab.t.Helper()
	tab.WaitTrue(fmt.Sprintf(`(() => { const n = document.querySelector(%s); return !!n && n.getAttribute("role") === "status" && n.textContent.includes(%s) })()`,
		jsq(cardCSS(id, ".item-note")), jsq(want)), what)
}

// noticeQuiet fails when the page's top notice shows anything.
func noticeQuiet(tab *Tab, what string) {
	tab.t.Helper()
	if text := Eval[string](tab, `(() => { const n = document.getElementById("notice"); return n.hidden ? "" : n.textContent })()`); text != "" {
		tab.t.Errorf("%s: the top notice says %q; card messages belong at the card", what, text)
	}
}

// askMany makes n questions by one author, oldest first; on the home page
// (equal rankings, newest first) the last one asked is at the top.
func askMany(t *testing.T, s *Server, token string, n int) []string {
	t.Helper()
	ids := make([]string, n)
	for i := range n {
		ids[i] = s.Ask(t, token, fmt.Sprintf("Question number %d about the neighbourhood", i+1))
		time.Sleep(5 * time.Millisecond) // distinct creation times
	}
	return ids
}

// position is the card's place in the list, from 1.
func position(tab *Tab, id string) int {
	tab.t.Helper()
	return Eval[int](tab, fmt.Sprintf(`[...document.querySelectorAll("ol.cards article")].findIndex(a => a.dataset.id === %q) + 1`, id))
}

// A guest's click on Like, Dislike, a star or Report far down the list is
// answered at that card, with a link that brings them back.
func TestCardGuestPrompt(t *testing.T) {
	s := StartServer(t)
	_, aliceToken := s.User(t, "alice")
	ids := askMany(t, s, aliceToken, 14)
	target := ids[1] // 13th on the page

	guest := NewBrowser(t).Tab()
	guest.Open(s, "/")
	guest.WaitTrue(fmt.Sprintf(`!!document.querySelector(%s)`, jsq(cardCSS(target, ".rank"))), "the cards")
	if p := position(guest, target); p != 13 {
		t.Fatalf("target card at position %d, want 13", p)
	}

	guest.Click(cardCSS(target, `button[data-action="like"]`))
	noteIs(guest, target, "Sign in to vote.", "the prompt at card 13")
	href := Eval[string](guest, fmt.Sprintf(`document.querySelector(%s).getAttribute("href")`, jsq(cardCSS(target, ".item-note a"))))
	if href != "/signin?next=%2F" {
		t.Errorf("sign-in link %q, want one that brings the guest back to /", href)
	}
	noticeQuiet(guest, "a guest's like")
	guest.Audit("home with a guest's prompt")
	shots(guest, "cards-guest-prompt")

	guest.Click(cardCSS(target, `label[for="stars-`+target+`-3"]`))
	noteIs(guest, target, "Sign in to rate this question.", "the prompt for a star")
	if Eval[bool](guest, fmt.Sprintf(`document.querySelector("#stars-%s-3").checked`, target)) {
		t.Error("a guest's star click left the star chosen")
	}
	guest.Click(cardCSS(target, `button[data-action="report"]`))
	noteIs(guest, target, "Sign in to report this question.", "the prompt for Report")
	noticeQuiet(guest, "a guest's star and report")

	guest.Click(cardCSS(target, ".item-note a"))
	guest.WaitTrue(`location.pathname === "/signin" && new URLSearchParams(location.search).get("next") === "/"`, "the sign-in page, returning home")
}

// Refusals are said beside the control: the server's 403 for an
// unverified address, and a rate limit's 429 in the page's words.
func TestCardErrorsBesideControl(t *testing.T) {
	s := StartServer(t, "--require-verified")
	_, aliceToken := s.User(t, "alice") // asking is a write too: verify alice as a superuser would
	aliceID := userID(t, s, "alice")
	if status, out := s.API(t, "PATCH", "/api/collections/users/records/"+aliceID, s.Superuser(t), map[string]any{"verified": true}); status != 200 {
		t.Fatalf("verify alice: %d %v", status, out)
	}
	aliceToken, _ = signInAPI(t, s, "alice", "password123")
	id := s.Ask(t, aliceToken, "Should the pool open earlier?")
	s.User(t, "hugo")

	tab := NewBrowser(t).Tab()
	tab.ExpectRefusals()
	tab.SignIn(s, "hugo")
	tab.Click(cardCSS(id, `button[data-action="like"]`))
	noteIs(tab, id, "Verify your email address", "the 403 at the card")
	tab.WaitTrue(fmt.Sprintf(`document.querySelector(%s).classList.contains("error")`, jsq(cardCSS(id, ".item-note"))), "marked as an error")
	tab.WaitTrue(fmt.Sprintf(`%s === "10"`, rankJS(id)), "the refused like undone")
	noticeQuiet(tab, "a refused like")

	refuse(t, tab, "*/api/collections/answers/records*", 429, "Too Many Requests.")
	tab.Click(fmt.Sprintf(`label[for="stars-%s-4"]`, id))
	noteIs(tab, id, "That's too many tries in a few minutes", "the 429 at the card, in plain words")
	noticeQuiet(tab, "a rate-limited rating")
	tab.Audit("home with an error at a card")

	// A refusal that names no field is said beside the form's button.
	tab.Open(s, "/ask")
	tab.Do(chromedp.SendKeys(chromedp.CSS("#q-title"), "Refused question"), chromedp.Click(chromedp.CSS(`main form button[type="submit"]`)))
	textIs(tab, "#q-form-err", "Verify your email address to ask")
}

// userID finds a user's id through the superuser API.
func userID(t *testing.T, s *Server, username string) string {
	t.Helper()
	status, out := s.API(t, "GET", "/api/collections/users/records?filter="+strings.ReplaceAll(fmt.Sprintf("username=%q", username), `"`, "%22"), s.Superuser(t), nil)
	items, _ := out["items"].([]any)
	if status != 200 || len(items) != 1 {
		t.Fatalf("find %s: %d %v", username, status, out)
	}
	return items[0].(map[string]any)["id"].(string)
}

// The card the user rates stays where it is, and so does the page; the
// new order is offered, and applied once pointer and focus have left.
func TestCardStaysPut(t *testing.T) {
	s := StartServer(t)
	_, aliceToken := s.User(t, "alice")
	s.User(t, "bob")
	_, carolToken := s.User(t, "carol")
	ids := askMany(t, s, aliceToken, 14)
	target := ids[3] // 11th on the page
	other := ids[2]  // 12th

	bob := NewBrowser(t).Tab()
	bob.SignIn(s, "bob")
	bob.WaitTrue(`document.body.dataset.live === "on"`, "realtime")
	if p := position(bob, target); p != 11 {
		t.Fatalf("target at position %d, want 11", p)
	}
	Eval[bool](bob, fmt.Sprintf(`(document.querySelector(%s).scrollIntoView({block: "center"}), true)`, jsq(cardCSS(target, ".stars"))))
	before := Eval[string](bob, fmt.Sprintf(`Math.round(document.querySelector(%s).getBoundingClientRect().top) + "/" + Math.round(scrollY)`, jsq(`article[data-id="`+target+`"]`)))

	star := fmt.Sprintf(`label[for="stars-%s-5"]`, target)
	bob.Click(star)
	expectRank(bob, target, 20, "rated 5 stars")
	bob.WaitTrue(fmt.Sprintf(`document.querySelector(%s).textContent === "Your answer: 5/5"`, jsq(cardCSS(target, ".stars .hint"))), "the rating saved")
	noteIs(bob, target, "Saved: your rating is 5 of 5.", "the confirmation at the card")
	after := Eval[string](bob, fmt.Sprintf(`Math.round(document.querySelector(%s).getBoundingClientRect().top) + "/" + Math.round(scrollY)`, jsq(`article[data-id="`+target+`"]`)))
	if p := position(bob, target); p != 11 || after != before {
		t.Fatalf("after bob's own rating the card is at position %d, top/scroll %s (was 11, %s)", p, after, before)
	}
	if !Eval[bool](bob, fmt.Sprintf(`document.activeElement === document.querySelector("#stars-%s-5")`, target)) {
		t.Errorf("focus left the star bob used: %s", Eval[string](bob, `document.activeElement.outerHTML.slice(0, 120)`))
	}
	bob.WaitTrue(`document.querySelector(".list-updated")?.textContent === "List updated — Show new order"`, "the offer to reorder")

	// Someone else's answer: counts change in place, the order holds.
	if status, out := s.API(t, "POST", "/api/collections/answers/records", carolToken, map[string]any{"question": other, "value": 3}); status != 200 {
		t.Fatalf("carol answers: %d %v", status, out)
	}
	expectRank(bob, other, 20, "carol's answer, live")
	if p, q := position(bob, target), position(bob, other); p != 11 || q != 12 {
		t.Fatalf("a live update moved the cards under bob: %d, %d", p, q)
	}
	bob.Audit("home with a held order")
	shots(bob, "cards-held-order")

	// Pointer and focus leave the list: the new order applies.
	bob.Click("main .intro")
	bob.WaitTrue(fmt.Sprintf(`%s.startsWith(%q)`, orderJS(), other+","+target)+` || `+fmt.Sprintf(`%s.startsWith(%q)`, orderJS(), target+","+other), "the new order once bob left the list")
	bob.WaitTrue(`document.querySelector(".list-updated").textContent === ""`, "the offer gone")
}

// Each card explains its score; the disclosure works from the keyboard.
func TestScoreBreakdown(t *testing.T) {
	s := StartServer(t)
	_, aliceToken := s.User(t, "alice")
	_, bobToken := s.User(t, "bob")
	_, carolToken := s.User(t, "carol")
	_, danToken := s.User(t, "dan")
	id := s.Ask(t, aliceToken, "Should the library open on Sundays?", "The Smith Street branch closes at noon on Saturdays.")
	for _, a := range []struct {
		token string
		value int
	}{{bobToken, 4}, {carolToken, 5}, {danToken, 4}} {
		if status, out := s.API(t, "POST", "/api/collections/answers/records", a.token, map[string]any{"question": id, "value": a.value, "comment": "Weekends matter."}); status != 200 {
			t.Fatalf("answer: %d %v", status, out)
		}
	}
	for _, v := range []struct{ token, kind string }{{bobToken, "like"}, {danToken, "dislike"}} {
		if status, out := s.API(t, "POST", "/api/collections/votes/records", v.token, map[string]any{"question": id, "kind": v.kind}); status != 200 {
			t.Fatalf("vote: %d %v", status, out)
		}
	}
	one := s.Ask(t, bobToken, "Is the bus timetable working?")
	if status, out := s.API(t, "POST", "/api/collections/votes/records", carolToken, map[string]any{"question": one, "kind": "like"}); status != 200 {
		t.Fatalf("vote: %d %v", status, out)
	}

	b := NewBrowser(t)
	tab := b.Tab()
	tab.Open(s, "/")
	expectRank(tab, id, 42, "the ranking")
	summary := cardCSS(id, "details.why summary")
	if Eval[bool](tab, fmt.Sprintf(`document.querySelector(%s).open`, jsq(cardCSS(id, "details.why")))) {
		t.Error("the breakdown starts open")
	}
	tab.Do(chromedp.Focus(chromedp.CSS(summary)), chromedp.KeyEvent(kb.Enter))
	tab.WaitTrue(fmt.Sprintf(`document.querySelector(%s).open`, jsq(cardCSS(id, "details.why"))), "Enter opens the breakdown")
	want := "3 answers × 10 + 1 like × 5 − 1 dislike × 3 + 10 asked today = 42"
	if got := Eval[string](tab, fmt.Sprintf(`document.querySelector(%s).textContent`, jsq(cardCSS(id, ".why-text")))); got != want {
		t.Errorf("breakdown %q, want %q", got, want)
	}
	if got := Eval[string](tab, fmt.Sprintf(`document.querySelector(%s).textContent`, jsq(cardCSS(one, ".why-text")))); got != "0 answers × 10 + 1 like × 5 − 0 dislikes × 3 + 10 asked today = 15" {
		t.Errorf("second breakdown %q", got)
	}
	tab.Audit("home with a breakdown open")
	shots(tab, "cards-home")

	// The question page: back link, dates, the spread of the stars.
	tab.Click(cardCSS(id, "h2 a"))
	tab.WaitTrue(`!!document.querySelector(".ratings .spread")`, "the ratings on the question page")
	if got := Eval[string](tab, `document.querySelector(".back-link").textContent`); got != "← Back to the top questions" {
		t.Errorf("back link %q", got)
	}
	if got := Eval[string](tab, `document.querySelector(".avg-n").textContent + " | " + [...document.querySelectorAll(".spread li")].map(li => li.textContent).join(" | ")`); got != "4.3 | 5 stars: 1 rating | 4 stars: 2 ratings | 3 stars: 0 ratings | 2 stars: 0 ratings | 1 star: 0 ratings" {
		t.Errorf("ratings %q", got)
	}
	tab.WaitTrue(`document.querySelector(".meta .asked time")?.textContent === "just now" || /minute/.test(document.querySelector(".meta .asked time")?.textContent)`, "the date asked")
	if n := Eval[int](tab, `document.querySelectorAll(".answers li .answered time").length`); n != 3 {
		t.Errorf("%d answers show their date, want 3", n)
	}
	noPlaceholders(tab, "the question page")
	tab.Audit("the question page")
	shots(tab, "cards-question")
	tab.Click(".back-link")
	tab.WaitTrue(`location.pathname === "/" && !!document.querySelector("ol.cards article")`, "back on the home page")

	// The author gets an Edit link on their question's page.
	alice := b.Tab()
	alice.SignIn(s, "alice")
	alice.Open(s, "/questions/"+id)
	alice.WaitTrue(fmt.Sprintf(`document.querySelector(".owner-tools a")?.getAttribute("href") === "/questions/%s/edit"`, id), "the author's Edit link")
	// Votes and answers changed the row, yet it was never edited; after the
	// author's edit the page says so.
	if n := Eval[int](alice, `document.querySelectorAll(".meta .edited").length`); n != 0 {
		t.Errorf("an unedited question shows %d edited dates", n)
	}
	alice.Click(".owner-tools a")
	alice.WaitTrue(`!!document.querySelector("#q-description")`, "the edit form")
	alice.Do(chromedp.SendKeys(chromedp.CSS("#q-description"), " Even in winter."), chromedp.Click(chromedp.CSS(`main form button[type="submit"]`)))
	alice.WaitTrue(`location.pathname === "/mine"`, "saved")
	alice.Open(s, "/questions/"+id)
	alice.WaitTrue(`(document.querySelector(".meta .edited")?.textContent || "").startsWith("edited ")`, "the edited date")
}

// The stars: labelled, 3:1 when unselected; the arrows move without
// saving (and stop at 5), Enter saves, leaving the group saves.
func TestStarKeyboard(t *testing.T) {
	s := StartServer(t)
	_, aliceToken := s.User(t, "alice")
	_, bobToken := s.User(t, "bob")
	id := s.Ask(t, aliceToken, "Keyboard question")
	saved := func() float64 {
		t.Helper()
		_, out := s.API(t, "GET", "/api/collections/answers/records?filter=question%3D%22"+id+"%22", bobToken, nil)
		items, _ := out["items"].([]any)
		if len(items) == 0 {
			return 0
		}
		return items[0].(map[string]any)["value"].(float64)
	}

	bob := NewBrowser(t).Tab()
	bob.SignIn(s, "bob")
	expectRank(bob, id, 10, "before")
	if got := Eval[string](bob, fmt.Sprintf(`document.querySelector(%s).textContent`, jsq(cardCSS(id, ".stars legend")))); got != "Your rating (1–5)" {
		t.Errorf("stars labelled %q", got)
	}
	hint := func() string {
		return Eval[string](bob, fmt.Sprintf(`document.querySelector(%s).textContent`, jsq(cardCSS(id, ".stars .hint"))))
	}
	if got := hint(); got != "You haven't rated this" {
		t.Errorf("hint %q", got)
	}
	if got := Eval[string](bob, fmt.Sprintf(`getComputedStyle(document.querySelector(%s)).color`, jsq(cardCSS(id, ".stars label")))); got != "rgb(117, 129, 124)" {
		t.Errorf("unselected star colour %s, want rgb(117, 129, 124) (4:1 on white)", got)
	}

	bob.Do(chromedp.Focus(chromedp.CSS("#stars-"+id+"-1")), chromedp.KeyEvent(" "))
	expectRank(bob, id, 20, "Space saves 1 star")
	for range 6 {
		bob.Do(chromedp.KeyEvent(kb.ArrowRight))
	}
	bob.WaitTrue(fmt.Sprintf(`document.activeElement.id === "stars-%s-5" && document.querySelector(%s).textContent === "5 of 5 — press Enter to save"`, id, jsq(cardCSS(id, ".stars .hint"))), "arrows stop at 5, unsaved")
	time.Sleep(800 * time.Millisecond) // no save on a pause either
	if v := saved(); v != 1 {
		t.Fatalf("the arrows saved %v", v)
	}
	bob.Do(chromedp.KeyEvent(kb.Enter))
	bob.WaitTrue(fmt.Sprintf(`document.querySelector(%s).textContent === "Your answer: 5/5"`, jsq(cardCSS(id, ".stars .hint"))), "Enter saves 5")
	for deadline := time.Now().Add(waitDeadline); saved() != 5 && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
	}
	if v := saved(); v != 5 {
		t.Fatalf("server has %v after Enter, want 5", v)
	}
	bob.Do(chromedp.KeyEvent(kb.ArrowRight))
	time.Sleep(300 * time.Millisecond)
	if v := saved(); v != 5 || !strings.HasPrefix(hint(), "Your answer: 5/5") {
		t.Fatalf("Right arrow from 5 stars: saved %v, hint %q", v, hint())
	}

	// Arrow to 3, then Tab out of the group: the choice is saved once.
	bob.Do(chromedp.KeyEvent(kb.ArrowLeft), chromedp.KeyEvent(kb.ArrowLeft))
	if v := saved(); v != 5 {
		t.Fatalf("the arrows saved %v", v)
	}
	bob.Do(chromedp.KeyEvent(kb.Tab))
	bob.WaitTrue(fmt.Sprintf(`document.querySelector(%s).textContent === "Your answer: 3/5"`, jsq(cardCSS(id, ".stars .hint"))), "leaving the group saves 3")
	for deadline := time.Now().Add(waitDeadline); saved() != 3 && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
	}
	if v := saved(); v != 3 {
		t.Fatalf("server has %v after leaving the group, want 3", v)
	}
	// The comment box is labelled and explained.
	bob.WaitTrue(fmt.Sprintf(`document.querySelector(%s)?.textContent === "Add a comment to your rating (optional)"`, jsq(fmt.Sprintf(`form[data-comment=%q] label`, id))), "the comment box's label")
	bob.Audit("home after rating")
}

// Form errors are marked on the field, focused, and said in plain words.
func TestFormErrorsPlain(t *testing.T) {
	s := StartServer(t)
	s.User(t, "dana")
	tab := NewBrowser(t).Tab()
	tab.ExpectRefusals()
	tab.SignIn(s, "dana")
	tab.Open(s, "/ask")
	tab.Do(chromedp.SendKeys(chromedp.CSS("#q-title"), "   "), chromedp.Click(chromedp.CSS(`main form button[type="submit"]`)))
	tab.WaitTrue(`document.getElementById("q-title").getAttribute("aria-invalid") === "true"`, "the title marked invalid")
	if got := Eval[string](tab, `document.getElementById("q-title-err").textContent`); got != "Give your question a title." {
		t.Errorf("title error %q", got)
	}
	if !Eval[bool](tab, `document.activeElement.id === "q-title"`) {
		t.Error("focus is not on the field in error")
	}
	if got := Eval[string](tab, `getComputedStyle(document.getElementById("q-title")).borderTopColor`); got != "rgb(163, 35, 29)" {
		t.Errorf("invalid field border %s", got)
	}
	if text := Eval[string](tab, `document.querySelector("main").innerText`); strings.Contains(text, "Cannot be blank") || strings.Contains(text, "Invalid value") {
		t.Errorf("PocketBase's words on the page:\n%s", text)
	}
	tab.Audit("the ask form with an error")
	shots(tab, "cards-ask-error")

	tab.Do(chromedp.SendKeys(chromedp.CSS("#q-title"), "Where should the next garden go?"), chromedp.Click(chromedp.CSS(`main form button[type="submit"]`)))
	tab.WaitTrue(`/^\/questions\/[a-z0-9]+$/.test(location.pathname)`, "the new question's page")
	textIs(tab, "#notice", "Posted. It's on the home page's list by ranking and under Newest.")
}

// A fresh install's home says so and links to asking; a missing question
// gets the app's not-found page.
func TestEmptyHomeAndMissingQuestion(t *testing.T) {
	s := StartServer(t)
	tab := NewBrowser(t).Tab()
	tab.ExpectRefusals()
	tab.Open(s, "/")
	tab.WaitTrue(`document.querySelector(".empty-state h2")?.textContent === "No questions yet" && document.querySelector(".empty-state a").getAttribute("href") === "/ask"`, "the empty home")
	shots(tab, "cards-empty-home")
	tab.Open(s, "/questions/abcdefghij12345")
	tab.WaitTrue(`document.querySelector(".not-found h1")?.textContent === "Question not found"`, "the not-found page")
	if !strings.Contains(Eval[string](tab, `document.title`), "Question not found") {
		t.Error("the tab title doesn't say the question wasn't found")
	}
}
