package questions_test

import (
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
)

// BenchmarkTriggerInsert compares an INSERT into votes (the counter trigger
// compiled with it and run) with the same INSERT into a trigger-free copy of
// the table, each prepared afresh as PocketBase does; cpu-µs/op is this
// process's CPU time, steadier than wall time on a shared machine.
func BenchmarkTriggerInsert(b *testing.B) {
	app := newTriggerApp(b)
	users := createUsers(b, app, "user", 50)
	for i := range 200 {
		createQuestion(b, app, fmt.Sprintf("q%014d", i), users[0], nil)
	}
	exec(b, app, "CREATE TABLE votes_copy AS SELECT * FROM votes WHERE 0", nil)
	exec(b, app, "CREATE UNIQUE INDEX vc1 ON votes_copy (question, author)", nil)
	exec(b, app, "CREATE INDEX vc2 ON votes_copy (question, kind)", nil)
	exec(b, app, "CREATE INDEX vc3 ON votes_copy (author)", nil)
	n := 0
	for _, table := range []string{"votes_copy", "votes"} {
		b.Run(table, func(b *testing.B) {
			start := cpuTime()
			defer func() { b.ReportMetric(float64((cpuTime()-start).Microseconds())/float64(b.N), "cpu-µs/op") }()
			for range b.N {
				n++
				i := n
				_, err := app.NonconcurrentDB().NewQuery("INSERT INTO " + table + " (id, question, author, kind, created, updated) VALUES ({:id}, {:q}, {:a}, 'like', '', '')").
					Bind(dbx.Params{"id": fmt.Sprintf("v%014d", i), "q": fmt.Sprintf("q%014d", i%200), "a": fmt.Sprintf("x%014d", i)}).Execute()
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
