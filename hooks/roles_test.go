package hooks_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"github.com/rollcall/rollcall/internal/apptest"
)

// Every role × collection × operation, with what PocketBase answers. The
// record acted on belongs to "owner"; "other" is any other signed-in user.
// Creates use a question of bob's, so the owner of answers and votes (carol)
// and the other user (alice) may both act on it.
func TestRoleMatrix(t *testing.T) {
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
	}
	// want[collection][operation][role] is the expected status.
	type statuses map[string]int
	want := map[string]map[string]statuses{
		"questions": {
			"list":   {"anonymous": 200, "owner": 200, "other": 200, "super": 200},
			"view":   {"anonymous": 200, "owner": 200, "other": 200, "super": 200},
			"create": {"anonymous": 400, "owner": 200, "other": 200, "super": 400}, // a superuser must name an author
			"update": {"anonymous": 404, "owner": 200, "other": 404, "super": 200},
			"delete": {"anonymous": 404, "owner": 204, "other": 404, "super": 204},
		},
		"answers": {
			"list":   {"anonymous": 200, "owner": 200, "other": 200, "super": 200},
			"view":   {"anonymous": 200, "owner": 200, "other": 200, "super": 200},
			"create": {"anonymous": 400, "owner": 400, "other": 200, "super": 400}, // carol already answered
			"update": {"anonymous": 404, "owner": 200, "other": 404, "super": 200},
			"delete": {"anonymous": 404, "owner": 204, "other": 404, "super": 204},
		},
		"votes": {
			"list":   {"anonymous": 200, "owner": 200, "other": 200, "super": 200}, // filtered: see visible below
			"view":   {"anonymous": 404, "owner": 200, "other": 404, "super": 200},
			"create": {"anonymous": 400, "owner": 400, "other": 200, "super": 400}, // carol already voted
			"update": {"anonymous": 404, "owner": 200, "other": 404, "super": 200},
			"delete": {"anonymous": 404, "owner": 204, "other": 404, "super": 204},
		},
		"users": {
			"list":   {"anonymous": 200, "owner": 200, "other": 200, "super": 200}, // filtered: see visible below
			"view":   {"anonymous": 200, "owner": 200, "other": 200, "super": 200},
			"create": {"anonymous": 200, "owner": 200, "other": 200, "super": 200}, // open sign-up
			"update": {"anonymous": 404, "owner": 200, "other": 404, "super": 200},
			"delete": {"anonymous": 404, "owner": 204, "other": 404, "super": 204},
		},
	}
	// Lists are filtered, not refused: whether the owner's record is in them.
	visible := map[string]statuses{
		"votes": {"anonymous": 0, "owner": 1, "other": 0, "super": 1},
		"users": {"anonymous": 0, "owner": 1, "other": 0, "super": 1},
	}

	factory := fixture.Factory(nil)
	for _, tg := range targets {
		base := "/api/collections/" + tg.collection + "/records"
		for _, role := range []string{"anonymous", "owner", "other", "super"} {
			headers := map[string]string{}
			switch role {
			case "owner":
				headers = auth(tg.owner)
			case "other":
				headers = auth(tg.other)
			case "super":
				headers = auth("super")
			}
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
				status := want[tg.collection][op.op][role]
				s := tests.ApiScenario{
					Name:           fmt.Sprintf("%s %s as %s → %d", op.op, tg.collection, role, status),
					Method:         op.method,
					URL:            op.url,
					Body:           strings.NewReader(op.body),
					Headers:        headers,
					ExpectedStatus: status,
					TestAppFactory: factory,
				}
				switch {
				case status == 204:
					// empty body
				case op.op == "list" && visible[tg.collection] != nil:
					if visible[tg.collection][role] == 1 {
						s.ExpectedContent = []string{`"id":"` + tg.id + `"`}
					} else {
						s.ExpectedContent = []string{`"items":`}
						s.NotExpectedContent = []string{`"id":"` + tg.id + `"`}
					}
				default:
					s.ExpectedContent = []string{`"`}
				}
				s.Test(t)
			}
		}
	}
}
