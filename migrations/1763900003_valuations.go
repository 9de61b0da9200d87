package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The valuation roll as scraped: properties, the history of their changed
// values, and the scraper's run log. Only the scraper (and superusers) write;
// the API rules leave every write rule nil (superusers only). Reads are
// opened by the valuation API issue; until then nil (superusers only) too.
func init() {
	m.Register(func(app core.App) error {
		runs := core.NewBaseCollection("scrape_runs")
		runs.Fields.Add(
			&core.DateField{Name: "started", Required: true},
			&core.DateField{Name: "finished"},
			&core.SelectField{Name: "status", Required: true, MaxSelect: 1, Values: []string{"running", "ok", "partial", "failed"}},
			&core.TextField{Name: "rolls", Required: true, Presentable: true}, // "full", "sectional" or "full,sectional"
			&core.TextField{Name: "scope"}, // "" for whole rolls, else the suburb filter
			&core.TextField{Name: "base_url", Required: true},
			&core.BoolField{Name: "details"},
			&core.JSONField{Name: "options"}, // delay, concurrency: what a resume reuses
			// The lease: a run belongs to the process that holds it while its
			// heartbeat is fresh; a stale lease is taken over.
			&core.TextField{Name: "lease_owner"},
			&core.DateField{Name: "heartbeat"},
			runCounter("partitions_done"), runCounter("partitions_split"),
			runCounter("partitions_failed"), runCounter("partitions_incomplete"),
			runCounter("rows_seen"), runCounter("rows_new"), runCounter("rows_changed"),
			runCounter("rows_unchanged"), runCounter("rows_gone"),
			runCounter("requests"), runCounter("retries"),
			&core.JSONField{Name: "errors"},
		)
		runs.AddIndex("idx_scrape_runs_status", false, "`status`, `started`", "")
		if err := app.Save(runs); err != nil {
			return fmt.Errorf("create scrape_runs: %w", err)
		}

		props := core.NewBaseCollection("properties")
		props.Fields.Add(
			&core.SelectField{Name: "roll", Required: true, MaxSelect: 1, Values: []string{"full", "sectional"}},
			&core.TextField{Name: "pin", Required: true},
			&core.TextField{Name: "rate_number", Presentable: true},
			&core.TextField{Name: "legal_description"},
			&core.TextField{Name: "address"},
			&core.TextField{Name: "address_raw"},
			&core.TextField{Name: "street_number"},
			&core.TextField{Name: "street"},
			&core.TextField{Name: "address_suburb"},
			&core.TextField{Name: "first_owner"},
			// Numbers that the site may leave empty are JSON fields so that
			// "no value" is SQL NULL (and null in the API), never 0. Their
			// column has NUMERIC affinity, so stored numbers sort and index
			// as numbers.
			&core.JSONField{Name: "use_code"},
			&core.TextField{Name: "use_label"},
			&core.TextField{Name: "rating_category"},
			&core.JSONField{Name: "market_value"}, // integer rands
			&core.JSONField{Name: "extent"},       // m²
			// Where it was found: the suburb (or scheme) dropdown entry and
			// the query partition.
			&core.TextField{Name: "suburb_id"},
			&core.TextField{Name: "suburb"},
			&core.TextField{Name: "scheme"},
			&core.TextField{Name: "partition"},
			// From the detail page (--details).
			&core.TextField{Name: "erf"},
			&core.TextField{Name: "deeds_town"},
			&core.TextField{Name: "scheme_name"},
			&core.TextField{Name: "scheme_number"},
			&core.TextField{Name: "section_number"},
			&core.JSONField{Name: "owners"},
			&core.DateField{Name: "first_seen"},
			&core.DateField{Name: "last_seen"},
			&core.DateField{Name: "gone_at"},
			&core.AutodateField{Name: "created", OnCreate: true},
			&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
		)
		// The site's PIN is the identity: every row has one (rows without a
		// rate number too), and it survives a rate-number change.
		props.AddIndex("idx_properties_roll_pin", true, "`roll`, `pin`", "")
		props.AddIndex("idx_properties_roll_rate", false, "`roll`, `rate_number`", "")
		props.AddIndex("idx_properties_suburb", false, "`suburb_id`", "")
		if err := app.Save(props); err != nil {
			return fmt.Errorf("create properties: %w", err)
		}

		history := core.NewBaseCollection("property_history")
		history.Fields.Add(
			&core.RelationField{Name: "property", Required: true, MaxSelect: 1, CollectionId: props.Id, CascadeDelete: true},
			&core.RelationField{Name: "run", MaxSelect: 1, CollectionId: runs.Id},
			&core.TextField{Name: "field", Required: true},
			&core.JSONField{Name: "old"},
			&core.JSONField{Name: "new"},
			&core.DateField{Name: "at", Required: true},
		)
		history.AddIndex("idx_property_history_property", false, "`property`, `at`", "")
		history.AddIndex("idx_property_history_run", false, "`run`", "")
		if err := app.Save(history); err != nil {
			return fmt.Errorf("create property_history: %w", err)
		}

		// Per-partition checkpoints of a run: plain bookkeeping, not a
		// collection. pins lists the properties a done partition held, so a
		// resumed run still knows what it has seen.
		_, err := app.DB().NewQuery(`CREATE TABLE scrape_checkpoints (
			run TEXT NOT NULL,
			key TEXT NOT NULL,
			status TEXT NOT NULL,
			rows INTEGER NOT NULL DEFAULT 0,
			pins TEXT NOT NULL DEFAULT '',
			error TEXT NOT NULL DEFAULT '',
			PRIMARY KEY (run, key)
		) WITHOUT ROWID`).Execute()
		if err != nil {
			return fmt.Errorf("create scrape_checkpoints: %w", err)
		}
		return nil
	}, func(app core.App) error {
		if _, err := app.DB().NewQuery("DROP TABLE IF EXISTS scrape_checkpoints").Execute(); err != nil {
			return fmt.Errorf("drop scrape_checkpoints: %w", err)
		}
		for _, name := range []string{"property_history", "properties", "scrape_runs"} {
			col, err := app.FindCollectionByNameOrId(name)
			if err != nil {
				continue
			}
			if err := app.Delete(col); err != nil {
				return fmt.Errorf("drop %s: %w", name, err)
			}
		}
		return nil
	})
}

func runCounter(name string) *core.NumberField {
	return &core.NumberField{Name: name, OnlyInt: true}
}
