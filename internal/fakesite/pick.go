package fakesite

import (
	"math"
	"math/rand/v2"
	"sort"
)

// picker draws an index with probability proportional to its weight.
type picker struct{ cum []float64 }

func newPicker(weights []float64) picker {
	cum := make([]float64, len(weights))
	total := 0.0
	for i, w := range weights {
		total += w
		cum[i] = total
	}
	return picker{cum}
}

func (p picker) pick(rng *rand.Rand) int {
	if len(p.cum) == 0 || p.cum[len(p.cum)-1] == 0 {
		return 0
	}
	x := rng.Float64() * p.cum[len(p.cum)-1]
	i := sort.SearchFloat64s(p.cum, x)
	if i >= len(p.cum) {
		i = len(p.cum) - 1
	}
	for i+1 < len(p.cum) && p.weight(i) == 0 { // x == 0 can land on a zero weight
		i++
	}
	return i
}

func (p picker) weight(i int) float64 {
	if i == 0 {
		return p.cum[0]
	}
	return p.cum[i] - p.cum[i-1]
}

// logNormal is a positive value around median with spread sigma.
func logNormal(rng *rand.Rand, median, sigma float64) float64 {
	return median * math.Exp(rng.NormFloat64()*sigma)
}

// chance is true with probability p.
func chance(rng *rand.Rand, p float64) bool { return rng.Float64() < p }

func oneOf[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }
