package fakesite

import (
	"math/rand/v2"
)

// Config sizes the generated data; the same Config gives the same data.
type Config struct {
	Seed          int64
	FullRows      int // full-title properties (Roll=1)
	SectionalRows int // sectional-title units (Roll=2)
}

// Property is one roll entry with its search keys and displayed values.
type Property struct {
	Roll                                      int    // 1 or 2
	PIN                                       string // unique across both rolls, e.g. "P0000123"
	RateNumber                                string // 8 digits with leading zeros; "" for about 1 in 200 rows (page shows a Details link)
	Volume                                    string // "01".."89"
	SuburbID                                  string // a drpSuburb option value
	DeedsTownID                               string // a drpDeedsTown option value (roll 1 only)
	Scheme                                    string // decoded scheme option text (roll 2 only), e.g. "SS SUN & SAND"
	SchemeNumber, SectionNumber, ERF, Portion string
	StreetNo, StreetName                      string
	Legal                                     string   // "ERF 18288 of PINETOWN", "Section 12 of SS BEACH TERRACE"
	Address                                   string   // as displayed, quirks included (padding, double spaces, ", INANDA NU")
	Owners                                    []string // first is shown in the list; never modified in place
	UseCode                                   string   // "Single Residential (15)", "" sometimes
	Category                                  string
	MarketValue                               int64   // rands; 0 shows an empty cell
	Extent                                    float64 // m²; 0 shows an empty cell
}

// Dataset is a generated roll plus the criteria pages' dropdowns.
type Dataset struct {
	Year       int        // the roll's year, shown in the banner and titles; 0 means DefaultYear
	Properties []Property // roll 1 first, then roll 2; PIN order
	Suburbs    []Option   // drpSuburb: numeric IDs, raw HTML text (&amp;, duplicates, runs of spaces)
	DeedsTowns []Option   // drpDeedsTown
	Schemes    []Option   // drpScheme: value "1" for all, as on the real site

	seed int64
}

// DefaultYear is the roll a Dataset without a Year shows (valuation2022).
const DefaultYear = 2022

// RollYear is d.Year, or DefaultYear when unset.
func (d *Dataset) RollYear() int {
	if d.Year == 0 {
		return DefaultYear
	}
	return d.Year
}

// slicesCap bounds every suburb×volume×deeds-town (roll 1) and
// suburb×volume×scheme (roll 2) slice, so a scraper that splits that deep
// never meets the site's 1,000-row cap.
const slicesCap = 999

// nominalFull sizes suburbs' volume and town spreads independently of the
// configured row count, so only the number of rows scales.
const nominalFull = 425_000

// Generate builds a dataset deterministically from cfg.Seed.
func Generate(cfg Config) *Dataset {
	g := &gen{
		rng:  rand.New(rand.NewPCG(uint64(cfg.Seed), 0x9e3779b97f4a7c15)),
		used: make([]uint64, 100_000_000/64),
	}
	full, sectional := max(cfg.FullRows, 0), max(cfg.SectionalRows, 0)
	g.props = make([]Property, 0, full+sectional)
	g.buildSuburbs()
	g.buildTowns()
	g.fullTitle(full)
	g.sectional(sectional)
	d := &Dataset{Properties: g.props, seed: cfg.Seed}
	d.Suburbs = g.suburbOptions()
	d.DeedsTowns = g.townOptions()
	d.Schemes = g.schemeOptions()
	return d
}

// Row formats a property as the result table shows it.
func (d *Dataset) Row(p Property) Row {
	owner := ""
	if len(p.Owners) > 0 {
		owner = p.Owners[0]
	}
	return Row{
		PIN: p.PIN, RateNumber: p.RateNumber, Legal: p.Legal, Address: p.Address, Owner: owner,
		UseCode: p.UseCode, Category: p.Category, MarketValue: formatRands(p.MarketValue), Extent: formatExtent(p.Extent),
	}
}

// gen holds the generator's state; fields are filled in order by Generate.
type gen struct {
	rng     *rand.Rand
	used    []uint64 // rate-number bitmap, keeps them unique
	props   []Property
	subs    []*suburb
	sub1    picker // full-title suburb weights
	sub2    picker // sectional suburb weights
	towns   []*town
	schemes []*scheme
	buf     []byte
}

// rateNumber draws an unused 8-digit rate number.
func (g *gen) rateNumber() string {
	for {
		n := g.rng.IntN(100_000_000)
		if g.used[n/64]&(1<<(n%64)) == 0 {
			g.used[n/64] |= 1 << (n % 64)
			return string(appendPadded(g.buf[:0], n, 8))
		}
	}
}

func (g *gen) pin() string {
	return string(appendPadded(append(g.buf[:0], 'P'), len(g.props)+1, 7))
}

func appendPadded(b []byte, n, width int) []byte {
	var d [20]byte
	i := len(d)
	for n > 0 || i == len(d) {
		i--
		d[i] = byte('0' + n%10)
		n /= 10
	}
	for w := len(d) - i; w < width; w++ {
		b = append(b, '0')
	}
	return append(b, d[i:]...)
}

var volumes = func() (v [90]string) {
	for i := 1; i <= 89; i++ {
		v[i] = string(appendPadded(nil, i, 2))
	}
	return v
}()
