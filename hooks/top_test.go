package hooks_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/rollcall/rollcall/crossprocess"
	"github.com/rollcall/rollcall/hooks"
	"github.com/rollcall/rollcall/internal/apptest"
	"github.com/rollcall/rollcall/openapi/contract"
	"github.com/rollcall/rollcall/questions"
)

func TestTopEndpoint(t *testing.T) {
	checker, err := contract.Load()
	if err != nil {
		t.Fatal(err)
	}
	factory := fixture.Factory(nil)
	scenarios := []tests.ApiScenario{
		{
			Name: "anonymous: ranked, with authors' names, no personal fields", Method: http.MethodGet, URL: hooks.TopPath,
			ExpectedStatus: 200,
			ExpectedContent: []string{
				`{"items":[{"id":"` + apptest.BobQuestion + `","title":"Is the new bus timetable working?"`,
				`"author":{"id":"` + apptest.Bob + `","username":"bob","name":"bob"}`,
				`"answers":1,"likes":1,"dislikes":0,"ranking":25,"today":true`,
				`"myVote":null,"myAnswer":null},{"id":"` + apptest.AliceQuestion + `"`,
			},
			NotExpectedContent: []string{"@example.com"},
		},
		{
			Name: "signed in: the user's own vote and answer", Method: http.MethodGet, URL: hooks.TopPath,
			Headers: auth("carol"), ExpectedStatus: 200,
			ExpectedContent: []string{
				`"myVote":{"id":"` + apptest.CarolVote + `","kind":"like"},"myAnswer":{"id":"` + apptest.CarolAnswer + `","value":4,"comment":"The 7:40 is full."}`,
			},
		},
		{
			Name: "signed in as someone else: nothing of carol's", Method: http.MethodGet, URL: hooks.TopPath,
			Headers: auth("alice"), ExpectedStatus: 200,
			ExpectedContent: []string{`"myVote":null,"myAnswer":null`}, NotExpectedContent: []string{apptest.CarolVote},
		},
		{
			Name: "a superuser token is not a user: no personal fields", Method: http.MethodGet, URL: hooks.TopPath,
			Headers: auth("super"), ExpectedStatus: 200,
			ExpectedContent: []string{`"myVote":null,"myAnswer":null`},
		},
		{
			Name: "rate limited: 429 in the documented error shape", Method: http.MethodGet, URL: hooks.TopPath,
			ExpectedStatus: 429, ExpectedContent: []string{`"status":429`},
			BeforeTestFunc: spend(limit("/api/"), http.MethodGet, hooks.TopPath, "", func(int) string { return "" }),
		},
	}
	for _, s := range scenarios {
		s.TestAppFactory = factory
		s = checker.Scenario(s)
		s.Test(t)
	}
}

// The cache is dropped when a write commits, so the order follows at once.
func TestTopFollowsWrites(t *testing.T) {
	app := fixture.NewApp(t, nil)
	defer app.Cleanup()
	c := apptest.Serve(t, app)
	first := func() string {
		status, out := c.Do(http.MethodGet, hooks.TopPath, "", nil)
		if status != 200 {
			t.Fatalf("top: %d", status)
		}
		return out["items"].([]any)[0].(map[string]any)["id"].(string)
	}
	if got := first(); got != apptest.BobQuestion {
		t.Fatalf("first %s, want bob's", got)
	}
	// Two answers lift alice's question to 30 > 25.
	for _, role := range []string{"bob", "carol"} {
		if status, out := c.Do(http.MethodPost, answersURL, fixture.Tokens[role], map[string]any{"question": apptest.AliceQuestion, "value": 5}); status != 200 {
			t.Fatalf("answer: %d %v", status, out)
		}
	}
	if got := first(); got != apptest.AliceQuestion {
		t.Fatalf("after two answers first is %s, want alice's", got)
	}
	// A title edit shows too.
	c.Do(http.MethodPatch, questionsURL+"/"+apptest.AliceQuestion, fixture.Tokens["alice"], map[string]any{"title": "Renamed"})
	if _, out := c.Do(http.MethodGet, hooks.TopPath, "", nil); !strings.Contains(fmt.Sprint(out), "Renamed") {
		t.Fatalf("title edit not shown: %v", out)
	}
}

// A write by another process (a CLI command) bypasses this process's hooks;
// its notification drops the cache.
func TestTopFollowsOtherProcesses(t *testing.T) {
	app := fixture.NewApp(t, nil)
	defer app.Cleanup()
	c := apptest.Serve(t, app)
	title := func() string {
		_, out := c.Do(http.MethodGet, hooks.TopPath, "", nil)
		return out["items"].([]any)[0].(map[string]any)["title"].(string)
	}
	before := title()
	// Change the row underneath, as another process would.
	if _, err := app.DB().NewQuery("UPDATE questions SET title = 'Changed elsewhere' WHERE id = {:id}").
		Bind(dbx.Params{"id": apptest.BobQuestion}).Execute(); err != nil {
		t.Fatal(err)
	}
	if got := title(); got != before {
		t.Fatalf("served %q without a notification: the cache is not in use", got)
	}
	if err := crossprocess.Notify(app); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for title() != "Changed elsewhere" {
		if time.Now().After(deadline) {
			t.Fatal("cache not dropped 5 s after another process's notification")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// The signed-in page costs the same number of queries with 1 or 20 own
// votes and answers: no per-question lookups.
func TestTopQueriesAreConstant(t *testing.T) {
	app := fixture.NewApp(t, nil)
	defer app.Cleanup()
	c := apptest.Serve(t, app)
	seedVotedQuestions(t, app, 25, "Q%d")
	selects := countQuestionQueries(t, app)

	count := func(token string) int64 {
		selects.Store(0)
		status, out := c.Do(http.MethodGet, hooks.TopPath, token, nil)
		if status != 200 || len(out["items"].([]any)) != questions.TopLimit {
			t.Fatalf("top: %d %v", status, out)
		}
		return selects.Load()
	}
	count("") // fill the cache
	if n := count(""); n != 0 {
		t.Errorf("cached anonymous request ran %d question queries, want 0", n)
	}
	if n := count(fixture.Tokens["carol"]); n != 1 {
		t.Errorf("signed-in request with 20 own votes and answers ran %d question queries, want 1", n)
	}
	if n := count(fixture.Tokens["carol"]); n != 0 {
		t.Errorf("repeated signed-in request ran %d question queries, want 0 (kept)", n)
	}
}

// A signed-in user's kept copy is dropped by their own write, so their new
// vote shows on the next load; other users' copies are not touched.
func TestTopShowsOwnWriteAtOnce(t *testing.T) {
	app := fixture.NewApp(t, nil)
	defer app.Cleanup()
	c := apptest.Serve(t, app)
	myVote := func(token, question string) any {
		_, out := c.Do(http.MethodGet, hooks.TopPath, token, nil)
		for _, item := range out["items"].([]any) {
			if m := item.(map[string]any); m["id"] == question {
				return m["myVote"]
			}
		}
		t.Fatalf("question %s not in the top", question)
		return nil
	}
	bob := fixture.Tokens["bob"]
	if v := myVote(bob, apptest.AliceQuestion); v != nil {
		t.Fatalf("bob has no vote yet, got %v", v)
	}
	status, vote := c.Do(http.MethodPost, votesURL, bob, map[string]any{"question": apptest.AliceQuestion, "kind": "dislike"})
	if status != 200 {
		t.Fatalf("vote: %d %v", status, vote)
	}
	if v, ok := myVote(bob, apptest.AliceQuestion).(map[string]any); !ok || v["kind"] != "dislike" || v["id"] != vote["id"] {
		t.Fatalf("bob's new vote not shown: %v", v)
	}
	// Switching changes no ranking-free field of the list but must still show.
	c.Do(http.MethodPatch, votesURL+"/"+vote["id"].(string), bob, map[string]any{"kind": "like"})
	if v := myVote(bob, apptest.AliceQuestion).(map[string]any); v["kind"] != "like" {
		t.Fatalf("switched vote not shown: %v", v)
	}
	// An answer edit changes no counter: only bob's copy can show it.
	status, answer := c.Do(http.MethodPost, answersURL, bob, map[string]any{"question": apptest.AliceQuestion, "value": 2})
	if status != 200 {
		t.Fatalf("answer: %d", status)
	}
	myVote(bob, apptest.AliceQuestion) // keep a copy
	c.Do(http.MethodPatch, answersURL+"/"+answer["id"].(string), bob, map[string]any{"value": 5, "comment": "Edited"})
	_, out := c.Do(http.MethodGet, hooks.TopPath, bob, nil)
	if !strings.Contains(fmt.Sprint(out), "Edited") {
		t.Fatalf("edited answer not shown to its author: %v", out)
	}
}

// seedVotedQuestions stores n of alice's questions (title a format of the
// index), each liked and answered by carol.
func seedVotedQuestions(t *testing.T, app core.App, n int, title string) {
	t.Helper()
	for i := 0; i < n; i++ {
		q, err := apptest.CreateRecord(app, questions.Questions, "", map[string]any{"title": fmt.Sprintf(title, i), "author": apptest.Alice})
		if err != nil {
			t.Fatal(err)
		}
		apptest.CreateRecord(app, questions.Votes, "", map[string]any{"question": q.Id, "author": apptest.Carol, "kind": "like"})
		apptest.CreateRecord(app, questions.Answers, "", map[string]any{"question": q.Id, "author": apptest.Carol, "value": 2})
	}
}

// countQuestionQueries counts the statements that touch questions, votes or
// answers on app's read pool until the test ends.
func countQuestionQueries(t *testing.T, app core.App) *atomic.Int64 {
	var selects atomic.Int64
	db := app.ConcurrentDB().(*dbx.DB)
	db.QueryLogFunc = func(_ context.Context, _ time.Duration, query string, _ *sql.Rows, _ error) {
		if strings.Contains(query, "questions") || strings.Contains(query, "votes") || strings.Contains(query, "answers") {
			selects.Add(1)
		}
	}
	t.Cleanup(func() { db.QueryLogFunc = nil })
	return &selects
}
