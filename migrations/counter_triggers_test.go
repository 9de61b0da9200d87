package migrations_test

import (
	"testing"

	"github.com/rollcall/rollcall/internal/apptest"
	"github.com/rollcall/rollcall/questions"
)

// The migration creates exactly the counter triggers the start-up repair
// restores (questions' copy must be the migration's), and its down step
// removes them.
func TestCounterTriggersMigration(t *testing.T) {
	app := apptest.NewEmpty(t)
	db := app.DB()
	sameTriggers(t, db, `rollcall\_%`, questions.CounterTriggers())

	runDown(t, app, "1763900010_")
	if n := apptest.Count(t, app, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'rollcall\\_%' ESCAPE '\\'"); n != 0 {
		t.Fatalf("%d counter triggers left after the down step", n)
	}
}
