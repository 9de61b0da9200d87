package sqlitedb

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Both databases keep PocketBase's own pragmas (core.DefaultDBConnect, read
// back from a connection it opened), so an upgrade that changes them shows
// here; auxiliary.db (the logs) alone gets a small page cache, and both
// checkpoint after CheckpointPages WAL pages.
func TestPragmasArePocketBasesButTheLogCache(t *testing.T) {
	dir := t.TempDir()
	pocketbase, err := core.DefaultDBConnect(filepath.Join(dir, "pocketbase.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer pocketbase.Close()
	pragmas := []string{"busy_timeout", "journal_mode", "journal_size_limit", "synchronous", "foreign_keys", "temp_store", "cache_size", "wal_autocheckpoint"}
	for _, file := range []string{"data.db", "auxiliary.db"} {
		db, err := Connect(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		for _, pragma := range pragmas {
			var got, want string
			if err := db.NewQuery("PRAGMA " + pragma).Row(&got); err != nil {
				t.Fatal(err)
			}
			if err := pocketbase.NewQuery("PRAGMA " + pragma).Row(&want); err != nil {
				t.Fatal(err)
			}
			if file == "auxiliary.db" && pragma == "cache_size" {
				want = "-2000"
			}
			if pragma == "wal_autocheckpoint" {
				want = strconv.Itoa(CheckpointPages)
			}
			if got != want {
				t.Errorf("%s: %s is %s, want %s", file, pragma, got, want)
			}
		}
		_ = db.Close()
	}
}

// A transaction holds the write lock from BEGIN, before it writes anything:
// another process writing in between (here a second pool on the same file,
// as `rollcall scrape` beside the server) is refused until it commits, so
// the transaction's own later write never meets a stale snapshot. Under
// SQLite's default (deferred) the other write goes through and the
// transaction's write fails with SQLITE_BUSY_SNAPSHOT.
func TestTransactionsTakeTheWriteLockAtBegin(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data.db")
	server, err := Connect(path)
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()
	if _, err := server.NewQuery("CREATE TABLE runs (id TEXT)").Execute(); err != nil {
		t.Fatal(err)
	}
	// The other process does not wait: a held lock shows at once.
	other, err := dbx.Open("sqlite", path+"?_pragma=busy_timeout(0)")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()

	err = server.Transactional(func(tx *dbx.Tx) error {
		var n int
		if err := tx.NewQuery("SELECT count(*) FROM runs").Row(&n); err != nil {
			return err
		}
		_, otherErr := other.NewQuery("INSERT INTO runs VALUES ('other')").Execute()
		if otherErr == nil || !strings.Contains(otherErr.Error(), "database is locked") {
			t.Errorf("another process wrote while a transaction that had only read was open (err %v)", otherErr)
		}
		_, err := tx.NewQuery("INSERT INTO runs VALUES ('mine')").Execute()
		return err
	})
	if err != nil {
		t.Fatalf("the transaction's write after its read: %v", err)
	}
	if _, err := other.NewQuery("INSERT INTO runs VALUES ('other')").Execute(); err != nil {
		t.Fatalf("after the commit the other process still cannot write: %v", err)
	}
}
