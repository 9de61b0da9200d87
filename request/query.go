package request

import (
	"errors"
	"net/url"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
)

// Query reads the query string strictly with parse: a malformed string or a
// refused parameter is answered with a 400 naming it (parse names them in
// validation.Errors, directly or wrapped).
func Query[Q any](e *core.RequestEvent, parse func(url.Values) (Q, error)) (Q, error) {
	var zero Q
	values, err := url.ParseQuery(e.Request.URL.RawQuery)
	if err != nil {
		return zero, e.BadRequestError("Malformed query string.", validation.Errors{"query": validation.NewError("validation_invalid_query", err.Error())})
	}
	for name := range values {
		// A name that is not UTF-8 cannot be a JSON key in the error that
		// would name it: the answer came out empty.
		if !utf8.ValidString(name) || strings.ContainsFunc(name, unicode.IsControl) {
			return zero, e.BadRequestError("Malformed query string.", validation.Errors{"query": validation.NewError("validation_invalid_query", "A parameter name is not valid UTF-8 or holds control characters.")})
		}
	}
	q, err := parse(values)
	if err != nil {
		var params validation.Errors
		if errors.As(err, &params) {
			return zero, e.BadRequestError("Invalid query parameters.", params)
		}
		return zero, e.BadRequestError("Invalid query parameters.", err)
	}
	return q, nil
}

// NoParams refuses any parameter: for endpoints that take none.
func NoParams(values url.Values) (struct{}, error) {
	errs := validation.Errors{}
	for name := range values {
		errs[name] = validation.NewError("validation_unknown_parameter", "Unknown parameter (see /api/openapi.yaml for this endpoint's parameters).")
	}
	if len(errs) > 0 {
		return struct{}{}, errs
	}
	return struct{}{}, nil
}

// Params gives each allowed parameter's one value, trimmed, and names every
// parameter it refuses in errs: unknown ones (with unknown as the message),
// repeated ones, and values that are not UTF-8 or hold control characters.
func Params(values url.Values, allowed []string, unknown string, errs validation.Errors) map[string]string {
	get := map[string]string{}
	for name, list := range values {
		switch {
		case !slices.Contains(allowed, name):
			errs[name] = validation.NewError("validation_unknown_parameter", unknown)
		case len(list) > 1:
			errs[name] = validation.NewError("validation_repeated_parameter", "Give this parameter once.")
		case !utf8.ValidString(list[0]) || strings.ContainsFunc(list[0], unicode.IsControl):
			errs[name] = validation.NewError("validation_invalid_text", "Must be UTF-8 text without control characters.")
		default:
			get[name] = strings.TrimSpace(list[0])
		}
	}
	return get
}
