package scraper

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// CleanText trims a cell, turns non-breaking spaces into spaces, collapses
// inner runs of whitespace and drops a space before a comma. Characters the
// site already lost ("?") stay as they are.
func CleanText(s string) string {
	s = strings.ReplaceAll(s, "\u00a0", " ")
	s = strings.Join(strings.Fields(s), " ")
	return strings.ReplaceAll(s, " ,", ",")
}

var rateNumberPattern = regexp.MustCompile(`^\d{1,10}$`)

// CleanRateNumber returns the rate number as text with its leading zeros, or
// "" where the site shows none (an empty cell or a "Details" link).
func CleanRateNumber(s string) string {
	s = CleanText(s)
	if rateNumberPattern.MatchString(s) {
		return s
	}
	return ""
}

var (
	streetNumberPattern = regexp.MustCompile(`^(\d+[A-Z]?)\s+(.+)$`)
	// A street named by a number ("108937 STREET") has no house number.
	streetTypeOnly = regexp.MustCompile(`^(STREET|ROAD|AVENUE|LANE|DRIVE|CRESCENT|PLACE|WAY|CLOSE|GROVE|TERRACE)$`)
)

// SplitAddress splits "<no> <street>, <suburb>" at its last comma. The
// street part may be empty, "UNKNOWN", padded, or a numbered street.
func SplitAddress(raw string) (number, street, suburb string) {
	s := CleanText(raw)
	streetPart := s
	if i := strings.LastIndex(s, ","); i >= 0 {
		streetPart, suburb = strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+1:])
	}
	if streetPart == "UNKNOWN" {
		return "", "", suburb
	}
	if m := streetNumberPattern.FindStringSubmatch(streetPart); m != nil && !streetTypeOnly.MatchString(m[2]) {
		return m[1], m[2], suburb
	}
	return "", streetPart, suburb
}

var useCodePattern = regexp.MustCompile(`^(.*?)\s*\((\d+)\)$`)

// SplitUseCode splits "Single Residential (15)" into its label and code;
// text without a code keeps its label and a nil code.
func SplitUseCode(s string) (label string, code *int) {
	s = CleanText(s)
	m := useCodePattern.FindStringSubmatch(s)
	if m == nil {
		return s, nil
	}
	n, err := strconv.Atoi(m[2])
	if err != nil {
		return s, nil
	}
	return m[1], &n
}

// ErrNotANumber reports a value cell that is neither empty nor a number.
var ErrNotANumber = errors.New("not a number")

// absent are what a value cell holds when there is no value.
var absent = map[string]bool{"": true, "NAN": true, "N/A": true, "-": true}

// numberText strips a rand sign, spaces and thousands commas, and reports
// absence for an empty or placeholder cell.
func numberText(s string) (string, bool) {
	s = strings.ToUpper(CleanText(s))
	if absent[s] {
		return "", false
	}
	s = strings.TrimPrefix(s, "R")
	// Two ReplaceAll calls, not a Replacer: building one per cell cost a
	// tenth of a 500k-row scrape's CPU.
	return strings.ReplaceAll(strings.ReplaceAll(s, ",", ""), " ", ""), true
}

// ParseRands parses a market value ("1,830,000") to whole rands; an empty
// cell is nil.
func ParseRands(s string) (*int64, error) {
	text, ok := numberText(s)
	if !ok {
		return nil, nil
	}
	if !digitsOnly(text) {
		return nil, fmt.Errorf("market value %q: %w", s, ErrNotANumber)
	}
	n, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("market value %q: %w", s, ErrNotANumber)
	}
	return &n, nil
}

// ParseExtent parses a registered extent ("1,012.5") to square metres; an
// empty cell is nil.
func ParseExtent(s string) (*float64, error) {
	text, ok := numberText(s)
	if !ok {
		return nil, nil
	}
	whole, frac, hasFrac := strings.Cut(text, ".")
	if !digitsOnly(whole) || (hasFrac && !digitsOnly(frac)) {
		return nil, fmt.Errorf("extent %q: %w", s, ErrNotANumber)
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return nil, fmt.Errorf("extent %q: %w", s, ErrNotANumber)
	}
	return &f, nil
}

func digitsOnly(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// Clean turns a raw row of the given roll into a Property, or says which
// cell could not be read.
func Clean(roll Roll, raw RawRow) (Property, error) {
	p := Property{
		Roll:             roll,
		PIN:              strings.TrimSpace(raw.PIN),
		RateNumber:       CleanRateNumber(raw.Cells[0]),
		LegalDescription: CleanText(raw.Cells[1]),
		AddressRaw:       strings.TrimSpace(raw.Cells[2]),
		Address:          CleanText(raw.Cells[2]),
		FirstOwner:       CleanText(raw.Cells[3]),
		RatingCategory:   CleanText(raw.Cells[5]),
		DetailQuery:      raw.DetailQuery,
	}
	p.StreetNumber, p.Street, p.AddressSuburb = SplitAddress(raw.Cells[2])
	p.UseLabel, p.UseCode = SplitUseCode(raw.Cells[4])
	var err error
	if p.MarketValue, err = ParseRands(raw.Cells[6]); err != nil {
		return p, err
	}
	if p.Extent, err = ParseExtent(raw.Cells[7]); err != nil {
		return p, err
	}
	if p.RateNumber == "" && p.PIN == "" {
		return p, errors.New("row has neither a rate number nor a PIN")
	}
	return p, nil
}
