package questions

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// TopLimit is how many questions the home page shows.
const TopLimit = 20

// Author is the public face of a user: never the email.
type Author struct {
	ID       string `json:"id"`
	Username string `json:"username"`
	Name     string `json:"name"`
}

// MyVote is the signed-in user's vote on a question.
type MyVote struct {
	ID   string `json:"id"`
	Kind string `json:"kind"`
}

// MyAnswer is the signed-in user's answer to a question.
type MyAnswer struct {
	ID      string `json:"id"`
	Value   int    `json:"value"`
	Comment string `json:"comment"`
}

// TopQuestion is one card of the home page.
type TopQuestion struct {
	ID          string         `db:"id" json:"id"`
	Title       string         `db:"title" json:"title"`
	Description string         `db:"description" json:"description"`
	Author      Author         `db:"-" json:"author"`
	Answers     int            `db:"answers" json:"answers"`
	Likes       int            `db:"likes" json:"likes"`
	Dislikes    int            `db:"dislikes" json:"dislikes"`
	Ranking     int            `db:"ranking" json:"ranking"`
	Today       bool           `db:"today" json:"today"`
	Created     types.DateTime `db:"created" json:"created"`
	Updated     types.DateTime `db:"updated" json:"updated"`
	MyVote      *MyVote        `json:"myVote"`
	MyAnswer    *MyAnswer      `json:"myAnswer"`
}

// The order is idx_questions_top's, so SQLite reads index entries in order
// and stops after 20 shown ones. Hidden questions are left out for everyone:
// their author and moderators find them at their own URL.
const topQuery = `SELECT q.id, q.title, q.description, q.answers, q.likes, q.dislikes,
	q.ranking, q.today, q.created, q.updated,
	q.author AS author_id, COALESCE(u.username, '') AS author_username, COALESCE(u.name, '') AS author_name
FROM questions q LEFT JOIN users u ON u.id = q.author
WHERE q.hidden = FALSE
ORDER BY q.ranking DESC, q.created DESC, q.id ASC
LIMIT {:limit}`

// Top reads the best questions with their authors in one query.
func Top(app core.App, limit int) ([]TopQuestion, error) {
	var rows []struct {
		TopQuestion
		AuthorID       string `db:"author_id"`
		AuthorUsername string `db:"author_username"`
		AuthorName     string `db:"author_name"`
	}
	if err := app.DB().NewQuery(topQuery).Bind(dbx.Params{"limit": limit}).All(&rows); err != nil {
		return nil, fmt.Errorf("read top questions: %w", err)
	}
	out := make([]TopQuestion, len(rows)) // never nil: encodes as []
	for i, r := range rows {
		out[i] = r.TopQuestion
		out[i].Author = Author{ID: r.AuthorID, Username: r.AuthorUsername, Name: r.AuthorName}
	}
	return out, nil
}

// Mine returns userID's votes and answers on the given questions, keyed by
// question id, in one query whatever the number of questions.
func Mine(app core.App, userID string, questionIDs []string) (map[string]MyVote, map[string]MyAnswer, error) {
	votes := map[string]MyVote{}
	answers := map[string]MyAnswer{}
	if userID == "" || len(questionIDs) == 0 {
		return votes, answers, nil
	}
	params := dbx.Params{"user": userID}
	placeholders := make([]string, len(questionIDs))
	for i, id := range questionIDs {
		key := "q" + strconv.Itoa(i)
		params[key] = id
		placeholders[i] = "{:" + key + "}"
	}
	in := strings.Join(placeholders, ",")
	query := `SELECT 'vote' AS source, id, question, kind AS kind, 0 AS value, '' AS comment
		FROM votes WHERE author = {:user} AND question IN (` + in + `)
	UNION ALL
	SELECT 'answer', id, question, '', value, comment
		FROM answers WHERE author = {:user} AND question IN (` + in + `)`
	var rows []struct {
		Source   string `db:"source"`
		ID       string `db:"id"`
		Question string `db:"question"`
		Kind     string `db:"kind"`
		Value    int    `db:"value"`
		Comment  string `db:"comment"`
	}
	if err := app.DB().NewQuery(query).Bind(params).All(&rows); err != nil {
		return nil, nil, fmt.Errorf("read own votes and answers: %w", err)
	}
	for _, r := range rows {
		if r.Source == "vote" {
			votes[r.Question] = MyVote{ID: r.ID, Kind: r.Kind}
		} else {
			answers[r.Question] = MyAnswer{ID: r.ID, Value: r.Value, Comment: r.Comment}
		}
	}
	return votes, answers, nil
}
