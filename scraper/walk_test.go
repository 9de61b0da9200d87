package scraper

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/rollcall/rollcall/internal/fakesite"
)

// A query the site caps at every depth ends as incomplete partitions in
// the outcomes, never as a silently short result.
func TestWalkRecordsWhatCannotBeSplitBelowTheCap(t *testing.T) {
	rows := make([]fakesite.Row, RowCap)
	for i := range rows {
		rows[i] = fakesite.Row{PIN: fmt.Sprint(i), RateNumber: fmt.Sprintf("%08d", i), Legal: "ERF 1 of X", Address: "1 A ROAD, X"}
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		fakesite.WriteResultPage(w, rows, true)
	}))
	defer srv.Close()
	f, err := NewFetcher(FetchOptions{BaseURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.LoadRobots(context.Background()); err != nil {
		t.Fatal(err)
	}
	w := &Walker{Fetcher: f, Workers: 2}
	statuses := map[Status]int{}
	stored := 0
	root := Partition{Roll: FullTitle, SuburbID: "1", Volume: "01", RateNumber: "7"}
	err = w.Walk(context.Background(), []Partition{root}, func(o Outcome) error {
		statuses[o.Status]++
		stored += len(o.Properties)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// "7" splits into 19 two-digit substrings, each still capped with no
	// finer split left: each keeps its 1,000 rows and is incomplete.
	if statuses[StatusSplitInexact] != 1 || statuses[StatusIncomplete] != 19 || statuses[StatusDone] != 0 || stored != 19*RowCap {
		t.Fatalf("statuses %v, %d rows", statuses, stored)
	}
}
