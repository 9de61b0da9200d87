package hooks_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/subscriptions"

	"github.com/rollcall/rollcall/hooks"
	"github.com/rollcall/rollcall/internal/apptest"
	"github.com/rollcall/rollcall/moderation"
	"github.com/rollcall/rollcall/questions"
)

const (
	reportRecordsURL = "/api/collections/reports/records"
	actionRecordsURL = "/api/collections/moderation_actions/records"
	userRecordsURL   = "/api/collections/users/records"

	modID       = "moderator000001" // username "mod", moderator
	modTokenKey = "moderator-token-key-fixed-for-the-tests-0001"
	// Open reports by alice, on bob's question and on carol's answer to it.
	aliceReport       = "alicereport0001"
	aliceAnswerReport = "alicereport0002"
	// carol's answer to alice's question, hidden in the hidden state.
	secretAnswer  = "carolsecret0001"
	secretComment = "My neighbour's phone is 555-0100."
	// The moderator's log rows of the hidden state.
	hideQuestionAction = "modaction000001"
	hideAnswerAction   = "modaction000002"
)

// The moderator's token: its id and token key are fixed, so the token made
// once, in a bare clone of the fixture, is valid in every other clone.
var modToken = sync.OnceValue(func() string {
	app, err := tests.NewTestApp(fixture.Dir)
	if err != nil {
		panic(err)
	}
	defer app.Cleanup()
	mod, err := addModerator(app)
	if err != nil {
		panic(err)
	}
	token, err := mod.NewAuthToken()
	if err != nil {
		panic(err)
	}
	return token
})

// as gives the headers of a role: anonymous, alice, bob, carol (the
// fixture's users), mod (a moderator) or super.
func as(role string) map[string]string {
	switch role {
	case "anonymous":
		return map[string]string{}
	case "mod":
		return map[string]string{"Authorization": modToken()}
	}
	return auth(role)
}

func addModerator(app core.App) (*core.Record, error) {
	mod, err := apptest.CreateUser(app, modID, "mod")
	if err != nil {
		return nil, err
	}
	mod.Set(questions.FieldModerator, true)
	mod.SetTokenKey(modTokenKey)
	return mod, app.Save(mod)
}

// moderationApps clones the fixture with a moderator, carol's answer (with
// its comment) on alice's question, and alice's two open reports. With
// hidden, the moderator has hidden bob's question and carol's answer on
// alice's question, through moderation actions saved from Go.
func moderationApps(hidden bool) func(testing.TB) *tests.TestApp {
	return func(tb testing.TB) *tests.TestApp {
		app := fixture.NewApp(tb, nil)
		must := func(_ *core.Record, err error) {
			if err != nil {
				tb.Fatal(err)
			}
		}
		must(addModerator(app))
		must(apptest.CreateRecord(app, questions.Answers, secretAnswer, map[string]any{
			"question": apptest.AliceQuestion, "author": apptest.Carol, "value": 2, "comment": secretComment}))
		must(apptest.CreateRecord(app, moderation.Reports, aliceReport, map[string]any{
			"question": apptest.BobQuestion, "reporter": apptest.Alice, "reason": "off_topic", "status": "open"}))
		must(apptest.CreateRecord(app, moderation.Reports, aliceAnswerReport, map[string]any{
			"question": apptest.BobQuestion, "answer": apptest.CarolAnswer, "reporter": apptest.Alice, "reason": "abuse", "status": "open"}))
		if hidden {
			must(apptest.CreateRecord(app, moderation.Actions, hideQuestionAction, map[string]any{
				"action": "hide", "question": apptest.BobQuestion, "reason": "Off topic", "moderator": modID}))
			must(apptest.CreateRecord(app, moderation.Actions, hideAnswerAction, map[string]any{
				"action": "hide", "question": apptest.AliceQuestion, "answer": secretAnswer, "reason": "Personal details", "moderator": modID}))
		}
		return app
	}
}

// runModeration runs scenarios on factory; every refused one (4xx) must
// leave every table as it was, the moderation tables included.
func runModeration(t *testing.T, factory func(testing.TB) *tests.TestApp, scenarios []tests.ApiScenario) {
	t.Helper()
	for _, s := range scenarios {
		s.TestAppFactory = factory
		if s.ExpectedStatus >= 400 {
			var before string
			before0, after0 := s.BeforeTestFunc, s.AfterTestFunc
			s.BeforeTestFunc = func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
				if before0 != nil {
					before0(t, app, e)
				}
				before = moderationSnapshot(t, app)
			}
			s.AfterTestFunc = func(t testing.TB, app *tests.TestApp, res *http.Response) {
				if after := moderationSnapshot(t, app); after != before {
					t.Errorf("%s: a refused request changed stored data", s.Name)
				}
				if after0 != nil {
					after0(t, app, res)
				}
			}
		}
		s.Test(t)
	}
}

// moderationSnapshot is snapshot plus the moderation tables.
func moderationSnapshot(t testing.TB, app core.App) string {
	t.Helper()
	out := []string{snapshot(t, app)}
	for _, table := range []string{moderation.Reports, moderation.Actions} {
		var rows []dbx.NullStringMap
		if err := app.DB().Select("*").From(table).All(&rows); err != nil {
			t.Fatal(err)
		}
		lines := []string{}
		for _, row := range rows {
			var b strings.Builder
			for _, col := range slices.Sorted(maps.Keys(row)) {
				fmt.Fprintf(&b, "%s=%v;", col, row[col])
			}
			lines = append(lines, b.String())
		}
		slices.Sort(lines)
		out = append(out, table+":\n"+strings.Join(lines, "\n"))
	}
	return strings.Join(out, "\n")
}

// expectFields checks stored fields of a record.
func expectFields(collection, id string, want map[string]any) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		t.Helper()
		rec, err := app.FindRecordById(collection, id)
		if err != nil {
			t.Fatalf("%s %s: %v", collection, id, err)
		}
		for name, w := range want {
			if got := rec.Get(name); fmt.Sprint(got) != fmt.Sprint(w) {
				t.Errorf("%s %s: %s = %v, want %v", collection, id, name, got, w)
			}
		}
	}
}

// all runs several after-test checks.
func all(checks ...func(testing.TB, *tests.TestApp, *http.Response)) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, app *tests.TestApp, res *http.Response) {
		for _, c := range checks {
			c(t, app, res)
		}
	}
}

// countRows checks how many rows of table match where.
func countRows(table, where string, want int) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		t.Helper()
		if got := apptest.Count(t, app, "SELECT COUNT(*) FROM "+table+" WHERE "+where); got != want {
			t.Errorf("%d rows of %s where %s, want %d", got, table, where, want)
		}
	}
}

func report(question, answer, reason string) string {
	return fmt.Sprintf(`{"question":%q,"answer":%q,"reason":%q}`, question, answer, reason)
}

// refusedInRequest is the events of a create refused by a request hook:
// nothing reached the record's save.
var refusedInRequest = map[string]int{"OnRecordCreateRequest": 1, "OnRecordCreate": 0}

// refusedInInsert is the events of a create refused by a check trigger in
// the insert itself: nothing is stored, counted or announced.
var refusedInInsert = map[string]int{"OnRecordCreateExecute": 1, "OnRecordAfterCreateSuccess": 0, "OnRecordUpdate": 0}

func TestReportRules(t *testing.T) {
	factory := moderationApps(false)
	already := `"message":"You have already reported this; moderators will look at it."`
	scenarios := []tests.ApiScenario{
		// create
		{
			Name: "anonymous cannot report", Method: http.MethodPost, URL: reportRecordsURL, Headers: as("anonymous"),
			Body: body(report(apptest.AliceQuestion, "", "spam")), ExpectedStatus: 400,
			ExpectedContent: []string{`"status":400`}, ExpectedEvents: map[string]int{"*": 0},
		},
		{
			Name: "a user reports a question: reporter and open status set by the server", Method: http.MethodPost, URL: reportRecordsURL,
			Headers: as("carol"), Body: body(`{"question":"` + apptest.AliceQuestion + `","reason":"spam","note":"  Selling things.  "}`),
			ExpectedStatus: 200,
			ExpectedContent: []string{`"reporter":"` + apptest.Carol + `"`, `"status":"open"`, `"note":"Selling things."`,
				`"question":"` + apptest.AliceQuestion + `"`, `"answer":""`},
		},
		{
			Name: "the question's author may report an answer to it", Method: http.MethodPost, URL: reportRecordsURL,
			Headers: as("bob"), Body: body(report(apptest.BobQuestion, apptest.CarolAnswer, "abuse")),
			ExpectedStatus: 200, ExpectedContent: []string{`"reporter":"` + apptest.Bob + `"`, `"answer":"` + apptest.CarolAnswer + `"`},
		},
		{
			Name: "a moderator reports like any user", Method: http.MethodPost, URL: reportRecordsURL,
			Headers: as("mod"), Body: body(report(apptest.AliceQuestion, "", "other")),
			ExpectedStatus: 200, ExpectedContent: []string{`"reporter":"` + modID + `"`},
		},
		{
			Name: "a superuser reports in a user's name, still open", Method: http.MethodPost, URL: reportRecordsURL,
			Headers: as("super"), Body: body(`{"question":"` + apptest.AliceQuestion + `","reason":"spam","reporter":"` + apptest.Bob + `","status":"open"}`),
			ExpectedStatus: 200, ExpectedContent: []string{`"reporter":"` + apptest.Bob + `"`, `"status":"open"`},
		},
		{
			Name: "a superuser must name the reporter", Method: http.MethodPost, URL: reportRecordsURL,
			Headers: as("super"), Body: body(report(apptest.AliceQuestion, "", "spam")),
			ExpectedStatus: 400, ExpectedContent: []string{`"reporter":{"code":"validation_required"`},
		},
		{
			Name: "reporting in someone else's name", Method: http.MethodPost, URL: reportRecordsURL, Headers: as("carol"),
			Body:           body(`{"question":"` + apptest.AliceQuestion + `","reason":"spam","reporter":"` + apptest.Bob + `"}`),
			ExpectedStatus: 400, ExpectedContent: []string{`"reporter":{"code":"validation_not_self"`},
			ExpectedEvents: refusedInRequest,
		},
		{
			Name: "a new report cannot be closed already", Method: http.MethodPost, URL: reportRecordsURL, Headers: as("carol"),
			Body:           body(`{"question":"` + apptest.AliceQuestion + `","reason":"spam","status":"dismissed"}`),
			ExpectedStatus: 400, ExpectedContent: []string{`"status":{"code":"validation_read_only"`},
			ExpectedEvents: refusedInRequest,
		},
		{
			Name: "reporting your own question", Method: http.MethodPost, URL: reportRecordsURL, Headers: as("bob"),
			Body: body(report(apptest.BobQuestion, "", "spam")), ExpectedStatus: 400,
			ExpectedContent: []string{`"question":{"code":"validation_own_item","message":"You cannot report your own question."`},
			ExpectedEvents:  refusedInRequest,
		},
		{
			Name: "reporting your own answer", Method: http.MethodPost, URL: reportRecordsURL, Headers: as("carol"),
			Body: body(report(apptest.BobQuestion, apptest.CarolAnswer, "spam")), ExpectedStatus: 400,
			ExpectedContent: []string{`"answer":{"code":"validation_own_item","message":"You cannot report your own answer."`},
			ExpectedEvents:  refusedInRequest,
		},
		{
			Name: "an answer that is not on the question", Method: http.MethodPost, URL: reportRecordsURL, Headers: as("bob"),
			Body: body(report(apptest.AliceQuestion, apptest.CarolAnswer, "spam")), ExpectedStatus: 400,
			ExpectedContent: []string{`"answer":{"code":"validation_wrong_question"`},
			ExpectedEvents:  refusedInRequest,
		},
		{
			Name: "a question that does not exist", Method: http.MethodPost, URL: reportRecordsURL, Headers: as("carol"),
			Body: body(report("nosuchquestion1", "", "spam")), ExpectedStatus: 400,
			ExpectedContent: []string{`"question":{"code":"validation_missing_rel_records"`},
		},
		{
			Name: "a second open report of the same question", Method: http.MethodPost, URL: reportRecordsURL, Headers: as("alice"),
			Body: body(report(apptest.BobQuestion, "", "spam")), ExpectedStatus: 400,
			ExpectedContent:    []string{`"question":{"code":"validation_already_reported",` + already},
			NotExpectedContent: []string{`"reporter":`},
			ExpectedEvents:     map[string]int{"OnRecordCreateRequest": 1, "OnRecordAfterCreateSuccess": 0},
		},
		{
			Name: "a second open report of the same answer", Method: http.MethodPost, URL: reportRecordsURL, Headers: as("alice"),
			Body: body(report(apptest.BobQuestion, apptest.CarolAnswer, "spam")), ExpectedStatus: 400,
			ExpectedContent: []string{`"answer":{"code":"validation_already_reported",` + already},
		},
		{
			Name: "once moderators closed the first, the same user may report again", Method: http.MethodPost, URL: reportRecordsURL,
			Headers: as("alice"), Body: body(report(apptest.BobQuestion, "", "spam")), ExpectedStatus: 200,
			ExpectedContent: []string{`"status":"open"`},
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
				if _, err := app.DB().NewQuery("UPDATE reports SET status = 'dismissed'").Execute(); err != nil {
					t.Fatal(err)
				}
			},
			AfterTestFunc: countRows("reports", "reporter = '"+apptest.Alice+"' AND question = '"+apptest.BobQuestion+"' AND answer = ''", 2),
		},
		{
			Name: "an unknown reason", Method: http.MethodPost, URL: reportRecordsURL, Headers: as("carol"),
			Body: body(report(apptest.AliceQuestion, "", "boring")), ExpectedStatus: 400,
			ExpectedContent: []string{`"reason":{"code":"validation_invalid_value"`},
		},
		{
			Name: "a note over 500 characters", Method: http.MethodPost, URL: reportRecordsURL, Headers: as("carol"),
			Body:           body(`{"question":"` + apptest.AliceQuestion + `","reason":"other","note":"` + strings.Repeat("x", 501) + `"}`),
			ExpectedStatus: 400, ExpectedContent: []string{`"note":{"code":"validation_max_text_constraint"`},
		},
		// list
		{Name: "anonymous lists no reports", Method: http.MethodGet, URL: reportRecordsURL, Headers: as("anonymous"),
			ExpectedStatus: 200, ExpectedContent: []string{`"items":[]`}},
		{Name: "the reporter lists their own", Method: http.MethodGet, URL: reportRecordsURL, Headers: as("alice"),
			ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":2`, aliceReport, aliceAnswerReport}},
		{Name: "the reported question's author lists none", Method: http.MethodGet, URL: reportRecordsURL, Headers: as("bob"),
			ExpectedStatus: 200, ExpectedContent: []string{`"items":[]`}},
		{Name: "the reported answer's author lists none", Method: http.MethodGet, URL: reportRecordsURL, Headers: as("carol"),
			ExpectedStatus: 200, ExpectedContent: []string{`"items":[]`}},
		{Name: "a moderator lists every report", Method: http.MethodGet, URL: reportRecordsURL + "?filter=" + urlEscape(`status="open"`), Headers: as("mod"),
			ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":2`, aliceReport, aliceAnswerReport}},
		{Name: "a superuser lists every report", Method: http.MethodGet, URL: reportRecordsURL, Headers: as("super"),
			ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":2`}},
		// view
		{Name: "anonymous cannot view a report", Method: http.MethodGet, URL: reportRecordsURL + "/" + aliceReport, Headers: as("anonymous"),
			ExpectedStatus: 404, ExpectedContent: []string{`"status":404`}},
		{Name: "the reported author cannot view it", Method: http.MethodGet, URL: reportRecordsURL + "/" + aliceReport, Headers: as("bob"),
			ExpectedStatus: 404, ExpectedContent: []string{`"status":404`}},
		{Name: "the reporter views it", Method: http.MethodGet, URL: reportRecordsURL + "/" + aliceReport, Headers: as("alice"),
			ExpectedStatus: 200, ExpectedContent: []string{`"id":"` + aliceReport + `"`}},
		{Name: "a moderator views it, with the reported item", Method: http.MethodGet, URL: reportRecordsURL + "/" + aliceAnswerReport + "?expand=question,answer",
			Headers: as("mod"), ExpectedStatus: 200, ExpectedContent: []string{`"comment":"The 7:40 is full."`, `"title":"Is the new bus timetable working?"`}},
		{Name: "a superuser views it", Method: http.MethodGet, URL: reportRecordsURL + "/" + aliceReport, Headers: as("super"),
			ExpectedStatus: 200, ExpectedContent: []string{`"id":"` + aliceReport + `"`}},
	}
	// update and delete: superusers only; moderators close reports with actions
	for _, role := range []string{"anonymous", "alice", "bob", "mod"} {
		scenarios = append(scenarios,
			tests.ApiScenario{Name: role + " cannot update a report", Method: http.MethodPatch, URL: reportRecordsURL + "/" + aliceReport,
				Headers: as(role), Body: body(`{"status":"dismissed"}`), ExpectedStatus: 403,
				ExpectedContent: []string{`"status":403`}, ExpectedEvents: map[string]int{"*": 0}},
			tests.ApiScenario{Name: role + " cannot delete a report", Method: http.MethodDelete, URL: reportRecordsURL + "/" + aliceReport,
				Headers: as(role), ExpectedStatus: 403, ExpectedContent: []string{`"status":403`}, ExpectedEvents: map[string]int{"*": 0}},
		)
	}
	scenarios = append(scenarios,
		tests.ApiScenario{Name: "a superuser updates a report", Method: http.MethodPatch, URL: reportRecordsURL + "/" + aliceReport,
			Headers: as("super"), Body: body(`{"status":"dismissed"}`), ExpectedStatus: 200,
			ExpectedContent: []string{`"status":"dismissed"`}},
		tests.ApiScenario{Name: "a superuser deletes a report", Method: http.MethodDelete, URL: reportRecordsURL + "/" + aliceReport,
			Headers: as("super"), ExpectedStatus: 204, AfterTestFunc: countRows("reports", "1", 1)},
	)
	runModeration(t, factory, scenarios)

	// A hidden item is as good as missing to a reporter.
	runModeration(t, moderationApps(true), []tests.ApiScenario{
		{
			Name: "reporting a hidden question", Method: http.MethodPost, URL: reportRecordsURL, Headers: as("carol"),
			Body: body(report(apptest.BobQuestion, "", "spam")), ExpectedStatus: 400,
			ExpectedContent: []string{`"question":{"code":"validation_missing_rel_records","message":"No such question."`},
		},
		{
			Name: "reporting a hidden answer", Method: http.MethodPost, URL: reportRecordsURL, Headers: as("bob"),
			Body: body(report(apptest.AliceQuestion, secretAnswer, "spam")), ExpectedStatus: 400,
			ExpectedContent: []string{`"answer":{"code":"validation_missing_rel_records","message":"No such answer."`},
		},
		{
			Name: "the reporter's view of a hidden item: the report, not the item", Method: http.MethodGet,
			URL: reportRecordsURL + "/" + aliceReport + "?expand=question", Headers: as("alice"), ExpectedStatus: 200,
			ExpectedContent: []string{`"status":"actioned"`}, NotExpectedContent: []string{"bus timetable"},
		},
	})
}

func action(fields map[string]string) string {
	parts := []string{}
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		parts = append(parts, fmt.Sprintf("%q:%q", k, fields[k]))
	}
	return "{" + strings.Join(parts, ",") + "}"
}

func TestModerationActionRules(t *testing.T) {
	hideCarol := action(map[string]string{"action": "hide", "question": apptest.BobQuestion, "answer": apptest.CarolAnswer, "reason": "Personal details"})
	shown := moderationApps(false)
	runModeration(t, shown, []tests.ApiScenario{
		// who may act
		{Name: "anonymous cannot act", Method: http.MethodPost, URL: actionRecordsURL, Headers: as("anonymous"), Body: body(hideCarol),
			ExpectedStatus: 400, ExpectedContent: []string{`"status":400`}, ExpectedEvents: map[string]int{"*": 0}},
		{Name: "a user cannot act", Method: http.MethodPost, URL: actionRecordsURL, Headers: as("alice"), Body: body(hideCarol),
			ExpectedStatus: 400, ExpectedContent: []string{`"status":400`}, ExpectedEvents: map[string]int{"*": 0}},
		{Name: "an author cannot act, not even on their own", Method: http.MethodPost, URL: actionRecordsURL, Headers: as("carol"), Body: body(hideCarol),
			ExpectedStatus: 400, ExpectedContent: []string{`"status":400`}, ExpectedEvents: map[string]int{"*": 0}},
		{
			Name: "a moderator hides an answer: logged with who and what, reports on it actioned, −10", Method: http.MethodPost,
			URL: actionRecordsURL, Headers: as("mod"), Body: body(hideCarol), ExpectedStatus: 200,
			ExpectedContent: []string{`"moderator":"` + modID + `"`, `"actor":"mod"`, `"excerpt":"The 7:40 is full."`, `"action":"hide"`},
			ExpectedEvents:  map[string]int{"OnRecordAfterCreateSuccess": 1},
			AfterTestFunc: all(
				expectFields(questions.Answers, apptest.CarolAnswer, map[string]any{"hidden": true, "hidden_reason": "Personal details"}),
				expectQuestion(apptest.BobQuestion, 0, 1, 15),
				expectFields(moderation.Reports, aliceAnswerReport, map[string]any{"status": "actioned"}),
				expectFields(moderation.Reports, aliceReport, map[string]any{"status": "open"}),
			),
		},
		{
			Name: "a moderator hides the question a report names", Method: http.MethodPost, URL: actionRecordsURL, Headers: as("mod"),
			Body:           body(action(map[string]string{"action": "hide", "report": aliceReport, "reason": "Off topic"})),
			ExpectedStatus: 200,
			ExpectedContent: []string{`"question":"` + apptest.BobQuestion + `"`, `"answer":""`, `"report":"` + aliceReport + `"`,
				`"excerpt":"Is the new bus timetable working?"`},
			AfterTestFunc: all(
				expectFields(questions.Questions, apptest.BobQuestion, map[string]any{"hidden": true, "hidden_reason": "Off topic"}),
				expectQuestion(apptest.BobQuestion, 1, 1, 25), // its counts stay: it only leaves the lists
				expectFields(moderation.Reports, aliceReport, map[string]any{"status": "actioned"}),
				expectFields(moderation.Reports, aliceAnswerReport, map[string]any{"status": "open"}),
			),
		},
		{
			Name: "a superuser acts as themselves", Method: http.MethodPost, URL: actionRecordsURL, Headers: as("super"),
			Body:           body(action(map[string]string{"action": "hide", "question": apptest.AliceQuestion, "reason": "Spam", "moderator": ""})),
			ExpectedStatus: 200, ExpectedContent: []string{`"moderator":""`, `"actor":"superuser admin@example.com"`},
		},
		{
			Name: "a moderator may name themselves", Method: http.MethodPost, URL: actionRecordsURL, Headers: as("mod"),
			Body:           body(action(map[string]string{"action": "hide", "question": apptest.AliceQuestion, "reason": "Spam", "moderator": modID})),
			ExpectedStatus: 200, ExpectedContent: []string{`"moderator":"` + modID + `"`},
		},
		{
			Name: "a moderator cannot log in someone else's name", Method: http.MethodPost, URL: actionRecordsURL, Headers: as("mod"),
			Body:           body(action(map[string]string{"action": "hide", "question": apptest.AliceQuestion, "reason": "Spam", "moderator": apptest.Bob})),
			ExpectedStatus: 400, ExpectedContent: []string{`"moderator":{"code":"validation_not_self"`}, ExpectedEvents: refusedInRequest,
		},
		{
			Name: "the log's own fields cannot be written", Method: http.MethodPost, URL: actionRecordsURL, Headers: as("mod"),
			Body:           body(action(map[string]string{"action": "hide", "question": apptest.AliceQuestion, "reason": "Spam", "actor": "someone", "excerpt": "x"})),
			ExpectedStatus: 400, ExpectedContent: []string{`"actor":{"code":"validation_read_only"`, `"excerpt":{"code":"validation_read_only"`},
			ExpectedEvents: refusedInRequest,
		},
		{
			Name: "a superuser cannot log in a moderator's name", Method: http.MethodPost, URL: actionRecordsURL, Headers: as("super"),
			Body:           body(action(map[string]string{"action": "hide", "question": apptest.AliceQuestion, "reason": "Spam", "moderator": modID})),
			ExpectedStatus: 400, ExpectedContent: []string{`"moderator":{"code":"validation_not_self"`},
		},
		{
			Name: "a hide names its question", Method: http.MethodPost, URL: actionRecordsURL, Headers: as("mod"),
			Body:           body(action(map[string]string{"action": "hide", "reason": "Spam"})),
			ExpectedStatus: 400, ExpectedContent: []string{`"question":{"code":"validation_required"`},
		},
		{
			Name: "the answer must be on the question", Method: http.MethodPost, URL: actionRecordsURL, Headers: as("mod"),
			Body:           body(action(map[string]string{"action": "hide", "question": apptest.AliceQuestion, "answer": apptest.CarolAnswer, "reason": "Spam"})),
			ExpectedStatus: 400, ExpectedContent: []string{`"answer":{"code":"validation_wrong_question"`},
		},
		{
			Name: "restoring what is shown", Method: http.MethodPost, URL: actionRecordsURL, Headers: as("mod"),
			Body:           body(action(map[string]string{"action": "restore", "question": apptest.BobQuestion, "answer": apptest.CarolAnswer, "reason": "Fine"})),
			ExpectedStatus: 400, ExpectedContent: []string{`"action":{"code":"validation_invalid_state","message":"This answer is not hidden."`},
		},
		{
			Name: "a reason is required", Method: http.MethodPost, URL: actionRecordsURL, Headers: as("mod"),
			Body:           body(action(map[string]string{"action": "hide", "question": apptest.AliceQuestion, "reason": "   "})),
			ExpectedStatus: 400, ExpectedContent: []string{`"reason":{"code":"validation_required"`},
		},
		{
			Name: "an unknown action", Method: http.MethodPost, URL: actionRecordsURL, Headers: as("mod"),
			Body:           body(action(map[string]string{"action": "delete", "question": apptest.AliceQuestion, "reason": "Spam"})),
			ExpectedStatus: 400, ExpectedContent: []string{`"action":{"code":"validation_invalid_value"`},
		},
		{
			Name: "a dismissal names its report", Method: http.MethodPost, URL: actionRecordsURL, Headers: as("mod"),
			Body:           body(action(map[string]string{"action": "dismiss", "question": apptest.BobQuestion, "reason": "Fine"})),
			ExpectedStatus: 400, ExpectedContent: []string{`"report":{"code":"validation_required"`},
		},
		{
			Name: "a dismissal takes the item from the report and changes only the report", Method: http.MethodPost,
			URL: actionRecordsURL, Headers: as("mod"), Body: body(action(map[string]string{"action": "dismiss", "report": aliceAnswerReport, "reason": "Fair comment"})),
			ExpectedStatus: 200,
			ExpectedContent: []string{`"question":"` + apptest.BobQuestion + `"`, `"answer":"` + apptest.CarolAnswer + `"`,
				`"excerpt":"The 7:40 is full."`},
			AfterTestFunc: all(
				expectFields(moderation.Reports, aliceAnswerReport, map[string]any{"status": "dismissed"}),
				expectFields(questions.Answers, apptest.CarolAnswer, map[string]any{"hidden": false}),
				expectQuestion(apptest.BobQuestion, 1, 1, 25),
			),
		},
		{
			Name: "a dismissal's item must be the report's", Method: http.MethodPost, URL: actionRecordsURL, Headers: as("mod"),
			Body:           body(action(map[string]string{"action": "dismiss", "report": aliceReport, "question": apptest.AliceQuestion, "reason": "Fine"})),
			ExpectedStatus: 400, ExpectedContent: []string{`"question":{"code":"validation_not_reported"`},
		},
		{
			Name: "a restore closes no report", Method: http.MethodPost, URL: actionRecordsURL, Headers: as("mod"),
			Body:           body(action(map[string]string{"action": "restore", "report": aliceReport, "reason": "Fine"})),
			ExpectedStatus: 400, ExpectedContent: []string{`"report":{"code":"validation_not_allowed"`},
		},
	})

	hidden := moderationApps(true)
	scenarios := []tests.ApiScenario{
		{
			Name: "hiding what is hidden", Method: http.MethodPost, URL: actionRecordsURL, Headers: as("mod"),
			Body:           body(action(map[string]string{"action": "hide", "question": apptest.BobQuestion, "reason": "Again"})),
			ExpectedStatus: 400, ExpectedContent: []string{`"action":{"code":"validation_invalid_state","message":"This question is already hidden."`},
		},
		{
			Name: "dismissing a closed report", Method: http.MethodPost, URL: actionRecordsURL, Headers: as("mod"),
			Body:           body(action(map[string]string{"action": "dismiss", "report": aliceReport, "reason": "Fine"})),
			ExpectedStatus: 400, ExpectedContent: []string{`"report":{"code":"validation_invalid_state","message":"This report is already closed."`},
		},
		{
			Name: "a restore shows the item again, clears the reason, leaves the reports", Method: http.MethodPost, URL: actionRecordsURL,
			Headers: as("mod"), Body: body(action(map[string]string{"action": "restore", "question": apptest.BobQuestion, "reason": "Appeal upheld"})),
			ExpectedStatus: 200, ExpectedContent: []string{`"action":"restore"`, `"actor":"mod"`},
			AfterTestFunc: all(
				expectFields(questions.Questions, apptest.BobQuestion, map[string]any{"hidden": false, "hidden_reason": ""}),
				expectFields(moderation.Reports, aliceReport, map[string]any{"status": "actioned"}),
			),
		},
		{
			Name: "restoring an answer counts it again: +10", Method: http.MethodPost, URL: actionRecordsURL, Headers: as("super"),
			Body:           body(action(map[string]string{"action": "restore", "question": apptest.AliceQuestion, "answer": secretAnswer, "reason": "Edited"})),
			ExpectedStatus: 200, ExpectedContent: []string{`"action":"restore"`},
			AfterTestFunc: expectQuestion(apptest.AliceQuestion, 1, 0, 20),
		},
		// list and view: moderators and superusers only
		{Name: "anonymous lists no log", Method: http.MethodGet, URL: actionRecordsURL, Headers: as("anonymous"),
			ExpectedStatus: 200, ExpectedContent: []string{`"items":[]`}},
		{Name: "a user lists no log", Method: http.MethodGet, URL: actionRecordsURL, Headers: as("alice"),
			ExpectedStatus: 200, ExpectedContent: []string{`"items":[]`}},
		{Name: "an author lists no log, not even about their own", Method: http.MethodGet, URL: actionRecordsURL, Headers: as("bob"),
			ExpectedStatus: 200, ExpectedContent: []string{`"items":[]`}},
		{Name: "a moderator lists the log, newest first", Method: http.MethodGet, URL: actionRecordsURL + "?sort=-created,-id", Headers: as("mod"),
			ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":2`, `"id":"` + hideAnswerAction + `"`,
				`"actor":"mod"`, `"excerpt":"` + secretComment + `"`}},
		{Name: "a superuser lists the log", Method: http.MethodGet, URL: actionRecordsURL, Headers: as("super"),
			ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":2`}},
		{Name: "anonymous cannot view a log row", Method: http.MethodGet, URL: actionRecordsURL + "/" + hideQuestionAction, Headers: as("anonymous"),
			ExpectedStatus: 404, ExpectedContent: []string{`"status":404`}},
		{Name: "the author cannot view the log row about them", Method: http.MethodGet, URL: actionRecordsURL + "/" + hideQuestionAction, Headers: as("bob"),
			ExpectedStatus: 404, ExpectedContent: []string{`"status":404`}},
		{Name: "a moderator views a log row", Method: http.MethodGet, URL: actionRecordsURL + "/" + hideQuestionAction, Headers: as("mod"),
			ExpectedStatus: 200, ExpectedContent: []string{`"reason":"Off topic"`, `"excerpt":"Is the new bus timetable working?"`}},
		{Name: "a superuser views a log row", Method: http.MethodGet, URL: actionRecordsURL + "/" + hideQuestionAction, Headers: as("super"),
			ExpectedStatus: 200, ExpectedContent: []string{`"id":"` + hideQuestionAction + `"`}},
		// Superusers may correct the log in the dashboard; nobody else changes it.
		{Name: "a superuser corrects a log row", Method: http.MethodPatch, URL: actionRecordsURL + "/" + hideQuestionAction, Headers: as("super"),
			Body: body(`{"reason":"Off topic (spam)"}`), ExpectedStatus: 200, ExpectedContent: []string{`"reason":"Off topic (spam)"`}},
		{Name: "a superuser deletes a log row", Method: http.MethodDelete, URL: actionRecordsURL + "/" + hideQuestionAction, Headers: as("super"),
			ExpectedStatus: 204,
			// Deleting the log row does not show the item again.
			AfterTestFunc: expectFields(questions.Questions, apptest.BobQuestion, map[string]any{"hidden": true})},
	}
	for _, role := range []string{"anonymous", "alice", "bob", "mod"} {
		scenarios = append(scenarios,
			tests.ApiScenario{Name: role + " cannot change the log", Method: http.MethodPatch, URL: actionRecordsURL + "/" + hideQuestionAction,
				Headers: as(role), Body: body(`{"reason":"Nothing"}`), ExpectedStatus: 403,
				ExpectedContent: []string{`"status":403`}, ExpectedEvents: map[string]int{"*": 0}},
			tests.ApiScenario{Name: role + " cannot delete from the log", Method: http.MethodDelete, URL: actionRecordsURL + "/" + hideQuestionAction,
				Headers: as(role), ExpectedStatus: 403, ExpectedContent: []string{`"status":403`}, ExpectedEvents: map[string]int{"*": 0}},
		)
	}
	runModeration(t, hidden, scenarios)
}

// In the hidden state bob's question and carol's answer on alice's
// question are hidden.
func TestHiddenItemsVisibility(t *testing.T) {
	hiddenQ := questionsURL + "/" + apptest.BobQuestion
	scenarios := []tests.ApiScenario{}
	view := func(name, url string, want map[string]int, content ...string) {
		for _, role := range []string{"anonymous", "alice", "bob", "carol", "mod", "super"} {
			status := want[role]
			s := tests.ApiScenario{Name: fmt.Sprintf("%s as %s → %d", name, role, status), Method: http.MethodGet, URL: url,
				Headers: as(role), ExpectedStatus: status}
			if status == 200 {
				s.ExpectedContent = content
			} else {
				s.ExpectedContent = []string{`"status":404`}
			}
			scenarios = append(scenarios, s)
		}
	}
	view("a hidden question", hiddenQ,
		map[string]int{"anonymous": 404, "alice": 404, "bob": 200, "carol": 404, "mod": 200, "super": 200},
		`"hidden":true`, `"hidden_reason":"Off topic"`)
	view("a hidden answer", answersURL+"/"+secretAnswer,
		map[string]int{"anonymous": 404, "alice": 404, "bob": 404, "carol": 200, "mod": 200, "super": 200},
		`"hidden":true`, `"comment":"`+secretComment+`"`)
	view("a shown answer of a hidden question", answersURL+"/"+apptest.CarolAnswer,
		map[string]int{"anonymous": 404, "alice": 404, "bob": 404, "carol": 200, "mod": 200, "super": 200},
		`"hidden":false`, `"comment":"The 7:40 is full."`)
	list := func(name, url string, visible map[string]bool, id string) {
		listed := `"id":"` + id + `"`
		if strings.HasPrefix(id, `"`) { // not an id but content
			listed = id
		}
		for _, role := range []string{"anonymous", "alice", "bob", "carol", "mod", "super"} {
			s := tests.ApiScenario{Name: fmt.Sprintf("%s as %s: listed %v", name, role, visible[role]), Method: http.MethodGet,
				URL: url, Headers: as(role), ExpectedStatus: 200}
			if visible[role] {
				s.ExpectedContent = []string{listed}
			} else {
				s.ExpectedContent = []string{`"items":`}
				s.NotExpectedContent = []string{id}
			}
			scenarios = append(scenarios, s)
		}
	}
	list("questions list", questionsURL, map[string]bool{"bob": true, "mod": true, "super": true}, apptest.BobQuestion)
	list("answers list: a hidden answer", answersURL, map[string]bool{"carol": true, "mod": true, "super": true}, secretAnswer)
	list("answers list: an answer of a hidden question", answersURL, map[string]bool{"carol": true, "mod": true, "super": true}, apptest.CarolAnswer)
	// An expand through a relation cannot reach a hidden comment (filters
	// through one are refused: TestMultiMatchFiltersRefused).
	list("questions with their answers expanded", questionsURL+"?expand=answers_via_question",
		map[string]bool{"carol": true, "mod": true, "super": true}, `"comment":"`+secretComment+`"`)
	scenarios = append(scenarios,
		tests.ApiScenario{Name: "a shown question still lists", Method: http.MethodGet, URL: questionsURL, Headers: as("anonymous"),
			ExpectedStatus: 200, ExpectedContent: []string{`"id":"` + apptest.AliceQuestion + `"`}},
		// The home page: hidden questions are left out for everyone, their
		// author and moderators included; hidden answers are not counted.
		tests.ApiScenario{Name: "top 20, anonymous", Method: http.MethodGet, URL: hooks.TopPath, ExpectedStatus: 200,
			ExpectedContent:    []string{`"id":"` + apptest.AliceQuestion + `"`, `"answers":0,"likes":0,"dislikes":0,"ranking":10`},
			NotExpectedContent: []string{apptest.BobQuestion, secretComment}},
		tests.ApiScenario{Name: "top 20, the hidden question's author", Method: http.MethodGet, URL: hooks.TopPath, Headers: as("bob"),
			ExpectedStatus: 200, NotExpectedContent: []string{apptest.BobQuestion}},
		tests.ApiScenario{Name: "top 20, a moderator", Method: http.MethodGet, URL: hooks.TopPath, Headers: as("mod"),
			ExpectedStatus: 200, NotExpectedContent: []string{apptest.BobQuestion}},
		tests.ApiScenario{Name: "top 20, the question's author does not get the hidden answer", Method: http.MethodGet, URL: hooks.TopPath,
			Headers: as("alice"), ExpectedStatus: 200, ExpectedContent: []string{`"myAnswer":null`}, NotExpectedContent: []string{secretComment}},
		tests.ApiScenario{Name: "top 20, the hidden answer's author has their own", Method: http.MethodGet, URL: hooks.TopPath,
			Headers: as("carol"), ExpectedStatus: 200, ExpectedContent: []string{`"comment":"` + secretComment + `"`}},
	)
	runModeration(t, moderationApps(true), scenarios)
}

func TestHiddenQuestionIsFrozen(t *testing.T) {
	hidden := `"question":{"code":"validation_hidden_question","message":"This question has been hidden by moderators."`
	onHidden := func(extra string) string {
		return `{"question":"` + apptest.BobQuestion + `"` + extra + `}`
	}
	runModeration(t, moderationApps(true), []tests.ApiScenario{
		{Name: "a user cannot answer a hidden question", Method: http.MethodPost, URL: answersURL, Headers: as("alice"),
			Body: body(onHidden(`,"value":3`)), ExpectedStatus: 400, ExpectedContent: []string{hidden}, ExpectedEvents: refusedInInsert},
		{Name: "a user cannot vote on a hidden question", Method: http.MethodPost, URL: votesURL, Headers: as("alice"),
			Body: body(onHidden(`,"kind":"like"`)), ExpectedStatus: 400, ExpectedContent: []string{hidden}, ExpectedEvents: refusedInInsert},
		{Name: "a moderator cannot answer it either", Method: http.MethodPost, URL: answersURL, Headers: as("mod"),
			Body: body(onHidden(`,"value":3`)), ExpectedStatus: 400, ExpectedContent: []string{hidden}},
		{Name: "nor a superuser", Method: http.MethodPost, URL: votesURL, Headers: as("super"),
			Body: body(onHidden(`,"kind":"like","author":"` + apptest.Alice + `"`)), ExpectedStatus: 400, ExpectedContent: []string{hidden}},
		{Name: "a voter cannot switch a vote on it", Method: http.MethodPatch, URL: votesURL + "/" + apptest.CarolVote, Headers: as("carol"),
			Body: body(`{"kind":"dislike"}`), ExpectedStatus: 400, ExpectedContent: []string{hidden},
			ExpectedEvents: map[string]int{"OnRecordUpdateRequest": 1, "OnRecordUpdate": 0}},
		{Name: "an answerer cannot edit an answer on it", Method: http.MethodPatch, URL: answersURL + "/" + apptest.CarolAnswer, Headers: as("carol"),
			Body: body(`{"value":1}`), ExpectedStatus: 400, ExpectedContent: []string{hidden}},
		{Name: "a voter may still withdraw, and it is recounted", Method: http.MethodDelete, URL: votesURL + "/" + apptest.CarolVote,
			Headers: as("carol"), ExpectedStatus: 204, AfterTestFunc: expectQuestion(apptest.BobQuestion, 1, 0, 20)},
		{Name: "the author may still edit the hidden question; it stays hidden", Method: http.MethodPatch, URL: questionsURL + "/" + apptest.BobQuestion,
			Headers: as("bob"), Body: body(`{"title":"Is the bus timetable working?"}`), ExpectedStatus: 200,
			ExpectedContent: []string{`"hidden":true`, `"hidden_reason":"Off topic"`}},
		{Name: "the author of a hidden answer may edit it; it stays hidden and uncounted", Method: http.MethodPatch,
			URL: answersURL + "/" + secretAnswer, Headers: as("carol"), Body: body(`{"comment":"Call the library."}`), ExpectedStatus: 200,
			ExpectedContent: []string{`"hidden":true`}, AfterTestFunc: expectQuestion(apptest.AliceQuestion, 0, 0, 10)},
		// hidden and hidden_reason are set by moderation actions only
		{Name: "the author cannot show their hidden question", Method: http.MethodPatch, URL: questionsURL + "/" + apptest.BobQuestion,
			Headers: as("bob"), Body: body(`{"hidden":false}`), ExpectedStatus: 400,
			ExpectedContent: []string{`"hidden":{"code":"validation_read_only"`}, ExpectedEvents: map[string]int{"OnRecordUpdateRequest": 1, "OnRecordUpdate": 0}},
		{Name: "the author cannot rewrite the reason", Method: http.MethodPatch, URL: questionsURL + "/" + apptest.BobQuestion,
			Headers: as("bob"), Body: body(`{"hidden_reason":"Nothing"}`), ExpectedStatus: 400,
			ExpectedContent: []string{`"hidden_reason":{"code":"validation_read_only"`}},
		{Name: "an answer's author cannot show it", Method: http.MethodPatch, URL: answersURL + "/" + secretAnswer,
			Headers: as("carol"), Body: body(`{"hidden":false}`), ExpectedStatus: 400,
			ExpectedContent: []string{`"hidden":{"code":"validation_read_only"`}},
		{Name: "a new answer cannot arrive hidden or shown by choice", Method: http.MethodPost, URL: answersURL,
			Headers: as("bob"), Body: body(`{"question":"` + apptest.AliceQuestion + `","value":3,"hidden":false}`), ExpectedStatus: 400,
			ExpectedContent: []string{`"hidden":{"code":"validation_read_only"`}},
		{Name: "a new question cannot arrive hidden", Method: http.MethodPost, URL: questionsURL,
			Headers: as("mod"), Body: body(`{"title":"Sneaky","hidden":true,"hidden_reason":"x"}`), ExpectedStatus: 400,
			ExpectedContent: []string{`"hidden":{"code":"validation_read_only"`, `"hidden_reason":{"code":"validation_read_only"`}},
		{Name: "a superuser cannot show it by editing either (it would skip the log)", Method: http.MethodPatch,
			URL: questionsURL + "/" + apptest.BobQuestion, Headers: as("super"), Body: body(`{"hidden":false}`), ExpectedStatus: 400,
			ExpectedContent: []string{`"hidden":{"code":"validation_read_only"`}},
		{Name: "the dashboard may send hidden back unchanged", Method: http.MethodPatch,
			URL: questionsURL + "/" + apptest.BobQuestion, Headers: as("super"),
			Body: body(`{"title":"Renamed","hidden":true,"hidden_reason":"Off topic"}`), ExpectedStatus: 200,
			ExpectedContent: []string{`"title":"Renamed"`, `"hidden":true`}},
	})
}

func TestModeratorFlag(t *testing.T) {
	signUp := func(extra string) *strings.Reader {
		return body(`{"username":"erin","email":"erin@example.com","password":"password123","passwordConfirm":"password123"` + extra + `}`)
	}
	noErin := countRows("users", "username = 'erin'", 0)
	aliceIsNot := expectFields(questions.Users, apptest.Alice, map[string]any{"moderator": false, "verified": false})
	runModeration(t, moderationApps(false), []tests.ApiScenario{
		{Name: "sign-up as a moderator", Method: http.MethodPost, URL: userRecordsURL, Body: signUp(`,"moderator":true`),
			ExpectedStatus: 400, ExpectedContent: []string{`"moderator":{"code":"validation_read_only"`}, AfterTestFunc: noErin},
		{Name: "sign-up sending moderator false", Method: http.MethodPost, URL: userRecordsURL, Body: signUp(`,"moderator":false`),
			ExpectedStatus: 400, ExpectedContent: []string{`"moderator":{"code":"validation_read_only"`}, AfterTestFunc: noErin},
		{Name: "sign-up as verified", Method: http.MethodPost, URL: userRecordsURL, Body: signUp(`,"verified":true`),
			ExpectedStatus: 400, ExpectedContent: []string{`"verified":{"code":"validation_read_only"`}, AfterTestFunc: noErin},
		{Name: "a user making themselves a moderator", Method: http.MethodPatch, URL: userRecordsURL + "/" + apptest.Alice, Headers: as("alice"),
			Body: body(`{"moderator":true}`), ExpectedStatus: 400,
			ExpectedContent: []string{`"moderator":{"code":"validation_read_only"`}, AfterTestFunc: aliceIsNot},
		{Name: "a user verifying themselves", Method: http.MethodPatch, URL: userRecordsURL + "/" + apptest.Alice, Headers: as("alice"),
			Body: body(`{"verified":true,"name":"Alice"}`), ExpectedStatus: 400,
			ExpectedContent: []string{`"verified":{"code":"validation_read_only"`}, AfterTestFunc: aliceIsNot},
		{Name: "a moderator cannot make another", Method: http.MethodPatch, URL: userRecordsURL + "/" + apptest.Alice, Headers: as("mod"),
			Body: body(`{"moderator":true}`), ExpectedStatus: 404, ExpectedContent: []string{`"status":404`}, AfterTestFunc: aliceIsNot},
		{Name: "a superuser makes a moderator (the dashboard)", Method: http.MethodPatch, URL: userRecordsURL + "/" + apptest.Alice,
			Headers: as("super"), Body: body(`{"moderator":true}`), ExpectedStatus: 200,
			ExpectedContent: []string{`"moderator":true`},
			AfterTestFunc:   expectFields(questions.Users, apptest.Alice, map[string]any{"moderator": true})},
		{Name: "a user still edits their profile", Method: http.MethodPatch, URL: userRecordsURL + "/" + apptest.Alice, Headers: as("alice"),
			Body: body(`{"name":"Alice A."}`), ExpectedStatus: 200, ExpectedContent: []string{`"name":"Alice A."`}},
		{Name: "a plain sign-up still works", Method: http.MethodPost, URL: userRecordsURL, Body: signUp(""), ExpectedStatus: 200,
			ExpectedContent: []string{`"username":"erin"`}},
	})
}

// A hide takes an answer's 10 points off its question and a restore gives
// them back, each in the action's own transaction: a log row that cannot be
// stored leaves the answer shown and the ranking as it was.
func TestModerationRanking(t *testing.T) {
	app := moderationApps(false)(t)
	defer app.Cleanup()
	c := apptest.Serve(t, app)
	act := func(token string, fields map[string]any) (int, map[string]any) {
		t.Helper()
		return c.Do(http.MethodPost, actionRecordsURL, token, fields)
	}
	hide := map[string]any{"action": "hide", "question": apptest.BobQuestion, "answer": apptest.CarolAnswer, "reason": "Abuse"}
	restore := map[string]any{"action": "restore", "question": apptest.BobQuestion, "answer": apptest.CarolAnswer, "reason": "Appeal"}
	noDrift := func() {
		t.Helper()
		drifts, err := questions.Check(app, apptest.FixtureTime)
		if err != nil || len(drifts) != 0 {
			t.Fatalf("drift: %+v, %v", drifts, err)
		}
	}
	topHas := func(id string) bool {
		rec := c.Get(hooks.TopPath, nil)
		return strings.Contains(rec.Body.String(), id)
	}
	if got := rankingOf(t, app, apptest.BobQuestion); got != 25 {
		t.Fatalf("ranking before = %d, want 25", got)
	}

	// A log row that cannot be stored: nothing of the action stays.
	if _, err := app.DB().NewQuery(`CREATE TRIGGER no_log BEFORE INSERT ON moderation_actions
		BEGIN SELECT RAISE(ABORT, 'the log is full'); END`).Execute(); err != nil {
		t.Fatal(err)
	}
	if status, out := act(modToken(), hide); status < 400 {
		t.Fatalf("hide with a failing log row = %d %v, want refused", status, out)
	}
	if a, _ := app.FindRecordById(questions.Answers, apptest.CarolAnswer); a.GetBool("hidden") {
		t.Error("the answer stayed hidden though its log row failed")
	}
	if r, _ := app.FindRecordById(moderation.Reports, aliceAnswerReport); r.GetString("status") != "open" {
		t.Errorf("the report was %s though the log row failed", r.GetString("status"))
	}
	if got := rankingOf(t, app, apptest.BobQuestion); got != 25 {
		t.Errorf("ranking after a failed hide = %d, want 25", got)
	}
	if _, err := app.DB().NewQuery("DROP TRIGGER no_log").Execute(); err != nil {
		t.Fatal(err)
	}

	// Hide, then restore: −10, +10, no drift, and the top 20 follows.
	if status, out := act(modToken(), hide); status != 200 {
		t.Fatalf("hide = %d %v", status, out)
	}
	if got := rankingOf(t, app, apptest.BobQuestion); got != 15 {
		t.Errorf("ranking after hiding the answer = %d, want 15", got)
	}
	noDrift()
	if rec := c.Get(hooks.TopPath, nil); !strings.Contains(rec.Body.String(), `"answers":0,"likes":1,"dislikes":0,"ranking":15`) {
		t.Errorf("the top 20 did not follow the hide: %s", rec.Body.String())
	}
	if status, out := act(modToken(), restore); status != 200 {
		t.Fatalf("restore = %d %v", status, out)
	}
	if got := rankingOf(t, app, apptest.BobQuestion); got != 25 {
		t.Errorf("ranking after restoring the answer = %d, want 25", got)
	}
	noDrift()

	// A hidden question leaves the top 20 at once and comes back restored.
	hideQ := map[string]any{"action": "hide", "question": apptest.BobQuestion, "reason": "Spam"}
	if !topHas(apptest.BobQuestion) {
		t.Fatal("bob's question is not in the top 20 to begin with")
	}
	if status, out := act(fixture.Tokens["super"], hideQ); status != 200 {
		t.Fatalf("hide question = %d %v", status, out)
	}
	if topHas(apptest.BobQuestion) {
		t.Error("a hidden question is still in the top 20")
	}
	hideQ["action"] = "restore"
	if status, out := act(modToken(), hideQ); status != 200 {
		t.Fatalf("restore question = %d %v", status, out)
	}
	if !topHas(apptest.BobQuestion) {
		t.Error("a restored question did not come back to the top 20")
	}

	// Two moderators hiding the same answer at once: one hide, one 400.
	statuses := make(chan int, 2)
	var wg sync.WaitGroup
	for _, token := range []string{modToken(), fixture.Tokens["super"]} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			status, _ := c.Do(http.MethodPost, actionRecordsURL, token, hide)
			statuses <- status
		}()
	}
	wg.Wait()
	close(statuses)
	var got []int
	for s := range statuses {
		got = append(got, s)
	}
	slices.Sort(got)
	if !slices.Equal(got, []int{200, 400}) {
		t.Errorf("two hides at once answered %v, want one 200 and one 400", got)
	}
	if n := apptest.Count(t, app, "SELECT COUNT(*) FROM moderation_actions WHERE action = 'hide' AND answer = '"+apptest.CarolAnswer+"'"); n != 2 {
		t.Errorf("%d hide rows for carol's answer, want 2 (the first hide and one of the two at once)", n)
	}
	if got := rankingOf(t, app, apptest.BobQuestion); got != 15 {
		t.Errorf("ranking after the racing hides = %d, want 15", got)
	}
	noDrift()
}

// The log outlives what it names: deleting the answer, the question or the
// moderator's account empties the link and keeps the row, its excerpt and
// who acted.
func TestModerationLogOutlivesItems(t *testing.T) {
	app := moderationApps(true)(t)
	defer app.Cleanup()
	c := apptest.Serve(t, app)
	for _, del := range []struct{ url, token string }{
		{answersURL + "/" + secretAnswer, fixture.Tokens["carol"]},
		{questionsURL + "/" + apptest.BobQuestion, fixture.Tokens["bob"]},
		{userRecordsURL + "/" + modID, modToken()},
	} {
		if status, out := c.Do(http.MethodDelete, del.url, del.token, nil); status != 204 {
			t.Fatalf("DELETE %s = %d %v", del.url, status, out)
		}
	}
	for id, excerpt := range map[string]string{hideAnswerAction: secretComment, hideQuestionAction: "Is the new bus timetable working?"} {
		row, err := app.FindRecordById(moderation.Actions, id)
		if err != nil {
			t.Fatalf("log row %s is gone: %v", id, err)
		}
		if row.GetString("excerpt") != excerpt || row.GetString("actor") != "mod" || row.GetString("moderator") != "" {
			t.Errorf("log row %s after the deletes: excerpt %q, actor %q, moderator %q", id,
				row.GetString("excerpt"), row.GetString("actor"), row.GetString("moderator"))
		}
	}
	if a, _ := app.FindRecordById(moderation.Actions, hideAnswerAction); a.GetString("answer") != "" {
		t.Error("the log still links the deleted answer")
	}
}

// PocketBase does not apply a related collection's rule to the "every
// related row" subquery of a back-relation or @collection filter, so such a
// filter could test a hidden answer's comment or tell who else reported a
// question. Clients may not send one, in a list's filter or sort or in a
// realtime subscription; superusers still may.
func TestMultiMatchFiltersRefused(t *testing.T) {
	onAlice := func(f string) string {
		return questionsURL + "?filter=" + urlEscape(`id="`+apptest.AliceQuestion+`" && `+f)
	}
	refused := func(param string) []string {
		return []string{`"` + param + `":{"code":"validation_not_allowed"`}
	}
	var scenarios []tests.ApiScenario
	for _, role := range []string{"anonymous", "alice", "carol", "mod"} {
		scenarios = append(scenarios,
			tests.ApiScenario{Name: role + ": a hidden comment guessed through answers_via_question", Method: http.MethodGet,
				URL: onAlice(`answers_via_question.comment !~ "555-0100"`), Headers: as(role),
				ExpectedStatus: 400, ExpectedContent: refused("filter")},
			tests.ApiScenario{Name: role + ": who reported, through reports_via_question", Method: http.MethodGet,
				URL: onAlice(`reports_via_question.reporter != "` + apptest.Bob + `"`), Headers: as(role),
				ExpectedStatus: 400, ExpectedContent: refused("filter")},
			tests.ApiScenario{Name: role + ": an @collection join", Method: http.MethodGet,
				URL: onAlice(`@collection.answers.comment ~ "555"`), Headers: as(role),
				ExpectedStatus: 400, ExpectedContent: refused("filter")},
			tests.ApiScenario{Name: role + ": a sort through a back-relation", Method: http.MethodGet,
				URL: questionsURL + "?sort=" + urlEscape("answers_via_question.comment"), Headers: as(role),
				ExpectedStatus: 400, ExpectedContent: refused("sort")},
		)
	}
	scenarios = append(scenarios,
		tests.ApiScenario{Name: "a plain filter still works", Method: http.MethodGet,
			URL: onAlice(`title != ""`), ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":1`}},
		tests.ApiScenario{Name: "a superuser may filter through a back-relation", Method: http.MethodGet,
			URL: onAlice(`answers_via_question.comment ~ "555-0100"`), Headers: as("super"),
			ExpectedStatus: 200, ExpectedContent: []string{`"totalItems":1`}},
	)
	client := subscriptions.NewDefaultClient()
	register := func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) { app.SubscriptionsBroker().Register(client) }
	subscribe := func(sub string) *strings.Reader {
		raw, _ := json.Marshal(map[string]any{"clientId": client.Id(), "subscriptions": []string{sub}})
		return strings.NewReader(string(raw))
	}
	scenarios = append(scenarios,
		tests.ApiScenario{Name: "a realtime subscription filtering through a back-relation", Method: http.MethodPost, URL: "/api/realtime",
			Body: subscribe(`questions/*?options={"query":{"filter":"answers_via_question.comment ~ '555'"}}`), BeforeTestFunc: register,
			ExpectedStatus: 400, ExpectedContent: refused("subscriptions")},
		tests.ApiScenario{Name: "a plain realtime subscription", Method: http.MethodPost, URL: "/api/realtime",
			Body: subscribe("questions/*"), BeforeTestFunc: register, ExpectedStatus: 204},
	)
	runModeration(t, moderationApps(true), scenarios)
}
