package questions_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/types"

	_ "github.com/rollcall/rollcall/migrations"
	"github.com/rollcall/rollcall/questions"
)

// T0 is the tests' "now": a Monday morning, UTC.
var T0 = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// newApp is a freshly migrated app with none of Rollcall's hooks bound and
// its counter triggers dropped, so writes never recount: what a test stores
// stays stored (the recount and the drift check are tested against it).
func newApp(t testing.TB) *tests.TestApp {
	t.Helper()
	app := newTriggerApp(t)
	for _, name := range questions.CounterTriggerNames() {
		exec(t, app, "DROP TRIGGER "+name, nil)
	}
	return app
}

// newTriggerApp is a freshly migrated app with no hooks bound: the counter
// triggers alone keep the counters.
func newTriggerApp(t testing.TB) *tests.TestApp {
	t.Helper()
	app, err := tests.NewTestApp(t.TempDir())
	if err != nil {
		t.Fatalf("test app: %v", err)
	}
	t.Cleanup(app.Cleanup)
	return app
}

// save stores a new record of collection with data, unvalidated ("" id: generated).
func save(t testing.TB, app core.App, collection, id string, data map[string]any) *core.Record {
	t.Helper()
	col, err := app.FindCachedCollectionByNameOrId(collection)
	if err != nil {
		t.Fatal(err)
	}
	rec := core.NewRecord(col)
	if id != "" {
		rec.Id = id
	}
	for k, v := range data {
		rec.Set(k, v)
	}
	if err := app.SaveNoValidate(rec); err != nil {
		t.Fatalf("save %s %v: %v", collection, data, err)
	}
	return rec
}

// createUser stores a user with username, name and an email of its own.
func createUser(t testing.TB, app core.App, username string) *core.Record {
	t.Helper()
	return save(t, app, questions.Users, "", map[string]any{
		"username": username, "name": "Name of " + username, "email": username + "@example.com",
	})
}

// createUsers stores n users named prefix0, prefix1, … and returns their ids.
func createUsers(t testing.TB, app core.App, prefix string, n int) []string {
	t.Helper()
	ids := make([]string, n)
	for i := range ids {
		ids[i] = createUser(t, app, fmt.Sprintf("%s%d", prefix, i)).Id
	}
	return ids
}

// createQuestion stores a question by author; fields override the defaults
// (a title, zero counters, no bonus). A time.Time in fields["created"] is
// written with SQL afterwards: PocketBase sets autodate fields itself.
func createQuestion(t testing.TB, app core.App, id, author string, fields map[string]any) *core.Record {
	t.Helper()
	data := map[string]any{"title": "Question " + id, "author": author}
	var created time.Time
	for k, v := range fields {
		if k == "created" {
			created = v.(time.Time)
			continue
		}
		if tm, ok := v.(time.Time); ok {
			v = dateTime(t, tm)
		}
		data[k] = v
	}
	q := save(t, app, questions.Questions, id, data)
	if !created.IsZero() {
		exec(t, app, "UPDATE questions SET created = {:c} WHERE id = {:id}", dbx.Params{"c": dateTime(t, created).String(), "id": q.Id})
	}
	return q
}

// createAnswer stores author's answer (1–5 stars) to a question.
func createAnswer(t testing.TB, app core.App, question, author string, value int, comment string) *core.Record {
	t.Helper()
	return save(t, app, questions.Answers, "", map[string]any{
		"question": question, "author": author, "value": value, "comment": comment,
	})
}

// createVote stores author's like or dislike of a question.
func createVote(t testing.TB, app core.App, question, author, kind string) *core.Record {
	t.Helper()
	return save(t, app, questions.Votes, "", map[string]any{"question": question, "author": author, "kind": kind})
}

// addRows gives a question answers, likes and dislikes, each from users[…]
// in turn (the unique indexes allow one answer and one vote per user).
func addRows(t testing.TB, app core.App, question string, users []string, answers, likes, dislikes int) {
	t.Helper()
	if answers > len(users) || likes+dislikes > len(users) {
		t.Fatalf("%d users for %d answers, %d votes", len(users), answers, likes+dislikes)
	}
	for i := range answers {
		createAnswer(t, app, question, users[i], 1+i%5, "")
	}
	for i := range likes + dislikes {
		kind := questions.KindLike
		if i >= likes {
			kind = questions.KindDislike
		}
		createVote(t, app, question, users[i], kind)
	}
}

func dateTime(t testing.TB, tm time.Time) types.DateTime {
	t.Helper()
	dt, err := types.ParseDateTime(tm)
	if err != nil {
		t.Fatal(err)
	}
	return dt
}

func exec(t testing.TB, app core.App, sql string, params dbx.Params) {
	t.Helper()
	if _, err := app.DB().NewQuery(sql).Bind(params).Execute(); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// stored reads a question's derived values straight from the table.
func stored(t testing.TB, app core.App, id string) questions.Stored {
	t.Helper()
	var s questions.Stored
	err := app.DB().NewQuery("SELECT answers, likes, dislikes, ranking, today FROM questions WHERE id = {:id}").
		Bind(dbx.Params{"id": id}).One(&s)
	if err != nil {
		t.Fatalf("read question %s: %v", id, err)
	}
	return s
}

// column reads one column of a question as text.
func column(t testing.TB, app core.App, id, name string) string {
	t.Helper()
	var v string
	err := app.DB().NewQuery("SELECT CAST([[" + name + "]] AS TEXT) FROM questions WHERE id = {:id}").
		Bind(dbx.Params{"id": id}).Row(&v)
	if err != nil {
		t.Fatalf("read %s of %s: %v", name, id, err)
	}
	return v
}
