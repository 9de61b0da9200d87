package valuations

import (
	"strconv"
	"strings"

	"github.com/pocketbase/dbx"
)

// where is a filter as SQL over properties aliased p. Every value is a bound
// {:param}; only fixed fragments of this file become SQL text.
func (f Filter) where() (string, dbx.Params) {
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
	if f.Suburb != "" {
		add("p.address_suburb = {:v} COLLATE NOCASE", f.Suburb)
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

// orderBy sorts by the key with rows lacking a value last in both
// directions, then by id in the same direction (deterministic pages).
func (s Sort) orderBy() string {
	dir := " ASC"
	if s.Desc {
		dir = " DESC"
	}
	return "p." + sortColumns[s.Key] + dir + " NULLS LAST, p.id" + dir
}
