package migrations_test

import (
	"testing"

	"github.com/pocketbase/dbx"

	"github.com/rollcall/rollcall/internal/apptest"
)

// Questions saved with an empty `created` by earlier releases get the start
// of their asking day back; dated questions are left alone.
func TestRepairRestoresEmptyCreationDates(t *testing.T) {
	fixture, err := apptest.Build(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer fixture.Close()
	app := fixture.NewApp(t, nil)
	defer app.Cleanup()

	db := app.DB()
	var aliceBefore string
	if err := db.NewQuery("SELECT created FROM questions WHERE id = {:id}").Bind(dbx.Params{"id": apptest.AliceQuestion}).Row(&aliceBefore); err != nil {
		t.Fatal(err)
	}
	// What the old recount left behind, and the repair made pending again.
	for _, q := range []string{
		"UPDATE questions SET created = '', today_ends = '2026-11-24 00:00:00.000Z' WHERE id = '" + apptest.BobQuestion + "'",
		"DELETE FROM _migrations WHERE file LIKE '1763900005_%'",
	} {
		if _, err := db.NewQuery(q).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	if err := app.RunAllMigrations(); err != nil {
		t.Fatal(err)
	}
	var bob, alice string
	if err := db.NewQuery("SELECT created FROM questions WHERE id = {:id}").Bind(dbx.Params{"id": apptest.BobQuestion}).Row(&bob); err != nil {
		t.Fatal(err)
	}
	if err := db.NewQuery("SELECT created FROM questions WHERE id = {:id}").Bind(dbx.Params{"id": apptest.AliceQuestion}).Row(&alice); err != nil {
		t.Fatal(err)
	}
	if bob != "2026-11-23 00:00:00.000Z" {
		t.Errorf("repaired created = %q, want the start of the asking day 2026-11-23 00:00:00.000Z", bob)
	}
	if alice != aliceBefore {
		t.Errorf("a dated question changed: %q → %q", aliceBefore, alice)
	}
}
