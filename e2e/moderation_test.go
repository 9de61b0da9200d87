package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// jsq quotes s as a JavaScript string literal.
func jsq(s string) string { return fmt.Sprintf("%q", s) }

// textHas is a JavaScript condition: the element css selects exists and
// its text contains want.
func textHas(css, want string) string {
	return fmt.Sprintf(`(document.querySelector(%s)?.textContent || "").includes(%s)`, jsq(css), jsq(want))
}

const openDialog = `dialog.modal[open]`

// noPlaceholders fails when the page shows a JavaScript placeholder.
func noPlaceholders(tab *Tab, what string) {
	tab.t.Helper()
	text := Eval[string](tab, `document.querySelector("main").innerText`)
	for _, bad := range []string{"null", "undefined", "[object", "NaN"} {
		if strings.Contains(text, bad) {
			tab.t.Errorf("%s shows %q:\n%s", what, bad, text)
		}
	}
}

// moderator makes a user a moderator, as a superuser does in the dashboard.
func moderator(t *testing.T, s *Server, id string) {
	t.Helper()
	su := s.Superuser(t)
	if status, out := s.API(t, "PATCH", "/api/collections/users/records/"+id, su, map[string]any{"moderator": true}); status != 200 {
		t.Fatalf("make %s a moderator: %d %v", id, status, out)
	}
}

// reportThrough opens the Report dialog from the control css selects,
// picks reason and an optional note, sends it, and waits for the thanks at
// the item with focus back on the control.
func reportThrough(tab *Tab, control, reason, note string) {
	tab.t.Helper()
	tab.Click(control)
	tab.WaitTrue(fmt.Sprintf(`!!document.querySelector(%s)`, jsq(openDialog)), "the report dialog")
	tab.Click(fmt.Sprintf(`%s input[value=%q]`, openDialog, reason))
	if note != "" {
		tab.Do(chromedp.SendKeys(chromedp.CSS(openDialog+" textarea"), note))
	}
	tab.Click(openDialog + ` button[type="submit"]`)
	tab.WaitTrue(fmt.Sprintf(`!document.querySelector(%s)`, jsq(openDialog)), "the dialog to close")
	tab.WaitTrue(fmt.Sprintf(`document.activeElement === document.querySelector(%s)`, jsq(control)), "focus back on the Report control")
	tab.WaitTrue(fmt.Sprintf(`document.activeElement.closest("article, li").querySelector(".item-note")?.textContent === "Thanks — moderators will take a look." && document.activeElement.textContent.trim() === "Reported"`),
		"the thanks beside the control, which now says Reported")
}

// confirmReason confirms the open reason dialog, first replacing its
// prefilled reason when reason is not empty.
func confirmReason(tab *Tab, reason string) {
	tab.t.Helper()
	tab.WaitTrue(fmt.Sprintf(`!!document.querySelector(%s)`, jsq(openDialog+" textarea")), "the reason dialog")
	if reason != "" {
		tab.Do(clearField(openDialog+" textarea"), chromedp.SendKeys(chromedp.CSS(openDialog+" textarea"), reason))
	}
	tab.Click(openDialog + ` button[type="submit"]`)
	tab.WaitTrue(fmt.Sprintf(`!document.querySelector(%s)`, jsq(openDialog)), "the reason dialog to close")
}

// The whole story: reports through the dialog, the moderator's queue with
// each item in context, hide (the ranking drops), dismiss, what the author
// and everyone else see, restore (the ranking comes back), and the log.
func TestModerationStory(t *testing.T) {
	s := StartServer(t)
	_, aliceToken := s.User(t, "alice")
	_, bobToken := s.User(t, "bob")
	s.User(t, "carol")
	_, daveToken := s.User(t, "dave")
	modID, _ := s.User(t, "mia")
	moderator(t, s, modID)

	q1 := s.Ask(t, aliceToken, "Where should the new bus shelter go?", "Route 12 stops on Smith Street in the rain.")
	q2 := s.Ask(t, aliceToken, "Is the municipal pool open in winter?")
	q3 := s.Ask(t, aliceToken, "Cheap watches, best prices, visit my shop", "Discounts all week long.")
	status, out := s.API(t, "POST", "/api/collections/answers/records", bobToken, map[string]any{
		"question": q1, "value": 1, "comment": "Only an idiot would ask this.",
	})
	if status != 200 {
		t.Fatalf("bob answers: %d %v", status, out)
	}
	ans := out["id"].(string)

	b := NewBrowser(t)

	// A guest who clicks Report is asked to sign in, at the card.
	guest := b.Tab()
	guest.Open(s, "/")
	expectRank(guest, q1, 20, "guest's home")
	guest.Click(fmt.Sprintf(`article[data-id=%q] [data-action="report"]`, q2))
	guest.WaitTrue(textHas(fmt.Sprintf(`article[data-id=%q] .item-note`, q2), "Sign in to report this question."), "the sign-in prompt at the card")
	guest.WaitTrue(fmt.Sprintf(`document.querySelector('article[data-id=%q] .item-note a').getAttribute("href").startsWith("/signin?next=")`, q2), "a sign-in link that brings the guest back")
	if Eval[bool](guest, `!!document.querySelector("dialog")`) {
		t.Fatal("a guest got the report dialog")
	}

	// Carol reports a question from the home page: Escape cancels and gives
	// focus back; sending without a reason is refused in the dialog.
	carol := b.Tab()
	carol.SignIn(s, "carol")
	reportQ2 := fmt.Sprintf(`article[data-id=%q] [data-action="report"]`, q2)
	carol.Click(reportQ2)
	carol.WaitTrue(fmt.Sprintf(`!!document.querySelector(%s) && document.activeElement.name === "reason"`, jsq(openDialog)), "the dialog, focus on the first reason")
	carol.Audit("the report dialog")
	t.Logf("screenshot: %s", carol.Screenshot("report-dialog-desktop", 1280, 900, false))
	t.Logf("screenshot: %s", carol.Screenshot("report-dialog-phone", 390, 844, true))
	carol.Do(chromedp.EmulateViewport(1280, 900))
	carol.Do(chromedp.KeyEvent(kb.Escape))
	carol.WaitTrue(fmt.Sprintf(`!document.querySelector("dialog") && document.activeElement === document.querySelector(%s)`, jsq(reportQ2)), "Escape closes the dialog, focus back on Report")
	carol.Click(reportQ2)
	carol.WaitTrue(fmt.Sprintf(`!!document.querySelector(%s)`, jsq(openDialog)), "the dialog again")
	carol.Click(openDialog + ` button[type="submit"]`)
	carol.WaitTrue(textHas(openDialog+" .err", "Choose what's wrong with it."), "the missing reason, said in the dialog")
	carol.Click(openDialog + ` button.ghost`) // Cancel
	reportThrough(carol, reportQ2, "off_topic", "Not about our town at all.")
	reportThrough(carol, fmt.Sprintf(`article[data-id=%q] [data-action="report"]`, q3), "spam", "")
	t.Logf("screenshot: %s", carol.Screenshot("reported-card-desktop", 1280, 900, false))
	t.Logf("screenshot: %s", carol.Screenshot("reported-card-phone", 390, 844, true))
	carol.Do(chromedp.EmulateViewport(1280, 900))

	// A second report of the same question is refused, in the page's words.
	carol.ExpectRefusals()
	carol.Open(s, "/")
	carol.Click(reportQ2)
	carol.WaitTrue(fmt.Sprintf(`!!document.querySelector(%s)`, jsq(openDialog)), "the dialog once more")
	carol.Click(openDialog + ` input[value="spam"]`)
	carol.Click(openDialog + ` button[type="submit"]`)
	carol.WaitTrue(textHas(openDialog+" .err", "You have already reported this question."), "already reported, said in the dialog")
	carol.Click(openDialog + ` button.ghost`)

	// And an answer, from the question page; a second user reports it too.
	carol.Open(s, "/questions/"+q1)
	reportAns := fmt.Sprintf(`li[data-answer=%q] [data-action="report"]`, ans)
	carol.WaitTrue(fmt.Sprintf(`!!document.querySelector(%s)`, jsq(reportAns)), "the answer's Report control")
	reportThrough(carol, reportAns, "abuse", "Insults the asker.")
	if status, out := s.API(t, "POST", "/api/collections/reports/records", daveToken, map[string]any{"question": q1, "answer": ans, "reason": "abuse"}); status != 200 {
		t.Fatalf("dave reports the answer: %d %v", status, out)
	}

	// The moderator's queue: each item in context, the answer's two reports together.
	mia := b.Tab()
	mia.SignIn(s, "mia")
	mia.Open(s, "/moderation")
	ansItem := fmt.Sprintf(`[data-item="a:%s"]`, ans)
	q2Item := fmt.Sprintf(`[data-item="q:%s"]`, q2)
	q3Item := fmt.Sprintf(`[data-item="q:%s"]`, q3)
	mia.WaitTrue(fmt.Sprintf(`!!document.querySelector(%s) && !!document.querySelector(%s) && !!document.querySelector(%s)`, jsq(ansItem), jsq(q2Item), jsq(q3Item)), "the three reported items")
	for _, c := range []struct{ css, want string }{
		{ansItem, "Answer on Where should the new bus shelter go?"},
		{ansItem, "Only an idiot would ask this."},
		{ansItem, "Answer by bob"},
		{ansItem, "Reported by 2 people"},
		{ansItem, "Rude or abusive"},
		{ansItem, "Insults the asker."},
		{ansItem, "carol"},
		{ansItem, "dave"},
		{q2Item, "Is the municipal pool open in winter?"},
		{q2Item, "Asked by alice"},
		{q2Item, "Off-topic"},
		{q2Item, "Not about our town at all."},
		{q3Item, "Spam"},
	} {
		mia.WaitTrue(textHas(c.css, c.want), fmt.Sprintf("%s shows %q", c.css, c.want))
	}
	mia.WaitTrue(fmt.Sprintf(`document.querySelector('%s h3 a').getAttribute("href") === "/questions/%s"`, ansItem, q1), "the answer's question linked")
	mia.WaitTrue(`document.querySelector('[role="tab"][aria-selected="true"]').textContent === "Open reports (3)"`, "the open reports tab with its count")
	mia.Audit("the moderation queue")
	noPlaceholders(mia, "the moderation queue")
	t.Logf("screenshot: %s", mia.Screenshot("moderation-desktop", 1280, 900, false))
	t.Logf("screenshot: %s", mia.Screenshot("moderation-phone", 390, 844, true))
	mia.Do(chromedp.EmulateViewport(1280, 900))

	// Hide the answer: the reason is prefilled from the reports.
	mia.Click(ansItem + ` [data-action="hide"]`)
	mia.WaitTrue(fmt.Sprintf(`document.querySelector(%s)?.value === "Rude or abusive"`, jsq(openDialog+" textarea")), "the reason prefilled from the reports")
	confirmReason(mia, "")
	mia.WaitTrue(fmt.Sprintf(`document.activeElement?.dataset.resolved === "a:%s" && document.activeElement.textContent.includes("Answer hidden")`, ans), "the outcome where the answer was, focused")

	// The ranking drops by 10 on the home page.
	viewer := b.Tab()
	viewer.Open(s, "/")
	expectRank(viewer, q1, 10, "the hidden answer no longer counts")
	viewer.WaitTrue(fmt.Sprintf(`!!document.querySelector('article[data-id=%q]')`, q3), "the spam question on the open home page")

	// Dismiss the report on the other question; hide the spam question.
	mia.Click(q2Item + ` [data-action="dismiss"]`)
	confirmReason(mia, "")
	mia.WaitTrue(fmt.Sprintf(`document.querySelector('[data-resolved="q:%s"]')?.textContent.includes("Report dismissed")`, q2), "the dismissal, where it was")
	mia.Click(q3Item + ` [data-action="hide"]`)
	confirmReason(mia, "Advertising a shop")
	mia.WaitTrue(fmt.Sprintf(`!!document.querySelector('[data-resolved="q:%s"]')`, q3), "the question hidden")
	mia.WaitTrue(`document.querySelector('[role="tab"][aria-selected="true"]').textContent === "Open reports (0)"`, "no open reports left")
	mia.WaitTrue(textHas("#panel-reports", "No open reports — nice and quiet."), "the empty state")
	noPlaceholders(mia, "the queue after acting")
	t.Logf("screenshot: %s", mia.Screenshot("moderation-acted-desktop", 1280, 900, false))
	if status, _ := s.API(t, "GET", "/api/collections/questions/records/"+q2, "", nil); status != 200 {
		t.Fatal("dismissing hid the question")
	}

	// The hidden question leaves the home page, live on the page already open
	// (PocketBase sends the viewer nothing about a question they may no
	// longer see: the server's own announcement does it); others can't open
	// it or see the answer.
	viewer.WaitTrue(fmt.Sprintf(`!document.querySelector('article[data-id=%q]')`, q3), "the hidden question gone from the open home page")
	viewer.Open(s, "/")
	viewer.WaitTrue(fmt.Sprintf(`!!document.querySelector('article[data-id=%q]') && !document.querySelector('article[data-id=%q]')`, q1, q3), "the hidden question off the home page")
	carol.Open(s, "/questions/"+q3)
	carol.WaitTrue(textHas("main h1", "Question not found"), "someone else can't open the hidden question")
	carol.Open(s, "/questions/"+q1)
	carol.WaitTrue(`document.getElementById("answers-h")?.textContent === "Answers (0)"`, "the hidden answer gone for others")
	if n := Eval[int](carol, fmt.Sprintf(`document.querySelectorAll('li[data-answer=%q]').length`, ans)); n != 0 {
		t.Fatal("another user sees the hidden answer")
	}

	// The authors see what was hidden, and why.
	alice := b.Tab()
	alice.SignIn(s, "alice")
	alice.Open(s, "/questions/"+q3)
	alice.WaitTrue(textHas(".hidden-notice h2", "Hidden by moderators: Advertising a shop"), "the hidden notice with the reason")
	alice.WaitTrue(textHas("main", "Cheap watches, best prices, visit my shop"), "the question itself, for its author")
	t.Logf("screenshot: %s", alice.Screenshot("hidden-question-desktop", 1280, 900, false))
	t.Logf("screenshot: %s", alice.Screenshot("hidden-question-phone", 390, 844, true))
	alice.Do(chromedp.EmulateViewport(1280, 900))
	alice.Open(s, "/mine")
	alice.WaitTrue(textHas(fmt.Sprintf(`.mine li[data-id=%q] .badge.hidden`, q3), "Hidden"), "the Hidden badge under My questions")
	alice.WaitTrue(textHas(fmt.Sprintf(`.mine li[data-id=%q]`, q3), "Hidden by moderators: Advertising a shop"), "the reason under My questions")
	if Eval[bool](alice, fmt.Sprintf(`!!document.querySelector('.mine li[data-id=%q] .badge.hidden')`, q1)) {
		t.Fatal("a shown question is badged hidden")
	}
	t.Logf("screenshot: %s", alice.Screenshot("mine-hidden-phone", 390, 844, true))
	bob := b.Tab()
	bob.SignIn(s, "bob")
	bob.Open(s, "/questions/"+q1)
	bob.WaitTrue(textHas(fmt.Sprintf(`li[data-answer=%q] .hidden-mark`, ans), "Hidden by moderators: Rude or abusive"), "the answer's author sees it marked hidden")
	if Eval[bool](bob, fmt.Sprintf(`!!document.querySelector('li[data-answer=%q] [data-action="restore"]')`, ans)) {
		t.Fatal("the answer's author is offered Restore")
	}
	t.Logf("screenshot: %s", bob.Screenshot("hidden-answer-author-phone", 390, 844, true))

	// The moderator restores the answer on the question page…
	mia.Open(s, "/questions/"+q1)
	restoreAns := fmt.Sprintf(`li[data-answer=%q] [data-action="restore"]`, ans)
	mia.WaitTrue(fmt.Sprintf(`!!document.querySelector(%s) && %s`, jsq(restoreAns), textHas(fmt.Sprintf(`li[data-answer=%q] .hidden-mark`, ans), "Rude or abusive")), "the hidden answer with Restore, for a moderator")
	t.Logf("screenshot: %s", mia.Screenshot("hidden-answer-moderator-desktop", 1280, 900, false))
	mia.Click(restoreAns)
	confirmReason(mia, "")
	mia.WaitTrue(textHas(fmt.Sprintf(`li[data-answer=%q] .item-note`, ans), "Restored"), "restored, said at the answer")
	mia.WaitTrue(fmt.Sprintf(`!document.querySelector('li[data-answer=%q]').classList.contains("is-hidden")`, ans), "the answer no longer marked hidden")

	// …and the question from the Hidden tab.
	mia.Open(s, "/moderation?tab=hidden")
	hiddenQ3 := fmt.Sprintf(`#panel-hidden [data-item="q:%s"]`, q3)
	mia.WaitTrue(textHas(hiddenQ3, "Hidden by moderators: Advertising a shop"), "the hidden question, with its reason")
	mia.Audit("the hidden tab")
	noPlaceholders(mia, "the hidden tab")
	t.Logf("screenshot: %s", mia.Screenshot("moderation-hidden-desktop", 1280, 900, false))
	mia.Click(hiddenQ3 + ` [data-action="restore"]`)
	confirmReason(mia, "The shop closed; the question is gone from the feed anyway.")
	mia.WaitTrue(fmt.Sprintf(`document.activeElement?.dataset.resolved === "q:%s" && document.activeElement.textContent.includes("Question restored")`, q3), "the outcome where it was, focused")
	mia.WaitTrue(textHas("#panel-hidden", "Nothing is hidden."), "nothing hidden now")

	// Everyone sees both again; the ranking comes back.
	viewer.Open(s, "/")
	expectRank(viewer, q1, 20, "the restored answer counts again")
	expectRank(viewer, q3, 10, "the restored question is back")

	// The log, newest first: who, what, when, why.
	// The tabs work from the keyboard: arrows move between them.
	mia.Do(chromedp.Focus(chromedp.CSS(`#tab-hidden`)), chromedp.KeyEvent(kb.ArrowRight))
	mia.WaitTrue(`document.activeElement.id === "tab-log" && document.activeElement.getAttribute("aria-selected") === "true" && !document.getElementById("panel-log").hidden && document.getElementById("panel-hidden").hidden && location.search === "?tab=log"`, "the log tab, chosen with the arrow key")
	mia.WaitTrue(`document.querySelectorAll(".mod-log li").length === 5`, "five actions in the log")
	lines := Eval[[]string](mia, `[...document.querySelectorAll(".mod-log li")].map(li => li.innerText.replace(/\s+/g, " "))`)
	want := []string{
		"restored the question Cheap watches",
		"restored an answer on Where should the new bus shelter go?",
		"hid the question Cheap watches",
		"dismissed a report on Is the municipal pool open in winter?",
		"hid an answer on Where should the new bus shelter go?",
	}
	for i, w := range want {
		if !strings.Contains(lines[i], w) || !strings.Contains(lines[i], "mia") || !strings.Contains(lines[i], "Why:") {
			t.Errorf("log line %d = %q, want it to say %q, by mia, and why", i, lines[i], w)
		}
	}
	if !strings.Contains(lines[2], "Advertising a shop") || !strings.Contains(lines[4], "Rude or abusive") {
		t.Errorf("the log lacks the reasons: %q", lines)
	}
	mia.Audit("the moderation log")
	noPlaceholders(mia, "the log")
	t.Logf("screenshot: %s", mia.Screenshot("moderation-log-desktop", 1280, 900, false))
	t.Logf("screenshot: %s", mia.Screenshot("moderation-log-phone", 390, 844, true))

	// Someone who is not a moderator is refused.
	carol.Open(s, "/moderation")
	carol.WaitTrue(textHas("main", "Only moderators can see this page."), "the refusal")
	if Eval[bool](carol, `!!document.querySelector("[role=tablist], .mod-item")`) {
		t.Fatal("a non-moderator sees the queue")
	}
	guest.Open(s, "/moderation")
	guest.WaitTrue(textHas("main", "Only moderators can see this page."), "the refusal, for a guest")
}

// A wave of reports loads in batches: the oldest 200 open reports, then
// more on request, and likewise the 200 most recently hidden items. The
// page says how many there are in all.
func TestModerationQueueInBatches(t *testing.T) {
	s := StartServer(t)
	_, aliceToken := s.User(t, "alice")
	_, carolToken := s.User(t, "carol")
	modID, modToken := s.User(t, "mia")
	moderator(t, s, modID)

	const n = 201 // one past a batch
	reported := make([]string, n)
	for i := range reported {
		reported[i] = s.Ask(t, aliceToken, fmt.Sprintf("Reported question number %d", i+1))
		if status, out := s.API(t, "POST", "/api/collections/reports/records", carolToken, map[string]any{"question": reported[i], "reason": "spam"}); status != 200 {
			t.Fatalf("report %d: %d %v", i+1, status, out)
		}
	}
	for i := range n {
		q := s.Ask(t, aliceToken, fmt.Sprintf("Hidden question number %d", i+1))
		if status, out := s.API(t, "POST", "/api/collections/moderation_actions/records", modToken, map[string]any{"action": "hide", "question": q, "reason": "Spam"}); status != 200 {
			t.Fatalf("hide %d: %d %v", i+1, status, out)
		}
	}

	tab := NewBrowser(t).Tab()
	tab.SignIn(s, "mia")
	tab.Open(s, "/moderation")
	item := func(q string) string { return fmt.Sprintf(`#panel-reports [data-item="q:%s"]`, q) }
	tab.WaitTrue(fmt.Sprintf(`document.querySelectorAll("#panel-reports .mod-item").length === 200 && !!document.querySelector(%s) && !document.querySelector(%s)`,
		jsq(item(reported[0])), jsq(item(reported[n-1]))), "the oldest 200 reports, the newest one not yet")
	tab.WaitTrue(textHas("#panel-reports .mod-more", "These are the oldest 200 of 201 open reports."), "how many are open in all")
	tab.WaitTrue(textHas("#tab-reports .count", "(200+)")+" && "+textHas("#tab-hidden .count", "(201)"), "the tabs' counts")
	noPlaceholders(tab, "the queue in batches")
	tab.Audit("/moderation, a batch of reports")
	tab.Do(chromedp.ScrollIntoView("#panel-reports .mod-more"))
	t.Logf("screenshot: %s", tab.Screenshot("moderation-batch-desktop", 1280, 900, false))
	t.Logf("screenshot: %s", tab.Screenshot("moderation-batch-phone", 390, 844, true))
	tab.Do(chromedp.EmulateViewport(1280, 900))

	tab.Click("#panel-reports .mod-more button")
	tab.WaitTrue(fmt.Sprintf(`document.querySelectorAll("#panel-reports .mod-item").length === 201 && document.activeElement === document.querySelector(%s)`, jsq(item(reported[n-1]))),
		"the next report loaded, and focus on it")
	tab.WaitTrue(`!document.querySelector("#panel-reports .mod-more") && document.querySelector("#tab-reports .count").textContent === " (201)"`, "no more to show, the full count")

	tab.Click("#tab-hidden")
	tab.WaitTrue(`document.querySelectorAll("#panel-hidden .mod-item").length === 200`, "the 200 most recently hidden")
	tab.WaitTrue(textHas("#panel-hidden .mod-more", "These are the 200 most recently hidden of 201."), "how many are hidden in all")
	tab.WaitTrue(textHas("#panel-hidden .mod-item h3", "Hidden question number 201"), "the most recently hidden first")
	tab.Click("#panel-hidden .mod-more button")
	tab.WaitTrue(`document.querySelectorAll("#panel-hidden .mod-item").length === 201 && !document.querySelector("#panel-hidden .mod-more")`, "the last hidden item loaded")
	tab.WaitTrue(textHas("#panel-hidden li:last-child .mod-item h3", "Hidden question number 1"), "the oldest hidden last")
}
