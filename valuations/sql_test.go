package valuations

import (
	"cmp"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"

	"github.com/rollcall/rollcall/internal/apptest"
)

// placeholder matches a dbx parameter in SQL text.
var placeholder = regexp.MustCompile(`\{:(\w+)\}`)

func mustParse(t *testing.T, raw string) Query {
	t.Helper()
	q, err := ParseList(mustValues(t, raw))
	if err != nil {
		t.Fatalf("ParseList(%q): %v", raw, err)
	}
	return q
}

// asText writes bound values comparably: a number's Go type is not part of
// what the SQL means.
func asText(params dbx.Params) map[string]string {
	out := map[string]string{}
	for k, v := range params {
		out[k] = fmt.Sprint(v)
	}
	return out
}

// checkPlaceholders fails unless every placeholder in sql has a bound value
// and every bound value is used exactly once.
func checkPlaceholders(t *testing.T, label, sql string, params dbx.Params) {
	t.Helper()
	used := map[string]int{}
	for _, m := range placeholder.FindAllStringSubmatch(sql, -1) {
		used[m[1]]++
	}
	for name, n := range used {
		if _, ok := params[name]; !ok || n != 1 {
			t.Errorf("%s: {:%s} used %d times, bound: %v, in %s", label, name, n, ok, sql)
		}
	}
	for name := range params {
		if used[name] == 0 {
			t.Errorf("%s: %s is bound but not used in %s", label, name, sql)
		}
	}
}

// Each filter is one condition on its column with its value bound; filters combine with AND.
func TestWhere(t *testing.T) {
	search := "p.rowid IN (SELECT rowid FROM properties_search WHERE properties_search MATCH {:f0})"
	cases := []struct {
		query, sql string
		params     map[string]string
	}{
		{"", "1=1", map[string]string{}},
		{"sort=-extent&page=3&perPage=7", "1=1", map[string]string{}},
		{"roll=sectional", "p.roll = {:f0}", map[string]string{"f0": "sectional"}},
		{"rateNumber=05100037", "p.rate_number = {:f0}", map[string]string{"f0": "05100037"}},
		// A prefix is a range up to the next prefix (':' follows '9').
		{"rateNumberPrefix=051", "p.rate_number >= {:f0} AND p.rate_number < {:f1}", map[string]string{"f0": "051", "f1": "051:"}},
		// A prefix, any case: a range of the NOCASE index from the folded prefix.
		{"suburb=Amanzim", "p.address_suburb >= {:f0} COLLATE NOCASE AND p.address_suburb < {:f1} COLLATE NOCASE",
			map[string]string{"f0": "amanzim", "f1": "amanzim\xff"}},
		{"suburbExact=amanzimtoti", "p.address_suburb = {:f0} COLLATE NOCASE", map[string]string{"f0": "amanzimtoti"}},
		{"scheme=SS%201", "p.scheme = {:f0} COLLATE NOCASE", map[string]string{"f0": "SS 1"}},
		{"useCode=047", "p.use_code = {:f0}", map[string]string{"f0": "47"}},
		{"useCode=vacant%20land", "p.use_label = {:f0} COLLATE NOCASE", map[string]string{"f0": "vacant land"}},
		{"ratingCategory=Residential", "p.rating_category = {:f0} COLLATE NOCASE", map[string]string{"f0": "Residential"}},
		{"owner=muller", search, map[string]string{"f0": `owner : "muller"`}},
		{"address=%20somerset%20", search, map[string]string{"f0": `address : "somerset"`}},
		{"streetNumber=26", "p.street_number = {:f0}", map[string]string{"f0": "26"}},
		{"marketValueMin=1000000", "p.market_value >= {:f0}", map[string]string{"f0": "1000000"}},
		{"marketValueMax=60000", "p.market_value <= {:f0}", map[string]string{"f0": "60000"}},
		{"extentMin=800.5", "p.extent >= {:f0}", map[string]string{"f0": "800.5"}},
		{"extentMax=1100", "p.extent <= {:f0}", map[string]string{"f0": "1100"}},
		{"gone=true", "p.gone_at != ''", map[string]string{}},
		{"gone=false", "p.gone_at = ''", map[string]string{}},
		{"changedSince=2026-11-22T04:00:00%2B02:00", "p.updated >= {:f0}", map[string]string{"f0": "2026-11-22 02:00:00.000Z"}},
		{"marketValueMin=1&marketValueMax=2", "p.market_value >= {:f0} AND p.market_value <= {:f1}", map[string]string{"f0": "1", "f1": "2"}},
		// gone binds nothing, so the numbering after it stays dense.
		{"gone=false&changedSince=2026-11-21&roll=full", "p.roll = {:f0} AND p.gone_at = '' AND p.updated >= {:f1}",
			map[string]string{"f0": "full", "f1": "2026-11-21 00:00:00.000Z"}},
		{"owner=abc&address=def", search + " AND " + strings.Replace(search, "f0", "f1", 1),
			map[string]string{"f0": `owner : "abc"`, "f1": `address : "def"`}},
	}
	for _, c := range cases {
		sql, params := mustParse(t, c.query).where()
		if sql != c.sql || !maps.Equal(asText(params), c.params) {
			t.Errorf("where(%q)\n got %s %v\nwant %s %v", c.query, sql, asText(params), c.sql, c.params)
		}
		checkPlaceholders(t, c.query, sql, params)
	}
}

// With every filter set, each is a condition and each placeholder is bound exactly once.
func TestWhereAllFilters(t *testing.T) {
	q := mustParse(t, "roll=full&rateNumber=05100037&rateNumberPrefix=051&suburb=A&suburbExact=A&scheme=S&useCode=15&ratingCategory=R"+
		"&owner=own&address=add&streetNumber=26&marketValueMin=1&marketValueMax=2&extentMin=1.5&extentMax=2.5"+
		"&gone=true&changedSince=2026-11-01")
	q.UseLabel = "label" // parse sets a code or a label; where takes both
	sql, params := q.where()
	conds := strings.Split(sql, " AND ")
	// 17 filters and a label, the rate-number and suburb prefixes taking two conditions each.
	if len(conds) != 20 || len(params) != 19 {
		t.Errorf("%d conditions and %d values, want 20 and 19: %s", len(conds), len(params), sql)
	}
	checkPlaceholders(t, "all filters", sql, params)
	for _, col := range []string{"roll", "rate_number", "address_suburb", "scheme", "use_code", "use_label", "rating_category",
		"rowid", "street_number", "market_value", "extent", "gone_at", "updated"} {
		if !strings.Contains(sql, "p."+col+" ") {
			t.Errorf("no condition on p.%s in %s", col, sql)
		}
	}
}

// SQL- and FTS-looking values appear in the bound params, never in the SQL text.
func TestWhereNeverSplicesValues(t *testing.T) {
	hostile := []string{
		`AMANZIMTOTI' OR '1'='1`, `x"; DROP TABLE properties; --`, `NAIDOO OR GOVENDER`, `" OR ""="`,
		`{:f1}`, `abc*`, `NEAR(abc def)`, `owner : x`, `1' --`,
	}
	free := []string{"suburb", "suburbExact", "scheme", "useCode", "ratingCategory", "owner", "address", "streetNumber"}
	for _, param := range free {
		for _, v := range hostile {
			if param == "streetNumber" && len(v) > 20 {
				continue
			}
			q, err := ParseList(map[string][]string{param: {v}})
			if err != nil {
				t.Fatalf("%s=%q: %v", param, v, err)
			}
			sql, params := q.where()
			// Our own placeholders aside ({:f1} is one of the hostile values).
			if strings.Contains(placeholder.ReplaceAllString(sql, "{}"), v) || strings.ContainsAny(sql, `"';-*`) {
				t.Errorf("%s=%q reached the SQL text: %s", param, v, sql)
			}
			checkPlaceholders(t, param+"="+v, sql, params)
			want := v
			if param == "suburb" {
				want = asciiLower(v)
			}
			if param == "owner" || param == "address" {
				want = param + ` : "` + strings.ReplaceAll(v, `"`, `""`) + `"`
			}
			if !slices.Contains(slices.Collect(maps.Values(asText(params))), want) {
				t.Errorf("%s=%q: bound %v, want %q among them", param, v, params, want)
			}
		}
	}
}

// Each sort key orders by its column and direction, NULLs last, then by id the same way.
func TestOrderBy(t *testing.T) {
	columns := map[string]string{
		"marketValue": "p.market_value",
		"extent":      "p.extent",
		"rateNumber":  "p.rate_number",
		"address":     "p.address",
		"suburb":      "p.address_suburb COLLATE NOCASE",
		"updated":     "p.updated",
	}
	for key, col := range columns {
		for prefix, dir := range map[string]string{"": "ASC", "-": "DESC"} {
			got := mustParse(t, "sort="+prefix+key).Sort.orderBy()
			if want := col + " " + dir + " NULLS LAST, p.id " + dir; got != want {
				t.Errorf("sort=%s%s: ORDER BY %s, want %s", prefix, key, got, want)
			}
		}
	}
	if got, want := mustParse(t, "").Sort.orderBy(), "p.rate_number ASC NULLS LAST, p.id ASC"; got != want {
		t.Errorf("default sort: ORDER BY %s, want %s", got, want)
	}
}

// An ascending text sort reads the rows with a value, in order, then the
// empty ones by id; every other sort is one ORDER BY.
func TestSortParts(t *testing.T) {
	for raw, want := range map[string][]sortPart{
		"":             {{"p.rate_number > ''", "p.rate_number ASC, p.id ASC"}, {"p.rate_number = ''", "p.id ASC"}},
		"sort=address": {{"p.address > ''", "p.address ASC, p.id ASC"}, {"p.address = ''", "p.id ASC"}},
		"sort=suburb": {{"p.address_suburb COLLATE NOCASE > ''", "p.address_suburb COLLATE NOCASE ASC, p.id ASC"},
			{"p.address_suburb COLLATE NOCASE = ''", "p.id ASC"}},
		"sort=-rateNumber": {{"", "p.rate_number DESC NULLS LAST, p.id DESC"}},
		"sort=marketValue": {{"", "p.market_value ASC NULLS LAST, p.id ASC"}},
		"sort=-updated":    {{"", "p.updated DESC NULLS LAST, p.id DESC"}},
	} {
		if got := mustParse(t, raw).Sort.parts(); !slices.Equal(got, want) {
			t.Errorf("%q: parts %v, want %v", raw, got, want)
		}
	}
}

// The count cache's key tells filters apart and gives equal filters the same key.
func TestFilterKey(t *testing.T) {
	distinct := []string{
		"", "roll=full", "roll=sectional", "marketValueMin=1", "marketValueMax=1", "extentMin=1", "extentMax=1",
		"owner=abc", "address=abc", "suburb=abc", "suburbExact=abc", "scheme=abc", "ratingCategory=abc", "useCode=abc", "useCode=1",
		"streetNumber=1", "rateNumber=1", "rateNumberPrefix=1", "gone=true", "gone=false",
		"changedSince=2026-11-01", "changedSince=2026-11-02", "suburb=a&scheme=b", "suburb=b&scheme=a",
	}
	seen := map[string]string{}
	for _, raw := range distinct {
		k := mustParse(t, raw).Filter.key()
		if prev, ok := seen[k]; ok {
			t.Errorf("%q and %q share the count key %q", prev, raw, k)
		}
		seen[k] = raw
	}
	for _, pair := range [][2]string{
		{"roll=full", "roll=%20full&sort=-extent&page=2"},
		{"extentMin=1.5", "extentMin=1.50"},
		{"changedSince=2026-11-22", "changedSince=2026-11-22T02:00:00%2B02:00"},
	} {
		if a, b := mustParse(t, pair[0]).Filter.key(), mustParse(t, pair[1]).Filter.key(); a != b {
			t.Errorf("%q and %q have different count keys %q and %q", pair[0], pair[1], a, b)
		}
	}
}

// sortValue is the column a sort key orders by, as openapi.yaml describes
// the keys (suburb is the address's suburb, compared ignoring ASCII case).
var sortValue = map[string]string{
	"marketValue": "p.market_value", "extent": "p.extent", "rateNumber": "p.rate_number",
	"address": "p.address", "suburb": "p.address_suburb", "updated": "p.updated",
}

// compareSortValues compares two non-NULL SQLite values as SQLite orders
// them: numbers by value, text by bytes (after ASCII folding for NOCASE).
func compareSortValues(a, b any, nocase bool) int {
	num := func(v any) (float64, bool) {
		switch v := v.(type) {
		case int64:
			return float64(v), true
		case float64:
			return v, true
		}
		return 0, false
	}
	text := func(v any) string {
		s := fmt.Sprint(v)
		if b, ok := v.([]byte); ok {
			s = string(b)
		}
		if nocase {
			s = strings.Map(func(r rune) rune {
				if r >= 'a' && r <= 'z' {
					return r - 'a' + 'A'
				}
				return r
			}, s)
		}
		return s
	}
	x, xn := num(a)
	y, yn := num(b)
	switch {
	case xn && yn:
		return cmp.Compare(x, y)
	case xn:
		return -1 // numbers sort before text
	case yn:
		return 1
	}
	return strings.Compare(text(a), text(b))
}

// The built SQL runs on the migrated schema for every filter and sort and selects the right rows.
func TestBuiltSQLOnDatabase(t *testing.T) {
	app := apptest.NewEmpty(t)
	seeded, err := apptest.SeedValuations(app)
	if err != nil {
		t.Fatal(err)
	}
	all := []string{"1001", "1002", "1003", "1004", "1005", "2001", "2002"}
	filters := []struct {
		query string
		pins  []string // the matching PINs, in any order
	}{
		{"", all},
		{"roll=full", []string{"1001", "1002", "1003", "1004", "1005"}},
		{"roll=sectional", []string{"2001", "2002"}},
		{"rateNumber=05100037", []string{"1001"}},
		{"rateNumber=0510003", nil}, // exact, not a prefix
		{"rateNumberPrefix=05", []string{"1001", "1002", "2001", "2002"}},
		{"rateNumberPrefix=0", []string{"1001", "1002", "2001", "2002"}}, // an empty rate number matches no prefix
		{"rateNumberPrefix=0510003", []string{"1001", "1002"}},
		{"rateNumberPrefix=05100037", []string{"1001"}},
		{"rateNumberPrefix=9", []string{"1003"}},
		{"suburb=amanzimtoti", []string{"1001", "1002"}},
		{"suburb=Durban%20North", []string{"2001", "2002"}},
		{"suburb=AMANZIM", []string{"1001", "1002"}}, // a prefix
		{"suburb=durban%20n", []string{"2001", "2002"}},
		{"suburb=amanzimtotix", nil},
		{"suburbExact=AMANZIM", nil}, // whole names only
		{"suburbExact=amanzimtoti", []string{"1001", "1002"}},
		{"scheme=ss%201%20hawthorn%20road", []string{"2001", "2002"}},
		{"useCode=47", []string{"1003", "1005"}},
		{"useCode=0", nil},
		{"useCode=vacant%20LAND", []string{"1003", "1005"}},
		{"ratingCategory=RESIDENTIAL", []string{"1001", "1002", "1004", "2001", "2002"}},
		{"owner=muller", []string{"1002"}},
		{"owner=aidoo", []string{"2001"}},
		{"owner=GOVENDER", []string{"2002"}},
		{"owner=NAIDOO%20OR%20GOVENDER", nil}, // OR is text, not an operator
		{"owner=%22RAJ%22%2C", []string{"1003"}},
		{"owner=%3DSUM(1%2B1)", []string{"1004"}},
		{"owner=NEAR(NAIDOO%20PRIYA)", nil},
		{"owner=NAID*", nil},
		{"owner='%20OR%201%3D1%20--", nil},
		{"address=somerset", []string{"1001", "1002"}},
		{"address=ROAD%2C%20DURBAN", []string{"2001", "2002"}},
		{"address=%22%20OR%20%22%22%3D%22", nil},
		{"address=PEREIRA", nil}, // the address column only
		{"streetNumber=3", []string{"2001", "2002"}},
		{"streetNumber=2", nil}, // exact, not a prefix
		// A bound excludes rows without a value; both bounds are inclusive.
		{"marketValueMin=0", []string{"1001", "1002", "1003", "1005", "2001", "2002"}},
		{"marketValueMin=1100000&marketValueMax=1200000", []string{"2001", "2002"}},
		{"marketValueMax=1000000", []string{"1002", "1003", "1005"}},
		{"extentMin=800.5", []string{"1001", "1002", "1005"}},
		{"extentMin=95&extentMax=95", []string{"2001"}},
		{"extentMax=100", []string{"2001", "2002"}},
		{"gone=true", []string{"1005"}},
		{"gone=false", []string{"1001", "1002", "1003", "1004", "2001", "2002"}},
		{"changedSince=2026-11-21", []string{"1001", "1005"}},
		{"changedSince=2026-11-01", all},
		{"changedSince=2030-01-01", nil},
		{"suburb=AMANZIMTOTI'%20OR%20'1'%3D'1", nil},
		{"scheme=x%22%3B%20DROP%20TABLE%20properties%3B%20--", nil},
		{"roll=full&rateNumber=05100037&rateNumberPrefix=051&suburb=amanzimtoti&useCode=15&ratingCategory=residential" +
			"&owner=PEREIRA&address=SOMERSET&streetNumber=26&marketValueMin=1000000&marketValueMax=2000000" +
			"&extentMin=1000&extentMax=2000&gone=false&changedSince=2026-11-21", []string{"1001"}},
		{"roll=full&scheme=S&useCode=vacant%20land&ratingCategory=R&owner=own&address=add&extentMax=1", nil},
	}
	sorts := []string{""}
	for key := range sortValue {
		sorts = append(sorts, key, "-"+key)
	}
	for _, f := range filters {
		for _, s := range sorts {
			q := mustParse(t, f.query+"&sort="+s)
			where, params := q.where()
			var n int
			if err := app.DB().NewQuery("SELECT count(*) FROM properties p WHERE " + where).Bind(params).Row(&n); err != nil {
				t.Fatalf("%q: count: %v", f.query, err)
			}
			var pins []string
			err := app.DB().NewQuery("SELECT p.pin FROM properties p WHERE " + where + " ORDER BY " + q.Sort.orderBy()).
				Bind(params).Column(&pins)
			if err != nil {
				t.Fatalf("%q sort=%s: list: %v", f.query, s, err)
			}
			got := slices.Sorted(slices.Values(pins))
			want := slices.Sorted(slices.Values(f.pins))
			if n != len(pins) || !slices.Equal(got, want) {
				t.Errorf("%q sort=%s: counted %d, listed %v, want %v", f.query, s, n, pins, want)
			}
		}
	}

	// Each sort orders the whole roll by its value in its direction, rows
	// without a value (NULL or empty text) last either way, ties by id in
	// the same direction.
	type row struct {
		id, pin string
		value   any
	}
	sorted := func(q Query) []row {
		var got []row
		for _, part := range q.Sort.parts() {
			where := "1=1"
			if part.cond != "" {
				where = part.cond
			}
			rows, err := app.DB().NewQuery("SELECT p.id, p.pin, " + sortValue[q.Sort.Key] + " FROM properties p WHERE " + where + " ORDER BY " + part.orderBy).Rows()
			if err != nil {
				t.Fatalf("sort=%v: %v", q.Sort, err)
			}
			for rows.Next() {
				var r row
				if err := rows.Scan(&r.id, &r.pin, &r.value); err != nil {
					t.Fatal(err)
				}
				if b, ok := r.value.([]byte); ok {
					r.value = string(b)
				}
				if r.value == "" {
					r.value = nil
				}
				got = append(got, r)
			}
			rows.Close()
		}
		return got
	}
	for _, s := range sorts[1:] {
		q := mustParse(t, "sort="+s)
		got := sorted(q)
		if len(got) != len(all) {
			t.Fatalf("sort=%s: %d rows, want %d", s, len(got), len(all))
		}
		order := func(c int) int {
			if q.Sort.Desc {
				return -c
			}
			return c
		}
		for i := 1; i < len(got); i++ {
			a, b := got[i-1], got[i]
			var c int
			switch {
			case a.value == nil && b.value != nil:
				t.Errorf("sort=%s: PIN %s without a value before PIN %s", s, a.pin, b.pin)
				continue
			case a.value != nil && b.value == nil:
				continue
			case a.value != nil:
				c = order(compareSortValues(a.value, b.value, q.Sort.Key == "suburb"))
			}
			if c > 0 || c == 0 && order(strings.Compare(a.id, b.id)) >= 0 {
				t.Errorf("sort=%s: PIN %s (%v, %s) before PIN %s (%v, %s)", s, a.pin, a.value, a.id, b.pin, b.value, b.id)
			}
		}
	}

	// The seeded roll's ties and gaps, so the check above is not vacuous:
	// PIN 1004 has no market value or extent, 2001 and 2002 share an address.
	for _, c := range []struct {
		sort  string
		first string
		last  string
	}{
		{"marketValue", "1005", "1004"},
		{"-marketValue", "1001", "1004"},
		{"extent", "2002", "1004"},
		{"-extent", "1001", "1004"},
		// 1004 has no rate number: last both ways.
		{"rateNumber", "1001", "1004"},
		{"-rateNumber", "1003", "1004"},
	} {
		var pins []string
		for _, r := range sorted(mustParse(t, "sort="+c.sort)) {
			pins = append(pins, r.pin)
		}
		if pins[0] != c.first || pins[len(pins)-1] != c.last {
			t.Errorf("sort=%s: %v, want %s first and %s last", c.sort, pins, c.first, c.last)
		}
	}
	low, high := seeded.IDs["2001"], seeded.IDs["2002"]
	if low > high {
		low, high = high, low
	}
	for s, want := range map[string][]string{"address": {low, high}, "-address": {high, low}} {
		var ids []string
		q := mustParse(t, "sort="+s+"&roll=sectional")
		where, params := q.where()
		if err := app.DB().NewQuery("SELECT p.id FROM properties p WHERE " + where + " ORDER BY " + q.Sort.orderBy()).
			Bind(params).Column(&ids); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(ids, want) {
			t.Errorf("sort=%s: equal addresses in id order %v, want %v", s, ids, want)
		}
	}
}

// A resolved suburb prefix is the names it stands for: none matches no row,
// one is the whole name, several an IN list, all in NOCASE; unresolved it
// stays a range.
func TestWhereResolvedSuburb(t *testing.T) {
	app := apptest.NewEmpty(t)
	if _, err := apptest.SeedValuations(app); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		names []string
		sql   string
		pins  []string
	}{
		{[]string{}, "0 = 1", nil},
		{[]string{"amanzimtoti"}, "p.address_suburb = {:f0} COLLATE NOCASE", []string{"1001", "1002"}},
		{[]string{"AMANZIMTOTI", "durban north"}, "p.address_suburb COLLATE NOCASE IN ({:f0}, {:f1})", []string{"1001", "1002", "2001", "2002"}},
	}
	for _, c := range cases {
		f := Filter{Suburb: "x", suburbNames: c.names}
		sql, params := f.where()
		if sql != c.sql {
			t.Errorf("%v: %s, want %s", c.names, sql, c.sql)
		}
		checkPlaceholders(t, sql, sql, params)
		var pins []string
		if err := app.DB().NewQuery("SELECT p.pin FROM properties p WHERE " + sql + " ORDER BY p.pin").Bind(params).Column(&pins); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(pins, c.pins) {
			t.Errorf("%v: PINs %v, want %v", c.names, pins, c.pins)
		}
	}
}
