package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// questionListIndexes serve GET /api/questions and the profiles: each sort
// is a walk of one index in its own order, and the partial ones hold shown
// questions (answers) only, so a page's count is a count of index entries.
// The "top" sort keeps walking idx_questions_top (1763900001).
var questionListIndexes = []struct{ collection, name, columns, where string }{
	{"questions", "idx_questions_newest", "`created` DESC, `id`", "`hidden` = FALSE"},
	{"questions", "idx_questions_unanswered", "`created` DESC, `id`", "`hidden` = FALSE AND `answers` = 0"},
	{"questions", "idx_questions_answered", "`answers` DESC, `ranking` DESC, `created` DESC, `id`", "`hidden` = FALSE AND `answers` > 0"},
	{"questions", "idx_questions_author_created", "`author`, `created` DESC, `id`", "`hidden` = FALSE"},
	{"answers", "idx_answers_author_created", "`author`, `created` DESC, `id`", "`hidden` = FALSE"},
}

// questionSearchSQL creates the word index of shown questions' titles and
// descriptions: a contentless FTS5 table (the text stays in questions)
// keyed by the questions table's rowid, `unicode61 remove_diacritics 2` so
// case and accents are ignored ("Café" is found by "cafe"). Triggers keep it
// in step; an update that changes none of the three columns (every vote's
// recount) does not touch it. Hidden questions are not in it. The last
// statement fills it from the table. Frozen: questions/search.go holds the
// same statements for the start-up repair, and a test holds them equal.
var questionSearchSQL = []string{
	`CREATE VIRTUAL TABLE IF NOT EXISTS questions_search USING fts5(
		title, description, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2')`,
	`CREATE TRIGGER IF NOT EXISTS questions_search_insert AFTER INSERT ON questions WHEN new.hidden = FALSE BEGIN
			INSERT INTO questions_search(rowid, title, description) VALUES (new.rowid, new.title, coalesce(new.description, ''));
		END`,
	`CREATE TRIGGER IF NOT EXISTS questions_search_update AFTER UPDATE OF title, description, hidden ON questions
		WHEN old.title IS NOT new.title OR old.description IS NOT new.description OR old.hidden IS NOT new.hidden BEGIN
			DELETE FROM questions_search WHERE rowid = old.rowid;
			INSERT INTO questions_search(rowid, title, description) SELECT new.rowid, new.title, coalesce(new.description, '') WHERE new.hidden = FALSE;
		END`,
	`CREATE TRIGGER IF NOT EXISTS questions_search_delete AFTER DELETE ON questions BEGIN
			DELETE FROM questions_search WHERE rowid = old.rowid;
		END`,
	`INSERT INTO questions_search(questions_search) VALUES ('delete-all')`,
	`INSERT INTO questions_search(rowid, title, description)
		SELECT rowid, title, coalesce(description, '') FROM questions WHERE hidden = FALSE`,
}

var dropQuestionSearchSQL = []string{
	"DROP TRIGGER IF EXISTS questions_search_insert",
	"DROP TRIGGER IF EXISTS questions_search_update",
	"DROP TRIGGER IF EXISTS questions_search_delete",
	"DROP TABLE IF EXISTS questions_search",
}

// Every question reachable and searchable: the list's and profiles' indexes
// and the question search index. The existing `/api/` rate-limit rule
// already covers the new endpoints.
func init() {
	m.Register(func(app core.App) error {
		cols := map[string]*core.Collection{}
		for _, idx := range questionListIndexes {
			col, ok := cols[idx.collection]
			if !ok {
				var err error
				if col, err = app.FindCollectionByNameOrId(idx.collection); err != nil {
					return err
				}
				cols[idx.collection] = col
			}
			col.AddIndex(idx.name, false, idx.columns, idx.where)
		}
		// When the author last changed the title or description: updated
		// moves with every vote, since the counters live on the row.
		cols["questions"].Fields.Add(&core.DateField{Name: "edited"})
		for _, name := range []string{"questions", "answers"} {
			if err := app.Save(cols[name]); err != nil {
				return fmt.Errorf("index %s: %w", name, err)
			}
		}
		for _, q := range questionSearchSQL {
			if _, err := app.DB().NewQuery(q).Execute(); err != nil {
				return fmt.Errorf("question search index: %w", err)
			}
		}
		return nil
	}, func(app core.App) error {
		for _, q := range dropQuestionSearchSQL {
			if _, err := app.DB().NewQuery(q).Execute(); err != nil {
				return fmt.Errorf("drop question search index: %w", err)
			}
		}
		for _, name := range []string{"questions", "answers"} {
			col, err := app.FindCollectionByNameOrId(name)
			if err != nil {
				return err
			}
			for _, idx := range questionListIndexes {
				if idx.collection == name {
					col.RemoveIndex(idx.name)
				}
			}
			if err := app.Save(col); err != nil {
				return err
			}
		}
		return nil
	})
}
