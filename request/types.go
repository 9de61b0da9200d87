package request

import (
	"strings"
	"unicode"
	"unicode/utf8"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
)

// multilineFields may hold line breaks and tabs; other text is one line.
var multilineFields = map[string]bool{"description": true, "comment": true}

// CheckTypes refuses a JSON value of the wrong type for its field, and text
// that CheckText refuses. PocketBase would coerce instead: 123 becomes
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
		if err := CheckText(value, multilineFields[name]); err != nil {
			errs[name] = err
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

// CheckText refuses text that would not show what it holds: invalid UTF-8,
// control characters (multiline text may keep tabs and line breaks),
// bidirectional controls, which reorder what a reader sees ("Trojan
// source"), U+2028/U+2029 in one-line text, and a value of only invisible
// characters, which looks empty. Invisible characters inside visible text
// stay: emoji sequences need the zero-width joiner, some scripts break words
// with U+200B.
func CheckText(s string, multiline bool) validation.Error {
	switch {
	case !utf8.ValidString(s):
		return validation.NewError("validation_invalid_utf8", "Must be valid UTF-8.")
	case HasControlCharacters(s, multiline):
		return validation.NewError("validation_invalid_type", "Must not contain control characters.")
	case strings.ContainsFunc(s, IsBidiControl):
		return validation.NewError("validation_bidi_control", "Must not contain characters that change the text direction.")
	case !multiline && strings.ContainsAny(s, "\u2028\u2029"):
		return validation.NewError("validation_line_separator", "Must be one line.")
	case strings.TrimSpace(s) != "" && !strings.ContainsFunc(s, func(r rune) bool { return !IsInvisible(r) }):
		// Plain white space is left to trimming and the field's own rules.
		return validation.NewError("validation_invisible", "Must contain visible characters.")
	}
	return nil
}

// IsBidiControl reports the Unicode Bidi_Control characters: the marks
// U+061C, U+200E, U+200F, the embeddings and overrides U+202A–U+202E and
// the isolates U+2066–U+2069.
func IsBidiControl(r rune) bool { return unicode.Is(unicode.Bidi_Control, r) }

// IsInvisible reports characters that draw nothing: white space, format
// characters (Cf: zero-width space and joiners, U+2060, U+FEFF, the soft
// hyphen, tags, ...), the other default-ignorable ones (Hangul fillers,
// the combining grapheme joiner), variation selectors, and the blank
// Braille pattern U+2800, a favourite for "empty" names.
func IsInvisible(r rune) bool {
	return unicode.IsSpace(r) || r == '\u2800' ||
		unicode.In(r, unicode.Cf, unicode.Other_Default_Ignorable_Code_Point, unicode.Variation_Selector)
}

// FieldName strips PocketBase's "+field", "field+" and "field-" modifiers.
func FieldName(key string) string {
	return strings.TrimSuffix(strings.TrimSuffix(strings.TrimPrefix(key, "+"), "+"), "-")
}
