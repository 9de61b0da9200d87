package hooks_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/rollcall/rollcall/hooks"
	"github.com/rollcall/rollcall/internal/apptest"
	"github.com/rollcall/rollcall/internal/fakesite"
	"github.com/rollcall/rollcall/openapi/contract"
	"github.com/rollcall/rollcall/scraper"
	"github.com/rollcall/rollcall/scraper/job"
	"github.com/rollcall/rollcall/scraper/store"
	"github.com/rollcall/rollcall/valuations"
)

// The API follows the scraper: after a re-scrape of the mutated fake site
// the ETag changes, every planted change is in its property's history, and
// the CSV export holds exactly the rows the JSON pages do.
func TestValuationAPIFollowsAScrape(t *testing.T) {
	checker, err := contract.Load()
	if err != nil {
		t.Fatal(err)
	}
	site := fakesite.New(fakesite.Generate(fakesite.Config{Seed: 11, FullRows: 600, SectionalRows: 120}))
	srv := httptest.NewServer(site)
	defer srv.Close()
	app := fixture.NewApp(t, nil)
	defer app.Cleanup()
	client := apptest.Serve(t, app)
	scrape := func() string {
		res, err := job.Run(context.Background(), app, job.Options{
			Spec:  store.Spec{Rolls: []scraper.Roll{scraper.FullTitle, scraper.Sectional}, BaseURL: srv.URL, Concurrency: 2},
			Sleep: func(context.Context, time.Duration) error { return nil },
		})
		if err != nil || res.Status != "ok" {
			t.Fatalf("scrape: %s, %v", res.Status, err)
		}
		return res.RunID
	}
	get := func(url string, headers map[string]string) *httptest.ResponseRecorder {
		t.Helper()
		rec := client.Get(url, headers)
		req := httptest.NewRequest(http.MethodGet, url, nil)
		if err := checker.Check(req, rec.Code, rec.Header(), rec.Body.Bytes()); err != nil {
			t.Error(err)
		}
		return rec
	}

	scrape()
	first := get(hooks.ValuationsPath+"?perPage=1", nil)
	var page listBody
	if err := json.Unmarshal(first.Body.Bytes(), &page); err != nil || page.TotalItems != 720 {
		t.Fatalf("after the first scrape: %v, %d properties, want 720", err, page.TotalItems)
	}
	etag := first.Header().Get("ETag")
	if rec := get(hooks.ValuationsPath+"?perPage=1", map[string]string{"If-None-Match": etag}); rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
		t.Fatalf("unchanged data: %d with %d bytes, want 304 and no body", rec.Code, rec.Body.Len())
	}

	planted := site.Mutate(3, 12)
	run := scrape()
	after := get(hooks.ValuationsPath+"?perPage=1", map[string]string{"If-None-Match": etag})
	if after.Code != http.StatusOK || after.Header().Get("ETag") == etag {
		t.Fatalf("after a changing scrape: %d, ETag %q (was %q); want 200 and a new ETag", after.Code, after.Header().Get("ETag"), etag)
	}
	for _, c := range planted {
		var id string
		if err := app.DB().NewQuery("SELECT id FROM properties WHERE pin = {:pin}").Bind(dbx.Params{"pin": c.PIN}).Row(&id); err != nil {
			t.Fatalf("planted PIN %s not stored: %v", c.PIN, err)
		}
		rec := get("/api/valuations/"+id, nil)
		var detail valuations.Detail
		if err := json.Unmarshal(rec.Body.Bytes(), &detail); err != nil {
			t.Fatal(err)
		}
		found := false
		for _, h := range detail.History {
			if (h.Field == c.Field || c.Field == fakesite.FieldUseCode && h.Field == "use_label") && h.Run == run {
				found = true
			}
		}
		if !found {
			t.Errorf("PIN %s: %s %q → %q not in its history %+v", c.PIN, c.Field, c.Old, c.New, detail.History)
		}
	}

	for _, query := range []string{"sort=-marketValue", "roll=sectional&sort=address", "marketValueMin=1000000&sort=-extent"} {
		compareCSVWithJSON(t, get, query)
	}
}

// compareCSVWithJSON checks the export of query row by row against the JSON
// pages of the same query.
func compareCSVWithJSON(t *testing.T, get func(string, map[string]string) *httptest.ResponseRecorder, query string) {
	t.Helper()
	rec := get(hooks.ValuationsCSVPath+"?"+query, nil)
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") ||
		!strings.Contains(rec.Header().Get("Content-Disposition"), "attachment") {
		t.Fatalf("export %s: %d %v", query, rec.Code, rec.Header())
	}
	records, err := csv.NewReader(rec.Body).ReadAll()
	if err != nil {
		t.Fatalf("export %s is not CSV: %v", query, err)
	}
	if strings.Join(records[0], ",") != strings.Join(valuations.CSVHeader, ",") {
		t.Fatalf("header %v", records[0])
	}
	var want [][]string
	for p := 1; ; p++ {
		var page struct {
			TotalPages int              `json:"totalPages"`
			Items      []map[string]any `json:"items"`
		}
		body := get(hooks.ValuationsPath+"?"+query+"&perPage=200&page="+strconv.Itoa(p), nil).Body.Bytes()
		if err := json.Unmarshal(body, &page); err != nil {
			t.Fatal(err)
		}
		for _, item := range page.Items {
			row := make([]string, len(valuations.CSVHeader))
			for i, name := range valuations.CSVHeader {
				row[i] = valuations.SafeCell(cell(item[name]))
			}
			want = append(want, row)
		}
		if p >= page.TotalPages {
			break
		}
	}
	got := records[1:]
	if len(got) != len(want) || len(want) == 0 {
		t.Fatalf("export %s: %d rows, JSON pages %d", query, len(got), len(want))
	}
	for i := range want {
		if strings.Join(got[i], "\x00") != strings.Join(want[i], "\x00") {
			t.Fatalf("export %s row %d:\n csv  %q\n json %q", query, i+1, got[i], want[i])
		}
	}
}

// cell writes a JSON value as the export does.
func cell(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case []any:
		parts := make([]string, len(v))
		for i, p := range v {
			parts[i] = fmt.Sprint(p)
		}
		return strings.Join(parts, "; ")
	}
	return fmt.Sprint(v)
}

func TestValuationExport(t *testing.T) {
	checker, err := contract.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []tests.ApiScenario{
		{
			Name: "header, quoting, formula guard, empty values", Method: http.MethodGet,
			URL: hooks.ValuationsCSVPath + "?roll=full&sort=marketValue", ExpectedStatus: 200,
			ExpectedContent: []string{
				strings.Join(valuations.CSVHeader, ",") + "\n",
				`,"RAJKUMAR ""RAJ"", DAYANAND",`,
				`,'=SUM(1+1),,,,Residential,,,`,
				`,"26 SOMERSET WAY, AMANZIMTOTI",`,
			},
			AfterTestFunc: func(t testing.TB, _ *tests.TestApp, res *http.Response) {
				records, err := csv.NewReader(res.Body).ReadAll()
				if err != nil || len(records) != 6 {
					t.Fatalf("%d records, %v; want a header and 5 rows", len(records), err)
				}
				pin := slices.Index(valuations.CSVHeader, "pin")
				var order []string
				for _, r := range records[1:] {
					order = append(order, r[pin])
				}
				if strings.Join(order, ",") != "1005,1003,1002,1001,1004" {
					t.Errorf("rows in order %v", order)
				}
			},
		},
		{
			Name: "the export is rate limited more tightly than the API", Method: http.MethodGet, URL: hooks.ValuationsCSVPath,
			ExpectedStatus: 429, ExpectedContent: []string{`"status":429`},
			BeforeTestFunc: spend(limit("GET "+hooks.ValuationsCSVPath), http.MethodGet, hooks.ValuationsCSVPath, "", func(int) string { return "" }),
		},
	} {
		s.TestAppFactory = seededApp(nil)
		s = checker.Scenario(s)
		s.Test(t)
	}
}
