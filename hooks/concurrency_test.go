package hooks_test

import (
	"fmt"
	"math/rand"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rollcall/rollcall/internal/apptest"
	"github.com/rollcall/rollcall/questions"
)

// Fifty users write at once through the REST API — ask, vote, switch,
// withdraw, answer, edit, delete their own questions — while a day ends
// mid-way; afterwards a recount finds no drift and counters equal the rows.
func TestConcurrentWritesLeaveNoDrift(t *testing.T) {
	cfg, clock := clockConfig(t, "UTC", apptest.FixtureTime)
	cfg.RateLimitExempt = []string{"192.0.2.1"} // httptest's client address
	app := fixture.NewApp(t, cfg)
	defer app.Cleanup()
	c := apptest.Serve(t, app)

	const users, opsPerUser = 50, 24
	tokens := make([]string, users)
	for i := range tokens {
		u, err := apptest.CreateUser(app, fmt.Sprintf("racer%010d", i), fmt.Sprintf("racer_%d", i))
		if err != nil {
			t.Fatal(err)
		}
		if tokens[i], err = u.NewAuthToken(); err != nil {
			t.Fatal(err)
		}
	}

	// Questions anyone may act on; users add and remove their own.
	var poolMu sync.Mutex
	pool := []string{apptest.AliceQuestion, apptest.BobQuestion}
	pick := func(rng *rand.Rand) string {
		poolMu.Lock()
		defer poolMu.Unlock()
		return pool[rng.Intn(len(pool))]
	}

	var wrote atomic.Int64
	ok := func(status int) {
		if status == http.StatusOK || status == http.StatusNoContent {
			wrote.Add(1)
		}
	}
	// The day ends while the writes are under way.
	rollover := make(chan struct{})
	var once sync.Once
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		<-rollover
		clock.Set(apptest.FixtureTime.Add(14 * time.Hour)) // 00:00 UTC the next day
		if _, err := questions.ExpireBonuses(app, clock.Now()); err != nil {
			t.Error(err)
		}
	}()

	for i := range tokens {
		wg.Add(1)
		go func(token string, seed int64) {
			defer wg.Done()
			rng := rand.New(rand.NewSource(seed))
			votes, answers := map[string]string{}, map[string]string{}
			var mine []string
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
				case 1: // delete one of mine: cascades to others' votes and answers
					if len(mine) > 0 {
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
		}(tokens[i], int64(i))
	}
	wg.Wait()
	t.Logf("%d of %d operations wrote", wrote.Load(), users*opsPerUser)
	if wrote.Load() < users*opsPerUser/3 {
		t.Fatalf("only %d of %d operations wrote; the test proved little", wrote.Load(), users*opsPerUser)
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
	var carrying int
	if err := app.DB().NewQuery("SELECT COUNT(*) FROM questions WHERE today = TRUE AND today_ends <= '2026-11-24 00:00:00.000Z'").Row(&carrying); err != nil {
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
