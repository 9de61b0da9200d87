// Package hooks is the one place that binds Rollcall to a PocketBase app:
// every record hook, start-up step, route, cron job and shutdown step of
// both halves, in the order they run. Reading Register tells you all the
// binary adds to PocketBase; the behaviour itself lives in the halves'
// packages (questions, valuations, scraper) and in request, crossprocess
// and ui.
package hooks

import (
	"io"
	"io/fs"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/rollcall/rollcall/accounts"
	"github.com/rollcall/rollcall/config"
	"github.com/rollcall/rollcall/crossprocess"
	"github.com/rollcall/rollcall/moderation"
	"github.com/rollcall/rollcall/questions"
	"github.com/rollcall/rollcall/request"
	"github.com/rollcall/rollcall/scraper/store"
	"github.com/rollcall/rollcall/ui"
	"github.com/rollcall/rollcall/valuations"
	"github.com/rollcall/rollcall/valuations/trigger"
)

// Cron job ids, as the dashboard lists them (Settings → Crons).
const (
	RolloverJobID = "rollcall_day_rollover"
	ScrapeJobID   = trigger.JobID
	WarmJobID     = "rollcall_valuations_warm"
)

// Register binds everything to app; public is the site (pb_public). main
// and the tests call it alike, so tests exercise exactly what the binary
// runs. cfg is read when hooks run: flags are parsed after this.
func Register(app core.App, cfg *config.Config, public fs.FS) {
	h := handlers{
		questions:  questions.NewHooks(cfg),
		accounts:   accounts.New(cfg),
		moderation: moderation.New(),
		valuations: valuations.NewAPI(app, cfg),
		scrapes:    trigger.New(app, cfg),
	}
	bindRecordHooks(app, h)

	var watchers []io.Closer
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		// 1. Start-up steps, before the first request is served.
		if err := applyRateLimitExemptions(se.App, cfg); err != nil {
			return err
		}
		if err := h.accounts.Start(se.App); err != nil { // app URL, mail check
			return err
		}
		// A first load cut short leaves indexes to build; a dashboard schema
		// change or a VACUUM can leave the search index behind the table.
		if err := store.EnsureIndexes(se.App); err != nil {
			return err
		}
		// A dashboard schema change can drop the question search's triggers,
		// a VACUUM renumber its rows.
		if _, err := questions.EnsureSearch(se.App); err != nil {
			return err
		}
		// A schema change of answers or votes drops the counter triggers;
		// rows written meanwhile are recounted.
		if err := h.questions.EnsureCounters(se.App); err != nil {
			return err
		}
		h.questions.ExpireBonuses(se.App) // catch up on days missed while down
		watchers = watchOtherProcesses(se.App, h.questions.OtherWrites(se.App))

		// 2. Routes, behind the strict body check.
		se.Router.Bind(request.BodyCheck())
		se.Router.BindFunc(h.accounts.MailGate)
		se.Router.BindFunc(h.moderation.RefuseMultiMatchFilters)
		se.Router.Bind(ui.QuietMailLinks())
		site, err := ui.NewSite(public)
		if err != nil {
			return err
		}
		h.site = site
		bindRoutes(se, h)

		// 3. Crons. PocketBase's cron ticks in UTC for every job: both check
		// their own zone each minute (a midnight job would never fire on a
		// day whose daylight-saving jump skips midnight).
		se.App.Cron().MustAdd(RolloverJobID, "* * * * *", func() { h.questions.ExpireBonuses(se.App) })
		se.App.Cron().MustAdd(ScrapeJobID, "* * * * *", h.scrapes.Scheduled)
		// The first finder requests after a scrape would read the year for
		// seconds: read it once the data has settled.
		warmer := h.valuations.Warmer()
		se.App.Cron().MustAdd(WarmJobID, "* * * * *", func() {
			if _, err := warmer.Tick(); err != nil {
				se.App.Logger().Warn("warming the valuation finder failed", "error", err)
			}
		})

		// 4. PocketBase starts listening, then the banner.
		return serveWithBanner(se, cfg)
	})

	// Running scrapes hand back their lease before the database closes.
	app.OnTerminate().BindFunc(h.scrapes.Stop)
	app.OnTerminate().BindFunc(func(e *core.TerminateEvent) error {
		for _, w := range watchers {
			_ = w.Close()
		}
		return e.Next()
	})
}

// bindRecordHooks binds what runs on record writes, whoever writes: REST,
// dashboard, Go code or a CLI command.
func bindRecordHooks(app core.App, h handlers) {
	q := h.questions
	// Users: emails private, every account a display name, typed bodies.
	app.OnRecordCreate(questions.Users).BindFunc(q.NormalizeUser)
	app.OnRecordUpdate(questions.Users).BindFunc(q.NormalizeUser)
	app.OnRecordCreateRequest(questions.Users).BindFunc(q.CheckUserBody)
	app.OnRecordUpdateRequest(questions.Users).BindFunc(q.CheckUserBody)

	// Accounts: mail after sign-up, sign-in limits, OAuth2 usernames, and
	// (with --require-verified) verified users only for every write that speaks.
	a := h.accounts
	app.OnRecordCreateRequest(questions.Users).BindFunc(a.SendVerification)
	app.OnRecordAuthWithPasswordRequest(questions.Users, core.CollectionNameSuperusers).BindFunc(a.LimitFailedSignIns)
	app.OnRecordConfirmPasswordResetRequest(questions.Users, core.CollectionNameSuperusers).BindFunc(a.LiftSignInLimit)
	app.OnRecordAuthWithOAuth2Request(questions.Users).BindFunc(a.NameOAuth2User)
	app.OnRecordCreateRequest(questions.Questions, questions.Answers, questions.Votes, moderation.Reports).BindFunc(a.RequireVerified)
	app.OnRecordUpdateRequest(questions.Questions, questions.Answers, questions.Votes).BindFunc(a.RequireVerified)

	// Moderation: reports, and actions applied with their log row.
	m := h.moderation
	app.OnRecordCreateRequest(moderation.Reports).BindFunc(m.CheckReport)
	app.OnRecordCreateRequest(moderation.Actions).BindFunc(m.CheckAction)
	app.OnRecordCreateExecute(moderation.Actions).BindFunc(m.ApplyAction)
	app.OnRecordAfterCreateSuccess(moderation.Actions).BindFunc(m.Announce)
	app.OnRealtimeSubscribeRequest().BindFunc(m.RefuseMultiMatchSubscriptions)

	// Questions, answers, votes: what a client may send, and what never changes.
	app.OnRecordCreateRequest(questions.Questions, questions.Answers, questions.Votes).BindFunc(q.CheckCreateBody)
	app.OnRecordUpdateRequest(questions.Questions, questions.Answers, questions.Votes).BindFunc(q.CheckUpdateBody)
	app.OnRecordValidate(questions.Questions, questions.Answers, questions.Votes).BindFunc(q.KeepImmutable)
	app.OnRecordCreate(questions.Questions, questions.Answers).BindFunc(q.TrimText)
	app.OnRecordUpdate(questions.Questions, questions.Answers).BindFunc(q.TrimText)
	app.OnRecordUpdate(questions.Questions).BindFunc(q.MarkEdited)

	// Ranking kept exact: answers and votes are counted by SQLite's own
	// triggers in the row's statement (migration 1763900010); a question's
	// own save is recounted in its transaction.
	app.OnRecordCreateExecute(questions.Questions).BindFunc(q.StartQuestionDay)
	app.OnRecordUpdateExecute(questions.Questions).BindFunc(q.RecountQuestion)
	app.OnRecordCreateExecute(questions.Answers, questions.Votes).BindFunc(q.CheckCounted)

	// Caches dropped once a write has committed.
	app.OnRecordAfterCreateSuccess(questions.Questions).BindFunc(q.DropTop)
	app.OnRecordAfterUpdateSuccess(questions.Questions, questions.Users).BindFunc(q.DropTop)
	app.OnRecordAfterDeleteSuccess(questions.Questions, questions.Users).BindFunc(q.DropTop)
	app.OnRecordAfterCreateSuccess(questions.Answers, questions.Votes).BindFunc(q.Counted)
	app.OnRecordAfterUpdateSuccess(questions.Answers, questions.Votes).BindFunc(q.Counted)
	app.OnRecordAfterDeleteSuccess(questions.Answers, questions.Votes).BindFunc(q.Counted)
	app.OnRecordAfterDeleteSuccess(valuations.Properties).BindFunc(h.valuations.PropertyDeleted)
}

// watchOtherProcesses calls onChange when a CLI command on the same data dir
// announces a write, and when any other connection commits to data.db (SQL
// run in another tool says nothing). Without them caches follow only this
// process's writes: say so, don't fail.
func watchOtherProcesses(app core.App, onChange func()) []io.Closer {
	var out []io.Closer
	w, err := crossprocess.Watch(app.DataDir(), onChange)
	if err != nil {
		app.Logger().Warn("cannot watch for other processes' writes", "dir", app.DataDir(), "error", err)
	} else {
		out = append(out, w)
	}
	if db, ok := app.NonconcurrentDB().(*dbx.DB); ok { // the write connection: own commits do not count
		w, err := crossprocess.WatchDatabase(db.DB(), crossprocess.PollEvery, onChange)
		if err != nil {
			app.Logger().Warn("cannot watch the database for other connections' writes", "error", err)
		} else {
			out = append(out, w)
		}
	}
	return out
}
