package questions

import (
	"net/http"
	"sync"

	"github.com/pocketbase/pocketbase/core"

	"github.com/rollcall/rollcall/request"
)

// List serves GET /api/questions: a page of shown questions in one of the
// list's orders, or of those matching q. A signed-in user's cards carry
// their own vote and answer, read in one more query whatever the page size.
func (h *Hooks) List(e *core.RequestEvent) error {
	q, err := request.Query(e, ParseList)
	if err != nil {
		return err
	}
	page, err := listPage(e.App, q, func(key string, count func() (int64, error)) (int64, error) {
		return totalsOf(h).get(h.top, key, count)
	})
	if err != nil {
		return e.InternalServerError("Failed to list the questions.", err)
	}
	e.Response.Header().Set("Vary", "Authorization")
	if e.Auth == nil || e.Auth.Collection().Name != Users {
		e.Response.Header().Set("Cache-Control", "no-cache")
		return e.JSON(http.StatusOK, page)
	}
	if page.Items, err = WithMine(e.App, e.Auth.Id, page.Items); err != nil {
		return e.InternalServerError("Failed to load your votes and answers.", err)
	}
	e.Response.Header().Set("Cache-Control", "private, no-store")
	return e.JSON(http.StatusOK, page)
}

// maxCachedTotals bounds the totals kept (one per list order and search).
const maxCachedTotals = 1000

// totals keeps the lists' and searches' totals while no question changes:
// they are valid for one generation of the top-20 cache, which every
// committed question write (hides, recounts and other processes' writes
// included) moves on. A count read before a write is never served after it.
type totals struct {
	mu  sync.Mutex
	gen uint64
	m   map[string]int64
}

var totalsByHooks sync.Map // *Hooks → *totals

func totalsOf(h *Hooks) *totals {
	t, _ := totalsByHooks.LoadOrStore(h, &totals{m: map[string]int64{}})
	return t.(*totals)
}

func (t *totals) get(top *topCache, key string, count func() (int64, error)) (int64, error) {
	top.mu.Lock()
	gen := top.gen
	top.mu.Unlock()
	t.mu.Lock()
	if n, ok := t.m[key]; ok && t.gen == gen {
		t.mu.Unlock()
		return n, nil
	}
	t.mu.Unlock()
	n, err := count()
	if err != nil {
		return 0, err
	}
	t.mu.Lock()
	if gen > t.gen {
		t.gen, t.m = gen, map[string]int64{}
	}
	if gen == t.gen {
		if len(t.m) >= maxCachedTotals {
			t.m = map[string]int64{}
		}
		t.m[key] = n
	}
	t.mu.Unlock()
	return n, nil
}
