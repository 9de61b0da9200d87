package hooks_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/rollcall/rollcall/hooks"
	"github.com/rollcall/rollcall/internal/apptest"
	"github.com/rollcall/rollcall/openapi/contract"
)

// hideAlicesQuestion hides alice's question and makes carol a moderator:
// neither its author nor a moderator finds it in the list or a search.
func hideAlicesQuestion(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
	for _, q := range []string{
		"UPDATE questions SET hidden = TRUE WHERE id = '" + apptest.AliceQuestion + "'",
		"UPDATE users SET moderator = TRUE WHERE id = '" + apptest.Carol + "'",
	} {
		if _, err := app.DB().NewQuery(q).Execute(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestQuestionList(t *testing.T) {
	checker, err := contract.Load()
	if err != nil {
		t.Fatal(err)
	}
	factory := fixture.Factory(nil)
	list := hooks.QuestionsPath
	bobCard := `{"id":"` + apptest.BobQuestion + `","title":"Is the new bus timetable working?"`
	aliceCard := `{"id":"` + apptest.AliceQuestion + `"`
	bad := func(name, url, param string) tests.ApiScenario {
		return tests.ApiScenario{
			Name: name, Method: http.MethodGet, URL: url, ExpectedStatus: 400,
			ExpectedContent: []string{`"status":400`, `"data":{"` + param + `":{"code":"validation_`},
		}
	}
	scenarios := []tests.ApiScenario{
		{
			Name: "guest: every shown question in the top order, with authors, no personal fields", Method: http.MethodGet, URL: list,
			ExpectedStatus: 200,
			ExpectedContent: []string{
				`"page":1,"perPage":20,"totalItems":2,"totalPages":1,"items":[` + bobCard,
				`"author":{"id":"` + apptest.Bob + `","username":"bob","name":"bob"}`,
				`"myVote":null,"myAnswer":null},` + aliceCard,
			},
			NotExpectedContent: []string{"@example.com", `"myVote":{`},
		},
		{
			Name: "signed in: the user's own vote and answer on each card", Method: http.MethodGet, URL: list + "?sort=newest",
			Headers: auth("carol"), ExpectedStatus: 200,
			ExpectedContent: []string{
				`"myVote":{"id":"` + apptest.CarolVote + `","kind":"like"},"myAnswer":{"id":"` + apptest.CarolAnswer + `","value":4,"comment":"The 7:40 is full."}`,
			},
		},
		{
			Name: "signed in as someone else: nothing of carol's", Method: http.MethodGet, URL: list,
			Headers: auth("alice"), ExpectedStatus: 200,
			ExpectedContent: []string{`"myVote":null,"myAnswer":null`}, NotExpectedContent: []string{apptest.CarolVote},
		},
		{
			Name: "a superuser token is not a user: no personal fields", Method: http.MethodGet, URL: list,
			Headers: auth("super"), ExpectedStatus: 200, ExpectedContent: []string{`"myVote":null,"myAnswer":null`},
			NotExpectedContent: []string{apptest.CarolVote},
		},
		{
			Name: "unanswered: alice's only", Method: http.MethodGet, URL: list + "?sort=unanswered",
			ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":1,"totalPages":1,"items":[` + aliceCard},
			NotExpectedContent: []string{apptest.BobQuestion},
		},
		{
			Name: "answered: bob's only", Method: http.MethodGet, URL: list + "?sort=answered",
			ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":1,"totalPages":1,"items":[` + bobCard},
			NotExpectedContent: []string{apptest.AliceQuestion},
		},
		{
			Name: "paged: the second page of one per page", Method: http.MethodGet, URL: list + "?perPage=1&page=2",
			ExpectedStatus: 200, ExpectedContent: []string{`"page":2,"perPage":1,"totalItems":2,"totalPages":2,"items":[` + aliceCard},
		},
		{
			Name: "past the last page: no items, totals kept", Method: http.MethodGet, URL: list + "?page=9",
			ExpectedStatus: 200, ExpectedContent: []string{`"page":9,"perPage":20,"totalItems":2,"totalPages":1,"items":[]`},
		},
		{
			Name: "search ignores case and accents, last word a prefix", Method: http.MethodGet, URL: list + "?q=" + urlEscape("BÚS timet"),
			ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":1,"totalPages":1,"items":[` + bobCard},
		},
		{
			Name: "search in descriptions, signed in", Method: http.MethodGet, URL: list + "?q=route",
			Headers: auth("carol"), ExpectedStatus: 200,
			ExpectedContent: []string{`"totalItems":1`, `"myVote":{"id":"` + apptest.CarolVote + `"`},
		},
		{
			Name: "search operators are words: nothing found, no error", Method: http.MethodGet, URL: list + "?q=" + urlEscape(`bus OR "x`),
			ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":0,"totalPages":0,"items":[]`},
		},
		{
			Name: "hidden: not listed for its author", Method: http.MethodGet, URL: list,
			Headers: auth("alice"), BeforeTestFunc: hideAlicesQuestion,
			ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":1`}, NotExpectedContent: []string{apptest.AliceQuestion},
		},
		{
			Name: "hidden: not listed for a moderator", Method: http.MethodGet, URL: list + "?sort=unanswered",
			Headers: auth("carol"), BeforeTestFunc: hideAlicesQuestion,
			ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":0`}, NotExpectedContent: []string{apptest.AliceQuestion},
		},
		{
			Name: "hidden: not found by a search, even a superuser's", Method: http.MethodGet, URL: list + "?q=library",
			Headers: auth("super"), BeforeTestFunc: hideAlicesQuestion,
			ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":0`}, NotExpectedContent: []string{apptest.AliceQuestion},
		},
		bad("unknown parameter", list+"?filter="+urlEscape("title~'bus'"), "filter"),
		bad("unknown sort", list+"?sort=best", "sort"),
		bad("relevance without a search", list+"?sort=relevance", "sort"),
		bad("page 0", list+"?page=0", "page"),
		bad("page not a number", list+"?page=two", "page"),
		bad("perPage over 50", list+"?perPage=51", "perPage"),
		bad("perPage repeated", list+"?perPage=5&perPage=6", "perPage"),
		bad("search of one letter", list+"?q=b", "q"),
		bad("search of punctuation only", list+"?q="+urlEscape(`"*"`), "q"),
		bad("search too long", list+"?q="+strings.Repeat("x", 201), "q"),
		{
			Name: "a short search says why in plain words", Method: http.MethodGet, URL: list + "?q=a+b",
			ExpectedStatus: 400, ExpectedContent: []string{`"q":{"code":"validation_invalid_search","message":"Too short to search: give at least one word of 2 or more letters or digits."}`},
		},
		{
			Name: "rate limited by the /api/ rule: 429 in the documented error shape", Method: http.MethodGet, URL: list,
			ExpectedStatus: 429, ExpectedContent: []string{`"status":429`},
			BeforeTestFunc: spend(limit("/api/"), http.MethodGet, list, "", func(int) string { return "" }),
		},
	}
	for _, s := range scenarios {
		s.TestAppFactory = factory
		s = checker.ByStatus(s)
		s.Test(t)
	}
}

func TestProfile(t *testing.T) {
	checker, err := contract.Load()
	if err != nil {
		t.Fatal(err)
	}
	factory := fixture.Factory(nil)
	scenarios := []tests.ApiScenario{
		{
			Name: "a user's questions and counts, for a guest", Method: http.MethodGet, URL: hooks.ProfilesPath + "/bob",
			ExpectedStatus: 200,
			ExpectedContent: []string{
				`{"id":"` + apptest.Bob + `","username":"bob","name":"bob","created":"`,
				`"counts":{"questions":1,"answers":0}`,
				`"questions":[{"id":"` + apptest.BobQuestion + `","title":"Is the new bus timetable working?"`,
				`"answers":[]`,
			},
			NotExpectedContent: []string{"@example.com", "email"},
		},
		{
			Name: "a user's answers with the question's title", Method: http.MethodGet, URL: hooks.ProfilesPath + "/carol",
			Headers: auth("alice"), ExpectedStatus: 200,
			ExpectedContent: []string{
				`"counts":{"questions":0,"answers":1}`, `"questions":[]`,
				`"answers":[{"id":"` + apptest.CarolAnswer + `","question":{"id":"` + apptest.BobQuestion + `","title":"Is the new bus timetable working?"},"value":4,"comment":"The 7:40 is full."`,
			},
			NotExpectedContent: []string{"@example.com"},
		},
		{
			Name: "hidden questions are left out of their author's profile", Method: http.MethodGet, URL: hooks.ProfilesPath + "/alice",
			Headers: auth("alice"), BeforeTestFunc: hideAlicesQuestion,
			ExpectedStatus: 200, ExpectedContent: []string{`"counts":{"questions":0,"answers":0}`, `"questions":[]`},
		},
		{
			Name: "unknown username: 404 in plain words", Method: http.MethodGet, URL: hooks.ProfilesPath + "/nobody",
			ExpectedStatus: 404, ExpectedContent: []string{`"message":"There is no user with that username."`},
		},
		{
			Name: "query parameters are refused", Method: http.MethodGet, URL: hooks.ProfilesPath + "/bob?expand=email",
			ExpectedStatus: 400, ExpectedContent: []string{`"expand":{"code":"validation_unknown_parameter"`},
		},
		{
			Name: "rate limited by the /api/ rule", Method: http.MethodGet, URL: hooks.ProfilesPath + "/bob",
			ExpectedStatus: 429, ExpectedContent: []string{`"status":429`},
			BeforeTestFunc: spend(limit("/api/"), http.MethodGet, hooks.ProfilesPath+"/bob", "", func(int) string { return "" }),
		},
	}
	for _, s := range scenarios {
		s.TestAppFactory = factory
		s = checker.ByStatus(s)
		s.Test(t)
	}
}

// A page of 50 cards costs at most three queries (total, page, own votes
// and answers), as does a search: never one per card. The total is kept
// until a question changes (TestQuestionSearchFollowsWrites sees it move).
func TestQuestionListQueriesAreConstant(t *testing.T) {
	app := fixture.NewApp(t, nil)
	defer app.Cleanup()
	c := apptest.Serve(t, app)
	seedVotedQuestions(t, app, 60, "Parking question %d")
	selects := countQuestionQueries(t, app)
	for _, url := range []string{hooks.QuestionsPath + "?perPage=50", hooks.QuestionsPath + "?perPage=50&q=parking"} {
		for _, token := range []string{"", fixture.Tokens["carol"]} {
			selects.Store(0)
			status, out := c.Do(http.MethodGet, url, token, nil)
			if status != 200 || len(out["items"].([]any)) != 50 {
				t.Fatalf("%s: %d %v", url, status, out)
			}
			// The guest's first request counts and reads the page; the
			// signed-in one reuses the total (no question changed since) and
			// reads the page and the user's own votes and answers.
			want := int64(2)
			if token != "" {
				if !strings.Contains(fmt.Sprint(out["items"]), "myVote:map[id:") {
					t.Fatalf("%s: no own votes: %v", url, out["items"])
				}
			}
			if n := selects.Load(); n != want {
				t.Errorf("%s (signed in: %v) ran %d queries, want %d", url, token != "", n, want)
			}
		}
	}
}

// The search follows a question's edit through the API at once.
func TestQuestionSearchFollowsWrites(t *testing.T) {
	app := fixture.NewApp(t, nil)
	defer app.Cleanup()
	c := apptest.Serve(t, app)
	total := func(q string) float64 {
		status, out := c.Do(http.MethodGet, hooks.QuestionsPath+"?q="+urlEscape(q), "", nil)
		if status != 200 {
			t.Fatalf("search %q: %d %v", q, status, out)
		}
		return out["totalItems"].(float64)
	}
	status, created := c.Do(http.MethodPost, questionsURL, fixture.Tokens["alice"], map[string]any{"title": "Noise from the stadium", "description": "Every Saturday night."})
	if status != 200 {
		t.Fatalf("ask: %d %v", status, created)
	}
	if total("stadium") != 1 || total("saturday") != 1 {
		t.Fatal("new question not found")
	}
	c.Do(http.MethodPatch, questionsURL+"/"+created["id"].(string), fixture.Tokens["alice"], map[string]any{"title": "Noise from the arena"})
	if total("stadium") != 0 || total("arena") != 1 {
		t.Fatal("edited title not followed")
	}
	if status, _ := c.Do(http.MethodDelete, questionsURL+"/"+created["id"].(string), fixture.Tokens["alice"], nil); status != 204 {
		t.Fatalf("delete: %d", status)
	}
	if total("arena") != 0 {
		t.Fatal("deleted question still found")
	}
}
