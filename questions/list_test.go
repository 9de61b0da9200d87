package questions_test

import (
	"errors"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"github.com/rollcall/rollcall/questions"
)

// listFixture: six questions by alice, one of them hidden, with distinct
// rankings, answer counts and ages.
//
//	id  ranking answers created   hidden
//	q1  50      3       T0-5h
//	q2  80      1       T0-4h
//	q3  10      0       T0-3h
//	q4  80      0       T0-2h
//	q5  99      9       T0-1h     yes
//	q6  30      3       T0-6h
func listFixture(t *testing.T) core.App {
	t.Helper()
	app := newApp(t)
	alice := createUser(t, app, "alice").Id
	for _, q := range []struct {
		id               string
		ranking, answers int
		age              time.Duration
		hidden           bool
	}{
		{"q1", 50, 3, 5 * time.Hour, false},
		{"q2", 80, 1, 4 * time.Hour, false},
		{"q3", 10, 0, 3 * time.Hour, false},
		{"q4", 80, 0, 2 * time.Hour, false},
		{"q5", 99, 9, 1 * time.Hour, true},
		{"q6", 60, 3, 6 * time.Hour, false},
	} {
		createQuestion(t, app, qid(q.id), alice, map[string]any{
			"ranking": q.ranking, "answers": q.answers, "created": T0.Add(-q.age), "hidden": q.hidden,
		})
	}
	return app
}

// qid pads a short name to a record id.
func qid(short string) string { return short + strings.Repeat("0", 15-len(short)) }

func ids(items []questions.TopQuestion) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = strings.TrimRight(it.ID, "0")
	}
	return out
}

func list(t *testing.T, app core.App, query string) questions.ListResponse {
	t.Helper()
	values, err := url.ParseQuery(query)
	if err != nil {
		t.Fatal(err)
	}
	q, err := questions.ParseList(values)
	if err != nil {
		t.Fatalf("parse %q: %v", query, err)
	}
	page, err := questions.List(app, q)
	if err != nil {
		t.Fatalf("list %q: %v", query, err)
	}
	return page
}

// Every sort's order, with the hidden question left out of each.
func TestListSorts(t *testing.T) {
	app := listFixture(t)
	for _, c := range []struct {
		query string
		want  []string
		total int64
	}{
		{"", []string{"q4", "q2", "q6", "q1", "q3"}, 5}, // top: ranking, then newer
		{"sort=top", []string{"q4", "q2", "q6", "q1", "q3"}, 5},
		{"sort=newest", []string{"q4", "q3", "q2", "q1", "q6"}, 5},
		{"sort=unanswered", []string{"q4", "q3"}, 2},
		{"sort=answered", []string{"q1", "q6", "q2"}, 3}, // answers, then newer (q6 ranks higher)
	} {
		page := list(t, app, c.query)
		if got := ids(page.Items); !reflect.DeepEqual(got, c.want) || page.TotalItems != c.total {
			t.Errorf("%q: %v (total %d), want %v (total %d)", c.query, got, page.TotalItems, c.want, c.total)
		}
		if page.Items[0].Author.Username != "alice" || page.Items[0].Author.Name != "Name of alice" {
			t.Errorf("%q: author %+v", c.query, page.Items[0].Author)
		}
	}
}

func TestListPages(t *testing.T) {
	app := listFixture(t)
	for _, c := range []struct {
		query        string
		want         []string
		pages, total int64
	}{
		{"sort=newest&perPage=2", []string{"q4", "q3"}, 3, 5},
		{"sort=newest&perPage=2&page=2", []string{"q2", "q1"}, 3, 5},
		{"sort=newest&perPage=2&page=3", []string{"q6"}, 3, 5},
		{"sort=newest&perPage=2&page=4", []string{}, 3, 5},
		{"sort=unanswered&perPage=1&page=2", []string{"q3"}, 2, 2},
	} {
		page := list(t, app, c.query)
		if got := ids(page.Items); !reflect.DeepEqual(got, c.want) || page.TotalPages != c.pages || page.TotalItems != c.total {
			t.Errorf("%q: %v (%d pages, %d items), want %v (%d, %d)", c.query, got, page.TotalPages, page.TotalItems, c.want, c.pages, c.total)
		}
	}
}

// Bad parameters are refused, each named; good ones parse.
func TestParseList(t *testing.T) {
	for _, c := range []struct{ query, param string }{
		{"sort=best", "sort"},
		{"sort=relevance", "sort"},
		{"page=0", "page"},
		{"page=x", "page"},
		{"page=100001", "page"},
		{"perPage=0", "perPage"},
		{"perPage=51", "perPage"},
		{"perPage=1.5", "perPage"},
		{"filter=title~'x'", "filter"},
		{"page=1&page=2", "page"},
		{"q=a", "q"},
		{"q=a+b+c", "q"},
		{"q=%22*%22", "q"},
		{"q=" + strings.Repeat("ab+", 11), "q"},
		{"q=" + strings.Repeat("x", 201), "q"},
		{"q=%01bus", "q"},
	} {
		values, _ := url.ParseQuery(c.query)
		_, err := questions.ParseList(values)
		var errs validation.Errors
		if !errors.As(err, &errs) || errs[c.param] == nil {
			t.Errorf("%q: %v, want an error naming %s", c.query, err, c.param)
		}
	}
	values, _ := url.ParseQuery("q=+bus+&sort=newest&page=2&perPage=50")
	q, err := questions.ParseList(values)
	if err != nil || q.Sort != questions.SortNewest || q.Page != 2 || q.PerPage != 50 || q.Q != "bus" {
		t.Errorf("good query: %+v %v", q, err)
	}
	values, _ = url.ParseQuery("q=bus")
	if q, _ := questions.ParseList(values); q.Sort != questions.SortRelevance {
		t.Errorf("a search's default order is %q, want relevance", q.Sort)
	}
}

// Each sort reads an index in its own order: no sort of the questions, no
// table scan, and a deep page skips index entries only (covering).
func TestListPlansWalkIndexes(t *testing.T) {
	app := newApp(t)
	for sort, index := range map[string]string{
		questions.SortTop:        "idx_questions_top",
		questions.SortNewest:     "idx_questions_newest",
		questions.SortUnanswered: "idx_questions_unanswered",
		questions.SortAnswered:   "idx_questions_answered",
	} {
		page, count := questions.ListSQL(questions.ListQuery{Sort: sort})
		// The page's rowids come from the index in order; the one sort
		// left is the outer one, of the page's own rows.
		if plan := queryPlan(t, app, page); !strings.Contains(plan, index) || strings.Count(plan, "TEMP B-TREE") != 1 ||
			(sort != questions.SortTop && !strings.Contains(plan, "COVERING INDEX "+index)) {
			t.Errorf("%s page does not walk %s:\n%s", sort, index, plan)
		}
		if plan := queryPlan(t, app, count); strings.Contains(plan, "SCAN q\n") || strings.HasSuffix(plan, "SCAN q") {
			t.Errorf("%s count scans the table:\n%s", sort, plan)
		}
	}
	page, count := questions.ListSQL(questions.ListQuery{Sort: questions.SortRelevance, Match: `"bus"`})
	if plan := queryPlan(t, app, page); !strings.Contains(plan, "VIRTUAL TABLE INDEX") || !strings.Contains(plan, "USING INTEGER PRIMARY KEY") {
		t.Errorf("search does not start from the word index:\n%s", plan)
	}
	if plan := queryPlan(t, app, count); !strings.Contains(plan, "VIRTUAL TABLE INDEX") || strings.Contains(plan, " q USING") {
		t.Errorf("search count does not read the word index alone:\n%s", plan)
	}
	for _, sql := range questions.ProfileQueries() {
		if plan := queryPlan(t, app, sql); strings.Contains(plan, "TEMP B-TREE") || !strings.Contains(plan, "_author") {
			t.Errorf("profile query sorts or misses the author indexes:\n%s\n%s", sql, plan)
		}
	}
}
