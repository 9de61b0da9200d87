package e2e

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// JavaScript probes of the home page.
func rankJS(id string) string {
	return fmt.Sprintf(`document.querySelector('article[data-id=%q] .rank')?.dataset.ranking`, id)
}

func orderJS() string {
	return `[...document.querySelectorAll("ol.cards article")].map(a => a.dataset.id).join(",")`
}

func expectRank(tab *Tab, id string, want int, step string) {
	tab.t.Helper()
	tab.WaitTrue(fmt.Sprintf(`%s === "%d" && document.querySelector('article[data-id=%q] .rank').textContent === "Ranking: %d pts"`, rankJS(id), want, id, want),
		fmt.Sprintf("%s: ranking %d", step, want))
}

func expectOrder(tab *Tab, ids []string, step string) {
	tab.t.Helper()
	tab.WaitTrue(fmt.Sprintf(`%s.startsWith(%q)`, orderJS(), strings.Join(ids, ",")), step+": order "+strings.Join(ids, ","))
}

// The main story: sign up, ask, see it marked today; a second user
// answers 4 stars with a comment, likes, switches to dislike, withdraws; the
// ranking text and order follow the formula at each step.
func TestVotingStory(t *testing.T) {
	s := StartServer(t)
	b := NewBrowser(t)

	alice := b.Tab()
	alice.Open(s, "/signup")
	alice.Do(
		chromedp.SendKeys(chromedp.CSS("#up-username"), "alice"),
		chromedp.SendKeys(chromedp.CSS("#up-name"), "Alice Mokoena"),
		chromedp.SendKeys(chromedp.CSS("#up-email"), "alice@example.com"),
		chromedp.SendKeys(chromedp.CSS("#up-password"), "password123"),
		chromedp.Click(chromedp.CSS(`main form button[type="submit"]`)),
	)
	alice.WaitTrue(`document.querySelector(".account .who")?.textContent === "Alice Mokoena"`, "alice signed in")

	alice.Do(chromedp.Click(chromedp.CSS(`a[data-nav="ask"]`)))
	alice.WaitTrue(`!!document.querySelector("#q-title")`, "the ask form")
	alice.Do(
		chromedp.SendKeys(chromedp.CSS("#q-title"), "Should the library open on Sundays?"),
		chromedp.SendKeys(chromedp.CSS("#q-description"), "The Smith Street branch closes at noon on Saturdays."),
		chromedp.Click(chromedp.CSS(`main form button[type="submit"]`)),
	)
	alice.WaitTrue(`/^\/questions\/[a-z0-9]+$/.test(location.pathname)`, "the new question's page")
	q1 := strings.TrimPrefix(Eval[string](alice, `location.pathname`), "/questions/")
	alice.WaitTrue(`document.getElementById("answers-h")?.textContent === "Answers (0)"`, "the answers section")
	if text := Eval[string](alice, `document.querySelector("main").innerText`); strings.Contains(text, "null") || strings.Contains(text, "undefined") {
		t.Errorf("the question page shows a JavaScript placeholder:\n%s", text)
	}

	// A newer question by someone else: equal rankings put it first.
	_, carolToken := s.User(t, "carol")
	q2 := s.Ask(t, carolToken, "Is the bus timetable working?")

	alice.Do(chromedp.Click(chromedp.CSS(`a[data-nav="home"]`)))
	expectRank(alice, q1, 10, "asked today")
	expectOrder(alice, []string{q2, q1}, "equal rankings, newer first")
	alice.WaitTrue(fmt.Sprintf(`document.querySelector('article[data-id=%q] .today')?.textContent.trim() === "(today)"`, q1), "the (today) marker")

	s.User(t, "bob")
	bob := b.Tab()
	bob.SignIn(s, "bob")
	expectRank(bob, q1, 10, "bob sees it")

	// 4 stars: +10.
	bob.Click(fmt.Sprintf(`label[for="stars-%s-4"]`, q1))
	expectRank(bob, q1, 20, "answered 4 stars")
	// The list holds its order under bob's pointer and focus; the new order
	// is offered, and applied on request.
	expectOrder(bob, []string{q2, q1}, "the card stays put while bob works in the list")
	bob.WaitTrue(`document.querySelector(".list-updated button")?.textContent === "Show new order"`, "the offer to reorder")
	bob.Click(".list-updated button")
	expectOrder(bob, []string{q1, q2}, "an answer lifts it")
	bob.WaitTrue(fmt.Sprintf(`document.querySelector('article[data-id=%q] .stars .hint').textContent === "Your answer: 4/5"`, q1), "own answer shown")

	// A comment on the answer.
	bob.WaitTrue(fmt.Sprintf(`!!document.querySelector('form[data-comment=%q] textarea')`, q1), "the comment box")
	bob.Do(
		chromedp.SendKeys(chromedp.CSS(fmt.Sprintf(`form[data-comment=%q] textarea`, q1)), "Yes, students need it most at weekends."),
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`form[data-comment=%q] button[type=submit]`, q1))),
	)
	bob.WaitTrue(fmt.Sprintf(`document.querySelector('article[data-id=%q] .item-note')?.textContent === "Comment saved."`, q1), "comment saved, said at the card")

	like := fmt.Sprintf(`article[data-id=%q] button[data-action="like"]`, q1)
	dislike := fmt.Sprintf(`article[data-id=%q] button[data-action="dislike"]`, q1)
	bob.Click(like)
	expectRank(bob, q1, 25, "liked")
	bob.WaitTrue(fmt.Sprintf(`document.querySelector('article[data-id=%q] button[data-action="like"]').getAttribute("aria-pressed") === "true"`, q1), "like pressed")
	bob.Click(dislike)
	expectRank(bob, q1, 17, "switched to dislike")
	bob.WaitTrue(fmt.Sprintf(`document.querySelector('article[data-id=%q] button[data-action="dislike"]').getAttribute("aria-pressed") === "true" && document.querySelector('article[data-id=%q] button[data-action="like"]').getAttribute("aria-pressed") === "false"`, q1, q1), "dislike pressed, like released")
	bob.Click(dislike)
	expectRank(bob, q1, 20, "withdrawn")
	expectOrder(bob, []string{q1, q2}, "after withdrawing")

	// The server agrees with what the page shows: at once, or within the
	// deadline on a loaded machine (a stale cache would never agree).
	var first map[string]any
	for deadline := time.Now().Add(waitDeadline); ; time.Sleep(50 * time.Millisecond) {
		_, top := s.API(t, "GET", "/api/questions/top", "", nil)
		first = top["items"].([]any)[0].(map[string]any)
		if (first["id"] == q1 && first["ranking"] == float64(20)) || time.Now().After(deadline) {
			break
		}
	}
	if first["id"] != q1 || first["ranking"] != float64(20) {
		t.Fatalf("server's top: %v", first)
	}

	// The question page lists the comment.
	bob.Click(fmt.Sprintf(`article[data-id=%q] h2 a`, q1))
	bob.WaitTrue(`[...document.querySelectorAll(".answers li")].some(li => li.textContent.includes("Yes, students need it most at weekends.") && li.textContent.includes("★★★★☆"))`, "the comment on the question page")

	// Screenshots of the home page for people to look at.
	alice.Do(chromedp.Navigate(s.URL + "/"))
	expectRank(alice, q1, 20, "alice's home")
	t.Logf("screenshot: %s", alice.Screenshot("home-desktop", 1280, 900, false))
	t.Logf("screenshot: %s", alice.Screenshot("home-phone", 360, 780, true))
}

// A vote in one browser appears in another without a reload.
func TestLiveUpdates(t *testing.T) {
	s := StartServer(t)
	_, aliceToken := s.User(t, "alice")
	s.User(t, "bob")
	id := s.Ask(t, aliceToken, "Live question")

	b := NewBrowser(t)
	watcher := b.Tab()
	watcher.Open(s, "/")
	expectRank(watcher, id, 10, "before")
	watcher.WaitTrue(`document.body.dataset.live === "on"`, "realtime subscription")
	Eval[bool](watcher, `window.__sameDocument = true`)

	bob := b.Tab()
	bob.SignIn(s, "bob")
	bob.Click(fmt.Sprintf(`article[data-id=%q] button[data-action="like"]`, id))
	expectRank(bob, id, 15, "bob's own view")

	expectRank(watcher, id, 15, "the other browser, live")
	if !Eval[bool](watcher, `window.__sameDocument === true`) {
		t.Fatal("the other browser reloaded the page")
	}

	// A new question appears live too.
	s.Ask(t, aliceToken, "Fresh one")
	watcher.WaitTrue(`[...document.querySelectorAll("ol.cards h2")].some(h => h.textContent.includes("Fresh one"))`, "a new question, live")
}

// Guests see everything; a control asks them to sign in and brings them back.
// What users write is shown as text.
func TestGuestsAndEscaping(t *testing.T) {
	s := StartServer(t)
	_, aliceToken := s.User(t, "alice")
	s.User(t, "bob")
	xss := `<img src=x onerror=alert(1)>`
	id := s.Ask(t, aliceToken, xss, `<script>alert(2)</script>`)

	b := NewBrowser(t)
	guest := b.Tab()
	guest.Open(s, "/")
	expectRank(guest, id, 10, "guest view")
	title := Eval[string](guest, fmt.Sprintf(`document.querySelector('article[data-id=%q] h2 a').textContent`, id))
	if title != xss {
		t.Fatalf("title shown as %q, want the text %q", title, xss)
	}
	if n := Eval[int](guest, `document.querySelectorAll("main img, main script").length`); n != 0 {
		t.Fatalf("user text became %d elements", n)
	}

	guest.Click(fmt.Sprintf(`article[data-id=%q] button[data-action="like"]`, id))
	prompt := fmt.Sprintf(`article[data-id=%q] .item-note a`, id)
	guest.WaitTrue(fmt.Sprintf(`!!document.querySelector(%q)`, prompt), "the sign-in prompt at the card")
	if rank := Eval[string](guest, rankJS(id)); rank != "10" {
		t.Fatalf("a guest's click changed the ranking to %s", rank)
	}
	guest.Do(chromedp.Click(chromedp.CSS(prompt)))
	guest.WaitTrue(`location.pathname === "/signin" && location.search.includes("next=")`, "the sign-in page")
	guest.Do(
		chromedp.SendKeys(chromedp.CSS("#in-identity"), "bob"),
		chromedp.SendKeys(chromedp.CSS("#in-password"), "password123"),
		chromedp.Click(chromedp.CSS(`main form button[type="submit"]`)),
	)
	guest.WaitTrue(`location.pathname === "/" && !!document.querySelector(".account .who")`, "back on the home page, signed in")
}

// Everything works from the keyboard: Tab to a control, Space to press it,
// arrows to move through the stars.
func TestKeyboardVoting(t *testing.T) {
	s := StartServer(t)
	_, aliceToken := s.User(t, "alice")
	s.User(t, "bob")
	id := s.Ask(t, aliceToken, "Keyboard question")

	b := NewBrowser(t)
	bob := b.Tab()
	bob.SignIn(s, "bob")
	expectRank(bob, id, 10, "before")

	tabTo := func(selector, what string) {
		t.Helper()
		for i := 0; i < 60; i++ {
			if Eval[bool](bob, fmt.Sprintf(`document.activeElement === document.querySelector(%q)`, selector)) {
				return
			}
			bob.Do(chromedp.KeyEvent(kb.Tab))
		}
		t.Fatalf("Tab never reached %s", what)
	}
	tabTo(fmt.Sprintf(`article[data-id=%q] button[data-action="like"]`, id), "the like button")
	bob.Do(chromedp.KeyEvent(" "))
	expectRank(bob, id, 15, "liked with Space")
	bob.WaitTrue(fmt.Sprintf(`document.activeElement?.dataset.action === "like" && document.activeElement.closest("article").dataset.id === %q`, id), "focus kept on the button after the redraw")

	bob.Do(chromedp.KeyEvent(kb.Tab)) // on to dislike: switch with Enter
	bob.Do(chromedp.KeyEvent(kb.Enter))
	expectRank(bob, id, 7, "switched with Enter")

	tabTo(fmt.Sprintf(`#stars-%s-1`, id), "the stars")
	bob.Do(chromedp.KeyEvent(" "))
	expectRank(bob, id, 17, "answered with Space")
	// The arrows move the choice without saving it; Enter saves.
	bob.Do(chromedp.KeyEvent(kb.ArrowRight), chromedp.KeyEvent(kb.ArrowRight))
	bob.WaitTrue(fmt.Sprintf(`document.querySelector('article[data-id=%q] .stars .hint').textContent === "3 of 5 — press Enter to save"`, id), "3 stars chosen with the arrows, not saved")
	bob.Do(chromedp.KeyEvent(kb.Enter))
	bob.WaitTrue(fmt.Sprintf(`document.querySelector('article[data-id=%q] .stars .hint').textContent === "Your answer: 3/5"`, id), "3 stars saved with Enter")
	expectRank(bob, id, 17, "changing stars keeps the ranking")
}

// Unknown API paths and missing files get 404s, never the page.
func TestNotFound(t *testing.T) {
	s := StartServer(t)
	for _, c := range []struct{ path, wantType, wantBody string }{
		{"/api/nope", "application/json", `"status":404`},
		{"/assets/nope.js", "application/json", `"status":404`},
		{"/favicon.ico", "application/json", `"status":404`},
	} {
		res, err := http.Get(s.URL + c.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 404 || !strings.HasPrefix(res.Header.Get("Content-Type"), c.wantType) || !strings.Contains(string(body), c.wantBody) {
			t.Errorf("%s: %d %s %s", c.path, res.StatusCode, res.Header.Get("Content-Type"), body)
		}
		if strings.Contains(string(body), "<html") {
			t.Errorf("%s answered with the page", c.path)
		}
	}
}

// Server errors show next to the field they name; a user edits and, after
// confirming, deletes their own question.
func TestFormsAndMyQuestions(t *testing.T) {
	s := StartServer(t)
	s.User(t, "taken")
	b := NewBrowser(t)
	tab := b.Tab()
	tab.ExpectRefusals() // this test provokes 400s on purpose

	tab.Open(s, "/signup")
	tab.Do(
		chromedp.SendKeys(chromedp.CSS("#up-username"), "taken"),
		chromedp.SendKeys(chromedp.CSS("#up-email"), "someone@example.com"),
		chromedp.SendKeys(chromedp.CSS("#up-password"), "password123"),
		chromedp.Click(chromedp.CSS(`main form button[type="submit"]`)),
	)
	tab.WaitTrue(`document.getElementById("up-username-err").textContent.length > 0`, "the username error beside its field")
	tab.Do(
		clearField("#up-username"),
		chromedp.SendKeys(chromedp.CSS("#up-username"), "dana"),
		chromedp.Click(chromedp.CSS(`main form button[type="submit"]`)),
	)
	tab.WaitTrue(`document.querySelector(".account .who")?.textContent === "dana"`, "signed up as dana")

	// A blank title is refused by the server, named beside the field.
	tab.Open(s, "/ask")
	tab.Do(
		chromedp.SendKeys(chromedp.CSS("#q-title"), "   "),
		chromedp.Click(chromedp.CSS(`main form button[type="submit"]`)),
	)
	tab.WaitTrue(`document.getElementById("q-title-err").textContent.length > 0`, "the title error beside its field")
	tab.Do(
		chromedp.SendKeys(chromedp.CSS("#q-title"), "Where should the next garden go?"),
		chromedp.Click(chromedp.CSS(`main form button[type="submit"]`)),
	)
	tab.WaitTrue(`/^\/questions\/[a-z0-9]+$/.test(location.pathname)`, "the new question's page")
	id := strings.TrimPrefix(Eval[string](tab, `location.pathname`), "/questions/")

	tab.Do(chromedp.Click(chromedp.CSS(`a[data-nav="mine"]`)))
	tab.WaitTrue(fmt.Sprintf(`!!document.querySelector('.mine li[data-id=%q]')`, id), "the question under My questions")
	tab.Do(chromedp.Click(chromedp.CSS(fmt.Sprintf(`.mine li[data-id=%q] a.button`, id))))
	tab.WaitTrue(`!!document.querySelector("#q-title") && document.querySelector("#q-title").value === "Where should the next garden go?"`, "the edit form, filled in")
	tab.Do(
		clearField("#q-title"),
		chromedp.SendKeys(chromedp.CSS("#q-title"), "Where should the next community garden go?"),
		chromedp.Click(chromedp.CSS(`main form button[type="submit"]`)),
	)
	tab.WaitTrue(fmt.Sprintf(`location.pathname === "/mine" && document.querySelector('.mine li[data-id=%q]')?.textContent.includes("community garden")`, id), "the edited title")

	// Delete asks first; Cancel keeps it, confirming removes it.
	tab.Do(chromedp.Click(chromedp.CSS(fmt.Sprintf(`.mine li[data-id=%q] button.danger`, id))))
	tab.WaitTrue(fmt.Sprintf(`!!document.querySelector('.mine li[data-id=%q] [data-confirm="yes"]')`, id), "the confirmation")
	if status, _ := s.API(t, "GET", "/api/collections/questions/records/"+id, "", nil); status != 200 {
		t.Fatal("deleted before confirming")
	}
	tab.Do(chromedp.Click(chromedp.CSS(fmt.Sprintf(`.mine li[data-id=%q] [data-confirm="yes"]`, id))))
	tab.WaitTrue(fmt.Sprintf(`!document.querySelector('.mine li[data-id=%q]')`, id), "the question gone from the list")
	if status, _ := s.API(t, "GET", "/api/collections/questions/records/"+id, "", nil); status != 404 {
		t.Fatalf("question still there after deleting: %d", status)
	}

	tab.Do(chromedp.Click(chromedp.CSS(".account button")))
	tab.WaitTrue(`!!document.querySelector('.account a[href^="/signin"]')`, "signed out")
}

// clearField empties an input the way a user selecting all and deleting would.
func clearField(selector string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Focus(chromedp.CSS(selector)),
		chromedp.KeyEvent("a", chromedp.KeyModifiers(chromedp.ModifierCtrl)),
		chromedp.KeyEvent(kb.Backspace),
	)
}
