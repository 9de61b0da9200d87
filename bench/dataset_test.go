package bench

import (
	"database/sql"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/dbutils"
	"github.com/pocketbase/pocketbase/tools/security"
	"github.com/pocketbase/pocketbase/tools/types"

	_ "github.com/rollcall/rollcall/migrations"
	"github.com/rollcall/rollcall/questions"
	"github.com/rollcall/rollcall/ranking"
)

// benchPassword signs in every generated user and the superuser.
const benchPassword = "bench-password"

// Hook-free twins of votes and answers: the same fields, rules, indexes
// and rows, and no hooks (Rollcall binds its hooks by collection name).
const (
	votesTwin   = "votes_twin"
	answersTwin = "answers_twin"
)

type benchUser struct{ id, email string }

// dataset is a generated data dir, closed, ready for `rollcall serve`.
type dataset struct {
	dir       string
	questions int
	reader    benchUser   // a vote and an answer on each of the top 20, and a history like anyone's
	writers   []benchUser // no vote or answer anywhere: fresh pairs for the REST writes
	savers    []benchUser // likewise, for the in-process saves
}

func questionID(i int) string { return fmt.Sprintf("q%014d", i) }
func userID(i int) string     { return fmt.Sprintf("u%014d", i) }

// sizes of a generated dataset.
type sizes struct{ questions, votes, answers, users, writers, savers int }

// generate fills a fresh data dir the way PocketBase would find it after
// real use: migrations applied by PocketBase itself, rows bulk inserted
// with SQL (hooked saves would take hours at this size), then every
// question's counters and ranking computed from its rows, as the hooks keep
// them. Users 0…users-1 ask, vote and answer; the reader, the writers and
// the savers come after them.
func generate(dir string, sz sizes) (*dataset, error) {
	if sz.questions < 2*questions.TopLimit || sz.users < 3 {
		return nil, fmt.Errorf("want at least %d questions and 3 users", 2*questions.TopLimit)
	}
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
	if err := app.Bootstrap(); err != nil {
		return nil, err
	}
	defer app.ResetBootstrapState()
	if err := app.RunAllMigrations(); err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	ds := &dataset{dir: dir, questions: sz.questions}
	g := &generator{app: app, db: app.NonconcurrentDB().(*dbx.DB).DB(), rng: rand.New(rand.NewPCG(1, 2)), now: time.Now().UTC()}
	steps := []struct {
		name string
		fn   func() error
	}{
		{"users", func() error { return g.users(ds, sz) }},
		// A bulk load counts once at the end, as a first load would: the
		// counter triggers would recount a question per row.
		{"drop counter triggers", g.dropCounterTriggers},
		{"questions", func() error { return g.questions(sz) }},
		{"reader", func() error { return g.readerRows(ds.reader.id, sz) }},
		{"recount", g.recount},
		{"counter triggers", g.restoreCounterTriggers},
		{votesTwin, func() error { return addTwin(app, g.db, questions.Votes, votesTwin) }},
		{answersTwin, func() error { return addTwin(app, g.db, questions.Answers, answersTwin) }},
	}
	for _, s := range steps {
		if err := s.fn(); err != nil {
			return nil, fmt.Errorf("%s: %w", s.name, err)
		}
	}
	return ds, nil
}

type generator struct {
	app core.App
	db  *sql.DB // PocketBase's single write connection, used directly for bulk inserts
	rng *rand.Rand
	now time.Time
	seq int // ids of votes and answers
}

// users: a superuser (so `serve` does not open its installer), then users
// that all share one password hash: bcrypt runs once, not per user.
func (g *generator) users(ds *dataset, sz sizes) error {
	supers, err := g.app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
	if err != nil {
		return err
	}
	su := core.NewRecord(supers)
	su.SetEmail("bench@example.com")
	su.SetPassword(benchPassword)
	if err := g.app.Save(su); err != nil {
		return err
	}
	users, err := g.app.FindCollectionByNameOrId(questions.Users)
	if err != nil {
		return err
	}
	user := func(i int) benchUser { return benchUser{userID(i), fmt.Sprintf("bench_%d@example.com", i)} }
	ds.reader = user(sz.users)
	first := core.NewRecord(users)
	first.Id = ds.reader.id
	first.SetEmail(ds.reader.email)
	first.SetPassword(benchPassword)
	first.SetVerified(true)
	first.Set("username", fmt.Sprintf("bench_%d", sz.users))
	first.Set("name", "Bench Reader")
	if err := g.app.Save(first); err != nil {
		return err
	}
	var hash string
	if err := g.db.QueryRow("SELECT password FROM users WHERE id = ?", first.Id).Scan(&hash); err != nil {
		return err
	}
	w, err := g.bulk("users", "id, email, emailVisibility, verified, password, tokenKey, username, name, avatar, created, updated", 50)
	if err != nil {
		return err
	}
	created := dt(g.now)
	for i := range sz.users + sz.writers + sz.savers + 1 {
		if i == sz.users {
			continue // the reader, saved above
		}
		u := user(i)
		w.add(u.id, u.email, false, true, hash, security.RandomString(50),
			fmt.Sprintf("bench_%d", i), fmt.Sprintf("Bench User %d", i), "", created, created)
		switch {
		case i > sz.users+sz.writers:
			ds.savers = append(ds.savers, u)
		case i > sz.users:
			ds.writers = append(ds.writers, u)
		}
	}
	return w.close()
}

// questions: asked over the past year, all before today (no "asked today"
// bonus can then end mid-run and move the ranking), with votes and answers
// spread along a long tail. Question q's author is user off[q]; its voters
// and answerers are the users after the author, so no pair repeats and
// nobody votes on their own question.
func (g *generator) questions(sz sizes) error {
	rank := g.rng.Perm(sz.questions) // popularity, unrelated to age
	votes, err := spread(sz.votes, sz.users-1, rank)
	if err != nil {
		return fmt.Errorf("votes: %w", err)
	}
	answers, err := spread(sz.answers, sz.users-1, rank)
	if err != nil {
		return fmt.Errorf("answers: %w", err)
	}
	dayStart := g.now.Truncate(24 * time.Hour)
	step := max(time.Second, 365*24*time.Hour/time.Duration(sz.questions))
	off := make([]int, sz.questions)
	asked := make([]time.Time, sz.questions)
	// A vote or answer comes some time between its question and now.
	after := func(q int) string { return dt(asked[q].Add(time.Duration(g.rng.Int64N(int64(g.now.Sub(asked[q])))))) }

	qw, err := g.bulk(questions.Questions, "id, title, description, author, answers, likes, dislikes, ranking, today, today_ends, created, updated", 50)
	if err != nil {
		return err
	}
	for q := range sz.questions {
		off[q] = g.rng.IntN(sz.users)
		c := dayStart.Add(-time.Minute - time.Duration(q)*step)
		asked[q] = c
		qw.add(questionID(q), g.title(q), g.sentence(15+g.rng.IntN(25)), userID(off[q]),
			0, 0, 0, 0, false, dt(ranking.DayEnd(c, time.UTC)), dt(c), dt(c))
	}
	if err := qw.close(); err != nil {
		return err
	}

	vw, err := g.bulk(questions.Votes, "id, question, author, kind, created, updated", 100)
	if err != nil {
		return err
	}
	for q, n := range votes {
		likes := 0.5 + 0.45*g.rng.Float64()
		for j := range n {
			kind := questions.KindLike
			if g.rng.Float64() > likes {
				kind = questions.KindDislike
			}
			at := after(q)
			vw.add(g.id("v"), questionID(q), userID((off[q]+1+j)%sz.users), kind, at, at)
		}
	}
	if err := vw.close(); err != nil {
		return err
	}

	aw, err := g.bulk(questions.Answers, "id, question, author, value, comment, created, updated", 100)
	if err != nil {
		return err
	}
	for q, n := range answers {
		for j := range n {
			at := after(q)
			aw.add(g.id("a"), questionID(q), userID((off[q]+1+j)%sz.users), 1+g.rng.IntN(5), g.comment(), at, at)
		}
	}
	return aw.close()
}

// readerRows gives the reader a vote and an answer on each question of the
// top 20 (so the signed-in home page fills in all 20), and as many more on
// other questions as an average user has.
func (g *generator) readerRows(reader string, sz sizes) error {
	if err := g.recount(); err != nil {
		return err
	}
	var top []string
	rows, err := g.db.Query("SELECT id FROM questions ORDER BY ranking DESC, created DESC, id LIMIT ?", questions.TopLimit)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return err
		}
		top = append(top, id)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	// The top 20, then distinct others up to n in all.
	pick := func(n int) []string {
		seen := map[string]bool{}
		for _, id := range top {
			seen[id] = true
		}
		out := append([]string(nil), top...)
		for len(out) < min(n, sz.questions) {
			if id := questionID(g.rng.IntN(sz.questions)); !seen[id] {
				seen[id] = true
				out = append(out, id)
			}
		}
		return out
	}
	at := dt(g.now.Add(-time.Hour))
	vw, err := g.bulk(questions.Votes, "id, question, author, kind, created, updated", 1)
	if err != nil {
		return err
	}
	for _, q := range pick(len(top) + sz.votes/sz.users) {
		vw.add(g.id("v"), q, reader, questions.KindLike, at, at)
	}
	if err := vw.close(); err != nil {
		return err
	}
	aw, err := g.bulk(questions.Answers, "id, question, author, value, comment, created, updated", 1)
	if err != nil {
		return err
	}
	for _, q := range pick(len(top) + sz.answers/sz.users) {
		aw.add(g.id("a"), q, reader, 4, "The reader's own answer.", at, at)
	}
	return aw.close()
}

func (g *generator) dropCounterTriggers() error {
	for _, name := range questions.CounterTriggerNames() {
		if _, err := g.db.Exec("DROP TRIGGER " + name); err != nil {
			return err
		}
	}
	return nil
}

func (g *generator) restoreCounterTriggers() error {
	for _, q := range questions.CounterTriggers() {
		if _, err := g.db.Exec(q); err != nil {
			return err
		}
	}
	return nil
}

// recount sets every question's counters from its rows and its ranking
// from the counters, with the ranking package's points, as the hooks do.
func (g *generator) recount() error {
	_, err := g.db.Exec(`UPDATE questions SET
		answers = (SELECT COUNT(*) FROM answers WHERE question = questions.id),
		likes = (SELECT COUNT(*) FROM votes WHERE question = questions.id AND kind = 'like'),
		dislikes = (SELECT COUNT(*) FROM votes WHERE question = questions.id AND kind = 'dislike')`)
	if err != nil {
		return err
	}
	_, err = g.db.Exec(fmt.Sprintf("UPDATE questions SET ranking = %d * answers + %d * likes + %d * dislikes + CASE WHEN today THEN %d ELSE 0 END",
		ranking.AnswerPoints, ranking.LikePoints, ranking.DislikePoints, ranking.TodayBonus))
	return err
}

// addTwin creates twin with source's fields, rules and indexes, and copies
// source's rows into it, so both sides of a write comparison insert into
// B-trees of the same size.
func addTwin(app core.App, db *sql.DB, source, twin string) error {
	src, err := app.FindCollectionByNameOrId(source)
	if err != nil {
		return err
	}
	c := core.NewBaseCollection(twin)
	if c.Fields, err = src.Fields.Clone(); err != nil {
		return err
	}
	c.ListRule, c.ViewRule, c.CreateRule, c.UpdateRule, c.DeleteRule = src.ListRule, src.ViewRule, src.CreateRule, src.UpdateRule, src.DeleteRule
	for _, raw := range src.Indexes {
		idx := dbutils.ParseIndex(raw)
		idx.TableName = twin
		idx.IndexName = strings.Replace(idx.IndexName, source, twin, 1)
		if idx.IndexName == dbutils.ParseIndex(raw).IndexName {
			idx.IndexName = twin + "_" + idx.IndexName
		}
		c.Indexes = append(c.Indexes, idx.Build())
	}
	if err := app.Save(c); err != nil {
		return err
	}
	cols := strings.Join(src.Fields.FieldNames(), "`, `")
	_, err = db.Exec(fmt.Sprintf("INSERT INTO `%s` (`%s`) SELECT `%s` FROM `%s`", twin, cols, cols, source))
	return err
}

// spread splits total over len(rank) questions, question i's share
// following 1/√(rank[i]+100) (a long tail: the most popular gets ~30× the
// least), each at most most.
func spread(total, most int, rank []int) ([]int, error) {
	n := len(rank)
	if total > n*most {
		return nil, fmt.Errorf("%d rows cannot fit %d questions with %d users: raise -users", total, n, most+1)
	}
	w := make([]float64, n)
	sum := 0.0
	for i, r := range rank {
		w[i] = 1 / math.Sqrt(float64(r+100))
		sum += w[i]
	}
	out := make([]int, n)
	left := total
	for i := range out {
		out[i] = min(most, int(float64(total)*w[i]/sum))
		left -= out[i]
	}
	for i := 0; left > 0; i = (i + 1) % n {
		if out[i] < most {
			out[i]++
			left--
		}
	}
	return out, nil
}

func (g *generator) id(prefix string) string {
	g.seq++
	return fmt.Sprintf("%s%014d", prefix, g.seq)
}

// dt is PocketBase's stored form of a date.
func dt(t time.Time) string {
	d, _ := types.ParseDateTime(t)
	return d.String()
}

var words = strings.Fields(`the council library bus route park school water road clinic market
	street garden hall night safety lights bins weekend morning people children rates budget plan
	meeting noise traffic parking beach trees clean open close new old better more less every`)

func (g *generator) sentence(n int) string {
	out := make([]string, n)
	for i := range out {
		out[i] = words[g.rng.IntN(len(words))]
	}
	s := strings.Join(out, " ")
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

func (g *generator) title(q int) string {
	phrase := strings.ToLower(strings.TrimSuffix(g.sentence(4+g.rng.IntN(6)), "."))
	return fmt.Sprintf("Question %d: should the %s %s?", q, words[g.rng.IntN(len(words))], phrase)
}

func (g *generator) comment() string {
	if g.rng.IntN(2) == 0 {
		return ""
	}
	return g.sentence(5 + g.rng.IntN(20))
}

// bulkWriter inserts rows with multi-row INSERTs through one prepared
// statement, committing every ~50,000 rows so no transaction grows huge.
// The first error sticks and is returned by close.
type bulkWriter struct {
	db      *sql.DB
	tx      *sql.Tx
	stmt    *sql.Stmt
	head    string
	width   int // columns
	perStmt int // rows per statement
	args    []any
	inTx    int
	err     error
}

func (g *generator) bulk(table, columns string, perStmt int) (*bulkWriter, error) {
	w := &bulkWriter{db: g.db, head: "INSERT INTO " + table + " (" + columns + ") VALUES ",
		width: len(strings.Split(columns, ",")), perStmt: perStmt}
	return w, w.begin()
}

func (w *bulkWriter) values(rows int) string {
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", w.width), ",") + ")"
	return w.head + strings.TrimSuffix(strings.Repeat(one+",", rows), ",")
}

func (w *bulkWriter) begin() error {
	var err error
	if w.tx, err = w.db.Begin(); err != nil {
		return err
	}
	w.stmt, err = w.tx.Prepare(w.values(w.perStmt))
	return err
}

func (w *bulkWriter) add(values ...any) {
	if w.err != nil {
		return
	}
	w.args = append(w.args, values...)
	if len(w.args) < w.width*w.perStmt {
		return
	}
	if _, w.err = w.stmt.Exec(w.args...); w.err != nil {
		return
	}
	w.args = w.args[:0]
	if w.inTx += w.perStmt; w.inTx >= 50_000 {
		w.inTx = 0
		if w.err = w.tx.Commit(); w.err == nil {
			w.err = w.begin()
		}
	}
}

func (w *bulkWriter) close() error {
	if w.err == nil && len(w.args) > 0 {
		_, w.err = w.tx.Exec(w.values(len(w.args)/w.width), w.args...)
	}
	if w.err != nil {
		_ = w.tx.Rollback()
		return w.err
	}
	return w.tx.Commit()
}
