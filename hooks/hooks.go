// Package hooks binds Rollcall's behaviour to a PocketBase app: ranking kept
// exact inside each write's transaction, the day rollover, request checks
// that name the offending field, and the home page's top-20 endpoint.
package hooks

import (
	"github.com/pocketbase/pocketbase/core"

	"github.com/rollcall/rollcall/config"
)

// Register binds every hook, job and route to app. main and the tests call
// it alike, so tests exercise exactly what the binary runs.
func Register(app core.App, cfg *config.Config) {
	registerUsers(app)
	registerQuestions(app, cfg)
	registerTally(app, cfg)
	registerWriteChecks(app)
	registerBodyCheck(app)
	registerRollover(app, cfg)
	registerTop(app)
	registerScrape(app, cfg)
	registerValuations(app, cfg)
	registerRateLimitExempt(app, cfg)
	registerBanner(app, cfg)
}
