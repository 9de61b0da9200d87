package main

import (
	"path/filepath"
	"strings"

	"github.com/pocketbase/dbx"
)

// connectDB opens a database with PocketBase's own pragmas
// (core.DefaultDBConnect) and two changes.
//
// Transactions begin IMMEDIATE. `rollcall scrape` and `rollcall seed` write
// to data.db from their own process while the server writes too. A deferred
// transaction that read first and wrote second failed with
// SQLITE_BUSY_SNAPSHOT (517, "database is locked") whenever the other
// process committed in between, and retrying the statement cannot help: the
// transaction's snapshot stays stale. CI saw `scrape` fail that way beside a
// server that had just started. Taking the write lock at BEGIN makes the
// other process wait out busy_timeout instead. Within one process every
// write already goes through PocketBase's single write connection, so this
// costs nothing there.
//
// auxiliary.db (the logs) gets a 2 MB page cache instead of 32 MB. At every
// start PocketBase clears old logs with a DELETE whose OR condition reads
// the whole log table, and the cache it filled stayed resident: after
// 60,000 logged requests, idle RSS after start was 63 MB (31 MB with no
// logs); with 2 MB it is 35 MB.
func connectDB(path string) (*dbx.DB, error) {
	cache := "cache_size(-32000)"
	if filepath.Base(path) == "auxiliary.db" {
		cache = "cache_size(-2000)"
	}
	// busy_timeout first, as PocketBase has it: the connection must block on
	// busy before it sets WAL mode, in case another connection is doing so.
	pragmas := []string{"busy_timeout(10000)", "journal_mode(WAL)", "journal_size_limit(200000000)",
		"synchronous(NORMAL)", "foreign_keys(ON)", "temp_store(MEMORY)", cache}
	return dbx.Open("sqlite", path+"?_pragma="+strings.Join(pragmas, "&_pragma=")+"&_defensive=1&_txlock=immediate")
}
