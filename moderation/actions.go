package moderation

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"github.com/rollcall/rollcall/questions"
	"github.com/rollcall/rollcall/request"
)

// CheckAction fills in who acts on a new moderation action, from the token:
// a moderator's users id and username, or "superuser <email>". A client may
// not write the log's own fields (actor, excerpt, someone else as
// moderator), so the log says who really acted; empty values, as the
// dashboard sends them, are fine. The rule already let only moderators and
// superusers this far.
func (h *Hooks) CheckAction(e *core.RecordRequestEvent) error {
	if err := request.CheckTypes(e); err != nil {
		return err
	}
	if e.Auth == nil {
		return e.BadRequestError("Failed to create record.", nil)
	}
	errs := validation.Errors{}
	for _, field := range []string{FieldActor, FieldExcerpt} {
		if e.Record.GetString(field) != "" {
			errs[field] = validation.NewError("validation_read_only", "Kept by the server; cannot be set.")
		}
	}
	moderator := e.Record.GetString(FieldModerator)
	if e.HasSuperuserAuth() {
		if moderator != "" {
			errs[FieldModerator] = validation.NewError("validation_not_self", "A superuser acts as themselves; leave it empty.")
		}
		e.Record.Set(FieldModerator, "")
		e.Record.Set(FieldActor, "superuser "+e.Auth.Email())
	} else {
		if moderator != "" && moderator != e.Auth.Id {
			errs[FieldModerator] = validation.NewError("validation_not_self", "Must be the signed-in user.")
		}
		e.Record.Set(FieldModerator, e.Auth.Id)
		e.Record.Set(FieldActor, e.Auth.GetString("username"))
	}
	e.Record.Set(FieldReason, strings.TrimSpace(e.Record.GetString(FieldReason)))
	if len(errs) > 0 {
		return e.BadRequestError("Failed to create record.", errs)
	}
	return e.Next()
}

// ApplyAction applies an action and inserts its log row in one transaction,
// whoever creates it (REST, dashboard, Go code): the item is hidden or
// restored, or the report dismissed, only if the row is stored, and the
// other way round. The checks of the item's state run here, inside the
// transaction (which holds the write lock from its start), so two
// moderators hiding the same answer at once get one hide and one 400.
func (h *Hooks) ApplyAction(e *core.RecordEvent) error {
	return questions.InTransaction(e, func(txApp core.App) error {
		if err := apply(txApp, e.Record); err != nil {
			return err
		}
		return e.Next()
	})
}

// apply checks the action against the stored item and report, completes
// its record (the item taken from the report, the excerpt, the actor) and
// saves what it changes. Saves skip validation, as the recount's do: a
// moderator must be able to hide an item written under older field rules;
// the record hooks (the answer's recount among them) still run.
func apply(txApp core.App, action *core.Record) error {
	kind := action.GetString(FieldAction)
	if kind != ActionHide && kind != ActionRestore && kind != ActionDismiss {
		return fieldError(FieldAction, "validation_invalid_value", "Must be hide, restore or dismiss.")
	}
	report, err := takeReport(txApp, action, kind)
	if err != nil {
		return err
	}
	target, err := findTarget(txApp, action)
	if err != nil {
		return err
	}
	if err := fillActor(txApp, action); err != nil {
		return err
	}
	action.Set(FieldExcerpt, excerpt(target))

	what := "question"
	if target.Collection().Name == questions.Answers {
		what = "answer"
	}
	switch kind {
	case ActionHide, ActionRestore:
		hide := kind == ActionHide
		if target.GetBool(questions.FieldHidden) == hide {
			msg := "This " + what + " is already hidden."
			if !hide {
				msg = "This " + what + " is not hidden."
			}
			return fieldError(FieldAction, "validation_invalid_state", msg)
		}
		target.Set(questions.FieldHidden, hide)
		target.Set(questions.FieldHiddenReason, "")
		if hide {
			target.Set(questions.FieldHiddenReason, action.GetString(FieldReason))
		}
		if err := txApp.SaveNoValidate(target); err != nil {
			return fmt.Errorf("%s %s %s: %w", kind, what, target.Id, err)
		}
		if hide {
			return closeOpenReports(txApp, action.GetString(FieldQuestion), action.GetString(FieldAnswer))
		}
		return nil // a restore leaves the reports as they were closed
	default: // dismiss
		report.Set(FieldStatus, StatusDismissed)
		if err := txApp.SaveNoValidate(report); err != nil {
			return fmt.Errorf("dismiss report %s: %w", report.Id, err)
		}
		return nil
	}
}

// takeReport reads the action's report, if any, and takes the item from it.
// A dismissal needs one; a hide may name the report it answers; a restore
// closes no report, so it names none. The report must still be open.
func takeReport(txApp core.App, action *core.Record, kind string) (*core.Record, error) {
	id := action.GetString(FieldReport)
	switch {
	case id == "" && kind == ActionDismiss:
		return nil, fieldError(FieldReport, "validation_required", "Name the report to dismiss.")
	case id == "":
		return nil, nil
	case kind == ActionRestore:
		return nil, fieldError(FieldReport, "validation_not_allowed", "A restore closes no report; leave it empty.")
	}
	report, err := txApp.FindRecordById(Reports, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fieldError(FieldReport, "validation_missing_rel_records", "No such report.")
	}
	if err != nil {
		return nil, fmt.Errorf("read report %s: %w", id, err)
	}
	if report.GetString(FieldStatus) != StatusOpen {
		return nil, fieldError(FieldReport, "validation_invalid_state", "This report is already closed.")
	}
	errs := validation.Errors{}
	for _, field := range []string{FieldQuestion, FieldAnswer} {
		sent, reported := action.GetString(field), report.GetString(field)
		if sent != "" && sent != reported {
			errs[field] = validation.NewError("validation_not_reported", "Must be the reported item, or left empty.")
		}
		action.Set(field, reported)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return report, nil
}

// findTarget reads the item acted on: the answer if one is named (it must be
// on the question), else the question.
func findTarget(txApp core.App, action *core.Record) (*core.Record, error) {
	questionID, answerID := action.GetString(FieldQuestion), action.GetString(FieldAnswer)
	if questionID == "" {
		return nil, fieldError(FieldQuestion, "validation_required", "Name the question (and the answer, for an answer).")
	}
	q, err := txApp.FindRecordById(questions.Questions, questionID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fieldError(FieldQuestion, "validation_missing_rel_records", "No such question.")
	}
	if err != nil {
		return nil, fmt.Errorf("read question %s: %w", questionID, err)
	}
	if answerID == "" {
		return q, nil
	}
	a, err := txApp.FindRecordById(questions.Answers, answerID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fieldError(FieldAnswer, "validation_missing_rel_records", "No such answer.")
	}
	if err != nil {
		return nil, fmt.Errorf("read answer %s: %w", answerID, err)
	}
	if a.GetString(questions.FieldQuestion) != questionID {
		return nil, fieldError(FieldAnswer, "validation_wrong_question", "This answer is not on that question.")
	}
	return a, nil
}

// fillActor names a moderator by username when Go code left actor empty;
// the log must say who acted.
func fillActor(txApp core.App, action *core.Record) error {
	if action.GetString(FieldActor) != "" {
		return nil
	}
	id := action.GetString(FieldModerator)
	if id == "" {
		return fieldError(FieldModerator, "validation_required", "Who acted must be recorded.")
	}
	var username string
	err := txApp.DB().Select("username").From(questions.Users).Where(dbx.HashExp{"id": id}).Row(&username)
	if err != nil {
		return fieldError(FieldModerator, "validation_missing_rel_records", "No such moderator.")
	}
	action.Set(FieldActor, username)
	return nil
}

// closeOpenReports marks the open reports of exactly the hidden item
// actioned (an answer's reports when an answer is hidden, the question's
// own when the question is).
func closeOpenReports(txApp core.App, questionID, answerID string) error {
	open, err := txApp.FindAllRecords(Reports, dbx.HashExp{
		FieldQuestion: questionID, FieldAnswer: answerID, FieldStatus: StatusOpen,
	})
	if err != nil {
		return fmt.Errorf("find open reports: %w", err)
	}
	for _, r := range open {
		r.Set(FieldStatus, StatusActioned)
		if err := txApp.SaveNoValidate(r); err != nil {
			return fmt.Errorf("close report %s: %w", r.Id, err)
		}
	}
	return nil
}

// excerpt is what the item said when it was acted on, for the log: a
// question's title, an answer's comment (or its stars when it has none).
func excerpt(target *core.Record) string {
	if target.Collection().Name == questions.Questions {
		return truncate(target.GetString("title"), ExcerptMax)
	}
	if c := target.GetString("comment"); strings.TrimSpace(c) != "" {
		return truncate(c, ExcerptMax)
	}
	stars := target.GetInt("value")
	if stars == 1 {
		return "1 star, no comment"
	}
	return fmt.Sprintf("%d stars, no comment", stars)
}

func fieldError(field, code, message string) error {
	return validation.Errors{field: validation.NewError(code, message)}
}
