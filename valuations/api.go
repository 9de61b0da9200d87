package valuations

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"github.com/rollcall/rollcall/config"
	"github.com/rollcall/rollcall/request"
)

// API serves the valuation roll over HTTP: search, one property, CSV
// export, the run log's figures and the freshness status. Its handlers are
// bound by hooks.Register.
type API struct {
	svc *Service
	cfg *config.Config // read per request: flags are parsed after binding
}

// NewAPI returns the API over app.
func NewAPI(app core.App, cfg *config.Config) *API {
	return &API{svc: New(app), cfg: cfg}
}

// PropertyDeleted tells the data version about a delete, which leaves
// max(updated) alone.
func (a *API) PropertyDeleted(e *core.RecordEvent) error {
	a.svc.Edited()
	return e.Next()
}

// List serves GET /api/valuations: a filtered, sorted page with its total.
func (a *API) List(e *core.RequestEvent) error {
	q, err := request.Query(e, ParseList)
	if err != nil {
		return err
	}
	v, fresh, err := current(e, a.svc, func(v Version) string { return v.Data })
	if err != nil || fresh {
		return err
	}
	page, err := a.svc.List(q, v)
	if err != nil {
		return e.InternalServerError("Failed to search the ", err)
	}
	return e.JSON(http.StatusOK, page)
}

// Export serves GET /api/valuations/export: every matching row as CSV,
// streamed.
func (a *API) Export(e *core.RequestEvent) error {
	q, err := request.Query(e, ParseExport)
	if err != nil {
		return err
	}
	v, fresh, err := current(e, a.svc, func(v Version) string { return v.Data })
	if err != nil || fresh {
		return err
	}
	h := e.Response.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="csv"`)
	e.Response.WriteHeader(http.StatusOK)
	flusher := http.NewResponseController(e.Response)
	rows, err := a.svc.Export(e.Response, q, v, func() { _ = flusher.Flush() })
	if err != nil {
		// The status is sent; the client sees a cut-off file.
		e.App.Logger().Warn("CSV export cut short", "rows", rows, "error", err)
	}
	return nil
}

// Suggest serves GET /api/valuations/suggest: what a search box's text may
// name, grouped.
func (a *API) Suggest(e *core.RequestEvent) error {
	q, err := request.Query(e, ParseSuggest)
	if err != nil {
		return err
	}
	v, fresh, err := current(e, a.svc, func(v Version) string { return v.Data })
	if err != nil || fresh {
		return err
	}
	out, err := a.svc.Suggest(q, v)
	if err != nil {
		return e.InternalServerError("Failed to suggest.", err)
	}
	return e.JSON(http.StatusOK, out)
}

// Facets serves GET /api/valuations/facets: a filter's counts by suburb,
// use, rating category and roll.
func (a *API) Facets(e *core.RequestEvent) error {
	q, err := request.Query(e, ParseFacets)
	if err != nil {
		return err
	}
	v, fresh, err := current(e, a.svc, func(v Version) string { return v.Data })
	if err != nil || fresh {
		return err
	}
	out, err := a.svc.Facets(q, v)
	if err != nil {
		return failed(e, "Failed to count the facets.", err)
	}
	return e.JSON(http.StatusOK, out)
}

// Stats serves GET /api/valuations/stats: a filter's value statistics.
func (a *API) Stats(e *core.RequestEvent) error {
	f, err := request.Query(e, ParseStats)
	if err != nil {
		return err
	}
	v, fresh, err := current(e, a.svc, func(v Version) string { return v.Data })
	if err != nil || fresh {
		return err
	}
	out, err := a.svc.Stats(f, v)
	if err != nil {
		return failed(e, "Failed to compute the statistics.", err)
	}
	return e.JSON(http.StatusOK, out)
}

// Changes serves GET /api/valuations/changes: a filter's value changes
// since a date.
func (a *API) Changes(e *core.RequestEvent) error {
	q, err := request.Query(e, ParseChanges)
	if err != nil {
		return err
	}
	v, fresh, err := current(e, a.svc, func(v Version) string { return v.Data })
	if err != nil || fresh {
		return err
	}
	out, err := a.svc.Changes(q, v)
	if err != nil {
		return failed(e, "Failed to read the value changes.", err)
	}
	return e.JSON(http.StatusOK, out)
}

// Runs serves GET /api/valuations/runs: the latest scrape runs' figures.
func (a *API) Runs(e *core.RequestEvent) error {
	limit, err := request.Query(e, ParseRunLimit)
	if err != nil {
		return err
	}
	runs, err := a.svc.Runs(limit)
	if err != nil {
		return e.InternalServerError("Failed to load the scrape runs.", err)
	}
	e.Response.Header().Set("Cache-Control", "no-cache")
	return e.JSON(http.StatusOK, map[string]any{"items": runs})
}

// Property serves GET /api/valuations/{id}: one property with its history.
func (a *API) Property(e *core.RequestEvent) error {
	if _, err := request.Query(e, request.NoParams); err != nil {
		return err
	}
	id := e.Request.PathValue("id")
	if !ValidID(id) {
		return e.BadRequestError("Invalid property id.", validation.Errors{"id": validation.NewError("validation_invalid_id", "Must be 1 to 15 lowercase letters and digits.")})
	}
	v, fresh, err := current(e, a.svc, func(v Version) string { return v.All })
	if err != nil || fresh {
		return err
	}
	detail, err := a.svc.Get(id, v)
	if errors.Is(err, ErrNotFound) {
		e.Response.Header().Del("ETag")
		return e.NotFoundError("No property has this id.", nil)
	}
	if err != nil {
		return e.InternalServerError("Failed to load the property.", err)
	}
	return e.JSON(http.StatusOK, detail)
}

// Status serves GET /api/status: how fresh the stored roll is.
func (a *API) Status(e *core.RequestEvent) error {
	if _, err := request.Query(e, request.NoParams); err != nil {
		return err
	}
	v, err := a.svc.Version()
	if err != nil {
		return e.InternalServerError("Failed to read the data version.", err)
	}
	status, err := a.svc.Status(a.cfg.Now(), a.cfg.StatusMaxAge, v)
	if err != nil {
		return e.InternalServerError("Failed to read the scrape status.", err)
	}
	status.Schedule = scheduleOf(&a.cfg.Scrape, a.cfg.Now())
	e.Response.Header().Set("Cache-Control", "no-cache")
	return e.JSON(http.StatusOK, status)
}

// current reads the data version and, when the client's copy built from
// pick(version) is still current, answers 304 and reports fresh.
func current(e *core.RequestEvent, svc *Service, pick func(Version) string) (v Version, fresh bool, err error) {
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

// failed answers a statistics, facet or change request that could not be
// built: 503 with Retry-After when every heavy slot stayed taken, else 500.
func failed(e *core.RequestEvent, message string, err error) error {
	if errors.Is(err, ErrBusy) {
		e.Response.Header().Set("Retry-After", "10")
		return e.Error(http.StatusServiceUnavailable, "The server is busy computing other figures; try again in a few seconds.", nil)
	}
	return e.InternalServerError(message, err)
}
