package migrations_test

import (
	"strings"
	"testing"

	"github.com/rollcall/rollcall/internal/apptest"
)

// "Most answered" is walked by an index without the ranking (a vote moves
// no entry in it); going back restores the ranking tie-break.
func TestAnsweredOrderMigration(t *testing.T) {
	app := apptest.NewEmpty(t)
	if got := schemaSQL(t, app, "idx_questions_answered"); !strings.Contains(got, "( `answers` DESC, `created` DESC, `id` ) WHERE `hidden` = FALSE AND `answers` > 0") {
		t.Fatalf("after the migrations: %s", got)
	}
	runDown(t, app, "1763900013_")
	if got := schemaSQL(t, app, "idx_questions_answered"); !strings.Contains(got, "( `answers` DESC, `ranking` DESC, `created` DESC, `id` ) WHERE `hidden` = FALSE AND `answers` > 0") {
		t.Fatalf("after going back: %s", got)
	}
}
