package valuations

import (
	"errors"
	"sync"
	"testing"
	"time"
)

// Uncached scans of arbitrary filters run at most heavySlots at once; a
// request that finds them all taken past heavyWait gets ErrBusy, and a slot
// freed lets the next one in.
func TestHeavyScansShareFewSlots(t *testing.T) {
	defer func(w time.Duration) { heavyWait = w }(heavyWait)
	heavyWait = 50 * time.Millisecond
	s := &Service{heavy: make(chan struct{}, heavySlots)}
	release := make(chan struct{})
	var started sync.WaitGroup
	var done sync.WaitGroup
	for range heavySlots {
		started.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			_, _ = heavyScan(s, func() (int, error) {
				started.Done()
				<-release
				return 1, nil
			})
		}()
	}
	started.Wait()
	start := time.Now()
	_, err := heavyScan(s, func() (int, error) {
		t.Error("a third scan ran while every slot was taken")
		return 0, nil
	})
	if !errors.Is(err, ErrBusy) || time.Since(start) < heavyWait {
		t.Fatalf("third scan: %v after %s, want ErrBusy after %s", err, time.Since(start), heavyWait)
	}
	close(release)
	done.Wait()
	if n, err := heavyScan(s, func() (int, error) { return 7, nil }); err != nil || n != 7 {
		t.Fatalf("a scan once slots are free: %d, %v", n, err)
	}
}
