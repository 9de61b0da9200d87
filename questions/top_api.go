package questions

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"

	"github.com/pocketbase/pocketbase/core"
	"golang.org/x/sync/singleflight"

	"github.com/rollcall/rollcall/request"
)

// TopPath is the home page's endpoint.
const TopPath = "/api/questions/top"

// TopResponse is the body of GET /api/questions/top.
type TopResponse struct {
	Items []TopQuestion `json:"items"`
}

// topCache keeps the anonymous top 20, encoded, in memory. It changes only
// when a question or an author's name does, so it is dropped when such a
// write commits and refilled by the next reader. The generation counter stops
// a reader that read before a commit from storing its stale copy after the
// invalidation.
type topCache struct {
	mu      sync.Mutex
	gen     uint64
	items   []TopQuestion
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
	items []TopQuestion
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
		items, err := Top(app, TopLimit)
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

func encodeTop(items []TopQuestion) ([]byte, error) {
	body, err := json.Marshal(TopResponse{Items: items})
	if err != nil {
		return nil, fmt.Errorf("encode top questions: %w", err)
	}
	return body, nil
}

// DropTop forgets the cached top 20 once a question or an author's name
// write has committed (After*Success: dropping it earlier would let a reader
// refill it with old rows).
func (h *Hooks) DropTop(e *core.RecordEvent) error {
	h.top.invalidate()
	return e.Next()
}

// Another process's writes drop it through OtherWrites; a vote or answer
// drops it and the author's own copy through Counted (triggers.go, hooks.go).

// Top serves GET /api/questions/top from memory; a signed-in user's copy,
// with their own vote and answer, costs one query and is then kept too.
func (h *Hooks) Top(e *core.RequestEvent) error {
	// The list is fixed (the 20 best): a page or filter the client thinks
	// it is applying would be silently ignored.
	if _, err := request.Query(e, request.NoParams); err != nil {
		return err
	}
	snap, err := h.top.get(e.App)
	if err != nil {
		return e.InternalServerError("Failed to load the top ", err)
	}
	e.Response.Header().Set("Vary", "Authorization")
	if e.Auth == nil || e.Auth.Collection().Name != Users {
		e.Response.Header().Set("Cache-Control", "no-cache")
		return e.Blob(http.StatusOK, "application/json", snap.body)
	}
	body, err := h.personal.get(e.App, e.Auth.Id, snap)
	if err != nil {
		return e.InternalServerError("Failed to load your votes and answers.", err)
	}
	e.Response.Header().Set("Cache-Control", "private, no-store")
	return e.Blob(http.StatusOK, "application/json", body)
}
