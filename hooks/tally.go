package hooks

import (
	"errors"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"github.com/rollcall/rollcall/config"
	"github.com/rollcall/rollcall/questions"
)

// registerTally recounts the question behind every answer or vote write, in
// the write's own transaction, whoever writes: REST, dashboard or Go code.
func registerTally(app core.App, cfg *config.Config) {
	recount := func(deleting bool) func(e *core.RecordEvent) error {
		return func(e *core.RecordEvent) error {
			return inTransaction(e, func(txApp core.App) error {
				if err := e.Next(); err != nil {
					return err
				}
				current := e.Record.GetString(questions.FieldQuestion)
				now := cfg.Now()
				_, err := questions.Refresh(txApp, current, now)
				switch {
				case errors.Is(err, questions.ErrNoQuestion) && !deleting:
					// Validated against a question that a concurrent delete
					// has removed since: storing the row would orphan it.
					return validation.Errors{questions.FieldQuestion: validation.NewError(
						"validation_missing_rel_records", "The question no longer exists.")}
				case err != nil && !errors.Is(err, questions.ErrNoQuestion):
					return err
				}
				// Only Go code can move a row; recount the question it left.
				if original := e.Record.Original().GetString(questions.FieldQuestion); original != current && original != "" {
					if _, err := questions.Refresh(txApp, original, now); err != nil && !errors.Is(err, questions.ErrNoQuestion) {
						return err
					}
				}
				return nil
			})
		}
	}
	for _, collection := range []string{questions.Answers, questions.Votes} {
		app.OnRecordCreateExecute(collection).BindFunc(recount(false))
		app.OnRecordUpdateExecute(collection).BindFunc(recount(false))
		app.OnRecordDeleteExecute(collection).BindFunc(recount(true))
	}

	app.OnRecordCreate(questions.Answers).BindFunc(func(e *core.RecordEvent) error {
		trimFields(e.Record, "comment")
		return e.Next()
	})
	app.OnRecordUpdate(questions.Answers).BindFunc(func(e *core.RecordEvent) error {
		trimFields(e.Record, "comment")
		return e.Next()
	})

	app.OnRecordValidate(questions.Answers, questions.Votes).BindFunc(func(e *core.RecordEvent) error {
		if err := validateNotOwnQuestion(e.App, e.Record); err != nil {
			return err
		}
		return e.Next()
	})
}

// validateNotOwnQuestion refuses, for everyone including superusers, an
// answer or vote on the author's own question: it would be worth +10 to
// their own ranking.
func validateNotOwnQuestion(app core.App, r *core.Record) error {
	// One column, not a whole record: this runs on every vote.
	var author string
	err := app.DB().Select(questions.FieldAuthor).From(questions.Questions).
		Where(dbx.HashExp{"id": r.GetString(questions.FieldQuestion)}).Row(&author)
	if err != nil {
		return nil // the relation field's own validation reports a missing question
	}
	if author == r.GetString(questions.FieldAuthor) {
		return validation.Errors{questions.FieldQuestion: validation.NewError(
			"validation_own_question", "You cannot answer or vote on your own question.")}
	}
	return nil
}
