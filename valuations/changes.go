package valuations

import (
	"cmp"
	"database/sql"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"time"

	validation "github.com/pocketbase/ozzo-validation/v4"
)

// MaxChangeItems caps the largest rises and falls listed.
const MaxChangeItems = 10

// ChangesQuery is a parsed changes request.
type ChangesQuery struct {
	Filter
	Since string // YYYY-MM-DD, "" for all history kept
}

// ParseChanges reads the changes' parameters: the list's filters and since.
func ParseChanges(values url.Values) (ChangesQuery, error) {
	q, get, errs := parse(values, false, false, []string{"since"})
	since := get["since"]
	if since != "" {
		if _, err := time.Parse(dateOnly, since); err != nil {
			errs["since"] = validation.NewError("validation_invalid_date", "Must be a date: 2026-01-01.")
		}
	}
	if len(errs) > 0 {
		return ChangesQuery{}, &ParseError{Params: errs}
	}
	return ChangesQuery{Filter: q.Filter, Since: since}, nil
}

// Changes are the market value changes of a filter's properties since a
// date, from the stored history.
type Changes struct {
	Year            int        `json:"year"`
	Since           *string    `json:"since"`
	Changed         int64      `json:"changed"`
	Up              int64      `json:"up"`
	Down            int64      `json:"down"`
	MedianChangePct *float64   `json:"medianChangePct"`
	Rises           []Movement `json:"rises"`
	Falls           []Movement `json:"falls"`
}

// Movement is one property's change: its value before the date (or when
// first seen) and now.
type Movement struct {
	ID         string  `json:"id"`
	RateNumber string  `json:"rateNumber"`
	Address    string  `json:"address"`
	Suburb     string  `json:"suburb"`
	From       int64   `json:"from"`
	To         int64   `json:"to"`
	ChangePct  float64 `json:"changePct"` // of From, one decimal
	Changed    string  `json:"changed"`   // the latest change
}

// Changes compares, for every property of q's filter whose market value
// changed at or after since, the value before its first such change with
// its value now; once per data version, filter and date.
func (s *Service) Changes(q ChangesQuery, v Version) (Changes, error) {
	f := q.Filter
	if err := s.resolve(&f, v); err != nil {
		return Changes{}, err
	}
	return s.changes.get(v, f.key()+"\x02"+q.Since, func() (Changes, error) {
		return heavyScan(s, func() (Changes, error) { return s.changesOf(q, f) })
	})
}

// changesOf reads the changes of q's resolved filter f.
func (s *Service) changesOf(q ChangesQuery, f Filter) (Changes, error) {
	out := Changes{Year: f.Year, Rises: []Movement{}, Falls: []Movement{}}
	after := ""
	if q.Since != "" {
		since := q.Since
		out.Since = &since
		after = since + " 00:00:00.000Z"
	}
	where, params := f.where()
	params["after"] = after
	// idx_property_history_field_at finds the changes since the date;
	// the value before the first of them is that change's old value.
	rows, err := s.app.DB().NewQuery(`SELECT p.id, p.rate_number, p.address, p.address_suburb,
		(SELECT CAST(h.old AS TEXT) FROM property_history h WHERE h.property = c.property AND h.field = 'market_value'
			AND h.at = c.first ORDER BY h.id LIMIT 1),
		CAST(p.market_value AS TEXT), c.last
		FROM (SELECT property, min(at) AS first, max(at) AS last FROM property_history
			WHERE field = 'market_value' AND at >= {:after} GROUP BY property) c
		JOIN properties p ON p.id = c.property
		WHERE ` + where).Bind(params).Rows()
	if err != nil {
		return out, fmt.Errorf("read value changes: %w", err)
	}
	defer rows.Close()
	var moves []Movement
	var pcts []float64
	for rows.Next() {
		var m Movement
		var rate, address, suburb, from, to sql.NullString
		if err := rows.Scan(&m.ID, &rate, &address, &suburb, &from, &to, &m.Changed); err != nil {
			return out, fmt.Errorf("read value changes: %w", err)
		}
		m.RateNumber, m.Address, m.Suburb = rate.String, address.String, suburb.String
		a, aErr := wholeNumber(from.String)
		b, bErr := wholeNumber(to.String)
		switch {
		case from.String == to.String:
			continue // changed and changed back
		case aErr != nil || bErr != nil:
			out.Changed++ // a value came or went: no direction
			continue
		}
		out.Changed++
		if b > a {
			out.Up++
		} else if b < a {
			out.Down++
		}
		if a <= 0 {
			continue
		}
		m.From, m.To = a, b
		m.ChangePct = math.Round(float64(b-a)*1000/float64(a)) / 10
		pcts = append(pcts, float64(b-a)*100/float64(a))
		moves = append(moves, m)
	}
	if err := rows.Err(); err != nil {
		return out, fmt.Errorf("read value changes: %w", err)
	}
	if len(pcts) > 0 {
		slices.Sort(pcts)
		median := round(quantile(pcts, 0.5), 1)
		out.MedianChangePct = &median
	}
	slices.SortFunc(moves, func(x, y Movement) int {
		return cmp.Or(cmp.Compare(y.ChangePct, x.ChangePct), cmp.Compare(x.ID, y.ID))
	})
	for _, m := range moves {
		if m.ChangePct <= 0 || len(out.Rises) == MaxChangeItems {
			break
		}
		out.Rises = append(out.Rises, m)
	}
	for i := len(moves) - 1; i >= 0 && moves[i].ChangePct < 0 && len(out.Falls) < MaxChangeItems; i-- {
		out.Falls = append(out.Falls, moves[i])
	}
	return out, nil
}

// wholeNumber reads a stored value (JSON text or a column's number as
// text) as whole rands.
func wholeNumber(s string) (int64, error) {
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(x, 0) || math.IsNaN(x) {
		return 0, fmt.Errorf("not a number: %q", s)
	}
	return int64(math.Round(x)), nil
}
