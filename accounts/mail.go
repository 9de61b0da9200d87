package accounts

import (
	"net"
	"net/http"
	"net/url"
	"os/exec"
	"strings"

	"github.com/pocketbase/pocketbase/core"
)

// SendmailPaths are the commands PocketBase's sendmail client looks up, in
// its order (tools/mailer/sendmail.go), when SMTP is off. A variable so
// tests can make a machine that has sendmail look like one without.
var SendmailPaths = []string{"/usr/sbin/sendmail", "/usr/bin/sendmail", "sendmail"}

// MailAvailable reports whether PocketBase has a way to send mail: SMTP is
// on in the settings, or a sendmail command exists for its fallback client.
// It cannot tell whether the server will accept the mail; failures are logged.
func MailAvailable(app core.App) bool {
	if app.Settings().SMTP.Enabled {
		return true
	}
	for _, path := range SendmailPaths {
		if _, err := exec.LookPath(path); err == nil {
			return true
		}
	}
	return false
}

// IsLocalURL reports whether an application URL points at this machine
// (localhost, a loopback or unspecified address), or is no URL at all: a
// link to it in a mail opens nothing on the reader's computer.
func IsLocalURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Hostname() == "" {
		return true
	}
	host := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && (ip.IsLoopback() || ip.IsUnspecified())
}

// mailActions are PocketBase's auth routes that send a mail (matched by the
// router's pattern, so "USERS" and the collection's id are caught too).
// Their handlers answer 204 for an unknown address before any hook runs, so
// the gate sits in front of them, in the router.
var mailActions = map[string]bool{
	"POST /api/collections/{collection}/request-password-reset": true,
	"POST /api/collections/{collection}/request-verification":   true,
	"POST /api/collections/{collection}/request-email-change":   true,
	"POST /api/collections/{collection}/request-otp":            true,
}

// MailUnavailableMessage is the 503's message while no mail can be sent.
const MailUnavailableMessage = "This server can't send email yet, so it can't send you a link or a code right now — ask the site's administrators."

// MailGate refuses, before PocketBase handles them, the users' requests that
// send mail when this server cannot send any, the same way whether or not
// the address exists: a 204 would promise a mail that never comes.
func (h *Hooks) MailGate(e *core.RequestEvent) error {
	if !mailActions[e.Request.Pattern] || MailAvailable(e.App) {
		return e.Next()
	}
	users, err := e.App.FindCachedCollectionByNameOrId(e.Request.PathValue("collection"))
	if err != nil || users.Name != Users {
		return e.Next() // superusers have the dashboard; unknown collections get PocketBase's 404
	}
	switch {
	// One-time codes switched off: PocketBase's own 403 says so, and says
	// nothing about any address.
	case strings.HasSuffix(e.Request.Pattern, "/request-otp") && !users.OTP.Enabled:
		return e.Next()
	// An email change needs a signed-in user: PocketBase's 401 comes first.
	case strings.HasSuffix(e.Request.Pattern, "/request-email-change") && e.Auth == nil:
		return e.Next()
	}
	return e.Error(http.StatusServiceUnavailable, MailUnavailableMessage, nil)
}
