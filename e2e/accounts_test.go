package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/chromedp"

	"github.com/rollcall/rollcall/internal/mailsink"
)

// Browser tests of the accounts pages on PocketBase's own auth: the links
// they follow come from mail the server really sends, to a loopback SMTP
// sink (internal/mailsink) set up through the superuser API.

// shots saves the page at a phone's width and a desktop's, for people to
// look at, and leaves the tab at the desktop size.
func shots(tab *Tab, name string) {
	tab.t.Helper()
	tab.t.Logf("screenshot: %s", tab.Screenshot(name+"-phone", 390, 844, true))
	tab.t.Logf("screenshot: %s", tab.Screenshot(name+"-desktop", 1280, 900, false))
}

func mainText(tab *Tab) string {
	tab.t.Helper()
	return Eval[string](tab, `document.querySelector("main").innerText`)
}

// textIs waits until the element css selects says something containing want.
func textIs(tab *Tab, css, want string) {
	tab.t.Helper()
	tab.WaitTrue(fmt.Sprintf(`(document.querySelector(%q)?.innerText || "").includes(%q)`, css, want), fmt.Sprintf("%s to say %q", css, want))
}

// signInAPI signs in through the API and returns the token, or "" with the status.
func signInAPI(t *testing.T, s *Server, identity, password string) (string, int) {
	t.Helper()
	status, out := s.API(t, "POST", "/api/collections/users/auth-with-password", "", map[string]any{"identity": identity, "password": password})
	token, _ := out["token"].(string)
	return token, status
}

// tokenWorks says whether the server still accepts a user's token.
func tokenWorks(t *testing.T, s *Server, token string) bool {
	t.Helper()
	status, _ := s.API(t, "POST", "/api/collections/users/auth-refresh", token, nil)
	return status == 200
}

// A locked account → forgot password → the mail's link → a new password →
// signed in with it, the lock lifted. The page never says whether an
// address has an account.
func TestForgotAndResetPassword(t *testing.T) {
	s := StartServer(t)
	sink := s.Mail(t)
	s.User(t, "ann")
	tab := NewBrowser(t).Tab()

	tab.Open(s, "/signin")
	tab.WaitTrue(`document.title === "Sign in · Rollcall"`, "the sign-in page's title")
	// No OAuth2 provider or one-time code is enabled: nothing else is offered.
	if !Eval[bool](tab, `new Promise(r => setTimeout(() => r(document.getElementById("providers").hidden), 300))`) {
		t.Fatal("the sign-in page offers other ways to sign in with none enabled")
	}
	shots(tab, "accounts-signin")

	// Ten wrong passwords lock the account, under its username and its
	// email alike; the sign-in page offers a reset, which lifts the lock.
	for _, identity := range []string{"ann", "ann@example.com"} {
		for range 10 {
			if _, status := signInAPI(t, s, identity, "wrong-password"); status != 400 {
				t.Fatalf("a wrong password for %s: %d", identity, status)
			}
		}
	}
	tab.ExpectRefusals()
	tab.Do(
		chromedp.SendKeys(chromedp.CSS("#in-identity"), "ann"),
		chromedp.SendKeys(chromedp.CSS("#in-password"), "password123"),
		chromedp.Click(chromedp.CSS("#signin-form button[type=submit]")),
	)
	textIs(tab, "#signin-feedback", "That's too many tries — wait a few minutes, or reset your password to sign in now.")
	tab.Audit("/signin, locked")
	shots(tab, "accounts-signin-locked")

	tab.Click("#signin-feedback a")
	tab.WaitTrue(`location.pathname === "/forgot" && !!document.querySelector("#forgot-email")`, "the forgot page")
	tab.Audit("/forgot")
	tab.WaitTrue(`document.title === "Reset your password · Rollcall" && document.activeElement?.id === "forgot-email"`, "the title and focus")
	shots(tab, "accounts-forgot")

	// An address without an account gets the same words as one with.
	tab.Do(chromedp.SendKeys(chromedp.CSS("#forgot-email"), "nobody@example.com"), chromedp.Click(chromedp.CSS("#forgot-form button[type=submit]")))
	textIs(tab, "#forgot-sent", "If an account uses nobody@example.com, we've sent a link to it.")
	tab.Open(s, "/forgot")
	tab.Do(chromedp.SendKeys(chromedp.CSS("#forgot-email"), "ann@example.com"), chromedp.Click(chromedp.CSS("#forgot-form button[type=submit]")))
	textIs(tab, "#forgot-sent", "If an account uses ann@example.com, we've sent a link to it.")
	tab.WaitTrue(`document.activeElement?.id === "forgot-sent"`, "focus on the answer")
	shots(tab, "accounts-forgot-sent")

	link := s.MailLink(t, sink, "ann@example.com", "/reset/", 1)
	tab.Open(s, link)
	tab.WaitTrue(`!!document.querySelector("#reset-form")`, "the reset form")
	textIs(tab, "#reset-form", "For your account ann@example.com.")
	shots(tab, "accounts-reset")

	tab.Do(
		chromedp.SendKeys(chromedp.CSS("#reset-password"), "new-secret-1"),
		chromedp.SendKeys(chromedp.CSS("#reset-confirm"), "new-secret-2"),
		chromedp.Click(chromedp.CSS("#reset-form button[type=submit]")),
	)
	textIs(tab, "#reset-confirm-err", "The two passwords don't match.")
	tab.WaitTrue(`document.activeElement?.id === "reset-confirm"`, "focus on the mismatched field")
	tab.Do(chromedp.SetValue(chromedp.CSS("#reset-confirm"), "new-secret-1"), chromedp.Click(chromedp.CSS("#reset-form button[type=submit]")))
	tab.WaitTrue(`location.pathname === "/" && document.querySelector(".account .who")?.textContent === "ann"`, "signed in with the new password, the lock lifted")
	textIs(tab, "#notice", "Your password has been changed, and you're signed in.")

	if _, status := signInAPI(t, s, "ann", "password123"); status != 400 {
		t.Errorf("the old password still signs in: %d", status)
	}
	if token, _ := signInAPI(t, s, "ann", "new-secret-1"); token == "" {
		t.Error("the new password does not sign in")
	}

	// The link works once: the new password changed the key it was signed with.
	tab.Open(s, link)
	tab.Do(
		chromedp.SendKeys(chromedp.CSS("#reset-password"), "another-one"),
		chromedp.SendKeys(chromedp.CSS("#reset-confirm"), "another-one"),
		chromedp.Click(chromedp.CSS("#reset-form button[type=submit]")),
	)
	textIs(tab, "#reset-feedback", "This link has expired or was already used.")
	tab.WaitTrue(`!!document.querySelector('#reset-feedback a[href="/forgot"]')`, "a link to ask again")

	// A link that is not a token of this kind, or has expired: said plainly.
	tab.Open(s, "/reset/eyJhbGciOiJIUzI1NiJ9.eyJ0eXBlIjoicGFzc3dvcmRSZXNldCIsImVtYWlsIjoiYUBiLmMiLCJleHAiOjF9.c2ln")
	textIs(tab, "#link-bad", "Ask for a new link")
	if got := Eval[string](tab, `document.querySelector("main h1").textContent`); got != "This link has expired" {
		t.Errorf("expired link page says %q", got)
	}
}

// Sign up → told a verification mail was sent → the banner asks to verify
// → Resend sends another → its link verifies → the banner is gone. A taken
// email or username is said in the page's words.
func TestSignUpVerifyAndResend(t *testing.T) {
	s := StartServer(t)
	sink := s.Mail(t)
	s.User(t, "taken")
	b := NewBrowser(t)

	tab := b.Tab()
	tab.ExpectRefusals() // the taken email and username
	tab.Open(s, "/signup")
	tab.WaitTrue(`document.title === "Create an account · Rollcall"`, "the sign-up title")
	shots(tab, "accounts-signup")
	tab.Do(
		chromedp.SendKeys(chromedp.CSS("#up-username"), "taken"),
		chromedp.SendKeys(chromedp.CSS("#up-email"), "fresh@example.com"),
		chromedp.SendKeys(chromedp.CSS("#up-password"), "password123"),
		chromedp.Click(chromedp.CSS("#signup-form button[type=submit]")),
	)
	textIs(tab, "#up-username-err", "This username is taken.")
	tab.WaitTrue(`document.activeElement?.id === "up-username" && document.activeElement.getAttribute("aria-invalid") === "true"`, "focus on the field in error")
	tab.Do(
		chromedp.SetValue(chromedp.CSS("#up-username"), "fatima"),
		chromedp.SetValue(chromedp.CSS("#up-email"), "taken@example.com"),
		chromedp.Click(chromedp.CSS("#signup-form button[type=submit]")),
	)
	textIs(tab, "#up-email-err", "This email is already registered — sign in or reset your password.")
	tab.WaitTrue(`!!document.querySelector('#up-email-err a[href^="/signin"]') && !!document.querySelector('#up-email-err a[href="/forgot"]')`, "links to sign in and to reset")
	tab.WaitTrue(`document.querySelector("#up-username-err").textContent === ""`, "the username error cleared")
	if text := mainText(tab); strings.Contains(text, "unique") || strings.Contains(text, "Value must") {
		t.Errorf("PocketBase's own words reached the page:\n%s", text)
	}
	shots(tab, "accounts-signup-taken")

	tab.Do(
		chromedp.SetValue(chromedp.CSS("#up-username"), "fatima"),
		chromedp.SetValue(chromedp.CSS("#up-email"), "fatima@example.com"),
		chromedp.SendKeys(chromedp.CSS("#up-name"), "Fatima Dlamini"),
		chromedp.Click(chromedp.CSS("#signup-form button[type=submit]")),
	)
	tab.WaitTrue(`document.querySelector(".account .who")?.textContent === "Fatima Dlamini"`, "signed in after sign-up")
	textIs(tab, "#notice", "We've sent a link to fatima@example.com to verify your email address.")
	textIs(tab, "#verify-banner", "Please verify your email address (we sent a link to fatima@example.com).")
	tab.Audit("the banner")
	shots(tab, "accounts-banner")

	s.MailLink(t, sink, "fatima@example.com", "/verify/", 1)
	tab.Click("#resend-verification")
	textIs(tab, "#verify-banner .said", "Sent — check your inbox at fatima@example.com.")
	link := s.MailLink(t, sink, "fatima@example.com", "/verify/", 2)

	tab.Open(s, link)
	textIs(tab, "#verified", "your email address is confirmed")
	tab.WaitTrue(`document.getElementById("verify-banner").hidden`, "the banner gone")
	tab.WaitTrue(`document.title === "Your email is verified · Rollcall"`, "the verified page's title")
	shots(tab, "accounts-verified")
	tab.Open(s, "/")
	tab.WaitTrue(`document.getElementById("verify-banner").hidden && !!document.querySelector(".account .who")`, "no banner after a reload")

	// A bad link says so; a signed-in, verified user has nothing more to do.
	tab.Open(s, "/verify/eyJhbGciOiJIUzI1NiJ9.eyJ0eXBlIjoidmVyaWZpY2F0aW9uIn0.c2ln")
	textIs(tab, "#link-bad", "The verification link is invalid or has expired")
	textIs(tab, "main", "Your address is already verified")
}

// The account page: profile, password (staying signed in here), email
// change through the mailed link, sign out everywhere (another session's
// token stops working), and delete with a typed confirmation.
func TestAccountPage(t *testing.T) {
	s := StartServer(t)
	sink := s.Mail(t)
	dora, otherToken := s.User(t, "dora")
	b := NewBrowser(t)

	guest := b.Tab()
	guest.Open(s, "/account")
	guest.WaitTrue(`!!document.querySelector("#account-signin")`, "guests are asked to sign in")

	tab := b.Tab()
	tab.ExpectRefusals() // the wrong current password
	tab.SignIn(s, "dora")
	if Eval[bool](tab, `!document.querySelector("[data-moderator-only]").hidden`) {
		t.Fatal("a user who is no moderator sees Moderation")
	}
	tab.Click(".account a.who")
	tab.WaitTrue(`location.pathname === "/account" && !!document.querySelector("#profile-form")`, "the account page")
	tab.Audit("/account")
	tab.WaitTrue(`document.title === "Your account · Rollcall"`, "the account page's title")
	textIs(tab, "#email", "Your email address is dora@example.com not verified")
	shots(tab, "accounts-account")

	// Profile.
	tab.Do(chromedp.SetValue(chromedp.CSS("#acc-name"), "Dora Naidoo"), chromedp.Click(chromedp.CSS("#profile-form button[type=submit]")))
	textIs(tab, "#profile-feedback", "Profile saved.")
	tab.WaitTrue(`document.querySelector(".account .who")?.textContent === "Dora Naidoo"`, "the header shows the new name")

	// Password: a wrong current one is said beside it; then the change keeps
	// this browser signed in while the old token stops working.
	tab.Do(
		chromedp.SendKeys(chromedp.CSS("#acc-old-password"), "not-it-at-all"),
		chromedp.SendKeys(chromedp.CSS("#acc-password"), "brand-new-pass"),
		chromedp.SendKeys(chromedp.CSS("#acc-password-confirm"), "brand-new-pass"),
		chromedp.Click(chromedp.CSS("#password-form button[type=submit]")),
	)
	textIs(tab, "#acc-old-password-err", "That isn't your current password.")
	tab.Do(chromedp.SetValue(chromedp.CSS("#acc-old-password"), "password123"), chromedp.Click(chromedp.CSS("#password-form button[type=submit]")))
	textIs(tab, "#password-feedback", "Password changed. You're still signed in here")
	if tokenWorks(t, s, otherToken) {
		t.Error("a token from before the password change still works")
	}
	tab.Open(s, "/account")
	tab.WaitTrue(`!!document.querySelector("#profile-form") && document.querySelector(".account .who")?.textContent === "Dora Naidoo"`, "still signed in after a reload")
	if _, status := signInAPI(t, s, "dora", "password123"); status != 400 {
		t.Errorf("the old password still signs in: %d", status)
	}

	// Email change: the link goes to the new address; the password confirms it.
	tab.Do(chromedp.SendKeys(chromedp.CSS("#acc-new-email"), "dora.naidoo@example.org"), chromedp.Click(chromedp.CSS("#email-form button[type=submit]")))
	textIs(tab, "#email-feedback", "We sent a confirmation link to dora.naidoo@example.org.")
	link := s.MailLink(t, sink, "dora.naidoo@example.org", "/confirm-email/", 1)
	tab.Open(s, link)
	textIs(tab, "#confirm-email-form", "to dora.naidoo@example.org")
	shots(tab, "accounts-confirm-email")
	tab.Do(chromedp.SendKeys(chromedp.CSS("#confirm-password"), "wrong-password"), chromedp.Click(chromedp.CSS("#confirm-email-form button[type=submit]")))
	textIs(tab, "#confirm-password-err", "That password isn't right.")
	tab.Do(chromedp.SetValue(chromedp.CSS("#confirm-password"), "brand-new-pass"), chromedp.Click(chromedp.CSS("#confirm-email-form button[type=submit]")))
	tab.WaitTrue(`location.pathname === "/account" && !!document.querySelector("#acc-email-now")`, "back on the account page")
	textIs(tab, "#notice", "Your email address is now dora.naidoo@example.org.")
	textIs(tab, "#acc-email-now", "dora.naidoo@example.org")
	if token, _ := signInAPI(t, s, "dora.naidoo@example.org", "brand-new-pass"); token == "" {
		t.Error("the new address does not sign in")
	}

	// Moderators see the Moderation item (set by a superuser).
	if status, out := s.API(t, "PATCH", "/api/collections/users/records/"+dora, s.Superuser(t), map[string]any{"moderator": true}); status != 200 {
		t.Fatalf("make dora a moderator: %d %v", status, out)
	}
	tab.Open(s, "/account")
	tab.WaitTrue(`!document.querySelector("[data-moderator-only]").hidden && document.querySelector('a[href="/moderation"]')?.textContent === "Moderation"`, "the Moderation item")

	// Sign out everywhere: this browser lands on sign-in; another session ends.
	other, _ := signInAPI(t, s, "dora", "brand-new-pass")
	if !tokenWorks(t, s, other) {
		t.Fatal("the other session does not work to begin with")
	}
	tab.Click("#sign-out-everywhere")
	tab.WaitTrue(`location.pathname === "/signin" && !document.querySelector(".account .who")`, "signed out, on the sign-in page")
	textIs(tab, "#notice", "You're signed out on every browser and device")
	if tokenWorks(t, s, other) {
		t.Error("another session's token still works after signing out everywhere")
	}

	// Delete: the button waits for the username.
	tab.Do(
		chromedp.SendKeys(chromedp.CSS("#in-identity"), "dora"),
		chromedp.SendKeys(chromedp.CSS("#in-password"), "brand-new-pass"),
		chromedp.Click(chromedp.CSS("#signin-form button[type=submit]")),
	)
	tab.WaitTrue(`!!document.querySelector(".account .who")`, "signed in again")
	tab.Open(s, "/account")
	tab.WaitTrue(`document.querySelector("#delete-account")?.disabled === true`, "delete disabled at first")
	tab.Do(chromedp.SendKeys(chromedp.CSS("#acc-delete-confirm"), "dor"))
	if !Eval[bool](tab, `document.querySelector("#delete-account").disabled`) {
		t.Fatal("delete enabled before the username matches")
	}
	tab.Do(chromedp.SendKeys(chromedp.CSS("#acc-delete-confirm"), "a"))
	tab.WaitTrue(`document.querySelector("#delete-account").disabled === false`, "delete enabled once the username matches")
	tab.Click("#delete-account")
	tab.WaitTrue(`location.pathname === "/" && !document.querySelector(".account .who")`, "signed out at home")
	textIs(tab, "#notice", "Your account has been deleted.")
	if _, status := signInAPI(t, s, "dora", "brand-new-pass"); status != 400 {
		t.Errorf("the deleted account still signs in: %d", status)
	}
}

// One-time codes by email, and a button per enabled OAuth2 provider.
func TestSignInWithCodeAndProviders(t *testing.T) {
	s := StartServer(t)
	sink := s.Mail(t)
	s.User(t, "eve")
	status, out := s.API(t, "PATCH", "/api/collections/users", s.Superuser(t), map[string]any{
		"otp":    map[string]any{"enabled": true},
		"oauth2": map[string]any{"enabled": true, "providers": []map[string]any{{"name": "gitlab", "clientId": "test-client", "clientSecret": "test-secret"}}},
	})
	if status != 200 {
		t.Fatalf("enable OTP and GitLab: %d %v", status, out)
	}

	tab := NewBrowser(t).Tab()
	tab.Open(s, "/signin")
	tab.WaitTrue(`document.querySelector('#providers button[data-provider="gitlab"]')?.textContent === "Continue with GitLab"`, "the GitLab button")
	tab.WaitTrue(`!!document.querySelector("#otp-open")`, "the sign-in code button")
	tab.Audit("/signin with providers")
	shots(tab, "accounts-signin-providers")

	tab.Click("#otp-open")
	tab.WaitTrue(`document.activeElement?.id === "otp-email"`, "focus on the code form's email")
	tab.Do(chromedp.SendKeys(chromedp.CSS("#otp-email"), "eve@example.com"), chromedp.Click(chromedp.CSS("#otp-send")))
	textIs(tab, "#otp-code-feedback", "If an account uses eve@example.com, we've sent it a code.")
	tab.WaitTrue(`document.activeElement?.id === "otp-code"`, "focus on the code")
	shots(tab, "accounts-signin-code")

	ctx, cancel := context.WithTimeout(context.Background(), waitDeadline)
	defer cancel()
	msg, err := sink.Wait(ctx, func(m mailsink.Message) bool {
		return mailsink.To("eve@example.com")(m) && strings.Contains(m.Body, "one-time password")
	})
	if err != nil {
		t.Fatalf("no code mailed: %v", err)
	}
	code := regexp.MustCompile(`<strong>(\d+)</strong>`).FindStringSubmatch(msg.Body)
	if code == nil {
		t.Fatalf("no code in the mail:\n%s", msg.Body)
	}
	tab.Do(chromedp.SendKeys(chromedp.CSS("#otp-code"), code[1]), chromedp.Click(chromedp.CSS("#otp-code-form button[type=submit]")))
	tab.WaitTrue(`location.pathname === "/" && document.querySelector(".account .who")?.textContent === "eve"`, "signed in with the code")
}

// Without mail, the pages say so instead of pretending to send.
func TestNoMailSaysSo(t *testing.T) {
	// The binary falls back to a local sendmail: where one is installed,
	// mail is available and there is nothing to refuse.
	for _, p := range []string{"/usr/sbin/sendmail", "/usr/bin/sendmail"} {
		if _, err := os.Stat(p); err == nil {
			t.Skipf("%s exists: this machine can send mail without SMTP", p)
		}
	}
	if p, err := exec.LookPath("sendmail"); err == nil {
		t.Skipf("%s exists: this machine can send mail without SMTP", p)
	}
	s := StartServer(t)
	s.User(t, "gus")
	status, out := s.API(t, "PATCH", "/api/collections/users", s.Superuser(t), map[string]any{"otp": map[string]any{"enabled": true}})
	if status != 200 {
		t.Fatalf("enable OTP: %d %v", status, out)
	}
	tab := NewBrowser(t).Tab()
	tab.Open(s, "/forgot")
	textIs(tab, "#no-mail", "This server can't send email yet — ask the site's administrators.")
	if Eval[bool](tab, `!!document.querySelector("#forgot-form")`) {
		t.Error("the forgot page offers to send mail without mail")
	}
	shots(tab, "accounts-forgot-no-mail")

	tab.Open(s, "/signin")
	textIs(tab, "#otp-unavailable", "This server can't send email yet")
	tab.SignIn(s, "gus")
	textIs(tab, "#verify-banner", "This server can't send email yet")
	if Eval[bool](tab, `!!document.querySelector("#resend-verification")`) {
		t.Error("the banner offers to resend without mail")
	}
	tab.Open(s, "/account")
	textIs(tab, "#email-no-mail", "This server can't send email yet")
}

// With --require-verified, an unverified user's vote and question are
// refused with the reason, and the banner offers to resend the link.
func TestRequireVerified(t *testing.T) {
	s := StartServer(t, "--require-verified")
	sink := s.Mail(t)
	_, aliceToken := s.User(t, "alice")
	// alice verifies through the mailed link (sign-up through the API sent it).
	link := s.MailLink(t, sink, "alice@example.com", "/verify/", 1)
	token := link[strings.LastIndex(link, "/")+1:]
	if status, out := s.API(t, "POST", "/api/collections/users/confirm-verification", "", map[string]any{"token": token}); status != 204 {
		t.Fatalf("verify alice: %d %v", status, out)
	}
	aliceToken, _ = signInAPI(t, s, "alice", "password123")
	id := s.Ask(t, aliceToken, "Should the pool open earlier?")
	s.User(t, "hugo")

	tab := NewBrowser(t).Tab()
	tab.ExpectRefusals()
	tab.SignIn(s, "hugo")
	textIs(tab, "#verify-banner", "Verify your email address to ask, answer, vote or report.")
	tab.WaitTrue(`!!document.querySelector("#resend-verification")`, "the resend button")
	shots(tab, "accounts-banner-required")

	tab.Click(fmt.Sprintf(`article[data-id=%q] button[data-action="like"]`, id))
	textIs(tab, fmt.Sprintf(`article[data-id=%q] .item-note`, id), "Verify your email address") // at the card
	tab.WaitTrue(fmt.Sprintf(`%s === "10"`, rankJS(id)), "the refused like undone")

	tab.Open(s, "/ask")
	tab.Do(chromedp.SendKeys(chromedp.CSS("#q-title"), "Refused question"), chromedp.Click(chromedp.CSS(`main form button[type="submit"]`)))
	textIs(tab, "#q-form-err", "Verify your email address to ask") // beside the button pressed
	shots(tab, "accounts-ask-refused")
	tab.Click("#resend-verification")
	textIs(tab, "#verify-banner .said", "Sent — check your inbox at hugo@example.com.")
	s.MailLink(t, sink, "hugo@example.com", "/verify/", 2)
}

// refuse answers every request matching pattern with status and a
// PocketBase-style JSON body, as a rate limit or a mail-less server would.
func refuse(t *testing.T, tab *Tab, pattern string, status int64, message string) {
	t.Helper()
	ctx := tab.Ctx
	paused := chromedp.Events(ctx, fetch.RequestPaused)
	if _, err := chromedp.Call(ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: pattern}}}); err != nil {
		t.Fatal(err)
	}
	body := []byte(fmt.Sprintf(`{"status":%d,"message":%q,"data":{}}`, status, message))
	go func() {
		for ev, err := range paused {
			if err != nil {
				return
			}
			_, _ = chromedp.Call(ctx, fetch.FulfillRequest, fetch.FulfillRequestParams{
				RequestID: ev.RequestID, ResponseCode: status, Body: body,
				ResponseHeaders: []*fetch.HeaderEntry{{Name: "Content-Type", Value: "application/json"}},
			})
		}
	}()
}

// A rate limit (429) and a refusal to send mail (503) are said in the
// page's words, where the user asked, never in the server's.
func TestMailRefusalsInPlainWords(t *testing.T) {
	s := StartServer(t)
	s.Mail(t)
	s.User(t, "ida")
	b := NewBrowser(t)

	tab := b.Tab()
	tab.ExpectRefusals()
	tab.SignIn(s, "ida")
	refuse(t, tab, "*/api/collections/users/request-verification*", 429, "Too Many Requests.")
	tab.Click("#resend-verification")
	textIs(tab, "#verify-banner .said", "That's too many tries in a few minutes — wait a few minutes and try again.")

	guest := b.Tab()
	guest.ExpectRefusals()
	refuse(t, guest, "*/api/collections/users/request-password-reset*", 503, "Mail is not configured on this server.")
	guest.Open(s, "/forgot")
	guest.Do(chromedp.SendKeys(chromedp.CSS("#forgot-email"), "ida@example.com"), chromedp.Click(chromedp.CSS("#forgot-form button[type=submit]")))
	textIs(guest, "#forgot-feedback", "This server can't send email yet — ask the site's administrators.")
	if Eval[bool](guest, `!!document.querySelector("#forgot-sent") || document.body.innerText.includes("not configured")`) {
		t.Fatal("the page pretended to send, or showed the server's words")
	}
}
