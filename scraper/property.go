// Package scraper reads eThekwini's valuation roll site: it fetches pages,
// parses the result tables and criteria dropdowns, and cleans every value.
// It knows nothing of PocketBase: scraper/store writes what it finds, and
// scraper/job runs the two together.
package scraper

import (
	"errors"
	"fmt"
	"strings"
)

// DefaultBaseURL is the 2022 roll; the 2017 and 2012 sites share its layout.
const DefaultBaseURL = "https://valuation2022.durban.gov.za"

// DefaultDetailsRefresh is how many unchanged properties a run with details
// re-reads the profile of, longest-unread first: a nightly run cycles
// through a 500,000-property roll in about a hundred nights, while new and
// changed properties are read the night they appear.
const DefaultDetailsRefresh = 5000

// Roll is one of the site's two valuation rolls.
type Roll int

// The rolls, numbered as the site's Roll query key.
const (
	FullTitle Roll = 1
	Sectional Roll = 2
)

func (r Roll) String() string {
	switch r {
	case FullTitle:
		return "full"
	case Sectional:
		return "sectional"
	}
	return "unknown"
}

// RollByName reads a roll's name as String writes it.
func RollByName(name string) (Roll, error) {
	switch name {
	case "full":
		return FullTitle, nil
	case "sectional":
		return Sectional, nil
	}
	return 0, fmt.Errorf("unknown roll %q", name)
}

// ParseRolls reads what a user asks for (--roll, the trigger's "roll"):
// full, sectional or both, which is also the default.
func ParseRolls(s string) ([]Roll, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "both" || s == "" {
		return []Roll{FullTitle, Sectional}, nil
	}
	if r, err := RollByName(s); err == nil {
		return []Roll{r}, nil
	}
	return nil, errors.New(`want "full", "sectional" or "both"`)
}

// RawRow is one data row of a result table as the site sent it: the eight
// cells' text (entities decoded, nothing else touched) and the property's
// PIN from its detail link.
type RawRow struct {
	PIN   string
	Cells [8]string
	// DetailQuery is the query string of the row's detail link
	// (id=PIN&PType=…&FType=…), sent back as is for --details.
	DetailQuery string
}

// Property is a cleaned row. Absent values are nil (the site shows an empty
// cell for a zero or missing market value or extent), never 0.
type Property struct {
	Roll             Roll
	PIN              string
	RateNumber       string // digits with leading zeros kept; "" when the site has none
	LegalDescription string
	Address          string // cleaned whole address
	AddressRaw       string // as the site wrote it, padding included
	StreetNumber     string
	Street           string
	AddressSuburb    string // the part of the address after its last comma
	FirstOwner       string
	UseCode          *int
	UseLabel         string
	RatingCategory   string
	MarketValue      *int64   // rands
	Extent           *float64 // m²

	Source      Partition // the query that found it
	DetailQuery string
	Details     *Details // nil unless fetched (--details)
}

// Details are the property profile page's extra fields.
type Details struct {
	ERF           string
	DeedsTown     string
	SchemeName    string
	SchemeNumber  string
	SectionNumber string
	Owners        []string
}
