package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Rules shared by the three collections. Writes need a signed-in user of the
// users collection (superusers bypass rules anyway); only the author may
// change or remove a row. Who the author is on create, and which fields a
// client may not send, is checked in hooks/ so the error can name the field.
const (
	signedInUser = `@request.auth.collectionName = "users"`
	ownerOnly    = `author = @request.auth.id`
)

func init() {
	m.Register(func(app core.App) error {
		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			return fmt.Errorf("find users: %w", err)
		}

		questions := core.NewBaseCollection("questions")
		questions.ListRule = types.Pointer("")
		questions.ViewRule = types.Pointer("")
		questions.CreateRule = types.Pointer(signedInUser)
		questions.UpdateRule = types.Pointer(ownerOnly)
		questions.DeleteRule = types.Pointer(ownerOnly)
		questions.Fields.Add(
			&core.TextField{Name: "title", Required: true, Min: 1, Max: 200, Presentable: true},
			&core.TextField{Name: "description", Max: 5000},
			authorField(users.Id),
			counterField("answers"),
			counterField("likes"),
			counterField("dislikes"),
			&core.NumberField{Name: "ranking", OnlyInt: true},
			// today is true while the +10 "asked today" bonus is inside
			// ranking; today_ends is the instant the asking day ends in the
			// configured zone, fixed when the question is created.
			&core.BoolField{Name: "today"},
			&core.DateField{Name: "today_ends"},
			&core.AutodateField{Name: "created", OnCreate: true},
			&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
		)
		// Serves ORDER BY ranking DESC, created DESC, id LIMIT 20 without a sort step.
		questions.AddIndex("idx_questions_top", false, "`ranking` DESC, `created` DESC, `id`", "")
		questions.AddIndex("idx_questions_author", false, "`author`", "")
		// The rollover only looks at questions still carrying the bonus.
		questions.AddIndex("idx_questions_today_ends", false, "`today_ends`", "`today` = TRUE")
		if err := app.Save(questions); err != nil {
			return fmt.Errorf("create questions: %w", err)
		}

		answers := core.NewBaseCollection("answers")
		answers.ListRule = types.Pointer("")
		answers.ViewRule = types.Pointer("")
		answers.CreateRule = types.Pointer(signedInUser)
		answers.UpdateRule = types.Pointer(ownerOnly)
		answers.DeleteRule = types.Pointer(ownerOnly)
		answers.Fields.Add(
			questionField(questions.Id),
			authorField(users.Id),
			// Required, or PocketBase skips the min check for 0.
			&core.NumberField{Name: "value", Required: true, OnlyInt: true, Min: types.Pointer(1.0), Max: types.Pointer(5.0)},
			&core.TextField{Name: "comment", Max: 2000},
			&core.AutodateField{Name: "created", OnCreate: true},
			&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
		)
		answers.AddIndex("idx_answers_question_author", true, "`question`, `author`", "")
		answers.AddIndex("idx_answers_author", false, "`author`", "")
		answers.AddIndex("idx_answers_question_created", false, "`question`, `created` DESC", "")
		if err := app.Save(answers); err != nil {
			return fmt.Errorf("create answers: %w", err)
		}

		votes := core.NewBaseCollection("votes")
		// A vote is private to its author; the counts are public on the question.
		votes.ListRule = types.Pointer(ownerOnly)
		votes.ViewRule = types.Pointer(ownerOnly)
		votes.CreateRule = types.Pointer(signedInUser)
		votes.UpdateRule = types.Pointer(ownerOnly)
		votes.DeleteRule = types.Pointer(ownerOnly)
		votes.Fields.Add(
			questionField(questions.Id),
			authorField(users.Id),
			&core.SelectField{Name: "kind", Required: true, MaxSelect: 1, Values: []string{"like", "dislike"}},
			&core.AutodateField{Name: "created", OnCreate: true},
			&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
		)
		votes.AddIndex("idx_votes_question_author", true, "`question`, `author`", "")
		votes.AddIndex("idx_votes_author", false, "`author`", "")
		// Covers the like/dislike recount without touching the table.
		votes.AddIndex("idx_votes_question_kind", false, "`question`, `kind`", "")
		if err := app.Save(votes); err != nil {
			return fmt.Errorf("create votes: %w", err)
		}
		return nil
	}, func(app core.App) error {
		for _, name := range []string{"votes", "answers", "questions"} {
			col, err := app.FindCollectionByNameOrId(name)
			if err != nil {
				continue
			}
			if err := app.Delete(col); err != nil {
				return fmt.Errorf("drop %s: %w", name, err)
			}
		}
		return nil
	})
}

// authorField is the owning user; deleting the account deletes the row.
func authorField(usersID string) *core.RelationField {
	return &core.RelationField{Name: "author", Required: true, MaxSelect: 1, CollectionId: usersID, CascadeDelete: true}
}

// questionField ties an answer or vote to its question; they go with it.
func questionField(questionsID string) *core.RelationField {
	return &core.RelationField{Name: "question", Required: true, MaxSelect: 1, CollectionId: questionsID, CascadeDelete: true}
}

func counterField(name string) *core.NumberField {
	return &core.NumberField{Name: name, OnlyInt: true, Min: types.Pointer(0.0)}
}
