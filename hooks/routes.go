package hooks

import (
	"net/http"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"github.com/rollcall/rollcall/accounts"
	"github.com/rollcall/rollcall/moderation"
	"github.com/rollcall/rollcall/openapi"
	"github.com/rollcall/rollcall/questions"
	"github.com/rollcall/rollcall/ui"
	"github.com/rollcall/rollcall/valuations"
	"github.com/rollcall/rollcall/valuations/trigger"
)

// The URLs Rollcall adds to PocketBase's own.
const (
	QuestionsPath     = "/api/questions"
	TopPath           = "/api/questions/top"
	ProfilesPath      = "/api/profiles"
	ProfilePath       = "/api/profiles/{username}"
	ValuationsPath    = "/api/valuations"
	ValuationsCSVPath = "/api/valuations/export"
	RunsPath          = "/api/valuations/runs"
	SuggestPath       = "/api/valuations/suggest"
	FacetsPath        = "/api/valuations/facets"
	StatsPath         = "/api/valuations/stats"
	ChangesPath       = "/api/valuations/changes"
	ValuationPath     = "/api/valuations/{id}"
	ScrapePath        = "/api/valuations/scrape"
	StatusPath        = "/api/status"
	AccountPath       = "/api/account"
	OpenAPIPath       = openapi.Path
	PagesPath         = "/{path...}"
)

// handlers holds what serves the routes; site is built when serving starts.
type handlers struct {
	questions  *questions.Hooks
	accounts   *accounts.Hooks
	moderation *moderation.Hooks
	valuations *valuations.API
	scrapes    *trigger.Trigger
	site       *ui.Site
}

// route is one row of the route table.
type route struct {
	Method, Path string
	Handler      func(*core.RequestEvent) error
	Middleware   []*hook.Handler[*core.RequestEvent]
	Documented   bool // in openapi.yaml (the pages are not an API)
}

// group is a set of routes under one path prefix.
type group struct {
	Prefix string
	Routes []route
}

// routeTable is every route Rollcall adds, grouped by prefix. The OpenAPI
// document lists exactly the documented ones (routes_test.go).
func routeTable(h handlers) []group {
	return []group{
		{QuestionsPath, []route{
			{http.MethodGet, "", h.questions.List, nil, true},
			{http.MethodGet, "/top", h.questions.Top, nil, true},
		}},
		{ProfilesPath, []route{
			{http.MethodGet, "/{username}", h.questions.Profile, nil, true},
		}},
		{AccountPath, []route{
			{http.MethodGet, "/options", h.accounts.Options, nil, true},
			{http.MethodPost, "/sign-out-everywhere", h.accounts.SignOutEverywhere, []*hook.Handler[*core.RequestEvent]{apis.RequireAuth(questions.Users)}, true},
		}},
		{ValuationsPath, []route{
			{http.MethodGet, "", h.valuations.List, nil, true},
			{http.MethodGet, "/export", h.valuations.Export, nil, true},
			{http.MethodGet, "/runs", h.valuations.Runs, nil, true},
			{http.MethodGet, "/suggest", h.valuations.Suggest, nil, true},
			{http.MethodGet, "/facets", h.valuations.Facets, nil, true},
			{http.MethodGet, "/stats", h.valuations.Stats, nil, true},
			{http.MethodGet, "/changes", h.valuations.Changes, nil, true},
			{http.MethodGet, "/{id}", h.valuations.Property, nil, true},
			{http.MethodPost, "/scrape", h.scrapes.Start, []*hook.Handler[*core.RequestEvent]{apis.RequireSuperuserAuth()}, true},
		}},
		{"/api", []route{
			{http.MethodGet, "/status", h.valuations.Status, nil, true},
			{http.MethodGet, "/openapi.yaml", openapi.Serve, nil, true},
		}},
		// Last: the pages answer every GET no route above claims.
		{"", []route{
			{http.MethodGet, PagesPath, h.site.Serve, nil, false},
		}},
	}
}

func bindRoutes(se *core.ServeEvent, h handlers) {
	for _, g := range routeTable(h) {
		rg := se.Router.Group(g.Prefix)
		for _, r := range g.Routes {
			rg.Route(r.Method, r.Path, r.Handler).Bind(r.Middleware...)
		}
	}
}

// Route is a method and full path of the route table.
type Route struct {
	Method, Path string
	Documented   bool
}

// Routes lists the route table, for the test that holds it to the OpenAPI
// document and for readers.
func Routes() []Route {
	var out []Route
	for _, g := range routeTable(handlers{}) {
		for _, r := range g.Routes {
			out = append(out, Route{r.Method, g.Prefix + r.Path, r.Documented})
		}
	}
	return out
}
