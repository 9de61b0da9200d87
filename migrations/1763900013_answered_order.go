package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// "Most answered" breaks ties by newest instead of by ranking, so a vote,
// which changes only the ranking, no longer moves the question's entry in
// idx_questions_answered: one index entry per vote instead of two (decision
// 0019, with the measurement).
const (
	answeredColumns       = "`answers` DESC, `created` DESC, `id`"
	answeredColumnsBefore = "`answers` DESC, `ranking` DESC, `created` DESC, `id`"
	answeredWhere         = "`hidden` = FALSE AND `answers` > 0"
)

func init() {
	m.Register(func(app core.App) error {
		return setAnsweredIndex(app, answeredColumns)
	}, func(app core.App) error {
		return setAnsweredIndex(app, answeredColumnsBefore)
	})
}

func setAnsweredIndex(app core.App, columns string) error {
	col, err := app.FindCollectionByNameOrId("questions")
	if err != nil {
		return err
	}
	col.RemoveIndex("idx_questions_answered")
	col.AddIndex("idx_questions_answered", false, columns, answeredWhere)
	return app.Save(col)
}
