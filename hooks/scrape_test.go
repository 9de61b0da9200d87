package hooks_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"
)

// The scraped collections are written by the scraper alone: a signed-in
// user can neither read the raw run log nor write a property. (The public
// valuation API reads them through its own routes.)
func TestValuationCollectionsRefuseUsers(t *testing.T) {
	factory := fixture.Factory(nil)
	for _, collection := range []string{"properties", "property_history", "scrape_runs"} {
		base := "/api/collections/" + collection + "/records"
		for _, c := range []struct {
			role, method, url, body string
			status                  int
		}{
			{"anonymous", http.MethodGet, base, "", 403},
			{"alice", http.MethodGet, base, "", 403},
			{"alice", http.MethodPost, base, `{"pin":"P1","roll":"full","field":"x","at":"2026-11-23 10:00:00.000Z","started":"2026-11-23 10:00:00.000Z","status":"ok","rolls":"full","base_url":"http://x"}`, 403},
			{"super", http.MethodGet, base, "", 200},
		} {
			headers := map[string]string{}
			if c.role != "anonymous" {
				headers = auth(c.role)
			}
			s := tests.ApiScenario{
				Name: c.method + " " + collection + " as " + c.role, Method: c.method, URL: c.url,
				Body: strings.NewReader(c.body), Headers: headers,
				ExpectedStatus: c.status, ExpectedContent: []string{`"`}, TestAppFactory: factory,
			}
			s.Test(t)
		}
	}
}

func TestScrapeTriggerIsForSuperusersOnly(t *testing.T) {
	factory := fixture.Factory(nil)
	for _, s := range []tests.ApiScenario{
		{Name: "anonymous", Method: http.MethodPost, URL: "/api/valuations/scrape", ExpectedStatus: 401, ExpectedContent: []string{`"status":401`}},
		{Name: "a user", Method: http.MethodPost, URL: "/api/valuations/scrape", Headers: auth("alice"), ExpectedStatus: 403, ExpectedContent: []string{`"status":403`}},
		{Name: "a bad roll", Method: http.MethodPost, URL: "/api/valuations/scrape", Headers: auth("super"), Body: body(`{"roll":"commercial"}`),
			ExpectedStatus: 400, ExpectedContent: []string{`"roll":{"code":"validation_invalid_roll"`}},
		{Name: "not JSON", Method: http.MethodPost, URL: "/api/valuations/scrape", Headers: auth("super"), Body: body(`{"roll":`),
			ExpectedStatus: 400, ExpectedContent: []string{`"body":{"code":"validation_invalid_json"`}},
	} {
		s.TestAppFactory = factory
		s.Test(t)
	}
}
