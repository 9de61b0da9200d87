package hooks

import (
	"fmt"
	"slices"

	"github.com/pocketbase/pocketbase/core"

	"github.com/rollcall/rollcall/config"
)

// applyRateLimitExemptions makes PocketBase's stored rate-limit exemptions
// (RateLimits.ExcludedIPs) exactly what this start's --rate-limit-exempt
// asks for: none without the flag. A stored list would otherwise outlive
// the flag (or a dashboard edit) and keep addresses unlimited, silently.
func applyRateLimitExemptions(app core.App, cfg *config.Config) error {
	want := slices.Clone(cfg.RateLimitExempt)
	if want == nil {
		want = []string{} // stored as [], not null
	}
	settings := app.Settings()
	stored := settings.RateLimits.ExcludedIPs
	if !slices.Equal(stored, want) {
		settings.RateLimits.ExcludedIPs = want
		if err := app.Save(settings); err != nil {
			return fmt.Errorf("save rate limit exemptions: %w", err)
		}
		removed := slices.DeleteFunc(slices.Clone(stored), func(ip string) bool { return slices.Contains(want, ip) })
		if len(removed) > 0 {
			app.Logger().Warn("rate limiter exemptions not given by --rate-limit-exempt removed", "removed", removed)
		}
	}
	if len(want) > 0 {
		app.Logger().Warn("rate limiter skips these addresses", "ips", want)
	}
	return nil
}
