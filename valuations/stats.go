package valuations

import (
	"cmp"
	"database/sql"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"

	"github.com/pocketbase/dbx"
)

// Limits of the statistics' suburb ranking.
const (
	statsMinValued  = 5  // a suburb's median needs this many valued properties
	statsMaxSuburbs = 20 // suburbs ranked
)

// ParseStats reads the statistics' parameters: the list's filters.
func ParseStats(values url.Values) (Filter, error) {
	q, err := finish(parse(values, false, false, nil))
	return q.Filter, err
}

// Stats summarise the market values of a filter's properties.
type Stats struct {
	Year        int            `json:"year"`
	Count       int64          `json:"count"`
	Valued      int64          `json:"valued"` // with a market value
	TotalValue  int64          `json:"totalValue"`
	MarketValue *Quartiles     `json:"marketValue"` // nil without a valued property
	ValuePerM2  *Quartiles     `json:"valuePerM2"`  // nil without a value and an extent
	Histogram   []Bin          `json:"histogram"`
	Suburbs     []SuburbMedian `json:"suburbs"`
}

// Quartiles are a distribution's five-number summary (linear interpolation
// between the ordered values, as spreadsheets' QUARTILE.INC does).
type Quartiles struct {
	Min    float64 `json:"min"`
	Q1     float64 `json:"q1"`
	Median float64 `json:"median"`
	Q3     float64 `json:"q3"`
	Max    float64 `json:"max"`
}

// Bin is a histogram bar: values in [From, To).
type Bin struct {
	From  int64 `json:"from"`
	To    int64 `json:"to"`
	Count int64 `json:"count"`
}

// SuburbMedian is a suburb's median market value within the filter.
type SuburbMedian struct {
	Suburb string  `json:"suburb"`
	Count  int64   `json:"count"`  // properties of the filter in it
	Valued int64   `json:"valued"` // of which with a market value
	Median float64 `json:"median"`
}

// Stats computes f's statistics once per data version and filter. A filter
// on faceted columns alone reads the year's snapshot of every property's
// faceted columns, value and extent (made once per data version); any other
// reads the suburb, value and extent of its properties. The values are
// ordered in memory.
func (s *Service) Stats(f Filter, v Version) (Stats, error) {
	if err := s.resolve(&f, v); err != nil {
		return Stats{}, err
	}
	return s.stats.get(v, f.key(), func() (Stats, error) {
		acc := newStatsAcc(f.Year)
		if f.onCube() {
			snap, err := s.snapshot(f.Year, v)
			if err != nil {
				return Stats{}, err
			}
			match := make([]bool, len(snap.groups))
			for g, row := range snap.groups {
				match[g] = f.matches(row)
			}
			for i, g := range snap.group {
				if match[g] {
					acc.add(snap.groups[g].Suburb, snap.value[i], snap.extent[i])
				}
			}
			return acc.result(), nil
		}
		return heavyScan(s, func() (Stats, error) {
			where, params := f.where()
			rows, err := s.app.DB().NewQuery("SELECT p.address_suburb, " + valueColumns + " FROM properties p WHERE " + where).Bind(params).Rows()
			if err != nil {
				return Stats{}, fmt.Errorf("read values: %w", err)
			}
			defer rows.Close()
			for rows.Next() {
				var name sql.NullString
				var value sql.NullInt64
				var extent sql.NullFloat64
				if err := rows.Scan(&name, &value, &extent); err != nil {
					return Stats{}, fmt.Errorf("read values: %w", err)
				}
				acc.add(name.String, valueOrNone(value), extent.Float64)
			}
			if err := rows.Err(); err != nil {
				return Stats{}, fmt.Errorf("read values: %w", err)
			}
			return acc.result(), nil
		})
	})
}

// valueColumns read a market value and an extent robustly: a hand edit in
// the dashboard can store any JSON there, which counts as no value.
const valueColumns = `CASE WHEN typeof(p.market_value) IN ('integer', 'real') THEN CAST(p.market_value AS INTEGER) END,
	CASE WHEN typeof(p.extent) IN ('integer', 'real') THEN p.extent END`

func valueOrNone(v sql.NullInt64) int64 {
	if !v.Valid || v.Int64 < 0 {
		return -1
	}
	return v.Int64
}

// statsAcc gathers one filter's properties into Stats.
type statsAcc struct {
	st       Stats
	values   []int64
	perM2    []float64
	bySuburb map[string]*suburbValues
}

type suburbValues struct {
	name   string
	count  int64
	values []int64
}

func newStatsAcc(year int) *statsAcc {
	return &statsAcc{st: Stats{Year: year, Histogram: []Bin{}, Suburbs: []SuburbMedian{}}, bySuburb: map[string]*suburbValues{}}
}

// add counts one property: value -1 for none, extent 0 for none.
func (a *statsAcc) add(suburb string, value int64, extent float64) {
	a.st.Count++
	var sub *suburbValues
	if suburb != "" {
		key := asciiLower(suburb)
		if sub = a.bySuburb[key]; sub == nil {
			sub = &suburbValues{name: suburb}
			a.bySuburb[key] = sub
		}
		sub.count++
	}
	if value < 0 {
		return
	}
	a.st.Valued++
	a.st.TotalValue += value
	a.values = append(a.values, value)
	if sub != nil {
		sub.values = append(sub.values, value)
	}
	if extent > 0 && !math.IsInf(extent, 0) {
		a.perM2 = append(a.perM2, float64(value)/extent)
	}
}

func (a *statsAcc) result() Stats {
	st := a.st
	slices.Sort(a.values)
	slices.Sort(a.perM2)
	if len(a.values) > 0 {
		st.MarketValue = quartiles(a.values, 0)
		st.Histogram = histogram(a.values)
	}
	if len(a.perM2) > 0 {
		st.ValuePerM2 = quartiles(a.perM2, 2)
	}
	for _, sub := range a.bySuburb {
		if len(sub.values) < statsMinValued {
			continue
		}
		slices.Sort(sub.values)
		st.Suburbs = append(st.Suburbs, SuburbMedian{Suburb: sub.name, Count: sub.count, Valued: int64(len(sub.values)),
			Median: round(quantile(sub.values, 0.5), 0)})
	}
	slices.SortFunc(st.Suburbs, func(a, b SuburbMedian) int {
		return cmp.Or(cmp.Compare(b.Median, a.Median), cmp.Compare(a.Suburb, b.Suburb))
	})
	if len(st.Suburbs) > statsMaxSuburbs {
		st.Suburbs = st.Suburbs[:statsMaxSuburbs]
	}
	return st
}

// snapshot is a roll year's properties as the statistics of a faceted
// filter need them: about 20 bytes each (10 MB at 500,000).
type snapshot struct {
	groups []cubeRow // the distinct combinations of faceted columns
	group  []int32   // each property's combination
	value  []int64   // its market value, -1 for none
	extent []float64 // its extent, 0 for none
}

// snapshot reads the year's properties once per data version, from
// idx_properties_facets alone.
func (s *Service) snapshot(year int, v Version) (*snapshot, error) {
	return s.snapshots.get(v, strconv.Itoa(year), func() (*snapshot, error) {
		rows, err := s.app.DB().NewQuery("SELECT " + cubeColumns + ", " + valueColumns + " FROM properties p WHERE p.year = {:year}").
			Bind(dbx.Params{"year": year}).Rows()
		if err != nil {
			return nil, fmt.Errorf("read the roll's values: %w", err)
		}
		defer rows.Close()
		snap := &snapshot{}
		index := map[string]int32{}
		for rows.Next() {
			var r cubeRow
			var text [4]sql.NullString
			var code sql.NullString
			var value sql.NullInt64
			var extent sql.NullFloat64
			if err := rows.Scan(&text[0], &code, &text[1], &text[2], &text[3], &r.Gone, &value, &extent); err != nil {
				return nil, fmt.Errorf("read the roll's values: %w", err)
			}
			key := asciiLower(text[0].String) + "\x00" + code.String + "\x00" + text[1].String + "\x00" + text[2].String + "\x00" + text[3].String + "\x00" + strconv.FormatBool(r.Gone)
			g, ok := index[key]
			if !ok {
				r.Suburb, r.UseLabel, r.RatingCategory, r.Roll = text[0].String, text[1].String, text[2].String, text[3].String
				if n, err := strconv.ParseInt(code.String, 10, 64); err == nil && code.Valid {
					r.UseCode = &n
				}
				g = int32(len(snap.groups))
				index[key] = g
				snap.groups = append(snap.groups, r)
			}
			snap.group = append(snap.group, g)
			snap.value = append(snap.value, valueOrNone(value))
			snap.extent = append(snap.extent, extent.Float64)
		}
		return snap, rows.Err()
	})
}

// quantile of sorted values at p (0..1), interpolating linearly.
func quantile[T int64 | float64](sorted []T, p float64) float64 {
	pos := p * float64(len(sorted)-1)
	lo := int(math.Floor(pos))
	hi := min(lo+1, len(sorted)-1)
	return float64(sorted[lo]) + (float64(sorted[hi])-float64(sorted[lo]))*(pos-float64(lo))
}

func quartiles[T int64 | float64](sorted []T, decimals int) *Quartiles {
	return &Quartiles{
		Min: round(float64(sorted[0]), decimals), Q1: round(quantile(sorted, 0.25), decimals),
		Median: round(quantile(sorted, 0.5), decimals), Q3: round(quantile(sorted, 0.75), decimals),
		Max: round(float64(sorted[len(sorted)-1]), decimals),
	}
}

func round(x float64, decimals int) float64 {
	scale := math.Pow10(decimals)
	return math.Round(x*scale) / scale
}

// binEdges are the histogram's edges: 1, 2, 5 in every decade up to 10^15.
var binEdges = func() []int64 {
	edges := []int64{0}
	for decade := int64(1); decade <= 1e15; decade *= 10 {
		edges = append(edges, decade, 2*decade, 5*decade)
	}
	return edges
}()

// histogram counts sorted values in log-scale 1–2–5 bins, every bin from
// the lowest non-empty one to the highest ([0, 1) holds zeros).
func histogram(sorted []int64) []Bin {
	bin := func(x int64) int {
		i, found := slices.BinarySearch(binEdges, x)
		if found {
			return i
		}
		return i - 1
	}
	first, last := bin(sorted[0]), bin(sorted[len(sorted)-1])
	if last >= len(binEdges)-1 {
		last = len(binEdges) - 2 // values past 5·10^15 count in the last bin
	}
	out := make([]Bin, 0, last-first+1)
	for i := first; i <= last; i++ {
		out = append(out, Bin{From: binEdges[i], To: binEdges[i+1]})
	}
	for _, x := range sorted {
		out[min(bin(x), last)-first].Count++
	}
	return out
}
