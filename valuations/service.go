package valuations

import (
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/pocketbase/pocketbase/core"
	"golang.org/x/sync/singleflight"
)

// maxCachedCounts bounds the count cache; past it the cache starts over.
const maxCachedCounts = 4096

// Service answers the valuation API's queries of one app.
type Service struct {
	app   core.App
	heavy chan struct{} // slots for uncached scans of many rows (heavy.go)
	// edits counts property deletes in this process: they leave
	// max(updated) alone, so the data version needs them separately.
	edits atomic.Uint64

	mu       sync.Mutex
	counts   map[string]int64 // data version + filter → total
	counting singleflight.Group
	years    yearsCache

	suburbLists, streetLists versioned[[]nameCount]
	cubes                    versioned[[]cubeRow]
	facets                   versioned[facetCounts]
	stats                    versioned[Stats]
	snapshots                versioned[*snapshot]
	changes                  versioned[Changes]
}

// New returns a Service over app.
func New(app core.App) *Service {
	return &Service{app: app, counts: map[string]int64{}, heavy: make(chan struct{}, heavySlots)}
}

// Edited tells the service that properties changed outside a scrape.
func (s *Service) Edited() { s.edits.Add(1) }

// Version identifies the data a response is built from: it changes when a
// scrape in any process changes a property (every change stamps updated) or
// a run starts or finishes, and when this process deletes a property. Two
// index lookups and a scan of the small run log.
type Version struct {
	Data string // properties only: keys the count cache
	All  string // properties and runs: the ETag's part
}

// Version reads the current version.
func (s *Service) Version() (Version, error) {
	var row struct {
		Updated string `db:"updated"`
		Runs    string `db:"runs"`
	}
	err := s.app.DB().NewQuery(`SELECT
		(SELECT coalesce(max(updated), '') FROM properties) AS updated,
		(SELECT count(*) || '/' || coalesce(max(started), '') || '/' || coalesce(sum(finished != ''), 0) FROM scrape_runs) AS runs`).One(&row)
	if err != nil {
		return Version{}, fmt.Errorf("read data version: %w", err)
	}
	data := row.Updated + "/" + strconv.FormatUint(s.edits.Load(), 10)
	return Version{Data: data, All: data + "/" + row.Runs}, nil
}

// Page is one page of a list.
type Page struct {
	Year       int         `json:"year"`  // the roll year shown
	Years      []int       `json:"years"` // every stored year, newest first
	Page       int         `json:"page"`
	PerPage    int         `json:"perPage"`
	TotalItems int64       `json:"totalItems"`
	TotalPages int64       `json:"totalPages"`
	Items      []Valuation `json:"items"`
}

// List returns one page of q. The total is counted once per data version
// and filter, so paging through a broad filter does not recount it.
func (s *Service) List(q Query, v Version) (Page, error) {
	years, err := s.Years(v)
	if err != nil {
		return Page{}, err
	}
	if err := s.resolve(&q.Filter, v); err != nil {
		return Page{}, err
	}
	q.suburbWalk = q.suburbWalk && q.Sort.Key != "suburb" // the suburb index is the sort's
	total, err := s.count(q.Filter, v)
	if err != nil {
		return Page{}, err
	}
	page := Page{Year: q.Year, Years: years, Page: q.Page, PerPage: q.PerPage, TotalItems: total, Items: []Valuation{}}
	page.TotalPages = (total + int64(q.PerPage) - 1) / int64(q.PerPage)
	offset := int64(q.Page-1) * int64(q.PerPage)
	if offset >= total {
		return page, nil
	}
	parts := q.Sort.parts()
	limit := int64(q.PerPage)
	if page.Items, err = s.listPart(page.Items, q.Filter, parts[0], limit, offset); err != nil {
		return Page{}, err
	}
	got := int64(len(page.Items))
	if len(parts) == 1 || got == limit {
		return page, nil
	}
	// The page reaches past the rows with a value: the rest come from the
	// rows without one. Where those start is known from this page when it
	// holds some rows with a value, else from their count (the few
	// without a value, counted once per data version and filter).
	skip := int64(0)
	if got == 0 {
		empty, err := s.countWhere(q.Filter, parts[1].cond, v)
		if err != nil {
			return Page{}, err
		}
		skip = max(offset-(total-empty), 0)
	}
	if page.Items, err = s.listPart(page.Items, q.Filter, parts[1], limit-got, skip); err != nil {
		return Page{}, err
	}
	return page, nil
}

// listPart appends one sort part's rows from skip on, at most limit.
func (s *Service) listPart(items []Valuation, f Filter, part sortPart, limit, skip int64) ([]Valuation, error) {
	where, params := f.listWhere()
	if part.cond != "" {
		where += " AND " + f.order(sortPart{orderBy: part.cond})
	}
	params["limit"], params["offset"] = limit, skip
	rows, err := s.app.DB().NewQuery("SELECT " + columns + " FROM properties p WHERE " + where +
		" ORDER BY " + f.order(part) + " LIMIT {:limit} OFFSET {:offset}").Bind(params).Rows()
	if err != nil {
		return nil, fmt.Errorf("list valuations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		item, err := scanValuation(rows)
		if err != nil {
			return nil, fmt.Errorf("read valuation: %w", err)
		}
		items = append(items, item)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list valuations: %w", err)
	}
	return items, nil
}

func (s *Service) count(f Filter, v Version) (int64, error) {
	return s.countWhere(f, "", v)
}

// countWhere counts the rows of f that also match cond (a fixed fragment
// of sql.go), once per data version.
func (s *Service) countWhere(f Filter, cond string, v Version) (int64, error) {
	where, params := f.where()
	if cond != "" {
		where += " AND " + cond
	}
	key := v.Data + "\x01" + f.key() + "\x02" + cond
	s.mu.Lock()
	n, ok := s.counts[key]
	s.mu.Unlock()
	if ok {
		return n, nil
	}
	// Concurrent first requests for the same filter share one count.
	res, err, _ := s.counting.Do(key, func() (any, error) {
		var total int64
		if err := s.app.DB().NewQuery("SELECT count(*) FROM properties p WHERE " + where).Bind(params).Row(&total); err != nil {
			return int64(0), fmt.Errorf("count valuations: %w", err)
		}
		s.mu.Lock()
		if len(s.counts) >= maxCachedCounts {
			s.counts = map[string]int64{}
		}
		s.counts[key] = total
		s.mu.Unlock()
		return total, nil
	})
	return res.(int64), err
}
