package valuations

import (
	"database/sql"
	"fmt"
	"math"
	"sync"

	"github.com/pocketbase/dbx"
)

// yearsCache keeps the stored roll years for one data version: every list
// and export without a year asks for the newest.
type yearsCache struct {
	mu      sync.Mutex
	version string
	years   []int
}

// Years lists the stored roll years, newest first.
func (s *Service) Years(v Version) ([]int, error) {
	s.years.mu.Lock()
	defer s.years.mu.Unlock()
	if s.years.years != nil && s.years.version == v.Data {
		return s.years.years, nil
	}
	years := []int{}
	// One index seek per year (the unique (year, roll, pin) index).
	err := s.app.DB().NewQuery(`WITH RECURSIVE y(year) AS (
			SELECT max(year) FROM properties
			UNION ALL SELECT (SELECT max(year) FROM properties WHERE year < y.year) FROM y WHERE y.year IS NOT NULL)
		SELECT year FROM y WHERE year IS NOT NULL`).Column(&years)
	if err != nil {
		return nil, fmt.Errorf("list roll years: %w", err)
	}
	s.years.version, s.years.years = v.Data, years
	return years, nil
}

// inYear fills in the newest stored year when the filter names none.
func (s *Service) inYear(f *Filter, v Version) error {
	if f.Year != 0 {
		return nil
	}
	years, err := s.Years(v)
	if err != nil || len(years) == 0 {
		return err
	}
	f.Year = years[0]
	return nil
}

// YearMatch is the same property in another roll year, as far as the rolls
// let it be matched: PINs belong to one year's database, so it is matched
// by rate number and, failing that, by legal description, each only when
// exactly one property of that year and roll has it.
type YearMatch struct {
	Year        int    `json:"year"`
	ID          string `json:"id"`
	MatchedBy   string `json:"matchedBy"` // "rateNumber" or "legalDescription"
	RateNumber  string `json:"rateNumber"`
	MarketValue *int64 `json:"marketValue"`
	// Change is the market value's change from the earlier roll to the
	// later one, when both have a value.
	Change *RollChange `json:"change"`
}

// RollChange is a market value's change between two rolls.
type RollChange struct {
	From    int     `json:"from"` // the earlier year
	To      int     `json:"to"`
	Amount  int64   `json:"amount"`
	Percent float64 `json:"percent"` // of the earlier value, one decimal
}

// otherYears matches v in every other stored year (years: the stored ones).
func (s *Service) otherYears(v Valuation, years []int) ([]YearMatch, error) {
	out := []YearMatch{}
	for _, year := range years {
		if year == v.Year {
			continue
		}
		m, err := s.matchIn(v, year)
		if err != nil {
			return nil, err
		}
		if m != nil {
			out = append(out, *m)
		}
	}
	return out, nil
}

// matchIn finds v's one counterpart in year, or nil.
func (s *Service) matchIn(v Valuation, year int) (*YearMatch, error) {
	for _, by := range []struct{ name, column, value string }{
		{"rateNumber", "rate_number", v.RateNumber},
		{"legalDescription", "legal_description", v.LegalDescription},
	} {
		if by.value == "" {
			continue
		}
		var rows []struct {
			ID          string         `db:"id"`
			RateNumber  string         `db:"rate_number"`
			MarketValue sql.NullString `db:"market_value"`
		}
		err := s.app.DB().NewQuery("SELECT id, rate_number, CAST(market_value AS TEXT) AS market_value FROM properties WHERE year = {:year} AND roll = {:roll} AND " + by.column + " = {:v} LIMIT 2").
			Bind(dbx.Params{"year": year, "roll": v.Roll, "v": by.value}).All(&rows)
		if err != nil {
			return nil, fmt.Errorf("match %s in %d: %w", v.ID, year, err)
		}
		if len(rows) != 1 {
			continue // none, or not one property: no match by this
		}
		m := &YearMatch{Year: year, ID: rows[0].ID, MatchedBy: by.name, RateNumber: rows[0].RateNumber, MarketValue: parseInt(rows[0].MarketValue)}
		m.Change = rollChange(v.Year, v.MarketValue, year, m.MarketValue)
		return m, nil
	}
	return nil, nil
}

func rollChange(yearA int, a *int64, yearB int, b *int64) *RollChange {
	if a == nil || b == nil {
		return nil
	}
	if yearA > yearB {
		yearA, a, yearB, b = yearB, b, yearA, a
	}
	c := &RollChange{From: yearA, To: yearB, Amount: *b - *a}
	if *a != 0 {
		c.Percent = math.Round(float64(c.Amount)*1000/float64(*a)) / 10
	}
	return c
}
