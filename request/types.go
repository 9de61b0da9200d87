package request

import (
	"strings"
	"unicode/utf8"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
)

// multilineFields may hold line breaks and tabs; other text is one line.
var multilineFields = map[string]bool{"description": true, "comment": true}

// CheckTypes refuses a JSON value of the wrong type for its field, and
// control characters in text. PocketBase would coerce instead: 123 becomes
// "123", true becomes 1, and an object sent as a description becomes "",
// silently losing what the client sent. Form (multipart) bodies carry only
// strings, so their types are left to PocketBase's parsing; their text is
// checked on the record like any other.
func CheckTypes(e *core.RecordRequestEvent) error {
	// PocketBase's RequestInfo body is already coerced by now; the body
	// check stored the client's own JSON values.
	body, _ := e.Get(rawBodyKey).(map[string]any)
	errs := validation.Errors{}
	for key, value := range body {
		name := FieldName(key)
		field := e.Collection.Fields.GetByName(name)
		if field == nil || value == nil { // unknown keys are ignored, null clears
			continue
		}
		if msg := typeProblem(field, value); msg != "" {
			errs[name] = validation.NewError("validation_invalid_type", msg)
		}
	}
	// Whatever the body's encoding (a form, multipart), the text that
	// reaches the record is checked too; stored text is not judged again.
	for _, field := range e.Collection.Fields {
		name := field.GetName()
		if !isText(field) || errs[name] != nil {
			continue
		}
		value := e.Record.GetString(name)
		if !e.Record.IsNew() && value == e.Record.Original().GetString(name) {
			continue
		}
		switch {
		case !utf8.ValidString(value):
			errs[name] = validation.NewError("validation_invalid_utf8", "Must be valid UTF-8.")
		case HasControlCharacters(value, multilineFields[name]):
			errs[name] = validation.NewError("validation_invalid_type", "Must not contain control characters.")
		}
	}
	if len(errs) > 0 {
		return e.BadRequestError("Failed to save record.", errs)
	}
	return nil
}

// isText reports whether a field holds free text a client writes.
func isText(field core.Field) bool {
	switch field.(type) {
	case *core.TextField, *core.EditorField:
		return true
	}
	return false
}

func typeProblem(field core.Field, value any) string {
	switch f := field.(type) {
	case *core.TextField, *core.EmailField, *core.URLField, *core.EditorField, *core.PasswordField:
		s, ok := value.(string)
		if !ok {
			return "Must be a string."
		}
		if HasControlCharacters(s, multilineFields[field.GetName()]) {
			return "Must not contain control characters."
		}
	case *core.NumberField:
		if _, ok := value.(float64); !ok {
			return "Must be a number."
		}
	case *core.BoolField:
		if _, ok := value.(bool); !ok {
			return "Must be true or false."
		}
	case *core.RelationField:
		return idsProblem(value, f.IsMultiple())
	case *core.SelectField:
		return idsProblem(value, f.IsMultiple())
	}
	return ""
}

// idsProblem checks a relation or select value: a string, or a list of
// strings where the field takes several.
func idsProblem(value any, multiple bool) string {
	if _, ok := value.(string); ok {
		return ""
	}
	if list, ok := value.([]any); ok && multiple {
		for _, item := range list {
			if _, ok := item.(string); !ok {
				return "Must be a list of strings."
			}
		}
		return ""
	}
	if multiple {
		return "Must be a string or a list of strings."
	}
	return "Must be a single string."
}

// HasControlCharacters reports C0 and C1 control characters and DEL;
// multiline text may keep tabs and line breaks.
func HasControlCharacters(s string, multiline bool) bool {
	for _, r := range s {
		if multiline && (r == '\n' || r == '\r' || r == '\t') {
			continue
		}
		if r < 0x20 || (r >= 0x7f && r <= 0x9f) {
			return true
		}
	}
	return false
}

// FieldName strips PocketBase's "+field", "field+" and "field-" modifiers.
func FieldName(key string) string {
	return strings.TrimSuffix(strings.TrimSuffix(strings.TrimPrefix(key, "+"), "+"), "-")
}
