package questions

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"github.com/rollcall/rollcall/request"
)

// ListPath is every shown question, sorted, paged and searchable.
const ListPath = "/api/questions"

// The list's orders (the sort parameter) and its paging bounds.
const (
	SortTop        = "top"        // ranking, the top-20 order
	SortNewest     = "newest"     // newest first
	SortUnanswered = "unanswered" // no shown answers yet, newest first
	SortAnswered   = "answered"   // most answers first, then newest
	SortRelevance  = "relevance"  // match quality, then ranking: with q only

	ListDefaultPerPage = 20
	ListMaxPerPage     = 50
	ListMaxPage        = 100_000
)

// listParams are the list's query parameters.
var listParams = []string{"sort", "page", "perPage", "q"}

// ListQuery is a parsed GET /api/questions.
type ListQuery struct {
	Sort    string
	Page    int
	PerPage int
	Q       string // as typed (trimmed); "" lists without searching
	Match   string // Q as an FTS5 query
}

// ListResponse is the body of GET /api/questions.
type ListResponse struct {
	Page       int           `json:"page"`
	PerPage    int           `json:"perPage"`
	TotalItems int64         `json:"totalItems"`
	TotalPages int64         `json:"totalPages"`
	Items      []TopQuestion `json:"items"`
}

// ParseList reads the list's query string strictly: an unknown, repeated or
// bad parameter is an error naming it (request.Query answers it with 400).
func ParseList(values url.Values) (ListQuery, error) {
	q := ListQuery{Sort: SortTop, Page: 1, PerPage: ListDefaultPerPage}
	errs := validation.Errors{}
	bad := func(param, code, message string) { errs[param] = validation.NewError(code, message) }
	get := request.Params(values, listParams, "Unknown parameter (this endpoint takes sort, page, perPage and q).", errs)
	bounded := func(name string, hi, fallback int) int {
		v, ok := get[name]
		if !ok || v == "" {
			return fallback
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > hi {
			bad(name, "validation_out_of_range", fmt.Sprintf("Must be a whole number from 1 to %d.", hi))
			return fallback
		}
		return n
	}
	q.Page = bounded("page", ListMaxPage, 1)
	q.PerPage = bounded("perPage", ListMaxPerPage, ListDefaultPerPage)

	if text := get["q"]; text != "" {
		match, err := MatchQuery(text)
		var short searchError
		switch {
		case errors.As(err, &short):
			bad("q", "validation_invalid_search", short.Error())
		case err != nil:
			return ListQuery{}, err
		default:
			q.Q, q.Match, q.Sort = text, match, SortRelevance
		}
	}
	switch s := get["sort"]; s {
	case "":
	case SortTop, SortNewest, SortUnanswered, SortAnswered:
		q.Sort = s
	case SortRelevance:
		if get["q"] == "" {
			bad("sort", "validation_invalid_sort", "relevance needs a search (q).")
		} else {
			q.Sort = s
		}
	default:
		bad("sort", "validation_invalid_sort", "Must be top, newest, unanswered or answered (or relevance with q).")
	}
	if len(errs) > 0 {
		return ListQuery{}, errs
	}
	return q, nil
}

// listColumns are a card's columns with its author's public names.
const listColumns = `q.id, q.title, q.description, q.answers, q.likes, q.dislikes,
	q.ranking, q.today, q.created, q.updated,
	q.author AS author_id, COALESCE(u.username, '') AS author_username, COALESCE(u.name, '') AS author_name`

// listOrders are each sort's filter and order. Each order is an index's
// (migrations 1763900001, 1763900009 and 1763900013), so a page is a walk of index
// entries that stops after the page, never a sort of every question.
var listOrders = map[string]struct{ where, order string }{
	SortTop:        {"", "q.ranking DESC, q.created DESC, q.id"},                   // idx_questions_top
	SortNewest:     {"", "q.created DESC, q.id"},                                   // idx_questions_newest
	SortUnanswered: {" AND q.answers = 0", "q.created DESC, q.id"},                 // idx_questions_unanswered
	SortAnswered:   {" AND q.answers > 0", "q.answers DESC, q.created DESC, q.id"}, // idx_questions_answered
	SortRelevance:  {"", "m.score, q.ranking DESC, q.created DESC, q.id"},          // bm25 of the matches
}

// ListSQL returns the page and count statements for q (for the tests that
// read SQLite's plan for them). The page is found first as rowids only (an
// inner query that the partial indexes cover, so skipping a deep page's
// offset reads index entries alone, and a search's sort holds small keys),
// then its rows and authors are read.
func ListSQL(q ListQuery) (page, count string) {
	o := listOrders[q.Sort]
	where := ` WHERE q.hidden = FALSE` + o.where
	from := ` FROM questions q`
	if q.Match != "" {
		// Title words weigh more than description words. The search table
		// holds shown questions only; the hidden check is kept all the same.
		from = ` FROM (SELECT rowid AS r, bm25(` + SearchTable + `, 4.0, 1.0) AS score FROM ` + SearchTable +
			` WHERE ` + SearchTable + ` MATCH {:match}) m JOIN questions q ON q.rowid = m.r`
	}
	inner, outer := `q.rowid AS pr`, o.order
	if q.Match != "" {
		inner, outer = `q.rowid AS pr, m.score AS score`, strings.ReplaceAll(o.order, "m.score", "p.score")
	}
	page = `SELECT ` + listColumns + ` FROM (SELECT ` + inner + from + where + ` ORDER BY ` + o.order +
		` LIMIT {:limit} OFFSET {:offset}) p JOIN questions q ON q.rowid = p.pr LEFT JOIN users u ON u.id = q.author ORDER BY ` + outer
	count = `SELECT count(*)` + from + where
	if q.Match != "" && o.where == "" {
		// The index holds exactly the shown questions: count its matches.
		count = `SELECT count(*) FROM ` + SearchTable + ` WHERE ` + SearchTable + ` MATCH {:match}`
	}
	return page, count
}

// List reads one page of shown questions for q, with authors, in two
// queries (the total and the page).
func List(app core.App, q ListQuery) (ListResponse, error) {
	return listPage(app, q, nil)
}

// listPage is List with the total read through total when given (the
// handler's cache of totals).
func listPage(app core.App, q ListQuery, total func(key string, count func() (int64, error)) (int64, error)) (ListResponse, error) {
	pageSQL, countSQL := ListSQL(q)
	params := dbx.Params{}
	if q.Match != "" {
		params["match"] = q.Match
	}
	out := ListResponse{Page: q.Page, PerPage: q.PerPage, Items: []TopQuestion{}}
	count := func() (int64, error) {
		var n int64
		if err := app.DB().NewQuery(countSQL).Bind(params).Row(&n); err != nil {
			return 0, fmt.Errorf("count questions: %w", err)
		}
		return n, nil
	}
	var err error
	if total != nil {
		out.TotalItems, err = total(countSQL+"\x00"+q.Match, count)
	} else {
		out.TotalItems, err = count()
	}
	if err != nil {
		return ListResponse{}, err
	}
	out.TotalPages = (out.TotalItems + int64(q.PerPage) - 1) / int64(q.PerPage)
	offset := int64(q.Page-1) * int64(q.PerPage)
	if offset >= out.TotalItems {
		return out, nil
	}
	params["limit"], params["offset"] = q.PerPage, offset
	items, err := readCards(app, pageSQL, params)
	if err != nil {
		return ListResponse{}, fmt.Errorf("list questions: %w", err)
	}
	out.Items = items
	return out, nil
}

// readCards runs a statement selecting listColumns.
func readCards(app core.App, query string, params dbx.Params) ([]TopQuestion, error) {
	var rows []struct {
		TopQuestion
		AuthorID       string `db:"author_id"`
		AuthorUsername string `db:"author_username"`
		AuthorName     string `db:"author_name"`
	}
	if err := app.DB().NewQuery(query).Bind(params).All(&rows); err != nil {
		return nil, err
	}
	out := make([]TopQuestion, len(rows)) // never nil: encodes as []
	for i, r := range rows {
		out[i] = r.TopQuestion
		out[i].Author = Author{ID: r.AuthorID, Username: r.AuthorUsername, Name: r.AuthorName}
	}
	return out, nil
}
