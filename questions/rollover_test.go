package questions_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/rollcall/rollcall/questions"
)

// TestExpireBonuses drops the bonus (and recounts) exactly for questions
// still carrying it whose today_ends <= now, reports how many, and is a
// no-op when run again.
func TestExpireBonuses(t *testing.T) {
	app := newApp(t)
	users := createUsers(t, app, "user", 3)
	bonus := map[string]any{"today": true, "ranking": 10}
	with := func(fields map[string]any, k string, v any) map[string]any {
		out := map[string]any{k: v}
		for k, v := range fields {
			out[k] = v
		}
		return out
	}
	for _, q := range []struct {
		id     string
		fields map[string]any
	}{
		{"ended0000000001", with(bonus, "today_ends", T0.Add(-time.Hour))},
		{"endsnow00000001", with(bonus, "today_ends", T0)},
		{"noend0000000001", bonus}, // no asking day: no bonus is due
		{"today0000000001", with(bonus, "today_ends", T0.Add(time.Millisecond))},
		{"expired00000001", map[string]any{"today_ends": T0.Add(-48 * time.Hour)}},
	} {
		createQuestion(t, app, q.id, users[0], q.fields)
	}
	// Rows the stored counters miss: an expired question is recounted too,
	// and the others must stay as stored, untouched.
	for _, id := range []string{"ended0000000001", "today0000000001", "expired00000001"} {
		addRows(t, app, id, users, 2, 1, 1) // 20 + 5 − 3 = 22
	}

	n, err := questions.ExpireBonuses(app, T0)
	if err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Errorf("ExpireBonuses changed %d, want 3", n)
	}
	want := map[string]questions.Stored{
		"ended0000000001": {Answers: 2, Likes: 1, Dislikes: 1, Ranking: 22},
		"endsnow00000001": {},
		"noend0000000001": {},
		"today0000000001": {Ranking: 10, Today: true},
		"expired00000001": {},
	}
	check := func(when string) {
		t.Helper()
		for id, w := range want {
			if got := stored(t, app, id); got != w {
				t.Errorf("%s: %s stored %+v, want %+v", when, id, got, w)
			}
		}
	}
	check("after the rollover")

	if n, err := questions.ExpireBonuses(app, T0); err != nil || n != 0 {
		t.Errorf("second run = %d, %v; want 0, nil", n, err)
	}
	check("after a second run")
}

// TestExpireBonusesManyBatches catches up on more questions than one batch
// (refreshBatch = 500) holds, all of them, and only those.
func TestExpireBonusesManyBatches(t *testing.T) {
	app := newApp(t)
	author := createUser(t, app, "alice").Id
	const ended = 1001 // two full batches and one more
	bulkQuestions(t, app, "past", author, ended, map[string]any{"today": true, "ranking": 10, "today_ends": T0.Add(-time.Hour)})
	bulkQuestions(t, app, "next", author, 3, map[string]any{"today": true, "ranking": 10, "today_ends": T0.Add(time.Hour)})

	n, err := questions.ExpireBonuses(app, T0)
	if err != nil {
		t.Fatal(err)
	}
	if n != ended {
		t.Errorf("ExpireBonuses changed %d, want %d", n, ended)
	}
	for _, tc := range []struct {
		where string
		want  int
	}{
		{"id LIKE 'past%' AND (today OR ranking != 0)", 0},
		{"id LIKE 'next%' AND today AND ranking = 10", 3},
	} {
		if got := countWhere(t, app, tc.where); got != tc.want {
			t.Errorf("%d questions with %s, want %d", got, tc.where, tc.want)
		}
	}
	if n, err := questions.ExpireBonuses(app, T0); err != nil || n != 0 {
		t.Errorf("second run = %d, %v; want 0, nil", n, err)
	}
}

// TestRefreshAll recounts every listed question across batches, skips a
// deleted one, and counts only those it saved with new values.
func TestRefreshAll(t *testing.T) {
	app := newApp(t)
	users := createUsers(t, app, "user", 2)
	const drifted = 501
	ids := bulkQuestions(t, app, "drft", users[0], drifted, map[string]any{"ranking": 7})
	clean := createQuestion(t, app, "clean0000000001", users[0], nil)
	rows := createQuestion(t, app, "rows00000000001", users[0], nil)
	addRows(t, app, rows.Id, users, 1, 1, 1) // 10 + 5 − 3 = 12
	// The deleted question sits inside the first batch, the counted ones at both ends.
	list := append([]string{rows.Id, clean.Id, "deleted00000001"}, ids...)

	n, err := questions.RefreshAll(app, list, T0)
	if err != nil {
		t.Fatal(err)
	}
	if want := drifted + 1; n != want {
		t.Errorf("RefreshAll changed %d, want %d", n, want)
	}
	if got := countWhere(t, app, "id LIKE 'drft%' AND ranking != 0"); got != 0 {
		t.Errorf("%d drifted questions keep their planted ranking", got)
	}
	if got, want := stored(t, app, rows.Id), (questions.Stored{Answers: 1, Likes: 1, Dislikes: 1, Ranking: 12}); got != want {
		t.Errorf("stored %+v, want %+v", got, want)
	}
	if n, err := questions.RefreshAll(app, list, T0); err != nil || n != 0 {
		t.Errorf("second run = %d, %v; want 0, nil", n, err)
	}
}

// bulkQuestions inserts n questions by author with one SQL statement (ids
// prefix + zero-padded number, 15 characters) and returns their ids. Values
// in set are columns; time.Time values are stored as PocketBase dates.
func bulkQuestions(t testing.TB, app core.App, prefix, author string, n int, set map[string]any) []string {
	t.Helper()
	width := 15 - len(prefix)
	cols, vals := "", ""
	params := dbx.Params{"n": n, "author": author, "now": dateTime(t, T0).String()}
	for k, v := range set {
		if tm, ok := v.(time.Time); ok {
			v = dateTime(t, tm).String()
		}
		cols += ", [[" + k + "]]"
		vals += ", {:" + k + "}"
		params[k] = v
	}
	sql := fmt.Sprintf(`INSERT INTO questions (id, title, author, created, updated%s)
		WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {:n})
		SELECT printf('%s%%0%dd', i), 'Question ' || i, {:author}, {:now}, {:now}%s FROM n`, cols, prefix, width, vals)
	exec(t, app, sql, params)
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("%s%0*d", prefix, width, i+1)
	}
	return ids
}

func countWhere(t testing.TB, app core.App, where string) int {
	t.Helper()
	var n int
	if err := app.DB().NewQuery("SELECT COUNT(*) FROM questions WHERE " + where).Row(&n); err != nil {
		t.Fatalf("count %s: %v", where, err)
	}
	return n
}
