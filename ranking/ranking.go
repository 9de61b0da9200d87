// Package ranking holds the question-ranking formula and the calendar-day
// boundary behind its "asked today" bonus. It knows nothing of storage.
package ranking

import "time"

// Points per answer, like and dislike, and the bonus for a question asked today.
const (
	AnswerPoints  = 10
	LikePoints    = 5
	DislikePoints = -3
	TodayBonus    = 10
)

// Counts are a question's answer and vote tallies.
type Counts struct {
	Answers  int
	Likes    int
	Dislikes int
}

// Score is 10·answers + 5·likes − 3·dislikes, plus 10 when today is true.
func Score(c Counts, today bool) int {
	score := AnswerPoints*c.Answers + LikePoints*c.Likes + DislikePoints*c.Dislikes
	if today {
		score += TodayBonus
	}
	return score
}

// DayEnd is the instant the calendar day containing t ends in loc: the next
// local midnight. Built with time.Date so days of 23 or 25 hours (daylight
// saving) end when the wall clock says, and a skipped midnight resolves to
// the first instant of the next day.
func DayEnd(t time.Time, loc *time.Location) time.Time {
	local := t.In(loc)
	end := time.Date(local.Year(), local.Month(), local.Day()+1, 0, 0, 0, 0, loc)
	// Where the clock jumps over midnight, time.Date may land before the
	// jump, still on the old day; the day then ends at the jump itself.
	if end.In(loc).Day() == local.Day() {
		_, jump := end.In(loc).ZoneBounds()
		return jump
	}
	return end
}

// BonusApplies reports whether a question whose asking day ends at dayEnd
// still earns the bonus at now.
func BonusApplies(dayEnd, now time.Time) bool {
	return !dayEnd.IsZero() && now.Before(dayEnd)
}
