package questions_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/rollcall/rollcall/questions"
	"github.com/rollcall/rollcall/ranking"
)

// TestRecountSkipsHiddenAnswers counts only answers moderators have not
// hidden, in Count, Refresh and the drift check alike (they share one
// recount); a hidden question keeps counting its shown answers.
func TestRecountSkipsHiddenAnswers(t *testing.T) {
	app := newApp(t)
	users := createUsers(t, app, "user", 4)
	q := createQuestion(t, app, "q00000000000001", users[0], nil)
	hiddenQ := createQuestion(t, app, "q00000000000002", users[0], map[string]any{"hidden": true})
	addRows(t, app, q.Id, users, 3, 1, 0)
	addRows(t, app, hiddenQ.Id, users, 2, 0, 0)
	exec(t, app, "UPDATE answers SET hidden = TRUE WHERE question = {:q} AND author = {:a}",
		dbx.Params{"q": q.Id, "a": users[1]})

	if got, want := count(t, app, q.Id), (ranking.Counts{Answers: 2, Likes: 1}); got != want {
		t.Errorf("Count with one hidden answer = %+v, want %+v", got, want)
	}
	if got, want := count(t, app, hiddenQ.Id), (ranking.Counts{Answers: 2}); got != want {
		t.Errorf("Count of a hidden question = %+v, want %+v", got, want)
	}

	// The stored counters (0, planted by createQuestion) drift; the drift
	// check wants the shown answers only, and Rebuild stores that.
	drifts, err := questions.Check(app, T0)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]questions.Stored{
		q.Id:       {Answers: 2, Likes: 1, Ranking: 25},
		hiddenQ.Id: {Answers: 2, Ranking: 20},
	}
	got := map[string]questions.Stored{}
	for _, d := range drifts {
		got[d.ID] = d.Want
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Check wants %+v, want %+v", got, want)
	}
	if _, err := questions.Rebuild(app, T0); err != nil {
		t.Fatal(err)
	}
	if s := stored(t, app, q.Id); s != want[q.Id] {
		t.Errorf("after Rebuild %+v, want %+v", s, want[q.Id])
	}

	// Showing the answer again counts it again.
	exec(t, app, "UPDATE answers SET hidden = FALSE", nil)
	if ok, err := questions.Refresh(app, q.Id, T0); err != nil || !ok {
		t.Fatalf("Refresh = %v, %v", ok, err)
	}
	if s := stored(t, app, q.Id); s.Answers != 3 || s.Ranking != 35 {
		t.Errorf("after showing the answer: %+v, want 3 answers, ranking 35", s)
	}
}

// TestRecountUsesShownIndex: the recount's answer count is a search of the
// partial index idx_answers_question_shown, whichever statement carries it
// (one question, a refresh, the drift check over all).
func TestRecountUsesShownIndex(t *testing.T) {
	app := newApp(t)
	for name, query := range map[string]string{
		"count":   questions.CountQuery,
		"refresh": questions.RefreshQuery,
		"check":   questions.CheckQuery,
	} {
		plan := queryPlan(t, app, query)
		if !strings.Contains(plan, "idx_answers_question_shown") {
			t.Errorf("%s: the answer count does not use idx_answers_question_shown:\n%s", name, plan)
		}
		if strings.Contains(plan, "SCAN answers") {
			t.Errorf("%s: scans answers:\n%s", name, plan)
		}
	}
}

// TestTopLeavesOutHiddenQuestions: hidden questions are not in the top 20
// for anyone, and a hidden one does not take the place of a shown one; the
// read still walks idx_questions_top with no sort step.
func TestTopLeavesOutHiddenQuestions(t *testing.T) {
	app := newApp(t)
	author := createUser(t, app, "alice").Id
	createQuestion(t, app, "q00000000000001", author, map[string]any{"ranking": 90, "hidden": true})
	createQuestion(t, app, "q00000000000002", author, map[string]any{"ranking": 50})
	createQuestion(t, app, "q00000000000003", author, map[string]any{"ranking": 40})
	got, err := questions.Top(app, 1)
	if err != nil {
		t.Fatal(err)
	}
	if ids := topIDs(got); !reflect.DeepEqual(ids, []string{"q00000000000002"}) {
		t.Errorf("Top(1) = %v, want the best shown question", ids)
	}
	got, err = questions.Top(app, questions.TopLimit)
	if err != nil {
		t.Fatal(err)
	}
	if ids := topIDs(got); !reflect.DeepEqual(ids, []string{"q00000000000002", "q00000000000003"}) {
		t.Errorf("Top = %v, want the shown questions only", ids)
	}

	plan := queryPlan(t, app, questions.TopQuery)
	if !strings.Contains(plan, "idx_questions_top") || strings.Contains(plan, "TEMP B-TREE") {
		t.Errorf("the top 20 no longer walks idx_questions_top:\n%s", plan)
	}
}

func count(t testing.TB, app core.App, id string) ranking.Counts {
	t.Helper()
	c, err := questions.Count(app, id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// queryPlan is SQLite's plan for query, one detail line each (every
// placeholder the plan tests' queries use is bound).
func queryPlan(t testing.TB, app core.App, query string) string {
	t.Helper()
	var rows []struct {
		Detail string `db:"detail"`
	}
	err := app.DB().NewQuery("EXPLAIN QUERY PLAN " + query).
		Bind(dbx.Params{"id": "q00000000000001", "limit": questions.TopLimit, "offset": 0, "match": `"bus"`, "user": "u", "username": "u"}).All(&rows)
	if err != nil {
		t.Fatalf("plan of %s: %v", query, err)
	}
	lines := make([]string, len(rows))
	for i, r := range rows {
		lines[i] = r.Detail
	}
	return strings.Join(lines, "\n")
}
