package hooks_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/rollcall/rollcall/internal/apptest"
)

const (
	questionsURL = "/api/collections/questions/records"
	answersURL   = "/api/collections/answers/records"
	votesURL     = "/api/collections/votes/records"
)

// Each refusing scenario expects no record hook at all ({"*": 0} plus the
// request hook where PocketBase got that far), proving nothing was written.
func TestQuestionRules(t *testing.T) {
	factory := fixture.Factory(nil)
	scenarios := []tests.ApiScenario{
		{
			Name: "anonymous cannot ask", Method: http.MethodPost, URL: questionsURL,
			Body: body(`{"title":"Who am I?"}`), ExpectedStatus: 400,
			ExpectedContent: []string{`"message":"Failed to create record."`},
			ExpectedEvents:  map[string]int{"*": 0},
		},
		{
			Name:   "signed-in user asks; author, counters, bonus and trimmed title set by the server",
			Method: http.MethodPost, URL: questionsURL, Headers: auth("alice"),
			Body: body(`{"title":"   Do we need more benches?  ","description":" In the park. "}`), ExpectedStatus: 200,
			ExpectedContent: []string{`"title":"Do we need more benches?"`, `"description":"In the park."`,
				`"author":"` + apptest.Alice + `"`, `"ranking":10`, `"today":true`, `"answers":0`,
				`"today_ends":"2026-11-24 00:00:00.000Z"`},
			ExpectedEvents: map[string]int{"OnRecordCreateRequest": 1, "OnRecordCreate": 1, "OnRecordCreateExecute": 1,
				"OnRecordAfterCreateSuccess": 1, "OnRecordUpdate": 0},
		},
		{
			Name: "author must be the signed-in user", Method: http.MethodPost, URL: questionsURL, Headers: auth("alice"),
			Body: body(`{"title":"Sock puppet","author":"` + apptest.Bob + `"}`), ExpectedStatus: 400,
			ExpectedContent: []string{`"author":{"code":"validation_not_self"`},
			ExpectedEvents:  map[string]int{"OnRecordCreateRequest": 1, "OnRecordCreate": 0},
		},
		{
			Name: "ranking cannot be set", Method: http.MethodPost, URL: questionsURL, Headers: auth("alice"),
			Body: body(`{"title":"Cheat","ranking":9999}`), ExpectedStatus: 400,
			ExpectedContent: []string{`"ranking":{"code":"validation_read_only"`},
			ExpectedEvents:  map[string]int{"OnRecordCreateRequest": 1, "OnRecordCreate": 0},
		},
		{
			Name: "counters cannot be set, not even by a modifier", Method: http.MethodPost, URL: questionsURL, Headers: auth("alice"),
			Body: body(`{"title":"Cheat","likes+":50,"+answers":3,"today_ends":"2099-01-01 00:00:00.000Z"}`), ExpectedStatus: 400,
			ExpectedContent: []string{`"likes":{"code":"validation_read_only"`, `"answers":{"code":"validation_read_only"`, `"today_ends":{"code":"validation_read_only"`},
			ExpectedEvents:  map[string]int{"OnRecordCreateRequest": 1, "OnRecordCreate": 0},
		},
		{
			Name: "title over 200 characters", Method: http.MethodPost, URL: questionsURL, Headers: auth("alice"),
			Body: body(`{"title":"` + strings.Repeat("x", 201) + `"}`), ExpectedStatus: 400,
			ExpectedContent: []string{`"title":{"code":"validation_max_text_constraint"`},
			ExpectedEvents:  map[string]int{"OnRecordCreateRequest": 1, "OnRecordCreate": 1, "OnRecordCreateExecute": 0},
		},
		{
			Name: "blank title after trimming", Method: http.MethodPost, URL: questionsURL, Headers: auth("alice"),
			Body: body(`{"title":"    "}`), ExpectedStatus: 400,
			ExpectedContent: []string{`"title":{"code":"validation_required"`},
			ExpectedEvents:  map[string]int{"OnRecordCreateRequest": 1, "OnRecordCreate": 1, "OnRecordCreateExecute": 0},
		},
		{
			Name: "description over 5,000 characters", Method: http.MethodPost, URL: questionsURL, Headers: auth("alice"),
			Body: body(`{"title":"Long","description":"` + strings.Repeat("x", 5001) + `"}`), ExpectedStatus: 400,
			ExpectedContent: []string{`"description":{"code":"validation_max_text_constraint"`},
		},
		{
			Name: "only the author edits: another user gets 404", Method: http.MethodPatch, URL: questionsURL + "/" + apptest.AliceQuestion,
			Headers: auth("bob"), Body: body(`{"title":"Hijacked"}`), ExpectedStatus: 404,
			ExpectedContent: []string{`"status":404`}, ExpectedEvents: map[string]int{"*": 0},
		},
		{
			Name: "only the author deletes: another user gets 404", Method: http.MethodDelete, URL: questionsURL + "/" + apptest.AliceQuestion,
			Headers: auth("bob"), ExpectedStatus: 404,
			ExpectedContent: []string{`"status":404`}, ExpectedEvents: map[string]int{"*": 0},
		},
		{
			Name: "author edits the title; ranking untouched", Method: http.MethodPatch, URL: questionsURL + "/" + apptest.BobQuestion,
			Headers: auth("bob"), Body: body(`{"title":"  Is the bus timetable working?  "}`), ExpectedStatus: 200,
			ExpectedContent: []string{`"title":"Is the bus timetable working?"`, `"ranking":25`, `"likes":1`, `"answers":1`},
		},
		{
			Name: "author cannot hand the question to someone else", Method: http.MethodPatch, URL: questionsURL + "/" + apptest.BobQuestion,
			Headers: auth("bob"), Body: body(`{"author":"` + apptest.Carol + `"}`), ExpectedStatus: 400,
			ExpectedContent: []string{`"author":{"code":"validation_not_self"`},
			ExpectedEvents:  map[string]int{"OnRecordUpdateRequest": 1, "OnRecordUpdate": 0},
		},
		{
			Name: "author cannot bump their own counters", Method: http.MethodPatch, URL: questionsURL + "/" + apptest.BobQuestion,
			Headers: auth("bob"), Body: body(`{"ranking-":5,"dislikes":0}`), ExpectedStatus: 400,
			ExpectedContent: []string{`"ranking":{"code":"validation_read_only"`, `"dislikes":{"code":"validation_read_only"`},
			ExpectedEvents:  map[string]int{"OnRecordUpdateRequest": 1, "OnRecordUpdate": 0},
		},
		{
			Name: "a superuser's dashboard edit of counters is recounted from the rows", Method: http.MethodPatch,
			URL: questionsURL + "/" + apptest.BobQuestion, Headers: auth("super"),
			Body: body(`{"likes":99,"ranking":1000,"answers":7}`), ExpectedStatus: 200,
			ExpectedContent: []string{`"likes":1`, `"answers":1`, `"ranking":25`},
		},
		{
			Name: "anyone lists questions, sorted by ranking", Method: http.MethodGet,
			URL: questionsURL + "?sort=-ranking,-created,id&perPage=20&skipTotal=1", ExpectedStatus: 200,
			ExpectedContent: []string{`"id":"` + apptest.BobQuestion + `"`, `"totalItems":-1`},
		},
	}
	for _, s := range scenarios {
		s.TestAppFactory = factory
		s.Test(t)
	}
}

func TestAnswerAndVoteRules(t *testing.T) {
	factory := fixture.Factory(nil)
	scenarios := []tests.ApiScenario{
		{
			Name: "anonymous cannot vote", Method: http.MethodPost, URL: votesURL,
			Body: body(`{"question":"` + apptest.AliceQuestion + `","kind":"like"}`), ExpectedStatus: 400,
			ExpectedEvents: map[string]int{"*": 0}, ExpectedContent: []string{`"status":400`},
		},
		{
			Name: "a forged token counts as anonymous", Method: http.MethodPost, URL: votesURL,
			Headers: map[string]string{"Authorization": "eyJhbGciOiJIUzI1NiJ9.eyJpZCI6ImFsaWNlMDAwMDAwMDAwMSJ9.forged"},
			Body:    body(`{"question":"` + apptest.BobQuestion + `","kind":"like"}`), ExpectedStatus: 400,
			ExpectedEvents: map[string]int{"*": 0}, ExpectedContent: []string{`"status":400`},
		},
		{
			Name: "voting as another user", Method: http.MethodPost, URL: votesURL, Headers: auth("alice"),
			Body: body(`{"question":"` + apptest.BobQuestion + `","kind":"like","author":"` + apptest.Carol + `"}`), ExpectedStatus: 400,
			ExpectedContent: []string{`"author":{"code":"validation_not_self"`},
			ExpectedEvents:  map[string]int{"OnRecordCreateRequest": 1, "OnRecordCreate": 0},
		},
		{
			Name: "voting on your own question", Method: http.MethodPost, URL: votesURL, Headers: auth("bob"),
			Body: body(`{"question":"` + apptest.BobQuestion + `","kind":"like"}`), ExpectedStatus: 400,
			ExpectedContent: []string{`"question":{"code":"validation_own_question","message":"You cannot answer or vote on your own question."`},
			// Refused by the check trigger inside the insert: nothing stored or counted.
			ExpectedEvents: map[string]int{"OnRecordCreateExecute": 1, "OnRecordAfterCreateSuccess": 0, "OnRecordUpdateExecute": 0},
			AfterTestFunc:  expectQuestion(apptest.BobQuestion, 1, 1, 25),
		},
		{
			Name: "answering your own question", Method: http.MethodPost, URL: answersURL, Headers: auth("bob"),
			Body: body(`{"question":"` + apptest.BobQuestion + `","value":5}`), ExpectedStatus: 400,
			ExpectedContent: []string{`"question":{"code":"validation_own_question"`},
			ExpectedEvents:  map[string]int{"OnRecordCreateExecute": 1, "OnRecordAfterCreateSuccess": 0},
			AfterTestFunc:   expectQuestion(apptest.BobQuestion, 1, 1, 25),
		},
		{
			Name: "a second vote row by the same user", Method: http.MethodPost, URL: votesURL, Headers: auth("carol"),
			Body: body(`{"question":"` + apptest.BobQuestion + `","kind":"dislike"}`), ExpectedStatus: 400,
			ExpectedContent: []string{`"validation_not_unique"`},
			// The insert fails inside the transaction: nothing is recounted or saved.
			ExpectedEvents: map[string]int{"OnRecordAfterCreateSuccess": 0, "OnRecordUpdateExecute": 0},
		},
		{
			Name: "a second answer by the same user", Method: http.MethodPost, URL: answersURL, Headers: auth("carol"),
			Body: body(`{"question":"` + apptest.BobQuestion + `","value":2}`), ExpectedStatus: 400,
			ExpectedContent: []string{`"validation_not_unique"`},
			ExpectedEvents:  map[string]int{"OnRecordAfterCreateSuccess": 0, "OnRecordUpdateExecute": 0},
		},
		{
			Name: "answer value 0", Method: http.MethodPost, URL: answersURL, Headers: auth("alice"),
			Body: body(`{"question":"` + apptest.BobQuestion + `","value":0}`), ExpectedStatus: 400,
			ExpectedContent: []string{`"value":{"code":"validation_required"`},
			ExpectedEvents:  map[string]int{"OnRecordCreateExecute": 0},
		},
		{
			Name: "answer value 6", Method: http.MethodPost, URL: answersURL, Headers: auth("alice"),
			Body: body(`{"question":"` + apptest.BobQuestion + `","value":6}`), ExpectedStatus: 400,
			ExpectedContent: []string{`"value":{"code":"validation_max_number_constraint"`},
			ExpectedEvents:  map[string]int{"OnRecordCreateExecute": 0},
		},
		{
			Name: "answer value 2.5", Method: http.MethodPost, URL: answersURL, Headers: auth("alice"),
			Body: body(`{"question":"` + apptest.BobQuestion + `","value":2.5}`), ExpectedStatus: 400,
			ExpectedContent: []string{`"value":{"code":"validation_only_int_constraint"`},
		},
		{
			Name: "comment over 2,000 characters", Method: http.MethodPost, URL: answersURL, Headers: auth("alice"),
			Body: body(`{"question":"` + apptest.BobQuestion + `","value":3,"comment":"` + strings.Repeat("x", 2001) + `"}`), ExpectedStatus: 400,
			ExpectedContent: []string{`"comment":{"code":"validation_max_text_constraint"`},
		},
		{
			Name: "unknown vote kind", Method: http.MethodPost, URL: votesURL, Headers: auth("alice"),
			Body: body(`{"question":"` + apptest.BobQuestion + `","kind":"love"}`), ExpectedStatus: 400,
			ExpectedContent: []string{`"kind":{"code":"validation_invalid_value"`},
		},
		{
			Name: "a like is +5, counted in the vote's own insert", Method: http.MethodPost, URL: votesURL, Headers: auth("alice"),
			Body: body(`{"question":"` + apptest.BobQuestion + `","kind":"like"}`), ExpectedStatus: 200,
			ExpectedContent: []string{`"author":"` + apptest.Alice + `"`, `"kind":"like"`},
			ExpectedEvents: map[string]int{"OnRecordCreateRequest": 1, "OnRecordCreateExecute": 1, "OnRecordAfterCreateSuccess": 1,
				// the trigger updates the question: PocketBase saves nothing more
				"OnRecordUpdate": 0, "OnRecordUpdateExecute": 0},
			AfterTestFunc: expectQuestion(apptest.BobQuestion, 1, 2, 30),
		},
		{
			Name: "editing another user's answer", Method: http.MethodPatch, URL: answersURL + "/" + apptest.CarolAnswer,
			Headers: auth("alice"), Body: body(`{"value":1}`), ExpectedStatus: 404,
			ExpectedContent: []string{`"status":404`}, ExpectedEvents: map[string]int{"*": 0},
		},
		{
			Name: "withdrawing another user's vote", Method: http.MethodDelete, URL: votesURL + "/" + apptest.CarolVote,
			Headers: auth("alice"), ExpectedStatus: 404,
			ExpectedContent: []string{`"status":404`}, ExpectedEvents: map[string]int{"*": 0},
		},
		{
			Name: "editing an answer's comment and value leaves the ranking alone", Method: http.MethodPatch,
			URL: answersURL + "/" + apptest.CarolAnswer, Headers: auth("carol"), Body: body(`{"value":1,"comment":"  Changed my mind.  "}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"value":1`, `"comment":"Changed my mind."`},
			ExpectedEvents:  map[string]int{"OnRecordUpdateExecute": 1, "OnRecordAfterUpdateSuccess": 1}, // the answer only
			AfterTestFunc:   expectQuestion(apptest.BobQuestion, 1, 1, 25),
		},
		{
			Name: "moving an answer to another question", Method: http.MethodPatch,
			URL: answersURL + "/" + apptest.CarolAnswer, Headers: auth("carol"), Body: body(`{"question":"` + apptest.AliceQuestion + `"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"question":{"code":"validation_immutable"`},
			ExpectedEvents:  map[string]int{"OnRecordUpdateExecute": 0},
		},
		{
			Name: "handing a vote to another user", Method: http.MethodPatch,
			URL: votesURL + "/" + apptest.CarolVote, Headers: auth("carol"), Body: body(`{"author":"` + apptest.Alice + `"}`),
			ExpectedStatus:  400,
			ExpectedContent: []string{`"author":{"code":"validation_not_self"`},
			ExpectedEvents:  map[string]int{"OnRecordUpdateExecute": 0},
		},
		{
			Name: "votes are private: another user lists none of carol's", Method: http.MethodGet, URL: votesURL,
			Headers: auth("alice"), ExpectedStatus: 200,
			ExpectedContent: []string{`"items":[]`}, NotExpectedContent: []string{apptest.CarolVote},
		},
		{
			Name: "votes are private: anonymous lists none", Method: http.MethodGet, URL: votesURL,
			ExpectedStatus: 200, ExpectedContent: []string{`"items":[]`},
		},
		{
			Name: "votes are private: another user cannot view one", Method: http.MethodGet, URL: votesURL + "/" + apptest.CarolVote,
			Headers: auth("alice"), ExpectedStatus: 404, ExpectedContent: []string{`"status":404`},
		},
		{
			Name: "a user lists their own votes", Method: http.MethodGet, URL: votesURL,
			Headers: auth("carol"), ExpectedStatus: 200, ExpectedContent: []string{`"id":"` + apptest.CarolVote + `"`},
		},
		{
			Name: "answers and comments are public", Method: http.MethodGet, URL: answersURL,
			ExpectedStatus: 200, ExpectedContent: []string{`"comment":"The 7:40 is full."`},
		},
	}
	for _, s := range scenarios {
		s.TestAppFactory = factory
		s.Test(t)
	}
}

func TestUserRules(t *testing.T) {
	factory := fixture.Factory(nil)
	scenarios := []tests.ApiScenario{
		{
			Name: "an author's profile is public, the email is not", Method: http.MethodGet,
			URL: "/api/collections/users/records/" + apptest.Bob, ExpectedStatus: 200,
			ExpectedContent:    []string{`"username":"bob"`, `"name":"bob"`},
			NotExpectedContent: []string{"bob@example.com"},
		},
		{
			Name: "nobody can list all users", Method: http.MethodGet, URL: "/api/collections/users/records",
			Headers: auth("alice"), ExpectedStatus: 200,
			ExpectedContent: []string{`"totalItems":1`, `"username":"alice"`}, NotExpectedContent: []string{`"username":"bob"`},
		},
		{
			Name: "sign-up keeps the 8-character password minimum", Method: http.MethodPost, URL: "/api/collections/users/records",
			Body:           body(`{"username":"dave","email":"dave@example.com","password":"123","passwordConfirm":"123"}`),
			ExpectedStatus: 400, ExpectedContent: []string{`"password":{"code":"validation_min_text_constraint"`},
		},
		{
			Name: "sign-up needs a lower-case username", Method: http.MethodPost, URL: "/api/collections/users/records",
			Body:           body(`{"username":"Dave!","email":"dave@example.com","password":"password123","passwordConfirm":"password123"}`),
			ExpectedStatus: 400, ExpectedContent: []string{`"username":{"code":"validation_invalid_format"`},
		},
		{
			Name: "emailVisibility cannot be switched on", Method: http.MethodPost, URL: "/api/collections/users/records",
			Body:           body(`{"username":"dave","email":"dave@example.com","emailVisibility":true,"password":"password123","passwordConfirm":"password123"}`),
			ExpectedStatus: 200, ExpectedContent: []string{`"emailVisibility":false`, `"name":"dave"`},
			NotExpectedContent: []string{"dave@example.com"},
		},
		{
			Name: "sign in by username", Method: http.MethodPost, URL: "/api/collections/users/auth-with-password",
			Body:           body(`{"identity":"bob","password":"` + apptest.Password + `"}`),
			ExpectedStatus: 200, ExpectedContent: []string{`"token":`, `"username":"bob"`},
		},
		{
			Name: "sign in by email", Method: http.MethodPost, URL: "/api/collections/users/auth-with-password",
			Body:           body(`{"identity":"bob@example.com","password":"` + apptest.Password + `"}`),
			ExpectedStatus: 200, ExpectedContent: []string{`"token":`},
		},
		{
			Name: "deleting an account deletes its votes and answers and recounts", Method: http.MethodDelete,
			URL: "/api/collections/users/records/" + apptest.Carol, Headers: auth("carol"), ExpectedStatus: 204,
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				expectQuestion(apptest.BobQuestion, 0, 0, 10)(t, app, nil)
				for _, c := range []string{"answers", "votes"} {
					n, err := app.CountRecords(c)
					if err != nil || n != 0 {
						t.Errorf("%s left after deleting carol: %d (%v)", c, n, err)
					}
				}
			},
		},
		{
			Name: "deleting an account deletes its questions", Method: http.MethodDelete,
			URL: "/api/collections/users/records/" + apptest.Bob, Headers: auth("bob"), ExpectedStatus: 204,
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				if _, err := app.FindRecordById("questions", apptest.BobQuestion); err == nil {
					t.Error("bob's question survived his account")
				}
				if n, _ := app.CountRecords("votes"); n != 0 {
					t.Errorf("votes on bob's question survived: %d", n)
				}
			},
		},
	}
	for _, s := range scenarios {
		s.TestAppFactory = factory
		s.Test(t)
	}
}

// expectQuestion checks a question's stored answers, likes and ranking.
func expectQuestion(id string, answers, likes, rank int) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		t.Helper()
		q, err := app.FindRecordById("questions", id)
		if err != nil {
			t.Fatalf("question %s: %v", id, err)
		}
		assertCounts(t, q, answers, likes, rank)
	}
}

func assertCounts(t testing.TB, q *core.Record, answers, likes, rank int) {
	t.Helper()
	if q.GetInt("answers") != answers || q.GetInt("likes") != likes || q.GetInt("ranking") != rank {
		t.Errorf("question %s: answers=%d likes=%d ranking=%d, want %d/%d/%d", q.Id,
			q.GetInt("answers"), q.GetInt("likes"), q.GetInt("ranking"), answers, likes, rank)
	}
}
