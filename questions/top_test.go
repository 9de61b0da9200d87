package questions_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rollcall/rollcall/questions"
)

// TestTopOrder orders by ranking (highest first), then newest created, then
// id ascending, whatever the insertion order.
func TestTopOrder(t *testing.T) {
	app := newApp(t)
	author := createUser(t, app, "alice").Id
	at := func(h int) time.Time { return T0.Add(time.Duration(h) * time.Hour) }
	// Inserted in an order the result must not follow.
	for _, q := range []struct {
		id      string
		ranking int
		created time.Time
	}{
		{"f00000000000001", -6, at(5)},
		{"e00000000000001", 30, at(-1)},
		{"b00000000000001", 30, at(0)},
		{"d00000000000001", 30, at(-1)},
		{"c00000000000001", 30, at(1)},
		{"a00000000000001", 50, at(-9)},
		{"g00000000000001", 0, at(0)},
	} {
		createQuestion(t, app, q.id, author, map[string]any{"ranking": q.ranking, "created": q.created})
	}
	got, err := questions.Top(app, questions.TopLimit)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"a00000000000001", "c00000000000001", "b00000000000001", "d00000000000001", "e00000000000001", "g00000000000001", "f00000000000001"}
	if ids := topIDs(got); !reflect.DeepEqual(ids, want) {
		t.Errorf("Top order %v, want %v", ids, want)
	}
}

// TestTopLimit returns the TopLimit (20) best of more questions, and fewer
// when asked for fewer.
func TestTopLimit(t *testing.T) {
	app := newApp(t)
	author := createUser(t, app, "alice").Id
	// Rankings rise with insertion, so the best are the last inserted.
	for i := range 25 {
		createQuestion(t, app, fmt.Sprintf("q%014d", i), author, map[string]any{"ranking": i})
	}
	if questions.TopLimit != 20 {
		t.Errorf("TopLimit = %d, the home page shows 20", questions.TopLimit)
	}
	for _, limit := range []int{questions.TopLimit, 3} {
		got, err := questions.Top(app, limit)
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for i := 24; i > 24-limit; i-- {
			want = append(want, fmt.Sprintf("q%014d", i))
		}
		if ids := topIDs(got); !reflect.DeepEqual(ids, want) {
			t.Errorf("Top(%d) = %v, want %v", limit, ids, want)
		}
	}
}

// TestTopFields carries each question's stored values and its author's id,
// username and name, and never an email.
func TestTopFields(t *testing.T) {
	app := newApp(t)
	alice := createUser(t, app, "alice")
	createQuestion(t, app, "q00000000000001", alice.Id, map[string]any{
		"title": "Open on Sundays?", "description": "The library.", "answers": 3, "likes": 2, "dislikes": 1,
		"ranking": 47, "today": true, "created": T0,
	})
	// An author missing from users (no cascade ran) still lists, nameless.
	createQuestion(t, app, "q00000000000002", alice.Id, map[string]any{"ranking": 1})
	exec(t, app, "UPDATE questions SET author = 'gone00000000001' WHERE id = 'q00000000000002'", nil)

	got, err := questions.Top(app, questions.TopLimit)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("Top = %d questions, want 2", len(got))
	}
	q := got[0]
	want := questions.TopQuestion{
		ID: "q00000000000001", Title: "Open on Sundays?", Description: "The library.",
		Author:  questions.Author{ID: alice.Id, Username: "alice", Name: "Name of alice"},
		Answers: 3, Likes: 2, Dislikes: 1, Ranking: 47, Today: true, Created: dateTime(t, T0), Updated: q.Updated,
	}
	if !reflect.DeepEqual(q, want) {
		t.Errorf("Top[0] = %+v\nwant %+v", q, want)
	}
	if q.Updated.IsZero() {
		t.Error("updated not read")
	}
	if want := (questions.Author{ID: "gone00000000001"}); got[1].Author != want {
		t.Errorf("missing author = %+v, want %+v", got[1].Author, want)
	}

	body, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(body), "@example.com") {
		t.Errorf("Top's JSON shows an email: %s", body)
	}
	var authors []struct{ Author map[string]any }
	if err := json.Unmarshal(body, &authors); err != nil {
		t.Fatal(err)
	}
	for _, a := range authors {
		if keys := sortedKeys(a.Author); !reflect.DeepEqual(keys, []string{"id", "name", "username"}) {
			t.Errorf("author JSON keys %v, want id, name, username", keys)
		}
	}
}

// TestTopEmpty gives an empty, non-nil list, which encodes as [].
func TestTopEmpty(t *testing.T) {
	app := newApp(t)
	got, err := questions.Top(app, questions.TopLimit)
	if err != nil {
		t.Fatal(err)
	}
	if body, _ := json.Marshal(got); string(body) != "[]" {
		t.Errorf("Top on no questions encodes as %s, want []", body)
	}
}

// TestMine returns only the given user's votes and answers, only on the
// given questions, each with its id, kind, value and comment.
func TestMine(t *testing.T) {
	app := newApp(t)
	alice := createUser(t, app, "alice").Id
	bob := createUser(t, app, "bob").Id
	q1 := createQuestion(t, app, "q00000000000001", bob, nil).Id
	q2 := createQuestion(t, app, "q00000000000002", bob, nil).Id
	q3 := createQuestion(t, app, "q00000000000003", alice, nil).Id
	aliceLikes1 := createVote(t, app, q1, alice, questions.KindLike).Id
	aliceDislikes2 := createVote(t, app, q2, alice, questions.KindDislike).Id
	aliceAnswers1 := createAnswer(t, app, q1, alice, 4, "The 7:40 is full.").Id
	aliceAnswers3 := createAnswer(t, app, q3, alice, 2, "").Id
	bobLikes3 := createVote(t, app, q3, bob, questions.KindLike).Id
	bobAnswers2 := createAnswer(t, app, q2, bob, 5, "Mine.").Id
	createVote(t, app, q1, bob, questions.KindDislike)

	many := []string{q1}
	for i := range 999 {
		many = append(many, fmt.Sprintf("none%011d", i))
	}
	for _, tc := range []struct {
		name        string
		user        string
		ids         []string
		wantVotes   map[string]questions.MyVote
		wantAnswers map[string]questions.MyAnswer
	}{
		{"alice on q1, q2", alice, []string{q1, q2},
			map[string]questions.MyVote{q1: {ID: aliceLikes1, Kind: "like"}, q2: {ID: aliceDislikes2, Kind: "dislike"}},
			map[string]questions.MyAnswer{q1: {ID: aliceAnswers1, Value: 4, Comment: "The 7:40 is full."}}},
		{"alice on q3", alice, []string{q3},
			map[string]questions.MyVote{},
			map[string]questions.MyAnswer{q3: {ID: aliceAnswers3, Value: 2}}},
		{"bob on q2, q3", bob, []string{q2, q3},
			map[string]questions.MyVote{q3: {ID: bobLikes3, Kind: "like"}},
			map[string]questions.MyAnswer{q2: {ID: bobAnswers2, Value: 5, Comment: "Mine."}}},
		{"alice on 1,000 ids", alice, many,
			map[string]questions.MyVote{q1: {ID: aliceLikes1, Kind: "like"}},
			map[string]questions.MyAnswer{q1: {ID: aliceAnswers1, Value: 4, Comment: "The 7:40 is full."}}},
		{"signed out", "", []string{q1, q2, q3}, map[string]questions.MyVote{}, map[string]questions.MyAnswer{}},
		{"no questions", alice, nil, map[string]questions.MyVote{}, map[string]questions.MyAnswer{}},
		{"unknown user", "nobody000000001", []string{q1, q2, q3}, map[string]questions.MyVote{}, map[string]questions.MyAnswer{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			votes, answers, err := questions.Mine(app, tc.user, tc.ids)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(votes, tc.wantVotes) {
				t.Errorf("votes %+v, want %+v", votes, tc.wantVotes)
			}
			if !reflect.DeepEqual(answers, tc.wantAnswers) {
				t.Errorf("answers %+v, want %+v", answers, tc.wantAnswers)
			}
		})
	}
}

func topIDs(qs []questions.TopQuestion) []string {
	ids := make([]string, len(qs))
	for i, q := range qs {
		ids[i] = q.ID
	}
	return ids
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
