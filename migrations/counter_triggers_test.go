package migrations_test

import (
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"github.com/rollcall/rollcall/internal/apptest"
	"github.com/rollcall/rollcall/questions"
)

// The migration creates exactly the counter triggers the start-up repair
// restores (questions' copy must be the migration's), and its down step
// removes them.
func TestCounterTriggersMigration(t *testing.T) {
	app := apptest.NewEmpty(t)
	db := app.DB()
	var created []string
	if err := db.NewQuery("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'rollcall\\_%' ESCAPE '\\' ORDER BY name").Column(&created); err != nil {
		t.Fatal(err)
	}
	norm := func(s string) string {
		return strings.Join(strings.Fields(strings.Replace(s, "IF NOT EXISTS ", "", 1)), " ")
	}
	want := map[string]bool{}
	for _, s := range questions.CounterTriggers() {
		want[norm(s)] = true
	}
	if len(created) != len(want) {
		t.Fatalf("%d triggers, want %d", len(created), len(want))
	}
	for _, s := range created {
		if !want[norm(s)] {
			t.Errorf("the migration's trigger differs from questions' copy:\n%s", s)
		}
	}

	reverted := false
	for _, m := range core.AppMigrations.Items() {
		if strings.HasPrefix(m.File, "1763900010_") {
			if err := m.Down(app); err != nil {
				t.Fatal(err)
			}
			reverted = true
		}
	}
	if !reverted {
		t.Fatal("migration 1763900010 not registered")
	}
	if n := apptest.Count(t, app, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'rollcall\\_%' ESCAPE '\\'"); n != 0 {
		t.Fatalf("%d counter triggers left after the down step", n)
	}
}
