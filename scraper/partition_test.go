package scraper

import (
	"strings"
	"testing"
)

// The split chain: each level's children, and which levels can miss rows.
func TestPartitionSplitChain(t *testing.T) {
	lists := Lists{
		Suburbs:    []Option{{Value: "1", Text: "PINETOWN"}, {Value: "2", Text: "DURBAN"}},
		DeedsTowns: []Option{{Value: "10", Text: "PINETOWN EXT 1"}, {Value: "11", Text: "DURBAN"}},
		Schemes: []Option{{Value: "1", Text: "SS SUN & SAND", Raw: " SS SUN & SAND"}, {Value: "1", Text: "SS SUN & SAND", Raw: "SS SUN & SAND "},
			{Value: "1", Text: "SS 246/248 GREENFIELD ROAD", Raw: "SS 246/248  GREENFIELD ROAD"}},
	}
	keys := func(ps []Partition) string {
		out := make([]string, len(ps))
		for i, p := range ps {
			out[i] = p.Key()
		}
		return strings.Join(out, " ")
	}
	for _, c := range []struct {
		from       Partition
		lists      Lists
		want       string // first children's keys, or "" for none
		count      int
		exhaustive bool
	}{
		{Partition{Roll: FullTitle, SuburbID: "1"}, lists, "full/deeds=10 full/deeds=11", 2, true},
		{Partition{Roll: Sectional, SuburbID: "1"}, lists, "sectional/scheme=SS SUN & SAND sectional/scheme=SS 246/248  GREENFIELD ROAD", 2, true},
		{Partition{Roll: FullTitle, DeedsTown: "10"}, lists, "full/volume=01/deeds=10", 89, true},
		{Partition{Roll: FullTitle, DeedsTown: "10", Volume: "07"}, lists, "full/suburb=1/volume=07/deeds=10 full/suburb=2/volume=07/deeds=10", 2, true},
		{Partition{Roll: FullTitle, SuburbID: "1"}, Lists{Suburbs: lists.Suburbs}, "full/suburb=1/volume=01", 89, true},
		{Partition{Roll: FullTitle, SuburbID: "1", Volume: "07"}, Lists{}, "full/suburb=1/volume=07/rate=0", 10, false},
		{Partition{Roll: FullTitle, SuburbID: "1", Volume: "07", RateNumber: "3"}, Lists{}, "full/suburb=1/volume=07/rate=30 full/suburb=1/volume=07/rate=03", 19, false},
		{Partition{Roll: FullTitle, SuburbID: "1", Volume: "07", RateNumber: "30"}, Lists{}, "", 0, false},
	} {
		children, exhaustive, ok := c.from.Children(c.lists)
		if c.count == 0 {
			if ok {
				t.Errorf("%s: split into %s; want no finer split", c.from.Key(), keys(children))
			}
			continue
		}
		if !ok || len(children) != c.count || exhaustive != c.exhaustive || !strings.HasPrefix(keys(children), c.want) {
			t.Errorf("%s: %d children (%v, exhaustive %v) %q; want %d starting %q, exhaustive %v",
				c.from.Key(), len(children), ok, exhaustive, keys(children)[:min(len(keys(children)), 120)], c.count, c.want, c.exhaustive)
		}
	}
}
