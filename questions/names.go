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

	KindLike    = "like"
	KindDislike = "dislike"
)

// DerivedFields are kept by the server alone; clients may never send them.
var DerivedFields = []string{FieldAnswers, FieldLikes, FieldDislikes, FieldRanking, FieldToday, FieldTodayEnds}
