package trigger

import (
	"bytes"
	jsonv2 "encoding/json/v2"
	"net/http"
	"strings"
	"unicode/utf8"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"github.com/rollcall/rollcall/request"
	"github.com/rollcall/rollcall/scraper"
)

// maxSuburbRunes bounds the trigger's suburb: the site's longest name is
// well under it, and the value is stored in the run log.
const maxSuburbRunes = 100

// parseRequest reads the trigger's optional JSON body strictly. A run
// reaches a public site for an hour or more, so a typo ("rolls"), a wrong
// type or a stray parameter is refused with the field named instead of
// quietly starting a whole-roll run.
func parseRequest(e *core.RequestEvent) (Request, error) {
	var req Request
	if _, err := request.Query(e, request.NoParams); err != nil {
		return req, err
	}
	raw, err := request.ReadBody(e.Request.Body, request.MaxBody)
	if err != nil {
		return req, err
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return req, nil
	}
	if !strings.HasPrefix(e.Request.Header.Get("Content-Type"), "application/json") {
		return req, request.BodyError(http.StatusUnsupportedMediaType, "validation_content_type", "Send the body as application/json.")
	}
	var body map[string]any
	if err := jsonv2.Unmarshal(raw, &body); err != nil {
		return req, request.BodyError(http.StatusBadRequest, "validation_invalid_json", "The request body must be a JSON object: "+err.Error())
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
			case request.HasControlCharacters(s, false):
				bad(key, "validation_control_characters", "Must not contain control characters.")
			case key == "suburb" && utf8.RuneCountInString(s) > maxSuburbRunes:
				bad(key, "validation_too_long", "Must be at most 100 characters.")
			case key == "roll":
				req.Roll = s
				if _, err := scraper.ParseRolls(s); err != nil {
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
				req.Details = &b
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
