package questions

import (
	"context"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/rollcall/rollcall/config"
)

// Hooks are the questions half's record hooks and its top-20 handler, bound
// by hooks.Register. They keep every question's counters and ranking exact
// whoever writes (REST, dashboard, Go code) and hold the top-20 caches.
type Hooks struct {
	cfg      *config.Config // read per call: flags are parsed after binding
	top      *topCache
	personal *personalCache
}

// NewHooks returns the hooks with cfg's clock and zone (the calendar day
// "asked today" means).
func NewHooks(cfg *config.Config) *Hooks {
	return &Hooks{cfg: cfg, top: &topCache{}, personal: newPersonalCache()}
}

// NormalizeUser keeps emails private whatever a client asks for, and gives
// every account a display name.
func (h *Hooks) NormalizeUser(e *core.RecordEvent) error {
	e.Record.SetEmailVisibility(false)
	e.Record.Set("username", strings.TrimSpace(e.Record.GetString("username")))
	name := strings.TrimSpace(e.Record.GetString("name"))
	if name == "" {
		name = e.Record.GetString("username")
	}
	e.Record.Set("name", name)
	return e.Next()
}

// TrimText trims the free text of questions and answers.
func (h *Hooks) TrimText(e *core.RecordEvent) error {
	names := []string{"comment"}
	if e.Record.Collection().Name == Questions {
		names = []string{"title", "description"}
	}
	for _, name := range names {
		e.Record.Set(name, strings.TrimSpace(e.Record.GetString(name)))
	}
	return e.Next()
}

// MarkEdited stamps a question whose title or description changed (after
// TrimText, so whitespace alone is no edit).
func (h *Hooks) MarkEdited(e *core.RecordEvent) error {
	if !e.Record.IsNew() {
		original := e.Record.Original()
		for _, name := range []string{"title", "description"} {
			if e.Record.GetString(name) != original.GetString(name) {
				now, _ := types.ParseDateTime(h.cfg.Now())
				e.Record.Set(FieldEdited, now)
				break
			}
		}
	}
	return e.Next()
}

// StartQuestionDay fixes a new question's asking day and zero counters. The
// day is read while the insert holds the write lock, as the rollover reads
// which questions to expire: a question asked at 23:59:59 whose insert lands
// after midnight is either seen by that rollover or counted into the new
// day, never missed in between.
func (h *Hooks) StartQuestionDay(e *core.RecordEvent) error {
	return InTransaction(e, func(core.App) error {
		StartDay(e.Record, h.cfg.Now(), h.cfg.Location)
		return e.Next()
	})
}

// RecountQuestion recounts a question on every save but the recount's own,
// so not even a superuser's dashboard edit can store counters or a ranking
// that the rows do not give.
func (h *Hooks) RecountQuestion(e *core.RecordEvent) error {
	if IsRecounted(e.Context) {
		return e.Next()
	}
	return InTransaction(e, func(txApp core.App) error {
		counts, err := Count(txApp, e.Record.Id)
		if err != nil {
			return err
		}
		Apply(e.Record, counts, h.cfg.Now())
		return e.Next()
	})
}

// CheckCounted is the execute hook of a new answer or vote. The counter
// triggers count the row inside its own INSERT (no transaction, no second
// statement from Go); this turns their refusals (a question deleted since
// validation, the author's own, a hidden one) into field errors.
func (h *Hooks) CheckCounted(e *core.RecordEvent) error {
	return TriggerRefusal(e.Next())
}

// Counted runs once an answer or vote write has committed: the shared top 20
// and the author's own copy are dropped, and realtime subscribers hear that
// the question changed. PocketBase never saw the triggers' update of the
// question, so it would send nothing itself.
func (h *Hooks) Counted(e *core.RecordEvent) error {
	h.top.invalidate()
	h.personal.dropUser(e.Record.GetString(FieldAuthor))
	h.publishQuestion(e.App, e.Record.GetString(FieldQuestion))
	if original := e.Record.Original().GetString(FieldQuestion); original != "" && original != e.Record.GetString(FieldQuestion) {
		h.publishQuestion(e.App, original)
	}
	return e.Next()
}

// publishQuestion sends question id's update to the realtime subscribers
// who may view it, as PocketBase sends a saved record's: through its own
// after-update hook, so the same view and list rules apply (a hidden
// question reaches only its author and moderators). With no subscriber to
// questions it reads nothing.
func (h *Hooks) publishQuestion(app core.App, id string) {
	if id == "" || !hasQuestionSubscribers(app) {
		return
	}
	q, err := loadQuestion(app, id)
	if err != nil {
		if !errNoRows(err) {
			app.Logger().Warn("realtime: cannot read the counted question", "id", id, "error", err)
		}
		return // deleted meanwhile: its delete event went out
	}
	event := &core.ModelEvent{App: app, Context: context.Background(), Type: core.ModelEventTypeUpdate}
	event.Model = q
	if err := app.OnModelAfterUpdateSuccess().Trigger(event); err != nil {
		app.Logger().Warn("realtime: cannot send the question's update", "id", id, "error", err)
	}
}

// hasQuestionSubscribers reports whether any realtime client subscribed to
// a questions topic (by collection name or id).
func hasQuestionSubscribers(app core.App) bool {
	broker := app.SubscriptionsBroker()
	if broker.TotalClients() == 0 {
		return false
	}
	prefixes := []string{Questions}
	if col, err := app.FindCachedCollectionByNameOrId(Questions); err == nil {
		prefixes = append(prefixes, col.Id)
	}
	for _, client := range broker.Clients() {
		if len(client.Subscriptions(prefixes...)) > 0 {
			return true
		}
	}
	return false
}

// ExpireBonuses is the rollover job: it drops the "asked today" bonus once a
// question's day ends. PocketBase's cron drops a job's errors, so it logs
// them itself.
func (h *Hooks) ExpireBonuses(app core.App) {
	n, err := ExpireBonuses(app, h.cfg.Now())
	if err != nil {
		app.Logger().Error("day rollover failed", "error", err)
		return
	}
	if n > 0 {
		app.Logger().Info("day rollover", "questions", n)
	}
}

// InTransaction runs fn with e.App swapped for a transaction (or the one
// already open), so e.Next()'s write and fn's reads and writes commit
// together: a record's Save does not open one itself.
func InTransaction(e *core.RecordEvent, fn func(txApp core.App) error) error {
	original := e.App
	defer func() { e.App = original }()
	return e.App.RunInTransaction(func(txApp core.App) error {
		e.App = txApp
		return fn(txApp)
	})
}
