package hooks_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"github.com/rollcall/rollcall/hooks"
	"github.com/rollcall/rollcall/openapi/contract"
)

// The seeded roll after its second scrape (apptest.SeededRoll): present are
// 1001 and 1002 (AMANZIMTOTI, SOMERSET WAY), 1003 (PINETOWN), 1004
// (KINGSBURGH, no rate number, value or use code), 2001 and 2002 (DURBAN
// NORTH, sectional, HAWTHORN ROAD); 1005 (HAMMARSDALE) is gone. 1001's
// market value rose from 1,500,000 to 1,650,000 in the second scrape.

// findScenarios runs each scenario on the seeded roll, held to the
// document; 400s are checked on their response only (the document refuses
// their requests).
func findScenarios(t *testing.T, scenarios []tests.ApiScenario) {
	t.Helper()
	checker, err := contract.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range scenarios {
		s.Method = http.MethodGet
		s.TestAppFactory = seededApp(nil)
		s = checker.ByStatus(s)
		s.Test(t)
	}
}

func TestValuationSuggest(t *testing.T) {
	p := hooks.SuggestPath + "?q="
	findScenarios(t, []tests.ApiScenario{
		{
			Name: "a suburb by its start, any case, with the present properties it holds", URL: p + "amanz", ExpectedStatus: 200,
			ExpectedContent: []string{`{"q":"amanz","year":0,"groups":[{"kind":"suburb","label":"Suburbs","items":[{"label":"AMANZIMTOTI","param":"suburb","value":"AMANZIMTOTI","count":2}]}],"didYouMean":[]}`},
		},
		{
			Name: "a suburb by a later word's start", URL: p + "north", ExpectedStatus: 200,
			ExpectedContent: []string{`"items":[{"label":"DURBAN NORTH","param":"suburb","value":"DURBAN NORTH","count":2}]`},
		},
		{
			Name: "a street by any part of its name, counted as the address filter would", URL: p + "merset", ExpectedStatus: 200,
			ExpectedContent:    []string{`{"kind":"street","label":"Streets","items":[{"label":"SOMERSET WAY","param":"address","value":"SOMERSET WAY","count":2}]}`},
			NotExpectedContent: []string{`"kind":"suburb"`},
		},
		{
			Name: "an owner by the name's start (surname first), not counted", URL: p + "govender", ExpectedStatus: 200,
			ExpectedContent: []string{`"groups":[{"kind":"owner","label":"Owners","items":[{"label":"GOVENDER ASHA","param":"owner","value":"GOVENDER ASHA","count":null}]}]`},
		},
		{
			Name: "owners need three characters (the owner filter does)", URL: p + "go", ExpectedStatus: 200,
			NotExpectedContent: []string{`"kind":"owner"`},
			ExpectedContent:    []string{`"q":"go"`},
		},
		{
			Name: "rate numbers starting with digits, told apart by address", URL: p + "051", ExpectedStatus: 200,
			ExpectedContent: []string{`{"kind":"rateNumber","label":"Rate numbers","items":[` +
				`{"label":"05100037 · 26 SOMERSET WAY, AMANZIMTOTI","param":"rateNumber","value":"05100037","count":1},` +
				`{"label":"05100038 · 28 SOMERSET WAY, AMANZIMTOTI","param":"rateNumber","value":"05100038","count":1}]}`},
			NotExpectedContent: []string{`rateNumberPrefix`},
		},
		{
			Name: "a gone property's suburb is not offered", URL: p + "hammarsdale", ExpectedStatus: 200,
			ExpectedContent: []string{`"groups":[],"didYouMean":[]`},
		},
		{
			Name: "nothing found: did you mean the nearest suburb", URL: p + "pinetwn", ExpectedStatus: 200,
			ExpectedContent: []string{`"groups":[],"didYouMean":[{"label":"PINETOWN","param":"suburb","value":"PINETOWN","count":1}]`},
		},
		{
			Name: "a swap of letters is one edit", URL: p + "kingsbrugh", ExpectedStatus: 200,
			ExpectedContent: []string{`"didYouMean":[{"label":"KINGSBURGH","param":"suburb","value":"KINGSBURGH","count":1}]`},
		},
		{
			Name: "nothing near either", URL: p + "zzzzzz", ExpectedStatus: 200,
			ExpectedContent: []string{`"groups":[],"didYouMean":[]`},
		},
		{
			Name: "the text is trimmed", URL: p + "%20%20amanz%20", ExpectedStatus: 200,
			ExpectedContent: []string{`"q":"amanz"`, `"value":"AMANZIMTOTI"`},
		},
		{
			Name: "SQL-looking text is text", URL: p + url.QueryEscape(`AMANZIMTOTI' OR '1'='1`), ExpectedStatus: 200,
			ExpectedContent: []string{`"groups":[]`},
		},
		{
			Name: "a year with no roll stored: nothing", URL: p + "amanz&year=2017", ExpectedStatus: 200,
			ExpectedContent: []string{`"year":2017,"groups":[],"didYouMean":[]`},
		},
	})
}

func TestValuationFindParameterErrors(t *testing.T) {
	cases := []struct{ path, query, param string }{
		{hooks.SuggestPath, "", "q"},
		{hooks.SuggestPath, "q=a", "q"},
		{hooks.SuggestPath, "q=%20a%20%20", "q"},
		{hooks.SuggestPath, "q=" + strings.Repeat("a", 101), "q"},
		{hooks.SuggestPath, "q=ab&q=cd", "q"},
		{hooks.SuggestPath, "q=ab%00", "q"},
		{hooks.SuggestPath, "q=pine&year=22", "year"},
		{hooks.SuggestPath, "q=pine&suburb=PINETOWN", "suburb"}, // suggest takes q and year only
		{hooks.FacetsPath, "size=0", "size"},
		{hooks.FacetsPath, "size=51", "size"},
		{hooks.FacetsPath, "size=ten", "size"},
		{hooks.FacetsPath, "sort=-marketValue", "sort"},
		{hooks.FacetsPath, "page=2", "page"},
		{hooks.FacetsPath, "marketValueMin=abc", "marketValueMin"},
		{hooks.FacetsPath, "suburbExact=" + strings.Repeat("a", 101), "suburbExact"},
		{hooks.StatsPath, "owner=ab", "owner"},
		{hooks.StatsPath, "size=10", "size"},
		{hooks.StatsPath, "roll=both", "roll"},
		{hooks.StatsPath, "extentMin=5&extentMax=1", "extentMin"},
		{hooks.ChangesPath, "since=yesterday", "since"},
		{hooks.ChangesPath, "since=2026-11-21T00:00:00Z", "since"},
		{hooks.ChangesPath, "since=2026-02-30", "since"},
		{hooks.ChangesPath, "since=2026-01-01&since=2026-02-01", "since"},
		{hooks.ChangesPath, "gone=maybe", "gone"},
		{hooks.ChangesPath, "limit=5", "limit"},
	}
	var scenarios []tests.ApiScenario
	for _, c := range cases {
		scenarios = append(scenarios, namesParam(c.path, c.query, c.param))
	}
	findScenarios(t, scenarios)
}

type facetsBody struct {
	Total  int64 `json:"total"`
	Facets []struct {
		Param  string `json:"param"`
		Values []struct {
			Value string `json:"value"`
			Count int64  `json:"count"`
		} `json:"values"`
		More bool `json:"more"`
	} `json:"facets"`
}

func TestValuationFacets(t *testing.T) {
	all := `"total":7,"facets":[` +
		`{"param":"suburb","exactParam":"suburbExact","label":"Suburb","values":[{"value":"AMANZIMTOTI","label":"AMANZIMTOTI","count":2},{"value":"DURBAN NORTH","label":"DURBAN NORTH","count":2},{"value":"HAMMARSDALE","label":"HAMMARSDALE","count":1},{"value":"KINGSBURGH","label":"KINGSBURGH","count":1},{"value":"PINETOWN","label":"PINETOWN","count":1}],"more":false},` +
		`{"param":"useCode","label":"Use","values":[{"value":"15","label":"Single Residential","count":2},{"value":"16","label":"Sectional Residential","count":2},{"value":"47","label":"Vacant Land","count":2}],"more":false},` +
		`{"param":"ratingCategory","label":"Rating category","values":[{"value":"Residential","label":"Residential","count":5},{"value":"Vacant Land","label":"Vacant Land","count":2}],"more":false},` +
		`{"param":"roll","label":"Roll","values":[{"value":"full","label":"Full title","count":5},{"value":"sectional","label":"Sectional title","count":2}],"more":false}]}`
	findScenarios(t, []tests.ApiScenario{
		{Name: "the whole roll, by count then value", URL: hooks.FacetsPath, ExpectedStatus: 200, ExpectedContent: []string{all}},
		{
			Name: "size cuts each facet and says more exist", URL: hooks.FacetsPath + "?size=1", ExpectedStatus: 200,
			ExpectedContent: []string{
				`"values":[{"value":"AMANZIMTOTI","label":"AMANZIMTOTI","count":2}],"more":true}`,
				`"values":[{"value":"full","label":"Full title","count":5}],"more":true}`,
			},
		},
		{
			Name: "faceted columns only (answered from the roll's count by those columns)", URL: hooks.FacetsPath + "?roll=full&gone=false", ExpectedStatus: 200,
			ExpectedContent: []string{`"total":4`, `"values":[{"value":"AMANZIMTOTI","label":"AMANZIMTOTI","count":2},{"value":"KINGSBURGH","label":"KINGSBURGH","count":1},{"value":"PINETOWN","label":"PINETOWN","count":1}],"more":false}`},
		},
		{
			Name: "any other filter is counted in SQL", URL: hooks.FacetsPath + "?owner=naidoo", ExpectedStatus: 200,
			ExpectedContent: []string{`"total":1`, `"values":[{"value":"DURBAN NORTH","label":"DURBAN NORTH","count":1}]`, `"values":[{"value":"sectional","label":"Sectional title","count":1}]`},
		},
		{
			Name: "no match: empty facets", URL: hooks.FacetsPath + "?suburb=UMLAZI", ExpectedStatus: 200,
			ExpectedContent: []string{`"total":0`, `{"param":"suburb","exactParam":"suburbExact","label":"Suburb","values":[],"more":false}`},
		},
	})

	// The facets' total is the list's total, and each value's count is the
	// list's total once that value is added, whichever way it is counted.
	filters := []string{"", "roll=full", "gone=false", "suburb=durban", "suburb=a", "suburbExact=amanzimtoti", "useCode=vacant%20land",
		"useCode=15", "ratingCategory=RESIDENTIAL", "owner=naidoo", "marketValueMin=1000000", "address=road", "roll=sectional&gone=false",
		"rateNumberPrefix=05&ratingCategory=residential"}
	for _, filter := range filters {
		var facets facetsBody
		get(t, hooks.FacetsPath+"?"+filter, &facets)
		if total := listTotal(t, filter); facets.Total != total {
			t.Errorf("%q: facets total %d, list total %d", filter, facets.Total, total)
		}
		for _, f := range facets.Facets {
			param := f.Param
			if param == "suburb" {
				param = "suburbExact"
			}
			for _, v := range f.Values {
				values, err := url.ParseQuery(filter)
				if err != nil {
					t.Fatal(err)
				}
				values.Set(param, v.Value)
				if total := listTotal(t, values.Encode()); total != v.Count {
					t.Errorf("%q: %s=%s counted %d, the list finds %d", filter, param, v.Value, v.Count, total)
				}
			}
		}
	}
}

// get decodes the JSON answer to a GET on the seeded roll.
func get(t *testing.T, url string, into any) {
	t.Helper()
	app := seededApp(nil)(t)
	defer app.Cleanup()
	s := tests.ApiScenario{Method: http.MethodGet, URL: url, ExpectedStatus: 200, ExpectedContent: []string{"{"},
		TestAppFactory: func(testing.TB) *tests.TestApp { return app },
		AfterTestFunc: func(t testing.TB, _ *tests.TestApp, res *http.Response) {
			if err := json.NewDecoder(res.Body).Decode(into); err != nil {
				t.Fatal(err)
			}
		}}
	s.Test(t)
}

func listTotal(t *testing.T, filter string) int64 {
	t.Helper()
	var body listBody
	get(t, hooks.ValuationsPath+"?"+filter, &body)
	return body.TotalItems
}

func TestValuationStats(t *testing.T) {
	findScenarios(t, []tests.ApiScenario{
		{
			// Values 33,000 (gone), 50,000, 980,000, 1,100,000, 1,200,000, 1,650,000; 1004 has none.
			// Quartiles at positions 1.25, 2.5 and 3.75 of the ordered values.
			Name: "the whole roll: quartiles interpolate, bins 1–2–5 from the lowest to the highest", URL: hooks.StatsPath, ExpectedStatus: 200,
			ExpectedContent: []string{
				`"count":7,"valued":6,"totalValue":5013000`,
				`"marketValue":{"min":33000,"q1":282500,"median":1040000,"q3":1175000,"max":1650000}`,
				`"valuePerM2":{"min":30.44,`, `"max":13750}`,
				`"histogram":[{"from":20000,"to":50000,"count":1},{"from":50000,"to":100000,"count":1},{"from":100000,"to":200000,"count":0},` +
					`{"from":200000,"to":500000,"count":0},{"from":500000,"to":1000000,"count":1},{"from":1000000,"to":2000000,"count":3}]`,
				// No suburb has five valued properties.
				`"suburbs":[]`,
			},
		},
		{
			Name: "one suburb", URL: hooks.StatsPath + "?suburbExact=amanzimtoti", ExpectedStatus: 200,
			ExpectedContent: []string{`"count":2,"valued":2,"totalValue":2630000`, `"marketValue":{"min":980000,"q1":1147500,"median":1315000,"q3":1482500,"max":1650000}`},
		},
		{
			Name: "no valued property: null summaries, no bins", URL: hooks.StatsPath + "?suburb=kingsburgh", ExpectedStatus: 200,
			ExpectedContent: []string{`"count":1,"valued":0,"totalValue":0,"marketValue":null,"valuePerM2":null,"histogram":[],"suburbs":[]`},
		},
		{
			Name: "nothing matches", URL: hooks.StatsPath + "?owner=nobody", ExpectedStatus: 200,
			ExpectedContent: []string{`"count":0,"valued":0,"totalValue":0,"marketValue":null`},
		},
	})
}

// A filter on faceted columns is computed from the roll's snapshot, any
// other in SQL: adding a filter that every property passes
// (changedSince before the first scrape) gives the same figures.
func TestValuationStatsBothWays(t *testing.T) {
	for _, filter := range []string{"", "roll=full", "gone=false", "suburb=a", "suburbExact=durban%20north", "useCode=vacant%20land",
		"ratingCategory=residential&roll=sectional", "useCode=15"} {
		var fromSnapshot, fromSQL map[string]any
		get(t, hooks.StatsPath+"?"+filter, &fromSnapshot)
		get(t, hooks.StatsPath+"?"+filter+"&changedSince=2000-01-01", &fromSQL)
		a, _ := json.Marshal(fromSnapshot)
		b, _ := json.Marshal(fromSQL)
		if string(a) != string(b) {
			t.Errorf("%q: snapshot %s\n SQL %s", filter, a, b)
		}
	}
}

func TestValuationChanges(t *testing.T) {
	rise := `"rises":[{"id":"` + pins()["1001"] + `","rateNumber":"05100037","address":"26 SOMERSET WAY, AMANZIMTOTI","suburb":"AMANZIMTOTI",` +
		`"from":1500000,"to":1650000,"changePct":10,"changed":"2026-11-22 02:00:`
	findScenarios(t, []tests.ApiScenario{
		{
			Name: "all history: the rise, from the value before it", URL: hooks.ChangesPath, ExpectedStatus: 200,
			ExpectedContent: []string{`"since":null,"changed":1,"up":1,"down":0,"medianChangePct":10,`, rise, `"falls":[]`},
		},
		{
			Name: "since a date before the change", URL: hooks.ChangesPath + "?since=2026-11-21", ExpectedStatus: 200,
			ExpectedContent: []string{`"since":"2026-11-21","changed":1,"up":1`, rise},
		},
		{
			Name: "since a date after it: none", URL: hooks.ChangesPath + "?since=2026-11-23", ExpectedStatus: 200,
			ExpectedContent: []string{`"since":"2026-11-23","changed":0,"up":0,"down":0,"medianChangePct":null,"rises":[],"falls":[]`},
		},
		{
			Name: "the filter applies", URL: hooks.ChangesPath + "?roll=sectional", ExpectedStatus: 200,
			ExpectedContent: []string{`"changed":0,`},
		},
		{
			Name: "a gone property's disappearance is not a value change", URL: hooks.ChangesPath + "?gone=true", ExpectedStatus: 200,
			ExpectedContent: []string{`"changed":0,`},
		},
	})
}
