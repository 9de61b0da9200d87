package questions

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/routine"
	"github.com/pocketbase/pocketbase/tools/subscriptions"

	"github.com/rollcall/rollcall/ranking"
)

// SQLite itself keeps every question's counters and ranking: triggers on
// answers and votes recount the question inside the very statement that
// writes the row, whoever writes it (REST, dashboard, Go code, raw SQL in
// another tool). See docs/decisions/0017-counters-kept-by-triggers.md.
//
// SQLite compiles a statement's triggers each time the statement is
// prepared: the server's connections keep the insert prepared
// (internal/sqlitedb), but a new connection, a CLI command or another tool
// compiles them again, so the insert triggers, on every vote and answer,
// are one UPDATE that adds the row and one SELECT: a recount's subqueries,
// or a separate BEFORE trigger for the checks, cost more to compile than the
// rest of the trigger costs to run. The update and delete
// triggers recount (COUNT over the (question, …) indexes), which also mends a
// question that drifted. What an insert trigger cannot see: a REPLACE that
// deletes a conflicting row fires no delete trigger (unless
// recursive_triggers is on); `rollcall ranking check` finds that.

// rankingSQL is ranking.Score over a questions row whose counters are the
// given expressions; `today` is the stored flag the rollover job clears.
func rankingSQL(answers, likes, dislikes string) string {
	return fmt.Sprintf("%d * %s + %d * %s + %d * %s + %d * today",
		ranking.AnswerPoints, answers, ranking.LikePoints, likes, ranking.DislikePoints, dislikes, ranking.TodayBonus)
}

// nowSQL is the current time as PocketBase stores dates; a counted write
// moves the question's `updated`, as a save of the question would.
const nowSQL = "strftime('%Y-%m-%d %H:%M:%fZ', 'now')"

// Refusals raised by the insert triggers; the execute hook turns them into
// the field errors a client reads.
const (
	raiseNoQuestion     = "rollcall_no_question"
	raiseOwnQuestion    = "rollcall_own_question"
	raiseHiddenQuestion = "rollcall_hidden_question"
)

// movedSQL limits an update trigger's recount of the old question to a row
// that moved to another one (only Go code or raw SQL can move a row).
const movedSQL = " AND OLD.question IS NOT NEW.question"

// recountSQL recounts question id's votes (likes and dislikes, over
// idx_votes_question_kind) or shown answers (the partial index
// idx_answers_question_shown, spelled as its condition), then re-ranks it
// from its stored counters: the update and delete triggers' statement.
func recountSQL(table, id, cond string) string {
	var counts string
	if table == Votes {
		counts = `likes = (SELECT COUNT(*) FROM votes WHERE question = ` + id + ` AND kind = 'like'),
				dislikes = (SELECT COUNT(*) FROM votes WHERE question = ` + id + ` AND kind = 'dislike')`
	} else {
		counts = `answers = (SELECT COUNT(*) FROM answers WHERE question = ` + id + ` AND hidden = FALSE)`
	}
	return `UPDATE questions SET ` + counts + ` WHERE id = ` + id + cond + `;
			UPDATE questions SET ranking = ` + rankingSQL("answers", "likes", "dislikes") + `, updated = ` + nowSQL + ` WHERE id = ` + id + cond + `;`
}

// insertSQL counts a new row into its question and re-ranks it, in one
// UPDATE by primary key: the hot path (every vote and answer), where each
// statement the trigger holds is compiled with every INSERT PocketBase
// prepares. The same UPDATE refuses the author's own question (worth +10 to
// their own ranking) or a hidden one (frozen while hidden), and the SELECT
// after it a missing question (deleted after the row was validated: the row
// would be orphaned); a refusal undoes the whole INSERT. `IS` keeps a NULL
// kind or hidden from turning a counter into NULL, and counts what the
// recount counts.
func insertSQL(table string) string {
	answers, likes, dislikes := "answers", "likes", "dislikes"
	var set string
	if table == Votes {
		likes, dislikes = "(likes + (NEW.kind IS 'like'))", "(dislikes + (NEW.kind IS 'dislike'))"
		set = "likes = " + likes + ", dislikes = " + dislikes
	} else {
		answers = "(answers + (NEW.hidden IS FALSE))"
		set = "answers = " + answers
	}
	return `UPDATE questions SET ` + set + `,
				ranking = CASE WHEN author = NEW.author THEN RAISE(ABORT, '` + raiseOwnQuestion + `')
					WHEN hidden THEN RAISE(ABORT, '` + raiseHiddenQuestion + `')
					ELSE ` + rankingSQL(answers, likes, dislikes) + ` END,
				updated = ` + nowSQL + `
			WHERE id = NEW.question;
			SELECT RAISE(ABORT, '` + raiseNoQuestion + `') WHERE changes() = 0;`
}

type counterTrigger struct{ name, sql string }

// counterTriggers are the migration's statements (1763900010), for the
// start-up repair; the migration's test holds them to what it created.
var counterTriggers = []counterTrigger{
	{"rollcall_votes_insert", `CREATE TRIGGER IF NOT EXISTS rollcall_votes_insert AFTER INSERT ON votes BEGIN
			` + insertSQL(Votes) + `
		END`},
	{"rollcall_votes_update", `CREATE TRIGGER IF NOT EXISTS rollcall_votes_update AFTER UPDATE OF question, kind ON votes
		WHEN OLD.question IS NOT NEW.question OR OLD.kind IS NOT NEW.kind BEGIN
			` + recountSQL(Votes, "NEW.question", "") + `
			` + recountSQL(Votes, "OLD.question", movedSQL) + `
		END`},
	{"rollcall_votes_delete", `CREATE TRIGGER IF NOT EXISTS rollcall_votes_delete AFTER DELETE ON votes BEGIN
			` + recountSQL(Votes, "OLD.question", "") + `
		END`},
	{"rollcall_answers_insert", `CREATE TRIGGER IF NOT EXISTS rollcall_answers_insert AFTER INSERT ON answers BEGIN
			` + insertSQL(Answers) + `
		END`},
	{"rollcall_answers_update", `CREATE TRIGGER IF NOT EXISTS rollcall_answers_update AFTER UPDATE OF question, hidden ON answers
		WHEN OLD.question IS NOT NEW.question OR OLD.hidden IS NOT NEW.hidden BEGIN
			` + recountSQL(Answers, "NEW.question", "") + `
			` + recountSQL(Answers, "OLD.question", movedSQL) + `
		END`},
	{"rollcall_answers_delete", `CREATE TRIGGER IF NOT EXISTS rollcall_answers_delete AFTER DELETE ON answers BEGIN
			` + recountSQL(Answers, "OLD.question", "") + `
		END`},
}

// CounterTriggers returns the trigger statements (for the migration and its test).
func CounterTriggers() []string {
	out := make([]string, len(counterTriggers))
	for i, t := range counterTriggers {
		out[i] = t.sql
	}
	return out
}

// CounterTriggerNames returns the triggers' names (a bulk load drops them,
// then calls EnsureCounters).
func CounterTriggerNames() []string {
	out := make([]string, len(counterTriggers))
	for i, t := range counterTriggers {
		out[i] = t.name
	}
	return out
}

// EnsureCounters restores any counter trigger that is missing (deleting
// and recreating a collection loses them; a bulk load drops them) and then recounts every question that drifted
// meanwhile. It reports how many questions it fixed; with every trigger in
// place it reads one catalogue query and changes nothing.
func EnsureCounters(app core.App, now time.Time) (int, error) {
	var present []string
	err := app.NonconcurrentDB().NewQuery("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'rollcall\\_%' ESCAPE '\\'").Column(&present)
	if err != nil {
		return 0, fmt.Errorf("list counter triggers: %w", err)
	}
	have := map[string]bool{}
	for _, name := range present {
		have[name] = true
	}
	missing := false
	for _, t := range counterTriggers {
		if !have[t.name] {
			missing = true
			if _, err := app.NonconcurrentDB().NewQuery(t.sql).Execute(); err != nil {
				return 0, fmt.Errorf("restore trigger %s: %w", t.name, err)
			}
		}
	}
	if !missing {
		return 0, nil
	}
	// Writes made while a trigger was gone were not counted.
	return Rebuild(app, now)
}

// TriggerRefusal turns a check trigger's refusal into the field error a
// client reads; any other error is returned as it is.
func TriggerRefusal(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, raiseOwnQuestion):
		return validation.Errors{FieldQuestion: validation.NewError(
			"validation_own_question", "You cannot answer or vote on your own question.")}
	case strings.Contains(msg, raiseHiddenQuestion):
		return errHiddenQuestion
	case strings.Contains(msg, raiseNoQuestion):
		// Validated against a question that a concurrent delete has
		// removed since: storing the row would orphan it.
		return validation.Errors{FieldQuestion: validation.NewError(
			"validation_missing_rel_records", "The question no longer exists.")}
	}
	return err
}

// errNoRows reports whether err is a missing row.
func errNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// loadQuestion reads one question as a record, for the realtime event.
func loadQuestion(app core.App, id string) (*core.Record, error) {
	q := &core.Record{}
	err := app.RecordQuery(Questions).Where(dbx.HashExp{"id": id}).Limit(1).One(q)
	return q, err
}

// EnsureCounters is EnsureCounters at the configured clock, for start-up.
func (h *Hooks) EnsureCounters(app core.App) error {
	n, err := EnsureCounters(app, h.cfg.Now())
	if err != nil {
		return err
	}
	if n > 0 {
		app.Logger().Warn("counter triggers were missing: restored, questions recounted", "questions", n)
	}
	return nil
}

// TopicChanged is the realtime topic pages that list questions subscribe to
// beside questions/* (moderation announces hides and restores on it too).
const TopicChanged = "rollcall/questions"

// OtherWrites returns the callback of the watchers for other processes'
// writes (crossprocess: their files and the database's data_version). It
// drops the cached top 20 (and with it every personal copy) and tells open
// pages to reload when the questions changed as far as two cheap reads can
// tell: the refilled top 20 differs, or a question, answer or vote was
// added. Another process's scrape commits every few seconds for hours and
// must not reload every open page each time.
func (h *Hooks) OtherWrites(app core.App) func() {
	// state is what pages show of the questions, as far as the check goes.
	state := func() ([]byte, string, error) {
		snap, err := h.top.get(app)
		if err != nil {
			return nil, "", err
		}
		var rows string
		err = app.DB().NewQuery(`SELECT (SELECT coalesce(max(rowid), 0) FROM questions) || '/' ||
			(SELECT coalesce(max(rowid), 0) FROM answers) || '/' || (SELECT coalesce(max(rowid), 0) FROM votes)`).Row(&rows)
		return snap.body, rows, err
	}
	var mu sync.Mutex // two watchers call it
	lastTop, lastRows, _ := state()
	return func() {
		mu.Lock()
		defer mu.Unlock()
		h.top.invalidate()
		top, rows, err := state()
		if err != nil {
			app.Logger().Warn("reading the questions after another process's write failed", "error", err)
			return
		}
		changed := !bytes.Equal(top, lastTop) || rows != lastRows
		lastTop, lastRows = top, rows
		if !changed {
			return
		}
		data, _ := json.Marshal(map[string]string{"action": "changed"})
		msg := subscriptions.Message{Name: TopicChanged, Data: data}
		for _, client := range app.SubscriptionsBroker().Clients() {
			if client.HasSubscription(TopicChanged) {
				routine.FireAndForget(func() { client.Send(msg) })
			}
		}
	}
}
