package questions_test

import (
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/rollcall/rollcall/questions"
)

func searchFixture(t *testing.T) (core.App, string) {
	t.Helper()
	app := newApp(t)
	alice := createUser(t, app, "alice").Id
	for _, q := range []struct{ id, title, description string }{
		{"s1", "Café opening hours on Sundays", "The café near the library."},
		{"s2", "Is the new bus timetable working?", "Route 12 changed."},
		{"s3", "Potholes on Main Road", "Who fixes them? Ask the MÜLLER depot."},
		{"s4", "Library books", "Can the bus bring books to the café?"},
	} {
		createQuestion(t, app, qid(q.id), alice, map[string]any{"title": q.title, "description": q.description})
	}
	return app, alice
}

func search(t *testing.T, app core.App, q string) []string {
	t.Helper()
	return ids(list(t, app, "q="+urlQuery(q)).Items)
}

func urlQuery(s string) string { return url.QueryEscape(s) }

// Case and accents are ignored both ways; the last word matches as a
// prefix; title matches rank above description matches.
func TestSearchIgnoresCaseAndAccents(t *testing.T) {
	app, _ := searchFixture(t)
	for _, c := range []struct {
		q    string
		want []string
	}{
		{"cafe", []string{"s1", "s4"}}, // title first, then description
		{"CAFÉ", []string{"s1", "s4"}},
		{"muller", []string{"s3"}},
		{"Müller", []string{"s3"}},
		{"timet", []string{"s2"}},         // prefix of the last word
		{"bus timetable", []string{"s2"}}, // every word
		{"bus books", []string{"s4"}},
		{"timet bus", nil}, // only the last word is a prefix
		{"zebra", nil},
		{"12", []string{"s2"}},
		// Operators and punctuation are plain text.
		{`bus OR zebra`, nil},
		{`"bus" AND NOT`, nil},
		{`bus*`, []string{"s2", "s4"}},
		{`title:bus`, nil},
		{`NEAR(bus route)`, nil}, // NEAR is a word here
		{`'); DROP TABLE questions; --`, nil},
		{`a bus`, nil}, // "a" is kept as a whole word, and no text has it
	} {
		got := search(t, app, c.q)
		if len(got) == 0 && len(c.want) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("q=%q: %v, want %v", c.q, got, c.want)
		}
	}
}

// Equal matches are ordered by ranking; a search can be sorted otherwise.
func TestSearchOrder(t *testing.T) {
	app := newApp(t)
	alice := createUser(t, app, "alice").Id
	createQuestion(t, app, qid("r1"), alice, map[string]any{"title": "Parking permit", "ranking": 10, "created": T0.Add(-1)})
	createQuestion(t, app, qid("r2"), alice, map[string]any{"title": "Parking permit", "ranking": 40, "created": T0.Add(-2)})
	createQuestion(t, app, qid("r3"), alice, map[string]any{"title": "Parking permit", "ranking": 20, "created": T0.Add(-3), "answers": 2})
	createQuestion(t, app, qid("r4"), alice, map[string]any{"title": "Parking permit", "ranking": 90, "hidden": true})
	if got := search(t, app, "parking"); !reflect.DeepEqual(got, []string{"r2", "r3", "r1"}) {
		t.Errorf("equal matches: %v, want by ranking and without the hidden one", got)
	}
	if got := ids(list(t, app, "q=parking&sort=newest").Items); !reflect.DeepEqual(got, []string{"r1", "r2", "r3"}) {
		t.Errorf("sort=newest: %v", got)
	}
	if got := ids(list(t, app, "q=parking&sort=unanswered").Items); !reflect.DeepEqual(got, []string{"r1", "r2"}) {
		t.Errorf("sort=unanswered: %v", got)
	}
	page := list(t, app, "q=parking&perPage=2&page=2")
	if got := ids(page.Items); !reflect.DeepEqual(got, []string{"r1"}) || page.TotalItems != 3 || page.TotalPages != 2 {
		t.Errorf("second page: %v of %d (%d pages)", got, page.TotalItems, page.TotalPages)
	}
}

// Inserts, edits, hides, restores and deletes reach the index through the
// triggers; a vote's recount (no text change) does not rewrite it.
func TestSearchFollowsWrites(t *testing.T) {
	app, alice := searchFixture(t)
	q := createQuestion(t, app, qid("s9"), alice, map[string]any{"title": "Street lights out"})
	if got := search(t, app, "lights"); !reflect.DeepEqual(got, []string{"s9"}) {
		t.Fatalf("after insert: %v", got)
	}
	q.Set("title", "Street lamps out")
	if err := app.SaveNoValidate(q); err != nil {
		t.Fatal(err)
	}
	if got := search(t, app, "lights"); len(got) != 0 {
		t.Errorf("old title still found: %v", got)
	}
	if got := search(t, app, "lamps"); !reflect.DeepEqual(got, []string{"s9"}) {
		t.Errorf("new title not found: %v", got)
	}
	q.Set("description", "Since Tuesday.")
	if err := app.SaveNoValidate(q); err != nil {
		t.Fatal(err)
	}
	if got := search(t, app, "tuesday"); !reflect.DeepEqual(got, []string{"s9"}) {
		t.Errorf("new description not found: %v", got)
	}
	exec(t, app, "UPDATE questions SET hidden = TRUE WHERE id = {:id}", dbx.Params{"id": q.Id})
	if got := search(t, app, "lamps"); len(got) != 0 {
		t.Errorf("hidden question found: %v", got)
	}
	if n := indexed(t, app); n != 4 {
		t.Errorf("hidden question still in the index (%d rows)", n)
	}
	exec(t, app, "UPDATE questions SET hidden = FALSE WHERE id = {:id}", dbx.Params{"id": q.Id})
	if got := search(t, app, "lamps"); !reflect.DeepEqual(got, []string{"s9"}) {
		t.Errorf("restored question not found: %v", got)
	}
	// A recount's save changes no text: the index row is not rewritten
	// (a rewrite would show as a new FTS5 segment write).
	before := segments(t, app)
	exec(t, app, "UPDATE questions SET likes = likes + 1, ranking = ranking + 5 WHERE id = {:id}", dbx.Params{"id": q.Id})
	if after := segments(t, app); after != before {
		t.Errorf("a counter update rewrote the index (%d → %d data rows)", before, after)
	}
	if err := app.Delete(q); err != nil {
		t.Fatal(err)
	}
	if got := search(t, app, "lamps"); len(got) != 0 {
		t.Errorf("deleted question found: %v", got)
	}
	if n := indexed(t, app); n != 4 {
		t.Errorf("index has %d rows after the delete, want 4", n)
	}
}

func indexed(t testing.TB, app core.App) int {
	t.Helper()
	var n int
	if err := app.DB().NewQuery("SELECT count(*) FROM " + questions.SearchTable).Row(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func segments(t testing.TB, app core.App) int {
	t.Helper()
	var n int
	if err := app.DB().NewQuery("SELECT count(*) FROM " + questions.SearchTable + "_data").Row(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// The start-up repair restores a dropped trigger and rebuilds an index that
// no longer matches the table; a matching one is left alone.
func TestEnsureSearch(t *testing.T) {
	app, alice := searchFixture(t)
	if rebuilt, err := questions.EnsureSearch(app); err != nil || rebuilt {
		t.Fatalf("in step: rebuilt %v, %v", rebuilt, err)
	}
	// What a dashboard schema change can leave: no trigger, rows missed.
	exec(t, app, "DROP TRIGGER questions_search_insert", nil)
	createQuestion(t, app, qid("s8"), alice, map[string]any{"title": "Recycling collection"})
	if got := search(t, app, "recycling"); len(got) != 0 {
		t.Fatalf("found without the trigger: %v", got)
	}
	if rebuilt, err := questions.EnsureSearch(app); err != nil || !rebuilt {
		t.Fatalf("out of step: rebuilt %v, %v", rebuilt, err)
	}
	if got := search(t, app, "recycling"); !reflect.DeepEqual(got, []string{"s8"}) {
		t.Errorf("after the repair: %v", got)
	}
	createQuestion(t, app, qid("s7"), alice, map[string]any{"title": "Recycling bins"})
	if got := search(t, app, "bins"); !reflect.DeepEqual(got, []string{"s7"}) {
		t.Errorf("trigger not restored: %v", got)
	}
}

func TestMatchQuery(t *testing.T) {
	for in, want := range map[string]string{
		"bus":              `"bus"*`,
		"Bus Timetable":    `"Bus" "Timetable"*`,
		`"bus" OR x`:       `"bus" "OR" "x"`,
		"a bus":            `"a" "bus"*`,
		"bus-stop 12":      `"bus" "stop" "12"*`,
		"title:bus*":       `"title" "bus"*`,
		"Müller":           `"Müller"*`,
		"e\u0301te\u0301":  "\"e\u0301te\u0301\"*",
		"NEAR(bus, route)": `"NEAR" "bus" "route"*`,
	} {
		got, err := questions.MatchQuery(in)
		if err != nil || got != want {
			t.Errorf("MatchQuery(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "a", "a b c", "!!", `"*"`, "é", strings.Repeat("ab ", 11)} {
		if got, err := questions.MatchQuery(in); err == nil {
			t.Errorf("MatchQuery(%q) = %q, want refused", in, got)
		}
	}
}
