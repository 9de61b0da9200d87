package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// RateLimitRules are the limits a fresh install starts with, per client IP,
// fixed windows. docs/operations.md's rate-limit table lists the same numbers; the
// dashboard (Settings → Rate limiting) can change them afterwards.
var RateLimitRules = []core.RateLimitRule{
	// Password, OTP and OAuth2 sign-ins: slows guessing to 10 tries a minute.
	{Label: "*:auth", MaxRequests: 10, Duration: 60},
	// Sign-ups: a person needs one; a script wants hundreds.
	{Label: "users:create", MaxRequests: 5, Duration: 60},
	// Asking, answering, voting: generous for a person clicking fast.
	{Label: "*:create", MaxRequests: 30, Duration: 10},
	{Label: "*:update", MaxRequests: 30, Duration: 10},
	{Label: "*:delete", MaxRequests: 30, Duration: 10},
	// Record lists (the filterable, costlier reads).
	{Label: "*:list", MaxRequests: 150, Duration: 10},
	{Label: "/api/batch", MaxRequests: 3, Duration: 1},
	// Everything else under /api/, the top-20 endpoint included.
	{Label: "/api/", MaxRequests: 300, Duration: 10},
}

func init() {
	m.Register(func(app core.App) error {
		s := app.Settings()
		s.Meta.AppName = "Rollcall"
		s.RateLimits.Enabled = true
		s.RateLimits.Rules = RateLimitRules
		return app.Save(s)
	}, func(app core.App) error {
		s := app.Settings()
		s.RateLimits.Enabled = false
		return app.Save(s)
	})
}
