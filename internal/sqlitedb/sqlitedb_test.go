package sqlitedb

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
)

func open(t *testing.T, size int) *sql.DB {
	t.Helper()
	db, err := Open(filepath.Join(t.TempDir(), "data.db")+"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)", size)
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1) // one connection: its cache is the one inspected
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func mustExec(t *testing.T, db *sql.DB, query string, args ...any) {
	t.Helper()
	if _, err := db.Exec(query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// kept returns the texts the pool's one connection keeps prepared.
func kept(t *testing.T, db *sql.DB) []string {
	t.Helper()
	c, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var out []string
	err = c.Raw(func(raw any) error {
		cc, ok := raw.(*conn)
		if !ok {
			return fmt.Errorf("connection %T keeps no statements", raw)
		}
		for el := cc.lru.Front(); el != nil; el = el.Next() {
			out = append(out, el.Value.(*entry).query)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// queryTwice runs query on c twice, closing its rows: a text is kept
// prepared from its second run.
func queryTwice(t *testing.T, c *sql.Conn, query string, args ...any) {
	t.Helper()
	for range 2 {
		r, err := c.QueryContext(context.Background(), query, args...)
		if err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		r.Close()
	}
}

// A statement is kept from its second run on and reused after; one-off
// texts and schema statements are never kept.
func TestStatementsKeptFromTheirSecondRun(t *testing.T) {
	db := open(t, 8)
	mustExec(t, db, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
	insert := "INSERT INTO t (v) VALUES (?)"
	mustExec(t, db, insert, "a")
	if got := kept(t, db); len(got) != 0 {
		t.Fatalf("after one run: kept %q, want nothing", got)
	}
	mustExec(t, db, insert, "b")
	mustExec(t, db, insert, "c")
	if got := kept(t, db); !slices.Equal(got, []string{insert}) {
		t.Fatalf("after three runs: kept %q, want the insert", got)
	}
	for i := range 20 { // each text once, as PocketBase's create-rule check
		mustExec(t, db, fmt.Sprintf("SELECT %d FROM t AS x%d", i, i))
	}
	mustExec(t, db, "CREATE INDEX t_v ON t (v)")
	mustExec(t, db, "CREATE INDEX t_v2 ON t (v, id)")
	if got := kept(t, db); !slices.Equal(got, []string{insert}) {
		t.Fatalf("after one-off texts: kept %q, want only the insert", got)
	}
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM t").Scan(&n); err != nil || n != 3 {
		t.Fatalf("rows: %d %v, want 3", n, err)
	}
}

// A kept insert prepared before a trigger existed fires it once the trigger
// is created (SQLite re-prepares a statement whose schema changed), and a
// kept SELECT * returns a column added after it was prepared.
func TestKeptStatementsFollowSchemaChanges(t *testing.T) {
	db := open(t, 8)
	mustExec(t, db, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
	mustExec(t, db, "CREATE TABLE counts (n INTEGER)")
	mustExec(t, db, "INSERT INTO counts VALUES (0)")
	insert, all := "INSERT INTO t (v) VALUES (?)", "SELECT * FROM t ORDER BY id"
	for range 2 {
		mustExec(t, db, insert, "before")
		rows, err := db.Query(all)
		if err != nil {
			t.Fatal(err)
		}
		rows.Close()
	}
	if got := kept(t, db); len(got) != 2 {
		t.Fatalf("kept %q, want the insert and the select", got)
	}
	mustExec(t, db, "CREATE TRIGGER t_count AFTER INSERT ON t BEGIN UPDATE counts SET n = n + 1; END")
	mustExec(t, db, "ALTER TABLE t ADD COLUMN w TEXT DEFAULT 'new'")
	mustExec(t, db, insert, "after")
	var n int
	if err := db.QueryRow("SELECT n FROM counts").Scan(&n); err != nil || n != 1 {
		t.Fatalf("trigger count %d (%v), want 1: the kept insert did not fire the new trigger", n, err)
	}
	rows, err := db.Query(all)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	if !slices.Equal(cols, []string{"id", "v", "w"}) {
		t.Fatalf("kept SELECT * returns %q, want the added column", cols)
	}
}

// The same text run again while its kept statement's rows are still open
// (a query nested in another's loop) runs on a statement of its own; both
// read every row. A failed run leaves the kept statement usable.
func TestKeptStatementInUse(t *testing.T) {
	db := open(t, 8)
	mustExec(t, db, "CREATE TABLE t (id INTEGER PRIMARY KEY)")
	for i := range 3 {
		mustExec(t, db, "INSERT INTO t (id) VALUES (?)", i)
	}
	q := "SELECT id FROM t WHERE id >= ? ORDER BY id"
	c, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	queryTwice(t, c, q, 0) // kept from here on
	outer, err := c.QueryContext(ctx, q, 0)
	if err != nil {
		t.Fatal(err)
	}
	var pairs []string
	for outer.Next() {
		var a int
		if err := outer.Scan(&a); err != nil {
			t.Fatal(err)
		}
		inner, err := c.QueryContext(ctx, q, a)
		if err != nil {
			t.Fatal(err)
		}
		for inner.Next() {
			var b int
			_ = inner.Scan(&b)
			pairs = append(pairs, fmt.Sprint(a, b))
		}
		inner.Close()
	}
	if err := outer.Close(); err != nil {
		t.Fatal(err)
	}
	if want := []string{"0 0", "0 1", "0 2", "1 1", "1 2", "2 2"}; !slices.Equal(pairs, want) {
		t.Fatalf("nested reads %q, want %q", pairs, want)
	}
	c.Close()

	insert := "INSERT INTO t (id) VALUES (?)"
	mustExec(t, db, insert, 10)
	mustExec(t, db, insert, 11)
	if _, err := db.Exec(insert, 10); err == nil {
		t.Fatal("a duplicate key was inserted")
	}
	mustExec(t, db, insert, 12)
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM t").Scan(&n); err != nil || n != 6 {
		t.Fatalf("rows %d (%v), want 6", n, err)
	}
}

// The cache holds at most its size; a statement dropped while its rows are
// open keeps serving them until they close.
func TestCacheBounded(t *testing.T) {
	db := open(t, 2)
	mustExec(t, db, "CREATE TABLE t (id INTEGER PRIMARY KEY)")
	mustExec(t, db, "INSERT INTO t (id) VALUES (1), (2)")
	c, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	first := "SELECT id FROM t ORDER BY id"
	queryTwice(t, c, first)
	open, err := c.QueryContext(ctx, first)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 { // push first out while its rows are open
		q := fmt.Sprintf("SELECT id + %d FROM t", i)
		queryTwice(t, c, q)
	}
	var got []int
	for open.Next() {
		var v int
		_ = open.Scan(&v)
		got = append(got, v)
	}
	if err := open.Close(); err != nil || !slices.Equal(got, []int{1, 2}) {
		t.Fatalf("rows of the dropped statement: %v (%v), want [1 2]", got, err)
	}
	c.Close()
	if k := kept(t, db); len(k) != 2 || slices.Contains(k, first) {
		t.Fatalf("kept %q, want the 2 latest", k)
	}
}
