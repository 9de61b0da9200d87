package hooks

import (
	"bytes"
	jsonv2 "encoding/json/v2"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
)

// maxSuburbRunes bounds the trigger's suburb: the site's longest name is
// well under it, and the value is stored in the run log.
const maxSuburbRunes = 100

// parseScrapeRequest reads the trigger's optional JSON body strictly. A run
// reaches a public site for an hour or more, so a typo ("rolls"), a wrong
// type or a stray parameter is refused with the field named instead of
// quietly starting a whole-roll run.
func parseScrapeRequest(e *core.RequestEvent) (ScrapeRequest, error) {
	var req ScrapeRequest
	if _, err := parseQuery(e, noParams); err != nil {
		return req, err
	}
	raw, err := io.ReadAll(io.LimitReader(e.Request.Body, MaxRecordBody+1))
	if err != nil {
		return req, bodyError(http.StatusBadRequest, "validation_unreadable", "The request body could not be read.")
	}
	if len(raw) > MaxRecordBody {
		return req, bodyError(http.StatusRequestEntityTooLarge, "validation_too_large", "The request body is larger than 64 KiB.")
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return req, nil
	}
	if !strings.HasPrefix(e.Request.Header.Get("Content-Type"), "application/json") {
		return req, bodyError(http.StatusUnsupportedMediaType, "validation_content_type", "Send the body as application/json.")
	}
	var body map[string]any
	if err := jsonv2.Unmarshal(raw, &body); err != nil {
		return req, bodyError(http.StatusBadRequest, "validation_invalid_json", "The request body must be a JSON object: "+err.Error())
	}
	errs := validation.Errors{}
	bad := func(field, code, msg string) { errs[field] = validation.NewError(code, msg) }
	for key, value := range body {
		switch key {
		case "roll", "suburb":
			s, ok := value.(string)
			switch {
			case !ok:
				bad(key, "validation_invalid_type", "Must be a string.")
			case hasControlCharacters(s, false):
				bad(key, "validation_control_characters", "Must not contain control characters.")
			case key == "suburb" && utf8.RuneCountInString(s) > maxSuburbRunes:
				bad(key, "validation_too_long", "Must be at most 100 characters.")
			case key == "roll":
				req.Roll = s
				if _, err := ParseRoll(s); err != nil {
					bad(key, "validation_invalid_roll", err.Error())
				}
			default:
				req.Suburb = s
			}
		case "details", "fresh":
			b, ok := value.(bool)
			if !ok {
				bad(key, "validation_invalid_type", "Must be true or false.")
			} else if key == "details" {
				req.Details = b
			} else {
				req.Fresh = b
			}
		default:
			bad(key, "validation_unknown_field", `Unknown field: the body takes "roll", "suburb", "details" and "fresh".`)
		}
	}
	if len(errs) > 0 {
		return req, e.BadRequestError("Invalid scrape request.", errs)
	}
	return req, nil
}
