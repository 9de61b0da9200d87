package valuations

import (
	"errors"
	"net/url"
	"reflect"
	"strings"
	"testing"

	validation "github.com/pocketbase/ozzo-validation/v4"
)

// listParams are the parameters openapi.yaml documents for GET
// /api/valuations; the export takes all but the last two.
var listParams = []string{
	"roll", "rateNumber", "rateNumberPrefix", "suburb", "scheme", "useCode", "ratingCategory",
	"owner", "address", "streetNumber", "marketValueMin", "marketValueMax", "extentMin", "extentMax",
	"gone", "changedSince", "sort", "page", "perPage",
}

// sampleValue is a valid value of each documented parameter.
var sampleValue = map[string]string{
	"roll": "full", "rateNumber": "05100037", "rateNumberPrefix": "051", "suburb": "AMANZIMTOTI",
	"scheme": "SS 1 HAWTHORN ROAD", "useCode": "15", "ratingCategory": "Residential", "owner": "PEREIRA",
	"address": "SOMERSET", "streetNumber": "26", "marketValueMin": "1000000", "marketValueMax": "2000000",
	"extentMin": "500", "extentMax": "2000", "gone": "false", "changedSince": "2026-11-01",
	"sort": "-marketValue", "page": "2", "perPage": "10",
}

func mustValues(t *testing.T, raw string) url.Values {
	t.Helper()
	v, err := url.ParseQuery(raw)
	if err != nil {
		t.Fatalf("bad test query %q: %v", raw, err)
	}
	return v
}

// defaults is the query of an empty request as openapi.yaml documents it:
// no filters, sort rateNumber ascending, page 1 of 50.
func defaults() Query {
	return Query{Sort: Sort{Key: "rateNumber"}, Page: 1, PerPage: 50}
}

func with(change func(q *Query)) Query {
	q := defaults()
	change(&q)
	return q
}

func ptr[T any](v T) *T { return &v }

// refusals returns the per-parameter errors of a parse, failing the test if
// the error is not a *ParseError or does not unwrap to validation.Errors
// (what request.Query turns into the 400's data).
func refusals(t *testing.T, err error) validation.Errors {
	t.Helper()
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("error %v (%T) is not a *ParseError", err, err)
	}
	var unwrapped validation.Errors
	if !errors.As(err, &unwrapped) || !reflect.DeepEqual(unwrapped, pe.Params) {
		t.Fatalf("error %v does not unwrap to its Params", err)
	}
	return pe.Params
}

// codeOf returns the validation code given for param, or "" if none.
func codeOf(errs validation.Errors, param string) string {
	e, ok := errs[param].(validation.Error)
	if !ok {
		return ""
	}
	return e.Code()
}

// An empty request (or empty values) gives the documented defaults, for list and export.
func TestParseDefaults(t *testing.T) {
	for name, parse := range map[string]func(url.Values) (Query, error){"list": ParseList, "export": ParseExport} {
		for _, raw := range []string{"", "page=&perPage=&sort=", "roll=&suburb=&owner=&gone=&changedSince=&extentMin=&marketValueMax="} {
			if name == "export" && strings.Contains(raw, "page") {
				continue
			}
			got, err := parse(mustValues(t, raw))
			if err != nil {
				t.Fatalf("%s %q: %v", name, raw, err)
			}
			if !reflect.DeepEqual(got, defaults()) {
				t.Errorf("%s %q = %+v, want the defaults %+v", name, raw, got, defaults())
			}
		}
	}
}

// Every accepted form of every parameter parses to what it means, trimmed but otherwise as given.
func TestParseAccepts(t *testing.T) {
	long := func(s string, n int) string { return strings.Repeat(s, n) }
	cases := []struct {
		query string
		want  Query
	}{
		// roll: the two rolls, exactly.
		{"roll=full", with(func(q *Query) { q.Roll = "full" })},
		{"roll=sectional", with(func(q *Query) { q.Roll = "sectional" })},
		{"roll=%20sectional%20", with(func(q *Query) { q.Roll = "sectional" })},

		// rateNumber and rateNumberPrefix: 1 to 12 digits, leading zeros kept.
		{"rateNumber=05100037", with(func(q *Query) { q.RateNumber = "05100037" })},
		{"rateNumber=7", with(func(q *Query) { q.RateNumber = "7" })},
		{"rateNumber=000000000000", with(func(q *Query) { q.RateNumber = "000000000000" })},
		{"rateNumber=%20051%20", with(func(q *Query) { q.RateNumber = "051" })},
		{"rateNumberPrefix=0", with(func(q *Query) { q.RateNumberPrefix = "0" })},
		{"rateNumberPrefix=123456789012", with(func(q *Query) { q.RateNumberPrefix = "123456789012" })},

		// suburb, scheme, ratingCategory: whole names, case kept (SQL ignores it).
		{"suburb=amanzimtoti", with(func(q *Query) { q.Suburb = "amanzimtoti" })},
		{"suburb=%20%20Durban%20North%20", with(func(q *Query) { q.Suburb = "Durban North" })},
		{"suburb=" + long("é", 100), with(func(q *Query) { q.Suburb = long("é", 100) })}, // 100 characters, 200 bytes
		{"scheme=ss%201%20hawthorn%20road", with(func(q *Query) { q.Scheme = "ss 1 hawthorn road" })},
		{"scheme=" + long("s", 200), with(func(q *Query) { q.Scheme = long("s", 200) })},
		{"ratingCategory=Vacant%20Land", with(func(q *Query) { q.RatingCategory = "Vacant Land" })},
		{"ratingCategory=" + long("r", 100), with(func(q *Query) { q.RatingCategory = long("r", 100) })},

		// useCode: digits are a code from 0 to 999999, anything else a label.
		{"useCode=15", with(func(q *Query) { q.UseCode = ptr(15) })},
		{"useCode=0", with(func(q *Query) { q.UseCode = ptr(0) })},
		{"useCode=007", with(func(q *Query) { q.UseCode = ptr(7) })},
		{"useCode=999999", with(func(q *Query) { q.UseCode = ptr(999999) })},
		{"useCode=%2015%20", with(func(q *Query) { q.UseCode = ptr(15) })},
		{"useCode=vacant%20land", with(func(q *Query) { q.UseLabel = "vacant land" })},
		{"useCode=15a", with(func(q *Query) { q.UseLabel = "15a" })},
		{"useCode=" + long("u", 100), with(func(q *Query) { q.UseLabel = long("u", 100) })},

		// owner and address: 3 to 100 characters (not bytes), trimmed, quotes kept.
		{"owner=abc", with(func(q *Query) { q.Owner = "abc" })},
		{"owner=%20%20abc%20", with(func(q *Query) { q.Owner = "abc" })},
		{"owner=M%C3%BCl", with(func(q *Query) { q.Owner = "Mül" })},
		{"owner=%22RAJ%22", with(func(q *Query) { q.Owner = `"RAJ"` })},
		{"owner=" + long("o", 100), with(func(q *Query) { q.Owner = long("o", 100) })},
		{"address=ROAD%2C%20DURBAN", with(func(q *Query) { q.Address = "ROAD, DURBAN" })},
		{"address=" + long("ü", 100), with(func(q *Query) { q.Address = long("ü", 100) })},

		// streetNumber: exact text up to 20 characters, no minimum.
		{"streetNumber=1", with(func(q *Query) { q.StreetNumber = "1" })},
		{"streetNumber=12A", with(func(q *Query) { q.StreetNumber = "12A" })},
		{"streetNumber=" + long("9", 20), with(func(q *Query) { q.StreetNumber = long("9", 20) })},

		// marketValueMin/Max: whole rands from 0, inclusive, min may equal max.
		{"marketValueMin=0", with(func(q *Query) { q.MarketValueMin = ptr(int64(0)) })},
		{"marketValueMin=1000000", with(func(q *Query) { q.MarketValueMin = ptr(int64(1_000_000)) })},
		{"marketValueMax=9223372036854775807", with(func(q *Query) { q.MarketValueMax = ptr(int64(9223372036854775807)) })},
		{"marketValueMin=%2050%20&marketValueMax=50", with(func(q *Query) {
			q.MarketValueMin, q.MarketValueMax = ptr(int64(50)), ptr(int64(50))
		})},

		// extentMin/Max: m² from 0 up to 1e15, decimals allowed, min may equal max.
		{"extentMin=800.5", with(func(q *Query) { q.ExtentMin = ptr(800.5) })},
		{"extentMax=0", with(func(q *Query) { q.ExtentMax = ptr(0.0) })},
		{"extentMax=1e15", with(func(q *Query) { q.ExtentMax = ptr(1e15) })},
		{"extentMin=95&extentMax=95.0", with(func(q *Query) { q.ExtentMin, q.ExtentMax = ptr(95.0), ptr(95.0) })},

		// gone: true or false.
		{"gone=true", with(func(q *Query) { q.Gone = ptr(true) })},
		{"gone=false", with(func(q *Query) { q.Gone = ptr(false) })},
		{"gone=%20true%20", with(func(q *Query) { q.Gone = ptr(true) })},

		// changedSince: a date (midnight UTC) or an RFC 3339 time, as the
		// stored UTC text with milliseconds.
		{"changedSince=2026-11-21", with(func(q *Query) { q.ChangedSince = "2026-11-21 00:00:00.000Z" })},
		{"changedSince=2026-11-22T02:00:08Z", with(func(q *Query) { q.ChangedSince = "2026-11-22 02:00:08.000Z" })},
		{"changedSince=2026-11-22T04:00:00%2B02:00", with(func(q *Query) { q.ChangedSince = "2026-11-22 02:00:00.000Z" })},
		{"changedSince=2026-11-21T23:30:00-03:00", with(func(q *Query) { q.ChangedSince = "2026-11-22 02:30:00.000Z" })},
		{"changedSince=2026-11-22T02:00:00.123456789Z", with(func(q *Query) { q.ChangedSince = "2026-11-22 02:00:00.123Z" })},
		{"changedSince=2026-11-22%2002:00:08.512Z", with(func(q *Query) { q.ChangedSince = "2026-11-22 02:00:08.512Z" })},
		{"changedSince=%202026-11-21%20", with(func(q *Query) { q.ChangedSince = "2026-11-21 00:00:00.000Z" })},

		// sort: every key, - for descending.
		{"sort=marketValue", with(func(q *Query) { q.Sort = Sort{Key: "marketValue"} })},
		{"sort=-marketValue", with(func(q *Query) { q.Sort = Sort{Key: "marketValue", Desc: true} })},
		{"sort=extent", with(func(q *Query) { q.Sort = Sort{Key: "extent"} })},
		{"sort=-extent", with(func(q *Query) { q.Sort = Sort{Key: "extent", Desc: true} })},
		{"sort=rateNumber", with(func(q *Query) { q.Sort = Sort{Key: "rateNumber"} })},
		{"sort=-rateNumber", with(func(q *Query) { q.Sort = Sort{Key: "rateNumber", Desc: true} })},
		{"sort=address", with(func(q *Query) { q.Sort = Sort{Key: "address"} })},
		{"sort=-address", with(func(q *Query) { q.Sort = Sort{Key: "address", Desc: true} })},
		{"sort=suburb", with(func(q *Query) { q.Sort = Sort{Key: "suburb"} })},
		{"sort=-suburb", with(func(q *Query) { q.Sort = Sort{Key: "suburb", Desc: true} })},
		{"sort=updated", with(func(q *Query) { q.Sort = Sort{Key: "updated"} })},
		{"sort=%20-updated%20", with(func(q *Query) { q.Sort = Sort{Key: "updated", Desc: true} })},

		// page 1 to 100000, perPage 1 to 200.
		{"page=1", defaults()},
		{"page=2", with(func(q *Query) { q.Page = 2 })},
		{"page=100000", with(func(q *Query) { q.Page = 100_000 })},
		{"perPage=1", with(func(q *Query) { q.PerPage = 1 })},
		{"perPage=200", with(func(q *Query) { q.PerPage = 200 })},
		{"page=%203%20&perPage=%2025", with(func(q *Query) { q.Page, q.PerPage = 3, 25 })},

		// Every filter at once.
		{"roll=full&rateNumber=05100037&rateNumberPrefix=051&suburb=A&scheme=S&useCode=15&ratingCategory=R" +
			"&owner=own&address=add&streetNumber=26&marketValueMin=1&marketValueMax=2&extentMin=1.5&extentMax=2.5" +
			"&gone=false&changedSince=2026-11-01&sort=-extent&page=4&perPage=7",
			Query{Filter: Filter{
				Roll: "full", RateNumber: "05100037", RateNumberPrefix: "051", Suburb: "A", Scheme: "S",
				UseCode: ptr(15), RatingCategory: "R", Owner: "own", Address: "add", StreetNumber: "26",
				MarketValueMin: ptr(int64(1)), MarketValueMax: ptr(int64(2)), ExtentMin: ptr(1.5), ExtentMax: ptr(2.5),
				Gone: ptr(false), ChangedSince: "2026-11-01 00:00:00.000Z",
			}, Sort: Sort{Key: "extent", Desc: true}, Page: 4, PerPage: 7}},
	}
	for _, c := range cases {
		got, err := ParseList(mustValues(t, c.query))
		if err != nil {
			t.Errorf("ParseList(%q): %v", c.query, err)
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("ParseList(%q)\n got %+v\nwant %+v", c.query, got, c.want)
		}
		if strings.Contains(c.query, "page=") || strings.Contains(c.query, "perPage=") {
			continue
		}
		// The export reads the same filters and sort the same way.
		exp, err := ParseExport(mustValues(t, c.query))
		if err != nil || !reflect.DeepEqual(exp.Filter, c.want.Filter) || exp.Sort != c.want.Sort {
			t.Errorf("ParseExport(%q) = %+v, %v; want the list's filter and sort %+v", c.query, exp, err, c.want)
		}
	}
}

// Each invalid value is refused naming only its parameter, with its code, and returns no query.
func TestParseRefuses(t *testing.T) {
	long := func(s string, n int) string { return strings.Repeat(s, n) }
	cases := []struct {
		query, param, code string
		message            string // a part of the message, when it states a bound
	}{
		// Unknown names, including PocketBase's own list parameters and
		// names that differ only in case.
		{"foo=1", "foo", "validation_unknown_parameter", ""},
		{"filter=address~'x'", "filter", "validation_unknown_parameter", ""},
		{"expand=history", "expand", "validation_unknown_parameter", ""},
		{"limit=5", "limit", "validation_unknown_parameter", ""},
		{"Suburb=X", "Suburb", "validation_unknown_parameter", ""},
		{"street=HAWTHORN", "street", "validation_unknown_parameter", ""},
		{"=x", "", "validation_unknown_parameter", ""},
		{"foo=1&foo=2", "foo", "validation_unknown_parameter", ""}, // unknown outranks repeated
		{"foo=%00", "foo", "validation_unknown_parameter", ""},     // and invalid text

		// Repeated, even with the same value.
		{"suburb=A&suburb=B", "suburb", "validation_repeated_parameter", ""},
		{"gone=true&gone=true", "gone", "validation_repeated_parameter", ""},
		{"sort=extent&sort=-extent", "sort", "validation_repeated_parameter", ""},
		{"suburb=A&suburb=", "suburb", "validation_repeated_parameter", ""},

		// Not UTF-8, or control characters anywhere (even where trimming
		// would have removed them).
		{"owner=abc%00def", "owner", "validation_invalid_text", ""},
		{"address=%ff%fe%fd", "address", "validation_invalid_text", ""},
		{"suburb=%09PINETOWN", "suburb", "validation_invalid_text", ""},
		{"suburb=PINETOWN%0A", "suburb", "validation_invalid_text", ""},
		{"scheme=A%0DB", "scheme", "validation_invalid_text", ""},
		{"streetNumber=1%7F", "streetNumber", "validation_invalid_text", ""},
		{"ratingCategory=A%C2%85B", "ratingCategory", "validation_invalid_text", ""}, // U+0085, a C1 control
		{"page=%001", "page", "validation_invalid_text", ""},

		{"roll=both", "roll", "validation_invalid_value", ""},
		{"roll=FULL", "roll", "validation_invalid_value", ""},
		{"roll=Sectional", "roll", "validation_invalid_value", ""},
		{"roll=full,sectional", "roll", "validation_invalid_value", ""},

		{"rateNumber=12a", "rateNumber", "validation_invalid_rate_number", ""},
		{"rateNumber=1234567890123", "rateNumber", "validation_invalid_rate_number", "12 digits"},
		{"rateNumber=-1", "rateNumber", "validation_invalid_rate_number", ""},
		{"rateNumber=%2B1", "rateNumber", "validation_invalid_rate_number", ""},
		{"rateNumber=05%2010", "rateNumber", "validation_invalid_rate_number", ""},
		{"rateNumber=%EF%BC%91", "rateNumber", "validation_invalid_rate_number", ""}, // fullwidth 1
		{"rateNumberPrefix=0%25", "rateNumberPrefix", "validation_invalid_rate_number", ""},
		{"rateNumberPrefix=05*", "rateNumberPrefix", "validation_invalid_rate_number", ""},
		{"rateNumberPrefix=1234567890123", "rateNumberPrefix", "validation_invalid_rate_number", ""},

		{"suburb=" + long("é", 101), "suburb", "validation_length_out_of_range", "at most 100"},
		{"scheme=" + long("s", 201), "scheme", "validation_length_out_of_range", "at most 200"},
		{"ratingCategory=" + long("r", 101), "ratingCategory", "validation_length_out_of_range", "at most 100"},
		{"streetNumber=" + long("9", 21), "streetNumber", "validation_length_out_of_range", "at most 20"},

		{"useCode=1000000", "useCode", "validation_invalid_number", ""},
		{"useCode=9999999", "useCode", "validation_invalid_number", ""},
		{"useCode=" + long("9", 100), "useCode", "validation_invalid_number", ""}, // too big for an int
		{"useCode=" + long("u", 101), "useCode", "validation_length_out_of_range", "at most 100"},

		{"owner=ab", "owner", "validation_too_short", "at least 3"},
		{"owner=%20ab%20%20", "owner", "validation_too_short", ""},
		{"owner=%C3%A9%C3%A9", "owner", "validation_too_short", ""}, // two characters, four bytes
		{"owner=" + long("o", 101), "owner", "validation_length_out_of_range", "at most 100"},
		{"address=x", "address", "validation_too_short", ""},
		{"address=" + long("a", 101), "address", "validation_length_out_of_range", ""},

		{"marketValueMin=abc", "marketValueMin", "validation_invalid_number", ""},
		{"marketValueMin=-5", "marketValueMin", "validation_invalid_number", ""},
		{"marketValueMin=1.5", "marketValueMin", "validation_invalid_number", ""},
		{"marketValueMin=1e6", "marketValueMin", "validation_invalid_number", ""},
		{"marketValueMin=1%2C000", "marketValueMin", "validation_invalid_number", ""},
		{"marketValueMax=9223372036854775808", "marketValueMax", "validation_invalid_number", ""},
		{"marketValueMax=-1", "marketValueMax", "validation_invalid_number", ""},
		{"marketValueMin=10&marketValueMax=5", "marketValueMin", "validation_min_greater_than_max", "marketValueMax"},

		{"extentMin=NaN", "extentMin", "validation_invalid_number", ""},
		{"extentMin=-1", "extentMin", "validation_invalid_number", ""},
		{"extentMin=abc", "extentMin", "validation_invalid_number", ""},
		{"extentMin=Inf", "extentMin", "validation_invalid_number", ""},
		{"extentMax=1.0000001e15", "extentMax", "validation_invalid_number", ""},
		{"extentMax=-0.5", "extentMax", "validation_invalid_number", ""},
		{"extentMin=5&extentMax=1", "extentMin", "validation_min_greater_than_max", "extentMax"},
		{"extentMin=95.01&extentMax=95", "extentMin", "validation_min_greater_than_max", ""},

		{"gone=yes", "gone", "validation_invalid_bool", ""},
		{"gone=1", "gone", "validation_invalid_bool", ""},
		{"gone=TRUE", "gone", "validation_invalid_bool", ""},

		{"changedSince=yesterday", "changedSince", "validation_invalid_date", ""},
		{"changedSince=2026-13-01", "changedSince", "validation_invalid_date", ""},
		{"changedSince=2026-02-30", "changedSince", "validation_invalid_date", ""},
		{"changedSince=22%2F11%2F2026", "changedSince", "validation_invalid_date", ""},
		{"changedSince=1764000000", "changedSince", "validation_invalid_date", ""},
		{"changedSince=2026-11-22T25:00:00Z", "changedSince", "validation_invalid_date", ""},

		{"sort=price", "sort", "validation_invalid_sort", ""},
		{"sort=--marketValue", "sort", "validation_invalid_sort", ""},
		{"sort=-", "sort", "validation_invalid_sort", ""},
		{"sort=%2BmarketValue", "sort", "validation_invalid_sort", ""},
		{"sort=MarketValue", "sort", "validation_invalid_sort", ""},
		{"sort=market_value", "sort", "validation_invalid_sort", ""},
		{"sort=rateNumber,-extent", "sort", "validation_invalid_sort", ""},
		{"sort=id", "sort", "validation_invalid_sort", ""},

		{"page=0", "page", "validation_out_of_range", "from 1 to 100000"},
		{"page=100001", "page", "validation_out_of_range", ""},
		{"page=-1", "page", "validation_out_of_range", ""},
		{"page=two", "page", "validation_out_of_range", ""},
		{"page=1.5", "page", "validation_out_of_range", ""},
		{"perPage=0", "perPage", "validation_out_of_range", "from 1 to 200"},
		{"perPage=201", "perPage", "validation_out_of_range", ""},
		{"perPage=all", "perPage", "validation_out_of_range", ""},
	}
	for _, c := range cases {
		for _, export := range []bool{false, true} {
			parse, name, code, message := ParseList, "ParseList", c.code, c.message
			if export {
				parse, name = ParseExport, "ParseExport"
				// The export has no pages: it names them as unknown.
				if c.param == "page" || c.param == "perPage" {
					code, message = "validation_unknown_parameter", ""
				}
			}
			got, err := parse(mustValues(t, c.query))
			if err == nil {
				t.Errorf("%s(%q) = %+v, want a refusal of %q", name, c.query, got, c.param)
				continue
			}
			if !reflect.DeepEqual(got, Query{}) {
				t.Errorf("%s(%q) returned %+v with its error", name, c.query, got)
			}
			errs := refusals(t, err)
			if codeOf(errs, c.param) != code || len(errs) != 1 {
				t.Errorf("%s(%q) refused %v, want only %q with %s", name, c.query, errs, c.param, code)
			}
			if message != "" && !strings.Contains(errs[c.param].Error(), message) {
				t.Errorf("%s(%q): message %q does not state %q", name, c.query, errs[c.param].Error(), message)
			}
		}
	}
}

// Each documented parameter is known, and refused when repeated or holding a control character.
func TestParseEveryParameter(t *testing.T) {
	for _, param := range listParams {
		paged := param == "page" || param == "perPage"
		one := url.Values{param: {sampleValue[param]}}
		if _, err := ParseList(one); err != nil {
			t.Errorf("ParseList(%s=%s): %v", param, sampleValue[param], err)
		}
		_, err := ParseExport(one)
		switch {
		case paged && err == nil:
			t.Errorf("ParseExport(%s=...) accepted a page parameter", param)
		case paged:
			if errs := refusals(t, err); codeOf(errs, param) != "validation_unknown_parameter" {
				t.Errorf("ParseExport(%s=...) refused %v, want %s unknown", param, errs, param)
			}
		case err != nil:
			t.Errorf("ParseExport(%s=%s): %v", param, sampleValue[param], err)
		}
		for code, values := range map[string][]string{
			"validation_repeated_parameter": {sampleValue[param], sampleValue[param]},
			"validation_invalid_text":       {sampleValue[param] + "\x00"},
		} {
			_, err := ParseList(url.Values{param: values})
			if err == nil {
				t.Errorf("ParseList(%s=%q) accepted, want %s", param, values, code)
				continue
			}
			if errs := refusals(t, err); codeOf(errs, param) != code || len(errs) != 1 {
				t.Errorf("ParseList(%s=%q) refused %v, want only %s with %s", param, values, errs, param, code)
			}
		}
	}
}

// Every bad parameter of a request is named at once, each with its own code.
func TestParseNamesEveryRefusal(t *testing.T) {
	_, err := ParseList(mustValues(t, "roll=both&gone=yes&page=0&foo=1&owner=ab&sort=x&suburb=A&suburb=B&extentMin=3&extentMax=2"))
	errs := refusals(t, err)
	want := map[string]string{
		"roll": "validation_invalid_value", "gone": "validation_invalid_bool", "page": "validation_out_of_range",
		"foo": "validation_unknown_parameter", "owner": "validation_too_short", "sort": "validation_invalid_sort",
		"suburb": "validation_repeated_parameter", "extentMin": "validation_min_greater_than_max",
	}
	if len(errs) != len(want) {
		t.Errorf("refused %v, want exactly %v", errs, want)
	}
	for param, code := range want {
		if got := codeOf(errs, param); got != code {
			t.Errorf("%s: code %q, want %q", param, got, code)
		}
	}
	if msg := err.Error(); !strings.Contains(msg, "invalid query parameters") || !strings.Contains(msg, "extentMin") {
		t.Errorf("error text %q does not name the parameters", msg)
	}
}

// The run list takes limit once, 1 to 50, default 10.
func TestParseRunLimit(t *testing.T) {
	accepted := []struct {
		query string
		want  int
	}{
		{"", 10},
		{"limit=", 10},
		{"limit=1", 1},
		{"limit=50", 50},
		{"limit=%207%20", 7},
	}
	for _, c := range accepted {
		got, err := ParseRunLimit(mustValues(t, c.query))
		if err != nil || got != c.want {
			t.Errorf("ParseRunLimit(%q) = %d, %v; want %d", c.query, got, err, c.want)
		}
	}
	refused := []struct{ query, param, code, message string }{
		{"limit=0", "limit", "validation_out_of_range", "from 1 to 50"},
		{"limit=51", "limit", "validation_out_of_range", ""},
		{"limit=-1", "limit", "validation_out_of_range", ""},
		{"limit=ten", "limit", "validation_out_of_range", ""},
		{"limit=%00", "limit", "validation_out_of_range", ""},
		{"since=1", "since", "validation_unknown_parameter", ""},
		{"perPage=5", "perPage", "validation_unknown_parameter", ""},
		{"Limit=5", "Limit", "validation_unknown_parameter", ""},
		{"limit=1&limit=2", "limit", "validation_unknown_parameter", "once"},
	}
	for _, c := range refused {
		got, err := ParseRunLimit(mustValues(t, c.query))
		if err == nil {
			t.Errorf("ParseRunLimit(%q) = %d, want a refusal of %q", c.query, got, c.param)
			continue
		}
		errs := refusals(t, err)
		if got != 0 || codeOf(errs, c.param) != c.code || len(errs) != 1 {
			t.Errorf("ParseRunLimit(%q) = %d, %v; want only %q with %s", c.query, got, errs, c.param, c.code)
		}
		if c.message != "" && !strings.Contains(errs[c.param].Error(), c.message) {
			t.Errorf("ParseRunLimit(%q): message %q does not state %q", c.query, errs[c.param].Error(), c.message)
		}
	}
	_, err := ParseRunLimit(mustValues(t, "limit=0&since=1"))
	if errs := refusals(t, err); len(errs) != 2 {
		t.Errorf("ParseRunLimit named %v, want limit and since", errs)
	}
}

// A partial match needs 3 characters, counted as characters, not bytes.
func TestTooShortForSearch(t *testing.T) {
	for term, short := range map[string]bool{
		"": true, "a": true, "ab": true, "éé": true, "日本": true,
		"abc": false, "ééé": false, "日本語": false, "a b": false,
	} {
		if got := tooShortForSearch(term); got != short {
			t.Errorf("tooShortForSearch(%q) = %v, want %v", term, got, short)
		}
	}
}

// A search phrase is the term as one FTS5 string in its column, quotes doubled: no operators.
func TestSearchPhrase(t *testing.T) {
	for _, c := range []struct{ column, term, want string }{
		{"owner", "NAIDOO", `owner : "NAIDOO"`},
		{"address", "ROAD, DURBAN", `address : "ROAD, DURBAN"`},
		{"owner", `"RAJ"`, `owner : """RAJ"""`},
		{"owner", `a" OR "b`, `owner : "a"" OR ""b"`},
		{"address", "NEAR(a b) * ^x", `address : "NEAR(a b) * ^x"`},
	} {
		if got := searchPhrase(c.column, c.term); got != c.want {
			t.Errorf("searchPhrase(%q, %q) = %s, want %s", c.column, c.term, got, c.want)
		}
	}
}
