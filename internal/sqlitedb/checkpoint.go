package sqlitedb

import (
	"context"
	"database/sql"
	"io"
	"time"
)

// CheckpointEvery is how often Checkpoint copies the WAL back into the
// database file.
const CheckpointEvery = 100 * time.Millisecond

// Checkpoint runs a passive WAL checkpoint on db every interval until the
// returned closer is closed. It takes a connection of db's pool, never the
// write lock: writers go on meanwhile, and the WAL stays under SQLite's
// own threshold (1,000 pages), past which the committing writer would copy
// it back while every other writer waits. That threshold stays the
// backstop (CLI commands run no Checkpoint). A failed checkpoint is retried
// on the next tick.
func Checkpoint(db *sql.DB, every time.Duration) io.Closer {
	ctx, cancel := context.WithCancel(context.Background())
	c := &checkpointer{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(c.done)
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			_, _ = db.ExecContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)")
		}
	}()
	return c
}

type checkpointer struct {
	cancel context.CancelFunc
	done   chan struct{}
}

func (c *checkpointer) Close() error {
	c.cancel()
	<-c.done
	return nil
}
