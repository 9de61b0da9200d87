package ui_test

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/rollcall/rollcall/ui"
)

var public = fstest.MapFS{
	"index.html":     {Data: []byte(`<!doctype html><link rel="stylesheet" href="/assets/app.css"><script type="module" src="/assets/app.js"></script>`)},
	"assets/app.js":  {Data: []byte(`import "./dom.js";`)},
	"assets/app.css": {Data: []byte(`body{}`)},
	"robots.txt":     {Data: []byte("User-agent: *\n")},
	"docs.html":      {Data: []byte(`<!doctype html><title>API docs</title><link rel="stylesheet" href="/assets/vendor/swagger-ui/swagger-ui.css"><script defer src="/assets/docs.js"></script>`)},
	"assets/docs.js": {Data: []byte(`SwaggerUIBundle({url: "/api/openapi.yaml"});`)},
	"assets/vendor/swagger-ui/swagger-ui.css": {Data: []byte(`.swagger-ui{}`)},
}

func factory(t testing.TB) *tests.TestApp {
	app, err := tests.NewTestApp(t.(*testing.T).TempDir())
	if err != nil {
		t.Fatal(err)
	}
	serveSite(app, public)
	return app
}

// serveSite binds the site as hooks does: the catch-all GET route.
func serveSite(app core.App, files fs.FS) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		site, err := ui.NewSite(files)
		if err != nil {
			return err
		}
		se.Router.GET("/{path...}", site.Serve)
		return se.Next()
	})
}

// header checks that a response header contains want.
func header(name, want string) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, _ *tests.TestApp, res *http.Response) {
		if got := res.Header.Get(name); !strings.Contains(got, want) {
			t.Errorf("%s: %q, want it to contain %q", name, got, want)
		}
	}
}

// docsPage checks the headers of the /docs page: HTML, revalidated, under
// the site's strict policy (Swagger UI needs nothing weaker).
func docsPage(t testing.TB, app *tests.TestApp, res *http.Response) {
	header("Cache-Control", "no-cache")(t, app, res)
	header("Content-Type", "text/html")(t, app, res)
	if got := res.Header.Get("Content-Security-Policy"); got != ui.ContentSecurityPolicy {
		t.Errorf("Content-Security-Policy: %q, want %q", got, ui.ContentSecurityPolicy)
	}
}

func TestServing(t *testing.T) {
	site, err := ui.NewSite(public)
	if err != nil {
		t.Fatal(err)
	}
	versioned := "/assets/v-" + site.Version() + "/app.js"
	// A PocketBase token's shape: header.payload.signature, base64url.
	jwt := "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJlbWFpbCI6ImFubkBleGFtcGxlLmNvbSIsImV4cCI6MTc2NDU3MDAwMCwidHlwZSI6InBhc3N3b3JkUmVzZXQifQ.mZ3P2Uq1Xv-8_wHk4Jt0aQbWc9yL5nR7sE6dT1fG2hI"
	docs := []string{
		`<title>API docs</title>`,
		`href="/assets/v-` + site.Version() + `/vendor/swagger-ui/swagger-ui.css"`,
		`src="/assets/v-` + site.Version() + `/docs.js"`,
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
			Name: "/forgot gets the shell", Method: http.MethodGet, URL: "/forgot",
			ExpectedStatus: 200, ExpectedContent: []string{"<!doctype html>"},
		},
		{
			Name: "/account gets the shell", Method: http.MethodGet, URL: "/account",
			ExpectedStatus: 200, ExpectedContent: []string{"<!doctype html>"},
		},
		{
			Name: "/moderation gets the shell", Method: http.MethodGet, URL: "/moderation",
			ExpectedStatus: 200, ExpectedContent: []string{"<!doctype html>"},
		},
		{
			Name: "/questions (every question, search) gets the shell", Method: http.MethodGet, URL: "/questions?q=cafe&sort=newest&page=2",
			ExpectedStatus: 200, ExpectedContent: []string{"<!doctype html>"},
		},
		{
			Name: "/questions/ with a trailing slash gets the shell", Method: http.MethodGet, URL: "/questions/",
			ExpectedStatus: 200, ExpectedContent: []string{"<!doctype html>"},
		},
		{
			Name: "a profile gets the shell", Method: http.MethodGet, URL: "/u/alice_99",
			ExpectedStatus: 200, ExpectedContent: []string{"<!doctype html>"},
		},
		{
			Name: "a profile of the longest username gets the shell", Method: http.MethodGet, URL: "/u/" + strings.Repeat("a", 30),
			ExpectedStatus: 200, ExpectedContent: []string{"<!doctype html>"},
		},
		{
			Name: "a username too short is a 404", Method: http.MethodGet, URL: "/u/ab",
			ExpectedStatus: 404, ExpectedContent: []string{"<!doctype html>"},
		},
		{
			Name: "a username too long is a 404", Method: http.MethodGet, URL: "/u/" + strings.Repeat("a", 31),
			ExpectedStatus: 404, ExpectedContent: []string{"<!doctype html>"},
		},
		{
			Name: "a username with capitals is a 404", Method: http.MethodGet, URL: "/u/Alice",
			ExpectedStatus: 404, ExpectedContent: []string{"<!doctype html>"},
		},
		{
			Name: "a username with other characters is a 404", Method: http.MethodGet, URL: "/u/al-ice",
			ExpectedStatus: 404, ExpectedContent: []string{"<!doctype html>"},
		},
		{
			Name: "nothing under a profile", Method: http.MethodGet, URL: "/u/alice/questions",
			ExpectedStatus: 404, ExpectedContent: []string{"<!doctype html>"},
		},
		{
			Name: "a suburb page gets the shell", Method: http.MethodGet, URL: "/valuations/suburbs/KWAMASHU%20-%20H",
			ExpectedStatus: 200, ExpectedContent: []string{"<!doctype html>"},
		},
		{
			Name: "a suburb with a dot, an ampersand and a comma gets the shell", Method: http.MethodGet, URL: "/valuations/suburbs/ST.%20JAMES%20%26%20NO.%201540%2C%20X",
			ExpectedStatus: 200, ExpectedContent: []string{"<!doctype html>"},
		},
		{
			Name: "nothing under a suburb page", Method: http.MethodGet, URL: "/valuations/suburbs/PINETOWN/more",
			ExpectedStatus: 404, ExpectedContent: []string{"<!doctype html>"},
		},
		{
			Name: "a suburb name over 200 characters is a 404", Method: http.MethodGet, URL: "/valuations/suburbs/" + strings.Repeat("A", 201),
			ExpectedStatus: 404, ExpectedContent: []string{"<!doctype html>"},
		},
		{
			Name: "/u alone is a 404", Method: http.MethodGet, URL: "/u",
			ExpectedStatus: 404, ExpectedContent: []string{"<!doctype html>"},
		},
		{
			Name: "a password reset link gets the shell", Method: http.MethodGet, URL: "/reset/" + jwt,
			ExpectedStatus: 200, ExpectedContent: []string{"<!doctype html>"},
		},
		{
			Name: "a verification link gets the shell", Method: http.MethodGet, URL: "/verify/" + jwt,
			ExpectedStatus: 200, ExpectedContent: []string{"<!doctype html>"},
		},
		{
			Name: "an email change link gets the shell", Method: http.MethodGet, URL: "/confirm-email/" + jwt,
			ExpectedStatus: 200, ExpectedContent: []string{"<!doctype html>"},
		},
		{
			Name: "a token longer than Go's regexp repeat cap still matches", Method: http.MethodGet, URL: "/reset/" + strings.Repeat("a", 1500) + ".b.c",
			ExpectedStatus: 200, ExpectedContent: []string{"<!doctype html>"},
		},
		{
			Name: "a mail link without a token's three parts is a 404", Method: http.MethodGet, URL: "/reset/abc.def",
			ExpectedStatus: 404, ExpectedContent: []string{"<!doctype html>"},
		},
		{
			Name: "a mail link with other characters is a 404", Method: http.MethodGet, URL: "/verify/a.b.c%21",
			ExpectedStatus: 404, ExpectedContent: []string{"<!doctype html>"},
		},
		{
			Name: "an absurdly long mail link is a 404", Method: http.MethodGet, URL: "/verify/" + strings.Repeat("a", 5000) + ".b.c",
			ExpectedStatus: 404, ExpectedContent: []string{"<!doctype html>"},
		},
		{
			Name: "nothing under /account/ but the page itself", Method: http.MethodGet, URL: "/account/other",
			ExpectedStatus: 404, ExpectedContent: []string{"<!doctype html>"},
		},
		{
			Name: "/docs: the docs page with versioned asset URLs, not the shell", Method: http.MethodGet, URL: "/docs",
			ExpectedStatus: 200, ExpectedContent: docs, NotExpectedContent: []string{"app.js", "app.css"},
			AfterTestFunc: docsPage,
		},
		{
			Name: "/docs/: the docs page too", Method: http.MethodGet, URL: "/docs/",
			ExpectedStatus: 200, ExpectedContent: docs, NotExpectedContent: []string{"app.js", "app.css"},
			AfterTestFunc: docsPage,
		},
		{
			Name: "nothing under /docs/: the shell with 404", Method: http.MethodGet, URL: "/docs/nope",
			ExpectedStatus: 404, ExpectedContent: []string{"app.js"}, NotExpectedContent: []string{"API docs"},
		},
		{
			Name: "a vendored asset under its versioned URL", Method: http.MethodGet, URL: "/assets/v-" + site.Version() + "/vendor/swagger-ui/swagger-ui.css",
			ExpectedStatus: 200, ExpectedContent: []string{".swagger-ui{}"},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				header("Cache-Control", "max-age=31536000, immutable")(t, app, res)
				header("Content-Type", "text/css")(t, app, res)
			},
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

// The real pb_public: docs.html loads the vendored Swagger UI (see
// vendor-docs.sh) and our docs.js through versioned URLs, with no inline
// script, and exactly those files are served, long-lived.
func TestDocsVendoredFiles(t *testing.T) {
	real := os.DirFS("../pb_public")
	site, err := ui.NewSite(real)
	if err != nil {
		t.Fatal(err)
	}
	v := "/assets/v-" + site.Version() + "/"
	immutable := func(contentType string) func(testing.TB, *tests.TestApp, *http.Response) {
		return func(t testing.TB, app *tests.TestApp, res *http.Response) {
			header("Cache-Control", "max-age=31536000, immutable")(t, app, res)
			header("Content-Type", contentType)(t, app, res)
		}
	}
	scenarios := []tests.ApiScenario{
		{
			Name: "/docs loads Swagger UI and docs.js by versioned URL", Method: http.MethodGet, URL: "/docs",
			ExpectedStatus: 200,
			ExpectedContent: []string{
				`href="` + v + `vendor/swagger-ui/index.css"`,
				`href="` + v + `vendor/swagger-ui/swagger-ui.css"`,
				`src="` + v + `vendor/swagger-ui/swagger-ui-bundle.js"`,
				`src="` + v + `docs.js"`,
				`<a href="/">Rollcall</a>`,
				`id="swagger-ui"`,
			},
			NotExpectedContent: []string{`"/assets/vendor`, `"/assets/docs.js"`, "<script>", "app.js"},
			AfterTestFunc:      docsPage,
		},
		{
			Name: "the Swagger UI bundle", Method: http.MethodGet, URL: v + "vendor/swagger-ui/swagger-ui-bundle.js",
			ExpectedStatus: 200, ExpectedContent: []string{"SwaggerUIBundle"}, AfterTestFunc: immutable("javascript"),
		},
		{
			Name: "the Swagger UI stylesheet", Method: http.MethodGet, URL: v + "vendor/swagger-ui/swagger-ui.css",
			ExpectedStatus: 200, ExpectedContent: []string{".swagger-ui"}, AfterTestFunc: immutable("text/css"),
		},
		{
			Name: "our docs.js points Swagger UI at the committed document", Method: http.MethodGet, URL: v + "docs.js",
			ExpectedStatus: 200, ExpectedContent: []string{`url: "/api/openapi.yaml"`, `supportedSubmitMethods: ["get"]`}, AfterTestFunc: immutable("javascript"),
		},
		{
			Name: "Swagger UI's licence ships beside it", Method: http.MethodGet, URL: v + "vendor/swagger-ui/LICENSE",
			ExpectedStatus: 200, ExpectedContent: []string{"Apache License"},
		},
		{
			Name: "no source maps are vendored", Method: http.MethodGet, URL: v + "vendor/swagger-ui/swagger-ui-bundle.js.map",
			ExpectedStatus: 404, ExpectedContent: []string{`"status":404`},
		},
	}
	for _, s := range scenarios {
		s.TestAppFactory = func(t testing.TB) *tests.TestApp {
			app, err := tests.NewTestApp(t.(*testing.T).TempDir())
			if err != nil {
				t.Fatal(err)
			}
			serveSite(app, real)
			return app
		}
		s.Test(t)
	}
}

// A mailed link's token stays out of the request log and out of the
// referer of the page's own requests; other pages are logged as usual.
func TestMailLinksKeepTheirTokens(t *testing.T) {
	const skipKey = "__skipSuccessActivityLogger" // PocketBase's activity logger reads it
	quiet := ui.QuietMailLinks()
	for path, skipped := range map[string]bool{"/reset/a.b.c": true, "/verify/a.b.c": true, "/confirm-email/a.b.c": true, "/questions": false, "/": false} {
		e := &core.RequestEvent{}
		e.Request = httptest.NewRequest(http.MethodGet, path, nil)
		if err := quiet.Func(e); err != nil {
			t.Fatal(err)
		}
		if got, _ := e.Get(skipKey).(bool); got != skipped {
			t.Errorf("%s: left out of the log %v, want %v", path, got, skipped)
		}
	}
	scenarios := []tests.ApiScenario{
		{Name: "a reset link: no referer", Method: http.MethodGet, URL: "/reset/a.b.c", ExpectedStatus: 200,
			ExpectedContent: []string{"<!doctype html>"}, AfterTestFunc: header("Referrer-Policy", "no-referrer")},
		{Name: "another page: same-origin", Method: http.MethodGet, URL: "/questions", ExpectedStatus: 200,
			ExpectedContent: []string{"<!doctype html>"}, AfterTestFunc: header("Referrer-Policy", "same-origin")},
	}
	for _, s := range scenarios {
		s.TestAppFactory = factory
		s.Test(t)
	}
}
