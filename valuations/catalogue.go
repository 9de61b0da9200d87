package valuations

import (
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/pocketbase/dbx"
	"golang.org/x/sync/singleflight"
)

// maxCachedResults bounds each per-version result cache (facets, stats,
// changes); past it the cache starts over.
const maxCachedResults = 512

// versioned caches values built from one data version: a new version drops
// them all. Concurrent first requests for a key share one build.
type versioned[V any] struct {
	mu       sync.Mutex
	version  string
	values   map[string]V
	building singleflight.Group
}

func (c *versioned[V]) get(v Version, key string, build func() (V, error)) (V, error) {
	c.mu.Lock()
	if c.version != v.Data {
		c.version, c.values = v.Data, map[string]V{}
	}
	value, ok := c.values[key]
	c.mu.Unlock()
	if ok {
		return value, nil
	}
	res, err, _ := c.building.Do(v.Data+"\x01"+key, func() (any, error) {
		value, err := build()
		if err != nil {
			return value, err
		}
		c.mu.Lock()
		if c.version == v.Data {
			if len(c.values) >= maxCachedResults {
				c.values = map[string]V{}
			}
			c.values[key] = value
		}
		c.mu.Unlock()
		return value, nil
	})
	return res.(V), err
}

// nameCount is a suburb or street name with the properties that have it.
type nameCount struct {
	Name    string
	Upper   string // Name in upper case, for matching
	Present int64  // not gone
	All     int64
}

// catalogue is one roll year's suburb and street names, read once per data
// version: suggestions search them in memory, and a suburb prefix is
// resolved against them.
type catalogue struct {
	Suburbs []nameCount // by name, any case; one spelling per name
	Streets []nameCount // present properties only, by name
}

// suburbs lists the year's suburbs (one walk of idx_properties_facets).
func (s *Service) suburbs(year int, v Version) ([]nameCount, error) {
	return s.suburbLists.get(v, fmt.Sprint(year), func() ([]nameCount, error) {
		var rows []struct {
			Name    string `db:"name"`
			Present int64  `db:"present"`
			All     int64  `db:"n"`
		}
		err := s.app.DB().NewQuery(`SELECT p.address_suburb AS name, sum(p.gone_at = '') AS present, count(*) AS n
			FROM properties p WHERE p.year = {:year}
			GROUP BY p.address_suburb COLLATE NOCASE ORDER BY p.address_suburb COLLATE NOCASE`).
			Bind(dbx.Params{"year": year}).All(&rows)
		if err != nil {
			return nil, fmt.Errorf("list suburbs: %w", err)
		}
		out := make([]nameCount, 0, len(rows))
		for _, r := range rows {
			if strings.TrimSpace(r.Name) != "" {
				out = append(out, nameCount{Name: r.Name, Upper: strings.ToUpper(r.Name), Present: r.Present, All: r.All})
			}
		}
		return out, nil
	})
}

// streets lists the year's street names of present properties (one walk
// of idx_properties_street).
func (s *Service) streets(year int, v Version) ([]nameCount, error) {
	return s.streetLists.get(v, fmt.Sprint(year), func() ([]nameCount, error) {
		rows, err := s.app.DB().NewQuery(`SELECT p.street, count(*) FROM properties p
			WHERE p.year = {:year} AND p.gone_at = '' GROUP BY p.street`).Bind(dbx.Params{"year": year}).Rows()
		if err != nil {
			return nil, fmt.Errorf("list streets: %w", err)
		}
		defer rows.Close()
		var out []nameCount
		for rows.Next() {
			var name sql.NullString
			var n int64
			if err := rows.Scan(&name, &n); err != nil {
				return nil, fmt.Errorf("read streets: %w", err)
			}
			if strings.TrimSpace(name.String) != "" {
				out = append(out, nameCount{Name: name.String, Upper: strings.ToUpper(name.String), Present: n, All: n})
			}
		}
		return out, rows.Err()
	})
}

// maxSuburbNames is how many suburb names a prefix may stand for as an IN
// list; a wider prefix stays an index range.
const maxSuburbNames = 100

// resolve readies f for SQL: the newest stored year when none is named, and
// a suburb prefix as the names it matches, which SQLite's planner weighs as
// well as the whole name it was given before (a range it can only guess).
func (s *Service) resolve(f *Filter, v Version) error {
	if err := s.inYear(f, v); err != nil {
		return err
	}
	if f.Suburb == "" {
		return nil
	}
	list, err := s.suburbs(f.Year, v)
	if err != nil {
		return err
	}
	names := []string{}
	var rows int64
	for _, sub := range withPrefix(list, f.Suburb) {
		names = append(names, sub.Name)
		rows += sub.All
	}
	// One name is an index lookup in the sort's order; a few small suburbs
	// are read and sorted; a wide prefix is counted as a range of the
	// suburb index and listed by walking the sort's index until the page
	// is full (about perPage × year's rows ÷ prefix's rows entries).
	if len(names) <= 1 || len(names) <= maxSuburbNames && rows <= maxSortedRows {
		f.suburbNames = names
	} else {
		f.suburbWalk = true
	}
	return nil
}

// maxSortedRows is the most rows a multi-suburb prefix may hold and still
// be read as an IN list and sorted: past it, walking the sort's index
// reads fewer rows for a page (50 × 500,000 ÷ 5,000).
var maxSortedRows int64 = 5_000 // a variable for tests

// withPrefix is the names of list starting with prefix, any case (list is
// sorted by name, any case).
func withPrefix(list []nameCount, prefix string) []nameCount {
	p := asciiLower(prefix)
	i := sort.Search(len(list), func(i int) bool { return asciiLower(list[i].Name) >= p })
	j := i
	for j < len(list) && strings.HasPrefix(asciiLower(list[j].Name), p) {
		j++
	}
	return list[i:j]
}
