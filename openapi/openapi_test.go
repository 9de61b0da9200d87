package openapi_test

import (
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/rollcall/rollcall/internal/apptest"
	"github.com/rollcall/rollcall/openapi"
	"github.com/rollcall/rollcall/openapi/contract"
)

// newApp serves only the document, as hooks binds it (hooks/routes_test.go
// holds the route table to the document).
func newApp(t testing.TB) *tests.TestApp {
	t.Helper()
	app := apptest.NewEmpty(t)
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.GET(openapi.Path, openapi.Serve)
		return se.Next()
	})
	return app
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
		TestAppFactory: newApp,
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
