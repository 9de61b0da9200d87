package bench

import (
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rollcall/rollcall/questions"
)

// Requests per measured run of each side. Each b.N round runs both sides
// back to back, so drift in the machine's load hits both alike.
const (
	writesPerRound = 2_000
	readsPerRound  = 20_000
)

// BenchmarkVoteCreate: vote creates through the REST API, with the ranking
// hooks (a transaction, a recount, the question's update) against the same
// creates on votes_twin, a hook-free collection with the same fields and
// rules. Target: hooked ≥ 80 % of the twin.
func BenchmarkVoteCreate(b *testing.B) {
	s := newServer(b)
	client := newClient()
	// Each create needs a fresh (question, author) pair; writers never
	// voted in the dataset, so every pair below is new on both collections.
	var next atomic.Int64
	pair := func() (string, string, string) {
		n := int(next.Add(1)) - 1
		w := n % len(s.writers)
		q := s.qids[(n/len(s.writers))%len(s.qids)]
		return q, s.writers[w], s.tokens[w]
	}
	run := func(collection string, offset int64) float64 {
		next.Store(offset)
		return load(b, client, writesPerRound, 200, func(int) (*http.Request, error) {
			q, author, token := pair()
			return postJSON(s.http.URL+"/api/collections/"+collection+"/records", token,
				[]byte(fmt.Sprintf(`{"question":%q,"author":%q,"kind":"like"}`, q, author)))
		})
	}

	var hooked, twin float64
	var offset int64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		twin += run("votes_twin", offset)
		hooked += run("votes", offset)
		offset += writesPerRound
	}
	b.StopTimer()
	hooked, twin = hooked/float64(b.N), twin/float64(b.N)
	b.ReportMetric(hooked, "hooked_req/s")
	b.ReportMetric(twin, "twin_req/s")
	b.ReportMetric(hooked/twin, "hooked/twin")

	drifts, err := questions.Check(s.app, time.Now())
	if err != nil || len(drifts) != 0 {
		b.Fatalf("ranking not exact after the load: %d drifted (%v)", len(drifts), err)
	}
}

// BenchmarkTopAnonymous: the home endpoint for a guest against PocketBase's
// own list of the same 20 questions and against a static file (the ceiling).
// Target: ≥ 4× PocketBase's list.
func BenchmarkTopAnonymous(b *testing.B) {
	s := newServer(b)
	compareReads(b, get(s.http.URL+"/api/questions/top", ""), map[string]request{
		"pblist": get(s.http.URL+pbList, ""),
		"static": get(s.http.URL+"/", ""),
	})
}

// BenchmarkTopSignedIn: the home endpoint for a user with a vote and an
// answer on each of the 20 cards, against PocketBase's list and /api/health
// sent with the same token (the ceiling of any authenticated request).
// Targets: ≥ 1.5× the list and ≥ 65 % of health.
func BenchmarkTopSignedIn(b *testing.B) {
	s := newServer(b)
	compareReads(b, get(s.http.URL+"/api/questions/top", s.reader), map[string]request{
		"pblist": get(s.http.URL+pbList, s.reader),
		"health": get(s.http.URL+"/api/health", s.reader),
	})
}

// compareReads loads top and each baseline in turn, every round, and
// reports requests per second of each and top's ratio to each.
func compareReads(b *testing.B, top request, baselines map[string]request) {
	client := newClient()
	rates := map[string]float64{}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for name, baseline := range baselines {
			rates[name] += load(b, client, readsPerRound, 200, baseline)
		}
		rates["top"] += load(b, client, readsPerRound, 200, top)
	}
	b.StopTimer()
	for name, rate := range rates {
		b.ReportMetric(rate/float64(b.N), name+"_req/s")
		if name != "top" {
			b.ReportMetric(rates["top"]/rate, "top/"+name)
		}
	}
}

// pbList is PocketBase's own list query for the same top 20.
const pbList = "/api/collections/questions/records?sort=-ranking,-created,id&perPage=20&skipTotal=1"
