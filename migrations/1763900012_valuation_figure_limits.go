package migrations

import (
	"slices"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// ValuationFigureLimits cap, per client IP, the valuation endpoints whose
// first answer for a new filter may scan most of a roll (statistics,
// facets, changes): a page view asks each once, so 60 a minute is a person
// browsing fast, not a script walking filters. Added to fresh and existing
// installs alike.
var ValuationFigureLimits = []core.RateLimitRule{
	{Label: "GET /api/valuations/stats", MaxRequests: 60, Duration: 60},
	{Label: "GET /api/valuations/facets", MaxRequests: 60, Duration: 60},
	{Label: "GET /api/valuations/changes", MaxRequests: 60, Duration: 60},
}

func init() {
	m.Register(func(app core.App) error {
		s := app.Settings()
		for _, rule := range ValuationFigureLimits {
			if !hasRateLimitRule(s.RateLimits.Rules, rule.Label) {
				s.RateLimits.Rules = append(s.RateLimits.Rules, rule)
			}
		}
		return app.Save(s)
	}, func(app core.App) error {
		s := app.Settings()
		s.RateLimits.Rules = slices.DeleteFunc(s.RateLimits.Rules, func(r core.RateLimitRule) bool {
			return hasRateLimitRule(ValuationFigureLimits, r.Label)
		})
		return app.Save(s)
	})
}
