package hooks_test

import (
	"fmt"
	"math/rand"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"github.com/rollcall/rollcall/internal/apptest"
	"github.com/rollcall/rollcall/questions"
	"github.com/rollcall/rollcall/ranking"
)

// Fifty users write at once through the REST API — ask, edit and delete
// their own questions, vote, switch, withdraw, answer, edit answers — while
// two moderators hide and restore answers and questions and a day ends
// mid-way; afterwards a recount finds no drift and counters equal the shown
// rows.
// With -full they do it on top of the full-size dataset.
func TestConcurrentWritesLeaveNoDrift(t *testing.T) {
	cfg, clock := clockConfig(t, "UTC", apptest.FixtureTime)
	cfg.RateLimitExempt = []string{"192.0.2.1"} // httptest's client address
	app := fixture.NewApp(t, cfg)
	defer app.Cleanup()
	if _, err := addModerator(app); err != nil {
		t.Fatal(err)
	}
	c := apptest.Serve(t, app)

	const users = 50
	opsPerUser := 24
	if *full {
		opsPerUser = 400
	}
	tokens := make([]string, users)
	racers := make([]string, users)
	for i := range tokens {
		u, err := apptest.CreateUser(app, fmt.Sprintf("racer%010d", i), fmt.Sprintf("racer_%d", i))
		if err != nil {
			t.Fatal(err)
		}
		racers[i] = u.Id
		if tokens[i], err = u.NewAuthToken(); err != nil {
			t.Fatal(err)
		}
	}

	// Questions anyone may act on; users add and remove their own.
	var poolMu sync.Mutex
	pool := []string{apptest.AliceQuestion, apptest.BobQuestion}
	fromPool := func(rng *rand.Rand) string {
		poolMu.Lock()
		defer poolMu.Unlock()
		return pool[rng.Intn(len(pool))]
	}
	pick := fromPool
	owned := make([][]string, users)
	if *full {
		start := time.Now()
		ds, err := buildDataset(app, clock.Now(), cfg.Location, racers)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("dataset: %d questions (%d asked today), %d votes, %d answers in %s",
			len(ds.ids), dsToday, ds.votes, ds.answers, time.Since(start).Round(time.Millisecond))
		if ds.votes+ds.answers != 1_000_000 {
			t.Fatalf("dataset holds %d votes and answers, want 1,000,000", ds.votes+ds.answers)
		}
		// A drift-free start, so any drift after is the writes' doing.
		start = time.Now()
		drifts, err := questions.Check(app, clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		if len(drifts) != 0 {
			t.Fatalf("%d questions drift before any write, first %+v", len(drifts), drifts[0])
		}
		t.Logf("check before the storm: 0 drift over %d questions in %s", len(ds.ids), time.Since(start).Round(time.Millisecond))
		owned = ds.owned
		// Contention: a few hot questions asked today, the new ones, and
		// the long tail of the whole dataset.
		hot := ds.ids[:24]
		pick = func(rng *rand.Rand) string {
			switch n := rng.Intn(10); {
			case n < 4:
				return hot[rng.Intn(len(hot))]
			case n < 6:
				return fromPool(rng)
			default:
				return ds.ids[rng.Intn(len(ds.ids))]
			}
		}
	}

	var wrote atomic.Int64
	ok := func(status int) {
		if status == http.StatusOK || status == http.StatusNoContent {
			wrote.Add(1)
		}
	}
	// The day ends while the writes are under way.
	midnight := ranking.DayEnd(clock.Now(), cfg.Location)
	var expired int
	rollover := make(chan struct{})
	var once sync.Once
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		<-rollover
		clock.Set(midnight)
		var err error
		if expired, err = questions.ExpireBonuses(app, clock.Now()); err != nil {
			t.Error(err)
		}
	}()

	// Moderators hide and restore answers and questions of the pool while
	// the users write; a race lost to another moderator is a 400.
	var moderated atomic.Int64
	for m := range 2 {
		wg.Add(1)
		go func(seed int64) {
			defer wg.Done()
			rng := rand.New(rand.NewSource(seed))
			for range opsPerUser {
				q := pick(rng)
				act := map[string]any{"question": q, "reason": "storm"}
				table, where := "questions", dbx.HashExp{"id": q}
				if rng.Intn(3) > 0 { // mostly answers: they move the ranking
					var a struct {
						ID string `db:"id"`
					}
					if err := app.DB().NewQuery("SELECT id FROM answers WHERE question = {:q} ORDER BY RANDOM() LIMIT 1").
						Bind(dbx.Params{"q": q}).One(&a); err != nil {
						continue // none yet, or the question is gone
					}
					act["answer"] = a.ID
					table, where = "answers", dbx.HashExp{"id": a.ID}
				}
				var hidden bool
				if err := app.DB().Select("hidden").From(table).Where(where).Row(&hidden); err != nil {
					continue
				}
				act["action"] = map[bool]string{false: "hide", true: "restore"}[hidden]
				if do(c, http.MethodPost, actionRecordsURL, modToken(), act) == http.StatusOK {
					moderated.Add(1)
				}
			}
		}(int64(1000 + m))
	}

	start := time.Now()
	for i := range tokens {
		wg.Add(1)
		go func(token string, seed int64, mine []string) {
			defer wg.Done()
			rng := rand.New(rand.NewSource(seed))
			votes, answers := map[string]string{}, map[string]string{}
			for op := 0; op < opsPerUser; op++ {
				if op == opsPerUser/2 {
					once.Do(func() { close(rollover) })
				}
				q := pick(rng)
				kind := []string{"like", "dislike"}[rng.Intn(2)]
				switch rng.Intn(8) {
				case 0: // ask
					if status, out := c.Do(http.MethodPost, questionsURL, token, map[string]any{"title": fmt.Sprintf("Q %d-%d", seed, op)}); status == 200 {
						ok(status)
						id := out["id"].(string)
						mine = append(mine, id)
						poolMu.Lock()
						pool = append(pool, id)
						poolMu.Unlock()
					}
				case 1: // edit one of mine (the ranking hook runs on it too), or delete it: cascades to others' votes and answers
					switch {
					case len(mine) == 0:
					case rng.Intn(2) == 0:
						ok(do(c, http.MethodPatch, questionsURL+"/"+mine[0], token, map[string]any{"title": fmt.Sprintf("Q %d-%d edited", seed, op)}))
					default:
						ok(do(c, http.MethodDelete, questionsURL+"/"+mine[0], token, nil))
						mine = mine[1:]
					}
				case 2, 3: // vote, or switch when one exists
					if id := votes[q]; id != "" {
						ok(do(c, http.MethodPatch, votesURL+"/"+id, token, map[string]any{"kind": kind}))
					} else if status, out := c.Do(http.MethodPost, votesURL, token, map[string]any{"question": q, "kind": kind}); status == 200 {
						ok(status)
						votes[q] = out["id"].(string)
					}
				case 4: // withdraw the vote
					if id := votes[q]; id != "" {
						ok(do(c, http.MethodDelete, votesURL+"/"+id, token, nil))
						delete(votes, q)
					}
				case 5, 6: // answer, or edit the answer
					if id := answers[q]; id != "" {
						ok(do(c, http.MethodPatch, answersURL+"/"+id, token, map[string]any{"value": 1 + rng.Intn(5)}))
					} else if status, out := c.Do(http.MethodPost, answersURL, token, map[string]any{"question": q, "value": 1 + rng.Intn(5)}); status == 200 {
						ok(status)
						answers[q] = out["id"].(string)
					}
				case 7: // withdraw the answer
					if id := answers[q]; id != "" {
						ok(do(c, http.MethodDelete, answersURL+"/"+id, token, nil))
						delete(answers, q)
					}
				}
			}
		}(tokens[i], int64(i), owned[i])
	}
	wg.Wait()
	elapsed := time.Since(start)
	t.Logf("%d of %d operations wrote in %s (%.0f writes/s); the rollover expired %d bonuses",
		wrote.Load(), users*opsPerUser, elapsed.Round(time.Millisecond), float64(wrote.Load())/elapsed.Seconds(), expired)
	if wrote.Load() < int64(users*opsPerUser/3) {
		t.Fatalf("only %d of %d operations wrote; the test proved little", wrote.Load(), users*opsPerUser)
	}
	t.Logf("the moderators hid or restored %d times", moderated.Load())
	if moderated.Load() < int64(opsPerUser/2) {
		t.Fatalf("the moderators acted only %d times; the test proved little", moderated.Load())
	}
	if n := apptest.Count(t, app, "SELECT COUNT(*) FROM moderation_actions"); int64(n) != moderated.Load() {
		t.Fatalf("%d log rows for %d actions", n, moderated.Load())
	}
	// At full size most of the day's questions are still due at midnight
	// (writers after it drop a few bonuses first, deletes remove others).
	if *full && expired < dsToday/2 {
		t.Fatalf("the rollover expired only %d bonuses; the test proved little", expired)
	}

	drifts, err := questions.Check(app, clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(drifts) != 0 {
		t.Fatalf("drift after concurrent writes: %+v", drifts)
	}
	// Counters equal the rows, and no answer or vote outlived its question.
	var orphans int
	if err := app.DB().NewQuery(`SELECT
		(SELECT COUNT(*) FROM answers WHERE question NOT IN (SELECT id FROM questions)) +
		(SELECT COUNT(*) FROM votes WHERE question NOT IN (SELECT id FROM questions))`).Row(&orphans); err != nil {
		t.Fatal(err)
	}
	if orphans != 0 {
		t.Fatalf("%d answers or votes outlived their question", orphans)
	}
	// The same in total, counted another way.
	var stored, counted [3]int
	if err := app.DB().NewQuery(`SELECT SUM(answers), SUM(likes), SUM(dislikes) FROM questions`).
		Row(&stored[0], &stored[1], &stored[2]); err != nil {
		t.Fatal(err)
	}
	if err := app.DB().NewQuery(`SELECT (SELECT COUNT(*) FROM answers WHERE hidden = FALSE),
		(SELECT COUNT(*) FROM votes WHERE kind = 'like'), (SELECT COUNT(*) FROM votes WHERE kind = 'dislike')`).
		Row(&counted[0], &counted[1], &counted[2]); err != nil {
		t.Fatal(err)
	}
	if stored != counted {
		t.Fatalf("stored answers, likes, dislikes total %v; the rows count %v", stored, counted)
	}
	// Every hidden item's state is its last action's, and its reason.
	if n := apptest.Count(t, app, `SELECT COUNT(*) FROM answers WHERE hidden != (hidden_reason != '')`); n != 0 {
		t.Fatalf("%d answers whose hidden flag and reason disagree", n)
	}
	var carrying int
	if err := app.DB().NewQuery("SELECT COUNT(*) FROM questions WHERE today = TRUE AND today_ends <= {:midnight}").
		Bind(dbx.Params{"midnight": dsTime(midnight)}).Row(&carrying); err != nil {
		t.Fatal(err)
	}
	if carrying != 0 {
		t.Fatalf("%d questions asked before midnight kept their bonus", carrying)
	}
}

func do(c *apptest.Client, method, url, token string, body map[string]any) int {
	status, _ := c.Do(method, url, token, body)
	return status
}
