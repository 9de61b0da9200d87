package store

import (
	"encoding/json"
	"strconv"

	"github.com/rollcall/rollcall/scraper"
)

// column is a property field the scraper keeps: its SQL name and its value
// in the canonical text form that SQLite's CAST(… AS TEXT) gives back, so a
// stored row compares equal to an unchanged scraped one. A nil value is
// "no value" (SQL NULL).
type column struct {
	name  string
	value func(p *scraper.Property) *string
	// json marks JSON fields: numbers stored as numbers (NUMERIC affinity),
	// arrays as JSON text.
	json bool
	// detail columns are only compared when the run fetched details.
	detail bool
}

func text(f func(p *scraper.Property) string) func(p *scraper.Property) *string {
	return func(p *scraper.Property) *string { s := f(p); return &s }
}

func detailText(f func(d *scraper.Details) string) func(p *scraper.Property) *string {
	return func(p *scraper.Property) *string {
		if p.Details == nil {
			return nil
		}
		s := f(p.Details)
		return &s
	}
}

// tracked are the columns whose changes are kept in history.
var tracked = []column{
	{name: "rate_number", value: text(func(p *scraper.Property) string { return p.RateNumber })},
	{name: "legal_description", value: text(func(p *scraper.Property) string { return p.LegalDescription })},
	{name: "address", value: text(func(p *scraper.Property) string { return p.Address })},
	{name: "address_raw", value: text(func(p *scraper.Property) string { return p.AddressRaw })},
	{name: "street_number", value: text(func(p *scraper.Property) string { return p.StreetNumber })},
	{name: "street", value: text(func(p *scraper.Property) string { return p.Street })},
	{name: "address_suburb", value: text(func(p *scraper.Property) string { return p.AddressSuburb })},
	{name: "first_owner", value: text(func(p *scraper.Property) string { return p.FirstOwner })},
	{name: "use_code", json: true, value: func(p *scraper.Property) *string {
		if p.UseCode == nil {
			return nil
		}
		s := strconv.Itoa(*p.UseCode)
		return &s
	}},
	{name: "use_label", value: text(func(p *scraper.Property) string { return p.UseLabel })},
	{name: "rating_category", value: text(func(p *scraper.Property) string { return p.RatingCategory })},
	{name: "market_value", json: true, value: func(p *scraper.Property) *string {
		if p.MarketValue == nil {
			return nil
		}
		s := strconv.FormatInt(*p.MarketValue, 10)
		return &s
	}},
	{name: "extent", json: true, value: func(p *scraper.Property) *string {
		if p.Extent == nil {
			return nil
		}
		s := strconv.FormatFloat(*p.Extent, 'f', -1, 64)
		return &s
	}},
	{name: "erf", detail: true, value: detailText(func(d *scraper.Details) string { return d.ERF })},
	{name: "deeds_town", detail: true, value: detailText(func(d *scraper.Details) string { return d.DeedsTown })},
	{name: "scheme_name", detail: true, value: detailText(func(d *scraper.Details) string { return d.SchemeName })},
	{name: "scheme_number", detail: true, value: detailText(func(d *scraper.Details) string { return d.SchemeNumber })},
	{name: "section_number", detail: true, value: detailText(func(d *scraper.Details) string { return d.SectionNumber })},
	{name: "owners", detail: true, json: true, value: func(p *scraper.Property) *string {
		if p.Details == nil {
			return nil
		}
		b, _ := json.Marshal(append([]string{}, p.Details.Owners...))
		s := string(b)
		return &s
	}},
}

// where are the columns that say where a row was found; they follow the
// latest sighting without history.
var where = []column{
	{name: "suburb_id", value: text(func(p *scraper.Property) string { return p.Source.SuburbID })},
	{name: "suburb", value: text(func(p *scraper.Property) string { return p.Source.SuburbName })},
	{name: "scheme", value: text(func(p *scraper.Property) string { return p.Source.Scheme })},
	{name: "partition", value: text(func(p *scraper.Property) string { return p.Source.Key() })},
}

// historyValue is a stored value as JSON for property_history's old/new:
// numbers as numbers, text as strings, arrays as they are, nil as null.
func historyValue(c column, v *string) any {
	if v == nil {
		return nil
	}
	if c.json {
		return *v
	}
	b, _ := json.Marshal(*v)
	return string(b)
}
