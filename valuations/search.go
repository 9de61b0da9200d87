package valuations

import (
	"strings"
	"unicode/utf8"
)

// searchTable is the trigram FTS5 index of owners and addresses that
// scraper/store keeps beside properties (keyed by its rowid).
const searchTable = "properties_search"

// SearchMinLength is the shortest term the trigram index can serve; a
// shorter one would need a scan, so it is refused.
const SearchMinLength = 3

func tooShortForSearch(term string) bool { return utf8.RuneCountInString(term) < SearchMinLength }

// searchPhrase is an FTS5 query matching term anywhere in column, as a
// literal substring: the term is quoted, so FTS5 operators in it mean
// nothing. It is bound as a parameter, never spliced into SQL.
func searchPhrase(column, term string) string {
	return column + ` : "` + strings.ReplaceAll(term, `"`, `""`) + `"`
}
