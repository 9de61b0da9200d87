// Package crossprocess tells a server that rows changed underneath it, so it
// drops what it caches. A CLI command (seed, ranking rebuild) leaves a
// short-lived file in pb_data/.notify, as PocketBase syncs its settings
// between processes; SQL run in another tool says nothing, so the server
// also asks SQLite whether another connection committed (WatchDatabase).
package crossprocess

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/pocketbase/pocketbase/core"
)

// dataChangedPrefix names the notice files; the pid keeps two apart.
const dataChangedPrefix = "rollcall-data@"

// Notify tells a server running on the same data dir that rows changed
// underneath it.
func Notify(app core.App) error {
	dir := filepath.Join(app.DataDir(), core.LocalNotifyDirName)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("notify running server: %w", err)
	}
	file := filepath.Join(dir, dataChangedPrefix+strconv.Itoa(os.Getpid()))
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		return fmt.Errorf("notify running server: %w", err)
	}
	return os.Remove(file)
}

// Watch calls onChange whenever another process announces a data change in
// dataDir, until the returned watcher is closed.
func Watch(dataDir string, onChange func()) (io.Closer, error) {
	return startWatcher(filepath.Join(dataDir, core.LocalNotifyDirName), onChange)
}

func startWatcher(dir string, onChange func()) (*fsnotify.Watcher, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	if err := w.Add(dir); err != nil {
		_ = w.Close()
		return nil, err
	}
	go func() {
		for {
			select {
			case event, ok := <-w.Events:
				if !ok {
					return
				}
				if event.Has(fsnotify.Create) && strings.HasPrefix(filepath.Base(event.Name), dataChangedPrefix) {
					onChange()
				}
			case _, ok := <-w.Errors:
				if !ok {
					return
				}
			}
		}
	}()
	return w, nil
}

// PollEvery is how often WatchDatabase asks SQLite whether the database
// changed: a write made behind PocketBase's back shows within it.
const PollEvery = 250 * time.Millisecond

// WatchDatabase calls onChange whenever another process commits to db's
// database — a CLI command, or SQL run in another tool on the data file —
// until the returned watcher is closed. db must be the one-connection pool
// every write of this process goes through (PocketBase's NonconcurrentDB):
// SQLite changes `PRAGMA data_version` on a connection for commits made
// through any other connection only, so this process's own writes never
// call onChange. Each poll borrows that connection for one read of the
// shared WAL index, waiting while a write holds it. A failed poll is
// retried on the next tick.
func WatchDatabase(db *sql.DB, every time.Duration, onChange func()) (io.Closer, error) {
	ctx, cancel := context.WithCancel(context.Background())
	version := func() (int64, error) {
		var v int64
		err := db.QueryRowContext(ctx, "PRAGMA data_version").Scan(&v)
		return v, err
	}
	last, err := version()
	if err != nil {
		cancel()
		return nil, err
	}
	w := &dbWatcher{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(w.done)
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			v, err := version()
			if err != nil {
				continue // closed (Close cancels ctx next) or busy: try again
			}
			if v != last {
				last = v
				onChange()
			}
		}
	}()
	return w, nil
}

type dbWatcher struct {
	cancel context.CancelFunc
	done   chan struct{}
}

func (w *dbWatcher) Close() error {
	w.cancel()
	<-w.done
	return nil
}
