package migrations_test

import (
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/rollcall/rollcall/internal/apptest"
	"github.com/rollcall/rollcall/questions"
)

// The migration fills the question search index from the rows already
// there, and creates the triggers the start-up repair restores (the
// repair's copy must be the migration's).
func TestQuestionSearchMigration(t *testing.T) {
	fixture, err := apptest.Build(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer fixture.Close()
	app := fixture.NewApp(t, nil)
	defer app.Cleanup()
	db := app.DB()

	sameTriggers(t, db, "questions_search_%", questions.SearchTriggers())

	// An install from before: no index, questions already stored.
	for _, q := range []string{
		"DROP TRIGGER questions_search_insert",
		"DROP TRIGGER questions_search_update",
		"DROP TRIGGER questions_search_delete",
		"DROP TABLE questions_search",
		"UPDATE questions SET hidden = TRUE WHERE id = '" + apptest.AliceQuestion + "'",
		"DELETE FROM _migrations WHERE file LIKE '1763900009_%'",
	} {
		if _, err := db.NewQuery(q).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	if err := app.RunAllMigrations(); err != nil {
		t.Fatal(err)
	}
	var found []string
	if err := db.NewQuery("SELECT q.id FROM questions_search s JOIN questions q ON q.rowid = s.rowid WHERE questions_search MATCH {:m}").
		Bind(dbx.Params{"m": `"timetable"`}).Column(&found); err != nil {
		t.Fatal(err)
	}
	if len(found) != 1 || found[0] != apptest.BobQuestion {
		t.Errorf("existing question not indexed: %v", found)
	}
	var n int
	if err := db.NewQuery("SELECT count(*) FROM questions_search").Row(&n); err != nil || n != 1 {
		t.Errorf("index holds %d rows (%v), want bob's shown question only", n, err)
	}
}

// schemaSQL returns the CREATE statement SQLite holds for name, its
// whitespace collapsed to single spaces.
func schemaSQL(t *testing.T, app core.App, name string) string {
	t.Helper()
	var sql string
	if err := app.DB().NewQuery("SELECT sql FROM sqlite_master WHERE name = {:name}").Bind(dbx.Params{"name": name}).Row(&sql); err != nil {
		t.Fatalf("schema of %s: %v", name, err)
	}
	return strings.Join(strings.Fields(sql), " ")
}

// runDown runs the down step of the migration whose file starts with
// prefix, failing when none is registered.
func runDown(t *testing.T, app core.App, prefix string) {
	t.Helper()
	for _, m := range core.AppMigrations.Items() {
		if strings.HasPrefix(m.File, prefix) {
			if err := m.Down(app); err != nil {
				t.Fatalf("down %s: %v", m.File, err)
			}
			return
		}
	}
	t.Fatalf("migration %s is not registered", prefix)
}

// sameTriggers fails unless the triggers named like pattern (a LIKE with
// \ as escape) are exactly want, whitespace and IF NOT EXISTS aside: a
// start-up repair's copy of a migration's triggers must be the migration's.
func sameTriggers(t *testing.T, db dbx.Builder, pattern string, want []string) {
	t.Helper()
	var created []string
	if err := db.NewQuery("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE {:p} ESCAPE '\\' ORDER BY name").
		Bind(dbx.Params{"p": pattern}).Column(&created); err != nil {
		t.Fatal(err)
	}
	norm := func(s string) string {
		return strings.Join(strings.Fields(strings.Replace(s, "IF NOT EXISTS ", "", 1)), " ")
	}
	wanted := map[string]bool{}
	for _, s := range want {
		wanted[norm(s)] = true
	}
	if len(created) != len(wanted) {
		t.Fatalf("%d triggers like %s, want %d", len(created), pattern, len(wanted))
	}
	for _, s := range created {
		if !wanted[norm(s)] {
			t.Errorf("the migration's trigger differs from the repair's copy:\n%s", s)
		}
	}
}
