package hooks_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/rollcall/rollcall/internal/apptest"
)

// snapshot renders every row a write could touch, to prove a refused
// request changed nothing.
func snapshot(t testing.TB, app core.App) string {
	t.Helper()
	var out []string
	for _, q := range []string{
		"SELECT group_concat(id || '|' || title || '|' || description || '|' || answers || '|' || likes || '|' || dislikes || '|' || ranking || '|' || today, ';') FROM (SELECT * FROM questions ORDER BY id)",
		"SELECT group_concat(id || '|' || question || '|' || author || '|' || value || '|' || comment, ';') FROM (SELECT * FROM answers ORDER BY id)",
		"SELECT group_concat(id || '|' || question || '|' || author || '|' || kind, ';') FROM (SELECT * FROM votes ORDER BY id)",
		"SELECT group_concat(id || '|' || username || '|' || name || '|' || email, ';') FROM (SELECT * FROM users ORDER BY id)",
	} {
		var s string
		if err := app.DB().NewQuery(q).Row(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return strings.Join(out, "\n")
}

// A corpus of bad writes: each gets a 4xx JSON naming the field (or "body"
// when the body itself is unreadable), never a 5xx, and nothing changes.
func TestBadInputIsRefusedAndChangesNothing(t *testing.T) {
	q, a, v := questionsURL, answersURL, votesURL
	bob := apptest.BobQuestion
	cases := []struct {
		name, method, url, body string
		status                  int
		field                   string
	}{
		{"truncated JSON", "POST", q, `{"title":`, 400, "body"},
		{"invalid UTF-8", "POST", q, "{\"title\":\"caf\xe9\"}", 400, "body"},
		{"a JSON array", "POST", q, `[{"title":"x"}]`, 400, "body"},
		{"a JSON string", "POST", q, `"title"`, 400, "body"},
		{"a duplicate key", "POST", q, `{"title":"x","title":"y"}`, 400, "body"},
		{"trailing garbage", "POST", q, `{"title":"x"} {}`, 400, "body"},
		{"a body over 64 KiB", "POST", q, `{"title":"x","description":"` + strings.Repeat("y", 70<<10) + `"}`, 413, "body"},
		{"title as a number", "POST", q, `{"title":123}`, 400, "title"},
		{"title as an object (NoSQL-style)", "PATCH", q + "/" + apptest.AliceQuestion, `{"title":{"$ne":1}}`, 400, "title"},
		{"title removed", "PATCH", q + "/" + apptest.AliceQuestion, `{"title":null}`, 400, "title"},
		{"description as an object", "POST", q, `{"title":"x","description":{"a":1}}`, 400, "description"},
		{"NUL in a title", "POST", q, `{"title":"a\u0000b"}`, 400, "title"},
		{"line break in a title", "POST", q, `{"title":"one\ntwo"}`, 400, "title"},
		{"escape sequence in a comment", "POST", a, `{"question":"` + bob + `","value":3,"comment":"\u001b[31mred"}`, 400, "comment"},
		{"author as a list", "POST", q, `{"title":"x","author":["a","b"]}`, 400, "author"},
		{"ranking as a string", "POST", q, `{"title":"x","ranking":"10"}`, 400, "ranking"},
		{"value as a word", "POST", a, `{"question":"` + bob + `","value":"five"}`, 400, "value"},
		{"value as a boolean", "POST", a, `{"question":"` + bob + `","value":true}`, 400, "value"},
		{"value 3.5", "POST", a, `{"question":"` + bob + `","value":3.5}`, 400, "value"},
		{"value 1e9", "POST", a, `{"question":"` + bob + `","value":1e9}`, 400, "value"},
		{"question missing", "POST", a, `{"value":3}`, 400, "question"},
		{"question as a list", "POST", a, `{"question":["` + bob + `","` + apptest.AliceQuestion + `"],"value":3}`, 400, "question"},
		{"question SQL injection", "POST", a, `{"question":"x' OR '1'='1","value":3}`, 400, "question"},
		{"question filter injection", "POST", v, `{"question":"` + bob + `' || id != '","kind":"like"}`, 400, "question"},
		{"comment as a number", "POST", a, `{"question":"` + bob + `","value":3,"comment":42}`, 400, "comment"},
		{"kind as a number", "POST", v, `{"question":"` + bob + `","kind":5}`, 400, "kind"},
		{"kind as a list", "POST", v, `{"question":"` + bob + `","kind":["like","dislike"]}`, 400, "kind"},
		{"kind unknown", "POST", v, `{"question":"` + bob + `","kind":"LIKE"}`, 400, "kind"},
		{"another user's id as author", "POST", v, `{"question":"` + bob + `","kind":"like","author":"` + apptest.Carol + `"}`, 400, "author"},
		{"sign-up: username as a number", "POST", "/api/collections/users/records", `{"username":1234,"email":"n@example.com","password":"password123","passwordConfirm":"password123"}`, 400, "username"},
		{"sign-up: emailVisibility as a string", "POST", "/api/collections/users/records", `{"username":"newbie","email":"n@example.com","emailVisibility":"yes","password":"password123","passwordConfirm":"password123"}`, 400, "emailVisibility"},
		{"sign-up: control character in a name", "POST", "/api/collections/users/records", `{"username":"newbie","name":"Bob\u0007","email":"n@example.com","password":"password123","passwordConfirm":"password123"}`, 400, "name"},
	}
	for _, tc := range cases {
		s := tests.ApiScenario{
			Name:           tc.name,
			Method:         tc.method,
			URL:            tc.url,
			Body:           strings.NewReader(tc.body),
			Headers:        auth("alice"),
			ExpectedStatus: tc.status,
			ExpectedContent: []string{
				`"status":` + itoa(tc.status),
				`"` + tc.field + `":{"code":"validation_`,
			},
			TestAppFactory: fixture.Factory(nil),
		}
		var before string
		s.BeforeTestFunc = func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) { before = snapshot(t, app) }
		s.AfterTestFunc = func(t testing.TB, app *tests.TestApp, _ *http.Response) {
			if after := snapshot(t, app); after != before {
				t.Errorf("%s: a refused request changed stored data", tc.name)
			}
		}
		s.Test(t)
	}
}

// Filters cannot widen what a rule lets a user see.
func TestFilterCannotWidenRules(t *testing.T) {
	for _, filter := range []string{"author != ''", "(1=1) || id != ''", "author = '" + apptest.Carol + "'"} {
		s := tests.ApiScenario{
			Name: "votes filter " + filter, Method: http.MethodGet,
			URL:     votesURL + "?filter=" + urlEscape(filter),
			Headers: auth("alice"), ExpectedStatus: 200,
			ExpectedContent: []string{`"items":[]`}, NotExpectedContent: []string{apptest.CarolVote},
			TestAppFactory: fixture.Factory(nil),
		}
		s.Test(t)
	}
}
