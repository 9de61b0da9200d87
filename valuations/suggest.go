package valuations

import (
	"cmp"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"

	"github.com/rollcall/rollcall/request"
	"github.com/rollcall/rollcall/scraper"
)

// Suggestion limits.
const (
	SuggestMinLength = 2
	SuggestMaxLength = 100
	suggestPerGroup  = 5
	didYouMeanMax    = 3
	// prefixCountCap bounds the count of a rate-number prefix (null past it).
	prefixCountCap = 100
)

// SuggestQuery is a parsed suggest request.
type SuggestQuery struct {
	Q    string
	Year int
}

// ParseSuggest reads the suggestions' parameters: q and year.
func ParseSuggest(values url.Values) (SuggestQuery, error) {
	errs := validation.Errors{}
	get := request.Params(values, []string{"q", "year"}, "Unknown parameter (this endpoint takes q and year).", errs)
	var q SuggestQuery
	if _, failed := errs["q"]; !failed {
		q.Q = get["q"]
		if n := utf8.RuneCountInString(q.Q); n < SuggestMinLength || n > SuggestMaxLength {
			errs["q"] = validation.NewError("validation_length_out_of_range",
				fmt.Sprintf("Type %d to %d characters.", SuggestMinLength, SuggestMaxLength))
		}
	}
	if year := get["year"]; year != "" {
		n, err := strconv.Atoi(year)
		if err != nil || n < scraper.MinYear || n > scraper.MaxYear {
			errs["year"] = validation.NewError("validation_invalid_year", fmt.Sprintf("Must be a roll year from %d to %d.", scraper.MinYear, scraper.MaxYear))
		}
		q.Year = n
	}
	if len(errs) > 0 {
		return SuggestQuery{}, &ParseError{Params: errs}
	}
	return q, nil
}

// Suggestions are what q may mean, by kind.
type Suggestions struct {
	Q          string            `json:"q"`
	Year       int               `json:"year"`
	Groups     []SuggestionGroup `json:"groups"`
	DidYouMean []Suggestion      `json:"didYouMean"`
}

// SuggestionGroup is one kind of suggestion.
type SuggestionGroup struct {
	Kind  string       `json:"kind"` // suburb, street, owner, rateNumber
	Label string       `json:"label"`
	Items []Suggestion `json:"items"`
}

// Suggestion is a filter to apply: param=value on the list.
type Suggestion struct {
	Label string `json:"label"`
	Param string `json:"param"`
	Value string `json:"value"`
	// Count is how many present properties of the year the filter matches;
	// nil where counting would cost too much (owners, wide prefixes).
	Count *int64 `json:"count"`
}

// Suggest finds suburbs (by prefix, then by a word's start), streets (any
// part of the name) and owners (by the name's start) that q names, and rate
// numbers it starts; when nothing is found, the suburbs spelt nearest to q.
func (s *Service) Suggest(q SuggestQuery, v Version) (Suggestions, error) {
	years, err := s.Years(v)
	if err != nil {
		return Suggestions{}, err
	}
	f := Filter{Year: q.Year}
	out := Suggestions{Q: q.Q, Year: f.Year, Groups: []SuggestionGroup{}, DidYouMean: []Suggestion{}}
	if q.Year == 0 {
		if len(years) == 0 {
			return out, nil // nothing stored yet
		}
		f.Year, out.Year = years[0], years[0]
	}
	suburbs, err := s.suburbs(f.Year, v)
	if err != nil {
		return out, err
	}
	streets, err := s.streets(f.Year, v)
	if err != nil {
		return out, err
	}
	owners, err := s.suggestOwners(q.Q, f.Year)
	if err != nil {
		return out, err
	}
	rates, err := s.suggestRateNumbers(q.Q, f.Year)
	if err != nil {
		return out, err
	}
	for _, g := range []SuggestionGroup{
		{Kind: "suburb", Label: "Suburbs", Items: suggestSuburbs(suburbs, q.Q)},
		{Kind: "street", Label: "Streets", Items: suggestStreets(streets, q.Q)},
		{Kind: "owner", Label: "Owners", Items: owners},
		{Kind: "rateNumber", Label: "Rate numbers", Items: rates},
	} {
		if len(g.Items) > 0 {
			out.Groups = append(out.Groups, g)
		}
	}
	if len(out.Groups) == 0 {
		out.DidYouMean = nearestSuburbs(suburbs, q.Q)
	}
	return out, nil
}

// presentWithPrefix counts the present properties a suburb=name filter
// matches: every suburb the name starts.
func presentWithPrefix(list []nameCount, name string) int64 {
	var n int64
	for _, sub := range withPrefix(list, name) {
		n += sub.Present
	}
	return n
}

// rank orders a match: 0 the name starts with q, 1 a word starts with q, 2
// elsewhere, -1 no match (upper: both upper case).
func rank(name, q string) int {
	i := strings.Index(name, q)
	switch {
	case i < 0:
		return -1
	case i == 0:
		return 0
	}
	for i >= 0 {
		if c := name[i-1]; c == ' ' || c == '-' || c == '(' || c == '/' {
			return 1
		}
		next := strings.Index(name[i+1:], q)
		if next < 0 {
			break
		}
		i += 1 + next
	}
	return 2
}

type ranked struct {
	nameCount
	rank  int
	count int64
}

func best(items []ranked) []ranked {
	slices.SortFunc(items, func(a, b ranked) int {
		return cmp.Or(cmp.Compare(a.rank, b.rank), cmp.Compare(b.count, a.count), strings.Compare(a.Name, b.Name))
	})
	return items[:min(len(items), suggestPerGroup)]
}

func suggestSuburbs(list []nameCount, q string) []Suggestion {
	upper := strings.ToUpper(q)
	var found []ranked
	for _, sub := range list {
		// A suburb word's start, not any part: "ton" should not offer every town.
		if r := rank(sub.Upper, upper); r == 0 || r == 1 {
			if n := presentWithPrefix(list, sub.Name); n > 0 {
				found = append(found, ranked{sub, r, n})
			}
		}
	}
	out := []Suggestion{}
	for _, r := range best(found) {
		out = append(out, Suggestion{Label: r.Name, Param: "suburb", Value: r.Name, Count: &r.count})
	}
	return out
}

// suggestStreets offers street names holding q; a street's count is what
// address=<street> matches, taken as the streets whose names hold it.
func suggestStreets(list []nameCount, q string) []Suggestion {
	upper := strings.ToUpper(q)
	var found []ranked
	for _, st := range list {
		if utf8.RuneCountInString(st.Name) < SearchMinLength || utf8.RuneCountInString(st.Name) > 100 {
			continue // the address filter could not take it
		}
		if r := rank(st.Upper, upper); r >= 0 {
			found = append(found, ranked{st, r, st.Present})
		}
	}
	out := []Suggestion{}
	for _, r := range best(found) {
		var n int64
		for _, st := range list {
			if strings.Contains(st.Upper, r.Upper) {
				n += st.Present
			}
		}
		out = append(out, Suggestion{Label: r.Name, Param: "address", Value: r.Name, Count: &n})
	}
	return out
}

// suggestOwners offers the first owners (first registered owner, as the
// roll writes it: surname first) whose name starts with q, any case: a
// range of idx_properties_owner, read in its order and stopped at five.
func (s *Service) suggestOwners(q string, year int) ([]Suggestion, error) {
	out := []Suggestion{}
	if tooShortForSearch(q) {
		return out, nil // choosing one sets owner, which needs 3 characters
	}
	lo := asciiLower(q)
	var names []string
	err := s.app.DB().NewQuery(`SELECT p.first_owner FROM properties p
		WHERE p.year = {:year} AND p.first_owner >= {:lo} COLLATE NOCASE AND p.first_owner < {:hi} COLLATE NOCASE
		AND p.gone_at = '' GROUP BY p.first_owner COLLATE NOCASE ORDER BY p.first_owner COLLATE NOCASE LIMIT {:limit}`).
		Bind(dbx.Params{"year": year, "lo": lo, "hi": lo + "\xff", "limit": suggestPerGroup}).Column(&names)
	if err != nil {
		return nil, fmt.Errorf("suggest owners: %w", err)
	}
	for _, name := range names {
		if name = strings.TrimSpace(name); name != "" && utf8.RuneCountInString(name) <= SuggestMaxLength {
			out = append(out, Suggestion{Label: name, Param: "owner", Value: name})
		}
	}
	return out, nil
}

// suggestRateNumbers offers the first rate numbers starting with q (digits),
// with an address to tell them apart, and the prefix itself when more
// start with it.
func (s *Service) suggestRateNumbers(q string, year int) ([]Suggestion, error) {
	out := []Suggestion{}
	if !digits.MatchString(q) {
		return out, nil
	}
	params := dbx.Params{"year": year, "lo": q, "hi": q + ":", "limit": suggestPerGroup}
	var rows []struct {
		Rate    string `db:"rate_number"`
		Address string `db:"address"`
		N       int64  `db:"n"`
	}
	err := s.app.DB().NewQuery(`SELECT p.rate_number, min(p.address) AS address, count(*) AS n FROM properties p
		WHERE p.year = {:year} AND p.rate_number >= {:lo} AND p.rate_number < {:hi} AND p.gone_at = ''
		GROUP BY p.rate_number ORDER BY p.rate_number LIMIT {:limit}`).Bind(params).All(&rows)
	if err != nil {
		return nil, fmt.Errorf("suggest rate numbers: %w", err)
	}
	var prefix *Suggestion
	if len(rows) == suggestPerGroup {
		// More may start with q: offer the prefix in the last place.
		var n int64
		params["cap"] = prefixCountCap + 1
		if err := s.app.DB().NewQuery(`SELECT count(*) FROM (SELECT 1 FROM properties p WHERE p.year = {:year}
			AND p.rate_number >= {:lo} AND p.rate_number < {:hi} AND p.gone_at = '' LIMIT {:cap})`).Bind(params).Row(&n); err != nil {
			return nil, fmt.Errorf("count rate number prefix: %w", err)
		}
		prefix = &Suggestion{Label: "Rate numbers starting " + q, Param: "rateNumberPrefix", Value: q}
		if n <= prefixCountCap {
			prefix.Count = &n
		}
		rows = rows[:suggestPerGroup-1]
	}
	for _, r := range rows {
		label := r.Rate
		if r.Address != "" {
			label += " · " + r.Address
		}
		out = append(out, Suggestion{Label: label, Param: "rateNumber", Value: r.Rate, Count: &r.N})
	}
	if prefix != nil {
		out = append(out, *prefix)
	}
	return out, nil
}

// nearestSuburbs are the suburbs spelt nearest to q (edit distance to the
// name, or to its start as long as q), closest and biggest first.
func nearestSuburbs(list []nameCount, q string) []Suggestion {
	upper := []rune(strings.ToUpper(q))
	limit := max(1, len(upper)/3)
	var found []ranked
	for _, sub := range list {
		if sub.Present == 0 {
			continue
		}
		name := []rune(sub.Upper)
		d := distance(upper, name)
		if len(name) > len(upper) {
			d = min(d, distance(upper, name[:len(upper)])+1)
		}
		if d <= limit {
			found = append(found, ranked{sub, d, presentWithPrefix(list, sub.Name)})
		}
	}
	slices.SortFunc(found, func(a, b ranked) int {
		return cmp.Or(cmp.Compare(a.rank, b.rank), cmp.Compare(b.count, a.count), strings.Compare(a.Name, b.Name))
	})
	out := []Suggestion{}
	for _, r := range found[:min(len(found), didYouMeanMax)] {
		out = append(out, Suggestion{Label: r.Name, Param: "suburb", Value: r.Name, Count: &r.count})
	}
	return out
}

// distance is the optimal string alignment distance: insertions,
// deletions, substitutions and swaps of neighbours each cost one.
func distance(a, b []rune) int {
	prev2, prev, cur := make([]int, len(b)+1), make([]int, len(b)+1), make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
