package bench

import (
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// savesPerRound is how many votes each side saves per round.
const savesPerRound = 2_000

// BenchmarkSaveVote isolates the storage cost of a vote from HTTP: a hooked
// app.Save into votes (transaction, recount, question update) against the
// same save into the hook-free twin, alternating each round.
func BenchmarkSaveVote(b *testing.B) {
	s := newServer(b)
	next := 1_000_000 // fresh (question, author) pairs, far from the HTTP benchmark's
	save := func(collection string) time.Duration {
		col, err := s.app.FindCollectionByNameOrId(collection)
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		for i := 0; i < savesPerRound; i++ {
			r := core.NewRecord(col)
			r.Load(map[string]any{
				"question": s.qids[(next/len(s.writers))%len(s.qids)],
				"author":   s.writers[next%len(s.writers)],
				"kind":     "like",
			})
			next++
			if err := s.app.Save(r); err != nil {
				b.Fatal(err)
			}
		}
		return time.Since(start) / savesPerRound
	}
	var hooked, twin time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		twin += save("votes_twin")
		hooked += save("votes")
	}
	b.StopTimer()
	n := float64(b.N)
	b.ReportMetric(float64(hooked.Microseconds())/n, "hooked_µs/save")
	b.ReportMetric(float64(twin.Microseconds())/n, "twin_µs/save")
	b.ReportMetric(float64(twin)/float64(hooked), "twin/hooked")
}
