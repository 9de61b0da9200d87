// Package accounts is what Rollcall adds to PocketBase's own auth: mail that
// is either really sent or plainly refused, a verification mail after
// sign-up, a limit on failed sign-ins per account, usernames for new OAuth2
// users, "sign out everywhere", the start-up checks of the mail settings,
// and the require-verified rule. hooks.Register binds it.
package accounts

import (
	"fmt"
	"net/http"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/mails"
	"github.com/pocketbase/pocketbase/tools/routine"

	"github.com/rollcall/rollcall/config"
	"github.com/rollcall/rollcall/request"
)

// Users is the auth collection these hooks serve (questions.Users; not
// imported, so accounts stays below questions).
const Users = "users"

// Hooks holds the accounts half's state (the failed sign-in counts).
type Hooks struct {
	cfg     *config.Config
	signIns *failures
}

// New returns the accounts hooks; cfg is read when they run.
func New(cfg *config.Config) *Hooks {
	return &Hooks{cfg: cfg, signIns: newFailures(MaxFailedSignIns, FailedSignInWindow, maxTrackedIdentities)}
}

// Start runs before the first request: it stores --app-url and warns once
// when no mail can be sent, or when mail would carry links to this machine.
func (h *Hooks) Start(app core.App) error {
	if h.cfg.AppURL != "" && app.Settings().Meta.AppURL != h.cfg.AppURL {
		// Save a copy: a failed save leaves the live settings as they were.
		settings, err := app.Settings().Clone()
		if err != nil {
			return fmt.Errorf("copy settings: %w", err)
		}
		settings.Meta.AppURL = h.cfg.AppURL
		if err := app.Save(settings); err != nil {
			return fmt.Errorf("store --app-url %q as the application URL: %w", h.cfg.AppURL, err)
		}
	}
	for _, warning := range MailWarnings(app) {
		app.Logger().Warn(warning)
	}
	return nil
}

// MailWarnings says what is wrong with the mail setup, for the start-up
// log: no way to send mail, or mail whose links would point at this machine.
func MailWarnings(app core.App) []string {
	if !MailAvailable(app) {
		return []string{"no mail can be sent: SMTP is off (dashboard: Settings → Mail settings) and there is no sendmail; " +
			"sign-ups still work, but verification, password reset, email change and one-time codes are refused (503) until mail is set up"}
	}
	if appURL := app.Settings().Meta.AppURL; IsLocalURL(appURL) {
		return []string{fmt.Sprintf("mail links will point at %q, this machine: set --app-url (or the dashboard's Settings → Application URL) to the public address", appURL)}
	}
	return nil
}

// SendVerification mails a new account its verification link once the
// sign-up has succeeded. Mail goes in the background, as PocketBase sends
// its own, so neither a slow nor a failing mail server fails the sign-up.
func (h *Hooks) SendVerification(e *core.RecordRequestEvent) error {
	if err := e.Next(); err != nil {
		return err
	}
	record := e.Record
	if record == nil || record.Verified() || record.Email() == "" || !MailAvailable(e.App) {
		return nil
	}
	// An OAuth2 sign-up is verified by PocketBase right after this create,
	// inside its transaction: a mail now would ask for a needless click.
	if info, err := e.RequestInfo(); err == nil && info.Context == core.RequestInfoContextOAuth2 {
		return nil
	}
	app := e.App
	routine.FireAndForget(func() {
		if err := mails.SendRecordVerification(app, record); err != nil {
			app.Logger().Error("failed to send the verification mail after sign-up", "user", record.Id, "error", err)
		}
	})
	return nil
}

// RequireVerified refuses writes by unverified users when --require-verified
// is on. Guests are left to the collection's rules; superusers always pass.
func (h *Hooks) RequireVerified(e *core.RecordRequestEvent) error {
	if h.cfg.RequireVerified && e.Auth != nil && e.Auth.Collection().Name == Users && !e.Auth.Verified() {
		return e.ForbiddenError("Verify your email address to ask, answer, vote or report. "+
			"Open the link in the mail we sent you, or ask for a new one from your account page.", nil)
	}
	return e.Next()
}

// Options answers GET /api/account/options: what the sign-in and account
// pages should offer. OAuth2 providers and one-time codes come from
// PocketBase's own /api/collections/users/auth-methods.
func (h *Hooks) Options(e *core.RequestEvent) error {
	if _, err := request.Query(e, request.NoParams); err != nil {
		return err
	}
	e.Response.Header().Set("Cache-Control", "no-cache")
	return e.JSON(http.StatusOK, AccountOptions{Mail: MailAvailable(e.App), RequireVerified: h.cfg.RequireVerified})
}

// AccountOptions is the answer of GET /api/account/options.
type AccountOptions struct {
	// Mail: the server can send mail (verification, reset, codes).
	Mail bool `json:"mail"`
	// RequireVerified: writes need a verified email (--require-verified).
	RequireVerified bool `json:"requireVerified"`
}

// SignOutEverywhere answers POST /api/account/sign-out-everywhere: a new
// token key makes every token issued before it invalid, the caller's too.
func (h *Hooks) SignOutEverywhere(e *core.RequestEvent) error {
	if _, err := request.Query(e, request.NoParams); err != nil {
		return err
	}
	if e.Auth == nil || e.Auth.Collection().Name != Users { // RequireAuth(users) is bound; kept for direct callers
		return e.UnauthorizedError("Sign in first.", nil)
	}
	// A fresh copy: e.Auth is the token's snapshot of the record.
	user, err := e.App.FindRecordById(Users, e.Auth.Id)
	if err != nil {
		return e.UnauthorizedError("Sign in first.", nil)
	}
	user.RefreshTokenKey()
	// Without validation: signing out must not depend on whether some other
	// field still passes today's rules.
	if err := e.App.SaveNoValidate(user); err != nil {
		return e.InternalServerError("Failed to sign out everywhere.", err)
	}
	return e.NoContent(http.StatusNoContent)
}
