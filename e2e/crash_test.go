package e2e

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// stormDeadline bounds the write storm; a loaded machine may be slow.
const stormDeadline = 5 * time.Minute

// Users write through the REST API at once (the op mix of hooks'
// TestConcurrentWritesLeaveNoDrift) until a fixed number of writes has been
// acknowledged; then the server gets SIGKILL with requests in flight. The
// restarted binary opens the database cleanly, every acknowledged write is
// there with its content, each user's one cut-off request either happened
// whole or not at all, nothing else appeared, the ranking check finds no
// drift, and writes keep working.
func TestServerKilledDuringWriteStormLosesNoAcknowledgedWrite(t *testing.T) {
	users, seeded, killAt := 20, 40, 300
	if *full {
		users, seeded, killAt = 50, 10_000, 5_000
	}
	dir := t.TempDir()
	// The seeded questions give the storm a dataset to write on top of.
	start := time.Now()
	if out, err := exec.Command(binary, "seed", "--dir", dir, "--questions", strconv.Itoa(seeded)).CombinedOutput(); err != nil {
		t.Fatalf("seed: %v\n%s", err, out)
	}
	t.Logf("seeded %d questions in %s", seeded, time.Since(start).Round(time.Millisecond))

	server := serve(t, dir)
	c := newCrashClient(server.URL, users)
	writers := signUpWriters(t, c, users)
	pool := newPool(t, c)

	// The storm: each writer acts sequentially, so at most one of its
	// requests is in flight when the kill lands.
	var acked, inFlight, failures5xx atomic.Int64
	reached := make(chan struct{})
	ack := func() {
		if acked.Add(1) == int64(killAt) {
			close(reached)
		}
	}
	var wg sync.WaitGroup
	for _, w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w.storm(c, pool, 4*killAt/users+20, ack, &inFlight, &failures5xx)
		}()
	}
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	select {
	case <-reached:
	case <-finished:
		t.Fatalf("the storm ended after %d acknowledged writes, before the kill point %d", acked.Load(), killAt)
	case <-time.After(stormDeadline):
		t.Fatalf("%d acknowledged writes after %s, kill point %d", acked.Load(), stormDeadline, killAt)
	}
	// Kill at the first moment from the fixed point on with a request out.
	deadline := time.Now().Add(waitDeadline)
	flying := inFlight.Load()
	for ; flying == 0; flying = inFlight.Load() {
		if time.Now().After(deadline) {
			t.Fatalf("no request in flight within %s of the kill point", waitDeadline)
		}
		runtime.Gosched()
	}
	server.Kill(t)
	ackedAtKill := acked.Load()
	select {
	case <-finished:
	case <-time.After(stormDeadline):
		t.Fatal("writers still busy after the kill")
	}
	cut := 0
	for _, w := range writers {
		if w.pending != nil && !w.refused {
			cut++
		}
	}
	t.Logf("SIGKILL after %d acknowledged writes (kill point %d) with %d requests in flight; %d writes acknowledged in all, %d requests cut off by the kill",
		ackedAtKill, killAt, flying, acked.Load(), cut)
	if n := failures5xx.Load(); n > 0 {
		t.Errorf("%d writes answered 5xx before the kill", n)
	}

	// Restart on the same data dir: it must open and serve.
	server = serve(t, dir)
	for _, db := range []string{"data.db", "auxiliary.db"} {
		if res := integrityCheck(t, filepath.Join(dir, db)); res != "ok" {
			t.Errorf("PRAGMA integrity_check on %s after the crash: %s", db, res)
		}
	}
	checkAcknowledged(t, dir, writers)
	rankingCheck(t, dir, "after the crash")

	// Writes keep working, with the old tokens, on the restarted server.
	c = newCrashClient(server.URL, 1)
	status, q, err := c.do(http.MethodPost, "/api/collections/questions/records", writers[0].token, map[string]any{"title": "Asked after the restart"})
	if err != nil || status != 200 {
		t.Fatalf("ask after the restart: %d %v %v", status, q, err)
	}
	id, _ := q["id"].(string)
	if status, out, err := c.do(http.MethodPost, "/api/collections/votes/records", writers[1].token, map[string]any{"question": id, "kind": "like"}); err != nil || status != 200 {
		t.Fatalf("vote after the restart: %d %v %v", status, out, err)
	}
	if status, out, err := c.do(http.MethodPost, "/api/collections/answers/records", writers[1].token, map[string]any{"question": id, "value": 4}); err != nil || status != 200 {
		t.Fatalf("answer after the restart: %d %v %v", status, out, err)
	}
	if status, q, err = c.do(http.MethodGet, "/api/collections/questions/records/"+id, "", nil); err != nil || status != 200 || q["likes"] != 1.0 || q["answers"] != 1.0 {
		t.Fatalf("the question written after the restart: %d %v %v; want 1 like and 1 answer", status, q, err)
	}
	rankingCheck(t, dir, "after writes on the restarted server")
}

// crashClient talks JSON to one server and reports transport errors
// instead of failing the test: after the kill they are expected.
type crashClient struct {
	base string
	http *http.Client
}

func newCrashClient(base string, conns int) *crashClient {
	return &crashClient{base: base, http: &http.Client{
		Transport: &http.Transport{MaxIdleConnsPerHost: conns},
		Timeout:   stormDeadline,
	}}
}

// do returns an error when no whole answer came back. A 2xx with an
// unreadable body is an error too: the write happened, its id is unknown.
func (c *crashClient) do(method, path, token string, body any) (int, map[string]any, error) {
	var reader io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		reader = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, c.base+path, reader)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return res.StatusCode, nil, err
	}
	var out map[string]any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &out); err != nil && res.StatusCode < 300 {
			return res.StatusCode, nil, fmt.Errorf("%s %s: %d with a body that is not JSON: %q", method, path, res.StatusCode, raw)
		}
	}
	return res.StatusCode, out, nil
}

// A key names one row a writer controls: its vote or answer on a question,
// or one of its questions (q is then the question's id).
type key struct{ collection, q string }

// A state is a row's content; val "" means no row. id "" in an expected
// state matches any id (a create whose answer never came).
type state struct{ id, val string }

// An op is a write and the state it leaves when it happens.
type op struct {
	key   key
	want  state
	title string // a question create's title; its key is known only from the answer
}

// writer is one storm user and everything the server acknowledged to it.
type writer struct {
	n         int
	id, token string
	rng       *rand.Rand
	acked     map[key]state // after the last acknowledged write of each row
	mine      []string      // own questions not yet deleted, oldest first
	pending   *op           // the request the kill cut off, if any
	refused   bool          // pending never reached the server (connection refused)
}

func signUpWriters(t *testing.T, c *crashClient, n int) []*writer {
	t.Helper()
	writers := make([]*writer, n)
	errs := make(chan error, n)
	next := atomic.Int64{}
	var wg sync.WaitGroup
	for range 4 { // password hashing is the cost; use every CPU
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				name := fmt.Sprintf("crash_%d", i)
				status, user, err := c.do(http.MethodPost, "/api/collections/users/records", "", map[string]any{
					"username": name, "email": name + "@example.com", "password": "password123", "passwordConfirm": "password123",
				})
				if err != nil || status != 200 {
					errs <- fmt.Errorf("sign up %s: %d %v %v", name, status, user, err)
					return
				}
				status, auth, err := c.do(http.MethodPost, "/api/collections/users/auth-with-password", "", map[string]any{"identity": name, "password": "password123"})
				if err != nil || status != 200 {
					errs <- fmt.Errorf("sign in %s: %d %v %v", name, status, auth, err)
					return
				}
				writers[i] = &writer{n: i, id: user["id"].(string), token: auth["token"].(string),
					rng: rand.New(rand.NewSource(int64(i))), acked: map[key]state{}}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	return writers
}

// pool is the questions anyone may act on: seeded ones, and the storm's
// own until their authors delete them.
type pool struct {
	mu  sync.Mutex
	ids []string
}

func newPool(t *testing.T, c *crashClient) *pool {
	t.Helper()
	status, out, err := c.do(http.MethodGet, "/api/collections/questions/records?perPage=200&skipTotal=1&fields=id", "", nil)
	items, _ := out["items"].([]any)
	if err != nil || status != 200 || len(items) == 0 {
		t.Fatalf("list the seeded questions: %d %v %v", status, out, err)
	}
	p := &pool{}
	for _, item := range items {
		p.ids = append(p.ids, item.(map[string]any)["id"].(string))
	}
	return p
}

func (p *pool) pick(rng *rand.Rand) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.ids[rng.Intn(len(p.ids))]
}

func (p *pool) add(id string) {
	p.mu.Lock()
	p.ids = append(p.ids, id)
	p.mu.Unlock()
}

func (p *pool) remove(id string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, v := range p.ids {
		if v == id {
			p.ids = append(p.ids[:i], p.ids[i+1:]...)
			return
		}
	}
}

// storm runs up to ops random writes and stops at the first request
// without an answer, keeping it as pending.
func (w *writer) storm(c *crashClient, p *pool, ops int, ack func(), inFlight, failures5xx *atomic.Int64) {
	const records = "/api/collections/%s/records"
	for i := 0; i < ops; i++ {
		q := p.pick(w.rng)
		kind := []string{"like", "dislike"}[w.rng.Intn(2)]
		value := 1 + w.rng.Intn(5)
		comment := fmt.Sprintf("u%d op%d", w.n, i)
		var o op
		var method, path string
		var body map[string]any
		switch w.rng.Intn(8) {
		case 0: // ask
			o = op{key: key{"questions", ""}, title: fmt.Sprintf("Crash u%d op%d", w.n, i)}
			o.want.val = o.title
			method, path, body = http.MethodPost, fmt.Sprintf(records, "questions"), map[string]any{"title": o.title}
		case 1: // delete one of mine: cascades to others' votes and answers
			if len(w.mine) == 0 {
				continue
			}
			o = op{key: key{"questions", w.mine[0]}}
			method, path = http.MethodDelete, fmt.Sprintf(records, "questions")+"/"+w.mine[0]
		case 2, 3: // vote, or switch when one exists
			o = op{key: key{"votes", q}, want: state{id: w.acked[key{"votes", q}].id, val: kind}}
			if w.acked[o.key].val != "" {
				method, path, body = http.MethodPatch, fmt.Sprintf(records, "votes")+"/"+o.want.id, map[string]any{"kind": kind}
			} else {
				method, path, body = http.MethodPost, fmt.Sprintf(records, "votes"), map[string]any{"question": q, "kind": kind}
			}
		case 4: // withdraw the vote
			o = op{key: key{"votes", q}}
			if w.acked[o.key].val == "" {
				continue
			}
			method, path = http.MethodDelete, fmt.Sprintf(records, "votes")+"/"+w.acked[o.key].id
		case 5, 6: // answer, or edit the answer
			o = op{key: key{"answers", q}, want: state{id: w.acked[key{"answers", q}].id, val: fmt.Sprintf("%d|%s", value, comment)}}
			body = map[string]any{"value": value, "comment": comment}
			if w.acked[o.key].val != "" {
				method, path = http.MethodPatch, fmt.Sprintf(records, "answers")+"/"+o.want.id
			} else {
				method, path = http.MethodPost, fmt.Sprintf(records, "answers")
				body["question"] = q
			}
		case 7: // withdraw the answer
			o = op{key: key{"answers", q}}
			if w.acked[o.key].val == "" {
				continue
			}
			method, path = http.MethodDelete, fmt.Sprintf(records, "answers")+"/"+w.acked[o.key].id
		}

		inFlight.Add(1)
		status, out, err := c.do(method, path, w.token, body)
		inFlight.Add(-1)
		switch {
		case err != nil:
			w.pending, w.refused = &o, errors.Is(err, syscall.ECONNREFUSED)
			return
		case status == http.StatusOK || status == http.StatusNoContent:
			if method == http.MethodPost {
				o.want.id, _ = out["id"].(string)
			}
			if o.key.collection == "questions" {
				switch method {
				case http.MethodPost:
					o.key.q = o.want.id
					w.mine = append(w.mine, o.want.id)
					p.add(o.want.id)
				case http.MethodDelete:
					w.mine = w.mine[1:]
					p.remove(o.key.q)
				}
			}
			w.acked[o.key] = o.want
			ack()
		case status >= 500:
			failures5xx.Add(1)
		}
		// Any other answer refused the write (the question went, or it is
		// the writer's own): it changed nothing.
	}
}

// checkAcknowledged compares the database with what each writer was told:
// every row a writer controls is in its last acknowledged state, or in the
// state its cut-off request would leave; no answer or vote outlived its
// question.
func checkAcknowledged(t *testing.T, dir string, writers []*writer) {
	t.Helper()
	db := openData(t, dir)
	defer db.Close()
	byUser := map[string]map[key]state{}
	titles := map[string]map[string]string{} // author → question id → title
	exists := map[string]bool{}
	scan := func(query string, each func(id, author, a, b string)) {
		rows, err := db.Query(query)
		if err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		defer rows.Close()
		for rows.Next() {
			var id, author, a, b string
			if err := rows.Scan(&id, &author, &a, &b); err != nil {
				t.Fatal(err)
			}
			each(id, author, a, b)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	}
	row := func(author string, k key, s state) {
		if byUser[author] == nil {
			byUser[author] = map[key]state{}
		}
		byUser[author][k] = s
	}
	scan("SELECT id, author, title, '' FROM questions", func(id, author, title, _ string) {
		exists[id] = true
		row(author, key{"questions", id}, state{id, title})
		if titles[author] == nil {
			titles[author] = map[string]string{}
		}
		titles[author][id] = title
	})
	scan("SELECT id, author, question, kind FROM votes", func(id, author, q, kind string) {
		row(author, key{"votes", q}, state{id, kind})
	})
	scan("SELECT id, author, question, CAST(value AS INTEGER) || '|' || comment FROM answers", func(id, author, q, val string) {
		row(author, key{"answers", q}, state{id, val})
	})

	var orphans int
	if err := db.QueryRow(`SELECT
		(SELECT COUNT(*) FROM answers WHERE question NOT IN (SELECT id FROM questions)) +
		(SELECT COUNT(*) FROM votes WHERE question NOT IN (SELECT id FROM questions))`).Scan(&orphans); err != nil {
		t.Fatal(err)
	}
	if orphans != 0 {
		t.Errorf("%d answers or votes outlived their question", orphans)
	}

	matches := func(want, got state) bool {
		return want.val == got.val && (want.val == "" || want.id == "" || want.id == got.id)
	}
	bad, checked := 0, 0
	for _, w := range writers {
		keys := map[key]bool{}
		for k := range w.acked {
			keys[k] = true
		}
		for k := range byUser[w.id] {
			keys[k] = true
		}
		for k := range keys {
			got := byUser[w.id][k]
			want, known := w.acked[k]
			if k.collection != "questions" && !exists[k.q] {
				continue // deleted with its question; the orphan count covers it
			}
			if !known && k.collection == "questions" {
				// Only the cut-off ask may have left a question nobody was told of.
				if w.pending != nil && w.pending.title != "" && w.pending.title == got.val {
					continue
				}
			}
			checked++
			if matches(want, got) {
				continue
			}
			if p := w.pending; p != nil && p.key == k && matches(p.want, got) {
				continue
			}
			if bad++; bad <= 20 {
				cut := "none"
				if p := w.pending; p != nil {
					cut = fmt.Sprintf("%s %q → %+v", p.key.collection, p.key.q+p.title, p.want)
				}
				row := "question " + k.q
				if k.collection != "questions" {
					row = k.collection + " on question " + k.q
				}
				t.Errorf("writer %d, %s: acknowledged %+v, database has %+v (request cut off by the kill: %s)", w.n, row, want, got, cut)
			}
		}
	}
	if bad > 0 {
		t.Fatalf("%d of %d rows differ from what the writers were told", bad, checked)
	}
	t.Logf("%d rows checked against the acknowledged writes", checked)
}

func integrityCheck(t *testing.T, path string) string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query("PRAGMA integrity_check")
	if err != nil {
		t.Fatalf("integrity_check %s: %v", path, err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, line)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(lines, "\n")
}

func rankingCheck(t *testing.T, dir, when string) {
	t.Helper()
	out, err := exec.Command(binary, "ranking", "check", "--dir", dir).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "0 questions differ") {
		t.Fatalf("ranking check %s: %v\n%s", when, err, out)
	}
}
