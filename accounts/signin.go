package accounts

import (
	"container/list"
	"crypto/sha256"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// The failed sign-in limit: per identity, beside PocketBase's per-IP rate
// limit (*:auth), so guessing one account's password from many addresses
// stops too.
const (
	MaxFailedSignIns   = 10
	FailedSignInWindow = 15 * time.Minute
	// maxTrackedIdentities bounds memory against identity spraying: about
	// 100 bytes each (a hash, not the identity), so a few MB at most.
	maxTrackedIdentities = 50_000
)

// LimitFailedSignIns counts failed password sign-ins per identity (what the
// client typed, trimmed and lower-cased), whether or not an account has it,
// so the answers never tell which accounts exist. Past the limit every
// attempt in the window is refused with 429, the right password too; a
// successful sign-in clears the count.
func (h *Hooks) LimitFailedSignIns(e *core.RecordAuthWithPasswordRequestEvent) error {
	key := signInKey(e.Collection, e.Identity)
	now := h.cfg.Now()
	if wait, ok := h.signIns.begin(key, now); !ok {
		e.Response.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		return e.TooManyRequestsError(fmt.Sprintf("Too many failed sign-ins for this account. Try again in %s.", minutes(wait)), nil)
	}
	err := e.Next()
	switch {
	case err == nil:
		h.signIns.succeeded(key)
	case !isBadCredentials(err):
		h.signIns.undo(key) // not a wrong password (e.g. a server error): don't count it
	}
	return err
}

// LiftSignInLimit clears the failed sign-ins of an account whose password
// was just reset, under its email and its username: whoever read the reset
// mail owns the account, and must not wait out a stranger's guesses.
func (h *Hooks) LiftSignInLimit(e *core.RecordConfirmPasswordResetRequestEvent) error {
	if err := e.Next(); err != nil {
		return err
	}
	for _, identity := range []string{e.Record.Email(), e.Record.GetString("username")} {
		if identity != "" {
			h.signIns.succeeded(signInKey(e.Collection, identity))
		}
	}
	return nil
}

// signInKey is an identity's key in the failed sign-in table.
func signInKey(c *core.Collection, identity string) [sha256.Size]byte {
	if c != nil && c.Name != "users" {
		// a superuser and a user may share an email: count them apart
		return identityKey(c.Name + "\x00" + identity)
	}
	return identityKey(identity)
}

// identityKey normalises an identity and hashes it: the table then never
// holds what people typed (sometimes a password in the wrong box).
func identityKey(identity string) [sha256.Size]byte {
	return sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(identity))))
}

// isBadCredentials reports PocketBase's answer to a wrong identity or
// password: the only 400 after the form was validated (before the hook).
func isBadCredentials(err error) bool {
	var apiErr *router.ApiError
	return errors.As(err, &apiErr) && apiErr.Status == http.StatusBadRequest
}

// minutes says how long to wait, in whole minutes rounded up.
func minutes(d time.Duration) string {
	n := int(math.Ceil(d.Minutes()))
	if n <= 1 {
		return "1 minute"
	}
	return strconv.Itoa(n) + " minutes"
}

// failures counts attempts per identity in fixed windows that start at the
// first failure. Entries sit in a list in the order their windows started,
// so expired ones are dropped from the front and, when the table is full,
// the oldest goes first.
type failures struct {
	mu      sync.Mutex
	max     int
	window  time.Duration
	cap     int
	entries map[[sha256.Size]byte]*list.Element
	order   *list.List // of *failure, oldest window first
}

type failure struct {
	key   [sha256.Size]byte
	start time.Time
	count int
}

func newFailures(max int, window time.Duration, capacity int) *failures {
	return &failures{max: max, window: window, cap: capacity,
		entries: map[[sha256.Size]byte]*list.Element{}, order: list.New()}
}

// begin counts an attempt before it runs, so concurrent guesses cannot
// slip past the limit together; it refuses, with the time left, once the
// window holds max attempts.
func (f *failures) begin(key [sha256.Size]byte, now time.Time) (time.Duration, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.expire(now)
	if el, ok := f.entries[key]; ok {
		entry := el.Value.(*failure)
		if entry.count >= f.max {
			return entry.start.Add(f.window).Sub(now), false
		}
		entry.count++
		return 0, true
	}
	if len(f.entries) >= f.cap {
		f.remove(f.order.Front())
	}
	f.entries[key] = f.order.PushBack(&failure{key: key, start: now, count: 1})
	return 0, true
}

// succeeded clears an identity after a sign-in with the right password or
// a password reset.
func (f *failures) succeeded(key [sha256.Size]byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if el, ok := f.entries[key]; ok {
		f.remove(el)
	}
}

// undo takes back an attempt that was not a wrong password.
func (f *failures) undo(key [sha256.Size]byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if el, ok := f.entries[key]; ok {
		if entry := el.Value.(*failure); entry.count > 1 {
			entry.count--
		} else {
			f.remove(el)
		}
	}
}

// expire drops the entries whose window has ended (all at the front).
func (f *failures) expire(now time.Time) {
	for el := f.order.Front(); el != nil; el = f.order.Front() {
		if now.Before(el.Value.(*failure).start.Add(f.window)) {
			return
		}
		f.remove(el)
	}
}

func (f *failures) remove(el *list.Element) {
	delete(f.entries, el.Value.(*failure).key)
	f.order.Remove(el)
}

// len is the number of identities tracked (for tests).
func (f *failures) len() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.entries)
}
