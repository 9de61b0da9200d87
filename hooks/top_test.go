package hooks_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/subscriptions"

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

// A write by another process bypasses this process's hooks. A CLI
// command's notification drops the cache; so does plain SQL run on the data
// file by another tool, which says nothing: the counter triggers count it and
// the database watcher sees the commit.
func TestTopFollowsOtherProcesses(t *testing.T) {
	app := fixture.NewApp(t, nil)
	defer app.Cleanup()
	c := apptest.Serve(t, app)
	item := func(id string) map[string]any {
		_, out := c.Do(http.MethodGet, hooks.TopPath, "", nil)
		for _, it := range out["items"].([]any) {
			if m := it.(map[string]any); m["id"] == id {
				return m
			}
		}
		t.Fatalf("question %s not in the top 20", id)
		return nil
	}
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		start := time.Now()
		for !ok() {
			if time.Since(start) > 2*time.Second {
				t.Fatalf("%s: not shown 2 s later", what)
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Logf("%s: shown after %s", what, time.Since(start).Round(time.Millisecond))
	}
	if got := item(apptest.BobQuestion)["likes"]; got != 1.0 {
		t.Fatalf("bob's question: %v likes, want 1", got)
	}

	// Another tool: its own connection to data.db, plain SQL, no hooks.
	other, err := sql.Open("sqlite", "file:"+filepath.Join(app.DataDir(), "data.db")+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	now := time.Now().UTC().Format("2006-01-02 15:04:05.000Z")
	if _, err := other.Exec("INSERT INTO votes (id, question, author, kind, created, updated) VALUES ('rawsqlvote00001', ?, ?, 'like', ?, ?)",
		apptest.BobQuestion, apptest.Alice, now, now); err != nil {
		t.Fatal(err)
	}
	var likes, rank int
	if err := other.QueryRow("SELECT likes, ranking FROM questions WHERE id = ?", apptest.BobQuestion).Scan(&likes, &rank); err != nil {
		t.Fatal(err)
	}
	if likes != 2 || rank != 30 { // 1 answer, 2 likes, asked today
		t.Fatalf("after a plain SQL vote: likes %d, ranking %d; want 2, 30", likes, rank)
	}
	waitFor("a plain SQL vote", func() bool { return item(apptest.BobQuestion)["likes"] == 2.0 })
	// Plain SQL is refused what the API refuses: a vote on one's own question.
	if _, err := other.Exec("INSERT INTO votes (id, question, author, kind, created, updated) VALUES ('rawsqlvote00002', ?, ?, 'like', ?, ?)",
		apptest.BobQuestion, apptest.Bob, now, now); err == nil || !strings.Contains(err.Error(), "rollcall_own_question") {
		t.Fatalf("own vote in plain SQL: %v, want the trigger's refusal", err)
	}
	if _, err := other.Exec("DELETE FROM votes WHERE id = 'rawsqlvote00001'"); err != nil {
		t.Fatal(err)
	}
	waitFor("a plain SQL delete", func() bool { return item(apptest.BobQuestion)["likes"] == 1.0 })
	if drifts, err := questions.Check(app, apptest.FixtureTime); err != nil || len(drifts) != 0 {
		t.Fatalf("check: %v (%v)", drifts, err)
	}

	// A CLI command's notification drops the cache too.
	if _, err := app.DB().NewQuery("UPDATE questions SET title = 'Changed elsewhere' WHERE id = {:id}").
		Bind(dbx.Params{"id": apptest.BobQuestion}).Execute(); err != nil {
		t.Fatal(err)
	}
	if err := crossprocess.Notify(app); err != nil {
		t.Fatal(err)
	}
	waitFor("a notified write", func() bool { return item(apptest.BobQuestion)["title"] == "Changed elsewhere" })
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

// The triggers update the question behind PocketBase's back, so the hooks
// send its update themselves: a subscriber of questions/* hears a vote at
// once, with the new counters, and one who may not view the question (it is
// hidden) hears nothing.
func TestCountedWriteReachesRealtime(t *testing.T) {
	app := fixture.NewApp(t, nil)
	defer app.Cleanup()
	c := apptest.Serve(t, app)
	client := subscriptions.NewDefaultClient()
	client.Subscribe("questions/*")
	app.SubscriptionsBroker().Register(client)
	defer app.SubscriptionsBroker().Unregister(client.Id())
	next := func() (map[string]any, bool) {
		select {
		case m := <-client.Channel():
			var data struct {
				Action string         `json:"action"`
				Record map[string]any `json:"record"`
			}
			if err := json.Unmarshal(m.Data, &data); err != nil {
				t.Fatal(err)
			}
			if data.Action != "update" {
				t.Fatalf("action %q, want update", data.Action)
			}
			return data.Record, true
		case <-time.After(time.Second):
			return nil, false
		}
	}

	status, _ := c.Do(http.MethodPost, "/api/collections/votes/records", fixture.Tokens["alice"],
		map[string]any{"question": apptest.BobQuestion, "kind": "dislike"})
	if status != http.StatusOK {
		t.Fatalf("vote: %d", status)
	}
	rec, ok := next()
	if !ok {
		t.Fatal("no realtime event for the counted question within 1 s")
	}
	if rec["id"] != apptest.BobQuestion || rec["dislikes"] != 1.0 || rec["ranking"] != 22.0 {
		t.Fatalf("event %v; want bob's question with 1 dislike, ranking 22", rec)
	}

	// Hidden: only its author and moderators may view it.
	if _, err := app.DB().NewQuery("UPDATE questions SET hidden = TRUE WHERE id = {:id}").
		Bind(dbx.Params{"id": apptest.BobQuestion}).Execute(); err != nil {
		t.Fatal(err)
	}
	if status, _ := c.Do(http.MethodDelete, "/api/collections/votes/records/"+apptest.CarolVote, fixture.Tokens["carol"], nil); status != http.StatusNoContent {
		t.Fatalf("withdraw: %d", status)
	}
	if rec, ok := next(); ok {
		t.Fatalf("an anonymous subscriber heard of a hidden question: %v", rec)
	}
}

// Pages reload on rollcall/questions when another process changes the
// questions, and not for writes that leave them alone: this process's own
// writes of any table, or another process's scrape committing properties.
func TestOtherProcessesAnnounceOnlyQuestionChanges(t *testing.T) {
	app := fixture.NewApp(t, nil)
	defer app.Cleanup()
	apptest.Serve(t, app)
	client := subscriptions.NewDefaultClient()
	client.Subscribe(questions.TopicChanged)
	app.SubscriptionsBroker().Register(client)
	defer app.SubscriptionsBroker().Unregister(client.Id())
	heard := func(within time.Duration) bool {
		select {
		case <-client.Channel():
			return true
		case <-time.After(within):
			return false
		}
	}
	now := time.Now().UTC().Format("2006-01-02 15:04:05.000Z")

	// This process: eight writes through PocketBase's own connection.
	for i := range 8 {
		if _, err := app.DB().NewQuery("UPDATE _params SET updated = {:t} WHERE id = (SELECT id FROM _params LIMIT 1)").
			Bind(dbx.Params{"t": fmt.Sprintf("%s-%d", now, i)}).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	if heard(time.Second) {
		t.Fatal("this process's own writes told pages to reload")
	}

	other, err := sql.Open("sqlite", "file:"+filepath.Join(app.DataDir(), "data.db")+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	// Another process writing something else, as a scrape would.
	if _, err := other.Exec("UPDATE _params SET updated = ? WHERE id = (SELECT id FROM _params LIMIT 1)", now+"-other"); err != nil {
		t.Fatal(err)
	}
	if heard(time.Second) {
		t.Fatal("another process's write of no question told pages to reload")
	}
	// Another process voting.
	if _, err := other.Exec("INSERT INTO votes (id, question, author, kind, created, updated) VALUES ('rawsqlvote00003', ?, ?, 'like', ?, ?)",
		apptest.BobQuestion, apptest.Alice, now, now); err != nil {
		t.Fatal(err)
	}
	if !heard(2 * time.Second) {
		t.Fatal("another process's vote did not tell pages to reload within 2 s")
	}
}
