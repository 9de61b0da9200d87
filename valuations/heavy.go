package valuations

import (
	"errors"
	"time"
)

// heavySlots is how many uncached statistics, facet or change scans of
// arbitrary filters may run at once: each can read most of a roll for
// seconds, and anyone may ask for a new filter. heavyWait is how long a
// request waits for a slot before it is told to come back.
const heavySlots = 2

var heavyWait = 10 * time.Second // a variable for tests

// ErrBusy is a scan refused because every heavy slot stayed taken.
var ErrBusy = errors.New("busy with other statistics")

// heavyScan runs f in a heavy slot, waiting up to heavyWait for one.
func heavyScan[T any](s *Service, f func() (T, error)) (T, error) {
	wait := time.NewTimer(heavyWait)
	defer wait.Stop()
	select {
	case s.heavy <- struct{}{}:
	case <-wait.C:
		var zero T
		return zero, ErrBusy
	}
	defer func() { <-s.heavy }()
	return f()
}
