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
	"strconv"
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

// MaxBody caps a record-write body (files apart, see RecordBodyLimit), the
// scrape trigger's body, and any other API write but a superuser's (sign-in,
// reset and verification requests, realtime subscriptions): the largest
// valid question (a 5,000-character description) is far below it.
const MaxBody = 64 << 10

// batchPath is PocketBase's batch API, off unless a superuser turns it on;
// its own settings (Settings → Batch) size it.
const batchPath = "/api/batch"

// BodyCheck is a router middleware in front of every API write. It reads the
// Content-Type as RFC 9110 says (case-insensitive), caps every record-write
// body at RecordBodyLimit and every other write but a superuser's at MaxBody
// before any of it is read, and refuses an unreadable JSON body with a 400
// that names "body", where PocketBase would answer a bare "Something went
// wrong".
func BodyCheck() *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id:       "rollcallBodyCheck",
		Priority: apis.DefaultBodyLimitMiddlewarePriority + 1, // after PocketBase's own size cap
		Func:     checkBody,
	}
}

func checkBody(e *core.RequestEvent) error {
	r := e.Request
	if r.Method != http.MethodPost && r.Method != http.MethodPatch && r.Method != http.MethodPut ||
		!strings.HasPrefix(r.URL.Path, "/api/") {
		return e.Next()
	}
	mediaType := r.Header.Get("Content-Type")
	// The SDK's spelling needs no parsing (this runs on every vote).
	if mediaType != "application/json" {
		var params map[string]string
		var err error
		mediaType, params, err = mime.ParseMediaType(mediaType)
		if err == nil {
			// PocketBase matches "application/json" and the form types by
			// prefix, case-sensitively: "application/JSON" would be
			// "Unsupported Content-Type". Hand it the canonical spelling.
			if canonical := mime.FormatMediaType(mediaType, params); canonical != "" {
				r.Header.Set("Content-Type", canonical)
			}
		}
	}
	recordWrite := isRecordWrite(r.URL.Path)
	limit := int64(-1) // PocketBase's own cap: superusers import collections and restore settings
	switch {
	case recordWrite:
		if r.ContentLength != 0 && !recordBodyTypes[mediaType] {
			// PocketBase answers "Unsupported Content-Type" without naming
			// what is wrong; name the body like every other unreadable one.
			return BodyError(http.StatusUnsupportedMediaType, "validation_content_type", "Send the body as application/json (or a form).")
		}
		if collection, err := e.App.FindCachedCollectionByNameOrId(r.PathValue("collection")); err == nil {
			limit = RecordBodyLimit(collection, mediaType)
		}
	case r.URL.Path != batchPath && !e.HasSuperuserAuth():
		// Without this a stranger's sign-in could send 32 MiB, read whole.
		limit = MaxBody
	}
	if limit >= 0 {
		if err := capBody(r, limit); err != nil {
			return err
		}
	}
	if mediaType != "application/json" {
		return e.Next()
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
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) == 0 {
		return e.Next()
	}
	if recordWrite && trimmed[0] == '{' {
		// One pass for a record write: json/v2, as PocketBase decodes,
		// refuses invalid UTF-8, invalid JSON and duplicate keys alike;
		// only a refused body is read again, to say which.
		var body map[string]any
		if err := jsonv2.Unmarshal(raw, &body); err != nil {
			if err := unreadable(raw); err != nil {
				return err
			}
			return BodyError(http.StatusBadRequest, "validation_invalid_json", "The request body is not valid JSON: "+err.Error())
		}
		e.Set(rawBodyKey, body)
		return e.Next()
	}
	if err := unreadable(raw); err != nil {
		return err
	}
	if recordWrite {
		return BodyError(http.StatusBadRequest, "validation_not_object", "The request body must be a JSON object.")
	}
	return e.Next()
}

// unreadable names what is wrong with a body that is not UTF-8 or not JSON.
func unreadable(raw []byte) error {
	switch {
	case !utf8.Valid(raw):
		return BodyError(http.StatusBadRequest, "validation_invalid_utf8", "The request body is not valid UTF-8.")
	case !json.Valid(raw):
		return BodyError(http.StatusBadRequest, "validation_invalid_json", "The request body is not valid JSON.")
	}
	return nil
}

// RecordBodyLimit is the most a record write to c may send: MaxBody for the
// fields, plus what PocketBase itself allows the fields it sizes: each JSON
// or editor field's MaxSize and, in a multipart body (the only one that
// carries files), each file field's MaxSize times MaxSelect.
func RecordBodyLimit(c *core.Collection, mediaType string) int64 {
	limit := int64(MaxBody)
	for _, f := range c.Fields {
		switch f := f.(type) {
		case *core.FileField:
			if mediaType == "multipart/form-data" {
				limit += f.CalculateMaxBodySize()
			}
		case core.MaxBodySizeCalculator:
			limit += f.CalculateMaxBodySize()
		}
	}
	return limit
}

// capBody refuses r's body before reading when its declared size is past
// limit; a chunked body (no Content-Length) stops at the cap while read.
func capBody(r *http.Request, limit int64) error {
	if r.ContentLength > limit {
		return tooLarge(limit)
	}
	r.Body = &cappedBody{ReadCloser: r.Body, remaining: limit, limit: limit}
	return nil
}

// cappedBody stops a body at its cap with a 413 that names "body"; PocketBase
// passes an *router.ApiError from a form parse through unchanged.
type cappedBody struct {
	io.ReadCloser
	remaining, limit int64
}

func (b *cappedBody) Read(p []byte) (int, error) {
	if b.remaining < 0 {
		return 0, tooLarge(b.limit)
	}
	// Never ask for more than one byte past the cap.
	if int64(len(p)) > b.remaining+1 {
		p = p[:b.remaining+1]
	}
	n, err := b.ReadCloser.Read(p)
	b.remaining -= int64(n)
	if b.remaining < 0 {
		return n + int(b.remaining), tooLarge(b.limit)
	}
	return n, err
}

// Reread rewinds the body beneath, as PocketBase's own cap does: sign-in
// reads its body twice.
func (b *cappedBody) Reread() {
	if rr, ok := b.ReadCloser.(router.Rereader); ok {
		rr.Reread()
		b.remaining = b.limit
	}
}

func tooLarge(limit int64) error {
	return BodyError(http.StatusRequestEntityTooLarge, "validation_too_large", "The request body is larger than "+size(limit)+".")
}

// size writes a byte count as whole MiB where it is one, else KiB.
func size(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return strconv.FormatInt(n>>20, 10) + " MiB"
	}
	return strconv.FormatInt(n>>10, 10) + " KiB"
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
		var apiErr *router.ApiError
		if errors.As(err, &apiErr) && apiErr.Status == http.StatusRequestEntityTooLarge {
			if _, named := apiErr.Data["body"]; named {
				return nil, apiErr // a cappedBody's, with its limit
			}
			return nil, BodyError(http.StatusRequestEntityTooLarge, "validation_too_large", "The request body is too large.")
		}
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, BodyError(http.StatusRequestEntityTooLarge, "validation_too_large", "The request body is too large.")
		}
		return nil, BodyError(http.StatusBadRequest, "validation_unreadable", "The request body could not be read.")
	}
	if limit >= 0 && int64(len(raw)) > limit {
		return nil, tooLarge(limit)
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
