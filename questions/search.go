package questions

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/pocketbase/pocketbase/core"

	"github.com/rollcall/rollcall/internal/ftsindex"
)

// SearchTable is the FTS5 word index of shown questions' titles and
// descriptions, keyed by the questions table's rowid (migration
// 1763900009). Triggers on questions keep it in step.
const SearchTable = "questions_search"

// Search limits. A term shorter than SearchMinTerm is only kept beside a
// longer one (and never as a prefix): a query made of such terms alone is
// refused, since a one-letter prefix would read most of the index.
const (
	SearchMinTerm  = 2
	SearchMaxRunes = 200
	SearchMaxTerms = 10
)

// searchTriggers are the migration's statements (1763900009), for the
// start-up repair; search_test.go holds them to what the migration created.
var searchTriggers = []string{
	`CREATE TRIGGER IF NOT EXISTS questions_search_insert AFTER INSERT ON questions WHEN new.hidden = FALSE BEGIN
			INSERT INTO questions_search(rowid, title, description) VALUES (new.rowid, new.title, coalesce(new.description, ''));
		END`,
	`CREATE TRIGGER IF NOT EXISTS questions_search_update AFTER UPDATE OF title, description, hidden ON questions
		WHEN old.title IS NOT new.title OR old.description IS NOT new.description OR old.hidden IS NOT new.hidden BEGIN
			DELETE FROM questions_search WHERE rowid = old.rowid;
			INSERT INTO questions_search(rowid, title, description) SELECT new.rowid, new.title, coalesce(new.description, '') WHERE new.hidden = FALSE;
		END`,
	`CREATE TRIGGER IF NOT EXISTS questions_search_delete AFTER DELETE ON questions BEGIN
			DELETE FROM questions_search WHERE rowid = old.rowid;
		END`,
}

// SearchTriggers returns the trigger statements (for the migration test).
func SearchTriggers() []string { return append([]string(nil), searchTriggers...) }

// searchError is a q the index cannot serve, in plain words.
type searchError string

func (e searchError) Error() string { return string(e) }

// isTermRune is what unicode61 keeps in a token: letters, digits and
// combining marks (which remove_diacritics then drops).
func isTermRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Mn, r)
}

// MatchQuery turns what a user typed into an FTS5 query: every word must
// occur (AND), each quoted so FTS5 operators and punctuation in it mean
// nothing, and the last word, if it has SearchMinTerm characters or more,
// also matches as a prefix ("bus tim" finds "bus timetable"). Case and
// accents are the tokenizer's business. It refuses a query with no word of
// SearchMinTerm characters (a one-letter prefix would read most of the
// index) and one over the length limits.
func MatchQuery(q string) (string, error) {
	if utf8.RuneCountInString(q) > SearchMaxRunes {
		return "", searchError(fmt.Sprintf("Must be at most %d characters.", SearchMaxRunes))
	}
	terms := strings.FieldsFunc(q, func(r rune) bool { return !isTermRune(r) })
	if len(terms) > SearchMaxTerms {
		return "", searchError(fmt.Sprintf("Must be at most %d words.", SearchMaxTerms))
	}
	long := false
	for _, t := range terms {
		if termLength(t) >= SearchMinTerm {
			long = true
		}
	}
	if !long {
		return "", searchError(fmt.Sprintf("Too short to search: give at least one word of %d or more letters or digits.", SearchMinTerm))
	}
	parts := make([]string, len(terms))
	for i, t := range terms {
		// FieldsFunc left letters, digits and marks only: nothing to
		// escape, but a quote would be doubled all the same.
		parts[i] = `"` + strings.ReplaceAll(t, `"`, `""`) + `"`
		if i == len(terms)-1 && termLength(t) >= SearchMinTerm {
			parts[i] += "*"
		}
	}
	return strings.Join(parts, " "), nil
}

// termLength counts a term's characters, combining marks left out (they
// are removed with the accents).
func termLength(t string) int {
	n := 0
	for _, r := range t {
		if !unicode.Is(unicode.Mn, r) {
			n++
		}
	}
	return n
}

// EnsureSearch restores missing search triggers and rebuilds the search
// index when it no longer matches the shown questions (count or highest
// rowid): a dashboard schema change can drop the table's triggers, and
// VACUUM may renumber rowids. It reports whether it rebuilt. For the
// start-up repair.
func EnsureSearch(app core.App) (bool, error) {
	return ftsindex.Ensure(app, ftsindex.Index{
		Table:    SearchTable,
		Triggers: searchTriggers,
		Source:   "questions WHERE hidden = FALSE",
		Refill: []string{
			"INSERT INTO " + SearchTable + "(" + SearchTable + ") VALUES ('delete-all')",
			"INSERT INTO " + SearchTable + "(rowid, title, description) SELECT rowid, title, coalesce(description, '') FROM questions WHERE hidden = FALSE",
		},
	})
}
