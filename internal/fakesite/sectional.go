package fakesite

import (
	"fmt"
	"html"
	"strconv"
	"strings"
)

// scheme is a sectional-title scheme: one suburb, one volume, one street
// address, units numbered from 1. No scheme has 1,000 units, so a
// suburb×volume×scheme slice is always below the site's cap.
type scheme struct {
	name, text string // decoded name, raw option HTML (may keep odd spacing)
	number     string // "412/1998"
}

const maxSchemeUnits = 499

// sectional appends n roll-2 units, scheme by scheme.
func (g *gen) sectional(n int) {
	rng := g.rng
	names := map[string]bool{}
	order := rng.Perm(len(realSchemes))
	for n > 0 {
		size := g.schemeSize()
		if size > n {
			size = n
		}
		n -= size
		s := g.subs[g.sub2.pick(rng)]
		sc := g.newScheme(names, order)
		vol := s.vols[s.volPick.pick(rng)]
		probe := Property{}
		g.address(&probe, s)
		for sec := 1; sec <= size; sec++ {
			u := sectionalUses[sectionalUsePick.pick(rng)]
			p := Property{
				Roll: 2, PIN: g.pin(), Volume: volumes[vol], SuburbID: s.id,
				Scheme: sc.name, SchemeNumber: sc.number, SectionNumber: strconv.Itoa(sec),
				StreetNo: probe.StreetNo, StreetName: probe.StreetName, Address: probe.Address,
				Legal:   "Section " + strconv.Itoa(sec) + " of " + sc.name,
				UseCode: u.code, Category: u.category, Owners: g.owners(),
				MarketValue: marketValue(rng, u, s.wealth), Extent: extent(rng, u, false),
			}
			if !chance(rng, 1.0/200) {
				p.RateNumber = g.rateNumber()
			}
			g.props = append(g.props, p)
		}
	}
}

// schemeSize: mostly small blocks, a few towers (mean about 25 units).
func (g *gen) schemeSize() int {
	switch r := g.rng.Float64(); {
	case r < 0.6:
		return 2 + g.rng.IntN(10)
	case r < 0.9:
		return 12 + g.rng.IntN(40)
	case r < 0.98:
		return 52 + g.rng.IntN(150)
	}
	return 202 + g.rng.IntN(maxSchemeUnits-201)
}

// newScheme names a scheme uniquely (the site sends the name, not an ID):
// the real names first, then invented ones; a few keep a double or
// trailing space in the option text, as DB-filled lists do.
func (g *gen) newScheme(names map[string]bool, order []int) *scheme {
	rng := g.rng
	var name string
	for tries := 0; ; tries++ {
		if len(g.schemes) < len(order) {
			name = realSchemes[order[len(g.schemes)]]
		} else {
			switch r := rng.IntN(10); {
			case r < 4:
				name = "SS " + oneOf(rng, placeWords) + " " + oneOf(rng, schemeSuffixes)
			case r < 6:
				name = "SS " + oneOf(rng, surnames) + " " + oneOf(rng, schemeSuffixes)
			default:
				n := 1 + rng.IntN(400)
				name = fmt.Sprintf("SS %d/%d %s %s", n, n+2, oneOf(rng, streetWords), oneOf(rng, streetSuffixes))
			}
			if tries > 5 {
				name += " NO " + strconv.Itoa(1+rng.IntN(999))
			}
		}
		if key := schemeKey(name); !names[key] {
			names[key] = true
			break
		}
	}
	switch r := rng.IntN(200); {
	case r == 0:
		name = strings.Replace(name, " ", "  ", 2)
		name = strings.Replace(name, "  ", " ", 1) // "SS X  Y": only the second gap doubled
	case r == 1:
		name += " "
	}
	sc := &scheme{name: name, text: html.EscapeString(name),
		number: strconv.Itoa(1+rng.IntN(1500)) + "/" + strconv.Itoa(1972+rng.IntN(50))}
	g.schemes = append(g.schemes, sc)
	return sc
}

// schemeKey is how the site compares SchemeName: trimmed, case-insensitive.
func schemeKey(name string) string { return strings.ToUpper(strings.TrimSpace(name)) }

func (g *gen) schemeOptions() []Option {
	out := make([]Option, len(g.schemes))
	for i, s := range g.schemes {
		out[i] = Option{Value: "1", Text: s.text}
	}
	return sortOptions(out)
}
