package accounts

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/rollcall/rollcall/config"
)

var t0 = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

func TestFailuresRefusePastTheLimitUntilTheWindowEnds(t *testing.T) {
	f := newFailures(3, 15*time.Minute, 100)
	alice, bob := identityKey("alice"), identityKey("bob")
	for i := range 3 {
		if _, ok := f.begin(alice, t0.Add(time.Duration(i)*time.Minute)); !ok {
			t.Fatalf("attempt %d refused", i+1)
		}
	}
	wait, ok := f.begin(alice, t0.Add(5*time.Minute))
	if ok || wait != 10*time.Minute {
		t.Fatalf("4th attempt: ok=%v wait=%s, want refused with 10m left", ok, wait)
	}
	// Another identity has its own count.
	if _, ok := f.begin(bob, t0.Add(5*time.Minute)); !ok {
		t.Fatal("bob refused because of alice's failures")
	}
	// The window starts at the first failure and does not slide.
	if _, ok := f.begin(alice, t0.Add(15*time.Minute-time.Second)); ok {
		t.Fatal("allowed before the window ended")
	}
	if _, ok := f.begin(alice, t0.Add(15*time.Minute)); !ok {
		t.Fatal("still refused after the window ended")
	}
}

func TestFailuresSuccessClearsAndUndoTakesBack(t *testing.T) {
	f := newFailures(2, time.Hour, 100)
	k := identityKey("carol")
	f.begin(k, t0)
	f.succeeded(k)
	if f.len() != 0 {
		t.Fatal("a success left the identity counted")
	}
	// Attempts that were not wrong passwords (server errors) do not count.
	for range 5 {
		if _, ok := f.begin(k, t0); !ok {
			t.Fatal("undone attempts counted")
		}
		f.undo(k)
	}
	f.begin(k, t0)
	f.begin(k, t0)
	if _, ok := f.begin(k, t0); ok {
		t.Fatal("3rd failure allowed with a limit of 2")
	}
}

func TestFailuresStayBounded(t *testing.T) {
	f := newFailures(1, time.Minute, 3)
	keys := []string{"a", "b", "c", "d"}
	for i, k := range keys {
		f.begin(identityKey(k), t0.Add(time.Duration(i)*time.Second))
	}
	if f.len() != 3 {
		t.Fatalf("%d entries, want the cap of 3", f.len())
	}
	// The oldest ("a") made room: it may try again; "b" is still counted.
	if _, ok := f.begin(identityKey("a"), t0.Add(5*time.Second)); !ok {
		t.Fatal("the oldest entry was not the one dropped")
	}
	if _, ok := f.begin(identityKey("d"), t0.Add(5*time.Second)); ok {
		t.Fatal("a recent entry was dropped")
	}
	// Expired entries go as soon as anyone signs in.
	f.begin(identityKey("e"), t0.Add(2*time.Minute))
	if f.len() != 1 {
		t.Fatalf("%d entries after the window, want only the new one", f.len())
	}
}

func TestIdentityKeyIsNormalised(t *testing.T) {
	if identityKey("  Alice@Example.COM ") != identityKey("alice@example.com") {
		t.Fatal("case or spaces give another count")
	}
	if identityKey("alice") == identityKey("alice2") {
		t.Fatal("different identities share a count")
	}
}

func TestMinutes(t *testing.T) {
	for d, want := range map[time.Duration]string{
		30 * time.Second:                "1 minute",
		time.Minute:                     "1 minute",
		time.Minute + time.Second:       "2 minutes",
		14*time.Minute + 30*time.Second: "15 minutes",
	} {
		if got := minutes(d); got != want {
			t.Errorf("minutes(%s) = %q, want %q", d, got, want)
		}
	}
}

// The hook itself: failures are PocketBase's 400 from the final handler;
// past the limit the answer is a 429 with Retry-After, before any check.
func TestLimitFailedSignInsHook(t *testing.T) {
	now := t0
	cfg := config.New()
	cfg.Now = func() time.Time { return now }
	h := New(cfg)
	var h2 hook.Hook[*core.RecordAuthWithPasswordRequestEvent]
	h2.BindFunc(h.LimitFailedSignIns)
	checked := 0
	try := func(identity string, right bool) (http.Header, error) {
		e := &core.RecordAuthWithPasswordRequestEvent{RequestEvent: &core.RequestEvent{}, Identity: identity}
		rec := httptest.NewRecorder()
		e.Response, e.Request = rec, httptest.NewRequest(http.MethodPost, "/", nil)
		err := h2.Trigger(e, func(e *core.RecordAuthWithPasswordRequestEvent) error {
			checked++
			if right {
				return nil
			}
			return router.NewBadRequestError("Failed to authenticate.", nil)
		})
		return rec.Header(), err
	}
	for range MaxFailedSignIns {
		if _, err := try("dora", false); !isBadCredentials(err) {
			t.Fatalf("failure: %v", err)
		}
	}
	now = now.Add(time.Minute)
	checked = 0
	header, err := try("dora", true)
	var apiErr *router.ApiError
	if !errors.As(err, &apiErr) || apiErr.Status != 429 || apiErr.Message != "Too many failed sign-ins for this account. Try again in 14 minutes." {
		t.Fatalf("past the limit: %v", err)
	}
	if header.Get("Retry-After") != "840" || checked != 0 {
		t.Fatalf("Retry-After %q, password checked %d times", header.Get("Retry-After"), checked)
	}
	// A server error is not a failure: it is not counted.
	errServer := router.NewInternalServerError("", nil)
	for range MaxFailedSignIns + 1 {
		e := &core.RecordAuthWithPasswordRequestEvent{RequestEvent: &core.RequestEvent{}, Identity: "eli"}
		e.Response, e.Request = httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/", nil)
		if err := h2.Trigger(e, func(*core.RecordAuthWithPasswordRequestEvent) error { return errServer }); err != errServer {
			t.Fatalf("server error: %v", err)
		}
	}
	if _, err := try("eli", true); err != nil {
		t.Fatalf("server errors counted as failures: %v", err)
	}
}
