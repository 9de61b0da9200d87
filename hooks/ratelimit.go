package hooks

import (
	"fmt"
	"slices"

	"github.com/pocketbase/pocketbase/core"

	"github.com/rollcall/rollcall/config"
)

// applyRateLimitExemptions stores --rate-limit-exempt in PocketBase's rate
// limit settings when the server starts. Without the flag the stored list
// (empty on a fresh install, editable in the dashboard) is left alone.
func applyRateLimitExemptions(app core.App, cfg *config.Config) error {
	if len(cfg.RateLimitExempt) == 0 {
		return nil
	}
	settings := app.Settings()
	if !slices.Equal(settings.RateLimits.ExcludedIPs, cfg.RateLimitExempt) {
		settings.RateLimits.ExcludedIPs = slices.Clone(cfg.RateLimitExempt)
		if err := app.Save(settings); err != nil {
			return fmt.Errorf("save rate limit exemptions: %w", err)
		}
	}
	app.Logger().Warn("rate limiter skips these addresses", "ips", cfg.RateLimitExempt)
	return nil
}
