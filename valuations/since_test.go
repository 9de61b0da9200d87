package valuations_test

import (
	"net/url"
	"regexp"
	"testing"

	"github.com/rollcall/rollcall/openapi/contract"
	"github.com/rollcall/rollcall/valuations"
)

// changedSince takes exactly the forms its pattern in openapi.yaml allows:
// a client that follows the document is never refused, and one the
// document refuses is refused here too.
func TestChangedSinceMatchesItsDocumentedPattern(t *testing.T) {
	checker, err := contract.Load()
	if err != nil {
		t.Fatal(err)
	}
	param := checker.Doc.Components.Parameters["changedSince"]
	if param == nil || param.Value.Schema == nil || param.Value.Schema.Value.Pattern == "" {
		t.Fatal("openapi.yaml has no pattern for changedSince")
	}
	pattern := regexp.MustCompile(param.Value.Schema.Value.Pattern)
	for _, since := range []string{
		"2026-11-01",
		"2026-11-01T10:00:00Z",
		"2026-11-01T10:00:00.5Z",
		"2026-11-01T10:00:00+02:00",
		"2026-11-01 10:00:00Z",
		"2026-11-23 02:01:09.077Z", // as `updated` says it
		"2026-11-01 10:00:00.123456-05:30",
		"2026-11-01T10:00Z",
		"2026-11-01T10:00:00",
		"2026-11-01 10:00:00",
		"2026-11-01T10Z",
		"2026-11-01x10:00:00Z",
		"2026-1-01",
		"yesterday",
	} {
		_, err := valuations.ParseList(url.Values{"changedSince": {since}})
		if documented, accepted := pattern.MatchString(since), err == nil; documented != accepted {
			t.Errorf("%q: the document allows it: %v; the API takes it: %v (%v)", since, documented, accepted, err)
		}
	}
}
