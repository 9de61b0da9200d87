package request

import (
	"testing"
)

// One-line text refuses what hides or reorders it; multiline text keeps
// its line breaks; visible text may carry joiners inside it.
func TestCheckText(t *testing.T) {
	cases := []struct {
		name      string
		s         string
		multiline bool
		code      string // "" when accepted
	}{
		{"plain", "Who fixes the potholes?", false, ""},
		{"empty", "", false, ""},
		{"white space only (trimmed later)", "  \u00a0 ", false, ""},
		{"emoji ZWJ sequence", "Best spot? \U0001F469\u200D\U0001F4BB", false, ""},
		{"zero-width space inside a word", "Thai\u200bword", false, ""},
		{"flag tag sequence", "\U0001F3F4\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F", false, ""},
		{"line separator in a description", "one\u2028two", true, ""},
		{"line break in a description", "one\ntwo", true, ""},

		{"three zero-width spaces", "\u200b\u200b\u200b", false, "validation_invisible"},
		{"zero-width joiners and spaces", " \u200d\u200c ", false, "validation_invisible"},
		{"word joiner", "\u2060", false, "validation_invisible"},
		{"byte order mark", "\ufeff", false, "validation_invisible"},
		{"soft hyphen", "\u00ad\u00ad", false, "validation_invisible"},
		{"Hangul filler", "\u3164", false, "validation_invisible"},
		{"blank Braille pattern", "\u2800\u2800", false, "validation_invisible"},
		{"variation selector", "\ufe0f", false, "validation_invisible"},
		{"invisible description", "\u200b\n\u200b", true, "validation_invisible"},

		{"right-to-left override", "abc\u202Etxt.exe", false, "validation_bidi_control"},
		{"left-to-right embedding", "\u202Aabc", false, "validation_bidi_control"},
		{"pop directional formatting", "abc\u202C", false, "validation_bidi_control"},
		{"isolate", "a\u2066b\u2069", false, "validation_bidi_control"},
		{"first strong isolate", "a\u2068b", false, "validation_bidi_control"},
		{"left-to-right mark", "a\u200Eb", false, "validation_bidi_control"},
		{"right-to-left mark", "a\u200Fb", false, "validation_bidi_control"},
		{"Arabic letter mark", "a\u061Cb", false, "validation_bidi_control"},
		{"override in a description", "x\u202Ey", true, "validation_bidi_control"},

		{"line separator in a title", "one\u2028two", false, "validation_line_separator"},
		{"paragraph separator in a title", "one\u2029two", false, "validation_line_separator"},

		{"line break in a title", "one\ntwo", false, "validation_invalid_type"},
		{"NUL", "a\x00b", true, "validation_invalid_type"},
		{"invalid UTF-8", "caf\xe9", false, "validation_invalid_utf8"},
	}
	for _, tc := range cases {
		err := CheckText(tc.s, tc.multiline)
		got := ""
		if err != nil {
			got = err.Code()
			if err.Message() == "" {
				t.Errorf("%s: refused without a message", tc.name)
			}
		}
		if got != tc.code {
			t.Errorf("%s (%q, multiline %v): got %q, want %q", tc.name, tc.s, tc.multiline, got, tc.code)
		}
	}
}
