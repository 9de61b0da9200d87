// Package moderation is Rollcall's moderation: reports by users, and the
// actions moderators take on them (hide, restore, dismiss), applied and
// recorded in one transaction. hooks.Register binds it.
package moderation

import (
	"strings"
)

// Collection names. The migration spells them out itself: it is frozen.
const (
	Reports = "reports"
	Actions = "moderation_actions"
)

// Field names and values of reports and moderation_actions.
const (
	FieldQuestion  = "question"
	FieldAnswer    = "answer"
	FieldReporter  = "reporter"
	FieldReason    = "reason"
	FieldNote      = "note"
	FieldStatus    = "status"
	FieldAction    = "action"
	FieldReport    = "report"
	FieldModerator = "moderator"
	FieldActor     = "actor"
	FieldExcerpt   = "excerpt"

	StatusOpen      = "open"
	StatusActioned  = "actioned"
	StatusDismissed = "dismissed"

	ActionHide    = "hide"
	ActionRestore = "restore"
	ActionDismiss = "dismiss"

	// ExcerptMax is the excerpt field's limit, in characters.
	ExcerptMax = 300
)

// Hooks are the moderation record hooks.
type Hooks struct{}

// New returns the moderation hooks.
func New() *Hooks { return &Hooks{} }

// truncate cuts s to at most max characters, marking a cut with "…".
func truncate(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ") // one line in the log
	runes := []rune(s)
	if len(runes) <= max {
		return s
	}
	return strings.TrimSpace(string(runes[:max-1])) + "…"
}
