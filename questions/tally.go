package questions

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/rollcall/rollcall/ranking"
)

// recountColumns recount the question aliased q from its rows; every
// recount (one question, a refresh, the drift check) selects these. The
// (question, …) indexes on answers and votes make each an index range scan.
// Answers hidden by moderators do not count; `hidden` = FALSE is spelled as
// the partial index idx_answers_question_shown's condition, so SQLite uses it.
const recountColumns = `(SELECT COUNT(*) FROM answers WHERE question = q.id AND hidden = FALSE) AS rc_answers,
	(SELECT COUNT(*) FROM votes WHERE question = q.id AND kind = 'like') AS rc_likes,
	(SELECT COUNT(*) FROM votes WHERE question = q.id AND kind = 'dislike') AS rc_dislikes`

// recounted scans recountColumns.
type recounted struct {
	Answers  int `db:"rc_answers"`
	Likes    int `db:"rc_likes"`
	Dislikes int `db:"rc_dislikes"`
}

func (r recounted) counts() ranking.Counts {
	return ranking.Counts{Answers: r.Answers, Likes: r.Likes, Dislikes: r.Dislikes}
}

const countQuery = "SELECT " + recountColumns + " FROM questions q WHERE q.id = {:id}"

// Count recounts a question's answers and votes. Pass the transaction's app:
// a read through the outer app goes to the read pool and misses rows the
// transaction has not committed yet.
func Count(app core.App, questionID string) (ranking.Counts, error) {
	var row recounted
	err := app.DB().NewQuery(countQuery).
		Bind(dbx.Params{"id": questionID}).One(&row)
	if err != nil {
		return ranking.Counts{}, fmt.Errorf("recount question %s: %w", questionID, err)
	}
	return row.counts(), nil
}

// Apply writes counts and the ranking they give at now onto q, and reports
// whether any stored value changed. The bonus is derived from today_ends, so
// whichever write comes first after the day ends drops it, and none re-adds it.
func Apply(q *core.Record, counts ranking.Counts, now time.Time) bool {
	today := ranking.BonusApplies(q.GetDateTime(FieldTodayEnds).Time(), now)
	score := ranking.Score(counts, today)
	changed := q.GetInt(FieldAnswers) != counts.Answers ||
		q.GetInt(FieldLikes) != counts.Likes ||
		q.GetInt(FieldDislikes) != counts.Dislikes ||
		q.GetBool(FieldToday) != today ||
		q.GetInt(FieldRanking) != score
	if changed {
		q.Set(FieldAnswers, counts.Answers)
		q.Set(FieldLikes, counts.Likes)
		q.Set(FieldDislikes, counts.Dislikes)
		q.Set(FieldToday, today)
		q.Set(FieldRanking, score)
	}
	return changed
}

// StartDay sets a new question's counters to zero and its asking day to the
// calendar day of now in loc.
func StartDay(q *core.Record, now time.Time, loc *time.Location) {
	end, _ := types.ParseDateTime(ranking.DayEnd(now, loc))
	q.Set(FieldTodayEnds, end)
	Apply(q, ranking.Counts{}, now)
}

type recountedKey struct{}

// WithRecounted marks a save whose counters were just recounted in this
// transaction, so the question's own update hook need not count again.
func WithRecounted(ctx context.Context) context.Context {
	return context.WithValue(ctx, recountedKey{}, true)
}

// IsRecounted reports whether ctx carries the WithRecounted mark.
func IsRecounted(ctx context.Context) bool {
	v, _ := ctx.Value(recountedKey{}).(bool)
	return v
}

// refreshQuery loads a question and recounts its rows in one statement: on
// the write path every statement holds the single write connection longer.
const refreshQuery = "SELECT q.*, " + recountColumns + " FROM questions q WHERE q.id = {:id}"

// ErrNoQuestion is returned by Refresh for a question that does not exist.
var ErrNoQuestion = errors.New("no such question")

// Refresh recounts a question inside txApp's transaction and saves it only if
// a stored value changed. A missing question gives ErrNoQuestion: nothing to
// do after a cascade (it deletes the question before its answers and votes),
// but fatal for a new answer or vote, whose question may have been deleted
// after the row was validated.
func Refresh(txApp core.App, questionID string, now time.Time) (bool, error) {
	if questionID == "" {
		return false, ErrNoQuestion
	}
	q, counts, err := loadWithCounts(txApp, questionID)
	if errors.Is(err, sql.ErrNoRows) {
		return false, ErrNoQuestion
	}
	if err != nil {
		return false, fmt.Errorf("recount question %s: %w", questionID, err)
	}
	if !Apply(q, counts, now) {
		return false, nil
	}
	// No validation: only derived fields changed, and an old question must
	// not fail on a rule tightened since it was written.
	if err := txApp.SaveNoValidateWithContext(WithRecounted(context.Background()), q); err != nil {
		return false, fmt.Errorf("save question %s: %w", questionID, err)
	}
	return true, nil
}

// loadWithCounts reads a question as a record, as PocketBase's own finders
// would, together with a recount of its rows.
func loadWithCounts(app core.App, questionID string) (*core.Record, ranking.Counts, error) {
	col, err := app.FindCachedCollectionByNameOrId(Questions)
	if err != nil {
		return nil, ranking.Counts{}, err
	}
	row := dbx.NullStringMap{}
	if err := app.DB().NewQuery(refreshQuery).Bind(dbx.Params{"id": questionID}).One(row); err != nil {
		return nil, ranking.Counts{}, err
	}
	q := core.NewRecord(col)
	for _, field := range col.Fields {
		// SetRaw of the prepared value, as PocketBase's finders load rows:
		// Set is a no-op on autodate fields, so `created` was saved empty.
		var raw any
		if v := row[field.GetName()]; v.Valid {
			raw = v.String
		}
		value, err := field.PrepareValue(q, raw)
		if err != nil {
			return nil, ranking.Counts{}, fmt.Errorf("read %s: %w", field.GetName(), err)
		}
		q.SetRaw(field.GetName(), value)
	}
	if err := q.PostScan(); err != nil { // marks it stored, with this as its original state
		return nil, ranking.Counts{}, err
	}
	counts := ranking.Counts{}
	for name, dst := range map[string]*int{"rc_answers": &counts.Answers, "rc_likes": &counts.Likes, "rc_dislikes": &counts.Dislikes} {
		n, err := strconv.Atoi(row[name].String)
		if err != nil {
			return nil, ranking.Counts{}, fmt.Errorf("recount %s: %w", name, err)
		}
		*dst = n
	}
	return q, counts, nil
}
