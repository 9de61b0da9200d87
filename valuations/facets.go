package valuations

import (
	"cmp"
	"database/sql"
	"fmt"
	"net/url"
	"slices"
	"strconv"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
)

// Facet sizes.
const (
	DefaultFacetSize = 10
	MaxFacetSize     = 50
)

// FacetsQuery is a parsed facets request.
type FacetsQuery struct {
	Filter
	Size int
}

// ParseFacets reads the facets' parameters: the list's filters and size.
func ParseFacets(values url.Values) (FacetsQuery, error) {
	q, get, errs := parse(values, false, false, []string{"size"})
	size := bounded(get, "size", 1, MaxFacetSize, DefaultFacetSize, func(param, code, message string) {
		errs[param] = validation.NewError(code, message)
	})
	if len(errs) > 0 {
		return FacetsQuery{}, &ParseError{Params: errs}
	}
	return FacetsQuery{Filter: q.Filter, Size: size}, nil
}

// Facets are a filter's counts by suburb, use, rating category and roll.
type Facets struct {
	Year   int     `json:"year"`
	Total  int64   `json:"total"`
	Facets []Facet `json:"facets"`
}

// Facet is one column's most common values.
type Facet struct {
	Param string `json:"param"` // the list parameter a value sets
	// ExactParam, when set, narrows to exactly the value (param suburb is a prefix).
	ExactParam string       `json:"exactParam,omitempty"`
	Label      string       `json:"label"`
	Values     []FacetValue `json:"values"`
	More       bool         `json:"more"` // other values exist
}

// FacetValue is one value with its count.
type FacetValue struct {
	Value string `json:"value"`
	Label string `json:"label"`
	Count int64  `json:"count"`
}

// cubeRow is a count of properties sharing every faceted column.
type cubeRow struct {
	Suburb, UseLabel, RatingCategory, Roll string
	UseCode                                *int64
	Gone                                   bool
	N                                      int64
}

// facetCounts is every value of every facet, by count.
type facetCounts struct {
	Total  int64
	Facets []Facet
}

// cubeColumns group by idx_properties_facets' order, so the count is one
// walk of that index without a sort.
const cubeColumns = `p.address_suburb, CAST(p.use_code AS TEXT), p.use_label, p.rating_category, p.roll, p.gone_at != ''`
const cubeGroup = `GROUP BY p.address_suburb COLLATE NOCASE, p.use_code, p.use_label, p.rating_category, p.roll, p.gone_at`

func (s *Service) queryCube(where string, params dbx.Params) ([]cubeRow, error) {
	rows, err := s.app.DB().NewQuery("SELECT " + cubeColumns + ", count(*) FROM properties p WHERE " + where + " " + cubeGroup).Bind(params).Rows()
	if err != nil {
		return nil, fmt.Errorf("count facets: %w", err)
	}
	defer rows.Close()
	var out []cubeRow
	for rows.Next() {
		var r cubeRow
		var text [4]sql.NullString
		var code sql.NullString
		if err := rows.Scan(&text[0], &code, &text[1], &text[2], &text[3], &r.Gone, &r.N); err != nil {
			return nil, fmt.Errorf("read facets: %w", err)
		}
		r.Suburb, r.UseLabel, r.RatingCategory, r.Roll = text[0].String, text[1].String, text[2].String, text[3].String
		if n, err := strconv.ParseInt(code.String, 10, 64); err == nil && code.Valid {
			r.UseCode = &n
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// cube counts a whole roll year by every faceted column, once per data
// version: a filter on those columns alone is answered from it in memory.
func (s *Service) cube(year int, v Version) ([]cubeRow, error) {
	return s.cubes.get(v, strconv.Itoa(year), func() ([]cubeRow, error) {
		return s.queryCube("p.year = {:year}", dbx.Params{"year": year})
	})
}

// onCube reports whether f filters on faceted columns only.
func (f Filter) onCube() bool {
	rest := f
	rest.Year, rest.Roll, rest.Suburb, rest.SuburbExact, rest.suburbNames = 0, "", "", "", nil
	rest.UseCode, rest.UseLabel, rest.RatingCategory, rest.Gone = nil, "", "", nil
	return rest.empty()
}

func (f Filter) empty() bool {
	return f.Year == 0 && f.Roll == "" && f.RateNumber == "" && f.RateNumberPrefix == "" && f.Suburb == "" &&
		f.SuburbExact == "" && f.Scheme == "" && f.UseCode == nil && f.UseLabel == "" && f.RatingCategory == "" &&
		f.Owner == "" && f.Address == "" && f.StreetNumber == "" && f.MarketValueMin == nil && f.MarketValueMax == nil &&
		f.ExtentMin == nil && f.ExtentMax == nil && f.Gone == nil && f.ChangedSince == "" && f.suburbNames == nil
}

// matches applies f's faceted filters to a cube row, as the SQL does.
func (f Filter) matches(r cubeRow) bool {
	switch {
	case f.Roll != "" && r.Roll != f.Roll,
		f.Suburb != "" && !hasPrefixFold(r.Suburb, f.Suburb),
		f.SuburbExact != "" && asciiLower(r.Suburb) != asciiLower(f.SuburbExact),
		f.UseCode != nil && (r.UseCode == nil || *r.UseCode != int64(*f.UseCode)),
		f.UseLabel != "" && asciiLower(r.UseLabel) != asciiLower(f.UseLabel),
		f.RatingCategory != "" && asciiLower(r.RatingCategory) != asciiLower(f.RatingCategory),
		f.Gone != nil && r.Gone != *f.Gone:
		return false
	}
	return true
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && asciiLower(s[:len(prefix)]) == asciiLower(prefix)
}

// Facets counts q's filter by suburb, use, rating category and roll, once
// per data version and filter.
func (s *Service) Facets(q FacetsQuery, v Version) (Facets, error) {
	f := q.Filter
	if err := s.resolve(&f, v); err != nil {
		return Facets{}, err
	}
	counts, err := s.facets.get(v, f.key(), func() (facetCounts, error) {
		var rows []cubeRow
		if f.onCube() {
			all, err := s.cube(f.Year, v)
			if err != nil {
				return facetCounts{}, err
			}
			for _, r := range all {
				if f.matches(r) {
					rows = append(rows, r)
				}
			}
		} else {
			where, params := f.where()
			var err error
			if rows, err = heavyScan(s, func() ([]cubeRow, error) { return s.queryCube(where, params) }); err != nil {
				return facetCounts{}, err
			}
		}
		return countFacets(rows), nil
	})
	if err != nil {
		return Facets{}, err
	}
	out := Facets{Year: f.Year, Total: counts.Total, Facets: make([]Facet, len(counts.Facets))}
	for i, facet := range counts.Facets {
		if len(facet.Values) > q.Size {
			facet.Values, facet.More = facet.Values[:q.Size], true
		}
		out.Facets[i] = facet
	}
	return out, nil
}

// rollLabels name the rolls as the site does.
var rollLabels = map[string]string{"full": "Full title", "sectional": "Sectional title"}

// countFacets sums cube rows into each facet's values, by count then value.
func countFacets(rows []cubeRow) facetCounts {
	type tally struct {
		order  []string
		values map[string]*FacetValue
	}
	newTally := func() *tally { return &tally{values: map[string]*FacetValue{}} }
	add := func(t *tally, key, value, label string, n int64) {
		if value == "" {
			return // nothing to narrow by
		}
		fv, ok := t.values[key]
		if !ok {
			fv = &FacetValue{Value: value, Label: label}
			t.values[key] = fv
			t.order = append(t.order, key)
		}
		fv.Count += n
	}
	suburbs, uses, categories, rolls := newTally(), newTally(), newTally(), newTally()
	var total int64
	for _, r := range rows {
		total += r.N
		add(suburbs, asciiLower(r.Suburb), r.Suburb, r.Suburb, r.N)
		if r.UseCode != nil {
			code := strconv.FormatInt(*r.UseCode, 10)
			label := r.UseLabel
			if label == "" {
				label = "Use " + code
			}
			add(uses, code, code, label, r.N)
		}
		add(categories, asciiLower(r.RatingCategory), r.RatingCategory, r.RatingCategory, r.N)
		label := rollLabels[r.Roll]
		if label == "" {
			label = r.Roll
		}
		add(rolls, r.Roll, r.Roll, label, r.N)
	}
	list := func(t *tally) []FacetValue {
		out := make([]FacetValue, 0, len(t.order))
		for _, k := range t.order {
			out = append(out, *t.values[k])
		}
		slices.SortFunc(out, func(a, b FacetValue) int {
			return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Value, b.Value))
		})
		return out
	}
	return facetCounts{Total: total, Facets: []Facet{
		{Param: "suburb", ExactParam: "suburbExact", Label: "Suburb", Values: list(suburbs)},
		{Param: "useCode", Label: "Use", Values: list(uses)},
		{Param: "ratingCategory", Label: "Rating category", Values: list(categories)},
		{Param: "roll", Label: "Roll", Values: list(rolls)},
	}}
}
