package hooks_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/rollcall/rollcall/internal/apptest"
)

// While the server runs, committed pages reach data.db well before
// SQLite's own 1,000-page threshold: the background checkpoint copies them
// back (decision 0019), so no write request has to.
func TestServerCheckpointsInTheBackground(t *testing.T) {
	app := fixture.NewApp(t, nil)
	defer app.Cleanup()
	apptest.Serve(t, app)
	path := filepath.Join(app.DataDir(), "data.db")
	size := func() int64 {
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return st.Size()
	}
	db := app.NonconcurrentDB()
	for _, q := range []string{"CREATE TABLE scratch (v BLOB)", "PRAGMA wal_checkpoint(TRUNCATE)"} {
		if _, err := db.NewQuery(q).Execute(); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	before := size()
	for range 100 { // ~100 pages: a tenth of the threshold
		if _, err := db.NewQuery("INSERT INTO scratch VALUES (randomblob(4000))").Execute(); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(3 * time.Second)
	for size() < before+100*4000 {
		if time.Now().After(deadline) {
			t.Fatalf("data.db is %d bytes 3 s after 100 committed pages (%d before): nothing checkpointed them", size(), before)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
