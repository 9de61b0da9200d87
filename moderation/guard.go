package moderation

import (
	"net/http"
	"strings"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
)

// PocketBase v0.40 applies a related collection's list rule to the join a
// filter makes, but not to the "every related row" subquery it adds for a
// back-relation (answers_via_question) or an @collection join. A filter
// such as answers_via_question.comment !~ "…" then tests hidden answers'
// comments, and reports_via_question.reporter tells who else reported.
// Nothing Rollcall's pages send needs either, so clients may not use them;
// superusers (whom no rule binds anyway) still may.
var multiMatchPaths = []string{"_via_", "@collection"}

func usesMultiMatch(s string) bool {
	s = strings.ToLower(s)
	for _, p := range multiMatchPaths {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}

const multiMatchMessage = "Filters and sorts through back-relations (…_via_…) or @collection are not allowed."

// RefuseMultiMatchFilters refuses, with a 400 naming the parameter, a
// records request whose filter or sort goes through a back-relation or an
// @collection join.
func (h *Hooks) RefuseMultiMatchFilters(e *core.RequestEvent) error {
	if !strings.HasPrefix(e.Request.URL.Path, "/api/collections/") || e.HasSuperuserAuth() {
		return e.Next()
	}
	query := e.Request.URL.Query()
	errs := validation.Errors{}
	for _, param := range []string{"filter", "sort"} {
		for _, v := range query[param] {
			if usesMultiMatch(v) {
				errs[param] = validation.NewError("validation_not_allowed", multiMatchMessage)
			}
		}
	}
	if len(errs) > 0 {
		return e.BadRequestError("Invalid "+firstKey(errs)+" parameter.", errs)
	}
	return e.Next()
}

// RefuseMultiMatchSubscriptions does the same for realtime subscriptions,
// whose options carry a filter of their own.
func (h *Hooks) RefuseMultiMatchSubscriptions(e *core.RealtimeSubscribeRequestEvent) error {
	if !e.HasSuperuserAuth() {
		for _, sub := range e.Subscriptions {
			if usesMultiMatch(sub) {
				return e.Error(http.StatusBadRequest, "Invalid subscriptions.",
					validation.Errors{"subscriptions": validation.NewError("validation_not_allowed", multiMatchMessage)})
			}
		}
	}
	return e.Next()
}

func firstKey(errs validation.Errors) string {
	if _, ok := errs["filter"]; ok {
		return "filter"
	}
	return "sort"
}
