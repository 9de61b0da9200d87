// Package request reads what a client sends strictly, for both halves: a
// JSON body check in front of every API write, JSON type checks of record
// bodies, and query strings whose unknown or bad parameters get a 400 that
// names them. PocketBase would coerce, ignore or answer without the field.
package request

import (
	"bytes"
	"encoding/json"
	jsonv2 "encoding/json/v2"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"
)

// rawBodyKey holds a record write's JSON body as the client sent it.
const rawBodyKey = "rollcall.rawBody"

// MaxBody caps a JSON body written to the capped collections and the
// scrape trigger: the largest valid one (a 5,000-character description) is
// far below it.
const MaxBody = 64 << 10

// BodyCheck is a router middleware that refuses an unreadable JSON body with
// a 400 that names "body", where PocketBase would answer a bare "Something
// went wrong". Record writes to the capped collections are also held to
// MaxBody.
func BodyCheck(capped ...string) *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id:       "rollcallBodyCheck",
		Priority: apis.DefaultBodyLimitMiddlewarePriority + 1, // after PocketBase's own size cap
		Func:     func(e *core.RequestEvent) error { return checkBody(e, capped) },
	}
}

func checkBody(e *core.RequestEvent, capped []string) error {
	r := e.Request
	if r.Method != http.MethodPost && r.Method != http.MethodPatch && r.Method != http.MethodPut ||
		!strings.HasPrefix(r.URL.Path, "/api/") {
		return e.Next()
	}
	mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if isRecordWrite(r.URL.Path) && r.ContentLength != 0 && !recordBodyTypes[mediaType] {
		// PocketBase answers "Unsupported Content-Type" without naming
		// what is wrong; name the body like every other unreadable one.
		return BodyError(http.StatusUnsupportedMediaType, "validation_content_type", "Send the body as application/json (or a form).")
	}
	if mediaType != "application/json" {
		return e.Next()
	}
	limit := int64(-1)
	if isRecordWriteTo(r.URL.Path, capped) {
		limit = MaxBody
	}
	raw, err := ReadBody(r.Body, limit)
	if err != nil {
		return err
	}
	// Let PocketBase read the same bytes again.
	if rr, ok := r.Body.(router.Rereader); ok {
		rr.Reread()
	} else {
		r.Body = io.NopCloser(bytes.NewReader(raw))
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return e.Next()
	}
	switch {
	case !utf8.Valid(raw):
		return BodyError(http.StatusBadRequest, "validation_invalid_utf8", "The request body is not valid UTF-8.")
	case !json.Valid(raw):
		return BodyError(http.StatusBadRequest, "validation_invalid_json", "The request body is not valid JSON.")
	case isRecordWrite(r.URL.Path):
		if bytes.TrimSpace(raw)[0] != '{' {
			return BodyError(http.StatusBadRequest, "validation_not_object", "The request body must be a JSON object.")
		}
		var body map[string]any
		// json/v2, as PocketBase decodes: it refuses duplicate keys too.
		if err := jsonv2.Unmarshal(raw, &body); err != nil {
			return BodyError(http.StatusBadRequest, "validation_invalid_json", "The request body is not valid JSON: "+err.Error())
		}
		e.Set(rawBodyKey, body)
	}
	return e.Next()
}

// recordBodyTypes are the bodies PocketBase's record API reads.
var recordBodyTypes = map[string]bool{"application/json": true, "multipart/form-data": true, "application/x-www-form-urlencoded": true}

// ReadBody reads a request body of at most limit bytes (no limit when
// negative); an unreadable or larger body is a BodyError.
func ReadBody(body io.Reader, limit int64) ([]byte, error) {
	reader := body
	if limit >= 0 {
		reader = io.LimitReader(body, limit+1)
	}
	raw, err := io.ReadAll(reader)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, BodyError(http.StatusRequestEntityTooLarge, "validation_too_large", "The request body is too large.")
		}
		return nil, BodyError(http.StatusBadRequest, "validation_unreadable", "The request body could not be read.")
	}
	if limit >= 0 && int64(len(raw)) > limit {
		return nil, BodyError(http.StatusRequestEntityTooLarge, "validation_too_large", "The request body is larger than 64 KiB.")
	}
	return raw, nil
}

// BodyError is an API error that names "body".
func BodyError(status int, code, message string) error {
	return router.NewApiError(status, message, validation.Errors{"body": validation.NewError(code, message)})
}

// isRecordWrite matches PocketBase's record create/update paths.
func isRecordWrite(path string) bool {
	return strings.HasPrefix(path, "/api/collections/") && strings.Contains(path, "/records")
}

func isRecordWriteTo(path string, collections []string) bool {
	for _, c := range collections {
		if strings.HasPrefix(path, "/api/collections/"+c+"/records") {
			return true
		}
	}
	return false
}
