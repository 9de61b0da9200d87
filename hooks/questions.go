package hooks

import (
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"github.com/rollcall/rollcall/config"
	"github.com/rollcall/rollcall/questions"
)

// registerQuestions fixes a new question's asking day and zero counters, and
// recounts on every other save, so not even a superuser's dashboard edit
// can store counters or a ranking that the rows do not give.
func registerQuestions(app core.App, cfg *config.Config) {
	app.OnRecordCreate(questions.Questions).BindFunc(func(e *core.RecordEvent) error {
		trimFields(e.Record, "title", "description")
		return e.Next()
	})
	// The asking day is read while the insert holds the write lock, as the
	// rollover reads which questions to expire: a question asked at 23:59:59
	// whose insert lands after midnight is either seen by that rollover or
	// counted into the new day, never missed in between.
	app.OnRecordCreateExecute(questions.Questions).BindFunc(func(e *core.RecordEvent) error {
		return inTransaction(e, func(core.App) error {
			questions.StartDay(e.Record, cfg.Now(), cfg.Location)
			return e.Next()
		})
	})

	app.OnRecordUpdate(questions.Questions).BindFunc(func(e *core.RecordEvent) error {
		trimFields(e.Record, "title", "description")
		return e.Next()
	})

	app.OnRecordUpdateExecute(questions.Questions).BindFunc(func(e *core.RecordEvent) error {
		if questions.IsRecounted(e.Context) {
			return e.Next()
		}
		return inTransaction(e, func(txApp core.App) error {
			counts, err := questions.Count(txApp, e.Record.Id)
			if err != nil {
				return err
			}
			questions.Apply(e.Record, counts, cfg.Now())
			return e.Next()
		})
	})
}

// inTransaction runs fn with e.App swapped for a transaction (or the one
// already open), so e.Next()'s write and fn's reads and writes commit
// together.
func inTransaction(e *core.RecordEvent, fn func(txApp core.App) error) error {
	original := e.App
	defer func() { e.App = original }()
	return e.App.RunInTransaction(func(txApp core.App) error {
		e.App = txApp
		return fn(txApp)
	})
}

func trimFields(r *core.Record, names ...string) {
	for _, name := range names {
		r.Set(name, strings.TrimSpace(r.GetString(name)))
	}
}
