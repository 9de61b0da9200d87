package scraper

import (
	"strconv"
	"strings"
	"testing"
)

// The cleaners never panic and never invent a number: any number they
// return is spelled, digit for digit, in the input.
func FuzzCleaners(f *testing.F) {
	for _, s := range []string{"1,830,000", "", "NaN", "R 1 000", "1,012.5", "YACHT MOLE   , ESPLANADE", "Single Residential (15)", "\u00a0", "9999999999999999999999", "0,0", "1e9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		clean := CleanText(s)
		if CleanText(clean) != clean {
			t.Fatalf("CleanText not idempotent on %q", s)
		}
		SplitAddress(s)
		SplitUseCode(s)
		CleanRateNumber(s)
		digits := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' || r == '.' {
				return r
			}
			return -1
		}, s)
		if v, err := ParseRands(s); err == nil && v != nil {
			if strings.TrimLeft(digits, "0") != strings.TrimLeft(strconv.FormatInt(*v, 10), "0") {
				t.Fatalf("ParseRands(%q) = %d: not the input's digits %q", s, *v, digits)
			}
		}
		if v, err := ParseExtent(s); err == nil && v != nil {
			if *v < 0 || digits == "" {
				t.Fatalf("ParseExtent(%q) = %v from no digits", s, *v)
			}
			parsed, perr := strconv.ParseFloat(digits, 64)
			if perr != nil || parsed != *v {
				t.Fatalf("ParseExtent(%q) = %v, the input's digits say %q", s, *v, digits)
			}
		}
		if code := CleanRateNumber(s); code != "" && !strings.Contains(s, code) {
			t.Fatalf("CleanRateNumber(%q) = %q, not in the input", s, code)
		}
	})
}
