package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
)

// auxiliary.db (the logs) gets a small page cache; data.db keeps
// PocketBase's.
func TestLogDatabaseHasASmallCache(t *testing.T) {
	dir := t.TempDir()
	for file, want := range map[string]int{"auxiliary.db": -2000, "data.db": -32000} {
		db, err := connectDB(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		var got int
		if err := db.NewQuery("PRAGMA cache_size").Row(&got); err != nil {
			t.Fatal(err)
		}
		var mode string
		if err := db.NewQuery("PRAGMA journal_mode").Row(&mode); err != nil {
			t.Fatal(err)
		}
		_ = db.Close()
		if got != want || mode != "wal" {
			t.Errorf("%s: cache_size %d, journal_mode %s; want %d, wal", file, got, mode, want)
		}
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
	server, err := connectDB(path)
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
