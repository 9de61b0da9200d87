package hooks_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/tests"

	"github.com/rollcall/rollcall/config"
	"github.com/rollcall/rollcall/hooks"
	"github.com/rollcall/rollcall/internal/apptest"
	"github.com/rollcall/rollcall/openapi/contract"
)

// valuationFixture is the question fixture plus apptest.SeededRoll, built
// once for the package.
var valuationFixture = sync.OnceValues(func() (*apptest.Fixture, apptest.Seeded) {
	f, seeded, err := fixture.WithValuations()
	if err != nil {
		panic(err)
	}
	return f, seeded
})

// seededApp clones the valuation fixture for one scenario.
func seededApp(cfg *config.Config) func(testing.TB) *tests.TestApp {
	f, _ := valuationFixture()
	return f.Factory(cfg)
}

func pins() map[string]string {
	_, seeded := valuationFixture()
	return seeded.IDs
}

type listBody struct {
	Page       int   `json:"page"`
	PerPage    int   `json:"perPage"`
	TotalItems int64 `json:"totalItems"`
	TotalPages int64 `json:"totalPages"`
	Items      []struct {
		ID  string `json:"id"`
		PIN string `json:"pin"`
	} `json:"items"`
}

// expectPins checks a list answer holds exactly these PINs in this order.
func expectPins(total int64, want ...string) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, _ *tests.TestApp, res *http.Response) {
		var body listBody
		if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, item := range body.Items {
			got = append(got, item.PIN)
		}
		if !slices.Equal(got, want) || body.TotalItems != total {
			t.Errorf("got PINs %v (total %d), want %v (total %d)", got, body.TotalItems, want, total)
		}
	}
}

func TestValuationFilters(t *testing.T) {
	checker, err := contract.Load()
	if err != nil {
		t.Fatal(err)
	}
	byRate := []string{"1001", "1002", "2001", "2002", "1005", "1003", "1004"}
	cases := []struct {
		name, query string
		total       int64
		pins        []string
	}{
		{"everything, by rate number (no rate number last)", "", 7, byRate},
		{"roll", "roll=sectional", 2, []string{"2001", "2002"}},
		{"rate number exact", "rateNumber=05100037", 1, []string{"1001"}},
		{"rate number prefix", "rateNumberPrefix=051", 2, []string{"1001", "1002"}},
		{"shorter prefix spans rolls", "rateNumberPrefix=05", 4, []string{"1001", "1002", "2001", "2002"}},
		{"suburb ignores case", "suburb=amanzimtoti", 2, []string{"1001", "1002"}},
		{"suburb is a prefix", "suburb=durban%20n", 2, []string{"2001", "2002"}},
		{"suburb prefix across suburbs", "suburb=k", 1, []string{"1004"}},
		{"suburb prefix, nothing starts so", "suburb=ham%20x", 0, nil},
		{"suburbExact: the whole name, any case", "suburbExact=durban%20north", 2, []string{"2001", "2002"}},
		{"suburbExact: a prefix is not enough", "suburbExact=DURBAN", 0, nil},
		{"suburb from the address when the site's entry is empty", "suburb=Hammarsdale", 1, []string{"1005"}},
		{"scheme", "scheme=ss%201%20hawthorn%20road", 2, []string{"2001", "2002"}},
		{"use code", "useCode=47", 2, []string{"1005", "1003"}},
		{"use label", "useCode=vacant%20land", 2, []string{"1005", "1003"}},
		{"rating category", "ratingCategory=VACANT%20LAND", 2, []string{"1005", "1003"}},
		{"owner, partial, diacritics folded", "owner=muller", 1, []string{"1002"}},
		{"owner, middle of a name", "owner=aidoo", 1, []string{"2001"}},
		{"owner with quotes in the name", "owner=%22RAJ%22", 1, []string{"1003"}},
		{"address, partial", "address=somerset", 2, []string{"1001", "1002"}},
		{"address across the comma", "address=ROAD%2C%20DURBAN", 2, []string{"2001", "2002"}},
		{"street number", "streetNumber=26", 1, []string{"1001"}},
		{"market value min (no value excluded)", "marketValueMin=1000000", 3, []string{"1001", "2001", "2002"}},
		{"market value max", "marketValueMax=60000", 2, []string{"1005", "1003"}},
		{"market value range, inclusive", "marketValueMin=980000&marketValueMax=1200000", 3, []string{"1002", "2001", "2002"}},
		{"extent range with decimals", "extentMin=800.5&extentMax=1100", 2, []string{"1002", "1005"}},
		{"gone", "gone=true", 1, []string{"1005"}},
		{"present", "gone=false", 6, []string{"1001", "1002", "2001", "2002", "1003", "1004"}},
		{"changed since a date", "changedSince=2026-11-21", 2, []string{"1001", "1005"}},
		{"changed since a time with offset", "changedSince=2026-11-22T04:00:00%2B02:00", 2, []string{"1001", "1005"}},
		{"filters combine", "roll=full&gone=false&marketValueMin=1", 3, []string{"1001", "1002", "1003"}},
		{"nothing matches", "suburb=UMLAZI", 0, nil},

		{"sort market value down, no value last", "sort=-marketValue", 7, []string{"1001", "2001", "2002", "1002", "1003", "1005", "1004"}},
		{"sort market value up, no value still last", "sort=marketValue", 7, []string{"1005", "1003", "1002", "2002", "2001", "1001", "1004"}},
		{"sort extent", "sort=extent", 7, []string{"2002", "2001", "1003", "1002", "1005", "1001", "1004"}},
		{"sort extent down", "sort=-extent", 7, []string{"1001", "1005", "1002", "1003", "2001", "2002", "1004"}},
		{"sort rate number down, no rate number still last", "sort=-rateNumber", 7, []string{"1003", "1005", "2002", "2001", "1002", "1001", "1004"}},
		// A page that straddles the rows with a rate number and those without.
		{"rate number, page across the empty ones", "perPage=4&page=2", 7, []string{"1005", "1003", "1004"}},
		{"rate number, page of the empty ones only", "perPage=6&page=2", 7, []string{"1004"}},
		{"rate number, filtered: empty last", "roll=full&gone=false", 4, []string{"1001", "1002", "1003", "1004"}},
		{"sort address, ties by id", "sort=address", 7, []string{"1003", "1005", "1001", "1002", "2001", "2002", "1004"}},
		{"sort address down, ties by id down", "sort=-address", 7, []string{"1004", "2002", "2001", "1002", "1001", "1005", "1003"}},
		{"sort suburb", "sort=suburb", 7, []string{"1001", "1002", "2001", "2002", "1005", "1004", "1003"}},
		{"sort last change, newest first", "sort=-updated&perPage=2", 7, []string{"1005", "1001"}},
		{"filter and sort", "roll=full&sort=-marketValue", 5, []string{"1001", "1002", "1003", "1005", "1004"}},

		{"second page", "perPage=2&page=2", 7, byRate[2:4]},
		{"last page is short", "perPage=3&page=3", 7, byRate[6:]},
		{"past the end: empty, total kept", "perPage=3&page=9", 7, nil},

		// SQL- and FTS-looking input is a value like any other.
		{"SQL in a text filter", "suburb=AMANZIMTOTI'%20OR%20'1'%3D'1", 0, nil},
		{"SQL in a partial match", "owner='%20OR%201%3D1%20--", 0, nil},
		{"FTS operators are literal", "owner=NAIDOO%20OR%20GOVENDER", 0, nil},
		{"FTS quote breaking", "address=%22%20OR%20%22%22%3D%22", 0, nil},
	}
	for _, c := range cases {
		url := hooks.ValuationsPath
		if c.query != "" {
			url += "?" + c.query
		}
		s := checker.Scenario(tests.ApiScenario{
			Name: c.name, Method: http.MethodGet, URL: url, ExpectedStatus: 200,
			ExpectedContent: []string{`"totalItems":`}, TestAppFactory: seededApp(nil),
			AfterTestFunc: expectPins(c.total, c.pins...),
		})
		s.Test(t)
	}
}

func TestValuationParameterErrors(t *testing.T) {
	checker, err := contract.Load()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ path, query, param string }{
		{hooks.ValuationsPath, "foo=1", "foo"},
		{hooks.ValuationsPath, "filter=address~'x'", "filter"},
		{hooks.ValuationsPath, "roll=both", "roll"},
		{hooks.ValuationsPath, "rateNumber=12a", "rateNumber"},
		{hooks.ValuationsPath, "rateNumberPrefix=0%25", "rateNumberPrefix"},
		{hooks.ValuationsPath, "marketValueMin=abc", "marketValueMin"},
		{hooks.ValuationsPath, "marketValueMin=-5", "marketValueMin"},
		{hooks.ValuationsPath, "marketValueMax=1.5", "marketValueMax"},
		{hooks.ValuationsPath, "marketValueMin=10&marketValueMax=5", "marketValueMin"},
		{hooks.ValuationsPath, "extentMin=NaN", "extentMin"},
		{hooks.ValuationsPath, "extentMin=5&extentMax=1", "extentMin"},
		{hooks.ValuationsPath, "useCode=9999999", "useCode"},
		{hooks.ValuationsPath, "owner=ab", "owner"},
		{hooks.ValuationsPath, "address=x", "address"},
		{hooks.ValuationsPath, "address=" + strings.Repeat("a", 101), "address"},
		{hooks.ValuationsPath, "gone=yes", "gone"},
		{hooks.ValuationsPath, "changedSince=yesterday", "changedSince"},
		{hooks.ValuationsPath, "sort=price", "sort"},
		{hooks.ValuationsPath, "sort=--marketValue", "sort"},
		{hooks.ValuationsPath, "perPage=201", "perPage"},
		{hooks.ValuationsPath, "perPage=0", "perPage"},
		{hooks.ValuationsPath, "page=0", "page"},
		{hooks.ValuationsPath, "suburb=A&suburb=B", "suburb"},
		{hooks.ValuationsPath, "owner=abc%00def", "owner"},
		{hooks.ValuationsPath, "address=%ff%fe%fd", "address"},
		{hooks.ValuationsPath, "address=%zz", "query"},
		{hooks.ValuationsCSVPath, "page=1", "page"},
		{hooks.ValuationsCSVPath, "marketValueMin=x", "marketValueMin"},
		{hooks.RunsPath, "limit=0", "limit"},
		{hooks.RunsPath, "limit=51", "limit"},
		{hooks.RunsPath, "since=1", "since"},
		{hooks.StatusPath, "verbose=1", "verbose"},
		{"/api/valuations/" + "NOT-AN-ID", "", "id"},
	}
	for _, c := range cases {
		s := namesParam(c.path, c.query, c.param)
		s.TestAppFactory = seededApp(nil)
		// The contract cannot route a malformed query string, and it
		// would (rightly) refuse the other requests before the server saw
		// them: only the responses are checked against it here.
		if c.param != "query" {
			s = checker.ResponseScenario(s)
		}
		s.Test(t)
	}
}

// namesParam is a GET of path?query that must be a 400 naming param.
func namesParam(path, query, param string) tests.ApiScenario {
	if query != "" {
		path += "?" + query
	}
	return tests.ApiScenario{
		Name: "400 naming " + param + ": " + path, Method: http.MethodGet, URL: path,
		ExpectedStatus: 400, ExpectedContent: []string{`"status":400`, `"data":{"` + param + `":{"code":"validation_`},
	}
}

func TestValuationDetail(t *testing.T) {
	checker, err := contract.Load()
	if err != nil {
		t.Fatal(err)
	}
	_, seeded := valuationFixture()
	ids := pins()
	for _, s := range []tests.ApiScenario{
		{
			Name: "a changed property: its history and the runs that saw it", Method: http.MethodGet, URL: "/api/valuations/" + ids["1001"],
			ExpectedStatus: 200,
			ExpectedContent: []string{
				`"pin":"1001"`, `"marketValue":1650000`,
				`"history":[{"field":"market_value","old":1500000,"new":1650000,"at":"2026-11-22 02:00:`,
				`"run":"` + seeded.SecondRun + `"}]`,
				`"runs":[{"id":"` + seeded.SecondRun + `"`, `{"id":"` + seeded.FirstRun + `"`, `"runsTotal":2`,
			},
		},
		{
			Name: "a gone property: the run that missed it did not see it", Method: http.MethodGet, URL: "/api/valuations/" + ids["1005"],
			ExpectedStatus: 200,
			ExpectedContent: []string{
				`"goneAt":"2026-11-22 02:00:`, `"field":"gone_at","old":null,"new":"2026-11-22 02:00:`,
				`"runs":[{"id":"` + seeded.FirstRun + `"`, `"runsTotal":1`,
			},
			NotExpectedContent: []string{`"runs":[{"id":"` + seeded.SecondRun},
		},
		{
			Name: "empty values are null, never 0", Method: http.MethodGet, URL: "/api/valuations/" + ids["1004"],
			ExpectedStatus: 200,
			ExpectedContent: []string{
				`"rateNumber":""`, `"owners":null,"useCode":null`, `"marketValue":null,"extent":null`,
				`"goneAt":null`, `"history":[]`,
			},
		},
		{
			Name: "unknown id", Method: http.MethodGet, URL: "/api/valuations/abcdefghij12345",
			ExpectedStatus: 404, ExpectedContent: []string{`"status":404`},
		},
		{
			Name: "a parameter on the detail route", Method: http.MethodGet, URL: "/api/valuations/" + ids["1004"] + "?expand=history",
			ExpectedStatus: 400, ExpectedContent: []string{`"expand":{"code":"validation_unknown_parameter"`},
		},
	} {
		s.TestAppFactory = seededApp(nil)
		s = checker.ByStatus(s)
		s.Test(t)
	}
}

func TestValuationRunsAndStatus(t *testing.T) {
	checker, err := contract.Load()
	if err != nil {
		t.Fatal(err)
	}
	_, seeded := valuationFixture()
	// The second seeded run finished at 02:00:08 on 22 November.
	at := func(after time.Duration) *config.Config {
		cfg := config.New()
		cfg.Now = apptest.NewClock(apptest.SecondScrape.Add(after)).Now
		return cfg
	}
	scheduled := func(cfg *config.Config, cron, zone string) *config.Config {
		cfg.Scrape.Cron, cfg.Scrape.TimeZone = cron, zone
		if err := cfg.Resolve(); err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	for _, s := range []tests.ApiScenario{
		{
			Name: "runs, newest first, without the lease", Method: http.MethodGet, URL: hooks.RunsPath,
			ExpectedStatus: 200, TestAppFactory: seededApp(nil),
			ExpectedContent: []string{
				`{"items":[{"id":"` + seeded.SecondRun + `"`, `"status":"ok","rolls":"full,sectional","scope":""`,
				`"rowsSeen":6,"rowsNew":0,"rowsChanged":1,"rowsUnchanged":5,"rowsGone":1`, `{"id":"` + seeded.FirstRun + `"`,
			},
			NotExpectedContent: []string{"lease", "base_url", "apptest"},
		},
		{
			Name: "runs, limited", Method: http.MethodGet, URL: hooks.RunsPath + "?limit=1",
			ExpectedStatus: 200, TestAppFactory: seededApp(nil),
			ExpectedContent: []string{`{"items":[{"id":"` + seeded.SecondRun + `"`}, NotExpectedContent: []string{seeded.FirstRun},
		},
		{
			Name: "status ok an hour after a successful scrape", Method: http.MethodGet, URL: hooks.StatusPath,
			ExpectedStatus: 200, TestAppFactory: seededApp(at(time.Hour)),
			ExpectedContent: []string{
				`"status":"ok","reasons":[]`, `"lastSuccess":{"id":"` + seeded.SecondRun + `"`,
				`"lastSuccessAgeSeconds":3592,"maxAgeSeconds":129600`, `"properties":{"present":6,"gone":1}`,
			},
		},
		{
			Name: "status degraded past --status-max-age, with the reason", Method: http.MethodGet, URL: hooks.StatusPath,
			ExpectedStatus: 200, TestAppFactory: seededApp(at(50 * time.Hour)),
			ExpectedContent: []string{
				`"status":"degraded","reasons":["the last successful scrape finished 50h ago, over the 36h limit"]`,
				`"lastSuccessAgeSeconds":179992`,
			},
		},
		{
			Name: "status names the next scheduled scrape in its zone", Method: http.MethodGet, URL: hooks.StatusPath,
			ExpectedStatus: 200, TestAppFactory: seededApp(scheduled(at(time.Hour), "0 2 * * *", "Africa/Johannesburg")),
			// 03:00 UTC on 22 November is 05:00 in Johannesburg: today's 02:00 has passed.
			ExpectedContent: []string{`"schedule":{"cron":"0 2 * * *","timeZone":"Africa/Johannesburg","next":"2026-11-23T02:00:00+02:00"}`},
		},
		{
			Name: "status: the next start in another zone", Method: http.MethodGet, URL: hooks.StatusPath,
			ExpectedStatus: 200, TestAppFactory: seededApp(scheduled(at(time.Hour), "30 4 * * 1", "UTC")),
			ExpectedContent: []string{`"schedule":{"cron":"30 4 * * 1","timeZone":"UTC","next":"2026-11-23T04:30:00Z"}`},
		},
		{
			Name: "status: no schedule when it is off", Method: http.MethodGet, URL: hooks.StatusPath,
			ExpectedStatus: 200, TestAppFactory: seededApp(scheduled(at(time.Hour), "off", "Africa/Johannesburg")),
			ExpectedContent: []string{`"schedule":null`},
		},
		{
			Name: "status degraded before any scrape", Method: http.MethodGet, URL: hooks.StatusPath,
			ExpectedStatus: 200, TestAppFactory: fixture.Factory(nil),
			ExpectedContent: []string{
				`"status":"degraded","reasons":["no whole-roll scrape has finished successfully yet"]`,
				`"lastSuccess":null,"lastSuccessAgeSeconds":null`, `"latestRun":null`, `"properties":{"present":0,"gone":0}`,
			},
		},
	} {
		s = checker.Scenario(s)
		s.Test(t)
	}
}
