package crossprocess_test

import (
	"database/sql"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/rollcall/rollcall/crossprocess"
)

// WatchDatabase calls back after a commit by another connection (another
// process's, as far as SQLite knows), not for commits through the watched
// connection itself (this process's writes), not while the database is
// idle, and not after it is closed.
func TestWatchDatabase(t *testing.T) {
	file := filepath.Join(t.TempDir(), "data.db")
	open := func() *sql.DB {
		db, err := sql.Open("sqlite", "file:"+file+"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	server, other := open(), open()
	server.SetMaxOpenConns(1) // as PocketBase's write pool
	if _, err := other.Exec("CREATE TABLE t (x)"); err != nil {
		t.Fatal(err)
	}
	var calls atomic.Int32
	w, err := crossprocess.WatchDatabase(server, 10*time.Millisecond, func() { calls.Add(1) })
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	if n := calls.Load(); n != 0 {
		t.Fatalf("%d calls while nothing was written", n)
	}
	for i := range 5 {
		if _, err := server.Exec("INSERT INTO t VALUES (?)", 100+i); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(100 * time.Millisecond)
	if n := calls.Load(); n != 0 {
		t.Fatalf("%d calls after this process's own commits", n)
	}
	if _, err := other.Exec("INSERT INTO t VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Second)
	for calls.Load() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("no call 2 s after another connection's commit")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	n := calls.Load()
	if _, err := other.Exec("INSERT INTO t VALUES (2)"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	if calls.Load() != n {
		t.Fatal("called after Close")
	}
}
