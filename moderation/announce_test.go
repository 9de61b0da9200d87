package moderation

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/subscriptions"

	"github.com/rollcall/rollcall/questions"
)

// TestAnnounceReachesEveryListener: hiding or restoring a question tells
// every page subscribed to TopicQuestionsChanged, guests included (they can
// no longer view the question, so PocketBase's own event skips them);
// answer actions and other topics' subscribers hear nothing from it.
func TestAnnounceReachesEveryListener(t *testing.T) {
	app := newApp(t)
	h := New()
	app.OnRecordCreateExecute(Actions).BindFunc(h.ApplyAction)
	app.OnRecordAfterCreateSuccess(Actions).BindFunc(h.Announce)
	save := func(collection string, data map[string]any) *core.Record {
		t.Helper()
		col, err := app.FindCachedCollectionByNameOrId(collection)
		if err != nil {
			t.Fatal(err)
		}
		r := core.NewRecord(col)
		r.Load(data)
		if err := app.Save(r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	mod := save(questions.Users, map[string]any{"username": "mod", "email": "mod@example.com", "password": "password123", "moderator": true})
	ann := save(questions.Users, map[string]any{"username": "ann", "email": "ann@example.com", "password": "password123"})
	bob := save(questions.Users, map[string]any{"username": "bob", "email": "bob@example.com", "password": "password123"})
	q := save(questions.Questions, map[string]any{"title": "Spam?", "author": ann.Id})
	a := save(questions.Answers, map[string]any{"question": q.Id, "author": bob.Id, "value": 3})

	guest := subscriptions.NewDefaultClient()
	guest.Subscribe(TopicQuestionsChanged)
	other := subscriptions.NewDefaultClient()
	other.Subscribe("questions/*")
	app.SubscriptionsBroker().Register(guest)
	app.SubscriptionsBroker().Register(other)

	// heard collects what c receives until want messages came or, when
	// fewer come, the wait is over.
	heard := func(c subscriptions.Client, want int, wait time.Duration) []map[string]string {
		var out []map[string]string
		deadline := time.After(wait)
		for len(out) < want || want == 0 {
			select {
			case m := <-c.Channel():
				if m.Name != TopicQuestionsChanged {
					continue
				}
				var data map[string]string
				if err := json.Unmarshal(m.Data, &data); err != nil {
					t.Fatal(err)
				}
				out = append(out, data)
			case <-deadline:
				return out
			}
		}
		return out
	}

	save(Actions, map[string]any{"action": ActionHide, "question": q.Id, "answer": a.Id, "reason": "Rude", "moderator": mod.Id})
	if got := heard(guest, 0, 200*time.Millisecond); len(got) != 0 {
		t.Fatalf("an answer's hide announced %v; its question's own event covers it", got)
	}
	save(Actions, map[string]any{"action": ActionHide, "question": q.Id, "reason": "Spam", "moderator": mod.Id})
	save(Actions, map[string]any{"action": ActionRestore, "question": q.Id, "reason": "Not spam", "moderator": mod.Id})
	got := heard(guest, 2, 10*time.Second)
	actions := map[string]bool{}
	for _, m := range got {
		if m["question"] == q.Id {
			actions[m["action"]] = true
		}
	}
	if len(got) != 2 || !actions[ActionHide] || !actions[ActionRestore] {
		t.Fatalf("the subscribed guest heard %v; want the hide and the restore of %s", got, q.Id)
	}
	if got := heard(other, 0, 200*time.Millisecond); len(got) != 0 {
		t.Fatalf("a client not subscribed to the topic heard %v", got)
	}
}
