package job_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/rollcall/rollcall/internal/apptest"
	"github.com/rollcall/rollcall/internal/fakesite"
	"github.com/rollcall/rollcall/scraper/job"
)

// profileCounter counts profile page requests by PIN.
type profileCounter struct {
	mu    sync.Mutex
	byPIN map[string]int
}

func (c *profileCounter) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/FramePages/SearchDeatils.aspx" {
			c.mu.Lock()
			c.byPIN[r.URL.Query().Get("id")]++
			c.mu.Unlock()
		}
		next.ServeHTTP(w, r)
	})
}

// take returns the counts since the last take.
func (c *profileCounter) take() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.byPIN
	c.byPIN = map[string]int{}
	return out
}

func keys(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Profiles are read once per property per run, and only when due: every
// new property on a first load (within the budget), then only the refresh
// budget on an unchanged run, and the changed properties plus the budget
// after the site changed. Overlapping queries (a capped suburb split by its
// towns or schemes) never cost a second read.
func TestProfilesReadOncePerRunAndOnlyWhenDue(t *testing.T) {
	app := fixture.NewApp(t, nil)
	defer app.Cleanup()
	site := fakesite.New(fakesite.Generate(testData))
	counter := &profileCounter{byPIN: map[string]int{}}
	srv := httptest.NewServer(counter.wrap(site))
	defer srv.Close()
	run := func(refresh int) (job.Result, map[string]int) {
		t.Helper()
		o := options(srv.URL)
		o.Spec.Details, o.Spec.DetailsRefresh = true, refresh
		res, err := job.Run(context.Background(), app, o)
		if err != nil || res.Status != "ok" {
			t.Fatalf("run: %q, %v, %+v", res.Status, err, res.Counts)
		}
		return res, counter.take()
	}
	onceEach := func(label string, got map[string]int) {
		t.Helper()
		for pin, n := range got {
			if n != 1 {
				t.Errorf("%s: profile of %s read %d times", label, pin, n)
			}
		}
	}

	// First load: every property is new; the budget covers them all.
	res, got := run(1_000_000)
	onceEach("first load", got)
	if res.Counts.PartitionsSplit == 0 {
		t.Fatal("no capped suburb: the roll is too small to prove overlapping queries")
	}
	if len(got) != int(res.Counts.RowsNew) {
		t.Fatalf("first load read %d profiles for %d properties", len(got), res.Counts.RowsNew)
	}
	if n := apptest.Count(t, app, "SELECT COUNT(*) FROM properties WHERE details_at = '' OR owners IS NULL"); n != 0 {
		t.Fatalf("%d properties without their profile after the first load", n)
	}

	// Unchanged: exactly the budget, the longest-unread first.
	const budget = 40
	var oldest []string
	if err := app.DB().NewQuery("SELECT pin FROM properties ORDER BY details_at, id LIMIT 40").Column(&oldest); err != nil {
		t.Fatal(err)
	}
	_, got = run(budget)
	onceEach("unchanged run", got)
	sort.Strings(oldest)
	if k := keys(got); len(k) != budget || !equal(k, oldest) {
		t.Fatalf("unchanged run read %d profiles %v; want the %d longest unread %v", len(k), k, budget, oldest)
	}

	// Changed: the changed properties and the budget, nothing else.
	planted := site.Mutate(7, 25)
	oldest = nil
	if err := app.DB().NewQuery("SELECT pin FROM properties ORDER BY details_at, id LIMIT 10").Column(&oldest); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{}
	for _, c := range planted {
		want[c.PIN] = 1
	}
	for _, pin := range oldest {
		want[pin] = 1
	}
	_, got = run(10)
	onceEach("changed run", got)
	if !equal(keys(got), keys(want)) {
		t.Fatalf("changed run read %v; want the %d changed and the 10 longest unread: %v", keys(got), len(planted), keys(want))
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// The roll's year comes from the site's header; a year given for the run is
// refused when the header names another, before anything is stored.
func TestRollYearFromTheHeader(t *testing.T) {
	app := fixture.NewApp(t, nil)
	defer app.Cleanup()
	site, url := newSite(t, smallData)
	o := options(url)
	o.Spec.Year = 2017
	res, err := job.Run(context.Background(), app, o)
	if err == nil || !strings.Contains(err.Error(), "names the 2022 roll, not 2017") {
		t.Fatalf("a 2017 run of the 2022 site: %q, %v", res.Status, err)
	}
	if n := apptest.Count(t, app, "SELECT COUNT(*) FROM properties"); n != 0 {
		t.Fatalf("the refused run stored %d properties", n)
	}
	res, err = job.Run(context.Background(), app, options(url))
	if err != nil || res.Status != "ok" {
		t.Fatalf("run: %q, %v", res.Status, err)
	}
	if n := apptest.Count(t, app, "SELECT COUNT(*) FROM properties WHERE year = 2022"); n != len(site.Snapshot()) {
		t.Fatalf("%d properties stored as 2022; the site has %d", n, len(site.Snapshot()))
	}
	if n := apptest.Count(t, app, "SELECT COUNT(*) FROM scrape_runs WHERE id = '"+res.RunID+"' AND year = 2022"); n != 1 {
		t.Fatal("the run log does not name the year")
	}
}
