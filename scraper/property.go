// Package scraper reads eThekwini's valuation roll site: it fetches pages,
// parses the result tables and criteria dropdowns, and cleans every value.
// Only its store sub-package knows PocketBase.
package scraper

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
