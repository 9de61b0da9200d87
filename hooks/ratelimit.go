package hooks

import (
	"fmt"
	"slices"

	"github.com/pocketbase/pocketbase/core"

	"github.com/rollcall/rollcall/config"
)

// registerRateLimitExempt stores --rate-limit-exempt in PocketBase's rate
// limit settings when the server starts. Without the flag the stored list
// (empty on a fresh install, editable in the dashboard) is left alone.
func registerRateLimitExempt(app core.App, cfg *config.Config) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		if len(cfg.RateLimitExempt) == 0 {
			return se.Next()
		}
		settings := se.App.Settings()
		if !slices.Equal(settings.RateLimits.ExcludedIPs, cfg.RateLimitExempt) {
			settings.RateLimits.ExcludedIPs = slices.Clone(cfg.RateLimitExempt)
			if err := se.App.Save(settings); err != nil {
				return fmt.Errorf("save rate limit exemptions: %w", err)
			}
		}
		se.App.Logger().Warn("rate limiter skips these addresses", "ips", cfg.RateLimitExempt)
		return se.Next()
	})
}
