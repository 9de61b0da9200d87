package questions_test

import (
	"testing"
	"time"

	"github.com/rollcall/rollcall/config"
	"github.com/rollcall/rollcall/questions"
)

// TestMarkEdited: a question's edited time moves when its author changes
// the title or description, and not when only its counters change (as every
// vote's recount does) or when the change is only whitespace.
func TestMarkEdited(t *testing.T) {
	app := newApp(t)
	cfg := config.New()
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	cfg.Now = func() time.Time { return now }
	h := questions.NewHooks(cfg)
	app.OnRecordUpdate(questions.Questions).BindFunc(h.TrimText)
	app.OnRecordUpdate(questions.Questions).BindFunc(h.MarkEdited)

	author := createUser(t, app, "ann")
	q := createQuestion(t, app, "q1", author.Id, map[string]any{"description": "Opening hours"})
	edited := func() string {
		t.Helper()
		rec, err := app.FindRecordById(questions.Questions, q.Id)
		if err != nil {
			t.Fatal(err)
		}
		return rec.GetDateTime(questions.FieldEdited).String()
	}
	update := func(field string, value any) {
		t.Helper()
		rec, err := app.FindRecordById(questions.Questions, q.Id)
		if err != nil {
			t.Fatal(err)
		}
		rec.Set(field, value)
		if err := app.SaveNoValidate(rec); err != nil {
			t.Fatal(err)
		}
	}

	update(questions.FieldRanking, 15)
	update("title", "  Question q1 ")
	if got := edited(); got != "" {
		t.Fatalf("after a recount and a whitespace-only change, edited = %q; want none", got)
	}
	update("description", "Opening hours on Sundays")
	if got, want := edited(), "2026-12-01 09:00:00.000Z"; got != want {
		t.Fatalf("after a new description, edited = %q; want %q", got, want)
	}
	now = now.Add(time.Hour)
	update(questions.FieldLikes, 3)
	if got, want := edited(), "2026-12-01 09:00:00.000Z"; got != want {
		t.Fatalf("a counter change moved edited to %q", got)
	}
}
