package openapi_test

import (
	"net/http"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/rollcall/rollcall/config"
	"github.com/rollcall/rollcall/hooks"
	_ "github.com/rollcall/rollcall/migrations"
	"github.com/rollcall/rollcall/openapi"
	"github.com/rollcall/rollcall/openapi/contract"
)

// allRoutes are the custom routes of every package that registers any.
func allRoutes() []openapi.Route {
	return slices.Concat(hooks.Routes, openapi.Routes)
}

func newApp(t *testing.T) *tests.TestApp {
	t.Helper()
	app, err := tests.NewTestApp(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(app.Cleanup)
	hooks.Register(app, config.New())
	openapi.Register(app)
	return app
}

// The document and the routes list agree both ways, and every listed route
// is registered on the router the binary builds.
func TestRoutesMatchDocument(t *testing.T) {
	checker, err := contract.Load()
	if err != nil {
		t.Fatal(err)
	}
	var documented []string
	for path, item := range checker.Doc.Paths.Map() {
		for method := range item.Operations() {
			documented = append(documented, method+" "+path)
		}
	}
	var listed []string
	for _, r := range allRoutes() {
		listed = append(listed, r.Method+" "+r.Path)
	}
	sort.Strings(documented)
	sort.Strings(listed)
	if !slices.Equal(documented, listed) {
		t.Fatalf("openapi.yaml documents\n  %s\nbut the packages register\n  %s",
			strings.Join(documented, "\n  "), strings.Join(listed, "\n  "))
	}

	app := newApp(t)
	router, err := apis.NewRouter(app)
	if err != nil {
		t.Fatal(err)
	}
	err = app.OnServe().Trigger(&core.ServeEvent{App: app, Router: router}, func(e *core.ServeEvent) error {
		for _, r := range allRoutes() {
			if !e.Router.HasRoute(r.Method, r.Path) {
				t.Errorf("%s %s is listed but not registered", r.Method, r.Path)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestServesTheCommittedDocument(t *testing.T) {
	checker, err := contract.Load()
	if err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile("openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s := checker.Scenario(tests.ApiScenario{
		Name: "GET /api/openapi.yaml", Method: http.MethodGet, URL: openapi.Path,
		ExpectedStatus: 200, ExpectedContent: []string{"openapi: 3.1.0", "/api/questions/top"},
		TestAppFactory: func(testing.TB) *tests.TestApp { return newApp(t) },
		AfterTestFunc: func(t testing.TB, _ *tests.TestApp, res *http.Response) {
			if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/yaml") {
				t.Errorf("content type %q", ct)
			}
			if string(openapi.Document()) != string(committed) {
				t.Error("served document differs from openapi/openapi.yaml")
			}
		},
	})
	s.Test(t)
}
