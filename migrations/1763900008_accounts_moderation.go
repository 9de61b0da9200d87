package migrations

import (
	"fmt"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Who may see a question or an answer once moderators can hide it: everyone
// while it is shown; its author and moderators while it is hidden
// (superusers bypass rules). An answer is also hidden with its question.
const (
	moderatorAuth   = `@request.auth.collectionName = "users" && @request.auth.moderator = true`
	shownOrOwn      = `hidden = false || author = @request.auth.id || (` + moderatorAuth + `)`
	answerShownRule = `(hidden = false && question.hidden = false) || author = @request.auth.id || (` + moderatorAuth + `)`
)

// Rate limits for the mails a client can make the server send, and for
// reports: per client IP, as the others in 1763900002.
var accountRateLimitRules = []core.RateLimitRule{
	{Label: "*:requestVerification", MaxRequests: 3, Duration: 300},
	{Label: "*:requestPasswordReset", MaxRequests: 3, Duration: 300},
	{Label: "*:requestEmailChange", MaxRequests: 3, Duration: 300},
	{Label: "*:requestOTP", MaxRequests: 3, Duration: 300},
	{Label: "reports:create", MaxRequests: 10, Duration: 60},
}

// Accounts and moderation: the moderator flag, mail links that open
// Rollcall's own pages, hidden questions and answers, reports, and the
// moderation log.
func init() {
	m.Register(func(app core.App) error {
		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			return err
		}
		// Set by superusers in the dashboard. A user sending it is refused
		// by the users' body check, which names the field (a rule would
		// answer a bare 400 or 404 before it).
		users.Fields.Add(&core.BoolField{Name: "moderator"})
		// Mail links open /verify/<token>, /reset/<token> and
		// /confirm-email/<token> instead of the dashboard's pages.
		for _, t := range []struct {
			tpl  *core.EmailTemplate
			from string
			to   string
		}{
			{&users.VerificationTemplate, "/_/#/auth/confirm-verification/", "/verify/"},
			{&users.ResetPasswordTemplate, "/_/#/auth/confirm-password-reset/", "/reset/"},
			{&users.ConfirmEmailChangeTemplate, "/_/#/auth/confirm-email-change/", "/confirm-email/"},
		} {
			t.tpl.Body = strings.ReplaceAll(t.tpl.Body, t.from, t.to)
		}
		// OAuth2 sign-ins take the provider's display name; the username is
		// made by the server (the provider's may not fit the pattern).
		users.OAuth2.MappedFields.Name = "name"
		if err := app.Save(users); err != nil {
			return fmt.Errorf("users: %w", err)
		}

		questions, err := app.FindCollectionByNameOrId("questions")
		if err != nil {
			return err
		}
		answers, err := app.FindCollectionByNameOrId("answers")
		if err != nil {
			return err
		}
		for _, col := range []*core.Collection{questions, answers} {
			col.Fields.Add(
				&core.BoolField{Name: "hidden"},
				&core.TextField{Name: "hidden_reason", Max: 500},
			)
		}
		questions.ListRule = types.Pointer(shownOrOwn)
		questions.ViewRule = types.Pointer(shownOrOwn)
		answers.ListRule = types.Pointer(answerShownRule)
		answers.ViewRule = types.Pointer(answerShownRule)
		// The recount counts shown answers only: this keeps it an index scan.
		answers.AddIndex("idx_answers_question_shown", false, "`question`", "`hidden` = FALSE")
		// Answering or voting on a hidden question is refused by a hook, so
		// the error can name the field (a rule would give a bare 400).
		for _, col := range []*core.Collection{questions, answers} {
			if err := app.Save(col); err != nil {
				return fmt.Errorf("%s: %w", col.Name, err)
			}
		}

		reports := core.NewBaseCollection("reports")
		// A reporter sees their own reports; moderators see all. Nobody
		// edits one through the API: moderators resolve them with actions.
		reports.ListRule = types.Pointer(`reporter = @request.auth.id || (` + moderatorAuth + `)`)
		reports.ViewRule = types.Pointer(`reporter = @request.auth.id || (` + moderatorAuth + `)`)
		reports.CreateRule = types.Pointer(signedInUser)
		reports.Fields.Add(
			&core.RelationField{Name: "question", Required: true, MaxSelect: 1, CollectionId: questions.Id, CascadeDelete: true},
			&core.RelationField{Name: "answer", MaxSelect: 1, CollectionId: answers.Id, CascadeDelete: true},
			&core.RelationField{Name: "reporter", Required: true, MaxSelect: 1, CollectionId: users.Id, CascadeDelete: true},
			&core.SelectField{Name: "reason", Required: true, MaxSelect: 1, Values: []string{"spam", "abuse", "off_topic", "personal_info", "other"}},
			&core.TextField{Name: "note", Max: 500},
			&core.SelectField{Name: "status", Required: true, MaxSelect: 1, Values: []string{"open", "actioned", "dismissed"}},
			&core.AutodateField{Name: "created", OnCreate: true},
			&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
		)
		// One open report per user per item.
		reports.AddIndex("idx_reports_open_once", true, "`reporter`, `question`, `answer`", "`status` = 'open'")
		reports.AddIndex("idx_reports_status_created", false, "`status`, `created`", "")
		reports.AddIndex("idx_reports_item", false, "`question`, `answer`", "")
		if err := app.Save(reports); err != nil {
			return fmt.Errorf("reports: %w", err)
		}

		// The moderation log: one row per action, written by moderators,
		// read by moderators, changed by nobody. Its links to the item are
		// optional and kept on delete, so the log outlives what it hid.
		actions := core.NewBaseCollection("moderation_actions")
		actions.ListRule = types.Pointer(moderatorAuth)
		actions.ViewRule = types.Pointer(moderatorAuth)
		actions.CreateRule = types.Pointer(moderatorAuth)
		actions.Fields.Add(
			&core.SelectField{Name: "action", Required: true, MaxSelect: 1, Values: []string{"hide", "restore", "dismiss"}},
			&core.RelationField{Name: "question", MaxSelect: 1, CollectionId: questions.Id},
			&core.RelationField{Name: "answer", MaxSelect: 1, CollectionId: answers.Id},
			&core.RelationField{Name: "report", MaxSelect: 1, CollectionId: reports.Id},
			&core.TextField{Name: "reason", Required: true, Max: 500},
			// Who acted: the moderator, or a superuser named in actor.
			&core.RelationField{Name: "moderator", MaxSelect: 1, CollectionId: users.Id},
			&core.TextField{Name: "actor", Max: 300},
			// What the item said when it was acted on.
			&core.TextField{Name: "excerpt", Max: 300},
			&core.AutodateField{Name: "created", OnCreate: true},
		)
		actions.AddIndex("idx_moderation_actions_created", false, "`created` DESC", "")
		actions.AddIndex("idx_moderation_actions_item", false, "`question`, `answer`", "")
		if err := app.Save(actions); err != nil {
			return fmt.Errorf("moderation_actions: %w", err)
		}

		s := app.Settings()
		for _, rule := range accountRateLimitRules {
			if !hasRateLimitRule(s.RateLimits.Rules, rule.Label) {
				s.RateLimits.Rules = append(s.RateLimits.Rules, rule)
			}
		}
		return app.Save(s)
	}, nil)
}

func hasRateLimitRule(rules []core.RateLimitRule, label string) bool {
	for _, r := range rules {
		if r.Label == label {
			return true
		}
	}
	return false
}
