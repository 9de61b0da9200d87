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
	app core.App
	// edits counts property deletes in this process: they leave
	// max(updated) alone, so the data version needs them separately.
	edits atomic.Uint64

	mu       sync.Mutex
	counts   map[string]int64 // data version + filter → total
	counting singleflight.Group
	years    yearsCache
}

// New returns a Service over app.
func New(app core.App) *Service {
	return &Service{app: app, counts: map[string]int64{}}
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
	if q.Year == 0 && len(years) > 0 {
		q.Year = years[0]
	}
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
	where, params := q.where()
	params["limit"], params["offset"] = q.PerPage, offset
	rows, err := s.app.DB().NewQuery("SELECT " + columns + " FROM properties p WHERE " + where +
		" ORDER BY " + q.Sort.orderBy() + " LIMIT {:limit} OFFSET {:offset}").Bind(params).Rows()
	if err != nil {
		return Page{}, fmt.Errorf("list valuations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		item, err := scanValuation(rows)
		if err != nil {
			return Page{}, fmt.Errorf("read valuation: %w", err)
		}
		page.Items = append(page.Items, item)
	}
	if err := rows.Err(); err != nil {
		return Page{}, fmt.Errorf("list valuations: %w", err)
	}
	return page, nil
}

func (s *Service) count(f Filter, v Version) (int64, error) {
	where, params := f.where()
	key := v.Data + "\x01" + f.key()
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
