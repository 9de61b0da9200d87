package moderation

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/rollcall/rollcall/questions"
	"github.com/rollcall/rollcall/request"
)

// msgAlreadyReported answers a second open report of one item by
// one user, in place of PocketBase's bare unique-index error.
const msgAlreadyReported = "You have already reported this; moderators will look at it."

// CheckReport fills and checks a new report: the reporter is who signed in
// (any other is a 400, as for a question's author), a new report is open,
// and the item must exist, be visible to the reporter and not be theirs.
func (h *Hooks) CheckReport(e *core.RecordRequestEvent) error {
	if err := request.CheckTypes(e); err != nil {
		return err
	}
	errs := validation.Errors{}
	// Superusers (the dashboard) name the reporter; everyone else is it.
	if !e.HasSuperuserAuth() {
		if e.Auth == nil {
			return e.BadRequestError("Failed to create record.", nil)
		}
		if r := e.Record.GetString(FieldReporter); r != "" && r != e.Auth.Id {
			errs[FieldReporter] = validation.NewError("validation_not_self", "Must be the signed-in user.")
		}
		e.Record.Set(FieldReporter, e.Auth.Id)
	}
	if s := e.Record.GetString(FieldStatus); s != "" && s != StatusOpen {
		errs[FieldStatus] = validation.NewError("validation_read_only", "A new report is always open; moderators close it.")
	}
	e.Record.Set(FieldStatus, StatusOpen)
	e.Record.Set(FieldNote, strings.TrimSpace(e.Record.GetString(FieldNote)))
	if len(errs) > 0 {
		return e.BadRequestError("Failed to create record.", errs)
	}
	if err := checkReported(e.App, e.Record); err != nil {
		return e.BadRequestError("Failed to create record.", err)
	}
	// The unique index on open reports is the arbiter, also between two
	// requests at once; its error is only made readable here.
	err := e.Next()
	if isDuplicateOpenReport(err) {
		item := FieldQuestion
		if e.Record.GetString(FieldAnswer) != "" {
			item = FieldAnswer
		}
		return e.BadRequestError("Failed to create record.", validation.Errors{
			item: validation.NewError("validation_already_reported", msgAlreadyReported)})
	}
	return err
}

// checkReported checks the reported item against its reporter: it exists,
// is shown (a hidden item is as good as missing to a reporter, and needs no
// report), the answer is on the question, and it is not the reporter's own.
// Missing ids are left to the fields' own required validation.
func checkReported(app core.App, report *core.Record) error {
	questionID, answerID := report.GetString(FieldQuestion), report.GetString(FieldAnswer)
	reporter := report.GetString(FieldReporter)
	if questionID == "" {
		return nil
	}
	q, err := readItem(app, questions.Questions, questionID)
	if err != nil {
		return err
	}
	if q == nil || q.Hidden {
		return validation.Errors{FieldQuestion: validation.NewError("validation_missing_rel_records", "No such question.")}
	}
	if answerID == "" {
		if q.Author == reporter {
			return validation.Errors{FieldQuestion: validation.NewError("validation_own_item", "You cannot report your own question.")}
		}
		return nil
	}
	a, err := readItem(app, questions.Answers, answerID)
	if err != nil {
		return err
	}
	switch {
	case a == nil || a.Hidden:
		return validation.Errors{FieldAnswer: validation.NewError("validation_missing_rel_records", "No such answer.")}
	case a.Question != questionID:
		return validation.Errors{FieldAnswer: validation.NewError("validation_wrong_question", "This answer is not on that question.")}
	case a.Author == reporter:
		return validation.Errors{FieldAnswer: validation.NewError("validation_own_item", "You cannot report your own answer.")}
	}
	return nil
}

// item is what the checks need of a question or an answer.
type item struct {
	Author   string `db:"author"`
	Hidden   bool   `db:"hidden"`
	Question string `db:"question"` // an answer's; "" for a question
}

// readItem reads a question or an answer's author and state; nil if missing.
func readItem(app core.App, collection, id string) (*item, error) {
	cols := "author, hidden, '' AS question"
	if collection == questions.Answers {
		cols = "author, hidden, question"
	}
	var it item
	err := app.DB().NewQuery("SELECT " + cols + " FROM " + collection + " WHERE id = {:id}").
		Bind(dbx.Params{"id": id}).One(&it)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s %s: %w", collection, id, err)
	}
	return &it, nil
}

// isDuplicateOpenReport recognises the unique index idx_reports_open_once
// failing, as PocketBase reports it (not-unique on its first column).
func isDuplicateOpenReport(err error) bool {
	var apiErr *router.ApiError
	if !errors.As(err, &apiErr) {
		return false
	}
	raw, _ := apiErr.RawData().(error)
	var errs validation.Errors
	if !errors.As(raw, &errs) {
		return false
	}
	var fieldErr validation.Error
	return errors.As(errs[FieldReporter], &fieldErr) && fieldErr.Code() == "validation_not_unique"
}
