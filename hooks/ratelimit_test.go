package hooks_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/logger"

	"github.com/rollcall/rollcall/config"
	"github.com/rollcall/rollcall/internal/apptest"
	"github.com/rollcall/rollcall/migrations"
)

// spend sends n requests before the scenario's own one, from the same
// client address (httptest's 192.0.2.1), through the full router.
func spend(n int, method, url, token string, payload func(i int) string) func(testing.TB, *tests.TestApp, *core.ServeEvent) {
	return func(t testing.TB, _ *tests.TestApp, e *core.ServeEvent) {
		mux, err := e.Router.BuildMux()
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < n; i++ {
			req := httptest.NewRequest(method, url, strings.NewReader(payload(i)))
			req.Header.Set("Content-Type", "application/json")
			if token != "" {
				req.Header.Set("Authorization", token)
			}
			rec := httptest.NewRecorder()
			mux.ServeHTTP(rec, req)
			if rec.Code == http.StatusTooManyRequests {
				t.Fatalf("request %d of %d already limited", i+1, n)
			}
		}
	}
}

func limit(label string) int {
	for _, r := range slices.Concat(migrations.RateLimitRules, migrations.ValuationRateLimits, migrations.ValuationFigureLimits) {
		if r.Label == label {
			return int(r.MaxRequests)
		}
	}
	panic("no rate limit rule " + label)
}

func TestRateLimits(t *testing.T) {
	// A new identity each time: the per-account limit on failed sign-ins
	// (accounts/) stays out of it, so a 429 is the per-address limiter's.
	signIn := func(i int) string { return `{"identity":"guess` + itoa(i) + `","password":"wrong-password"}` }
	signUp := func(i int) string {
		u := "newbie_" + string(rune('a'+i))
		return `{"username":"` + u + `","email":"` + u + `@example.com","password":"password123","passwordConfirm":"password123"}`
	}
	ask := func(int) string { return `{"title":"Another one"}` }
	exempt := config.New()
	exempt.Now = apptest.NewClock(apptest.FixtureTime).Now
	exempt.RateLimitExempt = []string{"192.0.2.0/24"}

	scenarios := []tests.ApiScenario{
		{
			Name: "password guessing is cut off", Method: http.MethodPost, URL: "/api/collections/users/auth-with-password",
			Body: strings.NewReader(signIn(limit("*:auth"))), ExpectedStatus: 429, ExpectedContent: []string{`"status":429`},
			NotExpectedContent: []string{"for this account"},
			BeforeTestFunc:     spend(limit("*:auth"), http.MethodPost, "/api/collections/users/auth-with-password", "", signIn),
			TestAppFactory:     fixture.Factory(nil),
		},
		{
			Name: "sign-ups are limited", Method: http.MethodPost, URL: "/api/collections/users/records",
			Body: strings.NewReader(signUp(20)), ExpectedStatus: 429, ExpectedContent: []string{`"status":429`},
			BeforeTestFunc: spend(limit("users:create"), http.MethodPost, "/api/collections/users/records", "", signUp),
			TestAppFactory: fixture.Factory(nil),
		},
		{
			Name: "writes are limited", Method: http.MethodPost, URL: questionsURL, Headers: auth("alice"),
			Body: strings.NewReader(ask(0)), ExpectedStatus: 429, ExpectedContent: []string{`"status":429`},
			BeforeTestFunc: spend(limit("*:create"), http.MethodPost, questionsURL, fixture.Tokens["alice"], ask),
			TestAppFactory: fixture.Factory(nil),
		},
		{
			Name: "the top-20 endpoint is limited", Method: http.MethodGet, URL: "/api/questions/top",
			ExpectedStatus: 429, ExpectedContent: []string{`"status":429`},
			BeforeTestFunc: spend(limit("/api/"), http.MethodGet, "/api/questions/top", "", func(int) string { return "" }),
			TestAppFactory: fixture.Factory(nil),
		},
		{
			Name: "valuation statistics are limited", Method: http.MethodGet, URL: "/api/valuations/stats",
			ExpectedStatus: 429, ExpectedContent: []string{`"status":429`},
			BeforeTestFunc: spend(limit("GET /api/valuations/stats"), http.MethodGet, "/api/valuations/stats", "", func(int) string { return "" }),
			TestAppFactory: fixture.Factory(nil),
		},
		{
			Name: "valuation facets are limited", Method: http.MethodGet, URL: "/api/valuations/facets",
			ExpectedStatus: 429, ExpectedContent: []string{`"status":429`},
			BeforeTestFunc: spend(limit("GET /api/valuations/facets"), http.MethodGet, "/api/valuations/facets", "", func(int) string { return "" }),
			TestAppFactory: fixture.Factory(nil),
		},
		{
			Name: "valuation changes are limited", Method: http.MethodGet, URL: "/api/valuations/changes",
			ExpectedStatus: 429, ExpectedContent: []string{`"status":429`},
			BeforeTestFunc: spend(limit("GET /api/valuations/changes"), http.MethodGet, "/api/valuations/changes", "", func(int) string { return "" }),
			TestAppFactory: fixture.Factory(nil),
		},
		{
			Name: "an exempted address (--rate-limit-exempt) is not limited", Method: http.MethodPost, URL: "/api/collections/users/auth-with-password",
			Body: strings.NewReader(signIn(limit("*:auth"))), ExpectedStatus: 400, ExpectedContent: []string{`"status":400`},
			BeforeTestFunc: spend(limit("*:auth"), http.MethodPost, "/api/collections/users/auth-with-password", "", signIn),
			TestAppFactory: fixture.Factory(exempt),
		},
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}

// serveMux runs app's OnServe hooks (a start of the server) and returns its
// router, for requests a test shapes itself (client address, body reader).
func serveMux(t testing.TB, app core.App) http.Handler {
	t.Helper()
	router, err := apis.NewRouter(app)
	if err != nil {
		t.Fatal(err)
	}
	var mux http.Handler
	err = app.OnServe().Trigger(&core.ServeEvent{App: app, Router: router}, func(e *core.ServeEvent) error {
		mux, err = e.Router.BuildMux()
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return mux
}

// restart closes app as a stopped server does and starts a new app on a
// copy of its data dir, with hooks bound to cfg.
func restart(t *testing.T, app *tests.TestApp, cfg *config.Config) *tests.TestApp {
	t.Helper()
	if err := app.ResetBootstrapState(); err != nil {
		t.Fatal(err)
	}
	next, err := tests.NewTestApp(app.DataDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(next.Cleanup)
	register(next, cfg)
	return next
}

// keepLogs turns on the log database, which test apps leave off (in
// memory only: it is never saved).
func keepLogs(app core.App) { app.Settings().Logs.MaxDays = 1 }

// loggedWarnings flushes app's batched log and returns its warnings'
// messages with their data.
func loggedWarnings(t testing.TB, app core.App) []string {
	t.Helper()
	batch, ok := app.Logger().Handler().(*logger.BatchHandler)
	if !ok {
		t.Fatalf("logger handler is %T", app.Logger().Handler())
	}
	if err := batch.WriteAll(context.WithValue(context.Background(), logger.BlockKey, true)); err != nil {
		t.Fatal(err)
	}
	var logs []*core.Log
	if err := app.LogQuery().AndWhere(dbx.HashExp{"level": int(slog.LevelWarn)}).All(&logs); err != nil {
		t.Fatal(err)
	}
	out := make([]string, 0, len(logs))
	for _, l := range logs {
		raw, _ := json.Marshal(l.Data)
		out = append(out, l.Message+" "+string(raw))
	}
	return out
}

// Started once with --rate-limit-exempt and then without it, the server
// limits the formerly exempted address again: the stored exemption is what
// the current start asks for, not what an earlier one did.
func TestRateLimitExemptionEndsWithItsFlag(t *testing.T) {
	clock := apptest.NewClock(apptest.FixtureTime)
	withFlag := config.New()
	withFlag.Now = clock.Now
	withFlag.RateLimitExempt = []string{"127.0.0.1"}
	without := config.New()
	without.Now = clock.Now

	signIns := func(t *testing.T, mux http.Handler, n int) (last int) {
		t.Helper()
		for i := 0; i < n; i++ {
			req := httptest.NewRequest(http.MethodPost, "/api/collections/users/auth-with-password",
				strings.NewReader(`{"identity":"alice","password":"`+apptest.Password+`"}`))
			req.Header.Set("Content-Type", "application/json")
			req.RemoteAddr = "127.0.0.1:50000"
			rec := httptest.NewRecorder()
			mux.ServeHTTP(rec, req)
			last = rec.Code
		}
		return last
	}
	// Correct passwords: the per-account limit on failed sign-ins stays out
	// of it, so a 429 is the per-address limiter's.
	n := limit("*:auth") + 1

	first := fixture.NewApp(t, withFlag)
	t.Cleanup(first.Cleanup)
	if code := signIns(t, serveMux(t, first), n); code != http.StatusOK {
		t.Fatalf("with --rate-limit-exempt 127.0.0.1: sign-in %d answered %d, want 200", n, code)
	}

	second := restart(t, first, without)
	if code := signIns(t, serveMux(t, second), n); code != http.StatusTooManyRequests {
		t.Errorf("restarted without the flag: sign-in %d from 127.0.0.1 answered %d, want 429", n, code)
	}
	if err := second.ReloadSettings(); err != nil {
		t.Fatal(err)
	}
	if ips := second.Settings().RateLimits.ExcludedIPs; len(ips) != 0 {
		t.Errorf("stored exemptions after a start without the flag: %q, want none", ips)
	}
}

// Every start with an exemption says so in the log, and a start that
// removes a stored one (left by an earlier start or the dashboard) says
// what it removed.
func TestRateLimitExemptionIsLogged(t *testing.T) {
	withFlag := config.New()
	withFlag.Now = apptest.NewClock(apptest.FixtureTime).Now
	withFlag.RateLimitExempt = []string{"127.0.0.1", "10.0.0.0/8"}
	skips := func(warnings []string) int {
		n := 0
		for _, w := range warnings {
			if strings.Contains(w, "rate limiter skips these addresses") && strings.Contains(w, `"127.0.0.1"`) && strings.Contains(w, `"10.0.0.0/8"`) {
				n++
			}
		}
		return n
	}
	first := fixture.NewApp(t, withFlag)
	t.Cleanup(first.Cleanup)
	keepLogs(first)
	serveMux(t, first)
	if n := skips(loggedWarnings(t, first)); n != 1 {
		t.Errorf("a start with --rate-limit-exempt logged %d warnings naming the addresses, want 1", n)
	}
	// Started again with the same flag: nothing to store, still said (the
	// log database comes along with the data dir).
	second := restart(t, first, withFlag)
	keepLogs(second)
	serveMux(t, second)
	if n := skips(loggedWarnings(t, second)); n != 2 {
		t.Errorf("two starts with --rate-limit-exempt logged %d warnings naming the addresses, want 2", n)
	}

	// Set in the dashboard, then a start without the flag.
	settings := second.Settings()
	settings.RateLimits.ExcludedIPs = []string{"192.0.2.7"}
	if err := second.Save(settings); err != nil {
		t.Fatal(err)
	}
	without := config.New()
	without.Now = withFlag.Now
	third := restart(t, second, without)
	keepLogs(third)
	serveMux(t, third)
	warnings := loggedWarnings(t, third)
	removed := slices.ContainsFunc(warnings, func(w string) bool {
		return strings.Contains(w, "removed") && strings.Contains(w, `"192.0.2.7"`)
	})
	if !removed {
		t.Errorf("a start without the flag removed 192.0.2.7 from the exemptions without a warning; logged: %q", warnings)
	}
	if n := skips(warnings); n != 2 {
		t.Errorf("a start without the flag claimed to skip addresses (%d warnings)", n-2)
	}
}
