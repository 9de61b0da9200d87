package moderation

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	_ "github.com/rollcall/rollcall/migrations"
	"github.com/rollcall/rollcall/questions"
)

// TestTruncate keeps short text, puts it on one line, and cuts long text to
// ExcerptMax characters (not bytes) with a visible mark.
func TestTruncate(t *testing.T) {
	long := strings.Repeat("é", ExcerptMax+1)
	for _, tc := range []struct{ in, want string }{
		{"Short.", "Short."},
		{"  two\nlines\tand  spaces ", "two lines and spaces"},
		{strings.Repeat("é", ExcerptMax), strings.Repeat("é", ExcerptMax)},
		{long, strings.Repeat("é", ExcerptMax-1) + "…"},
	} {
		got := truncate(tc.in, ExcerptMax)
		if got != tc.want {
			t.Errorf("truncate(%.20q…) = %.20q…, want %.20q…", tc.in, got, tc.want)
		}
		if n := utf8.RuneCountInString(got); n > ExcerptMax {
			t.Errorf("truncate gave %d characters", n)
		}
	}
}

// TestExcerpt is a question's title, an answer's comment, or an answer's
// stars when it has no comment.
func TestExcerpt(t *testing.T) {
	app := newApp(t)
	rec := func(collection string, data map[string]any) *core.Record {
		col, err := app.FindCachedCollectionByNameOrId(collection)
		if err != nil {
			t.Fatal(err)
		}
		r := core.NewRecord(col)
		r.Load(data)
		return r
	}
	for _, tc := range []struct {
		item *core.Record
		want string
	}{
		{rec(questions.Questions, map[string]any{"title": "Open on Sundays?", "description": "Not this."}), "Open on Sundays?"},
		{rec(questions.Answers, map[string]any{"value": 4, "comment": "The 7:40\nis full."}), "The 7:40 is full."},
		{rec(questions.Answers, map[string]any{"value": 4, "comment": "  "}), "4 stars, no comment"},
		{rec(questions.Answers, map[string]any{"value": 1}), "1 star, no comment"},
	} {
		if got := excerpt(tc.item); got != tc.want {
			t.Errorf("excerpt = %q, want %q", got, tc.want)
		}
	}
}

// TestActionFromGoCode: an action saved by Go code (no request hooks) is
// still checked and completed in its transaction: who acted is required,
// a moderator's username becomes the actor, and nothing is hidden when the
// action is refused.
func TestActionFromGoCode(t *testing.T) {
	app := newApp(t)
	app.OnRecordCreateExecute(Actions).BindFunc(New().ApplyAction)
	save := func(collection string, data map[string]any) (*core.Record, error) {
		col, err := app.FindCachedCollectionByNameOrId(collection)
		if err != nil {
			t.Fatal(err)
		}
		r := core.NewRecord(col)
		r.Load(data)
		return r, app.Save(r)
	}
	must := func(r *core.Record, err error) *core.Record {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	mod := must(save(questions.Users, map[string]any{"username": "mod", "email": "mod@example.com", "password": "password123", "moderator": true}))
	author := must(save(questions.Users, map[string]any{"username": "ann", "email": "ann@example.com", "password": "password123"}))
	q := must(save(questions.Questions, map[string]any{"title": "Spam?", "author": author.Id}))

	_, err := save(Actions, map[string]any{"action": ActionHide, "question": q.Id, "reason": "Spam"})
	var errs validation.Errors
	if !errors.As(err, &errs) || errs[FieldModerator] == nil {
		t.Fatalf("an action with nobody acting: %v, want an error naming moderator", err)
	}
	if hidden, _ := questions.IsHidden(app, questions.Questions, q.Id); hidden {
		t.Error("a refused action hid the question")
	}

	row := must(save(Actions, map[string]any{"action": ActionHide, "question": q.Id, "reason": "Spam", "moderator": mod.Id}))
	if row.GetString(FieldActor) != "mod" || row.GetString(FieldExcerpt) != "Spam?" {
		t.Errorf("actor %q, excerpt %q; want mod, Spam?", row.GetString(FieldActor), row.GetString(FieldExcerpt))
	}
	if hidden, _ := questions.IsHidden(app, questions.Questions, q.Id); !hidden {
		t.Error("the action did not hide the question")
	}
}

func newApp(t testing.TB) *tests.TestApp {
	t.Helper()
	app, err := tests.NewTestApp(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(app.Cleanup)
	return app
}
