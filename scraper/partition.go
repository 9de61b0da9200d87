package scraper

import (
	"fmt"
	"strings"
)

// Partition is one query of the site: a roll and the keys that narrow it.
// A query that hits the row cap is split into children that together cover
// it. A capped suburb is split by deeds town (full title) or scheme
// (sectional), queried without the suburb: a suburb's towns are unknown, so
// every town is asked once per run and shared by every capped suburb (the
// walker skips a key it has seen). A capped town or scheme is split by
// volume 01–89, then by suburb, then by rate-number substrings. Dropdown
// keys match exactly, so those children miss nothing; rate-number
// substrings overlap (rows are stored once by PIN) and cannot see rows
// without a rate number, so a partition split that way is counted
// incomplete. Without a town or scheme list, a capped suburb is split by
// volume, then by rate number.
type Partition struct {
	Roll       Roll
	SuburbID   string
	SuburbName string
	Volume     string
	DeedsTown  string // dropdown ID (full title)
	Scheme     string // option text (sectional)
	RateNumber string // substring
}

// Key names the partition in checkpoints and the run log; it is stable
// across runs so that a resumed run recognises what is done.
func (p Partition) Key() string {
	var b strings.Builder
	b.WriteString(p.Roll.String())
	add := func(name, value string) {
		if value != "" {
			b.WriteString("/" + name + "=" + value)
		}
	}
	add("suburb", p.SuburbID)
	add("volume", p.Volume)
	add("deeds", p.DeedsTown)
	add("scheme", p.Scheme)
	add("rate", p.RateNumber)
	return b.String()
}

// Query is the search that fetches the partition.
func (p Partition) Query() SearchQuery {
	return SearchQuery{Roll: p.Roll, Suburb: p.SuburbID, VolumeNo: p.Volume, DeedsTown: p.DeedsTown, SchemeName: p.Scheme, RateNumber: p.RateNumber}
}

// Lists are the criteria pages' dropdowns that partitions are made from.
type Lists struct {
	Suburbs    []Option // the same list on both criteria pages
	DeedsTowns []Option
	Schemes    []Option
}

// Volumes are the site's fixed volume numbers.
func Volumes() []string {
	out := make([]string, 89)
	for i := range out {
		out[i] = fmt.Sprintf("%02d", i+1)
	}
	return out
}

// Roots are the first queries of a roll: one per suburb, or only the
// suburbs whose name or ID equals filter (case-insensitive).
func Roots(roll Roll, lists Lists, filter string) []Partition {
	var out []Partition
	for _, s := range lists.Suburbs {
		if filter != "" && !strings.EqualFold(s.Text, filter) && s.Value != filter {
			continue
		}
		out = append(out, Partition{Roll: roll, SuburbID: s.Value, SuburbName: s.Text})
	}
	return out
}

// Children split a capped partition one level further. ok is false when
// there is no finer split left. exhaustive is false when the children may
// miss rows (the rate-number levels).
func (p Partition) Children(lists Lists) (children []Partition, exhaustive, ok bool) {
	root := p.SuburbID != "" && p.Volume == "" && p.DeedsTown == "" && p.Scheme == "" && p.RateNumber == ""
	switch {
	case root && p.Roll == FullTitle && len(lists.DeedsTowns) > 0:
		for _, d := range lists.DeedsTowns {
			children = append(children, Partition{Roll: p.Roll, DeedsTown: d.Value})
		}
		return children, true, true
	case root && p.Roll == Sectional && len(lists.Schemes) > 0:
		seen := map[string]bool{}
		for _, s := range lists.Schemes {
			// The site matches the name as written: inner runs of spaces
			// kept ("SS 246/248  GREENFIELD ROAD"), only the ends trimmed.
			name := strings.TrimSpace(s.Raw)
			if name == "" {
				name = s.Text
			}
			if !seen[name] { // the scheme list repeats names
				seen[name] = true
				children = append(children, Partition{Roll: p.Roll, Scheme: name})
			}
		}
		return children, true, true
	case p.Volume == "" && p.RateNumber == "":
		for _, v := range Volumes() {
			c := p
			c.Volume = v
			children = append(children, c)
		}
		return children, true, true
	case p.SuburbID == "" && p.RateNumber == "" && len(lists.Suburbs) > 0:
		for _, s := range lists.Suburbs {
			c := p
			c.SuburbID, c.SuburbName = s.Value, s.Text
			children = append(children, c)
		}
		return children, true, true
	case p.RateNumber == "":
		for d := '0'; d <= '9'; d++ {
			c := p
			c.RateNumber = string(d)
			children = append(children, c)
		}
		return children, false, true
	case len(p.RateNumber) == 1:
		// A number holding digit d holds "dx" or, with d last, "xd".
		seen := map[string]bool{}
		for x := '0'; x <= '9'; x++ {
			for _, s := range []string{p.RateNumber + string(x), string(x) + p.RateNumber} {
				if !seen[s] {
					seen[s] = true
					c := p
					c.RateNumber = s
					children = append(children, c)
				}
			}
		}
		return children, false, true
	}
	return nil, false, false
}
