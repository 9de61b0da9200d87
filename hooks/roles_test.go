package hooks_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/rollcall/rollcall/hooks"
	"github.com/rollcall/rollcall/internal/apptest"
)

// Every role × collection × operation, and every role × restricted custom
// route, with what the app answers. The record acted on belongs to "owner";
// "other" is any other signed-in user. Creates use a question of bob's, so
// the owner of answers and votes (carol) and the other user (alice) may both
// act on it. Nobody owns the valuation roll, the run log or a superuser:
// there "owner" and "other" are just two users. Only an allowed write may
// change stored data, and it must.
func TestRoleMatrix(t *testing.T) {
	apps := offlineApps(t)
	property := pins()["1001"]
	history, run, superuser := recordIDs(t, property)
	type target struct {
		collection, id string
		owner, other   string // roles
		create, update string // bodies
	}
	targets := []target{
		{"questions", apptest.BobQuestion, "bob", "alice", `{"title":"New"}`, `{"title":"Edited"}`},
		{"answers", apptest.CarolAnswer, "carol", "alice", `{"question":"` + apptest.BobQuestion + `","value":3}`, `{"value":2}`},
		{"votes", apptest.CarolVote, "carol", "alice", `{"question":"` + apptest.BobQuestion + `","kind":"like"}`, `{"kind":"dislike"}`},
		{"users", apptest.Carol, "carol", "alice", `{"username":"erin","email":"erin@example.com","password":"password123","passwordConfirm":"password123"}`, `{"name":"Carol C."}`},
		{"properties", property, "alice", "bob", `{"roll":"full","pin":"9999"}`, `{"market_value":1}`},
		{"property_history", history, "alice", "bob", `{"property":"` + property + `","field":"extent","at":"2026-11-23 10:00:00.000Z"}`, `{"field":"extent"}`},
		{"scrape_runs", run, "alice", "bob", `{"started":"2026-11-23 10:00:00.000Z","status":"ok","rolls":"full","base_url":"http://127.0.0.1:1"}`, `{"status":"failed"}`},
		// A plain table, not a collection: PocketBase's API has no route to it.
		{"scrape_checkpoints", run, "alice", "bob", `{"run":"x","key":"y","status":"done"}`, `{"status":"failed"}`},
		{core.CollectionNameSuperusers, superuser, "alice", "bob", `{"email":"root@example.com","password":"password123","passwordConfirm":"password123"}`, `{"emailVisibility":true}`},
	}
	// want[collection][operation][role] is the expected status.
	type statuses map[string]int
	superOnly := func(super int) statuses {
		return statuses{"anonymous": 403, "owner": 403, "other": 403, "super": super}
	}
	everyone := func(status int) statuses {
		return statuses{"anonymous": status, "owner": status, "other": status, "super": status}
	}
	want := map[string]map[string]statuses{
		"questions": {
			"list":   everyone(200),
			"view":   everyone(200),
			"create": {"anonymous": 400, "owner": 200, "other": 200, "super": 400}, // a superuser must name an author
			"update": {"anonymous": 404, "owner": 200, "other": 404, "super": 200},
			"delete": {"anonymous": 404, "owner": 204, "other": 404, "super": 204},
		},
		"answers": {
			"list":   everyone(200),
			"view":   everyone(200),
			"create": {"anonymous": 400, "owner": 400, "other": 200, "super": 400}, // carol already answered
			"update": {"anonymous": 404, "owner": 200, "other": 404, "super": 200},
			"delete": {"anonymous": 404, "owner": 204, "other": 404, "super": 204},
		},
		"votes": {
			"list":   everyone(200), // filtered: see visible below
			"view":   {"anonymous": 404, "owner": 200, "other": 404, "super": 200},
			"create": {"anonymous": 400, "owner": 400, "other": 200, "super": 400}, // carol already voted
			"update": {"anonymous": 404, "owner": 200, "other": 404, "super": 200},
			"delete": {"anonymous": 404, "owner": 204, "other": 404, "super": 204},
		},
		"users": {
			"list":   everyone(200), // filtered: see visible below
			"view":   everyone(200),
			"create": everyone(200), // open sign-up
			"update": {"anonymous": 404, "owner": 200, "other": 404, "super": 200},
			"delete": {"anonymous": 404, "owner": 204, "other": 404, "super": 204},
		},
		// The roll and its history are public record; only superusers write.
		"properties": {
			"list":   everyone(200),
			"view":   everyone(200),
			"create": superOnly(200),
			"update": superOnly(200),
			"delete": superOnly(204),
		},
		"property_history": {
			"list":   everyone(200),
			"view":   everyone(200),
			"create": superOnly(200),
			"update": superOnly(200),
			"delete": superOnly(204),
		},
		// The run log (lease details) is superusers' only.
		"scrape_runs": {
			"list":   superOnly(200),
			"view":   superOnly(200),
			"create": superOnly(200),
			"update": superOnly(200),
			"delete": superOnly(204),
		},
		"scrape_checkpoints": {
			"list": everyone(404), "view": everyone(404), "create": everyone(404), "update": everyone(404), "delete": everyone(404),
		},
		core.CollectionNameSuperusers: {
			"list":   superOnly(200),
			"view":   superOnly(200),
			"create": superOnly(200),
			"update": superOnly(200),
			"delete": superOnly(400), // the only superuser cannot go
		},
	}
	// Whether the record acted on is in each role's list, where the list is
	// answered: lists are filtered, not refused.
	visible := map[string]statuses{
		"questions":                   everyone(1),
		"answers":                     everyone(1),
		"votes":                       {"anonymous": 0, "owner": 1, "other": 0, "super": 1},
		"users":                       {"anonymous": 0, "owner": 1, "other": 0, "super": 1},
		"properties":                  everyone(1),
		"property_history":            everyone(1),
		"scrape_runs":                 {"super": 1},
		core.CollectionNameSuperusers: {"super": 1},
	}
	// The custom routes that write or are restricted, as operations on
	// their own; the scrape trigger's site is a loopback 404 (offlineApps).
	routes := []struct {
		op, method, url, body string
		want                  statuses
	}{
		{"trigger a scrape", http.MethodPost, hooks.ScrapePath, `{"roll":"full"}`, statuses{"anonymous": 401, "owner": 403, "other": 403, "super": 202}},
		// Off for everyone: a batch would skip the per-request body checks.
		{"send a batch", http.MethodPost, "/api/batch", `{"requests":[{"method":"POST","url":"/api/collections/questions/records","body":{"title":"x"}}]}`, everyone(403)},
	}
	for _, r := range routes {
		if len(r.want) != 4 {
			t.Fatalf("%s: want a status for each of the four roles", r.op)
		}
	}

	headersFor := func(role, owner, other string) map[string]string {
		switch role {
		case "owner":
			return auth(owner)
		case "other":
			return auth(other)
		case "super":
			return auth("super")
		}
		return map[string]string{}
	}
	// check runs one request and asserts its status, a JSON answer, and
	// that stored data changed if and only if it was an allowed write.
	check := func(s tests.ApiScenario, write bool) {
		var before string
		s.TestAppFactory = apps
		s.BeforeTestFunc = func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) { before = snapshot(t, app) }
		s.AfterTestFunc = func(t testing.TB, app *tests.TestApp, _ *http.Response) {
			allowed := write && s.ExpectedStatus < 300
			if changed := snapshot(t, app) != before; changed != allowed {
				t.Errorf("%s: stored data changed: %v, want %v", s.Name, changed, allowed)
			}
		}
		s.Test(t)
	}
	roles := []string{"anonymous", "owner", "other", "super"}
	for _, tg := range targets {
		base := "/api/collections/" + tg.collection + "/records"
		for _, role := range roles {
			ops := []struct {
				op, method, url, body string
			}{
				{"list", http.MethodGet, base, ""},
				{"view", http.MethodGet, base + "/" + tg.id, ""},
				{"create", http.MethodPost, base, tg.create},
				{"update", http.MethodPatch, base + "/" + tg.id, tg.update},
				{"delete", http.MethodDelete, base + "/" + tg.id, ""},
			}
			for _, op := range ops {
				status, ok := want[tg.collection][op.op][role]
				if !ok {
					t.Fatalf("no expected status for %s %s as %s", op.op, tg.collection, role)
				}
				s := tests.ApiScenario{
					Name:           fmt.Sprintf("%s %s as %s → %d", op.op, tg.collection, role, status),
					Method:         op.method,
					URL:            op.url,
					Body:           strings.NewReader(op.body),
					Headers:        headersFor(role, tg.owner, tg.other),
					ExpectedStatus: status,
				}
				switch {
				case status == 204:
					// empty body
				case op.op == "list" && status == 200:
					if visible[tg.collection][role] == 1 {
						s.ExpectedContent = []string{`"id":"` + tg.id + `"`}
					} else {
						s.ExpectedContent = []string{`"items":`}
						s.NotExpectedContent = []string{`"id":"` + tg.id + `"`}
					}
				case status >= 400:
					s.ExpectedContent = []string{`"status":` + itoa(status)}
				default:
					s.ExpectedContent = []string{`"id":"`}
				}
				check(s, op.method != http.MethodGet)
			}
		}
	}
	for _, r := range routes {
		for _, role := range roles {
			status := r.want[role]
			s := tests.ApiScenario{
				Name:           fmt.Sprintf("%s as %s → %d", r.op, role, status),
				Method:         r.method,
				URL:            r.url,
				Body:           strings.NewReader(r.body),
				Headers:        headersFor(role, "alice", "bob"),
				ExpectedStatus: status,
			}
			if status >= 400 {
				s.ExpectedContent = []string{`"status":` + itoa(status)}
			} else {
				s.ExpectedContent = []string{`"run":"`}
			}
			check(s, true)
		}
	}
}

// recordIDs finds the valuation fixture's records the matrix acts on that
// the fixture does not name: a history row of property, the latest run and
// the superuser.
func recordIDs(t *testing.T, property string) (history, run, superuser string) {
	f, seeded := valuationFixture()
	app := f.NewApp(t, nil)
	defer app.Cleanup()
	h, err := app.FindFirstRecordByFilter("property_history", "property = {:p}", dbx.Params{"p": property})
	if err != nil {
		t.Fatal(err)
	}
	s, err := app.FindAuthRecordByEmail(core.CollectionNameSuperusers, "admin@example.com")
	if err != nil {
		t.Fatal(err)
	}
	return h.Id, seeded.SecondRun, s.Id
}
