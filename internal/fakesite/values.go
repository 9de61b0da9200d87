package fakesite

import (
	"math"
	"math/rand/v2"
)

// useCode is a use code with its rating category and a value/extent model.
type useCode struct {
	code, category string
	perMille       float64 // frequency (README of the samples: counts in 1,000 real rows)
	value          float64 // median value as a multiple of the suburb's wealth; 0 = roads etc.
	extent         float64 // median extent, m²
	spread         float64 // log-normal sigma of the extent
}

var fullTitleUses = []useCode{
	{"Single Residential (15)", "Residential", 887, 1, 0, 0.35},
	{"Vacant Land (47)", "Vacant Land", 73, 0.15, 900, 1.3},
	{"Roads (50)", "PSI", 13, 0, 1500, 1.5},
	{"Place of Worship (10)", "Business & Commercial", 4, 4, 1800, 0.8},
	{"Retail/Offices/Entertainment/ Restaurant (41)", "Business & Commercial", 4, 3, 1200, 0.9},
	{"Industrial (45)", "Industrial", 3, 30, 20000, 1},
	{"Agricultural (77)", "Agricultural", 2, 0.5, 50000, 1.2},
	{"Public Buildings (81)", "Business & Commercial", 2, 6, 8000, 1.2},
	{"Multiple Residential (16)", "Residential", 2, 20, 900, 0.6},
	{"Unauthorised/ Abandoned/ Illegal Usage (63)", "Unauthorised or Illegal Development/Use", 1, 0.4, 700, 0.5},
	{"Homes (Nursing etc) (20)", "Business & Commercial", 1, 20, 20000, 0.6},
	{"Substations (54)", "PSI", 1, 3, 2000, 0.5},
	{"Development Phasing Line (95)", "Residential", 1, 0.5, 5000, 1},
	{"Mixed Use: > 2/3 Residential (42)", "Residential", 1, 2, 800, 0.5},
	{"Quays (85)", "PSI", 1, 0, 11000, 0.5},
	{"Recreation (37)", "Business & Commercial", 1, 15, 7000, 0.5},
	{"Durban Corporation (Rates in Rent) (71)", "State Trust Land", 1, 2, 3000, 1},
	{"Hospitals (21)", "Business & Commercial", 1, 10, 600, 0.5},
	{"", "", 1, 0, 80000, 1},
}

var sectionalUses = []useCode{
	{"Multiple Residential (16)", "Residential", 780, 0.8, 90, 0.45},
	{"Single Residential (15)", "Residential", 100, 1, 160, 0.4},
	{"Retail/Offices/Entertainment/ Restaurant (41)", "Business & Commercial", 60, 1.2, 120, 0.6},
	{"Industrial (45)", "Industrial", 30, 2, 400, 0.7},
	{"Homes (Nursing etc) (20)", "Business & Commercial", 10, 0.6, 70, 0.4},
	{"Recreation (37)", "Business & Commercial", 10, 0.3, 40, 0.5},
	{"", "", 10, 0.7, 80, 0.5},
}

var (
	fullUsePick      = usePicker(fullTitleUses)
	sectionalUsePick = usePicker(sectionalUses)
	categories       = []string{"Residential", "Vacant Land", "PSI", "Business & Commercial", "Industrial", "Agricultural",
		"State Trust Land", "Unauthorised or Illegal Development/Use"}
)

func usePicker(us []useCode) picker {
	w := make([]float64, len(us))
	for i, u := range us {
		w[i] = u.perMille
	}
	return newPicker(w)
}

// marketValue: rounded like the roll (to R1,000 below R100,000, else R10,000);
// roads and quays are mostly 0 (an empty cell) or a token R1,000.
func marketValue(rng *rand.Rand, u useCode, wealth float64) int64 {
	if u.value == 0 {
		switch {
		case u.code == "Quays (85)" || u.code == "" || chance(rng, 0.4):
			return 0
		case chance(rng, 0.7):
			return 1000
		}
		return roundValue(logNormal(rng, 20_000, 1.5))
	}
	return roundValue(logNormal(rng, u.value*wealth, 0.5))
}

func roundValue(v float64) int64 {
	step := 10_000.0
	if v < 100_000 {
		step = 1000
	}
	return int64(max(1, math.Round(v/step))) * int64(step)
}

// extent: whole m² mostly; about 2% with decimals ("1,012.5"), 0.3% missing.
func extent(rng *rand.Rand, u useCode, township bool) float64 {
	median := u.extent
	if median == 0 { // residential: small erven in townships
		median = 750
		if township {
			median = 300
		}
	}
	x := math.Max(25, math.Min(1_600_000, math.Round(logNormal(rng, median, u.spread))))
	switch r := rng.IntN(1000); {
	case r < 3:
		return 0
	case r < 23:
		x += float64(1+rng.IntN(99)) / 100
		if chance(rng, 0.5) {
			x = math.Floor(x) + 0.5
		}
	}
	return x
}

// owners: one to three names, mostly "SURNAME FIRST [SECOND]", some public
// bodies and companies, with the quirks of the sample ("G J; M MKHIZE",
// "DUIJMONI ?", mixed case).
func (g *gen) owners() []string {
	rng := g.rng
	n := 1
	if r := rng.IntN(100); r < 3 {
		n = 3
	} else if r < 25 {
		n = 2
	}
	out := make([]string, n)
	for i := range out {
		out[i] = g.ownerName()
	}
	return out
}

func (g *gen) ownerName() string {
	rng := g.rng
	b := g.buf[:0]
	switch r := rng.IntN(1000); {
	case r < 50:
		return oneOf(rng, publicOwners)
	case r < 80:
		b = append(b, oneOf(rng, companyWords)...)
		b = append(b, ' ')
		b = append(b, oneOf(rng, companySuffixes)...)
	case r < 100: // initials first
		b = append(b, byte('A'+rng.IntN(26)), ' ', byte('A'+rng.IntN(26)), ' ')
		b = append(b, oneOf(rng, surnames)...)
	case r < 103: // two owners in one field
		b = append(b, byte('A'+rng.IntN(26)), ' ', byte('A'+rng.IntN(26)), ';', ' ', byte('A'+rng.IntN(26)), ' ')
		b = append(b, oneOf(rng, surnames)...)
	case r < 106: // non-ASCII lost as '?'
		b = append(b, oneOf(rng, surnames)...)
		b = append(b, " ?"...)
	default:
		b = append(b, oneOf(rng, surnames)...)
		b = append(b, ' ')
		b = append(b, oneOf(rng, firstNames)...)
		if chance(rng, 0.6) {
			b = append(b, ' ')
			b = append(b, oneOf(rng, firstNames)...)
		}
	}
	g.buf = b
	return string(b)
}
