package questions

import (
	"errors"
	"strings"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
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

// Tally recounts the question behind an answer or vote write, in the
// write's own transaction.
func (h *Hooks) Tally(e *core.RecordEvent) error { return h.tally(e, false) }

// TallyDelete is Tally for a delete: a question already gone (its cascade
// deletes the row) is nothing to recount.
func (h *Hooks) TallyDelete(e *core.RecordEvent) error { return h.tally(e, true) }

func (h *Hooks) tally(e *core.RecordEvent, deleting bool) error {
	return InTransaction(e, func(txApp core.App) error {
		if err := e.Next(); err != nil {
			return err
		}
		current := e.Record.GetString(FieldQuestion)
		now := h.cfg.Now()
		_, err := Refresh(txApp, current, now)
		switch {
		case errors.Is(err, ErrNoQuestion) && !deleting:
			// Validated against a question that a concurrent delete
			// has removed since: storing the row would orphan it.
			return validation.Errors{FieldQuestion: validation.NewError(
				"validation_missing_rel_records", "The question no longer exists.")}
		case err != nil && !errors.Is(err, ErrNoQuestion):
			return err
		}
		// Only Go code can move a row; recount the question it left.
		if original := e.Record.Original().GetString(FieldQuestion); original != current && original != "" {
			if _, err := Refresh(txApp, original, now); err != nil && !errors.Is(err, ErrNoQuestion) {
				return err
			}
		}
		return nil
	})
}

// RefuseOwnQuestion refuses, for everyone including superusers, an answer or
// vote on the author's own question: it would be worth +10 to their own
// ranking.
func (h *Hooks) RefuseOwnQuestion(e *core.RecordEvent) error {
	// One column, not a whole record: this runs on every vote.
	var author string
	err := e.App.DB().Select(FieldAuthor).From(Questions).
		Where(dbx.HashExp{"id": e.Record.GetString(FieldQuestion)}).Row(&author)
	// A missing question is reported by the relation field's own validation.
	if err == nil && author == e.Record.GetString(FieldAuthor) {
		return validation.Errors{FieldQuestion: validation.NewError(
			"validation_own_question", "You cannot answer or vote on your own question.")}
	}
	return e.Next()
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
