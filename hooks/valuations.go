package hooks

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"github.com/rollcall/rollcall/config"
	"github.com/rollcall/rollcall/scraper/store"
	"github.com/rollcall/rollcall/valuations"
)

// The valuation API's read-only, public routes.
const (
	ValuationsPath    = "/api/valuations"
	ValuationsCSVPath = "/api/valuations/export"
	ValuationPath     = "/api/valuations/{id}"
	RunsPath          = "/api/valuations/runs"
	StatusPath        = "/api/status"
)

// registerValuations serves the valuation roll: search, one property, CSV
// export, the run log's figures and the freshness status.
func registerValuations(app core.App, cfg *config.Config) {
	svc := valuations.New(app)
	// A delete leaves max(updated) alone: tell the version about it.
	app.OnRecordAfterDeleteSuccess("properties").BindFunc(func(e *core.RecordEvent) error {
		svc.Edited()
		return e.Next()
	})

	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		// A first load cut short by a crash leaves indexes to build; a
		// dashboard schema change or a VACUUM can leave the search index
		// behind the table. Repair both before serving.
		if err := store.EnsureIndexes(se.App); err != nil {
			return err
		}

		se.Router.GET(ValuationsPath, func(e *core.RequestEvent) error {
			q, err := parseQuery(e, valuations.ParseList)
			if err != nil {
				return err
			}
			v, fresh, err := current(e, svc, func(v valuations.Version) string { return v.Data })
			if err != nil || fresh {
				return err
			}
			page, err := svc.List(q, v)
			if err != nil {
				return e.InternalServerError("Failed to search the valuations.", err)
			}
			return e.JSON(http.StatusOK, page)
		})

		se.Router.GET(ValuationsCSVPath, func(e *core.RequestEvent) error {
			q, err := parseQuery(e, valuations.ParseExport)
			if err != nil {
				return err
			}
			if _, fresh, err := current(e, svc, func(v valuations.Version) string { return v.Data }); err != nil || fresh {
				return err
			}
			h := e.Response.Header()
			h.Set("Content-Type", "text/csv; charset=utf-8")
			h.Set("Content-Disposition", `attachment; filename="valuations.csv"`)
			e.Response.WriteHeader(http.StatusOK)
			flusher := http.NewResponseController(e.Response)
			rows, err := svc.Export(e.Response, q, func() { _ = flusher.Flush() })
			if err != nil {
				// The status is sent; the client sees a cut-off file.
				e.App.Logger().Warn("CSV export cut short", "rows", rows, "error", err)
			}
			return nil
		})

		se.Router.GET(RunsPath, func(e *core.RequestEvent) error {
			limit, err := parseQuery(e, valuations.ParseRunLimit)
			if err != nil {
				return err
			}
			runs, err := svc.Runs(limit)
			if err != nil {
				return e.InternalServerError("Failed to load the scrape runs.", err)
			}
			e.Response.Header().Set("Cache-Control", "no-cache")
			return e.JSON(http.StatusOK, map[string]any{"items": runs})
		})

		se.Router.GET(ValuationPath, func(e *core.RequestEvent) error {
			if _, err := parseQuery(e, noParams); err != nil {
				return err
			}
			id := e.Request.PathValue("id")
			if !valuations.ValidID(id) {
				return e.BadRequestError("Invalid property id.", validation.Errors{"id": validation.NewError("validation_invalid_id", "Must be 1 to 15 lowercase letters and digits.")})
			}
			if _, fresh, err := current(e, svc, func(v valuations.Version) string { return v.All }); err != nil || fresh {
				return err
			}
			detail, err := svc.Get(id)
			if errors.Is(err, valuations.ErrNotFound) {
				e.Response.Header().Del("ETag")
				return e.NotFoundError("No property has this id.", nil)
			}
			if err != nil {
				return e.InternalServerError("Failed to load the property.", err)
			}
			return e.JSON(http.StatusOK, detail)
		})

		se.Router.GET(StatusPath, func(e *core.RequestEvent) error {
			if _, err := parseQuery(e, noParams); err != nil {
				return err
			}
			v, err := svc.Version()
			if err != nil {
				return e.InternalServerError("Failed to read the data version.", err)
			}
			status, err := svc.Status(cfg.Now(), cfg.StatusMaxAge, v)
			if err != nil {
				return e.InternalServerError("Failed to read the scrape status.", err)
			}
			e.Response.Header().Set("Cache-Control", "no-cache")
			return e.JSON(http.StatusOK, status)
		})
		return se.Next()
	})
}

// parseQuery reads the query string strictly with parse: a malformed string
// or a refused parameter is answered with a 400 naming it.
func parseQuery[Q any](e *core.RequestEvent, parse func(url.Values) (Q, error)) (Q, error) {
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
		var perr *valuations.ParseError
		if errors.As(err, &perr) {
			return zero, e.BadRequestError("Invalid query parameters.", perr.Params)
		}
		return zero, e.BadRequestError("Invalid query parameters.", err)
	}
	return q, nil
}

func noParams(values url.Values) (struct{}, error) { return struct{}{}, valuations.NoParams(values) }

// current reads the data version and, when the client's copy built from
// pick(version) is still current, answers 304 and reports fresh.
func current(e *core.RequestEvent, svc *valuations.Service, pick func(valuations.Version) string) (v valuations.Version, fresh bool, err error) {
	v, err = svc.Version()
	if err != nil {
		return v, false, e.InternalServerError("Failed to read the data version.", err)
	}
	return v, notModified(e, pick(v)), nil
}

// notModified sets the caching headers of a response built from version
// and answers 304 when the client's copy is current. Clients revalidate
// every time (no-cache); the ETag changes whenever a scrape changes data.
func notModified(e *core.RequestEvent, version string) bool {
	sum := sha256.Sum256([]byte(version + "\x00" + e.Request.URL.Path + "?" + e.Request.URL.RawQuery))
	etag := `"` + hex.EncodeToString(sum[:12]) + `"`
	h := e.Response.Header()
	h.Set("ETag", etag)
	h.Set("Cache-Control", "public, no-cache")
	for _, candidate := range strings.Split(e.Request.Header.Get("If-None-Match"), ",") {
		candidate = strings.TrimPrefix(strings.TrimSpace(candidate), "W/")
		if candidate == etag || candidate == "*" {
			e.Response.WriteHeader(http.StatusNotModified)
			return true
		}
	}
	return false
}
