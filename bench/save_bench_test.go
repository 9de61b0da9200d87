package bench

import (
	"testing"

	"github.com/pocketbase/pocketbase/core"
)

// BenchmarkSaveVote isolates the storage cost of a vote from HTTP: a hooked
// app.Save into votes (transaction, recount, question update) against the
// same save into the hook-free twin.
func BenchmarkSaveVote(b *testing.B) {
	s := newServer(b)
	next := 1_000_000 // fresh (question, author) pairs, far from the HTTP benchmark's
	for _, collection := range []string{"votes_twin", "votes"} {
		col, err := s.app.FindCollectionByNameOrId(collection)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(collection, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				n := next
				next++
				r := core.NewRecord(col)
				r.Load(map[string]any{
					"question": s.qids[(n/len(s.writers))%len(s.qids)],
					"author":   s.writers[n%len(s.writers)],
					"kind":     "like",
				})
				if err := s.app.Save(r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
