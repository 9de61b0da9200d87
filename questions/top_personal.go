package questions

import (
	"sync"

	"github.com/pocketbase/pocketbase/core"
)

// personalCacheSize bounds the signed-in bodies kept (~8 KB each).
const personalCacheSize = 2000

// personalCache keeps each signed-in user's encoded top 20 (the shared list
// plus their own votes and answers). An entry is valid while the shared list
// is the one it was built from and the user has not written since; a write
// by the user drops it when the write commits. The write counter keeps a
// reader that queried before a commit from storing its stale result after.
type personalCache struct {
	mu      sync.Mutex
	writes  uint64
	entries map[string]personalEntry
}

type personalEntry struct {
	listGen uint64
	body    []byte
}

func newPersonalCache() *personalCache {
	return &personalCache{entries: map[string]personalEntry{}}
}

// dropUser forgets userID's entry after their vote or answer committed.
func (c *personalCache) dropUser(userID string) {
	c.mu.Lock()
	c.writes++
	delete(c.entries, userID)
	c.mu.Unlock()
}

// get returns userID's body for the shared list snap, building it with one
// query on a miss.
func (c *personalCache) get(app core.App, userID string, snap topSnapshot) ([]byte, error) {
	c.mu.Lock()
	if e, ok := c.entries[userID]; ok && e.listGen == snap.gen {
		c.mu.Unlock()
		return e.body, nil
	}
	writes := c.writes
	c.mu.Unlock()

	items, err := WithMine(app, userID, snap.items)
	if err != nil {
		return nil, err
	}
	body, err := encodeTop(items)
	if err != nil {
		return nil, err
	}

	c.mu.Lock()
	if c.writes == writes {
		if len(c.entries) >= personalCacheSize {
			for k := range c.entries { // evict one at random (map order)
				delete(c.entries, k)
				break
			}
		}
		c.entries[userID] = personalEntry{listGen: snap.gen, body: body}
	}
	c.mu.Unlock()
	return body, nil
}

// WithMine copies items and fills in userID's own vote and answer.
func WithMine(app core.App, userID string, items []TopQuestion) ([]TopQuestion, error) {
	ids := make([]string, len(items))
	for i := range items {
		ids[i] = items[i].ID
	}
	votes, answers, err := Mine(app, userID, ids)
	if err != nil {
		return nil, err
	}
	out := make([]TopQuestion, len(items))
	for i, item := range items {
		if v, ok := votes[item.ID]; ok {
			item.MyVote = &v
		}
		if a, ok := answers[item.ID]; ok {
			item.MyAnswer = &a
		}
		out[i] = item
	}
	return out, nil
}
