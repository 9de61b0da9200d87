package questions

import (
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"github.com/rollcall/rollcall/request"
)

// immutableFields may be set on create and never changed, by anyone.
var immutableFields = map[string][]string{
	Questions: {FieldAuthor},
	Answers:   {FieldQuestion, FieldAuthor},
	Votes:     {FieldQuestion, FieldAuthor},
}

// The write checks turn what a client may not send into a 400 that names
// the field, instead of a silent overwrite or PocketBase's bare rule failure.

// CheckUserBody refuses a sign-up or profile body with values of the wrong
// type, or one that sets moderator or verified (superusers may: they make
// moderators in the dashboard). It runs on sign-up too, with no one signed in.
func (h *Hooks) CheckUserBody(e *core.RecordRequestEvent) error {
	if err := request.CheckTypes(e); err != nil {
		return err
	}
	if e.HasSuperuserAuth() {
		return e.Next()
	}
	info, err := e.RequestInfo()
	if err != nil {
		return e.BadRequestError("Unreadable request body.", validation.Errors{"body": err})
	}
	errs := validation.Errors{}
	for key := range info.Body {
		if field := request.FieldName(key); slices.Contains(UserServerFields, field) {
			errs[field] = validation.NewError("validation_read_only", "Only an administrator can set this.")
		}
	}
	if len(errs) > 0 {
		return e.BadRequestError("Failed to save record.", errs)
	}
	return e.Next()
}

// CheckCreateBody refuses a bad question, answer or vote body; the author is
// who signed in.
func (h *Hooks) CheckCreateBody(e *core.RecordRequestEvent) error {
	if err := checkClientBody(e); err != nil {
		return err
	}
	if e.Auth != nil && !e.HasSuperuserAuth() {
		e.Record.Set(FieldAuthor, e.Auth.Id)
	}
	// A new answer or vote on a hidden question is refused by the check
	// trigger, in the insert itself (CheckCounted): no read here.
	return e.Next()
}

// CheckUpdateBody refuses a bad question, answer or vote update body.
func (h *Hooks) CheckUpdateBody(e *core.RecordRequestEvent) error {
	if err := checkClientBody(e); err != nil {
		return err
	}
	if err := refuseHiddenQuestion(e); err != nil {
		return err
	}
	return e.Next()
}

// errHiddenQuestion answers an answer or vote written to a hidden question.
var errHiddenQuestion = validation.Errors{FieldQuestion: validation.NewError(
	"validation_hidden_question", "This question has been hidden by moderators.")}

// refuseHiddenQuestion refuses a client's changed answer or vote on a hidden
// question: while hidden it is frozen for everyone (withdrawing is still
// allowed; a new row is refused by the check trigger). It is a request check,
// not a validation hook, so the moderators' own saves are never refused. A
// hide committed between this read and the write lets that one write
// through, as if it had come just before the hide; the counts stay exact
// either way.
func refuseHiddenQuestion(e *core.RecordRequestEvent) error {
	if name := e.Collection.Name; name != Answers && name != Votes {
		return nil
	}
	hidden, err := IsHidden(e.App, Questions, e.Record.GetString(FieldQuestion))
	if err != nil {
		return e.InternalServerError("Failed to read the question.", err)
	}
	if hidden {
		return e.BadRequestError("Failed to save record.", errHiddenQuestion)
	}
	return nil
}

// IsHidden reads whether a question or answer is hidden, in one column; a
// missing one is not (the relation's own validation reports it).
func IsHidden(app core.App, collection, id string) (bool, error) {
	var hidden bool
	err := app.DB().Select(FieldHidden).From(collection).Where(dbx.HashExp{"id": id}).Row(&hidden)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read %s %s: %w", collection, id, err)
	}
	return hidden, nil
}

// KeepImmutable refuses, for anyone, a change to a field that is set on
// create only (an author, the question an answer or vote belongs to).
func (h *Hooks) KeepImmutable(e *core.RecordEvent) error {
	if e.Record.IsNew() {
		return e.Next()
	}
	errs := validation.Errors{}
	for _, field := range immutableFields[e.Record.Collection().Name] {
		if e.Record.GetString(field) != e.Record.Original().GetString(field) {
			errs[field] = validation.NewError("validation_immutable", "Cannot be changed once set.")
		}
	}
	if len(errs) > 0 {
		return errs
	}
	return e.Next()
}

// checkClientBody refuses a non-superuser's body that sets a derived or a
// moderation field (also through "field+" / "+field" / "field-" modifiers) or
// names another user as author, and anyone's value of the wrong type.
func checkClientBody(e *core.RecordRequestEvent) error {
	if err := request.CheckTypes(e); err != nil {
		return err
	}
	if e.HasSuperuserAuth() {
		return checkSuperuserBody(e) // derived fields are recounted anyway
	}
	info, err := e.RequestInfo()
	if err != nil {
		return e.BadRequestError("Unreadable request body.", validation.Errors{"body": err})
	}
	errs := validation.Errors{}
	derived := e.Collection.Name == Questions
	moderated := e.Collection.Name != Votes
	for key, value := range info.Body {
		field := request.FieldName(key)
		switch {
		case derived && slices.Contains(DerivedFields, field):
			errs[field] = validation.NewError("validation_read_only", "Kept by the server; cannot be set.")
		case moderated && slices.Contains(ModerationFields, field):
			errs[field] = validation.NewError("validation_read_only", "Set by moderators; cannot be sent.")
		case field == FieldAuthor && (field != key || !isSelf(e, value)):
			errs[field] = validation.NewError("validation_not_self", "Must be the signed-in user.")
		}
	}
	if len(errs) > 0 {
		return e.BadRequestError("Failed to save record.", errs)
	}
	return nil
}

// checkSuperuserBody lets the dashboard send every field back as it is, but
// not hide or restore by editing: that goes through a moderation action, so
// the log holds every change.
func checkSuperuserBody(e *core.RecordRequestEvent) error {
	if e.Collection.Name == Votes {
		return nil
	}
	original := e.Record.Original()
	errs := validation.Errors{}
	if e.Record.GetBool(FieldHidden) != original.GetBool(FieldHidden) {
		errs[FieldHidden] = validation.NewError("validation_read_only", "Hide or restore with a moderation action, so it is logged.")
	}
	if e.Record.GetString(FieldHiddenReason) != original.GetString(FieldHiddenReason) {
		errs[FieldHiddenReason] = validation.NewError("validation_read_only", "Set by the moderation action that hid it.")
	}
	if len(errs) > 0 {
		return e.BadRequestError("Failed to save record.", errs)
	}
	return nil
}

func isSelf(e *core.RecordRequestEvent, value any) bool {
	id, ok := value.(string)
	return ok && e.Auth != nil && id == e.Auth.Id
}
