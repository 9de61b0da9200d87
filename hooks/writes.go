package hooks

import (
	"slices"
	"strings"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"github.com/rollcall/rollcall/questions"
)

// immutableFields may be set on create and never changed, by anyone.
var immutableFields = map[string][]string{
	questions.Questions: {questions.FieldAuthor},
	questions.Answers:   {questions.FieldQuestion, questions.FieldAuthor},
	questions.Votes:     {questions.FieldQuestion, questions.FieldAuthor},
}

// registerWriteChecks turns what a client may not send into a 400 that names
// the field, instead of a silent overwrite or PocketBase's bare rule failure.
func registerWriteChecks(app core.App) {
	collections := []string{questions.Questions, questions.Answers, questions.Votes}

	typesOnly := func(e *core.RecordRequestEvent) error {
		if err := checkTypes(e); err != nil {
			return err
		}
		return e.Next()
	}
	app.OnRecordCreateRequest(questions.Users).BindFunc(typesOnly)
	app.OnRecordUpdateRequest(questions.Users).BindFunc(typesOnly)

	app.OnRecordCreateRequest(collections...).BindFunc(func(e *core.RecordRequestEvent) error {
		if err := checkClientBody(e); err != nil {
			return err
		}
		if e.Auth != nil && !e.HasSuperuserAuth() {
			e.Record.Set(questions.FieldAuthor, e.Auth.Id) // the author is who signed in
		}
		return e.Next()
	})
	app.OnRecordUpdateRequest(collections...).BindFunc(func(e *core.RecordRequestEvent) error {
		if err := checkClientBody(e); err != nil {
			return err
		}
		return e.Next()
	})

	app.OnRecordValidate(collections...).BindFunc(func(e *core.RecordEvent) error {
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
	})
}

// checkClientBody refuses a non-superuser's body that sets a derived field
// (also through "field+" / "+field" / "field-" modifiers) or names another
// user as author, and anyone's value of the wrong type.
func checkClientBody(e *core.RecordRequestEvent) error {
	if err := checkTypes(e); err != nil || e.HasSuperuserAuth() {
		return err // superusers may send derived fields; they are recounted anyway
	}
	info, err := e.RequestInfo()
	if err != nil {
		return e.BadRequestError("Unreadable request body.", validation.Errors{"body": err})
	}
	errs := validation.Errors{}
	derived := e.Collection.Name == questions.Questions
	for key, value := range info.Body {
		field := fieldName(key)
		switch {
		case derived && slices.Contains(questions.DerivedFields, field):
			errs[field] = validation.NewError("validation_read_only", "Kept by the server; cannot be set.")
		case field == questions.FieldAuthor && (field != key || !isSelf(e, value)):
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

// fieldName strips PocketBase's "+field", "field+" and "field-" modifiers.
func fieldName(key string) string {
	return strings.TrimSuffix(strings.TrimSuffix(strings.TrimPrefix(key, "+"), "+"), "-")
}
