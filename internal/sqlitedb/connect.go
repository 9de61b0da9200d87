package sqlitedb

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/pocketbase/dbx"
)

// CheckpointPages is the WAL size, in pages, at which a commit runs a
// passive checkpoint. SQLite's default is 1,000; four times that syncs a
// quarter as often and copies a page many commits changed once (0020).
const CheckpointPages = 4000

// Connect opens a database with PocketBase's own pragmas
// (core.DefaultDBConnect) and four changes, each with its record in
// docs/decisions/: transactions begin IMMEDIATE, so a CLI process writing
// beside the server waits instead of failing (0001); auxiliary.db, the logs,
// gets a 2 MB page cache to keep idle memory low (0002); each connection
// keeps its repeated statements prepared (0019); a commit checkpoints after
// CheckpointPages WAL pages, not 1,000 (0020). It is PocketBase's
// DBConnect for the server, the CLI commands and the benchmark's in-process
// app alike.
func Connect(path string) (*dbx.DB, error) {
	cache := "cache_size(-32000)"
	if filepath.Base(path) == "auxiliary.db" {
		cache = "cache_size(-2000)"
	}
	// busy_timeout first, as PocketBase has it: the connection must block on
	// busy before it sets WAL mode, in case another connection is doing so.
	pragmas := []string{"busy_timeout(10000)", "journal_mode(WAL)", "journal_size_limit(200000000)",
		"synchronous(NORMAL)", "foreign_keys(ON)", "temp_store(MEMORY)", cache,
		fmt.Sprintf("wal_autocheckpoint(%d)", CheckpointPages)}
	db, err := Open(path+"?_pragma="+strings.Join(pragmas, "&_pragma=")+"&_defensive=1&_txlock=immediate", DefaultSize)
	if err != nil {
		return nil, err
	}
	return dbx.NewFromDB(db, "sqlite"), nil
}
