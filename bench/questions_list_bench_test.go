package bench

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/rollcall/rollcall/hooks"
	"github.com/rollcall/rollcall/questions"
)

// pbTitleSearch is PocketBase's own list filtered by part of the title
// (a LIKE over every row, and a count of them), the baseline of the question
// search.
func pbTitleSearch(term string) string {
	return "/api/collections/questions/records?perPage=20&filter=" + url.QueryEscape("title~'"+term+"'")
}

// pbNewest is PocketBase's own list in the newest order, page p.
func pbNewest(p int) string {
	return fmt.Sprintf("/api/collections/questions/records?perPage=20&sort=-created&page=%d", p)
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

// listPages measures GET /api/questions the way the valuation queries are
// measured: latency one request at a time, each request a different page or
// term (so no answer is served from a cache), beside PocketBase's list
// with the nearest sort or filter in the same run; then the newest page
// under the 16-connection load, as throughput beside PocketBase's list.
func (q *questionsBench) listPages(b *testing.B) {
	client := &http.Client{Timeout: time.Minute}
	base := q.srv.URL
	newest := func(p int) string { return fmt.Sprintf("%s?sort=newest&page=%d", hooks.QuestionsPath, p) }
	q.checkList(b, newest(1), 20)
	q.checkList(b, newest(2000), 20)
	words := broadWords()
	rows := []struct {
		figure, baseline string
		ours, pbs        func(i int) string
		target           *target
	}{
		{"All questions p95, newest order, pages 1–500 (one at a time)", "PocketBase's list, sort=-created, same pages",
			func(i int) string { return newest(i%500 + 1) }, func(i int) string { return pbNewest(i%500 + 1) },
			valueAtMost(15, "p95 ≤ 15 ms")},
		{"All questions p95, newest order, pages 2,000–2,500 (40,000+ rows in)", "PocketBase's list, sort=-created, same pages",
			func(i int) string { return newest(2000 + i%500) }, func(i int) string { return pbNewest(2000 + i%500) },
			valueAtMost(15, "p95 ≤ 15 ms")},
		{"Question search p95, selective: one question's number", "PocketBase's list with title~ the same number",
			func(i int) string { return hooks.QuestionsPath + fmt.Sprintf("?q=%d", 50_000+i*7) },
			func(i int) string { return pbTitleSearch(fmt.Sprint(50_000 + i*7)) },
			ratioAtMost(0.1, "≥ 10× faster than title~ (p95 ≤ 1/10)")},
		{"Question search p95, broad: a word in about half the questions", "PocketBase's list with title~ the same word",
			func(i int) string { return hooks.QuestionsPath + "?q=" + words[i%len(words)] },
			func(i int) string { return pbTitleSearch(words[i%len(words)]) },
			ratioAtMost(0.1, "≥ 10× faster than title~ (p95 ≤ 1/10)")},
	}
	ours, theirs := make([][]time.Duration, len(rows)), make([][]time.Duration, len(rows))
	b.Run("latency", func(b *testing.B) {
		for round := 0; b.Loop(); round++ {
			for k, r := range rows {
				shift := func(f func(int) string) func(int) string {
					return func(i int) string { return base + f(i+round*211) }
				}
				o := latencies(b, client, 200, shift(r.ours))
				t := latencies(b, client, 40, shift(r.pbs))
				ours[k], theirs[k] = append(ours[k], o...), append(theirs[k], t...)
			}
		}
		for k, r := range rows {
			slices.Sort(ours[k])
			slices.Sort(theirs[k])
			collector.add(b, row{figure: r.figure, value: ms(pct(ours[k], 95)), unit: "ms",
				baseline: r.baseline, base: ms(pct(theirs[k], 95)), target: r.target,
				note: fmt.Sprintf("p50 %s ms (list %s ms); %d vs %d requests, one at a time, each a different page or term",
					num(ms(pct(ours[k], 50))), num(ms(pct(theirs[k], 50))), len(ours[k]), len(theirs[k]))})
		}
	})
	b.Run("load", func(b *testing.B) {
		// PocketBase's newest list (no index it can use) fails under this
		// load, so the baseline is its top-20 list, as for the home page.
		t := compare(b, q.srv, *flagRequests, get("newest", newest(1), ""), get("list", pbList, ""))
		recordVs(b, "All questions, newest page 1 under load (GET /api/questions?sort=newest)", t[0],
			"PocketBase's top-20 list ("+pbList+")", t[1], nil)
	})
	b.Run("search-floor", func(b *testing.B) { q.searchFloor(b, words) })
	q.loaded = true
}

// broadWords are the generated texts' words of four letters or more: each
// occurs in about half the questions (bench/dataset_test.go draws every
// text from this small vocabulary).
func broadWords() []string {
	var out []string
	for _, w := range words {
		if len(w) >= 4 {
			out = append(out, w)
		}
	}
	return out
}

// searchFloor measures, in process on the served database, what any search
// ranked by match quality must at least do for a broad word — SQLite's bm25
// over every match, nothing else — beside the LIKE count over every title
// that PocketBase's title~ list runs. It shows whether a broad search can be
// 10× faster than title~ at all.
func (q *questionsBench) searchFloor(b *testing.B, words []string) {
	db, err := sql.Open("sqlite", "file:"+filepath.Join(q.data, "data.db")+"?mode=ro")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	timeOf := func(query string, arg string) time.Duration {
		start := time.Now()
		var n int
		if err := db.QueryRow(query, arg).Scan(&n); err != nil {
			b.Fatalf("%s: %v", query, err)
		}
		return time.Since(start)
	}
	bm25 := `SELECT count(*) FROM (SELECT rowid FROM ` + questions.SearchTable + ` WHERE ` + questions.SearchTable +
		` MATCH ? ORDER BY bm25(` + questions.SearchTable + `, 4.0, 1.0) LIMIT 20)`
	like := `SELECT count(*) FROM questions WHERE title LIKE '%' || ? || '%'`
	var floor, scan []time.Duration
	for round := 0; b.Loop(); round++ {
		for i := range 3 * len(words) {
			w := words[(i+round)%len(words)]
			floor = append(floor, timeOf(bm25, `"`+w+`"`))
			scan = append(scan, timeOf(like, w))
		}
	}
	slices.Sort(floor)
	slices.Sort(scan)
	collector.add(b, row{figure: "Broad search floor p95: SQLite's bm25 over every match of one broad word, nothing else (in process)",
		value: ms(pct(floor, 95)), unit: "ms", baseline: "SQLite's LIKE count over every title (what title~ runs), in process",
		base: ms(pct(scan, 95)), note: fmt.Sprintf("p50 %s ms (LIKE %s ms); %d statements each, one at a time; no ranked search can be faster than this floor",
			num(ms(pct(floor, 50))), num(ms(pct(scan, 50))), len(floor))})
}
