package hooks

import (
	"github.com/pocketbase/pocketbase/core"

	"github.com/rollcall/rollcall/config"
	"github.com/rollcall/rollcall/questions"
)

// RolloverJobID names the cron job in the dashboard (Settings → Crons).
const RolloverJobID = "rollcall_day_rollover"

// registerRollover drops the "asked today" bonus once a question's day ends.
// The job runs every minute rather than at "0 0 * * *": the cron ticks in
// UTC, and a zone whose daylight-saving jump skips midnight would never fire
// a midnight job. Each tick is one indexed query when nothing is due.
func registerRollover(app core.App, cfg *config.Config) {
	run := func(app core.App) {
		n, err := questions.ExpireBonuses(app, cfg.Now())
		if err != nil {
			// PocketBase's cron drops a job's errors; log them ourselves.
			app.Logger().Error("day rollover failed", "error", err)
			return
		}
		if n > 0 {
			app.Logger().Info("day rollover", "questions", n)
		}
	}

	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		// Catch up on days missed while the binary was down, before serving.
		run(se.App)
		se.App.Cron().MustAdd(RolloverJobID, "* * * * *", func() { run(se.App) })
		return se.Next()
	})
}
