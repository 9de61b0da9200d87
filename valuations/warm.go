package valuations

import (
	"fmt"
	"sync"
)

// Warmer reads, once the data has settled after a change, what the first
// finder requests of a new data version would otherwise wait for: the
// newest year's suburb and street names, its facet count and its statistics
// snapshot (at 500,000 rows about 1 s and 3.6 s, decision 0018). Bound to a
// once-a-minute cron: a scrape moves the version on every batch, so warming
// waits for a version seen unchanged on two ticks.
type Warmer struct {
	svc  *Service
	mu   sync.Mutex // one warm-up at a time; a tick that finds it busy skips
	seen string     // the version of the previous tick
	done string     // the version last warmed
}

// Warmer returns the API's warmer.
func (a *API) Warmer() *Warmer { return &Warmer{svc: a.svc} }

// Tick warms the current version if it is unchanged since the previous
// tick and not warmed yet. It reports whether it warmed.
func (w *Warmer) Tick() (bool, error) {
	if !w.mu.TryLock() {
		return false, nil
	}
	defer w.mu.Unlock()
	v, err := w.svc.Version()
	if err != nil {
		return false, err
	}
	settled := v.Data == w.seen
	w.seen = v.Data
	if !settled || v.Data == w.done {
		return false, nil
	}
	if err := w.svc.warm(v); err != nil {
		return false, err
	}
	w.done = v.Data
	return true, nil
}

// warm builds the newest year's shared reads of version v into the caches
// the requests read.
func (s *Service) warm(v Version) error {
	f := Filter{}
	if err := s.inYear(&f, v); err != nil {
		return err
	}
	if f.Year == 0 {
		return nil // nothing stored yet
	}
	if _, err := s.suburbs(f.Year, v); err != nil {
		return fmt.Errorf("warm suburb names: %w", err)
	}
	if _, err := s.streets(f.Year, v); err != nil {
		return fmt.Errorf("warm street names: %w", err)
	}
	if _, err := s.cube(f.Year, v); err != nil {
		return fmt.Errorf("warm facet counts: %w", err)
	}
	if _, err := s.snapshot(f.Year, v); err != nil {
		return fmt.Errorf("warm statistics snapshot: %w", err)
	}
	return nil
}
