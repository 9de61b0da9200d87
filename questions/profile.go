package questions

import (
	"database/sql"
	"errors"
	"fmt"
	"net/http"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/rollcall/rollcall/request"
)

// ProfilePath is a user's public page: who they are and what they wrote.
const ProfilePath = "/api/profiles/{username}"

// ProfileLimit is how many questions and answers a profile shows.
const ProfileLimit = 20

// Profile is the body of GET /api/profiles/{username}. Never an email.
type Profile struct {
	ID        string            `json:"id"`
	Username  string            `json:"username"`
	Name      string            `json:"name"`
	Created   types.DateTime    `json:"created"`
	Counts    ProfileCounts     `json:"counts"`
	Questions []ProfileQuestion `json:"questions"`
	Answers   []ProfileAnswer   `json:"answers"`
}

// ProfileCounts are the user's shown questions and answers.
type ProfileCounts struct {
	Questions int64 `db:"questions" json:"questions"`
	Answers   int64 `db:"answers" json:"answers"`
}

// ProfileQuestion is one of the user's shown questions.
type ProfileQuestion struct {
	ID          string         `db:"id" json:"id"`
	Title       string         `db:"title" json:"title"`
	Description string         `db:"description" json:"description"`
	Answers     int            `db:"answers" json:"answers"`
	Likes       int            `db:"likes" json:"likes"`
	Dislikes    int            `db:"dislikes" json:"dislikes"`
	Ranking     int            `db:"ranking" json:"ranking"`
	Today       bool           `db:"today" json:"today"`
	Created     types.DateTime `db:"created" json:"created"`
}

// ProfileAnswer is one of the user's shown answers, on a shown question.
type ProfileAnswer struct {
	ID       string             `db:"id" json:"id"`
	Question ProfileQuestionRef `db:"-" json:"question"`
	Value    int                `db:"value" json:"value"`
	Comment  string             `db:"comment" json:"comment"`
	Created  types.DateTime     `db:"created" json:"created"`
}

// ProfileQuestionRef names the question an answer is on.
type ProfileQuestionRef struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

// ErrNoProfile is an unknown username.
var ErrNoProfile = errors.New("no such user")

// Profile queries: the user by the unique username index, the counts and
// both lists by (author, created DESC) partial indexes of shown rows
// (migration 1763900009). An answer on a hidden question is left out, as
// everywhere a guest could see it.
const (
	profileUserQuery  = `SELECT id, username, name, created FROM users WHERE username = {:username}`
	profileCountQuery = `SELECT
	(SELECT count(*) FROM questions WHERE author = {:user} AND hidden = FALSE) AS questions,
	(SELECT count(*) FROM answers a JOIN questions q ON q.id = a.question
		WHERE a.author = {:user} AND a.hidden = FALSE AND q.hidden = FALSE) AS answers`
	profileQuestionsQuery = `SELECT id, title, description, answers, likes, dislikes, ranking, today, created
FROM questions WHERE author = {:user} AND hidden = FALSE
ORDER BY created DESC, id LIMIT {:limit}`
	profileAnswersQuery = `SELECT a.id, a.value, a.comment, a.created, q.id AS question_id, q.title AS question_title
FROM answers a JOIN questions q ON q.id = a.question
WHERE a.author = {:user} AND a.hidden = FALSE AND q.hidden = FALSE
ORDER BY a.created DESC, a.id LIMIT {:limit}`
)

// ReadProfile reads username's public profile in four queries, or
// ErrNoProfile.
func ReadProfile(app core.App, username string) (Profile, error) {
	var p Profile
	var user struct {
		ID       string         `db:"id"`
		Username string         `db:"username"`
		Name     string         `db:"name"`
		Created  types.DateTime `db:"created"`
	}
	err := app.DB().NewQuery(profileUserQuery).Bind(dbx.Params{"username": username}).One(&user)
	if errors.Is(err, sql.ErrNoRows) {
		return p, ErrNoProfile
	}
	if err != nil {
		return p, fmt.Errorf("read user: %w", err)
	}
	p = Profile{ID: user.ID, Username: user.Username, Name: user.Name, Created: user.Created,
		Questions: []ProfileQuestion{}, Answers: []ProfileAnswer{}}
	params := dbx.Params{"user": user.ID, "limit": ProfileLimit}
	if err := app.DB().NewQuery(profileCountQuery).Bind(params).One(&p.Counts); err != nil {
		return p, fmt.Errorf("count the user's questions and answers: %w", err)
	}
	if err := app.DB().NewQuery(profileQuestionsQuery).Bind(params).All(&p.Questions); err != nil {
		return p, fmt.Errorf("read the user's questions: %w", err)
	}
	var answers []struct {
		ProfileAnswer
		QuestionID    string `db:"question_id"`
		QuestionTitle string `db:"question_title"`
	}
	if err := app.DB().NewQuery(profileAnswersQuery).Bind(params).All(&answers); err != nil {
		return p, fmt.Errorf("read the user's answers: %w", err)
	}
	for _, a := range answers {
		a.ProfileAnswer.Question = ProfileQuestionRef{ID: a.QuestionID, Title: a.QuestionTitle}
		p.Answers = append(p.Answers, a.ProfileAnswer)
	}
	if p.Questions == nil {
		p.Questions = []ProfileQuestion{}
	}
	return p, nil
}

// Profile serves GET /api/profiles/{username}: the same for everyone.
func (h *Hooks) Profile(e *core.RequestEvent) error {
	if _, err := request.Query(e, request.NoParams); err != nil {
		return err
	}
	p, err := ReadProfile(e.App, e.Request.PathValue("username"))
	if errors.Is(err, ErrNoProfile) {
		return e.NotFoundError("There is no user with that username.", nil)
	}
	if err != nil {
		return e.InternalServerError("Failed to load the profile.", err)
	}
	e.Response.Header().Set("Cache-Control", "no-cache")
	return e.JSON(http.StatusOK, p)
}

// ProfileQueries are the profile's statements, for the tests that read
// SQLite's plan for them.
func ProfileQueries() []string {
	return []string{profileCountQuery, profileQuestionsQuery, profileAnswersQuery}
}
