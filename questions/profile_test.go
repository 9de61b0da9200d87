package questions_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/rollcall/rollcall/questions"
)

// A profile shows the user's shown questions and shown answers (on shown
// questions), newest first, at most 20 of each, with counts of the same.
func TestReadProfile(t *testing.T) {
	app := newApp(t)
	alice := createUser(t, app, "alice").Id
	bob := createUser(t, app, "bob").Id
	for i := range 22 {
		createQuestion(t, app, qid("a"+itoa2(i)), alice, map[string]any{"created": T0.Add(-time.Duration(i) * time.Hour)})
	}
	createQuestion(t, app, qid("ahid"), alice, map[string]any{"hidden": true, "created": T0})
	shown := createQuestion(t, app, qid("b1"), bob, map[string]any{"title": "Bob asks", "created": T0.Add(-time.Hour)})
	hiddenQ := createQuestion(t, app, qid("b2"), bob, map[string]any{"hidden": true})
	other := createQuestion(t, app, qid("b3"), bob, map[string]any{"title": "Bob again", "created": T0.Add(-2 * time.Hour)})
	a1 := createAnswer(t, app, shown.Id, alice, 4, "Yes")
	exec(t, app, "UPDATE answers SET created = '2026-11-23 09:00:00.000Z' WHERE id = {:id}", map[string]any{"id": a1.Id})
	a2 := createAnswer(t, app, other.Id, alice, 2, "No")
	exec(t, app, "UPDATE answers SET created = '2026-11-23 09:30:00.000Z' WHERE id = {:id}", map[string]any{"id": a2.Id})
	createAnswer(t, app, hiddenQ.Id, alice, 5, "on a hidden question")
	hiddenA := createAnswer(t, app, createQuestion(t, app, qid("b4"), bob, nil).Id, alice, 1, "hidden answer")
	exec(t, app, "UPDATE answers SET hidden = TRUE WHERE id = {:id}", map[string]any{"id": hiddenA.Id})

	p, err := questions.ReadProfile(app, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if p.Username != "alice" || p.Name != "Name of alice" || p.ID != alice || p.Created.IsZero() {
		t.Errorf("user: %+v", p)
	}
	if p.Counts != (questions.ProfileCounts{Questions: 22, Answers: 2}) {
		t.Errorf("counts %+v, want 22 questions and 2 answers", p.Counts)
	}
	if len(p.Questions) != questions.ProfileLimit || p.Questions[0].ID != qid("a00") || p.Questions[19].ID != qid("a19") {
		t.Errorf("questions: %d, first %s, want the 20 newest shown", len(p.Questions), p.Questions[0].ID)
	}
	var got []string
	for _, a := range p.Answers {
		got = append(got, a.Question.Title+"/"+a.Comment)
	}
	if !reflect.DeepEqual(got, []string{"Bob again/No", "Bob asks/Yes"}) {
		t.Errorf("answers %v, want the shown ones on shown questions, newest first", got)
	}
	body, _ := json.Marshal(p)
	if strings.Contains(string(body), "@example.com") || strings.Contains(string(body), "email") {
		t.Errorf("profile shows an email: %s", body)
	}

	empty, err := questions.ReadProfile(app, "bob")
	if err != nil || empty.Counts.Answers != 0 {
		t.Fatalf("bob: %+v %v", empty, err)
	}
	if body, _ := json.Marshal(empty); !strings.Contains(string(body), `"answers":[]`) {
		t.Errorf("no answers must be [], got %s", body)
	}
	if _, err := questions.ReadProfile(app, "nobody"); !errors.Is(err, questions.ErrNoProfile) {
		t.Errorf("unknown user: %v", err)
	}
}

func itoa2(i int) string { return string(rune('0'+i/10)) + string(rune('0'+i%10)) }
