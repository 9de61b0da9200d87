// Package valuations is the valuation roll's read API: filtered, sorted
// pages with a total, one property with its history and the runs that saw
// it, a CSV stream, and the scrape status, with their HTTP handlers
// (api.go). It builds SQL from parsed parameters only, with every value
// bound. It reads what scraper/store writes and never imports it.
package valuations

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	validation "github.com/pocketbase/ozzo-validation/v4"

	"github.com/rollcall/rollcall/request"
	"github.com/rollcall/rollcall/scraper"
)

// Page sizes of the list endpoint.
const (
	DefaultPerPage = 50
	MaxPerPage     = 200
	MaxPage        = 100_000
)

// Filter holds the list's filters; zero values mean "no filter".
type Filter struct {
	Year             int // the roll's year; 0 until the handler picks the newest stored
	Roll             string
	RateNumber       string
	RateNumberPrefix string
	Suburb           string // a prefix, any case
	SuburbExact      string // a whole name, any case
	Scheme           string
	UseCode          *int
	UseLabel         string
	RatingCategory   string
	Owner            string
	Address          string
	StreetNumber     string
	MarketValueMin   *int64
	MarketValueMax   *int64
	ExtentMin        *float64
	ExtentMax        *float64
	Gone             *bool
	ChangedSince     string // PocketBase's UTC datetime text, compared as text

	// suburbNames are the names Suburb stands for, once the service has
	// resolved it (nil: not resolved, the prefix is a range).
	suburbNames []string
	// suburbWalk: the prefix holds too many properties to sort; a list
	// walks the sort's index instead.
	suburbWalk bool
}

// Sort is a sort key and direction.
type Sort struct {
	Key  string
	Desc bool
}

// Query is a parsed list or export request.
type Query struct {
	Filter
	Sort    Sort
	Page    int
	PerPage int
}

// sortColumns maps the API's sort keys to SQL. Suburb sorts as people read
// it, ignoring case, matching its index.
var sortColumns = map[string]string{
	"marketValue": "market_value",
	"extent":      "extent",
	"rateNumber":  "rate_number",
	"address":     "address",
	"suburb":      "address_suburb COLLATE NOCASE",
	"updated":     "updated",
}

var (
	digits       = regexp.MustCompile(`^[0-9]{1,12}$`)
	propertyID   = regexp.MustCompile(`^[a-z0-9]{1,15}$`)
	dateOnly     = "2006-01-02"
	storedLayout = "2006-01-02 15:04:05.000Z"
)

// filterParams are the filters of the list, the export, the facets, the
// statistics and the changes.
var filterParams = []string{
	"year", "roll", "rateNumber", "rateNumberPrefix", "suburb", "suburbExact", "scheme", "useCode", "ratingCategory",
	"owner", "address", "streetNumber", "marketValueMin", "marketValueMax", "extentMin", "extentMax",
	"gone", "changedSince",
}

// ParseList reads the list endpoint's parameters.
func ParseList(values url.Values) (Query, error) {
	return finish(parse(values, true, true, nil))
}

// ParseExport reads the CSV export's parameters (no pages).
func ParseExport(values url.Values) (Query, error) {
	return finish(parse(values, true, false, nil))
}

func finish(q Query, _ map[string]string, errs validation.Errors) (Query, error) {
	if len(errs) > 0 {
		return Query{}, &ParseError{Params: errs}
	}
	return q, nil
}

// ValidID reports whether id can be a record id.
func ValidID(id string) bool { return propertyID.MatchString(id) }

// ParseError is a 400 with the offending parameters named.
type ParseError struct{ Params validation.Errors }

func (e *ParseError) Error() string { return "invalid query parameters: " + e.Params.Error() }

// Unwrap lets the caller name every parameter in its 400.
func (e *ParseError) Unwrap() error { return e.Params }

// parse reads the filters, the sort when sorted, the page when paged, and
// hands back the extra parameters' raw values for the caller to check.
func parse(values url.Values, sorted, paged bool, extra []string) (Query, map[string]string, validation.Errors) {
	q := Query{Sort: Sort{Key: "rateNumber"}, Page: 1, PerPage: DefaultPerPage}
	errs := validation.Errors{}
	bad := func(param, code, message string) { errs[param] = validation.NewError(code, message) }

	allowed := append(slices.Clone(filterParams), extra...)
	if sorted {
		allowed = append(allowed, "sort")
	}
	if paged {
		allowed = append(allowed, "page", "perPage")
	}
	get := request.Params(values, allowed, "Unknown parameter (see /api/openapi.yaml for this endpoint's parameters).", errs)
	text := func(name string, maxLen int) string {
		v := get[name]
		if len([]rune(v)) > maxLen {
			bad(name, "validation_length_out_of_range", fmt.Sprintf("Must be at most %d characters.", maxLen))
			return ""
		}
		return v
	}
	integer := func(name string) *int64 {
		v, ok := get[name]
		if !ok || v == "" {
			return nil
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			bad(name, "validation_invalid_number", "Must be a whole number, 0 or more.")
			return nil
		}
		return &n
	}
	number := func(name string) *float64 {
		v, ok := get[name]
		if !ok || v == "" {
			return nil
		}
		n, err := strconv.ParseFloat(v, 64)
		if err != nil || n < 0 || n != n || n > 1e15 {
			bad(name, "validation_invalid_number", "Must be a number, 0 or more.")
			return nil
		}
		return &n
	}
	rateDigits := func(name string) string {
		v := get[name]
		if v != "" && !digits.MatchString(v) {
			bad(name, "validation_invalid_rate_number", "Must be 1 to 12 digits.")
			return ""
		}
		return v
	}
	substring := func(name string) string {
		v := text(name, 100)
		if v != "" && tooShortForSearch(v) {
			bad(name, "validation_too_short", fmt.Sprintf("Needs at least %d characters for a partial match.", SearchMinLength))
			return ""
		}
		return v
	}

	if year := get["year"]; year != "" {
		n, err := strconv.Atoi(year)
		if err != nil || n < scraper.MinYear || n > scraper.MaxYear {
			bad("year", "validation_invalid_year", fmt.Sprintf("Must be a roll year from %d to %d.", scraper.MinYear, scraper.MaxYear))
		} else {
			q.Year = n
		}
	}
	switch roll := get["roll"]; roll {
	case "", "full", "sectional":
		q.Roll = roll
	default:
		bad("roll", "validation_invalid_value", `Must be "full" or "sectional".`)
	}
	q.RateNumber = rateDigits("rateNumber")
	q.RateNumberPrefix = rateDigits("rateNumberPrefix")
	q.Suburb = text("suburb", 100)
	q.SuburbExact = text("suburbExact", 100)
	q.Scheme = text("scheme", 200)
	if use := text("useCode", 100); use != "" {
		if strings.Trim(use, "0123456789") == "" {
			if n, err := strconv.Atoi(use); err == nil && n < 1_000_000 {
				q.UseCode = &n
			} else {
				bad("useCode", "validation_invalid_number", "Must be a use code from 0 to 999999 or a use label.")
			}
		} else {
			q.UseLabel = use
		}
	}
	q.RatingCategory = text("ratingCategory", 100)
	q.Owner = substring("owner")
	q.Address = substring("address")
	q.StreetNumber = text("streetNumber", 20)
	q.MarketValueMin, q.MarketValueMax = integer("marketValueMin"), integer("marketValueMax")
	if q.MarketValueMin != nil && q.MarketValueMax != nil && *q.MarketValueMin > *q.MarketValueMax {
		bad("marketValueMin", "validation_min_greater_than_max", "Must not be above marketValueMax.")
	}
	q.ExtentMin, q.ExtentMax = number("extentMin"), number("extentMax")
	if q.ExtentMin != nil && q.ExtentMax != nil && *q.ExtentMin > *q.ExtentMax {
		bad("extentMin", "validation_min_greater_than_max", "Must not be above extentMax.")
	}
	switch g := get["gone"]; g {
	case "":
	case "true", "false":
		gone := g == "true"
		q.Gone = &gone
	default:
		bad("gone", "validation_invalid_bool", `Must be "true" or "false".`)
	}
	if since := get["changedSince"]; since != "" {
		t, err := parseTime(since)
		if err != nil {
			bad("changedSince", "validation_invalid_date", "Must be a date (2026-11-01) or an RFC 3339 time.")
		} else {
			q.ChangedSince = t.UTC().Format(storedLayout)
		}
	}
	if s := get["sort"]; s != "" {
		key, desc := strings.CutPrefix(s, "-")
		if _, ok := sortColumns[key]; ok {
			q.Sort = Sort{Key: key, Desc: desc}
		} else {
			bad("sort", "validation_invalid_sort", "Must be one of marketValue, extent, rateNumber, address, suburb, updated, with a leading - for descending.")
		}
	}
	if paged {
		q.Page = bounded(get, "page", 1, MaxPage, 1, bad)
		q.PerPage = bounded(get, "perPage", 1, MaxPerPage, DefaultPerPage, bad)
	}
	return q, get, errs
}

func bounded(get map[string]string, name string, lo, hi, fallback int, bad func(string, string, string)) int {
	v, ok := get[name]
	if !ok || v == "" {
		return fallback
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		bad(name, "validation_out_of_range", fmt.Sprintf("Must be a whole number from %d to %d.", lo, hi))
		return fallback
	}
	return n
}

func parseTime(s string) (time.Time, error) {
	if t, err := time.Parse(dateOnly, s); err == nil {
		return t, nil
	}
	// A space for the T, as the stored values (and RFC 3339 §5.6) have it.
	if len(s) > len(dateOnly) && s[len(dateOnly)] == ' ' {
		s = s[:len(dateOnly)] + "T" + s[len(dateOnly)+1:]
	}
	return time.Parse(time.RFC3339Nano, s)
}

// ParseRunLimit reads the run list's only parameter, limit.
func ParseRunLimit(values url.Values) (int, error) {
	errs := validation.Errors{}
	get := map[string]string{}
	for name, list := range values {
		if name != "limit" || len(list) > 1 {
			errs[name] = validation.NewError("validation_unknown_parameter", "Unknown or repeated parameter (this endpoint takes limit, once).")
			continue
		}
		get[name] = strings.TrimSpace(list[0])
	}
	limit := bounded(get, "limit", 1, MaxRuns, 10, func(param, code, message string) {
		errs[param] = validation.NewError(code, message)
	})
	if len(errs) > 0 {
		return 0, &ParseError{Params: errs}
	}
	return limit, nil
}
