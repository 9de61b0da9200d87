// Package questions holds the storage side of ranked questions: recounting a
// question's answers and votes inside a transaction, the day rollover, the
// drift check and the top-20 read. Hooks and commands call into it.
package questions

// Collection and field names, shared with the migrations.
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
