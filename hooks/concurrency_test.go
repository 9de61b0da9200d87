package hooks_test

import (
	"fmt"
	"math/rand"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/rollcall/rollcall/internal/apptest"
	"github.com/rollcall/rollcall/questions"
)

// Many users write at once (votes, switches, withdrawals, answers, edits)
// through the REST API; afterwards a recount finds no drift and the counters
// equal the rows.
func TestConcurrentWritesLeaveNoDrift(t *testing.T) {
	cfg, clock := clockConfig(t, "UTC", apptest.FixtureTime)
	cfg.RateLimitExempt = []string{"192.0.2.1"} // httptest's client address
	app := fixture.NewApp(t, cfg)
	defer app.Cleanup()
	c := apptest.Serve(t, app)

	const users, opsPerUser = 12, 40
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
	targets := []string{apptest.AliceQuestion, apptest.BobQuestion}

	var wg sync.WaitGroup
	var okMu sync.Mutex
	ok := 0
	count := func(status int) {
		if status == 200 || status == 204 {
			okMu.Lock()
			ok++
			okMu.Unlock()
		}
	}
	// The day ends while the writes are under way.
	rollover := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		<-rollover
		clock.Set(apptest.FixtureTime.Add(14 * time.Hour)) // 00:00 UTC the next day
		if _, err := questions.ExpireBonuses(app, clock.Now()); err != nil {
			t.Error(err)
		}
	}()
	var once sync.Once
	for i := range tokens {
		wg.Add(1)
		go func(token string, seed int64) {
			defer wg.Done()
			rng := rand.New(rand.NewSource(seed))
			voteIDs := map[string]string{}
			answerIDs := map[string]string{}
			for op := 0; op < opsPerUser; op++ {
				if op == opsPerUser/2 {
					once.Do(func() { close(rollover) })
				}
				q := targets[rng.Intn(len(targets))]
				kind := []string{"like", "dislike"}[rng.Intn(2)]
				switch rng.Intn(5) {
				case 0, 1: // vote, or switch when one exists
					if id := voteIDs[q]; id != "" {
						count(do(c, http.MethodPatch, votesURL+"/"+id, token, map[string]any{"kind": kind}))
					} else if status, out := c.Do(http.MethodPost, votesURL, token, map[string]any{"question": q, "kind": kind}); status == 200 {
						count(status)
						voteIDs[q] = out["id"].(string)
					}
				case 2: // withdraw
					if id := voteIDs[q]; id != "" {
						count(do(c, http.MethodDelete, votesURL+"/"+id, token, nil))
						delete(voteIDs, q)
					}
				case 3: // answer or edit
					if id := answerIDs[q]; id != "" {
						count(do(c, http.MethodPatch, answersURL+"/"+id, token, map[string]any{"value": 1 + rng.Intn(5)}))
					} else if status, out := c.Do(http.MethodPost, answersURL, token, map[string]any{"question": q, "value": 1 + rng.Intn(5)}); status == 200 {
						count(status)
						answerIDs[q] = out["id"].(string)
					}
				case 4: // withdraw the answer
					if id := answerIDs[q]; id != "" {
						count(do(c, http.MethodDelete, answersURL+"/"+id, token, nil))
						delete(answerIDs, q)
					}
				}
			}
		}(tokens[i], int64(i))
	}
	wg.Wait()
	t.Logf("%d of %d operations wrote", ok, users*opsPerUser)
	if ok < users*opsPerUser/3 {
		t.Fatalf("only %d of %d writes succeeded; the test proved little", ok, users*opsPerUser)
	}

	drifts, err := questions.Check(app, cfg.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(drifts) != 0 {
		t.Fatalf("drift after concurrent writes: %+v", drifts)
	}
	for _, id := range targets {
		q, _ := app.FindRecordById(questions.Questions, id)
		counts, err := questions.Count(app, id)
		if err != nil {
			t.Fatal(err)
		}
		if q.GetInt("answers") != counts.Answers || q.GetInt("likes") != counts.Likes || q.GetInt("dislikes") != counts.Dislikes {
			t.Errorf("question %s counters %d/%d/%d, rows %+v", id, q.GetInt("answers"), q.GetInt("likes"), q.GetInt("dislikes"), counts)
		}
		if q.GetBool("today") {
			t.Errorf("question %s kept its bonus past the day's end", id)
		}
	}
}

func do(c *apptest.Client, method, url, token string, body map[string]any) int {
	status, _ := c.Do(method, url, token, body)
	return status
}
