package fakesite

import (
	"errors"
	"net/url"
	"strings"
)

// resultCap is the site's row limit; at this many matches it shows the banner.
const resultCap = 1000

// queryKeys are SearchResult.aspx's keys in the order the site reads them
// (by position: a missing or moved key breaks the page).
var queryKeys = [...]string{"Roll", "VolumeNo", "RateNumber", "StreetNo", "StreetName", "Suburb", "ERF", "Portion",
	"DeedsTown", "SchemeName", "SectionNumber", "All"}

const (
	qRoll = iota
	qVolume
	qRate
	qStreetNo
	qStreetName
	qSuburb
	qERF
	qPortion
	qTown
	qScheme
	qSection
	qAll
)

var errQuery = errors.New("bad SearchResult query")

// parseSearch checks the raw query's keys and order and decodes the values.
func parseSearch(raw string) (vals [len(queryKeys)]string, err error) {
	parts := strings.Split(raw, "&")
	if len(parts) != len(queryKeys) {
		return vals, errQuery
	}
	for i, part := range parts {
		k, v, _ := strings.Cut(part, "=")
		if k, err = url.QueryUnescape(k); err != nil || k != queryKeys[i] {
			return vals, errQuery
		}
		if vals[i], err = url.QueryUnescape(v); err != nil {
			return vals, errQuery
		}
	}
	if vals[qRoll] != "1" && vals[qRoll] != "2" {
		return vals, errQuery
	}
	return vals, nil
}

// index maps each exact-match key to the property positions holding it,
// ascending, per roll, so a query scans only its smallest candidate list.
type index struct {
	roll                          [3][]int32
	suburb, volume, town, schemes [3]map[string][]int32
}

func newIndex(props []Property) *index {
	ix := &index{}
	for r := 1; r <= 2; r++ {
		ix.suburb[r], ix.volume[r] = map[string][]int32{}, map[string][]int32{}
		ix.town[r], ix.schemes[r] = map[string][]int32{}, map[string][]int32{}
	}
	for i, p := range props {
		r := p.Roll
		if r != 1 && r != 2 {
			continue
		}
		n := int32(i)
		ix.roll[r] = append(ix.roll[r], n)
		ix.suburb[r][p.SuburbID] = append(ix.suburb[r][p.SuburbID], n)
		ix.volume[r][p.Volume] = append(ix.volume[r][p.Volume], n)
		if p.DeedsTownID != "" {
			ix.town[r][p.DeedsTownID] = append(ix.town[r][p.DeedsTownID], n)
		}
		if p.Scheme != "" {
			k := schemeKey(p.Scheme)
			ix.schemes[r][k] = append(ix.schemes[r][k], n)
		}
	}
	return ix
}

// search returns the positions of the first resultCap matches in dataset
// order; len == resultCap means "at least resultCap" (the banner).
func (ix *index) search(props []Property, q [len(queryKeys)]string) []int32 {
	r := 1
	if q[qRoll] == "2" {
		r = 2
	}
	cands := ix.roll[r]
	for _, f := range []struct {
		m   map[string][]int32
		key string
	}{{ix.suburb[r], q[qSuburb]}, {ix.volume[r], q[qVolume]}, {ix.town[r], q[qTown]}, {ix.schemes[r], schemeKey(q[qScheme])}} {
		if f.key == "" {
			continue
		}
		list := f.m[f.key]
		if len(list) < len(cands) {
			cands = list
		}
	}
	m := newMatcher(q)
	var out []int32
	for _, n := range cands {
		if m.match(&props[n]) {
			out = append(out, n)
			if len(out) == resultCap {
				break
			}
		}
	}
	return out
}

// matcher applies every filter: exact IDs, exact scheme text, and the
// site's LIKE '%x%' (case-insensitive substring) for the text boxes.
type matcher struct {
	volume, suburb, town, scheme                      string
	rate, streetNo, streetName, erf, portion, section string
}

func newMatcher(q [len(queryKeys)]string) matcher {
	return matcher{
		volume: q[qVolume], suburb: q[qSuburb], town: q[qTown], scheme: schemeKey(q[qScheme]),
		rate: strings.ToUpper(q[qRate]), streetNo: strings.ToUpper(q[qStreetNo]), streetName: strings.ToUpper(q[qStreetName]),
		erf: strings.ToUpper(q[qERF]), portion: strings.ToUpper(q[qPortion]), section: strings.ToUpper(q[qSection]),
	}
}

func (m matcher) match(p *Property) bool {
	return exact(m.volume, p.Volume) && exact(m.suburb, p.SuburbID) && exact(m.town, p.DeedsTownID) &&
		(m.scheme == "" || m.scheme == schemeKey(p.Scheme)) &&
		like(m.rate, p.RateNumber) && like(m.streetNo, p.StreetNo) && like(m.streetName, p.StreetName) &&
		like(m.erf, p.ERF) && like(m.portion, p.Portion) && like(m.section, p.SectionNumber)
}

func exact(want, got string) bool { return want == "" || want == got }

// like: upper-case pattern against the field; ToUpper returns s itself
// when it has no lower case, so the common case does not allocate.
func like(upperPattern, field string) bool {
	return upperPattern == "" || strings.Contains(strings.ToUpper(field), upperPattern)
}
