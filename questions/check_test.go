package questions_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rollcall/rollcall/questions"
)

// TestCheckAndRebuild reports exactly the questions whose stored counters,
// bonus or ranking differ from a recount as of now (planted with SQL), with
// both values, in id order; Rebuild fixes those and only those.
func TestCheckAndRebuild(t *testing.T) {
	app := newApp(t)
	users := createUsers(t, app, "user", 4)
	day := map[string]any{"today_ends": T0.Add(time.Hour)}
	past := map[string]any{"today_ends": T0.Add(-time.Hour)}
	justEnded := map[string]any{"today_ends": T0.Add(-30 * time.Second)} // the rollover has not run yet
	// 2 answers, 1 like, 1 dislike: 20 + 5 − 3 = 22, 32 with the bonus.
	onDay := questions.Stored{Answers: 2, Likes: 1, Dislikes: 1, Ranking: 32, Today: true}
	after := questions.Stored{Answers: 2, Likes: 1, Dislikes: 1, Ranking: 22}
	type plant struct {
		id     string
		fields map[string]any
		rows   [3]int           // answers, likes, dislikes
		stored questions.Stored // what the table holds
		want   questions.Stored // what a recount gives
	}
	some := [3]int{2, 1, 1}
	disliked := questions.Stored{Dislikes: 3, Ranking: -9}
	// Created out of id order: Check must still list drifts by id.
	plants := []plant{
		{"d6bonusmissing1", day, some, after, onDay},
		{"d1answers000001", day, some, questions.Stored{Answers: 3, Likes: 1, Dislikes: 1, Ranking: 32, Today: true}, onDay},
		{"c1cleantoday001", day, some, onDay, onDay},
		{"d2likes00000001", day, some, questions.Stored{Answers: 2, Likes: 0, Dislikes: 1, Ranking: 32, Today: true}, onDay},
		{"d3dislikes00001", day, some, questions.Stored{Answers: 2, Likes: 1, Dislikes: 2, Ranking: 32, Today: true}, onDay},
		{"c2cleanpast0001", past, some, after, after},
		{"c4pendingroll01", justEnded, some, onDay, onDay},
		{"c5rolledearly01", justEnded, some, after, after},
		{"d4ranking000001", day, some, questions.Stored{Answers: 2, Likes: 1, Dislikes: 1, Ranking: 31, Today: true}, onDay},
		{"d5bonuskept0001", past, some, onDay, after},
		{"c3negative00001", past, [3]int{0, 0, 3}, disliked, disliked},
		{"d8negative00001", past, [3]int{0, 0, 3}, questions.Stored{Dislikes: 3, Ranking: 9}, disliked},
		{"d7norows0000001", past, [3]int{}, questions.Stored{Answers: 1, Ranking: 10}, questions.Stored{}},
	}
	want := []questions.Drift{}
	for _, p := range plants {
		createQuestion(t, app, p.id, users[0], p.fields)
		addRows(t, app, p.id, users, p.rows[0], p.rows[1], p.rows[2])
		exec(t, app, `UPDATE questions SET answers = {:a}, likes = {:l}, dislikes = {:d}, ranking = {:r}, today = {:t}
			WHERE id = {:id}`, map[string]any{"a": p.stored.Answers, "l": p.stored.Likes, "d": p.stored.Dislikes,
			"r": p.stored.Ranking, "t": p.stored.Today, "id": p.id})
		if p.stored != p.want {
			want = append(want, questions.Drift{ID: p.id, Title: "Question " + p.id, Stored: p.stored, Want: p.want})
		}
	}
	slices.SortFunc(want, func(a, b questions.Drift) int { return strings.Compare(a.ID, b.ID) })

	got, err := questions.Check(app, T0)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Check found\n%+v\nwant\n%+v", got, want)
	}

	n, err := questions.Rebuild(app, T0)
	if err != nil {
		t.Fatal(err)
	}
	if n != len(want) {
		t.Errorf("Rebuild changed %d, want %d", n, len(want))
	}
	for _, p := range plants {
		if got := stored(t, app, p.id); got != p.want {
			t.Errorf("%s after Rebuild: %+v, want %+v", p.id, got, p.want)
		}
	}
	if got, err := questions.Check(app, T0); err != nil || len(got) != 0 {
		t.Errorf("Check after Rebuild = %+v, %v; want none", got, err)
	}
	if n, err := questions.Rebuild(app, T0); err != nil || n != 0 {
		t.Errorf("second Rebuild = %d, %v; want 0, nil", n, err)
	}
}

// TestCheckAsOfNow judges the bonus at the given instant, not the wall
// clock: a clean question on its day drifts once its day has ended and the
// rollover has had its grace to clear the flag.
func TestCheckAsOfNow(t *testing.T) {
	app := newApp(t)
	user := createUser(t, app, "alice").Id
	q := createQuestion(t, app, "q00000000000001", user, map[string]any{"today": true, "ranking": 10, "today_ends": T0})
	for _, tc := range []struct {
		now    time.Time
		drifts []questions.Drift
	}{
		{T0.Add(-time.Millisecond), nil},
		{T0, nil}, // ended: the rollover has not run yet
		{T0.Add(questions.RolloverGrace - time.Millisecond), nil},
		{T0.Add(questions.RolloverGrace), []questions.Drift{{ID: q.Id, Title: "Question " + q.Id,
			Stored: questions.Stored{Ranking: 10, Today: true}, Want: questions.Stored{}}}},
	} {
		got, err := questions.Check(app, tc.now)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, tc.drifts) {
			t.Errorf("Check(%v) = %+v, want %+v", tc.now, got, tc.drifts)
		}
	}
}
