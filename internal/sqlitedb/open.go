// Package sqlitedb opens Rollcall's SQLite databases (modernc.org/sqlite)
// with PocketBase's pragmas and connections that keep their repeated
// statements prepared. See docs/decisions/0019-statements-kept-prepared.md.
package sqlitedb

import (
	"container/list"
	"context"
	"database/sql"
	"database/sql/driver"
	"hash/maphash"
	"reflect"
	"strings"

	"modernc.org/sqlite"
)

// DefaultSize is how many statements each connection keeps prepared: a
// statement PocketBase runs on every request — a record insert with the
// counter triggers it fires, a token lookup — is compiled once per
// connection instead of once per call.
const DefaultSize = 64

// maxQueryLen bounds the text of a kept statement: longer ones are one-off
// scripts or bulk statements, not worth the memory.
const maxQueryLen = 8 << 10

// Open returns a database on dsn (modernc.org/sqlite's form) whose
// connections keep up to size statements prepared each.
func Open(dsn string, size int) (*sql.DB, error) {
	base, err := sqlite.NewConnector(dsn)
	if err != nil {
		return nil, err
	}
	return sql.OpenDB(&connector{base: base, size: size}), nil
}

type connector struct {
	base driver.Connector
	size int
}

func (c *connector) Connect(ctx context.Context) (driver.Conn, error) {
	raw, err := c.base.Connect(ctx)
	if err != nil {
		return nil, err
	}
	inner, ok := raw.(innerConn)
	if !ok || c.size <= 0 {
		return raw, nil
	}
	return &conn{innerConn: inner, size: c.size, entries: map[string]*list.Element{}, straying: map[*entry]struct{}{},
		seen: map[uint64]struct{}{}, seenOrder: make([]uint64, 0, seenFactor*c.size)}, nil
}

func (c *connector) Driver() driver.Driver { return c.base.Driver() }

// innerConn is what database/sql uses of a modernc.org/sqlite connection.
type innerConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

type preparedStmt interface {
	driver.Stmt
	driver.StmtExecContext
	driver.StmtQueryContext
}

// conn is a connection with its kept statements. database/sql never uses a
// driver connection from two goroutines at once (rows are closed under the
// same lock), so it needs no lock of its own.
type conn struct {
	innerConn
	size     int
	lru      list.List // of *entry, most recently used first
	entries  map[string]*list.Element
	straying map[*entry]struct{} // dropped while their rows were open
	closed   bool

	// Texts run once and not kept, by hash, oldest first: a statement is
	// kept on its second run, so one-off texts (PocketBase's create-rule
	// check names a random table on every request) never push out the
	// repeated ones.
	seen      map[uint64]struct{}
	seenOrder []uint64
	seenNext  int
}

// seenFactor is how many one-off texts a connection remembers, per kept
// statement.
const seenFactor = 4

var seed = maphash.MakeSeed()

// secondRun records query's run and reports whether it ran before.
func (c *conn) secondRun(query string) bool {
	h := maphash.String(seed, query)
	if _, ok := c.seen[h]; ok {
		return true
	}
	if len(c.seenOrder) < cap(c.seenOrder) {
		c.seenOrder = append(c.seenOrder, h)
	} else {
		delete(c.seen, c.seenOrder[c.seenNext])
		c.seenOrder[c.seenNext] = h
		c.seenNext = (c.seenNext + 1) % len(c.seenOrder)
	}
	c.seen[h] = struct{}{}
	return false
}

type entry struct {
	query   string
	stmt    preparedStmt
	busy    bool // its rows are open: a nested use of the same text prepares afresh
	evicted bool // dropped from the cache while busy: finalized when its rows close
}

// cacheable reports whether query is worth keeping: the data statements a
// server repeats, not schema changes, pragmas or transaction control.
func cacheable(query string) bool {
	if len(query) > maxQueryLen {
		return false
	}
	q := strings.TrimLeft(query, " \t\r\n(")
	if len(q) < 6 {
		return false
	}
	switch strings.ToUpper(q[:6]) {
	case "SELECT", "INSERT", "UPDATE", "DELETE", "REPLAC":
		return true
	}
	return strings.EqualFold(q[:5], "WITH ")
}

// lookup returns query's kept statement, preparing and keeping it on its
// second run; nil (no error) when query is not kept (yet) or its statement
// is in use.
func (c *conn) lookup(ctx context.Context, query string) (*entry, error) {
	if !cacheable(query) {
		return nil, nil
	}
	if el, ok := c.entries[query]; ok {
		e := el.Value.(*entry)
		if e.busy {
			return nil, nil
		}
		c.lru.MoveToFront(el)
		return e, nil
	}
	if !c.secondRun(query) {
		return nil, nil
	}
	raw, err := c.innerConn.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	stmt, ok := raw.(preparedStmt)
	if !ok {
		_ = raw.Close()
		return nil, nil
	}
	e := &entry{query: query, stmt: stmt}
	c.entries[query] = c.lru.PushFront(e)
	for c.lru.Len() > c.size {
		c.evict(c.lru.Back())
	}
	return e, nil
}

func (c *conn) evict(el *list.Element) {
	e := c.lru.Remove(el).(*entry)
	delete(c.entries, e.query)
	if e.busy {
		e.evicted = true
		c.straying[e] = struct{}{}
		return
	}
	_ = e.stmt.Close()
}

func (c *conn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	e, err := c.lookup(ctx, query)
	if err != nil {
		return nil, err
	}
	if e == nil {
		return c.innerConn.ExecContext(ctx, query, args)
	}
	return e.stmt.ExecContext(ctx, args)
}

func (c *conn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	e, err := c.lookup(ctx, query)
	if err != nil {
		return nil, err
	}
	if e == nil {
		return c.innerConn.QueryContext(ctx, query, args)
	}
	r, err := e.stmt.QueryContext(ctx, args)
	if err != nil {
		return nil, err
	}
	e.busy = true
	return &rows{Rows: r, conn: c, entry: e}, nil
}

// Close finalizes the kept statements, then closes the connection.
func (c *conn) Close() error {
	for el := c.lru.Front(); el != nil; el = el.Next() {
		_ = el.Value.(*entry).stmt.Close()
	}
	for e := range c.straying {
		_ = e.stmt.Close()
	}
	c.lru.Init()
	clear(c.entries)
	clear(c.straying)
	c.closed = true
	return c.innerConn.Close()
}

// rows are a kept statement's results: closing them resets the statement
// for its next use, and frees it for that use.
type rows struct {
	driver.Rows
	conn  *conn
	entry *entry
	done  bool
}

func (r *rows) Close() error {
	if r.done {
		return nil
	}
	r.done = true
	if r.conn.closed {
		return nil // the statement was finalized with its connection
	}
	err := r.Rows.Close()
	r.entry.busy = false
	if r.entry.evicted {
		delete(r.conn.straying, r.entry)
		_ = r.entry.stmt.Close()
	}
	return err
}

// The optional column-type interfaces of the driver's rows, passed through
// (database/sql looks them up on the rows it is given).

func (r *rows) ColumnTypeDatabaseTypeName(i int) string {
	if t, ok := r.Rows.(driver.RowsColumnTypeDatabaseTypeName); ok {
		return t.ColumnTypeDatabaseTypeName(i)
	}
	return ""
}

func (r *rows) ColumnTypeLength(i int) (int64, bool) {
	if t, ok := r.Rows.(driver.RowsColumnTypeLength); ok {
		return t.ColumnTypeLength(i)
	}
	return 0, false
}

func (r *rows) ColumnTypeNullable(i int) (bool, bool) {
	if t, ok := r.Rows.(driver.RowsColumnTypeNullable); ok {
		return t.ColumnTypeNullable(i)
	}
	return false, false
}

func (r *rows) ColumnTypePrecisionScale(i int) (int64, int64, bool) {
	if t, ok := r.Rows.(driver.RowsColumnTypePrecisionScale); ok {
		return t.ColumnTypePrecisionScale(i)
	}
	return 0, 0, false
}

func (r *rows) ColumnTypeScanType(i int) reflect.Type {
	if t, ok := r.Rows.(driver.RowsColumnTypeScanType); ok {
		return t.ColumnTypeScanType(i)
	}
	return reflect.TypeFor[any]()
}
