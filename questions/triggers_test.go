package questions_test

import (
	"errors"
	"testing"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"github.com/rollcall/rollcall/questions"
)

// noDrift fails unless every question's stored counters and ranking equal
// the independent recount.
func noDrift(t *testing.T, app core.App, step string) {
	t.Helper()
	drifts, err := questions.Check(app, T0)
	if err != nil {
		t.Fatal(err)
	}
	if len(drifts) != 0 {
		t.Fatalf("%s: %d questions drift, first %+v", step, len(drifts), drifts[0])
	}
}

// The counter triggers keep the counters and ranking exact for every kind
// of row write, made with no hooks at all: inserts, a switched vote, a
// hidden and a restored answer, a row moved to another question, a REPLACE
// (which fires no delete trigger) and deletes; and the ranking they store
// is ranking.Score's, "asked today" bonus included.
func TestCounterTriggersKeepCounts(t *testing.T) {
	app := newTriggerApp(t)
	users := createUsers(t, app, "user", 5)
	q1 := createQuestion(t, app, "q00000000000001", users[0], map[string]any{"today": true, "today_ends": T0.Add(1e12)})
	q2 := createQuestion(t, app, "q00000000000002", users[0], nil)

	addRows(t, app, q1.Id, users[1:], 3, 2, 2)
	if got, want := stored(t, app, q1.Id), (questions.Stored{Answers: 3, Likes: 2, Dislikes: 2, Ranking: 30 + 10 - 6 + 10, Today: true}); got != want {
		t.Fatalf("after inserts %+v, want %+v", got, want)
	}
	noDrift(t, app, "inserts")

	steps := []struct{ name, sql string }{
		{"switch a vote", "UPDATE votes SET kind = 'like' WHERE kind = 'dislike' AND author = '" + users[4] + "'"},
		{"hide an answer", "UPDATE answers SET hidden = TRUE WHERE author = '" + users[1] + "'"},
		{"restore it", "UPDATE answers SET hidden = FALSE WHERE author = '" + users[1] + "'"},
		{"move a vote", "UPDATE votes SET question = '" + q2.Id + "' WHERE author = '" + users[1] + "'"},
		{"move an answer", "UPDATE answers SET question = '" + q2.Id + "' WHERE author = '" + users[2] + "'"},
		{"upsert a vote", "INSERT INTO votes (id, question, author, kind) SELECT 'replacement0001', question, author, 'dislike' FROM votes WHERE author = '" + users[3] + "' AND question = '" + q1.Id + "' ON CONFLICT (question, author) DO UPDATE SET kind = excluded.kind"},
		{"delete a vote", "DELETE FROM votes WHERE author = '" + users[2] + "'"},
		{"delete an answer", "DELETE FROM answers WHERE author = '" + users[3] + "'"},
	}
	for _, s := range steps {
		exec(t, app, s.sql, nil)
		noDrift(t, app, s.name)
	}
	if got := stored(t, app, q2.Id); got.Answers != 1 || got.Likes != 1 {
		t.Fatalf("moved rows not counted on the new question: %+v", got)
	}

	// The one write the insert trigger cannot see: a REPLACE deletes the
	// conflicting row without firing its delete trigger. The drift check
	// finds it and a rebuild mends it.
	exec(t, app, "INSERT OR REPLACE INTO votes (id, question, author, kind) VALUES ('replacement0002', '"+q2.Id+"', '"+users[1]+"', 'dislike')", nil)
	drifts, err := questions.Check(app, T0)
	if err != nil || len(drifts) != 1 || drifts[0].ID != q2.Id {
		t.Fatalf("after a REPLACE: drifts %+v (%v), want %s's", drifts, err, q2.Id)
	}
	if n, err := questions.Rebuild(app, T0); err != nil || n != 1 {
		t.Fatalf("Rebuild = %d, %v", n, err)
	}
	noDrift(t, app, "rebuild")
}

// A new row on a missing, hidden or the author's own question is refused
// inside the insert, for every writer, with the field error a client reads.
func TestCounterTriggersRefuse(t *testing.T) {
	app := newTriggerApp(t)
	users := createUsers(t, app, "user", 2)
	q := createQuestion(t, app, "q00000000000001", users[0], nil)
	hidden := createQuestion(t, app, "q00000000000002", users[0], map[string]any{"hidden": true})
	for _, tc := range []struct {
		name, question, author, code string
	}{
		{"own question", q.Id, users[0], "validation_own_question"},
		{"hidden question", hidden.Id, users[1], "validation_hidden_question"},
		{"missing question", "q00000000000009", users[1], "validation_missing_rel_records"},
	} {
		for _, table := range []string{questions.Votes, questions.Answers} {
			_, err := app.DB().NewQuery("INSERT INTO " + table + " (id, question, author) VALUES ('row000000000001', {:q}, {:a})").
				Bind(dbx.Params{"q": tc.question, "a": tc.author}).Execute()
			var errs validation.Errors
			if !errors.As(questions.TriggerRefusal(err), &errs) || errs[questions.FieldQuestion] == nil ||
				errs[questions.FieldQuestion].(validation.Error).Code() != tc.code {
				t.Errorf("%s, %s: %v, want %s", tc.name, table, err, tc.code)
			}
		}
	}
	if n := count(t, app, q.Id); n.Answers+n.Likes+n.Dislikes != 0 {
		t.Fatalf("refused rows stored: %+v", n)
	}
	if err := questions.TriggerRefusal(errors.New("disk I/O error")); err == nil || err.Error() != "disk I/O error" {
		t.Fatalf("another error changed: %v", err)
	}
}

// EnsureCounters restores dropped triggers (a dashboard schema change of
// votes recreates the table without them) and recounts what was written
// meanwhile; with all in place it changes nothing.
func TestEnsureCounters(t *testing.T) {
	app := newTriggerApp(t)
	users := createUsers(t, app, "user", 3)
	q := createQuestion(t, app, "q00000000000001", users[0], nil)
	if n, err := questions.EnsureCounters(app, T0); err != nil || n != 0 {
		t.Fatalf("with every trigger: %d, %v; want 0, nil", n, err)
	}
	exec(t, app, "DROP TRIGGER rollcall_votes_insert", nil)
	addRows(t, app, q.Id, users[1:], 0, 2, 0)
	if got := stored(t, app, q.Id); got.Likes != 0 {
		t.Fatalf("counted without the trigger: %+v", got)
	}
	if n, err := questions.EnsureCounters(app, T0); err != nil || n != 1 {
		t.Fatalf("after a drop: %d, %v; want 1, nil", n, err)
	}
	if got := stored(t, app, q.Id); got.Likes != 2 || got.Ranking != 10 {
		t.Fatalf("not recounted: %+v", got)
	}
	exec(t, app, "DELETE FROM votes WHERE author = '"+users[1]+"'", nil)
	if got := stored(t, app, q.Id); got.Likes != 1 {
		t.Fatalf("trigger not restored: %+v", got)
	}
}
