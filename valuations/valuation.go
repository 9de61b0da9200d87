package valuations

import (
	"database/sql"
	"encoding/json"
	"strconv"
	"strings"
)

// Properties is the collection the roll is stored in (scraper/store writes
// it).
const Properties = "properties"

// Valuation is one property as the API shows it. Values the site leaves
// empty are nil (JSON null), never 0.
type Valuation struct {
	ID               string    `json:"id"`
	Year             int       `json:"year"`
	Roll             string    `json:"roll"`
	PIN              string    `json:"pin"`
	RateNumber       string    `json:"rateNumber"`
	LegalDescription string    `json:"legalDescription"`
	Address          string    `json:"address"`
	StreetNumber     string    `json:"streetNumber"`
	Street           string    `json:"street"`
	AddressSuburb    string    `json:"addressSuburb"`
	Suburb           string    `json:"suburb"`
	SuburbID         string    `json:"suburbId"`
	Scheme           string    `json:"scheme"`
	FirstOwner       string    `json:"firstOwner"`
	Owners           *[]string `json:"owners"` // a pointer: PocketBase's JSON (v2) writes a nil slice as []
	UseCode          *int64    `json:"useCode"`
	UseLabel         string    `json:"useLabel"`
	RatingCategory   string    `json:"ratingCategory"`
	MarketValue      *int64    `json:"marketValue"`
	Extent           *float64  `json:"extent"`
	ERF              string    `json:"erf"`
	DeedsTown        string    `json:"deedsTown"`
	SchemeName       string    `json:"schemeName"`
	SchemeNumber     string    `json:"schemeNumber"`
	SectionNumber    string    `json:"sectionNumber"`
	FirstSeen        string    `json:"firstSeen"`
	LastSeen         string    `json:"lastSeen"`
	GoneAt           *string   `json:"goneAt"`
	Updated          string    `json:"updated"`
}

// columns are selected in this order by every query that scans Valuations.
const columns = `p.id, p.year, p.roll, p.pin, p.rate_number, p.legal_description, p.address, p.street_number,
	p.street, p.address_suburb, p.suburb, p.suburb_id, p.scheme, p.first_owner, p.owners, p.use_code,
	p.use_label, p.rating_category, p.market_value, p.extent, p.erf, p.deeds_town, p.scheme_name,
	p.scheme_number, p.section_number, p.first_seen, p.last_seen, p.gone_at, p.updated`

// scanner is *sql.Rows or *sql.Row.
type scanner interface{ Scan(dest ...any) error }

func scanValuation(row scanner) (Valuation, error) {
	var v Valuation
	var owners, goneAt sql.NullString
	// Numbers are read as text and parsed: a hand edit in the dashboard can
	// put any JSON in these fields, and that must not fail the whole page.
	var useCode, marketValue, extent sql.NullString
	var text [20]sql.NullString
	err := row.Scan(&v.ID, &v.Year, &text[0], &text[1], &text[2], &text[3], &text[4], &text[5],
		&text[6], &text[7], &text[8], &text[9], &text[10], &text[11], &owners, &useCode,
		&text[12], &text[13], &marketValue, &extent, &text[14], &text[15], &text[16],
		&text[17], &text[18], &text[19], &v.LastSeen, &goneAt, &v.Updated)
	if err != nil {
		return v, err
	}
	for i, dst := range []*string{&v.Roll, &v.PIN, &v.RateNumber, &v.LegalDescription, &v.Address, &v.StreetNumber,
		&v.Street, &v.AddressSuburb, &v.Suburb, &v.SuburbID, &v.Scheme, &v.FirstOwner,
		&v.UseLabel, &v.RatingCategory, &v.ERF, &v.DeedsTown, &v.SchemeName,
		&v.SchemeNumber, &v.SectionNumber, &v.FirstSeen} {
		*dst = text[i].String
	}
	if owners.Valid && owners.String != "" {
		// A malformed value (only a hand edit could make one) shows as null.
		var list []string
		if json.Unmarshal([]byte(owners.String), &list) == nil {
			v.Owners = &list
		}
	}
	v.UseCode = parseInt(useCode)
	v.MarketValue = parseInt(marketValue)
	if extent.Valid {
		if f, err := strconv.ParseFloat(extent.String, 64); err == nil {
			v.Extent = &f
		}
	}
	if goneAt.Valid && strings.TrimSpace(goneAt.String) != "" {
		v.GoneAt = &goneAt.String
	}
	return v, nil
}

func parseInt(s sql.NullString) *int64 {
	if !s.Valid {
		return nil
	}
	n, err := strconv.ParseInt(s.String, 10, 64)
	if err != nil {
		return nil
	}
	return &n
}
