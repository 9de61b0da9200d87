package hooks_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

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
	for _, r := range append(migrations.RateLimitRules, migrations.ValuationRateLimits...) {
		if r.Label == label {
			return int(r.MaxRequests)
		}
	}
	panic("no rate limit rule " + label)
}

func TestRateLimits(t *testing.T) {
	signIn := func(int) string { return `{"identity":"bob","password":"wrong-password"}` }
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
			Body: strings.NewReader(signIn(0)), ExpectedStatus: 429, ExpectedContent: []string{`"status":429`},
			BeforeTestFunc: spend(limit("*:auth"), http.MethodPost, "/api/collections/users/auth-with-password", "", signIn),
			TestAppFactory: fixture.Factory(nil),
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
			Name: "an exempted address (--rate-limit-exempt) is not limited", Method: http.MethodPost, URL: "/api/collections/users/auth-with-password",
			Body: strings.NewReader(signIn(0)), ExpectedStatus: 400, ExpectedContent: []string{`"status":400`},
			BeforeTestFunc: spend(limit("*:auth"), http.MethodPost, "/api/collections/users/auth-with-password", "", signIn),
			TestAppFactory: fixture.Factory(exempt),
		},
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}
