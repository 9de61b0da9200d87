package questions

import (
	"slices"

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
// type.
func (h *Hooks) CheckUserBody(e *core.RecordRequestEvent) error {
	if err := request.CheckTypes(e); err != nil {
		return err
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
	return e.Next()
}

// CheckUpdateBody refuses a bad question, answer or vote update body.
func (h *Hooks) CheckUpdateBody(e *core.RecordRequestEvent) error {
	if err := checkClientBody(e); err != nil {
		return err
	}
	return e.Next()
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

// checkClientBody refuses a non-superuser's body that sets a derived field
// (also through "field+" / "+field" / "field-" modifiers) or names another
// user as author, and anyone's value of the wrong type.
func checkClientBody(e *core.RecordRequestEvent) error {
	if err := request.CheckTypes(e); err != nil || e.HasSuperuserAuth() {
		return err // superusers may send derived fields; they are recounted anyway
	}
	info, err := e.RequestInfo()
	if err != nil {
		return e.BadRequestError("Unreadable request body.", validation.Errors{"body": err})
	}
	errs := validation.Errors{}
	derived := e.Collection.Name == Questions
	for key, value := range info.Body {
		field := request.FieldName(key)
		switch {
		case derived && slices.Contains(DerivedFields, field):
			errs[field] = validation.NewError("validation_read_only", "Kept by the server; cannot be set.")
		case field == FieldAuthor && (field != key || !isSelf(e, value)):
			errs[field] = validation.NewError("validation_not_self", "Must be the signed-in user.")
		}
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
