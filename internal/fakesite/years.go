package fakesite

import (
	"html"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
)

// YearLink is the truth about one property across two rolls: an earlier
// roll (EarlierRoll) and the later one it was derived from.
type YearLink struct {
	Kind                     string // LinkSame, LinkRenumbered, LinkUnnumbered, LinkAmbiguous, LinkNew or LinkGone
	Match                    string // MatchRateNumber, MatchLegal, or "" (no match: new, gone, ambiguous)
	EarlierPIN, LaterPIN     string // "" where the property is not in that roll
	EarlierValue, LaterValue int64  // market value in each roll, rands (0: an empty cell, or not in that roll)
}

// YearLink kinds.
const (
	LinkSame       = "same"       // same rate number (and legal description) in both rolls
	LinkRenumbered = "renumbered" // rate number changed, legal description kept: only the legal description matches
	LinkUnnumbered = "unnumbered" // no rate number in either roll: only the legal description matches
	LinkAmbiguous  = "ambiguous"  // in both rolls, no rate number, a legal description other properties share: nothing matches
	LinkNew        = "new"        // only in the later roll
	LinkGone       = "gone"       // only in the earlier roll
)

// How a link's two properties are found: by equal rate numbers, else by
// equal legal descriptions (compared as legalKey does).
const (
	MatchRateNumber = "rate_number"
	MatchLegal      = "legal_description"
)

// Planted shares of EarlierRoll, per later property (gone: per earlier one).
const (
	shareNew        = 0.03
	shareRenumbered = 0.03
	shareGone       = 0.02
	shareSameValue  = 0.08 // value unchanged between rolls; the rest were lower earlier
)

// EarlierRoll derives the roll of an earlier year from later, as the site
// of that year (valuation2017 for 2022) would serve it; the same seed gives
// the same roll. Its PINs are "Q…" (another database: they never equal the
// later roll's), its dropdowns are the later roll's, and it differs in
// planted ways, each reported in the links (one per property of either
// roll, in the earlier roll's order with new ones where they would be):
// values lower by 5–30% before rounding (8% unchanged), 3% new since, 2%
// gone since, 3% renumbered. A gone property's rate number and legal
// description, and a renumbered one's earlier rate number, are no other
// property's in either roll. later is not changed.
func EarlierRoll(later *Dataset, year int, seed int64) (*Dataset, []YearLink) {
	dv := newDeriver(later, seed)
	kinds := dv.plan()
	props := make([]Property, 0, len(later.Properties)+len(later.Properties)/40)
	links := make([]YearLink, 0, cap(props))
	for i, p := range later.Properties {
		l := YearLink{Kind: kinds[i], LaterPIN: p.PIN, LaterValue: p.MarketValue}
		if l.Kind == LinkNew {
			links = append(links, l)
			continue
		}
		e := dv.copyOf(p, l.Kind)
		l.Match, l.EarlierValue = matchOf(l.Kind), e.MarketValue
		props, links = dv.add(props, links, e, l)
		if chance(dv.rng, shareGone) && dv.fits(e) {
			g := dv.goneLike(e)
			props, links = dv.add(props, links, g, YearLink{Kind: LinkGone, EarlierValue: g.MarketValue})
		}
	}
	d := &Dataset{
		Year: year, Properties: props, seed: seed,
		Suburbs: slices.Clone(later.Suburbs), DeedsTowns: slices.Clone(later.DeedsTowns), Schemes: slices.Clone(later.Schemes),
	}
	return d, links
}

// deriver holds what EarlierRoll needs to keep keys unique.
type deriver struct {
	g       *gen // owner names
	rng     *rand.Rand
	later   *Dataset
	legals  map[string]int    // legalKey → properties of the later roll with it
	rates   map[string]bool   // rate numbers of both rolls
	towns   map[string]string // deeds town ID → name
	lastERF map[string]int    // deeds town ID → highest ERF number in use
	lastSec map[string]int    // scheme key → highest section number in use
	cells   map[[5]string]int // earlier roll's suburb×volume×town/scheme slices, bounded by slicesCap
}

func newDeriver(later *Dataset, seed int64) *deriver {
	g := &gen{rng: rand.New(rand.NewPCG(uint64(seed), 0x7ea5))}
	dv := &deriver{g: g, rng: g.rng, later: later, legals: map[string]int{}, rates: map[string]bool{},
		towns: map[string]string{}, lastERF: map[string]int{}, lastSec: map[string]int{}, cells: map[[5]string]int{}}
	for _, o := range later.DeedsTowns {
		dv.towns[o.Value] = html.UnescapeString(o.Text)
	}
	for _, p := range later.Properties {
		dv.legals[legalKey(p.Legal)]++
		dv.rates[p.RateNumber] = true
		if n, err := strconv.Atoi(p.ERF); err == nil && p.Roll == 1 {
			dv.lastERF[p.DeedsTownID] = max(dv.lastERF[p.DeedsTownID], n)
		}
		if n, err := strconv.Atoi(p.SectionNumber); err == nil && p.Roll == 2 {
			dv.lastSec[schemeKey(p.Scheme)] = max(dv.lastSec[schemeKey(p.Scheme)], n)
		}
	}
	return dv
}

// plan draws each later property's kind. Only a property whose legal
// description is unique can be new or renumbered (else a twin would match
// it); without a rate number it needs one to be matched at all.
func (dv *deriver) plan() []string {
	kinds := make([]string, len(dv.later.Properties))
	for i, p := range dv.later.Properties {
		unique := dv.legals[legalKey(p.Legal)] == 1
		switch r := dv.rng.Float64(); {
		case unique && r < shareNew:
			kinds[i] = LinkNew
		case !unique && p.RateNumber == "":
			kinds[i] = LinkAmbiguous
		case p.RateNumber == "":
			kinds[i] = LinkUnnumbered
		case unique && r < shareNew+shareRenumbered:
			kinds[i] = LinkRenumbered
		default:
			kinds[i] = LinkSame
		}
		if kinds[i] != LinkNew {
			dv.cells[cellOf(p)]++
		}
	}
	return kinds
}

func matchOf(kind string) string {
	switch kind {
	case LinkSame:
		return MatchRateNumber
	case LinkRenumbered, LinkUnnumbered:
		return MatchLegal
	}
	return ""
}

// add appends an earlier property, numbering it, and its link.
func (dv *deriver) add(props []Property, links []YearLink, p Property, l YearLink) ([]Property, []YearLink) {
	p.PIN = string(appendPadded([]byte{'Q'}, len(props)+1, 7))
	l.EarlierPIN = p.PIN
	return append(props, p), append(links, l)
}

// copyOf is p as the earlier roll held it: an older value, and for a
// renumbered property another rate number.
func (dv *deriver) copyOf(p Property, kind string) Property {
	p.MarketValue = dv.olderValue(p.MarketValue)
	if kind == LinkRenumbered {
		p.RateNumber = dv.freshRate()
	}
	return p
}

// olderValue: values rose between rolls, by 5–43% (lower by 5–30% looking
// back), rounded as the roll rounds; a few stayed put.
func (dv *deriver) olderValue(v int64) int64 {
	if v == 0 || chance(dv.rng, shareSameValue) {
		return v
	}
	return roundValue(float64(v) / (1.05 + 0.38*dv.rng.Float64()))
}

// freshRate draws a rate number neither roll uses.
func (dv *deriver) freshRate() string {
	for {
		r := string(appendPadded(nil, dv.rng.IntN(100_000_000), 8))
		if !dv.rates[r] {
			dv.rates[r] = true
			return r
		}
	}
}

// fits reports whether p's slice has room for one more, and takes it.
func (dv *deriver) fits(p Property) bool {
	c := cellOf(p)
	if dv.cells[c] >= slicesCap {
		return false
	}
	dv.cells[c]++
	return true
}

func cellOf(p Property) [5]string {
	return [5]string{strconv.Itoa(p.Roll), p.SuburbID, p.Volume, p.DeedsTownID, schemeKey(p.Scheme)}
}

// goneLike is a property next to p that the later roll no longer has:
// an erf beyond the town's last (consolidated since) or a section beyond
// the scheme's last, with its own rate number and owners.
func (dv *deriver) goneLike(p Property) Property {
	g := Property{
		Roll: p.Roll, Volume: p.Volume, SuburbID: p.SuburbID, DeedsTownID: p.DeedsTownID,
		Scheme: p.Scheme, SchemeNumber: p.SchemeNumber, StreetNo: p.StreetNo, StreetName: p.StreetName, Address: p.Address,
		Owners: dv.g.owners(), UseCode: p.UseCode, Category: p.Category, Extent: p.Extent,
		MarketValue: dv.olderValue(p.MarketValue), RateNumber: dv.freshRate(),
	}
	if p.Roll == 2 {
		k := schemeKey(p.Scheme)
		dv.lastSec[k] += 1 + dv.rng.IntN(2)
		g.SectionNumber = strconv.Itoa(dv.lastSec[k])
		g.Legal = "Section " + g.SectionNumber + " of " + p.Scheme
		return g
	}
	dv.lastERF[p.DeedsTownID] += 1 + dv.rng.IntN(3)
	g.ERF = strconv.Itoa(dv.lastERF[p.DeedsTownID])
	g.Legal = "ERF " + g.ERF + " of " + dv.towns[p.DeedsTownID]
	return g
}

// legalKey is a legal description as a matcher compares it: upper case,
// runs of spaces as one, trimmed (the scraper's cleaning, durban.md §2).
func legalKey(s string) string { return strings.ToUpper(strings.Join(strings.Fields(s), " ")) }
