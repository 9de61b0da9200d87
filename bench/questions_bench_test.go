package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/rollcall/rollcall/config"
	"github.com/rollcall/rollcall/hooks"
	"github.com/rollcall/rollcall/internal/sqlitedb"
	"github.com/rollcall/rollcall/questions"
)

// pbList is PocketBase's own list query for the same top 20.
const pbList = "/api/collections/questions/records?sort=-ranking,-created,id&perPage=20&skipTotal=1"

// questionsBench is the question half: the release binary serving a
// generated dataset, shared by the sub-benchmarks.
type questionsBench struct {
	dir, data, binary  string
	ds                 *dataset
	srv                *server
	reader             string   // the reader's token
	writers            []string // the writers' tokens
	profBinary         string   // the profiling build, once built
	staticSize         int      // bytes of the static top-20 file
	staticSignedInSize int      // bytes of the reader's static top-20 file
	pagesCopy          string   // a copy of the dataset's data.db for the pages figures
	loaded, wrote      bool
}

// BenchmarkQuestions generates the dataset (-questions, -votes, -answers,
// -users) into a fresh data dir, checks its ranking with `rollcall ranking
// check`, serves it with the release build of `rollcall serve` on loopback
// and measures, each beside its baseline: the home top-20 anonymous and
// signed in, vote and answer writes, the pages a counted write costs SQLite,
// the binary's footprint, and the vote save without HTTP. Select parts with
// e.g. -bench 'Questions/Top'.
func BenchmarkQuestions(b *testing.B) {
	q := &questionsBench{dir: b.TempDir()}
	q.data = filepath.Join(q.dir, "pb_data")
	start := time.Now()
	ds, err := generate(q.data, sizes{questions: *flagQuestions, votes: *flagVotes, answers: *flagAnswers,
		users: *flagUsers, writers: 2 * *flagConcurrency, savers: 8})
	if err != nil {
		b.Fatalf("generate the dataset: %v", err)
	}
	q.ds = ds
	generated := time.Since(start)
	q.copyForPages(b)
	q.binary = buildBinary(b, q.dir, "rollcall", "..", append(slices.Clone(releaseFlags), "-overlay="+q.staticTopOverlay(b))...)
	collector.fact(b, "Questions dataset: %d questions, %d votes, %d answers, %d users, generated in %s; `rollcall ranking check` before the runs: %s",
		*flagQuestions, *flagVotes, *flagAnswers, *flagUsers, generated.Round(time.Second), q.rankingCheck(b))
	q.srv = startServer(b, q.binary, rollcallServe(q.data))
	q.reader = q.srv.signIn(b, ds.reader.email, benchPassword)
	for _, w := range ds.writers {
		q.writers = append(q.writers, q.srv.signIn(b, w.email, benchPassword))
	}

	b.Run("Top", func(b *testing.B) {
		b.Run("anonymous", q.topAnonymous)
		b.Run("signed-in", q.topSignedIn)
	})
	b.Run("List", q.listPages)
	b.Run("Write", func(b *testing.B) {
		b.Run("vote", q.writeVote)
		b.Run("answer", q.writeAnswer)
	})
	b.Run("Pages", q.pages)
	b.Run("Footprint", q.footprint)
	b.Run("Save", q.save)
	if q.wrote { // the writes kept every counter and ranking exact
		collector.fact(b, "`rollcall ranking check` after the writes: %s", q.rankingCheck(b))
	}
}

// rankingCheck runs `rollcall ranking check`, which must find 0 questions
// that differ from a recount, and returns its verdict.
func (q *questionsBench) rankingCheck(b *testing.B) string {
	b.Helper()
	out, err := exec.Command(q.binary, "ranking", "check", "--dir", q.data, "--dev=false").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "0 questions differ") {
		b.Fatalf("rollcall ranking check: %v\n%.2000s", err, out)
	}
	_, verdict, _ := strings.Cut(strings.TrimSpace(string(out)), "ranking check: ")
	return verdict
}

// profileIfMissed takes a CPU profile of ours under the same load when r
// missed its target, from a profiling server that lives for this
// sub-benchmark only.
func (q *questionsBench) profileIfMissed(b *testing.B, r row, ours *side) {
	if !*flagProfile || !r.missed() && !*flagProfileAll {
		return
	}
	if q.profBinary == "" {
		q.profBinary = buildProfiling(b, q.dir)
	}
	startProfiler(b, q.profBinary, q.data).profile(b, r.figure, ours)
}

// checkTop fails unless path answers 20 cards, each with the caller's own
// vote and answer when signedIn.
func (q *questionsBench) checkTop(b *testing.B, token string, signedIn bool) {
	b.Helper()
	req, _ := http.NewRequest(http.MethodGet, q.srv.URL+hooks.TopPath, nil)
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer res.Body.Close()
	var body questions.TopResponse
	raw, _ := io.ReadAll(res.Body)
	if err := json.Unmarshal(raw, &body); err != nil || len(body.Items) != questions.TopLimit {
		b.Fatalf("%s: want %d items: %d %v %.300s", hooks.TopPath, questions.TopLimit, res.StatusCode, err, raw)
	}
	for _, item := range body.Items {
		if signedIn && (item.MyVote == nil || item.MyAnswer == nil) {
			b.Fatalf("signed-in top 20: %s lacks the reader's own vote or answer", item.ID)
		}
	}
}

// staticTop and staticTopSignedIn are the ceilings of the top 20: files in
// pb_public holding the very bytes GET /api/questions/top answers for the
// generated dataset, anonymous and to the reader, served by the site like
// any asset (no-cache, ETag).
const (
	staticTop         = "assets/bench-top-20.json"
	staticTopSignedIn = "assets/bench-top-20-signed-in.json"
)

// staticTopOverlay writes the top-20 bodies the server will answer, read
// with the server's own code from the generated data, and returns a go
// build -overlay file that adds them to pb_public. pb_public is embedded,
// so the files must be in the binary; an overlay adds them there without
// touching the source tree, and only to the measured build.
func (q *questionsBench) staticTopOverlay(b *testing.B) string {
	b.Helper()
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: q.data})
	if err := app.Bootstrap(); err != nil {
		b.Fatal(err)
	}
	defer app.ResetBootstrapState()
	items, err := questions.Top(app, questions.TopLimit)
	if err != nil {
		b.Fatal(err)
	}
	mine, err := questions.WithMine(app, q.ds.reader.id, items)
	if err != nil {
		b.Fatal(err)
	}
	replace := map[string]string{}
	for _, f := range []struct {
		path  string
		items []questions.TopQuestion
		size  *int
	}{{staticTop, items, &q.staticSize}, {staticTopSignedIn, mine, &q.staticSignedInSize}} {
		body, err := json.Marshal(questions.TopResponse{Items: f.items})
		if err != nil {
			b.Fatal(err)
		}
		file := filepath.Join(q.dir, filepath.Base(f.path))
		if err := os.WriteFile(file, body, 0o644); err != nil {
			b.Fatal(err)
		}
		target, err := filepath.Abs(filepath.Join("..", "pb_public", f.path))
		if err != nil {
			b.Fatal(err)
		}
		replace[target] = file
		*f.size = len(body)
	}
	spec, _ := json.Marshal(map[string]map[string]string{"Replace": replace})
	overlay := filepath.Join(q.dir, "static-top-overlay.json")
	if err := os.WriteFile(overlay, spec, 0o644); err != nil {
		b.Fatal(err)
	}
	return overlay
}

// checkStatic fails unless path serves a file of size bytes.
func (q *questionsBench) checkStatic(b *testing.B, path string, size int) {
	b.Helper()
	res, err := http.Get(q.srv.URL + "/" + path)
	if err != nil || res.StatusCode != http.StatusOK || res.ContentLength != int64(size) {
		b.Fatalf("static top-20 file %s: %v %v, want %d bytes", path, err, res, size)
	}
	res.Body.Close()
}

func (q *questionsBench) topAnonymous(b *testing.B) {
	q.checkTop(b, "", false)
	q.checkStatic(b, staticTop, q.staticSize)
	static := get("static", "/"+staticTop, "")
	ours := get("top-20", hooks.TopPath, "")
	t := compare(b, q.srv, *flagRequests, ours, get("list", pbList, ""), static)
	r := recordVs(b, "Home top-20, anonymous (GET /api/questions/top)", t[0],
		"PocketBase's list ("+pbList+")", t[1], ratioAtLeast(4, "≥ 4× the list"))
	r2 := recordVs(b, "Home top-20, anonymous", t[0], "static file of the same bytes from pb_public (GET /"+staticTop+", the ceiling)", t[2],
		ratioAtLeast(0.9, "≥ 90 % of the static file"))
	q.loaded = true
	if r.missed() {
		q.profileIfMissed(b, r, ours)
	} else {
		q.profileIfMissed(b, r2, ours)
	}
}

func (q *questionsBench) topSignedIn(b *testing.B) {
	q.checkTop(b, q.reader, true)
	q.checkStatic(b, staticTopSignedIn, q.staticSignedInSize)
	ours := get("top-20 signed in", hooks.TopPath, q.reader)
	t := compare(b, q.srv, *flagRequests, ours, get("list", pbList, q.reader), get("health", "/api/health", q.reader),
		get("static signed in", "/"+staticTopSignedIn, q.reader))
	r1 := recordVs(b, "Home top-20, signed in, with own vote and answer on all 20", t[0],
		"PocketBase's list, same token", t[1], ratioAtLeast(1.5, "≥ 1.5× the list"))
	r2 := recordVs(b, "Home top-20, signed in", t[0],
		"/api/health, same token (ceiling of an authenticated request)", t[2], ratioAtLeast(0.9, "≥ 90 % of health"))
	// The same bytes as a file, with the same token: what an authenticated
	// answer of this size costs to send, whatever makes it.
	recordVs(b, "Home top-20, signed in, beside a file of its bytes", t[0],
		"static file of the same bytes from pb_public, same token (GET /"+staticTopSignedIn+")", t[3], nil)
	q.loaded = true
	if r1.missed() {
		q.profileIfMissed(b, r1, ours)
	} else {
		q.profileIfMissed(b, r2, ours)
	}
}

// writeSides are REST creates on collection and on its twin, from the
// writers, who have no row anywhere: the n-th request of either side is
// writer n mod W on a question of its own, so no pair repeats and both
// sides insert the same pairs.
func (q *questionsBench) writeSides(collection, twin string, body func(n uint64, question, author string) string) (*side, *side) {
	nw, nq := uint64(len(q.writers)), uint64(q.ds.questions)
	mk := func(name, col string) *side {
		return &side{name: name, capacity: nw * nq, fill: func(n uint64, t *vegeta.Target) {
			w := n % nw
			question := questionID(int((n/nw + w*nq/nw) % nq)) // writers start apart
			postJSON(t, "/api/collections/"+col+"/records", q.writers[w], []byte(body(n, question, q.ds.writers[w].id)))
		}}
	}
	return mk(collection, collection), mk(twin, twin)
}

func (q *questionsBench) writeVote(b *testing.B) {
	ours, twin := q.writeSides(questions.Votes, votesTwin, func(n uint64, question, author string) string {
		kind := questions.KindLike
		if n%3 == 0 {
			kind = questions.KindDislike
		}
		return fmt.Sprintf(`{"question":%q,"author":%q,"kind":%q}`, question, author, kind)
	})
	q.wrote = true
	t := compareRounds(b, q.srv, *flagWrites, *flagWriteRounds, ours, twin)
	r := recordVs(b, "Vote create (POST /api/collections/votes/records: a trigger counts and re-ranks)", t[0],
		"create on votes_twin (same fields, rules, indexes, rows; no hooks)", t[1], ratioAtLeast(0.8, "≥ 80 % of the twin"))
	q.profileIfMissed(b, r, ours)
}

func (q *questionsBench) writeAnswer(b *testing.B) {
	ours, twin := q.writeSides(questions.Answers, answersTwin, func(n uint64, question, author string) string {
		return fmt.Sprintf(`{"question":%q,"author":%q,"value":%d,"comment":"Benchmark answer %d"}`, question, author, 1+n%5, n)
	})
	q.wrote = true
	t := compareRounds(b, q.srv, *flagWrites, *flagWriteRounds, ours, twin)
	r := recordVs(b, "Answer create (POST /api/collections/answers/records: a trigger counts and re-ranks)", t[0],
		"create on answers_twin (same fields, rules, indexes, rows; no hooks)", t[1], ratioAtLeast(0.8, "≥ 80 % of the twin"))
	q.profileIfMissed(b, r, ours)
}

// footprint: the binary's size, its cold start on the full dataset and its
// idle memory, each beside bare PocketBase built and run the same way.
// It stops the shared server, so it runs after the load benchmarks.
func (q *questionsBench) footprint(b *testing.B) {
	pb := buildBinary(b, q.dir, "pocketbase", "./internal/pbbase")
	size := func(path string) float64 {
		st, err := os.Stat(path)
		if err != nil {
			b.Fatal(err)
		}
		return float64(st.Size()) / 1e6
	}
	collector.add(b, row{figure: "Binary size (go build -trimpath -ldflags='-s -w', as make build)", value: size(q.binary), unit: "MB",
		baseline: "bare PocketBase, same build", base: size(pb), target: valueAtMost(40, "≤ 40 MB")})

	if q.loaded {
		time.Sleep(*flagIdle) // the load runs settle
		collector.add(b, row{figure: fmt.Sprintf("RSS of the server after the load runs, then %s idle", *flagIdle),
			value: mb(procStatus(b, q.srv.PID, "VmRSS")), unit: "MB",
			note: fmt.Sprintf("peak during the run (VmHWM) %s MB; the ≤ 60 MB target is for the idle server after start (next rows)",
				num(mb(procStatus(b, q.srv.PID, "VmHWM"))))})
	}
	q.srv.Stop() // nothing else may use the data dir or the cores now

	// The two binaries take turns, so neither always finds the page cache
	// warmed by the other.
	var ours, oursHome, theirs []time.Duration
	var oursRSS, theirsRSS rss
	for i, n := 0, max(1, *flagStarts); i < n; i++ {
		srv := launch(b, q.binary, rollcallServe(q.data))
		ours = append(ours, srv.WaitFor(b, "/api/health", time.Minute))
		oursHome = append(oursHome, srv.WaitFor(b, "/", time.Minute))
		if i == n-1 {
			time.Sleep(*flagIdle)
			oursRSS = readRSS(b, srv.PID)
		}
		srv.Stop()
		srv = launch(b, pb, pocketbaseServe(q.data))
		theirs = append(theirs, srv.WaitFor(b, "/api/health", time.Minute))
		if i == n-1 {
			time.Sleep(*flagIdle)
			theirsRSS = readRSS(b, srv.PID)
		}
		srv.Stop()
	}
	runs := func(d []time.Duration) string {
		var s []string
		for _, x := range d {
			s = append(s, num(ms(x)))
		}
		return strings.Join(s, ", ") + " ms"
	}
	collector.add(b, row{figure: "Cold start to first 200 of /api/health, full dataset (median)", value: ms(median(ours)), unit: "ms",
		baseline: "bare PocketBase, same data dir", base: ms(median(theirs)), target: valueAtMost(1000, "≤ 1 s"),
		note: "runs: " + runs(ours) + "; bare PocketBase " + runs(theirs)})
	collector.add(b, row{figure: "Cold start to first 200 of the home page / (median)", value: ms(median(oursHome)), unit: "ms",
		baseline: "bare PocketBase's /api/health", base: ms(median(theirs)), target: valueAtMost(1000, "≤ 1 s"),
		note: "runs: " + runs(oursHome)})
	collector.add(b, row{figure: fmt.Sprintf("Idle RSS after start with the full dataset and %s idle", *flagIdle), value: mb(oursRSS.total), unit: "MB",
		baseline: "bare PocketBase, same data dir", base: mb(theirsRSS.total), target: valueAtMost(60, "≤ 60 MB"),
		note: fmt.Sprintf("anonymous (Go heap, SQLite caches) %s MB, file-backed (binary) %s MB; bare PocketBase %s and %s MB",
			num(mb(oursRSS.anon)), num(mb(oursRSS.file)), num(mb(theirsRSS.anon)), num(mb(theirsRSS.file)))})
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

// save isolates the storage side of a vote from HTTP: app.Save of a vote
// with Rollcall's hooks against the same save into the hook-free twin, in
// this process, on the same data dir and connections as the server's (it
// replaces the in-process BenchmarkSaveVote of the earlier harness).
func (q *questionsBench) save(b *testing.B) {
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: q.data, DBConnect: sqlitedb.Connect})
	if err := app.Bootstrap(); err != nil {
		b.Fatal(err)
	}
	defer app.ResetBootstrapState()
	cfg := config.New()
	if err := cfg.Resolve(); err != nil {
		b.Fatal(err)
	}
	hooks.Register(app, cfg, os.DirFS("../pb_public"))
	q.wrote = true

	ns, nq := len(q.ds.savers), q.ds.questions
	next := map[string]int{}
	run := func(collection string) time.Duration {
		col, err := app.FindCollectionByNameOrId(collection)
		if err != nil {
			b.Fatal(err)
		}
		if next[collection]+*flagWrites > ns*nq {
			b.Fatalf("the dataset has room for %d distinct saves; raise -questions or lower -writes", ns*nq)
		}
		start := time.Now()
		for range *flagWrites {
			n := next[collection]
			next[collection]++
			r := core.NewRecord(col)
			r.Load(map[string]any{"question": questionID((n/ns + (n%ns)*nq/ns) % nq), "author": q.ds.savers[n%ns].id, "kind": "like"})
			if err := app.Save(r); err != nil {
				b.Fatalf("save into %s: %v", collection, err)
			}
		}
		return time.Since(start)
	}
	var hooked, twin time.Duration
	round := 0
	for b.Loop() {
		if round%2 == 0 {
			twin += run(votesTwin)
			hooked += run(questions.Votes)
		} else {
			hooked += run(questions.Votes)
			twin += run(votesTwin)
		}
		round++
	}
	saves := float64(round * *flagWrites)
	collector.add(b, row{figure: "Vote app.Save in process, no HTTP (hooks and the counter trigger)",
		value: saves / hooked.Seconds(), unit: "saves/s", baseline: "app.Save into votes_twin", base: saves / twin.Seconds(),
		note: fmt.Sprintf("%s µs vs %s µs per save; where the write time goes outside HTTP",
			num(float64(hooked.Microseconds())/saves), num(float64(twin.Microseconds())/saves))})
}
