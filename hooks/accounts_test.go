package hooks_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/mailer"

	"github.com/rollcall/rollcall/accounts"
	"github.com/rollcall/rollcall/config"
	"github.com/rollcall/rollcall/hooks"
	"github.com/rollcall/rollcall/internal/apptest"
	"github.com/rollcall/rollcall/openapi/contract"
)

const (
	usersAPI   = "/api/collections/users"
	optionsURL = hooks.AccountPath + "/options"
	signOutURL = hooks.AccountPath + "/sign-out-everywhere"
	testAppURL = "https://rollcall.example.org"
	// mailWait bounds the wait for a mail sent in the background; noMail is
	// how long a test watches for one that must not come (a background send
	// takes a millisecond or two).
	mailWait = 5 * time.Second
	noMail   = 300 * time.Millisecond
)

// The roles of these tests: carol is made verified; alice stays unverified
// (the fixture's users are created unverified).
func accountRole(role string) map[string]string {
	return map[string]map[string]string{
		"anonymous":       {},
		"user":            auth("carol"),
		"unverified user": auth("alice"),
		"superuser":       auth("super"),
	}[role]
}

// noSendmail makes the machine look like one without sendmail, so mail
// works exactly when a test turns SMTP on.
func noSendmail(t *testing.T) {
	old := accounts.SendmailPaths
	accounts.SendmailPaths = []string{filepath.Join(t.TempDir(), "sendmail")}
	t.Cleanup(func() { accounts.SendmailPaths = old })
}

// accountApps clones the fixture with the real hooks, --app-url set,
// --require-verified as given, and SMTP on when mail is true (the test app's
// mailer catches every mail). Carol is verified; one-time codes are on.
func accountApps(t *testing.T, requireVerified, mail bool) (func(testing.TB) *tests.TestApp, *config.Config) {
	noSendmail(t)
	cfg := config.New()
	cfg.Now = apptest.NewClock(apptest.FixtureTime).Now
	cfg.RequireVerified = requireVerified
	cfg.AppURL = testAppURL
	return func(tb testing.TB) *tests.TestApp {
		app := fixture.NewApp(tb, cfg)
		app.Settings().SMTP.Enabled = mail
		carol, err := app.FindRecordById("users", apptest.Carol)
		if err != nil {
			tb.Fatal(err)
		}
		carol.SetVerified(true)
		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			tb.Fatal(err)
		}
		users.OTP.Enabled = true
		if err := errors.Join(app.SaveNoValidate(carol), app.Save(users)); err != nil {
			tb.Fatal(err)
		}
		return app
	}, cfg
}

// waitForMail returns the first mail to address, waiting for mail sent in
// the background.
func waitForMail(tb testing.TB, app *tests.TestApp, address string) *mailer.Message {
	tb.Helper()
	for deadline := time.Now().Add(mailWait); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		for _, m := range app.TestMailer.Messages() {
			for _, to := range m.To {
				if to.Address == address {
					return m
				}
			}
		}
	}
	tb.Fatalf("no mail to %s", address)
	return nil
}

// noMailWithin fails if any mail is sent within noMail.
func noMailWithin(tb testing.TB, app *tests.TestApp) {
	tb.Helper()
	for deadline := time.Now().Add(noMail); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if n := app.TestMailer.TotalSend(); n > 0 {
			tb.Fatalf("%d mails sent, want none (first to %v)", n, app.TestMailer.FirstMessage().To)
		}
	}
}

// linkToken is the token of the first link in html under testAppURL+path.
func linkToken(tb testing.TB, html, path string) string {
	tb.Helper()
	m := regexp.MustCompile(regexp.QuoteMeta(testAppURL+path) + `([A-Za-z0-9_.-]+)`).FindStringSubmatch(html)
	if m == nil {
		tb.Fatalf("no %s%s link in the mail:\n%s", testAppURL, path, html)
	}
	return m[1]
}

const verifyFirst = `"message":"Verify your email address to ask, answer, vote or report.`

// With --require-verified, every write that speaks is refused to an
// unverified user (before anything is written); guests meet the usual
// rules, verified users and superusers pass. Off, unverified users write.
func TestRequireVerified(t *testing.T) {
	type write struct {
		name, method, url string
		bodies            map[string]string // by role
		want              map[string]int    // by role
	}
	writes := []write{
		{"ask", http.MethodPost, questionsURL,
			map[string]string{"anonymous": `{"title":"Q?"}`, "user": `{"title":"Q?"}`, "unverified user": `{"title":"Q?"}`, "superuser": `{"title":"Q?","author":"` + apptest.Bob + `"}`},
			map[string]int{"anonymous": 400, "user": 200, "unverified user": 403, "superuser": 200}},
		// Answers and votes on a question that is not the writer's own.
		{"answer", http.MethodPost, answersURL,
			map[string]string{"anonymous": `{"question":"` + apptest.AliceQuestion + `","value":3}`, "user": `{"question":"` + apptest.AliceQuestion + `","value":3}`,
				"unverified user": `{"question":"` + apptest.BobQuestion + `","value":3}`, "superuser": `{"question":"` + apptest.AliceQuestion + `","author":"` + apptest.Bob + `","value":3}`},
			map[string]int{"anonymous": 400, "user": 200, "unverified user": 403, "superuser": 200}},
		{"vote", http.MethodPost, votesURL,
			map[string]string{"anonymous": `{"question":"` + apptest.AliceQuestion + `","kind":"like"}`, "user": `{"question":"` + apptest.AliceQuestion + `","kind":"like"}`,
				"unverified user": `{"question":"` + apptest.BobQuestion + `","kind":"like"}`, "superuser": `{"question":"` + apptest.AliceQuestion + `","author":"` + apptest.Bob + `","kind":"like"}`},
			map[string]int{"anonymous": 400, "user": 200, "unverified user": 403, "superuser": 200}},
		{"edit own question", http.MethodPatch, questionsURL + "/" + apptest.AliceQuestion,
			map[string]string{"anonymous": `{"title":"Edited"}`, "unverified user": `{"title":"Edited"}`, "superuser": `{"title":"Edited"}`},
			map[string]int{"anonymous": 404, "unverified user": 403, "superuser": 200}},
		{"edit own answer", http.MethodPatch, answersURL + "/" + apptest.CarolAnswer,
			map[string]string{"user": `{"value":2}`, "superuser": `{"value":2}`},
			map[string]int{"user": 200, "superuser": 200}},
		{"change own vote", http.MethodPatch, votesURL + "/" + apptest.CarolVote,
			map[string]string{"user": `{"kind":"dislike"}`, "superuser": `{"kind":"dislike"}`},
			map[string]int{"user": 200, "superuser": 200}},
		{"report", http.MethodPost, "/api/collections/reports/records",
			map[string]string{"unverified user": `{"question":"` + apptest.BobQuestion + `","reason":"spam"}`},
			map[string]int{"unverified user": 403}},
	}
	on, _ := accountApps(t, true, false)
	for _, w := range writes {
		for role, status := range w.want {
			s := tests.ApiScenario{
				Name:   "require-verified on: " + w.name + " as " + role,
				Method: w.method, URL: w.url, Headers: accountRole(role), Body: body(w.bodies[role]),
				ExpectedStatus: status, TestAppFactory: on,
			}
			if status == 403 {
				s.ExpectedContent = []string{verifyFirst, `"status":403`}
				hook := "OnRecordCreateRequest"
				if w.method == http.MethodPatch {
					hook = "OnRecordUpdateRequest"
				}
				s.ExpectedEvents = map[string]int{"*": 0, hook: 1} // refused before any save
			} else {
				s.NotExpectedContent = []string{verifyFirst}
				s.ExpectedContent = []string{`"id"`}
				if status >= 400 {
					s.ExpectedContent = []string{`"status":` + itoa(status)}
				}
			}
			s.Test(t)
		}
	}
	// Carol, unverified now, is refused her own answer's and vote's edits too.
	for _, url := range []string{answersURL + "/" + apptest.CarolAnswer, votesURL + "/" + apptest.CarolVote} {
		s := tests.ApiScenario{
			Name: "require-verified on: unverified carol edits " + url, Method: http.MethodPatch, URL: url,
			Headers: auth("carol"), Body: body(`{}`), ExpectedStatus: 403,
			ExpectedContent: []string{verifyFirst}, ExpectedEvents: map[string]int{"*": 0, "OnRecordUpdateRequest": 1},
			TestAppFactory: func(tb testing.TB) *tests.TestApp {
				app := on(tb)
				carol, _ := app.FindRecordById("users", apptest.Carol)
				carol.SetVerified(false)
				if err := app.SaveNoValidate(carol); err != nil {
					tb.Fatal(err)
				}
				return app
			},
		}
		s.Test(t)
	}

	// Off (the default): the unverified user writes.
	off, _ := accountApps(t, false, false)
	for _, w := range writes[:4] {
		s := tests.ApiScenario{
			Name:   "require-verified off: " + w.name + " as unverified user",
			Method: w.method, URL: w.url, Headers: auth("alice"), Body: body(w.bodies["unverified user"]),
			ExpectedStatus: 200, ExpectedContent: []string{`"id"`}, TestAppFactory: off,
		}
		s.Test(t)
	}
	// Reports belong to the moderation hooks: only the verified rule is
	// checked here, whatever they answer otherwise.
	for _, c := range []struct {
		name    string
		factory func(testing.TB) *tests.TestApp
		role    string
	}{{"on, verified user", on, "user"}, {"off, unverified user", off, "unverified user"}} {
		app := c.factory(t)
		client := apptest.Serve(t, app)
		status, out := client.Do(http.MethodPost, "/api/collections/reports/records", accountRole(c.role)["Authorization"],
			map[string]any{"question": apptest.AliceQuestion, "reason": "spam"})
		if msg, _ := out["message"].(string); status == 403 || strings.HasPrefix(msg, "Verify your email") {
			t.Errorf("report, %s: %d %v", c.name, status, out)
		}
		app.Cleanup()
	}
}

// Without mail, every request that would send one is 503, the same answer
// for an address that has an account and one that has none. With mail,
// PocketBase's own answers stand and the links open this app's pages.
func TestMailGate(t *testing.T) {
	off, _ := accountApps(t, false, false)
	requests := []struct{ name, url, email string }{
		{"password reset", usersAPI + "/request-password-reset", ""},
		{"verification", usersAPI + "/request-verification", ""},
		{"one-time code", usersAPI + "/request-otp", ""},
		{"password reset, collection by id", "/api/collections/_pb_users_auth_/request-password-reset", ""},
		{"password reset, collection in capitals", "/api/collections/USERS/request-password-reset", ""},
	}
	bodies := map[string]string{}
	for _, r := range requests {
		for _, email := range []string{"alice@example.com", "nobody@example.com"} {
			s := tests.ApiScenario{
				Name: "no mail: " + r.name + " for " + email, Method: http.MethodPost, URL: r.url,
				Body: body(`{"email":"` + email + `"}`), ExpectedStatus: 503,
				ExpectedContent: []string{`"message":"` + accounts.MailUnavailableMessage + `"`},
				ExpectedEvents:  map[string]int{"*": 0},
				TestAppFactory:  off,
				AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
					raw, _ := io.ReadAll(res.Body)
					bodies[r.name+" "+email] = string(raw)
				},
			}
			s.Test(t)
		}
		if a, b := bodies[r.name+" alice@example.com"], bodies[r.name+" nobody@example.com"]; a != b {
			t.Errorf("no mail: %s answers differ by address:\n%s\n%s", r.name, a, b)
		}
	}
	for _, s := range []tests.ApiScenario{
		{
			Name: "no mail: email change as a user", Method: http.MethodPost, URL: usersAPI + "/request-email-change",
			Headers: auth("alice"), Body: body(`{"newEmail":"alice2@example.com"}`), ExpectedStatus: 503,
			ExpectedContent: []string{accounts.MailUnavailableMessage}, ExpectedEvents: map[string]int{"*": 0},
		},
		{
			Name: "no mail: email change as a guest is PocketBase's 401", Method: http.MethodPost, URL: usersAPI + "/request-email-change",
			Body: body(`{"newEmail":"x@example.com"}`), ExpectedStatus: 401, ExpectedContent: []string{`"status":401`},
		},
		{
			Name: "no mail: one-time codes off is PocketBase's 403", Method: http.MethodPost, URL: usersAPI + "/request-otp",
			Body: body(`{"email":"alice@example.com"}`), ExpectedStatus: 403, ExpectedContent: []string{`not configured to allow OTP`},
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
				users, _ := app.FindCollectionByNameOrId("users")
				users.OTP.Enabled = false
				if err := app.Save(users); err != nil {
					t.Fatal(err)
				}
			},
		},
		{
			// Superusers have the dashboard and the shell; the gate is for users.
			Name: "no mail: a superuser's password reset is PocketBase's", Method: http.MethodPost,
			URL: "/api/collections/_superusers/request-password-reset", Body: body(`{"email":"admin@example.com"}`), ExpectedStatus: 204,
		},
		{
			Name: "no mail: sign-in still works", Method: http.MethodPost, URL: usersAPI + "/auth-with-password",
			Body: body(`{"identity":"alice","password":"` + apptest.Password + `"}`), ExpectedStatus: 200, ExpectedContent: []string{`"token"`},
		},
	} {
		s.TestAppFactory = off
		s.Test(t)
	}

	on, _ := accountApps(t, false, true)
	for _, s := range []tests.ApiScenario{
		{
			Name: "mail: password reset mails a /reset/ link", Method: http.MethodPost, URL: usersAPI + "/request-password-reset",
			Body: body(`{"email":"alice@example.com"}`), ExpectedStatus: 204,
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				m := waitForMail(t, app, "alice@example.com")
				token := linkToken(t, m.HTML, "/reset/")
				if rec, err := app.FindAuthRecordByToken(token, core.TokenTypePasswordReset); err != nil || rec.Id != apptest.Alice {
					t.Errorf("reset link's token: %v", err)
				}
			},
		},
		{
			Name: "mail: unknown address is still PocketBase's 204", Method: http.MethodPost, URL: usersAPI + "/request-password-reset",
			Body: body(`{"email":"nobody@example.com"}`), ExpectedStatus: 204,
		},
		{
			Name: "mail: verification mails a /verify/ link", Method: http.MethodPost, URL: usersAPI + "/request-verification",
			Body: body(`{"email":"alice@example.com"}`), ExpectedStatus: 204,
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				linkToken(t, waitForMail(t, app, "alice@example.com").HTML, "/verify/")
			},
		},
		{
			Name: "mail: email change mails a /confirm-email/ link to the new address", Method: http.MethodPost, URL: usersAPI + "/request-email-change",
			Headers: auth("alice"), Body: body(`{"newEmail":"alice.new@example.com"}`), ExpectedStatus: 204,
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				linkToken(t, waitForMail(t, app, "alice.new@example.com").HTML, "/confirm-email/")
			},
		},
		{
			Name: "mail: one-time code", Method: http.MethodPost, URL: usersAPI + "/request-otp",
			Body: body(`{"email":"alice@example.com"}`), ExpectedStatus: 200, ExpectedContent: []string{`"otpId"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) { waitForMail(t, app, "alice@example.com") },
		},
		{
			// PocketBase's own guard against address probing is kept.
			Name: "mail: one-time code for an unknown address still gets an otpId", Method: http.MethodPost, URL: usersAPI + "/request-otp",
			Body: body(`{"email":"nobody@example.com"}`), ExpectedStatus: 200, ExpectedContent: []string{`"otpId"`},
		},
	} {
		s.TestAppFactory = on
		s.Test(t)
	}
}

// A sign-up gets the verification mail, with a working link under the app
// URL, when mail works; without mail, or when mail fails, the sign-up
// still succeeds.
func TestVerificationMailAfterSignUp(t *testing.T) {
	signUp := `{"username":"erin","email":"erin@example.com","password":"password123","passwordConfirm":"password123"}`
	on, _ := accountApps(t, false, true)
	off, _ := accountApps(t, false, false)
	failed := make(chan struct{})
	for _, s := range []tests.ApiScenario{
		{
			Name: "mail: the new user gets a /verify/ link that verifies them", TestAppFactory: on,
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				if got := app.Settings().Meta.AppURL; got != testAppURL {
					t.Fatalf("app URL %q: --app-url not stored", got)
				}
				token := linkToken(t, waitForMail(t, app, "erin@example.com").HTML, "/verify/")
				rec, err := app.FindAuthRecordByToken(token, core.TokenTypeVerification)
				if err != nil || rec.GetString("username") != "erin" {
					t.Fatalf("the link's token does not verify erin: %v", err)
				}
			},
		},
		{
			Name: "no mail: signed up, nothing sent", TestAppFactory: off,
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) { noMailWithin(t, app) },
		},
		{
			Name: "mail fails: signed up all the same",
			TestAppFactory: func(tb testing.TB) *tests.TestApp {
				app := on(tb)
				app.OnMailerRecordVerificationSend().BindFunc(func(e *core.MailerRecordEvent) error {
					close(failed)
					return errors.New("smtp: connection refused")
				})
				return app
			},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				select { // the send was tried (and failed) before the app goes
				case <-failed:
				case <-time.After(mailWait):
					t.Fatal("no verification mail was tried")
				}
				if _, err := app.FindFirstRecordByData("users", "username", "erin"); err != nil {
					t.Fatal("no user after a failed mail")
				}
			},
		},
	} {
		s.Method, s.URL, s.Body = http.MethodPost, usersAPI+"/records", body(signUp)
		s.ExpectedStatus, s.ExpectedContent = 200, []string{`"username":"erin"`, `"verified":false`}
		s.Test(t)
	}
	// A user created already verified (a superuser's choice) gets no mail.
	s := tests.ApiScenario{
		Name: "mail: a user created verified gets none", Method: http.MethodPost, URL: usersAPI + "/records", Headers: auth("super"),
		Body:           body(`{"username":"erin","email":"erin@example.com","password":"password123","passwordConfirm":"password123","verified":true}`),
		ExpectedStatus: 200, ExpectedContent: []string{`"verified":true`}, TestAppFactory: on,
		AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) { noMailWithin(t, app) },
	}
	s.Test(t)
}

// Ten failed sign-ins per identity in 15 minutes, then 429 for every
// attempt (the right password too) until the window ends, answered alike
// for an account that exists and one that does not.
func TestFailedSignInLimit(t *testing.T) {
	noSendmail(t)
	clock := apptest.NewClock(apptest.FixtureTime)
	cfg := config.New()
	cfg.Now = clock.Now
	app := fixture.NewApp(t, cfg)
	defer app.Cleanup()
	app.Settings().RateLimits.Enabled = false // the per-IP limit (10/min) would answer first
	client := apptest.Serve(t, app)
	signIn := func(identity, password string) (int, map[string]any) {
		return client.Do(http.MethodPost, usersAPI+"/auth-with-password", "", map[string]string{"identity": identity, "password": password})
	}
	const limited = "Too many failed sign-ins for this account. Try again in 15 minutes."

	answers := map[string][]string{}
	for _, identity := range []string{"alice", "nobody@example.com"} {
		for i := 1; i <= accounts.MaxFailedSignIns; i++ {
			status, out := signIn(identity, "wrong-password")
			answers[identity] = append(answers[identity], itoa(status)+" "+out["message"].(string))
		}
		// Also with the right password, and however the identity is typed.
		for _, typed := range []string{identity, "  " + strings.ToUpper(identity) + " "} {
			status, out := signIn(typed, apptest.Password)
			answers[identity] = append(answers[identity], itoa(status)+" "+out["message"].(string))
		}
	}
	want := append(slicesRepeat("400 Failed to authenticate.", accounts.MaxFailedSignIns), "429 "+limited, "429 "+limited)
	for identity, got := range answers {
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s: answers\n%s\nwant\n%s", identity, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
	// Another account is not affected.
	if status, _ := signIn("bob", apptest.Password); status != 200 {
		t.Fatalf("bob: %d", status)
	}
	// Later in the window the wait shrinks; after it, the right password works.
	clock.Set(apptest.FixtureTime.Add(10*time.Minute + 30*time.Second))
	if status, out := signIn("alice", apptest.Password); status != 429 || out["message"] != "Too many failed sign-ins for this account. Try again in 5 minutes." {
		t.Fatalf("10½ minutes on: %d %v", status, out)
	}
	clock.Set(apptest.FixtureTime.Add(15 * time.Minute))
	if status, _ := signIn("alice", apptest.Password); status != 200 {
		t.Fatalf("after the window: %d", status)
	}

	// Superusers are limited too, counted apart from a user with the same
	// address (the superuser collection's own endpoint).
	superSignIn := func(password string) int {
		status, _ := client.Do(http.MethodPost, "/api/collections/_superusers/auth-with-password", "",
			map[string]string{"identity": "admin@example.com", "password": password})
		return status
	}
	for i := 1; i <= accounts.MaxFailedSignIns; i++ {
		if status := superSignIn("wrong-password"); status != 400 {
			t.Fatalf("superuser failure %d: %d", i, status)
		}
	}
	if status := superSignIn(apptest.Password); status != 429 {
		t.Fatalf("superuser after %d failures, right password: %d, want 429", accounts.MaxFailedSignIns, status)
	}
	if status, _ := signIn("admin@example.com", "wrong-password"); status != 400 {
		t.Fatalf("the same address on users after the superuser was locked: %d, want 400 (counted apart)", status)
	}

	// A success clears the count: nine failures, a success, nine more are
	// all ordinary failures.
	for round := range 2 {
		for i := 0; i < accounts.MaxFailedSignIns-1; i++ {
			if status, _ := signIn("carol@example.com", "wrong-password"); status != 400 {
				t.Fatalf("round %d, failure %d: %d", round, i+1, status)
			}
		}
		if status, _ := signIn("carol@example.com", apptest.Password); status != 200 {
			t.Fatalf("round %d: right password refused: %d", round, status)
		}
	}
}

// A password reset lifts the failed sign-in limit of its account, under its
// email and its username; a reset that fails lifts nothing.
func TestPasswordResetLiftsSignInLimit(t *testing.T) {
	noSendmail(t)
	app := fixture.NewApp(t, nil)
	defer app.Cleanup()
	app.Settings().RateLimits.Enabled = false // the per-IP limit (10/min) would answer first
	client := apptest.Serve(t, app)
	signIn := func(identity, password string) int {
		status, _ := client.Do(http.MethodPost, usersAPI+"/auth-with-password", "", map[string]string{"identity": identity, "password": password})
		return status
	}
	reset := func(token string) int {
		status, _ := client.Do(http.MethodPost, usersAPI+"/confirm-password-reset", "",
			map[string]string{"token": token, "password": "a-new-password", "passwordConfirm": "a-new-password"})
		return status
	}
	for _, identity := range []string{"alice", "alice@example.com"} {
		for range accounts.MaxFailedSignIns {
			signIn(identity, "wrong-password")
		}
		if status := signIn(identity, apptest.Password); status != 429 {
			t.Fatalf("%s after %d failures: %d, want 429", identity, accounts.MaxFailedSignIns, status)
		}
	}
	if status := reset("not-a-token"); status != 400 {
		t.Fatalf("a bad reset token: %d, want 400", status)
	}
	if status := signIn("alice", apptest.Password); status != 429 {
		t.Fatalf("after a failed reset: %d, want 429 still", status)
	}
	alice, err := app.FindRecordById("users", apptest.Alice)
	if err != nil {
		t.Fatal(err)
	}
	token, err := alice.NewPasswordResetToken()
	if err != nil {
		t.Fatal(err)
	}
	if status := reset(token); status != 204 {
		t.Fatalf("reset: %d, want 204", status)
	}
	for _, identity := range []string{"alice", "alice@example.com"} {
		if status := signIn(identity, "a-new-password"); status != 200 {
			t.Errorf("%q with the new password after the reset: %d, want 200", identity, status)
		}
	}
}

func slicesRepeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

// GET /api/account/options is public and says whether mail works and
// whether writes need a verified email.
func TestAccountOptions(t *testing.T) {
	checker, err := contract.Load()
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := accountApps(t, false, false)
	strict, _ := accountApps(t, true, true)
	for _, role := range []string{"anonymous", "user", "unverified user", "superuser"} {
		headers := accountRole(role)
		for _, c := range []struct {
			factory func(testing.TB) *tests.TestApp
			want    string
		}{{plain, `{"mail":false,"requireVerified":false}`}, {strict, `{"mail":true,"requireVerified":true}`}} {
			s := checker.Scenario(tests.ApiScenario{
				Name: "options as " + role + " → " + c.want, Method: http.MethodGet, URL: optionsURL, Headers: headers,
				ExpectedStatus: 200, ExpectedContent: []string{c.want}, TestAppFactory: c.factory,
				ExpectedEvents: map[string]int{"*": 0},
			})
			s.Test(t)
		}
	}
	s := checker.ResponseScenario(tests.ApiScenario{
		Name: "options refuses parameters", Method: http.MethodGet, URL: optionsURL + "?mail=1", ExpectedStatus: 400,
		ExpectedContent: []string{`"mail":{"code":"validation_unknown_parameter"`}, TestAppFactory: plain,
	})
	s.Test(t)
}

// Sign out everywhere: users only; afterwards every token issued before,
// the caller's included, is refused, and signing in again works.
func TestSignOutEverywhere(t *testing.T) {
	checker, err := contract.Load()
	if err != nil {
		t.Fatal(err)
	}
	apps, _ := accountApps(t, true, false)
	want := map[string]int{"anonymous": 401, "user": 204, "unverified user": 204, "superuser": 403}
	for role, status := range want {
		s := checker.Scenario(tests.ApiScenario{
			Name: "sign out everywhere as " + role, Method: http.MethodPost, URL: signOutURL, Headers: accountRole(role),
			ExpectedStatus: status, TestAppFactory: apps,
		})
		if status != 204 {
			s.ExpectedContent = []string{`"status":` + itoa(status)}
		}
		s.Test(t)
	}
	s := checker.ResponseScenario(tests.ApiScenario{
		Name: "sign out everywhere refuses parameters", Method: http.MethodPost, URL: signOutURL + "?all=1", Headers: auth("alice"),
		ExpectedStatus: 400, ExpectedContent: []string{`"all":{"code":"validation_unknown_parameter"`}, TestAppFactory: apps,
	})
	s.Test(t)

	app := apps(t)
	defer app.Cleanup()
	alice, err := app.FindRecordById("users", apptest.Alice)
	if err != nil {
		t.Fatal(err)
	}
	otherDevice, err := alice.NewAuthToken()
	if err != nil {
		t.Fatal(err)
	}
	client := apptest.Serve(t, app)
	refresh := func(token string) int {
		status, _ := client.Do(http.MethodPost, usersAPI+"/auth-refresh", token, nil)
		return status
	}
	if refresh(fixture.Tokens["alice"]) != 200 || refresh(otherDevice) != 200 {
		t.Fatal("tokens not valid before signing out")
	}
	if status, out := client.Do(http.MethodPost, signOutURL, fixture.Tokens["alice"], nil); status != 204 {
		t.Fatalf("sign out: %d %v", status, out)
	}
	for name, token := range map[string]string{"the caller's": fixture.Tokens["alice"], "another device's": otherDevice} {
		if status := refresh(token); status != 401 {
			t.Errorf("%s old token: auth-refresh %d, want 401", name, status)
		}
	}
	if refresh(fixture.Tokens["bob"]) != 200 {
		t.Error("another user was signed out")
	}
	status, out := client.Do(http.MethodPost, usersAPI+"/auth-with-password", "", map[string]string{"identity": "alice", "password": apptest.Password})
	if status != 200 || refresh(out["token"].(string)) != 200 {
		t.Fatalf("signing in again: %d %v", status, out)
	}
}

// oidcUser is what the fake provider says about the user behind a code.
type oidcUser struct {
	Sub      string `json:"sub"`
	Name     string `json:"name,omitempty"`
	Username string `json:"preferred_username,omitempty"`
	Email    string `json:"email,omitempty"`
	Verified bool   `json:"email_verified"`
}

// fakeOIDC is a loopback OpenID Connect provider: the code is the key of
// the user it signs in.
func fakeOIDC(t *testing.T, users map[string]oidcUser) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil || users[r.PostForm.Get("code")].Sub == "" {
			http.Error(w, `{"error":"invalid_grant"}`, http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": r.PostForm.Get("code"), "token_type": "Bearer", "expires_in": 3600})
	})
	mux.HandleFunc("GET /userinfo", func(w http.ResponseWriter, r *http.Request) {
		u, ok := users[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")]
		if !ok {
			http.Error(w, "unknown token", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(u)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// A new OAuth2 user gets a valid, unique username from the provider's
// username, name or email, and a name that fits; an existing one keeps
// theirs. OAuth2 accounts are verified by PocketBase: no verification mail.
func TestOAuth2Usernames(t *testing.T) {
	longName := strings.Repeat("Bartholomew ", 12) // 144 characters
	srv := fakeOIDC(t, map[string]oidcUser{
		"zoe":      {Sub: "1", Name: "Zoë Quinn", Username: "Zoë.Q", Email: "zoe@example.org", Verified: true},
		"alice2":   {Sub: "2", Name: "Alice Other", Username: "alice", Email: "alice.other@example.org", Verified: true},
		"li":       {Sub: "3", Name: "李小龙", Username: "李", Email: "x@example.org", Verified: true},
		"noname":   {Sub: "4", Email: "dave.d+news@example.org", Verified: true},
		"long":     {Sub: "5", Name: longName, Email: "bart@example.org", Verified: true},
		"existing": {Sub: "6", Name: "Alice Again", Username: "someone_else", Email: "alice@example.com", Verified: true},
	})
	mailOn, _ := accountApps(t, false, true)
	apps := func(tb testing.TB) *tests.TestApp {
		app := mailOn(tb)
		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			tb.Fatal(err)
		}
		users.OAuth2.Enabled = true
		users.OAuth2.Providers = []core.OAuth2ProviderConfig{{
			Name: "oidc", ClientId: "rollcall", ClientSecret: "secret",
			AuthURL: srv.URL + "/auth", TokenURL: srv.URL + "/token", UserInfoURL: srv.URL + "/userinfo",
		}}
		if err := app.Save(users); err != nil {
			tb.Fatal(err)
		}
		return app
	}
	cases := []struct {
		code     string
		want     []string
		username string
	}{
		{"zoe", []string{`"username":"zoe_q"`, `"name":"Zoë Quinn"`, `"verified":true`, `"isNew":true`}, "zoe_q"},
		{"alice2", []string{`"username":"alice_2"`, `"isNew":true`}, "alice_2"},
		{"li", []string{`"username":"x_user"`, `"name":"李小龙"`}, "x_user"},
		{"noname", []string{`"username":"dave_d"`, `"name":"dave_d"`}, "dave_d"},
		{"long", []string{`"username":"bartholomew_bartholomew_bartho"`, `"name":"` + strings.TrimSpace(longName[:100]) + `"`}, "bartholomew_bartholomew_bartho"},
		{"existing", []string{`"username":"alice"`, `"isNew":false`}, "alice"},
	}
	for _, c := range cases {
		s := tests.ApiScenario{
			Name: "oauth2 sign-in " + c.code, Method: http.MethodPost, URL: usersAPI + "/auth-with-oauth2",
			Body:           body(`{"provider":"oidc","code":"` + c.code + `","codeVerifier":"verifier","redirectURL":"http://127.0.0.1/redirect"}`),
			ExpectedStatus: 200, ExpectedContent: append([]string{`"token"`}, c.want...), TestAppFactory: apps,
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				if c.code != "existing" {
					noMailWithin(t, app)
				}
			},
		}
		s.Test(t)
	}
	// What the client chose in createData stands (PocketBase validates it).
	s := tests.ApiScenario{
		Name: "oauth2 sign-up with a chosen username", Method: http.MethodPost, URL: usersAPI + "/auth-with-oauth2",
		Body:           body(`{"provider":"oidc","code":"zoe","codeVerifier":"v","redirectURL":"http://127.0.0.1/r","createData":{"username":"zq_1984"}}`),
		ExpectedStatus: 200, ExpectedContent: []string{`"username":"zq_1984"`}, TestAppFactory: apps,
	}
	s.Test(t)
}
