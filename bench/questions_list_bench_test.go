package bench

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"testing"

	"github.com/rollcall/rollcall/hooks"
	"github.com/rollcall/rollcall/questions"
)

// pbTitleSearch is PocketBase's own list filtered by part of the title
// (a LIKE over every row), the baseline of the question search.
func pbTitleSearch(term string) string {
	return "/api/collections/questions/records?perPage=20&filter=" + url.QueryEscape("title~'"+term+"'")
}

// checkList fails unless path answers a page of want cards or more.
func (q *questionsBench) checkList(b *testing.B, path string, want int) {
	b.Helper()
	res, err := http.Get(q.srv.URL + path)
	if err != nil {
		b.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var body questions.ListResponse
	if err := json.Unmarshal(raw, &body); err != nil || res.StatusCode != 200 || len(body.Items) < want {
		b.Fatalf("%s: want %d items or more: %d %v %.300s", path, want, res.StatusCode, err, raw)
	}
}

// listPages: pages of GET /api/questions (newest, a deep newest page,
// unanswered) and searches, a selective one (one question's number) and a
// broad one (a word in ~half the generated texts), each beside PocketBase's
// list with filter=title~'…' for the same text, in the same run.
func (q *questionsBench) listPages(b *testing.B) {
	newest := hooks.QuestionsPath + "?sort=newest"
	deep := hooks.QuestionsPath + "?sort=newest&page=2000"
	q.checkList(b, newest, 20)
	q.checkList(b, deep, 20)
	b.Run("pages", func(b *testing.B) {
		t := compare(b, q.srv, *flagRequests, get("newest", newest, ""), get("deep", deep, ""), get("list", pbList, ""))
		recordVs(b, "All questions, newest page (GET /api/questions?sort=newest)", t[0],
			"PocketBase's top-20 list ("+pbList+")", t[2], p95AtMost(t[0], 15))
		recordVs(b, "All questions, page 2,000 (newest, 40,000 rows in)", t[1],
			"PocketBase's top-20 list", t[2], p95AtMost(t[1], 15))
	})
	for _, s := range []struct{ name, figure, term string }{
		{"selective", "selective: one question's number", "54321"},
		{"broad", "broad: a common word", "parking"},
	} {
		ours := hooks.QuestionsPath + "?q=" + s.term
		q.checkList(b, ours, 1)
		b.Run("search-"+s.name, func(b *testing.B) {
			t := compare(b, q.srv, *flagRequests, get("search", ours, ""), get("title~", pbTitleSearch(s.term), ""))
			recordVs(b, "Question search, "+s.figure+" (GET /api/questions?q="+s.term+")", t[0],
				"PocketBase's list with title~'"+s.term+"'", t[1], ratioAtLeast(10, "≥ 10× the title~ list"))
		})
	}
	q.loaded = true
}

// p95AtMost is met when the tally's p95 latency is at most ms.
func p95AtMost(t *tally, limit float64) *target {
	return &target{text: "p95 ≤ " + num(limit) + " ms", check: func(float64, float64) bool {
		t.all.Close()
		return ms(t.all.Latencies.P95) <= limit
	}}
}
