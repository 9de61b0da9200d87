package questions_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/rollcall/rollcall/questions"
	"github.com/rollcall/rollcall/ranking"
)

// TestCount recounts each question from its own answer and vote rows,
// ignoring the stored counters, and fails for a missing question.
func TestCount(t *testing.T) {
	app := newApp(t)
	users := createUsers(t, app, "user", 6)
	a := createQuestion(t, app, "qa0000000000001", users[0], map[string]any{"answers": 99, "likes": 99, "dislikes": 99})
	b := createQuestion(t, app, "qb0000000000001", users[0], nil)
	empty := createQuestion(t, app, "qc0000000000001", users[0], map[string]any{"answers": 7})
	addRows(t, app, a.Id, users, 4, 2, 3)
	addRows(t, app, b.Id, users, 1, 0, 1)

	for _, tc := range []struct {
		id   string
		want ranking.Counts
	}{
		{a.Id, ranking.Counts{Answers: 4, Likes: 2, Dislikes: 3}},
		{b.Id, ranking.Counts{Answers: 1, Likes: 0, Dislikes: 1}},
		{empty.Id, ranking.Counts{}},
	} {
		got, err := questions.Count(app, tc.id)
		if err != nil {
			t.Fatalf("Count(%s): %v", tc.id, err)
		}
		if got != tc.want {
			t.Errorf("Count(%s) = %+v, want %+v", tc.id, got, tc.want)
		}
	}
	if _, err := questions.Count(app, "missing00000001"); !errors.Is(err, sql.ErrNoRows) {
		t.Errorf("Count(missing) error = %v, want sql.ErrNoRows", err)
	}
}

// TestApply sets exactly 10·answers + 5·likes − 3·dislikes (+10 before the
// day ends) and reports a change whenever any single stored value differs.
func TestApply(t *testing.T) {
	app := newApp(t)
	col, err := app.FindCachedCollectionByNameOrId(questions.Questions)
	if err != nil {
		t.Fatal(err)
	}
	ends := T0.Add(time.Hour)
	counts := ranking.Counts{Answers: 2, Likes: 3, Dislikes: 1} // 20 + 15 − 3 = 32
	today := questions.Stored{Answers: 2, Likes: 3, Dislikes: 1, Ranking: 42, Today: true}
	over := questions.Stored{Answers: 2, Likes: 3, Dislikes: 1, Ranking: 32, Today: false}
	for _, tc := range []struct {
		name      string
		before    questions.Stored
		todayEnds time.Time // zero: none
		now       time.Time
		want      questions.Stored
		changed   bool
	}{
		{"new counts on the asking day", questions.Stored{}, ends, T0, today, true},
		{"up to date", today, ends, T0, today, false},
		{"last instant of the day", today, ends, ends.Add(-time.Nanosecond), today, false},
		{"the day ends at today_ends", today, ends, ends, over, true},
		{"long after the day", today, ends, ends.Add(72 * time.Hour), over, true},
		{"no asking day, no bonus", over, time.Time{}, T0, over, false},
		{"only answers differ", questions.Stored{Answers: 1, Likes: 3, Dislikes: 1, Ranking: 42, Today: true}, ends, T0, today, true},
		{"only likes differ", questions.Stored{Answers: 2, Likes: 2, Dislikes: 1, Ranking: 42, Today: true}, ends, T0, today, true},
		{"only dislikes differ", questions.Stored{Answers: 2, Likes: 3, Dislikes: 0, Ranking: 42, Today: true}, ends, T0, today, true},
		{"only ranking differs", questions.Stored{Answers: 2, Likes: 3, Dislikes: 1, Ranking: 41, Today: true}, ends, T0, today, true},
		{"only today differs", questions.Stored{Answers: 2, Likes: 3, Dislikes: 1, Ranking: 42, Today: false}, ends, T0, today, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := core.NewRecord(col)
			setStored(q, tc.before)
			if !tc.todayEnds.IsZero() {
				q.Set(questions.FieldTodayEnds, dateTime(t, tc.todayEnds))
			}
			if changed := questions.Apply(q, counts, tc.now); changed != tc.changed {
				t.Errorf("Apply reported changed = %v, want %v", changed, tc.changed)
			}
			if got := recordStored(q); got != tc.want {
				t.Errorf("record holds %+v, want %+v", got, tc.want)
			}
		})
	}
}

// TestApplyNegativeRanking lets dislikes take the ranking below zero.
func TestApplyNegativeRanking(t *testing.T) {
	app := newApp(t)
	col, err := app.FindCachedCollectionByNameOrId(questions.Questions)
	if err != nil {
		t.Fatal(err)
	}
	q := core.NewRecord(col)
	if !questions.Apply(q, ranking.Counts{Dislikes: 4}, T0) {
		t.Fatal("Apply reported no change")
	}
	if got, want := recordStored(q), (questions.Stored{Dislikes: 4, Ranking: -12}); got != want {
		t.Errorf("record holds %+v, want %+v", got, want)
	}
}

// TestStartDay zeroes the counters and ends the asking day at the next
// midnight of loc, not of UTC, with the bonus in the ranking.
func TestStartDay(t *testing.T) {
	app := newApp(t)
	col, err := app.FindCachedCollectionByNameOrId(questions.Questions)
	if err != nil {
		t.Fatal(err)
	}
	loc := time.FixedZone("UTC+2", 2*60*60)
	for _, tc := range []struct {
		name    string
		now     time.Time
		wantEnd time.Time
	}{
		// 00:30 on the 24th in loc: the day ends at midnight of the 25th there.
		{"after local midnight", time.Date(2026, 11, 23, 22, 30, 0, 0, time.UTC), time.Date(2026, 11, 24, 22, 0, 0, 0, time.UTC)},
		{"before local midnight", time.Date(2026, 11, 23, 21, 59, 0, 0, time.UTC), time.Date(2026, 11, 23, 22, 0, 0, 0, time.UTC)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := core.NewRecord(col)
			setStored(q, questions.Stored{Answers: 5, Likes: 2, Dislikes: 1, Ranking: 99})
			questions.StartDay(q, tc.now, loc)
			if got := q.GetDateTime(questions.FieldTodayEnds).Time(); !got.Equal(tc.wantEnd) {
				t.Errorf("today_ends = %v, want %v", got, tc.wantEnd)
			}
			if got, want := recordStored(q), (questions.Stored{Ranking: 10, Today: true}); got != want {
				t.Errorf("record holds %+v, want %+v", got, want)
			}
		})
	}
}

// TestIsRecounted sees the WithRecounted mark, through derived contexts,
// and only there.
func TestIsRecounted(t *testing.T) {
	type key struct{}
	marked := questions.WithRecounted(context.Background())
	derived, cancel := context.WithCancel(context.WithValue(marked, key{}, "x"))
	defer cancel()
	for _, tc := range []struct {
		name string
		ctx  context.Context
		want bool
	}{
		{"background", context.Background(), false},
		{"other values", context.WithValue(context.Background(), key{}, true), false},
		{"marked", marked, true},
		{"derived from marked", derived, true},
	} {
		if got := questions.IsRecounted(tc.ctx); got != tc.want {
			t.Errorf("%s: IsRecounted = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestRefresh saves the recount and bonus exactly, marks the save as
// recounted, keeps the other fields (created included), does not save when
// nothing changed, and drops the bonus once the day has ended.
func TestRefresh(t *testing.T) {
	app := newApp(t)
	users := createUsers(t, app, "user", 6)
	created := T0.Add(-time.Hour)
	q := createQuestion(t, app, "q00000000000001", users[0], map[string]any{
		"title": "Open on Sundays?", "description": "The library.", "today": true,
		"today_ends": T0.Add(time.Hour), "created": created, "ranking": 10,
	})
	addRows(t, app, q.Id, users, 4, 2, 3)
	var saves, marked int
	app.OnRecordUpdate(questions.Questions).BindFunc(func(e *core.RecordEvent) error {
		saves++
		if questions.IsRecounted(e.Context) {
			marked++
		}
		return e.Next()
	})

	ok, err := questions.Refresh(app, q.Id, T0)
	if err != nil || !ok {
		t.Fatalf("Refresh = %v, %v; want true, nil", ok, err)
	}
	// 40 + 10 − 9 + 10
	if got, want := stored(t, app, q.Id), (questions.Stored{Answers: 4, Likes: 2, Dislikes: 3, Ranking: 51, Today: true}); got != want {
		t.Errorf("stored %+v, want %+v", got, want)
	}
	if saves != 1 || marked != 1 {
		t.Errorf("%d saves, %d marked recounted; want 1, 1", saves, marked)
	}
	for name, want := range map[string]string{
		"title": "Open on Sundays?", "description": "The library.", "author": users[0],
		"created": "2026-11-23 09:00:00.000Z", "today_ends": "2026-11-23 11:00:00.000Z",
	} {
		if got := column(t, app, q.Id, name); got != want {
			t.Errorf("%s = %q after Refresh, want %q", name, got, want)
		}
	}

	// Unchanged: no save at all (updated keeps a planted old value).
	exec(t, app, "UPDATE questions SET updated = '2000-01-01 00:00:00.000Z' WHERE id = {:id}", map[string]any{"id": q.Id})
	if ok, err := questions.Refresh(app, q.Id, T0.Add(time.Hour-time.Millisecond)); err != nil || ok {
		t.Fatalf("second Refresh = %v, %v; want false, nil", ok, err)
	}
	if saves != 1 {
		t.Errorf("an unchanged question was saved (%d saves)", saves)
	}
	if got := column(t, app, q.Id, "updated"); got != "2000-01-01 00:00:00.000Z" {
		t.Errorf("updated = %q, want the untouched 2000-01-01", got)
	}

	// The day has ended: the bonus goes.
	if ok, err := questions.Refresh(app, q.Id, T0.Add(time.Hour)); err != nil || !ok {
		t.Fatalf("Refresh after the day = %v, %v; want true, nil", ok, err)
	}
	if got, want := stored(t, app, q.Id), (questions.Stored{Answers: 4, Likes: 2, Dislikes: 3, Ranking: 41}); got != want {
		t.Errorf("after the day: stored %+v, want %+v", got, want)
	}
}

// TestRefreshMissingQuestion gives ErrNoQuestion for an empty or unknown id.
func TestRefreshMissingQuestion(t *testing.T) {
	app := newApp(t)
	for _, id := range []string{"", "missing00000001"} {
		if ok, err := questions.Refresh(app, id, T0); ok || !errors.Is(err, questions.ErrNoQuestion) {
			t.Errorf("Refresh(%q) = %v, %v; want false, ErrNoQuestion", id, ok, err)
		}
	}
}

// TestRefreshInTransaction counts rows the transaction has not committed yet.
func TestRefreshInTransaction(t *testing.T) {
	app := newApp(t)
	user := createUser(t, app, "alice").Id
	q := createQuestion(t, app, "q00000000000001", user, nil)
	err := app.RunInTransaction(func(txApp core.App) error {
		createAnswer(t, txApp, q.Id, user, 5, "")
		createVote(t, txApp, q.Id, user, questions.KindDislike)
		ok, err := questions.Refresh(txApp, q.Id, T0)
		if !ok && err == nil {
			t.Error("Refresh in the transaction saw nothing new")
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := stored(t, app, q.Id), (questions.Stored{Answers: 1, Dislikes: 1, Ranking: 7}); got != want {
		t.Errorf("stored %+v, want %+v", got, want)
	}
}

// TestRefreshSkipsValidation saves an old question that breaks a rule
// tightened since (here an empty required title).
func TestRefreshSkipsValidation(t *testing.T) {
	app := newApp(t)
	user := createUser(t, app, "alice").Id
	q := createQuestion(t, app, "q00000000000001", user, nil)
	exec(t, app, "UPDATE questions SET title = '' WHERE id = {:id}", map[string]any{"id": q.Id})
	createAnswer(t, app, q.Id, user, 3, "")
	if ok, err := questions.Refresh(app, q.Id, T0); err != nil || !ok {
		t.Fatalf("Refresh = %v, %v; want true, nil", ok, err)
	}
	if got := stored(t, app, q.Id).Answers; got != 1 {
		t.Errorf("answers = %d, want 1", got)
	}
}

func setStored(q *core.Record, s questions.Stored) {
	q.Set(questions.FieldAnswers, s.Answers)
	q.Set(questions.FieldLikes, s.Likes)
	q.Set(questions.FieldDislikes, s.Dislikes)
	q.Set(questions.FieldRanking, s.Ranking)
	q.Set(questions.FieldToday, s.Today)
}

func recordStored(q *core.Record) questions.Stored {
	return questions.Stored{
		Answers: q.GetInt(questions.FieldAnswers), Likes: q.GetInt(questions.FieldLikes),
		Dislikes: q.GetInt(questions.FieldDislikes), Ranking: q.GetInt(questions.FieldRanking),
		Today: q.GetBool(questions.FieldToday),
	}
}
