package fakesite

import (
	"fmt"
	"html"
	"math"
	"sort"
	"strconv"
	"strings"
)

// suburbCount matches the site's real drpSuburb (862 options).
const suburbCount = 862

type suburb struct {
	id, text, name string  // option value, raw option HTML, decoded name for addresses
	w1, w2         float64 // share of full-title / sectional rows
	wealth         float64 // median residential value, rands
	township       bool    // numbered streets, small erven
	vols           []int   // volumes the suburb spans
	volPick        picker
	towns          []int // indexes into gen.towns
	townPick       picker
	townW          []float64
	streets        []string
}

type town struct {
	id, text, name string
	nextERF        int
	nextPortion    int
}

// buildSuburbs makes the drpSuburb list: big and real names first, then
// invented ones in the same styles, with IDs like the live site's (22136).
func (g *gen) buildSuburbs() {
	rng := g.rng
	seen := map[string]bool{}
	add := func(text string) *suburb {
		s := &suburb{text: text, name: html.UnescapeString(text)}
		seen[strings.ToUpper(s.name)] = true
		g.subs = append(g.subs, s)
		return s
	}
	for _, b := range bigSuburbs {
		add(b.name).w1 = b.weight
	}
	for _, t := range realSuburbs {
		add(t)
	}
	for _, t := range addressSuburbs {
		add(t)
	}
	addNew := func(text string) {
		if len(g.subs) < suburbCount && !seen[strings.ToUpper(html.UnescapeString(text))] {
			add(text)
		}
	}
	for _, t := range townships {
		for i := 0; i < t.sections; i++ {
			letter := string(rune('A' + i%26))
			if i >= 26 {
				letter += letter
			}
			addNew(t.name + " - " + letter)
		}
	}
	for len(g.subs) < suburbCount {
		var name string
		switch r := rng.IntN(10); {
		case r < 3:
			name = fmt.Sprintf("%s EXT %d", oneOf(rng, extTowns), 1+rng.IntN(90))
		case r < 4:
			name = fmt.Sprintf("Lot %d Amanzimtoti Mission Reserve", 1+rng.IntN(60))
		case r < 5:
			name = fmt.Sprintf("Farm %s No %d", oneOf(rng, placeWords), 900+rng.IntN(16000))
		case r < 6:
			name = fmt.Sprintf("%s NO. %d", oneOf(rng, placeWords), 100+rng.IntN(16000))
		default:
			name = oneOf(rng, placeWords) + " " + oneOf(rng, placeSuffixes)
		}
		switch r := rng.IntN(100); {
		case r == 0: // the DB's runs of spaces
			name = strings.Replace(name, " ", "   ", 1)
		case r == 1:
			name = oneOf(rng, placeWords) + " &amp; " + oneOf(rng, placeWords)
		case r < 6:
			name = titleCase(name)
		}
		addNew(name)
	}
	ids := map[int]bool{}
	for _, s := range g.subs {
		id := 20000 + rng.IntN(4000)
		for ids[id] {
			id = 20000 + rng.IntN(4000)
		}
		ids[id] = true
		s.id = strconv.Itoa(id)
	}
	g.weighSuburbs()
	g.spreadSuburbs()
}

// weighSuburbs: a few big suburbs (set above), a long tail of small ones
// (Zipf over a shuffled rank), some with no properties at all.
func (g *gen) weighSuburbs() {
	rng := g.rng
	var tail []*suburb
	for _, s := range g.subs[len(bigSuburbs):] {
		if noProperties[s.name] || chance(rng, 0.04) {
			continue
		}
		tail = append(tail, s)
	}
	rng.Shuffle(len(tail), func(i, j int) { tail[i], tail[j] = tail[j], tail[i] })
	rest := 1.0
	for _, b := range bigSuburbs {
		rest -= b.weight
	}
	sum := 0.0
	for i, s := range tail {
		s.w1 = math.Pow(float64(i+9), -1.2)
		sum += s.w1
	}
	for _, s := range tail {
		s.w1 *= rest / sum
	}
	// Sectional schemes cluster in central and coastal suburbs.
	urban := []string{"DURBAN", "UMHLANGA", "BEREA", "MORNINGSIDE", "AMANZIMTOTI", "NORTH BEACH", "GLENWOOD", "MUSGRAVE",
		"WESTVILLE", "UMHLANGA ROCKS", "LA LUCIA", "DURBAN NORTH", "POINT", "ESPLANADE", "BLUFF", "PINETOWN", "UMBILO", "OVERPORT"}
	byName := map[string]*suburb{}
	for _, s := range g.subs {
		if _, ok := byName[s.name]; !ok && s.w1 > 0 {
			byName[s.name] = s
		}
	}
	for i, n := range urban {
		if s := byName[n]; s != nil {
			s.w2 = 0.15 / float64(i+1)
		}
	}
	for i, s := range tail[:min(140, len(tail))] {
		if s.w2 == 0 {
			s.w2 = 0.02 / float64(i+1)
		}
	}
	w1, w2 := make([]float64, len(g.subs)), make([]float64, len(g.subs))
	for i, s := range g.subs {
		w1[i], w2[i] = s.w1, s.w2
	}
	g.sub1, g.sub2 = newPicker(w1), newPicker(w2)
}

// spreadSuburbs gives each suburb its volumes, wealth and streets. Big
// suburbs span many volumes (the biggest all 89, unevenly, so a
// suburb×volume slice can still pass 1,000 at 500k rows); small ones 1–3.
func (g *gen) spreadSuburbs() {
	rng := g.rng
	for _, s := range g.subs {
		up := strings.ToUpper(s.name)
		s.township = strings.Contains(up, " - ") || strings.HasPrefix(up, "KWA") || strings.Contains(up, "UMLAZI") ||
			strings.Contains(up, "INANDA") || strings.Contains(up, "NTUZUMA") || chance(rng, 0.15)
		s.wealth = logNormal(rng, 900_000, 0.5)
		if s.township {
			s.wealth = logNormal(rng, 200_000, 0.35)
		}
		expected := (s.w1 + s.w2/5) * nominalFull
		nv := min(89, max(1+rng.IntN(3), int(math.Ceil(expected/700))))
		start := rng.IntN(89)
		weights := make([]float64, nv)
		for i := range nv {
			s.vols = append(s.vols, (start+i)%89+1)
			weights[i] = 0.4 + 1.6*rng.Float64()
		}
		s.volPick = newPicker(weights)
		s.streets = g.streetsFor(s, min(600, 3+int(expected/40)))
	}
}

func (g *gen) streetsFor(s *suburb, n int) []string {
	rng := g.rng
	out := make([]string, 0, n)
	total := len(streetWords) * len(streetSuffixes)
	at, step := rng.IntN(total), 1+2*rng.IntN(40) // odd step: visits many words
	for range n {
		if s.township && chance(rng, 0.6) {
			out = append(out, strconv.Itoa(10000+rng.IntN(500000))+" STREET")
			continue
		}
		at = (at + step) % total
		out = append(out, streetWords[at/len(streetSuffixes)]+" "+streetSuffixes[at%len(streetSuffixes)])
	}
	return out
}

// buildTowns gives every suburb deeds towns named after it ("PINETOWN",
// "PINETOWN EXT 141"); many suburbs also hold erven of a neighbour's town.
func (g *gen) buildTowns() {
	rng := g.rng
	names := map[string]bool{}
	for i, s := range g.subs {
		base := townBase(s.name)
		n := min(40, 1+int(s.w1*nominalFull/4000)) + rng.IntN(2)
		for k := 0; k < n; k++ {
			name := base
			if k > 0 || names[name] {
				name = g.townName(base, names)
			}
			names[name] = true
			g.addTown(s, name, 0.3+1.4*rng.Float64())
		}
		if i > 0 && chance(rng, 0.25) {
			other := g.subs[rng.IntN(i)]
			s.towns = append(s.towns, other.towns[0])
			s.townW = append(s.townW, 0.1)
		}
		s.townPick = newPicker(s.townW)
	}
}

func (g *gen) townName(base string, names map[string]bool) string {
	for {
		var name string
		if chance(g.rng, 0.1) {
			name = fmt.Sprintf("%s NO. %d", base, 100+g.rng.IntN(16000))
		} else {
			name = fmt.Sprintf("%s EXT %d", base, 1+g.rng.IntN(160))
		}
		if !names[name] {
			return name
		}
	}
}

func (g *gen) addTown(s *suburb, name string, weight float64) {
	t := &town{name: name, text: html.EscapeString(name), nextERF: 1 + g.rng.IntN(20000), nextPortion: 1}
	t.id = strconv.Itoa(30000 + len(g.towns)*7 + g.rng.IntN(7))
	s.towns = append(s.towns, len(g.towns))
	s.townW = append(s.townW, weight)
	g.towns = append(g.towns, t)
}

// townBase turns a suburb name into a deeds-register name ("UMLAZI - C" → "UMLAZI C").
func townBase(name string) string {
	up := strings.ToUpper(name)
	up = strings.ReplaceAll(up, " - ", " ")
	up = strings.ReplaceAll(up, "-", " ")
	return strings.Join(strings.Fields(up), " ")
}

func titleCase(s string) string {
	words := strings.Split(strings.ToLower(s), " ")
	for i, w := range words {
		if w != "" {
			words[i] = strings.ToUpper(w[:1]) + w[1:]
		}
	}
	return strings.Join(words, " ")
}

// Dropdowns list options sorted by name, as the stored procedure returns them.
func sortOptions(opts []Option) []Option {
	sort.SliceStable(opts, func(i, j int) bool {
		a, b := strings.ToUpper(html.UnescapeString(opts[i].Text)), strings.ToUpper(html.UnescapeString(opts[j].Text))
		if a != b {
			return a < b
		}
		return opts[i].Value < opts[j].Value
	})
	return opts
}

func (g *gen) suburbOptions() []Option {
	out := make([]Option, len(g.subs))
	for i, s := range g.subs {
		out[i] = Option{Value: s.id, Text: s.text}
	}
	return sortOptions(out)
}

func (g *gen) townOptions() []Option {
	out := make([]Option, len(g.towns))
	for i, t := range g.towns {
		out[i] = Option{Value: t.id, Text: t.text}
	}
	return sortOptions(out)
}
