package hooks

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"

	"github.com/pocketbase/pocketbase/core"
	"golang.org/x/sync/singleflight"

	"github.com/rollcall/rollcall/openapi"
	"github.com/rollcall/rollcall/questions"
)

// TopPath is the home page's endpoint.
const TopPath = "/api/questions/top"

// Routes are the custom routes this package registers (documented in
// openapi/openapi.yaml; a test holds the two together).
var Routes = []openapi.Route{
	{Method: http.MethodGet, Path: TopPath},
	{Method: http.MethodPost, Path: ScrapePath},
	{Method: http.MethodGet, Path: ValuationsPath},
	{Method: http.MethodGet, Path: ValuationsCSVPath},
	{Method: http.MethodGet, Path: ValuationPath},
	{Method: http.MethodGet, Path: RunsPath},
	{Method: http.MethodGet, Path: StatusPath},
}

// TopResponse is the body of GET /api/questions/top.
type TopResponse struct {
	Items []questions.TopQuestion `json:"items"`
}

// topCache keeps the anonymous top 20, encoded, in memory. It changes only
// when a question or an author's name does, so it is dropped when such a
// write commits and refilled by the next reader. The generation counter stops
// a reader that read before a commit from storing its stale copy after the
// invalidation.
type topCache struct {
	mu      sync.Mutex
	gen     uint64
	items   []questions.TopQuestion
	body    []byte
	refills singleflight.Group
}

func (c *topCache) invalidate() {
	c.mu.Lock()
	c.gen++
	c.items, c.body = nil, nil
	c.mu.Unlock()
}

type topSnapshot struct {
	gen   uint64
	items []questions.TopQuestion
	body  []byte
}

func (c *topCache) get(app core.App) (topSnapshot, error) {
	c.mu.Lock()
	if c.body != nil {
		snap := topSnapshot{c.gen, c.items, c.body}
		c.mu.Unlock()
		return snap, nil
	}
	gen := c.gen
	c.mu.Unlock()

	// One reader refills; the others arriving meanwhile share its result.
	v, err, _ := c.refills.Do(strconv.FormatUint(gen, 10), func() (any, error) {
		items, err := questions.Top(app, questions.TopLimit)
		if err != nil {
			return nil, err
		}
		body, err := encodeTop(items)
		if err != nil {
			return nil, err
		}
		c.mu.Lock()
		if c.gen == gen {
			c.items, c.body = items, body
		}
		c.mu.Unlock()
		return topSnapshot{gen, items, body}, nil
	})
	if err != nil {
		return topSnapshot{}, err
	}
	return v.(topSnapshot), nil
}

func encodeTop(items []questions.TopQuestion) ([]byte, error) {
	body, err := json.Marshal(TopResponse{Items: items})
	if err != nil {
		return nil, fmt.Errorf("encode top questions: %w", err)
	}
	return body, nil
}

// registerTop serves the top 20 from memory; a signed-in user's copy, with
// their own vote and answer, costs one query and is then kept too.
func registerTop(app core.App) {
	cache := &topCache{}
	personal := newPersonalCache()
	dropCache := func(e *core.RecordEvent) error {
		cache.invalidate()
		return e.Next()
	}
	// After*Success hooks run once the write's transaction has committed:
	// dropping the cache earlier would let a reader refill it with old rows.
	app.OnRecordAfterCreateSuccess(questions.Questions).BindFunc(dropCache)
	app.OnRecordAfterUpdateSuccess(questions.Questions, questions.Users).BindFunc(dropCache)
	app.OnRecordAfterDeleteSuccess(questions.Questions, questions.Users).BindFunc(dropCache)
	dropPersonal := func(e *core.RecordEvent) error {
		personal.dropUser(e.Record.GetString(questions.FieldAuthor))
		return e.Next()
	}
	for _, collection := range []string{questions.Answers, questions.Votes} {
		app.OnRecordAfterCreateSuccess(collection).BindFunc(dropPersonal)
		app.OnRecordAfterUpdateSuccess(collection).BindFunc(dropPersonal)
		app.OnRecordAfterDeleteSuccess(collection).BindFunc(dropPersonal)
	}
	watchOtherProcesses(app, cache.invalidate)

	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.GET(TopPath, func(e *core.RequestEvent) error {
			// The list is fixed (the 20 best): a page or filter the client
			// thinks it is applying would be silently ignored.
			if _, err := parseQuery(e, noParams); err != nil {
				return err
			}
			snap, err := cache.get(e.App)
			if err != nil {
				return e.InternalServerError("Failed to load the top questions.", err)
			}
			e.Response.Header().Set("Vary", "Authorization")
			if e.Auth == nil || e.Auth.Collection().Name != questions.Users {
				e.Response.Header().Set("Cache-Control", "no-cache")
				return e.Blob(http.StatusOK, "application/json", snap.body)
			}
			body, err := personal.get(e.App, e.Auth.Id, snap)
			if err != nil {
				return e.InternalServerError("Failed to load your votes and answers.", err)
			}
			e.Response.Header().Set("Cache-Control", "private, no-store")
			return e.Blob(http.StatusOK, "application/json", body)
		})
		return se.Next()
	})
}
