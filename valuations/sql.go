package valuations

import (
	"strconv"
	"strings"

	"github.com/pocketbase/dbx"
)

// where is a filter as SQL over properties aliased p. Every value is a bound
// {:param}; only fixed fragments of this file become SQL text.
func (f Filter) where() (string, dbx.Params) { return f.conditions(false) }

// listWhere is where for reading rows in a sort's order: a wide suburb
// prefix is then checked row by row (unary +) while the sort's index is
// walked, instead of reading all its suburbs and sorting them.
func (f Filter) listWhere() (string, dbx.Params) { return f.conditions(f.suburbWalk) }

func (f Filter) conditions(walk bool) (string, dbx.Params) {
	var conds []string
	params := dbx.Params{}
	add := func(cond string, value any) {
		name := "f" + strconv.Itoa(len(params))
		conds = append(conds, strings.ReplaceAll(cond, "{:v}", "{:"+name+"}"))
		params[name] = value
	}
	if f.Year != 0 {
		add("p.year = {:v}", f.Year)
	}
	if f.Roll != "" {
		add("p.roll = {:v}", f.Roll)
	}
	if f.RateNumber != "" {
		add("p.rate_number = {:v}", f.RateNumber)
	}
	if f.RateNumberPrefix != "" {
		// A range, not LIKE: digits only, so the next prefix is the prefix
		// followed by ':' (the character after '9'), and the index serves it.
		add("p.rate_number >= {:v}", f.RateNumberPrefix)
		add("p.rate_number < {:v}", f.RateNumberPrefix+":")
	}
	switch {
	case f.suburbNames != nil && len(f.suburbNames) == 0:
		conds = append(conds, "0 = 1") // no suburb starts so
	case len(f.suburbNames) == 1:
		add("p.address_suburb = {:v} COLLATE NOCASE", f.suburbNames[0])
	case len(f.suburbNames) > 1:
		var in []string
		for _, name := range f.suburbNames {
			in = append(in, "{:f"+strconv.Itoa(len(params))+"}")
			params["f"+strconv.Itoa(len(params))] = name
		}
		conds = append(conds, "p.address_suburb COLLATE NOCASE IN ("+strings.Join(in, ", ")+")")
	case f.Suburb != "":
		// A prefix in any case, as a range of the NOCASE index: NOCASE
		// folds ASCII letters only, so the folded prefix followed by 0xff
		// (a byte no UTF-8 text holds) bounds every name it starts.
		lo, col := asciiLower(f.Suburb), "p.address_suburb"
		if walk {
			col = "+" + col
		}
		add(col+" >= {:v} COLLATE NOCASE", lo)
		add(col+" < {:v} COLLATE NOCASE", lo+"\xff")
	}
	if f.SuburbExact != "" {
		add("p.address_suburb = {:v} COLLATE NOCASE", f.SuburbExact)
	}
	if f.Scheme != "" {
		add("p.scheme = {:v} COLLATE NOCASE", f.Scheme)
	}
	if f.UseCode != nil {
		add("p.use_code = {:v}", *f.UseCode)
	}
	if f.UseLabel != "" {
		add("p.use_label = {:v} COLLATE NOCASE", f.UseLabel)
	}
	if f.RatingCategory != "" {
		add("p.rating_category = {:v} COLLATE NOCASE", f.RatingCategory)
	}
	if f.Owner != "" {
		add("p.rowid IN (SELECT rowid FROM "+searchTable+" WHERE "+searchTable+" MATCH {:v})", searchPhrase("owner", f.Owner))
	}
	if f.Address != "" {
		add("p.rowid IN (SELECT rowid FROM "+searchTable+" WHERE "+searchTable+" MATCH {:v})", searchPhrase("address", f.Address))
	}
	if f.StreetNumber != "" {
		add("p.street_number = {:v}", f.StreetNumber)
	}
	if f.MarketValueMin != nil {
		add("p.market_value >= {:v}", *f.MarketValueMin)
	}
	if f.MarketValueMax != nil {
		add("p.market_value <= {:v}", *f.MarketValueMax)
	}
	if f.ExtentMin != nil {
		add("p.extent >= {:v}", *f.ExtentMin)
	}
	if f.ExtentMax != nil {
		add("p.extent <= {:v}", *f.ExtentMax)
	}
	if f.Gone != nil {
		if *f.Gone {
			conds = append(conds, "p.gone_at != ''")
		} else {
			conds = append(conds, "p.gone_at = ''")
		}
	}
	if f.ChangedSince != "" {
		add("p.updated >= {:v}", f.ChangedSince)
	}
	if len(conds) == 0 {
		return "1=1", params
	}
	return strings.Join(conds, " AND "), params
}

// key identifies the filter for the count cache.
func (f Filter) key() string {
	where, params := f.where()
	var b strings.Builder
	b.WriteString(where)
	for i := range len(params) {
		b.WriteString("\x00")
		b.WriteString(toText(params["f"+strconv.Itoa(i)]))
	}
	return b.String()
}

func toText(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	return "?"
}

// asciiLower folds A–Z as SQLite's NOCASE does, and nothing else.
func asciiLower(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}

// orderBy sorts by the key with rows lacking a value last in both
// directions, then by id in the same direction (deterministic pages).
func (s Sort) orderBy() string {
	dir := " ASC"
	if s.Desc {
		dir = " DESC"
	}
	return "p." + sortColumns[s.Key] + dir + " NULLS LAST, p.id" + dir
}

// textSortColumns are the sort keys whose column is text, never NULL
// (PocketBase's text columns are NOT NULL, empty by default): an empty
// value sorts first ascending, so NULLS LAST cannot move it.
var textSortColumns = map[string]bool{"rateNumber": true, "address": true, "suburb": true}

// sortPart is one run of a sorted list: the rows matching cond (besides the
// filter), in the order orderBy.
type sortPart struct{ cond, orderBy string }

// parts splits a sort into index walks read one after the other. An
// ascending text sort is two: the rows with a value, in order, then the
// rows without one, by id (one index range each); descending, an empty
// value already comes last. Every other sort is one part.
func (s Sort) parts() []sortPart {
	if !textSortColumns[s.Key] || s.Desc {
		return []sortPart{{"", s.orderBy()}}
	}
	// In the sort's collation, so the first part is a range of its index.
	col := "p." + sortColumns[s.Key]
	return []sortPart{
		{col + " > ''", col + " ASC, p.id ASC"},
		{col + " = ''", "p.id ASC"},
	}
}

// order is part's ORDER BY (or condition) for f. Rows of a few small
// suburbs (an IN list) are read from the suburb index and sorted: the unary
// + keeps the planner from walking the sort's index across the whole roll
// for them, which it prefers when the list is long.
func (f Filter) order(part sortPart) string {
	if len(f.suburbNames) > 1 {
		return "+" + part.orderBy
	}
	return part.orderBy
}
