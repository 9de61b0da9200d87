package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Profiles are fetched for new and changed properties plus a refresh budget
// of the longest-unrefreshed ones, so each property records when its
// profile was last read (details_at, indexed for "oldest first"). The run
// log gains the "blocked" ending (the site kept answering with its firewall
// page) and its politeness accounting (requests by kind, bytes, waits).
func init() {
	m.Register(func(app core.App) error {
		props, err := app.FindCollectionByNameOrId("properties")
		if err != nil {
			return err
		}
		props.Fields.Add(&core.DateField{Name: "details_at"})
		props.AddIndex("idx_properties_details_at", false, "`details_at`", "")
		if err := app.Save(props); err != nil {
			return fmt.Errorf("add details_at: %w", err)
		}
		runs, err := app.FindCollectionByNameOrId("scrape_runs")
		if err != nil {
			return err
		}
		status, _ := runs.Fields.GetByName("status").(*core.SelectField)
		if status == nil {
			return fmt.Errorf("scrape_runs has no status select")
		}
		status.Values = []string{"running", "ok", "partial", "failed", "blocked"}
		runs.Fields.Add(&core.JSONField{Name: "fetches"})
		if err := app.Save(runs); err != nil {
			return fmt.Errorf("extend scrape_runs: %w", err)
		}
		return nil
	}, func(app core.App) error {
		props, err := app.FindCollectionByNameOrId("properties")
		if err != nil {
			return err
		}
		props.RemoveIndex("idx_properties_details_at")
		props.Fields.RemoveByName("details_at")
		if err := app.Save(props); err != nil {
			return err
		}
		runs, err := app.FindCollectionByNameOrId("scrape_runs")
		if err != nil {
			return err
		}
		if status, ok := runs.Fields.GetByName("status").(*core.SelectField); ok {
			status.Values = []string{"running", "ok", "partial", "failed"}
		}
		runs.Fields.RemoveByName("fetches")
		return app.Save(runs)
	})
}
