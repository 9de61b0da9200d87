package migrations_test

import (
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"github.com/rollcall/rollcall/internal/apptest"
)

// "Most answered" is walked by an index without the ranking (a vote moves
// no entry in it); going back restores the ranking tie-break.
func TestAnsweredOrderMigration(t *testing.T) {
	app := apptest.NewEmpty(t)
	index := func() string {
		t.Helper()
		var sql string
		if err := app.DB().NewQuery("SELECT sql FROM sqlite_master WHERE name = 'idx_questions_answered'").Row(&sql); err != nil {
			t.Fatal(err)
		}
		return strings.Join(strings.Fields(sql), " ")
	}
	if got := index(); !strings.Contains(got, "( `answers` DESC, `created` DESC, `id` ) WHERE `hidden` = FALSE AND `answers` > 0") {
		t.Fatalf("after the migrations: %s", got)
	}
	var down func(core.App) error
	for _, m := range core.AppMigrations.Items() {
		if strings.HasPrefix(m.File, "1763900013_") {
			down = m.Down
		}
	}
	if down == nil {
		t.Fatal("migration 1763900013 is not registered")
	}
	if err := down(app); err != nil {
		t.Fatal(err)
	}
	if got := index(); !strings.Contains(got, "( `answers` DESC, `ranking` DESC, `created` DESC, `id` ) WHERE `hidden` = FALSE AND `answers` > 0") {
		t.Fatalf("after going back: %s", got)
	}
}
