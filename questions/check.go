package questions

import (
	"fmt"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/rollcall/rollcall/ranking"
)

// RolloverGrace is how long after a question's day ends Check accepts its
// "asked today" flag still set: the rollover job runs every minute.
const RolloverGrace = 2 * time.Minute

// Stored is the derived part of a question: what a recount must reproduce.
type Stored struct {
	Answers  int  `db:"answers" json:"answers"`
	Likes    int  `db:"likes" json:"likes"`
	Dislikes int  `db:"dislikes" json:"dislikes"`
	Ranking  int  `db:"ranking" json:"ranking"`
	Today    bool `db:"today" json:"today"`
}

// Drift is a question whose stored values differ from a recount.
type Drift struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Stored Stored `json:"stored"`
	Want   Stored `json:"want"`
}

const checkQuery = "SELECT q.id, q.title, q.answers, q.likes, q.dislikes, q.ranking, q.today, q.today_ends, " +
	recountColumns + " FROM questions q ORDER BY q.id"

// Check recounts every question from its rows, as of now, and returns those
// whose stored counters, bonus or ranking differ.
func Check(app core.App, now time.Time) ([]Drift, error) {
	var rows []struct {
		ID         string         `db:"id"`
		Title      string         `db:"title"`
		TodayEnds  types.DateTime `db:"today_ends"`
		RcAnswers  int            `db:"rc_answers"`
		RcLikes    int            `db:"rc_likes"`
		RcDislikes int            `db:"rc_dislikes"`
		Stored
	}
	if err := app.DB().NewQuery(checkQuery).All(&rows); err != nil {
		return nil, fmt.Errorf("recount all questions: %w", err)
	}
	var drifts []Drift
	for _, r := range rows {
		counts := recounted{r.RcAnswers, r.RcLikes, r.RcDislikes}.counts()
		today := ranking.BonusApplies(r.TodayEnds.Time(), now)
		// The rollover clears an ended day's flag within its minute: a flag
		// still set just after the day ended is pending, not drift.
		if r.Today && !today && now.Sub(r.TodayEnds.Time()) < RolloverGrace {
			today = true
		}
		want := Stored{
			Answers: counts.Answers, Likes: counts.Likes, Dislikes: counts.Dislikes,
			Ranking: ranking.Score(counts, today), Today: today,
		}
		if want != r.Stored {
			drifts = append(drifts, Drift{ID: r.ID, Title: r.Title, Stored: r.Stored, Want: want})
		}
	}
	return drifts, nil
}

// Rebuild fixes every drifted question and reports how many it changed.
func Rebuild(app core.App, now time.Time) (int, error) {
	drifts, err := Check(app, now)
	if err != nil {
		return 0, err
	}
	ids := make([]string, len(drifts))
	for i, d := range drifts {
		ids[i] = d.ID
	}
	return RefreshAll(app, ids, now)
}
