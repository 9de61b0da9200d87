package bench

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/rollcall/rollcall/internal/sqlitedb"
	"github.com/rollcall/rollcall/questions"
)

// walFrame is one page in the WAL: a page of SQLite's default size, which
// PocketBase keeps, and its 24-byte frame header.
const walFrame = 4096 + 24

// copyForPages copies the freshly generated data.db, and its WAL if closing
// left one, before the server touches them: the pages figures insert into
// the copy.
func (q *questionsBench) copyForPages(b *testing.B) {
	dir := filepath.Join(q.dir, "pages")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	for _, name := range []string{"data.db", "data.db-wal"} {
		src, err := os.Open(filepath.Join(q.data, name))
		if os.IsNotExist(err) && name != "data.db" {
			continue
		}
		if err != nil {
			b.Fatal(err)
		}
		dst, err := os.Create(filepath.Join(dir, name))
		if err == nil {
			_, err = io.Copy(dst, src)
			err = errors.Join(err, dst.Close())
		}
		src.Close()
		if err != nil {
			b.Fatal(err)
		}
	}
	q.pagesCopy = filepath.Join(dir, "data.db")
}

// pages measures an answer's and a vote's INSERT in plain SQL, no HTTP and
// no Go hook, beside the same INSERT into the hook-free twin: the WAL pages
// each commit writes (checkpoints off), and the time per insert with the
// server's checkpointing. It shows what the counter trigger costs
// SQLite itself, the floor under the REST write ratios.
func (q *questionsBench) pages(b *testing.B) {
	if q.pagesCopy == "" {
		b.Skip("no copy of the dataset")
	}
	path := q.pagesCopy
	conn, err := sqlitedb.Connect(path) // the server's pragmas
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	db := conn.DB()
	db.SetMaxOpenConns(1) // as PocketBase writes: one connection

	const block = 500
	seq := 0
	// insert writes n rows into table, each in its own commit, on questions
	// spread over the dataset, by 64 authors no question has; an author
	// changes each time the questions come round again, so no (question,
	// author) pair repeats.
	insert := func(table string, n int) time.Duration {
		query := "INSERT INTO `" + table + "` (id, author, question, value, comment, created, updated) " +
			"VALUES (?, ?, ?, 4, 'Clear and useful, thank you.', '2026-12-01 10:00:00.000Z', '2026-12-01 10:00:00.000Z')"
		if table == questions.Votes || table == votesTwin {
			query = "INSERT INTO `" + table + "` (id, author, question, kind, created, updated) " +
				"VALUES (?, ?, ?, 'like', '2026-12-01 10:00:00.000Z', '2026-12-01 10:00:00.000Z')"
		}
		stmt, err := db.Prepare(query)
		if err != nil {
			b.Fatal(err)
		}
		defer stmt.Close()
		start := time.Now()
		for range n {
			seq++
			author := fmt.Sprintf("x%014d", seq%64+64*(seq/q.ds.questions))
			if _, err := stmt.Exec(fmt.Sprintf("p%014d", seq), author, questionID(seq*7919%q.ds.questions)); err != nil {
				b.Fatalf("insert into %s: %v", table, err)
			}
		}
		return time.Since(start)
	}
	walSize := func() int64 {
		st, err := os.Stat(path + "-wal")
		if err != nil {
			return 0
		}
		return st.Size()
	}
	exec := func(query string) {
		if _, err := db.Exec(query); err != nil {
			b.Fatalf("%s: %v", query, err)
		}
	}
	// truncate empties the WAL; nothing else has the copy open, so it
	// cannot be busy, but a WAL left with old frames would count them.
	truncate := func() {
		var busy, log, done int
		if err := db.QueryRow("PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &log, &done); err != nil || busy != 0 {
			b.Fatalf("empty the WAL: busy %d, %v", busy, err)
		}
	}
	// frames: the WAL's growth over a block, from an empty WAL.
	frames := func(table string) float64 {
		truncate()
		before := walSize()
		insert(table, block)
		return float64(walSize()-before) / walFrame / block
	}
	pairs := [][2]string{{questions.Answers, answersTwin}, {questions.Votes, votesTwin}}
	type sums struct {
		framesOurs, framesTwin float64
		timeOurs, timeTwin     time.Duration
	}
	total := make([]sums, len(pairs))
	loops := 0
	for b.Loop() {
		loops++
		for i, pair := range pairs {
			ours, twin := pair[0], pair[1]
			t := &total[i]
			exec("PRAGMA wal_autocheckpoint=0")
			t.framesTwin += frames(twin)
			t.framesOurs += frames(ours) + frames(ours)
			t.framesTwin += frames(twin)
			truncate()
			exec(fmt.Sprintf("PRAGMA wal_autocheckpoint=%d", sqlitedb.CheckpointPages)) // back to the server's
			for round := range 4 {
				if round%2 == 0 {
					t.timeTwin += insert(twin, block)
					t.timeOurs += insert(ours, block)
				} else {
					t.timeOurs += insert(ours, block)
					t.timeTwin += insert(twin, block)
				}
			}
		}
	}
	for i, pair := range pairs {
		t, blocks, n := total[i], float64(2*loops), float64(4*block*loops)
		collector.add(b, row{figure: fmt.Sprintf("WAL pages per %s INSERT in SQL (no HTTP, no Go; the counter trigger)", singular(pair[0])),
			value: t.framesOurs / blocks, unit: "pages", baseline: "the same INSERT into " + pair[1], base: t.framesTwin / blocks,
			note: fmt.Sprintf("%s µs against %s µs per insert with the server's checkpointing (%s inserts a side, on a copy of the dataset)",
				num(t.timeOurs.Seconds()*1e6/n), num(t.timeTwin.Seconds()*1e6/n), num(n))})
	}
}

func singular(collection string) string {
	if collection == questions.Votes {
		return "vote"
	}
	return "answer"
}
