package valuations

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/pocketbase/dbx"
)

// MaxDetailRuns caps the runs listed with a property; runsTotal counts all.
const MaxDetailRuns = 50

// ErrNotFound is a property id that does not exist.
var ErrNotFound = errors.New("no such property")

// Change is one recorded change of a property's field.
type Change struct {
	Field string          `json:"field"`
	Old   json.RawMessage `json:"old"`
	New   json.RawMessage `json:"new"`
	At    string          `json:"at"`
	Run   string          `json:"run"`
}

// Detail is a property with its history and the runs that saw it.
type Detail struct {
	Valuation
	// OtherYears is this property in the other stored roll years.
	OtherYears []YearMatch `json:"otherYears"`
	History    []Change    `json:"history"`
	Runs       []Run       `json:"runs"`
	RunsTotal  int64       `json:"runsTotal"`
}

// Get returns one property as of version v, or ErrNotFound.
func (s *Service) Get(id string, v Version) (Detail, error) {
	var d Detail
	var scanErr error
	rows, err := s.app.DB().NewQuery("SELECT " + columns + " FROM properties p WHERE p.id = {:id}").Bind(dbx.Params{"id": id}).Rows()
	if err != nil {
		return d, fmt.Errorf("load property %s: %w", id, err)
	}
	found := rows.Next()
	if found {
		d.Valuation, scanErr = scanValuation(rows)
	}
	rows.Close()
	if scanErr != nil {
		return d, fmt.Errorf("read property %s: %w", id, scanErr)
	}
	if !found {
		return d, ErrNotFound
	}
	if d.History, err = s.history(id); err != nil {
		return d, err
	}
	years, err := s.Years(v)
	if err != nil {
		return d, err
	}
	if d.OtherYears, err = s.otherYears(d.Valuation, years); err != nil {
		return d, err
	}
	d.Runs, d.RunsTotal, err = s.runsThatSaw(d.Valuation)
	return d, err
}

func (s *Service) history(id string) ([]Change, error) {
	rows, err := s.app.DB().NewQuery(`SELECT field, old, new, at, run FROM property_history
		WHERE property = {:id} ORDER BY at DESC, id DESC`).Bind(dbx.Params{"id": id}).Rows()
	if err != nil {
		return nil, fmt.Errorf("load history of %s: %w", id, err)
	}
	defer rows.Close()
	changes := []Change{}
	for rows.Next() {
		var c Change
		var old, new sql.NullString
		if err := rows.Scan(&c.Field, &old, &new, &c.At, &c.Run); err != nil {
			return nil, fmt.Errorf("read history of %s: %w", id, err)
		}
		c.Old, c.New = rawJSON(old), rawJSON(new)
		changes = append(changes, c)
	}
	return changes, rows.Err()
}

// rawJSON passes a stored JSON value through; SQLite hands numbers back as
// numbers and text as the JSON text it was stored as.
func rawJSON(v sql.NullString) json.RawMessage {
	if !v.Valid || !json.Valid([]byte(v.String)) {
		return json.RawMessage("null")
	}
	return json.RawMessage(v.String)
}

// runsThatSaw lists, newest first, the run that first found p, the runs that
// changed it, and the successful whole-roll runs of its roll from then until
// it went: a whole-roll run that missed it would have marked it gone.
func (s *Service) runsThatSaw(v Valuation) ([]Run, int64, error) {
	goneAt := ""
	if v.GoneAt != nil {
		goneAt = *v.GoneAt
	}
	// The run that marked it gone did not see it; one that brought it
	// back did.
	where := `(r.id IN (SELECT run FROM property_history WHERE property = {:id}
			AND NOT (field = 'gone_at' AND new IS NOT NULL))
		OR (r.started <= {:first} AND (r.finished = '' OR r.finished >= {:first}))
		OR (r.status = 'ok' AND r.scope = '' AND instr(',' || r.rolls || ',', ',' || {:roll} || ',') > 0
			AND r.started >= {:first} AND ({:gone} = '' OR r.finished < {:gone})))`
	params := dbx.Params{"id": v.ID, "first": v.FirstSeen, "roll": v.Roll, "gone": goneAt}
	var total int64
	if err := s.app.DB().NewQuery("SELECT count(*) FROM scrape_runs r WHERE " + where).Bind(params).Row(&total); err != nil {
		return nil, 0, fmt.Errorf("count runs of %s: %w", v.ID, err)
	}
	params["limit"] = MaxDetailRuns
	runs, err := s.queryRuns("WHERE "+where+" ORDER BY r.started DESC LIMIT {:limit}", params)
	return runs, total, err
}
