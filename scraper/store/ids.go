package store

import (
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// idSource makes record ids that ascend: a new property's id lands at the
// end of the primary-key index instead of at a random page, which made
// inserts of a whole roll markedly slower. Ids keep PocketBase's shape
// (15 of [a-z0-9]): 7 characters of the store's start time (seconds, base
// 36), 3 random ones (two processes starting in the same second differ)
// and a 5-character counter (60 million ids per store, a hundred rolls).
type idSource struct {
	prefix  string
	counter atomic.Int64
}

func newIDSource(now time.Time) *idSource {
	t := strconv.FormatInt(now.Unix(), 36)
	t = strings.Repeat("0", max(7-len(t), 0)) + t
	return &idSource{prefix: t[len(t)-7:] + core.GenerateDefaultRandomId()[:3]}
}

func (s *idSource) next() string {
	n := strconv.FormatInt(s.counter.Add(1), 36)
	return s.prefix + strings.Repeat("0", max(5-len(n), 0)) + n
}
