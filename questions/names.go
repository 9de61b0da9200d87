// Package questions is the questions half of Rollcall: its storage
// (recounting a question's answers and votes inside the write's
// transaction, the day rollover, the drift check, the top-20 read), the
// record hooks that keep every question exact whoever writes, and the
// top-20 handler with its caches. hooks.Register binds them; the ranking
// commands call the storage directly.
package questions

// Collection and field names. The migrations spell them out themselves:
// they are frozen history.
const (
	Questions = "questions"
	Answers   = "answers"
	Votes     = "votes"
	Users     = "users"

	FieldAuthor    = "author"
	FieldQuestion  = "question"
	FieldAnswers   = "answers"
	FieldLikes     = "likes"
	FieldDislikes  = "dislikes"
	FieldRanking   = "ranking"
	FieldToday     = "today"
	FieldTodayEnds = "today_ends"
	FieldEdited    = "edited"

	// Set by moderation only (questions and answers), and the users' flag
	// that makes one a moderator.
	FieldHidden       = "hidden"
	FieldHiddenReason = "hidden_reason"
	FieldModerator    = "moderator"
	FieldVerified     = "verified"

	KindLike    = "like"
	KindDislike = "dislike"
)

// DerivedFields are kept by the server alone; clients may never send them.
var DerivedFields = []string{FieldAnswers, FieldLikes, FieldDislikes, FieldRanking, FieldToday, FieldTodayEnds, FieldEdited}

// ModerationFields of questions and answers change only through a moderation
// action, so that every hide and restore is in the log.
var ModerationFields = []string{FieldHidden, FieldHiddenReason}

// UserServerFields are users' fields a user may never send: superusers
// make moderators in the dashboard; verification comes from the mail link.
var UserServerFields = []string{FieldModerator, FieldVerified}
