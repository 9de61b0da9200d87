package fakesite

import (
	"strconv"
	"strings"
)

// fullTitle appends n roll-1 properties. Each is placed in a
// suburb×volume×deeds-town cell that still has room (slicesCap).
func (g *gen) fullTitle(n int) {
	cells := make(map[uint64]uint16)
	rng := g.rng
	for range n {
		si := g.sub1.pick(rng)
		s := g.subs[si]
		vol, ti := g.cell(si, cells)
		t := g.towns[ti]
		u := fullTitleUses[fullUsePick.pick(rng)]
		p := Property{
			Roll: 1, PIN: g.pin(), Volume: volumes[vol], SuburbID: s.id, DeedsTownID: t.id,
			UseCode: u.code, Category: u.category, Owners: g.owners(),
			MarketValue: marketValue(rng, u, s.wealth), Extent: extent(rng, u, s.township),
		}
		if !chance(rng, 1.0/200) {
			p.RateNumber = g.rateNumber()
		}
		g.legal(&p, t)
		g.address(&p, s)
		g.props = append(g.props, p)
	}
}

// cell draws a volume and town for suburb si and returns the first one
// from there with room; when all are full it opens a new deeds town.
func (g *gen) cell(si int, cells map[uint64]uint16) (vol, town int) {
	s := g.subs[si]
	v0, t0 := s.volPick.pick(g.rng), s.townPick.pick(g.rng)
	for dt := range s.towns {
		for dv := range s.vols {
			vol, town = s.vols[(v0+dv)%len(s.vols)], s.towns[(t0+dt)%len(s.towns)]
			key := uint64(si)<<40 | uint64(vol)<<32 | uint64(town)
			if cells[key] < slicesCap {
				cells[key]++
				return vol, town
			}
		}
	}
	g.addTown(s, g.townName(townBase(s.name), g.townNames()), 1)
	s.townPick = newPicker(s.townW)
	vol, town = s.vols[v0], s.towns[len(s.towns)-1]
	cells[uint64(si)<<40|uint64(vol)<<32|uint64(town)] = 1
	return vol, town
}

func (g *gen) townNames() map[string]bool {
	m := make(map[string]bool, len(g.towns))
	for _, t := range g.towns {
		m[t.name] = true
	}
	return m
}

// legal writes ERF/Portion and the legal description in the sample's
// proportions: "ERF n of T" 82%, "Portion p of ERF m of T" 14%,
// "REM of ERF n of T" 4%, and a few odd upper-case "OF" forms.
func (g *gen) legal(p *Property, t *town) {
	rng := g.rng
	newERF := func() int {
		n := t.nextERF
		t.nextERF += 1 + rng.IntN(3)
		return n
	}
	b := g.buf[:0]
	switch r := rng.IntN(1000); {
	case r < 824:
		p.ERF = strconv.Itoa(newERF())
		b = append(append(b, "ERF "...), p.ERF...)
	case r < 959:
		p.ERF = strconv.Itoa(1 + rng.IntN(t.nextERF))
		p.Portion = strconv.Itoa(t.nextPortion)
		t.nextPortion++
		b = append(append(append(append(b, "Portion "...), p.Portion...), " of ERF "...), p.ERF...)
	case r < 995:
		p.ERF = strconv.Itoa(newERF())
		b = append(append(b, "REM of ERF "...), p.ERF...)
	case r < 998:
		p.ERF = strconv.Itoa(newERF())
		b = append(append(b, "REM OF ERF "...), p.ERF...)
		b = append(append(b, " OF "...), t.name...)
		p.Legal = string(b)
		return
	default:
		p.ERF = strconv.Itoa(1 + rng.IntN(t.nextERF))
		p.Portion = strconv.Itoa(t.nextPortion)
		t.nextPortion++
		b = append(append(append(append(b, "REM of Portion "...), p.Portion...), " of ERF "...), p.ERF...)
	}
	b = append(append(b, " of "...), t.name...)
	p.Legal = string(b)
	g.buf = b
}

// address writes street fields and the displayed address with the quirks
// of real rows: no number, blank street (", INANDA NU"), "UNKNOWN", the
// street part padded to a fixed width, double spaces, "22A" numbers.
func (g *gen) address(p *Property, s *suburb) {
	rng := g.rng
	p.StreetName = oneOf(rng, s.streets)
	p.StreetNo = strconv.Itoa(1 + int(logNormal(rng, 25, 1)))
	if chance(rng, 0.03) {
		p.StreetNo += string(rune('A' + rng.IntN(3)))
	}
	b := g.buf[:0]
	switch r := rng.IntN(1000); {
	case r < 40: // street only
		p.StreetNo = ""
		b = append(b, p.StreetName...)
	case r < 55: // padded street part
		b = append(b, p.StreetNo...)
		b = append(b, ' ')
		b = append(b, p.StreetName...)
		if chance(rng, 0.5) {
			p.StreetNo = ""
			b = append(b[:0], p.StreetName...)
		}
		for w := 30 + rng.IntN(6); len(b) < w; {
			b = append(b, ' ')
		}
	case r < 65: // double space
		b = append(b, p.StreetNo...)
		b = append(b, "  "...)
		b = append(b, p.StreetName...)
	case r < 85: // no street at all
		p.StreetNo, p.StreetName = "", ""
	case r < 90:
		p.StreetNo, p.StreetName = "", "UNKNOWN"
		b = append(b, "UNKNOWN"...)
	case r < 93: // suburb as street
		p.StreetNo, p.StreetName = "", strings.ToUpper(s.name)
		b = append(b, p.StreetName...)
	default:
		b = append(b, p.StreetNo...)
		b = append(b, ' ')
		b = append(b, p.StreetName...)
	}
	b = append(b, ", "...)
	b = append(b, s.name...)
	p.Address = string(b)
	g.buf = b
}
