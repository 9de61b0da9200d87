package ui_test

import (
	"net/http"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/pocketbase/pocketbase/tests"

	"github.com/rollcall/rollcall/ui"
)

var public = fstest.MapFS{
	"index.html":     {Data: []byte(`<!doctype html><link rel="stylesheet" href="/assets/app.css"><script type="module" src="/assets/app.js"></script>`)},
	"assets/app.js":  {Data: []byte(`import "./dom.js";`)},
	"assets/app.css": {Data: []byte(`body{}`)},
	"robots.txt":     {Data: []byte("User-agent: *\n")},
}

func factory(t testing.TB) *tests.TestApp {
	app, err := tests.NewTestApp(t.(*testing.T).TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ui.Register(app, public)
	return app
}

func TestServing(t *testing.T) {
	site, err := ui.NewSite(public)
	if err != nil {
		t.Fatal(err)
	}
	versioned := "/assets/v-" + site.Version() + "/app.js"
	header := func(name, want string) func(testing.TB, *tests.TestApp, *http.Response) {
		return func(t testing.TB, _ *tests.TestApp, res *http.Response) {
			if got := res.Header.Get(name); !strings.Contains(got, want) {
				t.Errorf("%s: %q, want it to contain %q", name, got, want)
			}
		}
	}
	scenarios := []tests.ApiScenario{
		{
			Name: "home: the shell with versioned asset URLs, not cached, with a CSP", Method: http.MethodGet, URL: "/",
			ExpectedStatus:  200,
			ExpectedContent: []string{`href="/assets/v-` + site.Version() + `/app.css"`, `src="/assets/v-` + site.Version() + `/app.js"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				header("Cache-Control", "no-cache")(t, app, res)
				header("Content-Security-Policy", "default-src 'self'")(t, app, res)
				header("Content-Type", "text/html")(t, app, res)
			},
		},
		{
			Name: "an app route gets the shell", Method: http.MethodGet, URL: "/questions/abc123",
			ExpectedStatus: 200, ExpectedContent: []string{"<!doctype html>"},
		},
		{
			Name: "an unknown page gets the shell with 404", Method: http.MethodGet, URL: "/nowhere",
			ExpectedStatus: 404, ExpectedContent: []string{"<!doctype html>"},
		},
		{
			Name: "versioned asset: long-lived and immutable", Method: http.MethodGet, URL: versioned,
			ExpectedStatus: 200, ExpectedContent: []string{`import "./dom.js";`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				header("Cache-Control", "max-age=31536000, immutable")(t, app, res)
				header("Content-Type", "javascript")(t, app, res)
				header("ETag", `"`)(t, app, res)
			},
		},
		{
			Name: "an older build's asset URL still works, revalidated", Method: http.MethodGet, URL: "/assets/v-000000000000/app.js",
			ExpectedStatus: 200, ExpectedContent: []string{`import "./dom.js";`},
			AfterTestFunc: header("Cache-Control", "no-cache"),
		},
		{
			Name: "a missing asset is a 404, never the page", Method: http.MethodGet, URL: "/assets/v-" + site.Version() + "/nope.js",
			ExpectedStatus: 404, ExpectedContent: []string{`"status":404`}, NotExpectedContent: []string{"<!doctype"},
		},
		{
			Name: "a missing file at the root is a 404", Method: http.MethodGet, URL: "/favicon.ico",
			ExpectedStatus: 404, ExpectedContent: []string{`"status":404`}, NotExpectedContent: []string{"<!doctype"},
		},
		{
			Name: "a file at the root", Method: http.MethodGet, URL: "/robots.txt",
			ExpectedStatus: 200, ExpectedContent: []string{"User-agent"},
		},
		{
			Name: "an unknown API path is a JSON 404", Method: http.MethodGet, URL: "/api/nope",
			ExpectedStatus: 404, ExpectedContent: []string{`"message":"No such API endpoint."`}, NotExpectedContent: []string{"<!doctype"},
		},
		{
			// The router cleans the path and redirects to /ui.go, which is a 404.
			Name: "path traversal only redirects", Method: http.MethodGet, URL: "/assets/v-x/../../ui.go",
			ExpectedStatus: 307, ExpectedContent: []string{`href="/ui.go"`}, NotExpectedContent: []string{"package ui"},
		},
		{
			Name: "files outside pb_public do not exist", Method: http.MethodGet, URL: "/ui.go",
			ExpectedStatus: 404, ExpectedContent: []string{`"status":404`},
		},
	}
	for _, s := range scenarios {
		s.TestAppFactory = factory
		s.Test(t)
	}
}

func TestRevalidationAnswers304(t *testing.T) {
	var etag string
	first := tests.ApiScenario{
		Name: "first load", Method: http.MethodGet, URL: "/assets/app.css", ExpectedStatus: 200, ExpectedContent: []string{"body{}"},
		TestAppFactory: factory,
		AfterTestFunc:  func(_ testing.TB, _ *tests.TestApp, res *http.Response) { etag = res.Header.Get("ETag") },
	}
	first.Test(t)
	second := tests.ApiScenario{
		Name: "revalidation", Method: http.MethodGet, URL: "/assets/app.css", Headers: map[string]string{"If-None-Match": etag},
		ExpectedStatus: 304, TestAppFactory: factory,
	}
	second.Test(t)
}
