package hooks_test

import (
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"github.com/rollcall/rollcall/hooks"
	"github.com/rollcall/rollcall/openapi/contract"
)

// The route table and openapi.yaml agree both ways: a registered API route
// missing from the document fails, and so does a documented route that is
// not registered.
func TestRouteTableMatchesDocument(t *testing.T) {
	checker, err := contract.Load()
	if err != nil {
		t.Fatal(err)
	}
	var documented, registered []string
	for path, item := range checker.Doc.Paths.Map() {
		for method := range item.Operations() {
			documented = append(documented, method+" "+path)
		}
	}
	for _, r := range hooks.Routes() {
		if r.Documented {
			registered = append(registered, r.Method+" "+r.Path)
		}
	}
	sort.Strings(documented)
	sort.Strings(registered)
	if !slices.Equal(documented, registered) {
		t.Fatalf("openapi.yaml documents\n  %s\nbut the route table registers\n  %s",
			strings.Join(documented, "\n  "), strings.Join(registered, "\n  "))
	}
}

// Every row of the table is on the router the binary builds, and only the
// pages are left out of the document.
func TestRouteTableIsRegistered(t *testing.T) {
	app := fixture.NewApp(t, nil)
	defer app.Cleanup()
	router, err := apis.NewRouter(app)
	if err != nil {
		t.Fatal(err)
	}
	err = app.OnServe().Trigger(&core.ServeEvent{App: app, Router: router}, func(e *core.ServeEvent) error {
		for _, r := range hooks.Routes() {
			if !e.Router.HasRoute(r.Method, r.Path) {
				t.Errorf("%s %s is in the table but not registered", r.Method, r.Path)
			}
			if !r.Documented && r.Path != hooks.PagesPath {
				t.Errorf("%s %s is not documented", r.Method, r.Path)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
