package fakesite

import (
	"math"
	"math/rand/v2"
)

// Change is one field of one property as the result page shows it before
// and after Mutate.
type Change struct{ PIN, Field, Old, New string }

// Mutate fields: the columns a re-scrape must notice.
const (
	FieldMarketValue    = "market_value"
	FieldFirstOwner     = "first_owner"
	FieldUseCode        = "use_code"
	FieldExtent         = "extent"
	FieldRatingCategory = "rating_category"
)

var mutateFields = []string{FieldMarketValue, FieldFirstOwner, FieldUseCode, FieldExtent, FieldRatingCategory}

// Mutate changes one displayed field of each of n distinct properties
// (fewer if the roll is smaller), chosen deterministically from seed and
// the current data, and returns exactly those changes (one per property,
// New always differs from Old as displayed), in the order made.
func (s *Site) Mutate(seed int64, n int) []Change {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.owned {
		s.props, s.owned = append([]Property(nil), s.props...), true
	}
	n = min(max(n, 0), len(s.props))
	g := &gen{rng: rand.New(rand.NewPCG(uint64(seed), 0x3a7e))}
	rng := g.rng
	picked := make(map[int]bool, n)
	out := make([]Change, 0, n)
	for len(out) < n {
		i := rng.IntN(len(s.props))
		if picked[i] {
			continue
		}
		picked[i] = true
		p := &s.props[i]
		c := Change{PIN: p.PIN, Field: mutateFields[rng.IntN(len(mutateFields))]}
		switch c.Field {
		case FieldMarketValue:
			c.Old = formatRands(p.MarketValue)
			v := roundValue(float64(p.MarketValue) * (0.8 + 0.5*rng.Float64()))
			if p.MarketValue == 0 || formatRands(v) == c.Old {
				v = p.MarketValue + 10_000
			}
			p.MarketValue, c.New = v, formatRands(v)
		case FieldFirstOwner:
			owners := append([]string(nil), p.Owners...) // a new slice: Snapshot copies share the old one
			if len(owners) == 0 {
				owners = []string{""}
			}
			c.Old = owners[0]
			for owners[0] == c.Old {
				owners[0] = g.ownerName()
			}
			p.Owners, c.New = owners, owners[0]
		case FieldUseCode:
			c.Old = p.UseCode
			for p.UseCode == c.Old {
				p.UseCode = oneOf(rng, fullTitleUses).code
			}
			c.New = p.UseCode
		case FieldExtent:
			c.Old = formatExtent(p.Extent)
			x := math.Round(p.Extent*(0.9+0.2*rng.Float64())*2) / 2 // whole or half m²
			if formatExtent(x) == c.Old || x <= 0 {
				x = math.Floor(p.Extent) + 1
			}
			p.Extent, c.New = x, formatExtent(x)
		case FieldRatingCategory:
			c.Old = p.Category
			for p.Category == c.Old {
				p.Category = oneOf(rng, categories)
			}
			c.New = p.Category
		}
		out = append(out, c)
	}
	return out
}
