package migrations

import (
	"fmt"
	"slices"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// ValuationRateLimits are added to a fresh or existing install for the
// public valuation API. The CSV export streams up to the whole roll, so it
// gets the tightest limit; PocketBase's own lists of these collections take
// arbitrary filters, so they get less room than the question lists.
var ValuationRateLimits = []core.RateLimitRule{
	{Label: "GET /api/valuations/export", MaxRequests: 5, Duration: 60},
	{Label: "properties:list", MaxRequests: 30, Duration: 10},
	{Label: "property_history:list", MaxRequests: 30, Duration: 10},
}

// valuationIndexes serve the valuation API's filters and sorts. Each sort
// index ends in id, the API's tie-break, so a sorted page is an index walk.
var valuationIndexes = map[string]string{
	"idx_properties_market_value":   "`market_value`, `id`",
	"idx_properties_extent":         "`extent`, `id`",
	"idx_properties_rate_number":    "`rate_number`, `id`",
	"idx_properties_address":        "`address`, `id`",
	"idx_properties_address_suburb": "`address_suburb` COLLATE NOCASE, `id`",
	// A suburb in the default rate-number order: one index range, no sort.
	"idx_properties_suburb_rate":   "`address_suburb` COLLATE NOCASE, `rate_number`, `id`",
	"idx_properties_scheme":        "`scheme` COLLATE NOCASE",
	"idx_properties_street_number": "`street_number`",
	"idx_properties_updated":       "`updated`, `id`",
}

// searchIndexSQL creates the trigram index of owners and addresses (a
// contentless FTS5 table keyed by properties' rowid; remove_diacritics so
// "Müller" is found by "muller"), the triggers that keep it in step, and
// fills it. scraper/store keeps it afterwards; its test holds its copy of
// the triggers to these.
var searchIndexSQL = []string{
	`CREATE VIRTUAL TABLE IF NOT EXISTS properties_search USING fts5(
		address, owner, content='', contentless_delete=1, tokenize='trigram remove_diacritics 1')`,
	`CREATE TRIGGER IF NOT EXISTS properties_search_insert AFTER INSERT ON properties BEGIN
			INSERT INTO properties_search(rowid, address, owner) VALUES (new.rowid, coalesce(new.address, ''), ` + ownerOfNew + `);
		END`,
	`CREATE TRIGGER IF NOT EXISTS properties_search_update AFTER UPDATE OF address, first_owner, owners ON properties BEGIN
			DELETE FROM properties_search WHERE rowid = old.rowid;
			INSERT INTO properties_search(rowid, address, owner) VALUES (new.rowid, coalesce(new.address, ''), ` + ownerOfNew + `);
		END`,
	`CREATE TRIGGER IF NOT EXISTS properties_search_delete AFTER DELETE ON properties BEGIN
			DELETE FROM properties_search WHERE rowid = old.rowid;
		END`,
	`INSERT INTO properties_search(rowid, address, owner)
		SELECT p.rowid, coalesce(p.address, ''), coalesce(p.first_owner, '') || char(10) || coalesce((SELECT group_concat(value, char(10)) FROM json_each(CASE WHEN json_valid(p.owners) THEN p.owners END)), '') FROM properties p`,
}

// ownerOfNew is what the owner column indexes: the first owner and, when
// details were scraped, every registered owner, one per line.
const ownerOfNew = "coalesce(new.first_owner, '') || char(10) || coalesce((SELECT group_concat(value, char(10)) FROM json_each(CASE WHEN json_valid(new.owners) THEN new.owners END)), '')"

var dropSearchIndexSQL = []string{
	"DROP TRIGGER IF EXISTS properties_search_insert",
	"DROP TRIGGER IF EXISTS properties_search_update",
	"DROP TRIGGER IF EXISTS properties_search_delete",
	"DROP TABLE IF EXISTS properties_search",
}

// The valuation API: public reads of the roll (writes stay with the scraper
// and superusers), the indexes its queries need, a trigram search index for
// owner and address, and rate limits.
func init() {
	m.Register(func(app core.App) error {
		props, err := app.FindCollectionByNameOrId("properties")
		if err != nil {
			return err
		}
		// The API's rate-number index replaces (roll, rate_number), and
		// nothing looks properties up by suburb_id: fewer indexes for the
		// scraper to keep.
		props.RemoveIndex("idx_properties_roll_rate")
		props.RemoveIndex("idx_properties_suburb")
		for name, columns := range valuationIndexes {
			props.AddIndex(name, false, columns, "")
		}
		// Anyone may read the roll (it is public record); only superusers
		// write. The scrape log stays superuser-only: /api/valuations/runs
		// shows its public figures without the lease details.
		public := ""
		props.ListRule, props.ViewRule = &public, &public
		if err := app.Save(props); err != nil {
			return fmt.Errorf("index properties: %w", err)
		}
		history, err := app.FindCollectionByNameOrId("property_history")
		if err != nil {
			return err
		}
		history.ListRule, history.ViewRule = &public, &public
		if err := app.Save(history); err != nil {
			return fmt.Errorf("open property_history: %w", err)
		}

		for _, q := range searchIndexSQL {
			if _, err := app.DB().NewQuery(q).Execute(); err != nil {
				return fmt.Errorf("search index: %w", err)
			}
		}

		s := app.Settings()
		for _, rule := range ValuationRateLimits {
			if !slices.ContainsFunc(s.RateLimits.Rules, func(r core.RateLimitRule) bool { return r.Label == rule.Label }) {
				s.RateLimits.Rules = append(s.RateLimits.Rules, rule)
			}
		}
		return app.Save(s)
	}, func(app core.App) error {
		for _, q := range dropSearchIndexSQL {
			if _, err := app.DB().NewQuery(q).Execute(); err != nil {
				return fmt.Errorf("drop search index: %w", err)
			}
		}
		s := app.Settings()
		s.RateLimits.Rules = slices.DeleteFunc(s.RateLimits.Rules, func(r core.RateLimitRule) bool {
			return slices.ContainsFunc(ValuationRateLimits, func(v core.RateLimitRule) bool { return v.Label == r.Label })
		})
		if err := app.Save(s); err != nil {
			return err
		}
		for _, name := range []string{"properties", "property_history"} {
			col, err := app.FindCollectionByNameOrId(name)
			if err != nil {
				return err
			}
			col.ListRule, col.ViewRule = nil, nil
			if name == "properties" {
				for index := range valuationIndexes {
					col.RemoveIndex(index)
				}
				col.AddIndex("idx_properties_roll_rate", false, "`roll`, `rate_number`", "")
				col.AddIndex("idx_properties_suburb", false, "`suburb_id`", "")
			}
			if err := app.Save(col); err != nil {
				return err
			}
		}
		return nil
	})
}
