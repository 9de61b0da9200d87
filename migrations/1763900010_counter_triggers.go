package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// counterTriggersSQL make SQLite keep every question's answers, likes,
// dislikes and ranking: each answer or vote write recounts its question in
// the same statement, whoever writes (REST, dashboard, Go code, SQL run in
// another tool), and a new row on a missing, hidden or the author's own
// question is refused in its INSERT. The Go side keeps an identical copy for its start-up
// repair (questions.CounterTriggers; the test holds them equal).
var counterTriggersSQL = []string{
	`CREATE TRIGGER IF NOT EXISTS rollcall_votes_insert AFTER INSERT ON votes BEGIN
			UPDATE questions SET likes = (likes + (NEW.kind IS 'like')), dislikes = (dislikes + (NEW.kind IS 'dislike')),
				ranking = CASE WHEN author = NEW.author THEN RAISE(ABORT, 'rollcall_own_question')
					WHEN hidden THEN RAISE(ABORT, 'rollcall_hidden_question')
					ELSE 10 * answers + 5 * (likes + (NEW.kind IS 'like')) + -3 * (dislikes + (NEW.kind IS 'dislike')) + 10 * today END,
				updated = strftime('%Y-%m-%d %H:%M:%fZ', 'now')
			WHERE id = NEW.question;
			SELECT RAISE(ABORT, 'rollcall_no_question') WHERE changes() = 0;
		END`,
	`CREATE TRIGGER IF NOT EXISTS rollcall_votes_update AFTER UPDATE OF question, kind ON votes
		WHEN OLD.question IS NOT NEW.question OR OLD.kind IS NOT NEW.kind BEGIN
			UPDATE questions SET likes = (SELECT COUNT(*) FROM votes WHERE question = NEW.question AND kind = 'like'),
				dislikes = (SELECT COUNT(*) FROM votes WHERE question = NEW.question AND kind = 'dislike') WHERE id = NEW.question;
			UPDATE questions SET ranking = 10 * answers + 5 * likes + -3 * dislikes + 10 * today, updated = strftime('%Y-%m-%d %H:%M:%fZ', 'now') WHERE id = NEW.question;
			UPDATE questions SET likes = (SELECT COUNT(*) FROM votes WHERE question = OLD.question AND kind = 'like'),
				dislikes = (SELECT COUNT(*) FROM votes WHERE question = OLD.question AND kind = 'dislike') WHERE id = OLD.question AND OLD.question IS NOT NEW.question;
			UPDATE questions SET ranking = 10 * answers + 5 * likes + -3 * dislikes + 10 * today, updated = strftime('%Y-%m-%d %H:%M:%fZ', 'now') WHERE id = OLD.question AND OLD.question IS NOT NEW.question;
		END`,
	`CREATE TRIGGER IF NOT EXISTS rollcall_votes_delete AFTER DELETE ON votes BEGIN
			UPDATE questions SET likes = (SELECT COUNT(*) FROM votes WHERE question = OLD.question AND kind = 'like'),
				dislikes = (SELECT COUNT(*) FROM votes WHERE question = OLD.question AND kind = 'dislike') WHERE id = OLD.question;
			UPDATE questions SET ranking = 10 * answers + 5 * likes + -3 * dislikes + 10 * today, updated = strftime('%Y-%m-%d %H:%M:%fZ', 'now') WHERE id = OLD.question;
		END`,
	`CREATE TRIGGER IF NOT EXISTS rollcall_answers_insert AFTER INSERT ON answers BEGIN
			UPDATE questions SET answers = (answers + (NEW.hidden IS FALSE)),
				ranking = CASE WHEN author = NEW.author THEN RAISE(ABORT, 'rollcall_own_question')
					WHEN hidden THEN RAISE(ABORT, 'rollcall_hidden_question')
					ELSE 10 * (answers + (NEW.hidden IS FALSE)) + 5 * likes + -3 * dislikes + 10 * today END,
				updated = strftime('%Y-%m-%d %H:%M:%fZ', 'now')
			WHERE id = NEW.question;
			SELECT RAISE(ABORT, 'rollcall_no_question') WHERE changes() = 0;
		END`,
	`CREATE TRIGGER IF NOT EXISTS rollcall_answers_update AFTER UPDATE OF question, hidden ON answers
		WHEN OLD.question IS NOT NEW.question OR OLD.hidden IS NOT NEW.hidden BEGIN
			UPDATE questions SET answers = (SELECT COUNT(*) FROM answers WHERE question = NEW.question AND hidden = FALSE) WHERE id = NEW.question;
			UPDATE questions SET ranking = 10 * answers + 5 * likes + -3 * dislikes + 10 * today, updated = strftime('%Y-%m-%d %H:%M:%fZ', 'now') WHERE id = NEW.question;
			UPDATE questions SET answers = (SELECT COUNT(*) FROM answers WHERE question = OLD.question AND hidden = FALSE) WHERE id = OLD.question AND OLD.question IS NOT NEW.question;
			UPDATE questions SET ranking = 10 * answers + 5 * likes + -3 * dislikes + 10 * today, updated = strftime('%Y-%m-%d %H:%M:%fZ', 'now') WHERE id = OLD.question AND OLD.question IS NOT NEW.question;
		END`,
	`CREATE TRIGGER IF NOT EXISTS rollcall_answers_delete AFTER DELETE ON answers BEGIN
			UPDATE questions SET answers = (SELECT COUNT(*) FROM answers WHERE question = OLD.question AND hidden = FALSE) WHERE id = OLD.question;
			UPDATE questions SET ranking = 10 * answers + 5 * likes + -3 * dislikes + 10 * today, updated = strftime('%Y-%m-%d %H:%M:%fZ', 'now') WHERE id = OLD.question;
		END`,
}

var dropCounterTriggersSQL = []string{
	"DROP TRIGGER IF EXISTS rollcall_votes_insert",
	"DROP TRIGGER IF EXISTS rollcall_votes_update",
	"DROP TRIGGER IF EXISTS rollcall_votes_delete",
	"DROP TRIGGER IF EXISTS rollcall_answers_insert",
	"DROP TRIGGER IF EXISTS rollcall_answers_update",
	"DROP TRIGGER IF EXISTS rollcall_answers_delete",
}

// Counters kept by triggers (docs/decisions/0017-counters-kept-by-triggers.md).
// The counters stored before were kept exact by the Go recount, so they are
// not recounted here; `rollcall ranking check` compares them with the rows.
func init() {
	m.Register(func(app core.App) error {
		for _, q := range counterTriggersSQL {
			if _, err := app.DB().NewQuery(q).Execute(); err != nil {
				return fmt.Errorf("counter triggers: %w", err)
			}
		}
		return nil
	}, func(app core.App) error {
		for _, q := range dropCounterTriggersSQL {
			if _, err := app.DB().NewQuery(q).Execute(); err != nil {
				return fmt.Errorf("drop counter triggers: %w", err)
			}
		}
		return nil
	})
}
