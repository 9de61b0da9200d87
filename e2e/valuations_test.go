package e2e

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os/exec"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/rollcall/rollcall/internal/fakesite"
)

// valuationRoll is a running server whose data dir holds a small fake roll
// scraped twice by the real binary: once as generated, then after some
// values changed (so those properties have history) and the last few
// sectional units left the roll (so they are gone).
type valuationRoll struct {
	s       *Server
	changed fakesite.Change // a market-value change of a property with a rate number
	rate    string          // that property's rate number
	gone    []string        // rate numbers (maybe empty) of the units that left
}

func seedValuations(t *testing.T) *valuationRoll {
	t.Helper()
	s := StartServer(t)
	data := fakesite.Generate(fakesite.Config{Seed: 11, FullRows: 320, SectionalRows: 80})
	var site atomic.Pointer[fakesite.Site]
	site.Store(fakesite.New(data))
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { site.Load().ServeHTTP(w, r) }))
	t.Cleanup(fake.Close)
	scrapeInto(t, s.Dir, fake.URL)

	const leaving = 4
	smaller := *data
	smaller.Properties = data.Properties[:len(data.Properties)-leaving]
	second := fakesite.New(&smaller)
	roll := &valuationRoll{s: s}
	for _, p := range data.Properties[len(data.Properties)-leaving:] {
		roll.gone = append(roll.gone, p.RateNumber)
	}
	byPIN := map[string]string{}
	for _, p := range smaller.Properties {
		byPIN[p.PIN] = p.RateNumber
	}
	for _, c := range second.Mutate(5, 40) {
		if c.Field == fakesite.FieldMarketValue && byPIN[c.PIN] != "" {
			roll.changed, roll.rate = c, byPIN[c.PIN]
			break
		}
	}
	if roll.rate == "" {
		t.Fatal("no market-value change of a property with a rate number: pick another Mutate seed")
	}
	site.Store(second)
	scrapeInto(t, s.Dir, fake.URL)
	return roll
}

func scrapeInto(t *testing.T, dir, baseURL string) {
	t.Helper()
	out, err := exec.Command(binary, "scrape", "--dir", dir, "--base-url", baseURL, "--delay", "0", "--concurrency", "4").CombinedOutput()
	if err != nil || !strings.Contains(string(out), ": ok ") {
		t.Fatalf("scrape: %v\n%s", err, out)
	}
}

// apiValuation is what the tests read of the API's Valuation.
type apiValuation struct {
	ID            string   `json:"id"`
	RateNumber    string   `json:"rateNumber"`
	Address       string   `json:"address"`
	AddressSuburb string   `json:"addressSuburb"`
	Suburb        string   `json:"suburb"`
	MarketValue   *int64   `json:"marketValue"`
	Extent        *float64 `json:"extent"`
	GoneAt        *string  `json:"goneAt"`
}

type apiList struct {
	Page       int            `json:"page"`
	TotalItems int            `json:"totalItems"`
	TotalPages int            `json:"totalPages"`
	Items      []apiValuation `json:"items"`
}

// getJSON fetches path from the server with net/http into out.
func getJSON(t *testing.T, s *Server, path string, out any) {
	t.Helper()
	res, err := http.Get(s.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("GET %s: %d", path, res.StatusCode)
	}
	if err := json.NewDecoder(res.Body).Decode(out); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}

func listAPI(t *testing.T, s *Server, q url.Values) apiList {
	t.Helper()
	var out apiList
	getJSON(t, s, "/api/valuations?"+q.Encode(), &out)
	return out
}

// shownQuery waits until the results show the answer to exactly want (the
// API parameters the page sent) and returns the shown rows' ids.
func shownQuery(tab *Tab, want url.Values, step string) []string {
	tab.t.Helper()
	tab.WaitTrue(fmt.Sprintf(`(() => { const r = document.getElementById("v-results");
		if (!r || r.dataset.state !== "ready" || r.hasAttribute("aria-busy")) return false;
		const sent = [...new URLSearchParams(r.dataset.query)].sort((a, b) => a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
		return JSON.stringify(sent) === %q; })()`, sortedPairs(want)), step)
	return strings.Split(Eval[string](tab, `[...document.querySelectorAll("#v-results tbody tr")].map(r => r.dataset.id).join(",")`), ",")
}

// sortedPairs is q as JSON [[name, value], …] sorted by name: what the
// page's own query gives in shownQuery.
func sortedPairs(q url.Values) string {
	var pairs [][2]string
	for _, k := range slices.Sorted(maps.Keys(q)) {
		for _, v := range q[k] {
			pairs = append(pairs, [2]string{k, v})
		}
	}
	var raw strings.Builder
	enc := json.NewEncoder(&raw)
	enc.SetEscapeHTML(false) // as JSON.stringify writes "&"
	_ = enc.Encode(pairs)
	return strings.TrimSpace(raw.String())
}

func ids(items []apiValuation) []string {
	out := make([]string, len(items))
	for i, v := range items {
		out[i] = v.ID
	}
	return out
}

// groupSA writes 1830000 as "1 830 000" with no-break spaces, as the page does.
func groupSA(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString("\u00a0")
		}
		b.WriteRune(r)
	}
	return b.String()
}

func randsSA(n int64) string { return "R\u00a0" + groupSA(n) }

// Filtering by suburb and a value range (typed, submitted with Enter)
// shows exactly the rows and total the API gives for the same query; the
// query is in the URL, so a reload restores it and back returns to the
// unfiltered list. A refused filter is named beside its field.
func TestValuationsFilter(t *testing.T) {
	roll := seedValuations(t)
	s := roll.s

	// The suburb with the most properties on the roll, and a value range
	// that keeps some of them and drops others.
	all := listAPI(t, s, url.Values{"gone": {"false"}, "perPage": {"200"}})
	if all.TotalItems < 300 || all.TotalPages != 2 {
		t.Fatalf("seeded roll: %d properties on %d pages", all.TotalItems, all.TotalPages)
	}
	more := listAPI(t, s, url.Values{"gone": {"false"}, "perPage": {"200"}, "page": {"2"}})
	values := map[string][]int64{}
	for _, v := range append(all.Items, more.Items...) {
		if v.MarketValue != nil {
			values[v.AddressSuburb] = append(values[v.AddressSuburb], *v.MarketValue)
		}
	}
	suburb := ""
	for name, vs := range values {
		if len(vs) > len(values[suburb]) || (len(vs) == len(values[suburb]) && name < suburb) {
			suburb = name
		}
	}
	vs := values[suburb]
	slices.Sort(vs)
	if len(vs) < 5 {
		t.Fatalf("the largest suburb, %s, has only %d valued properties", suburb, len(vs))
	}
	low, high := vs[1], vs[len(vs)-2]
	want := url.Values{"suburb": {suburb}, "marketValueMin": {strconv.FormatInt(low, 10)}, "marketValueMax": {strconv.FormatInt(high, 10)}, "gone": {"false"}, "perPage": {"50"}}
	api := listAPI(t, s, want)
	if api.TotalItems < 3 || api.TotalItems >= len(vs) {
		t.Fatalf("the filter keeps %d of %d: not a useful test", api.TotalItems, len(vs))
	}

	tab := NewBrowser(t).Tab()
	tab.Open(s, "/valuations")
	unfiltered := shownQuery(tab, url.Values{"gone": {"false"}, "perPage": {"50"}}, "the unfiltered first page")
	if len(unfiltered) != 50 {
		t.Fatalf("the first page shows %d rows, want 50", len(unfiltered))
	}
	tab.WaitTrue(fmt.Sprintf(`document.getElementById("v-summary").dataset.total === "%d"`, all.TotalItems), "the unfiltered total")

	// Values typed the way people write rands, in the folded filters.
	if Eval[bool](tab, `document.getElementById("v-filters").open`) {
		t.Error("the filters are open on an unfiltered page: they should fold away")
	}
	tab.Click("#v-filters summary")
	tab.Do(
		chromedp.SendKeys(chromedp.CSS("#vf-suburb"), strings.ToLower(suburb)),
		chromedp.SendKeys(chromedp.CSS("#vf-marketValueMin"), "R "+groupSA(low)),
		chromedp.SendKeys(chromedp.CSS("#vf-marketValueMax"), strconv.FormatInt(high, 10)),
		chromedp.KeyEvent(kb.Enter),
	)
	sent := maps.Clone(want)
	sent.Set("suburb", strings.ToLower(suburb)) // case-insensitive: sent as typed
	apiSent := listAPI(t, s, sent)
	if apiSent.TotalItems != api.TotalItems {
		t.Fatalf("the API's suburb filter is case-sensitive: %d vs %d", apiSent.TotalItems, api.TotalItems)
	}
	shown := shownQuery(tab, sent, "the filtered results")
	if !slices.Equal(shown, ids(apiSent.Items)) {
		t.Fatalf("shown rows %v, API's %v", shown, ids(apiSent.Items))
	}
	tab.WaitTrue(fmt.Sprintf(`document.getElementById("v-summary").dataset.total === "%d" && document.getElementById("v-summary").textContent.startsWith(%q)`,
		apiSent.TotalItems, fmt.Sprintf("%d properties", apiSent.TotalItems)), "the filtered total")
	first := apiSent.Items[0]
	if got := Eval[string](tab, `document.querySelector("#v-results tbody tr td[data-col=marketValue]").textContent`); got != randsSA(*first.MarketValue) {
		t.Errorf("market value shown as %q, want %q", got, randsSA(*first.MarketValue))
	}
	for _, row := range apiSent.Items {
		if *row.MarketValue < low || *row.MarketValue > high {
			t.Errorf("the API returned %s valued %d outside %d–%d", row.ID, *row.MarketValue, low, high)
		}
	}
	loc := Eval[string](tab, `location.pathname + location.search`)
	if !strings.HasPrefix(loc, "/valuations?") || !strings.Contains(loc, "marketValueMin="+strconv.FormatInt(low, 10)) || strings.Contains(loc, "perPage") {
		t.Fatalf("the URL does not hold the query: %s", loc)
	}

	// A reload restores the query in the form and the results.
	tab.Do(chromedp.Reload())
	if got := shownQuery(tab, sent, "the results after a reload"); !slices.Equal(got, shown) {
		t.Fatalf("after a reload: %v, before: %v", got, shown)
	}
	if got := Eval[string](tab, `document.getElementById("vf-marketValueMin").value`); got != strconv.FormatInt(low, 10) {
		t.Fatalf("the form after a reload has marketValueMin %q", got)
	}

	// Back returns to the unfiltered list.
	Eval[bool](tab, `(history.back(), true)`)
	if got := shownQuery(tab, url.Values{"gone": {"false"}, "perPage": {"50"}}, "the unfiltered list, back"); !slices.Equal(got, unfiltered) {
		t.Fatalf("back shows %v", got)
	}
	tab.WaitTrue(`document.getElementById("vf-suburb").value === ""`, "the emptied form")

	// The API refuses a two-letter owner search: its message sits by the field.
	tab.ExpectRefusals()
	if !Eval[bool](tab, `document.getElementById("v-filters").open`) {
		tab.Click("#v-filters summary")
	}
	tab.Do(chromedp.SendKeys(chromedp.CSS("#vf-owner"), "ab"), chromedp.KeyEvent(kb.Enter))
	tab.WaitTrue(`document.getElementById("vf-owner-err").textContent.length > 0 && document.getElementById("vf-owner").getAttribute("aria-invalid") === "true"`,
		"the owner error beside its field")
	if !Eval[bool](tab, `document.getElementById("v-csv").hidden`) {
		t.Error("the CSV link stays for a refused search")
	}
	tab.Do(chromedp.Click(chromedp.CSS(`#v-clear`))) // clear filters
	shownQuery(tab, url.Values{"gone": {"false"}, "perPage": {"50"}}, "the list after clearing the filters")
	tab.WaitTrue(`document.getElementById("vf-owner-err").textContent === "" && !document.getElementById("vf-owner").hasAttribute("aria-invalid")`, "the error cleared")

	// The other two choices of present/gone/all.
	tab.Do(chromedp.Click(chromedp.CSS(`input[name=gone][value="true"]`)), chromedp.Click(chromedp.CSS(`.filters button[type=submit]`)))
	goneRows := shownQuery(tab, url.Values{"gone": {"true"}, "perPage": {"50"}}, "the gone properties")
	if len(goneRows) != len(roll.gone) || Eval[int](tab, `document.querySelectorAll('#v-results td[data-gone="true"]').length`) != len(roll.gone) {
		t.Fatalf("%d gone rows shown, %d left the site", len(goneRows), len(roll.gone))
	}
	tab.Do(chromedp.Click(chromedp.CSS(`input[name=gone][value="all"]`)), chromedp.Click(chromedp.CSS(`.filters button[type=submit]`)))
	shownQuery(tab, url.Values{"perPage": {"50"}}, "present and gone properties")
	tab.WaitTrue(fmt.Sprintf(`document.getElementById("v-summary").dataset.total === "%d"`, all.TotalItems+len(roll.gone)), "the total of both")

	// The date picker's value goes to changedSince as it is.
	Eval[bool](tab, `(document.getElementById("vf-changedSince").value = "2100-01-01", true)`)
	tab.Do(chromedp.Click(chromedp.CSS(`.filters button[type=submit]`)))
	shownQuery(tab, url.Values{"changedSince": {"2100-01-01"}, "perPage": {"50"}}, "changed since 2100")
	tab.WaitTrue(`document.getElementById("v-summary").dataset.total === "0" && !!document.querySelector("#v-results .empty")`, "nothing changed since 2100")
}

// A sort header is a button: a click sorts by market value (largest first),
// Enter on it flips the order, aria-sort says which, and the rows are in
// that order; Next shows page 2 as the API has it.
func TestValuationsSort(t *testing.T) {
	roll := seedValuations(t)
	tab := NewBrowser(t).Tab()
	tab.Open(roll.s, "/valuations")
	shownQuery(tab, url.Values{"gone": {"false"}, "perPage": {"50"}}, "the first page")
	if Eval[string](tab, `document.querySelector('th[aria-sort]')?.querySelector("button").dataset.sort`) != "rateNumber" {
		t.Fatal("the default sort, rate number, is not marked with aria-sort")
	}

	order := func() []int64 {
		raw := Eval[string](tab, `[...document.querySelectorAll("#v-results tbody td[data-col=marketValue]")].map(td => td.dataset.value).join(",")`)
		var out []int64
		for _, v := range strings.Split(raw, ",") {
			if v == "" {
				continue // properties without a value come last
			}
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				t.Fatalf("market value %q", v)
			}
			out = append(out, n)
		}
		return out
	}

	tab.Do(chromedp.Click(chromedp.CSS(`button.sort[data-sort="marketValue"]`)))
	desc := url.Values{"gone": {"false"}, "sort": {"-marketValue"}, "perPage": {"50"}}
	shown := shownQuery(tab, desc, "sorted by market value, descending")
	values := order()
	if len(values) < 40 || !sort.SliceIsSorted(values, func(i, j int) bool { return values[i] > values[j] }) {
		t.Fatalf("not in descending order: %v", values)
	}
	if api := listAPI(t, roll.s, desc); !slices.Equal(shown, ids(api.Items)) {
		t.Fatalf("shown %v, API %v", shown, ids(api.Items))
	}
	tab.WaitTrue(`document.querySelector('button.sort[data-sort="marketValue"]').closest("th").getAttribute("aria-sort") === "descending" && document.querySelectorAll("th[aria-sort]").length === 1`, "aria-sort descending")
	tab.WaitTrue(`document.activeElement?.dataset.sort === "marketValue"`, "focus kept on the header button")
	if !strings.Contains(Eval[string](tab, `location.search`), "sort=-marketValue") {
		t.Fatal("the sort is not in the URL")
	}

	// The keyboard: Enter on the focused header flips the order.
	tab.Do(chromedp.KeyEvent(kb.Enter))
	asc := url.Values{"gone": {"false"}, "sort": {"marketValue"}, "perPage": {"50"}}
	shownQuery(tab, asc, "sorted by market value, ascending")
	values = order()
	if len(values) < 40 || !sort.SliceIsSorted(values, func(i, j int) bool { return values[i] < values[j] }) {
		t.Fatalf("not in ascending order: %v", values)
	}
	tab.WaitTrue(`document.querySelector('button.sort[data-sort="marketValue"]').closest("th").getAttribute("aria-sort") === "ascending"`, "aria-sort ascending")

	// Page 2 of the same sort.
	api1 := listAPI(t, roll.s, asc)
	tab.Do(chromedp.Click(chromedp.CSS(`.pager a[rel="next"]`)))
	page2 := url.Values{"gone": {"false"}, "sort": {"marketValue"}, "page": {"2"}, "perPage": {"50"}}
	shown = shownQuery(tab, page2, "page 2")
	if api := listAPI(t, roll.s, page2); !slices.Equal(shown, ids(api.Items)) {
		t.Fatalf("page 2 shows %v, API %v", shown, ids(api.Items))
	}
	tab.WaitTrue(fmt.Sprintf(`document.getElementById("v-page").textContent === "Page 2 of %d"`, api1.TotalPages), "page 2 of N")
	if n := Eval[float64](tab, `Number(document.querySelector("#v-results tbody td[data-col=marketValue]").dataset.value)`); n < float64(*api1.Items[len(api1.Items)-1].MarketValue) {
		t.Fatalf("page 2 starts below page 1's last value: %v", n)
	}

	// The other sort keys are accepted by the API as the page sends them.
	for _, key := range []string{"extent", "rateNumber", "address", "suburb", "updated"} {
		tab.Do(chromedp.Click(chromedp.CSS(fmt.Sprintf(`button.sort[data-sort=%q]`, key))))
		tab.WaitTrue(fmt.Sprintf(`document.getElementById("v-results").dataset.state === "ready" && new URLSearchParams(document.getElementById("v-results").dataset.query).get("sort")?.replace("-", "") === %q`, key), "sorted by "+key)
	}
}

// A property opened from a search shows its fields, the change the
// re-scrape found, the runs that saw it, and a way back to the search;
// a unit that left the roll says so.
func TestValuationsProperty(t *testing.T) {
	roll := seedValuations(t)
	s := roll.s
	tab := NewBrowser(t).Tab()
	tab.Open(s, "/valuations?rateNumber="+roll.rate)
	shown := shownQuery(tab, url.Values{"rateNumber": {roll.rate}, "gone": {"false"}, "perPage": {"50"}}, "the search by rate number")
	if len(shown) != 1 {
		t.Fatalf("rate number %s: %d rows", roll.rate, len(shown))
	}
	id := shown[0]
	var detail struct {
		apiValuation
		History []struct {
			Field string `json:"field"`
			Old   any    `json:"old"`
			New   any    `json:"new"`
		} `json:"history"`
		Runs []struct {
			ID     string `json:"id"`
			Status string `json:"status"`
		} `json:"runs"`
		RunsTotal int `json:"runsTotal"`
	}
	getJSON(t, s, "/api/valuations/"+id, &detail)

	tab.Do(chromedp.Click(chromedp.CSS(fmt.Sprintf(`tr[data-id=%q] a`, id))))
	tab.WaitTrue(fmt.Sprintf(`location.pathname === "/valuations/%s" && document.querySelector(".valuation")?.dataset.id === %q`, id, id), "the property page")
	field := func(name string) string {
		return Eval[string](tab, fmt.Sprintf(`document.querySelector('dd[data-field=%q]')?.textContent ?? "missing"`, name))
	}
	if got := field("rateNumber"); got != roll.rate {
		t.Errorf("rate number shown as %q", got)
	}
	if got := field("address"); got != detail.Address {
		t.Errorf("address shown as %q, API %q", got, detail.Address)
	}
	if got := field("marketValue"); got != randsSA(*detail.MarketValue) {
		t.Errorf("market value shown as %q, API %d", got, *detail.MarketValue)
	}
	if n := Eval[int](tab, `document.querySelectorAll(".valuation dd[data-field]").length`); n < 20 {
		t.Errorf("only %d fields listed", n)
	}
	if text := Eval[string](tab, `document.querySelector("main").innerText`); strings.Contains(text, "null") || strings.Contains(text, "undefined") || strings.Contains(text, "NaN") {
		t.Errorf("the property page shows a JavaScript placeholder:\n%s", text)
	}

	// The history: the re-scrape's market value change, old → new.
	if len(detail.History) == 0 || detail.History[0].Field != "market_value" {
		t.Fatalf("the API's history of %s: %+v", id, detail.History)
	}
	entry := Eval[string](tab, `document.querySelector('#v-history li[data-field="market_value"]')?.textContent ?? ""`)
	newValue, _ := detail.History[0].New.(float64)
	oldValue, _ := detail.History[0].Old.(float64)
	if !strings.Contains(entry, "Market value") || !strings.Contains(entry, randsSA(int64(newValue))) || !strings.Contains(entry, randsSA(int64(oldValue))) {
		t.Errorf("history entry %q; want the change %v → %v (site: %s → %s)", entry, oldValue, newValue, roll.changed.Old, roll.changed.New)
	}
	if strings.Index(entry, randsSA(int64(oldValue))) > strings.Index(entry, randsSA(int64(newValue))) {
		t.Errorf("history entry %q: old value should come first", entry)
	}
	// Both runs saw it.
	if n := Eval[int](tab, `document.querySelectorAll("#v-runs li[data-run]").length`); n != len(detail.Runs) || n != 2 {
		t.Errorf("%d runs listed, API %d", n, len(detail.Runs))
	}
	if text := Eval[string](tab, `document.querySelector("#v-runs li").textContent`); !strings.Contains(text, "ok") {
		t.Errorf("run shown as %q", text)
	}

	t.Logf("screenshot: %s", tab.Screenshot("valuation-property", 1280, 900, false))

	// Back to the search it came from.
	tab.Do(chromedp.Click(chromedp.CSS("#v-back")))
	shownQuery(tab, url.Values{"rateNumber": {roll.rate}, "gone": {"false"}, "perPage": {"50"}}, "back at the search")
	if v := Eval[string](tab, `document.getElementById("vf-rateNumber").value`); v != roll.rate {
		t.Fatalf("the search form lost its rate number: %q", v)
	}

	// A unit that left the roll.
	tab.Open(s, "/valuations?gone=true")
	goneIDs := shownQuery(tab, url.Values{"gone": {"true"}, "perPage": {"50"}}, "the gone units")
	if len(goneIDs) == 0 || goneIDs[0] == "" {
		t.Fatal("no gone unit shown")
	}
	tab.Do(chromedp.Click(chromedp.CSS(fmt.Sprintf(`tr[data-id=%q] a`, goneIDs[0]))))
	tab.WaitTrue(`document.querySelector('#v-history li[data-field="gone_at"]')?.textContent.includes("Left the roll")`, "the gone entry in the timeline")
	if got := field("goneAt"); got == "missing" || strings.Contains(got, "on the roll") {
		t.Errorf("gone at shown as %q", field("goneAt"))
	}
	if href := Eval[string](tab, `document.getElementById("v-back").getAttribute("href")`); href != "/valuations?gone=true" {
		t.Errorf("the way back is %q", href)
	}
}

// A property's address works on its own (a reload, a shared link): the
// server answers it with the page, status 200, and the page shows it.
func TestValuationsPropertyLink(t *testing.T) {
	roll := seedValuations(t)
	list := listAPI(t, roll.s, url.Values{"rateNumber": {roll.rate}})
	if len(list.Items) != 1 {
		t.Fatalf("rate number %s: %d properties", roll.rate, len(list.Items))
	}
	id := list.Items[0].ID
	path := "/valuations/" + id + "?suburb=" + url.QueryEscape(list.Items[0].AddressSuburb)
	res, err := http.Get(roll.s.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Errorf("GET %s: %d, want 200 (ui.go's pageRoutes should list valuations/<id>)", path, res.StatusCode)
	}
	tab := NewBrowser(t).Tab()
	tab.Open(roll.s, path)
	tab.WaitTrue(fmt.Sprintf(`document.querySelector(".valuation")?.dataset.id === %q && !!document.querySelector('#v-history li[data-field="market_value"]')`, id), "the property page")
	if href := Eval[string](tab, `document.getElementById("v-back").getAttribute("href")`); href != "/valuations?suburb="+url.QueryEscape(list.Items[0].AddressSuburb) {
		t.Errorf("the way back is %q", href)
	}
}

// The CSV link carries the page's filters and sort; what it downloads has
// the documented header row and one row per property the API counts.
func TestValuationsCSV(t *testing.T) {
	roll := seedValuations(t)
	s := roll.s
	tab := NewBrowser(t).Tab()
	tab.Open(s, "/valuations?roll=full&marketValueMin=500000&sort=-marketValue")
	q := url.Values{"roll": {"full"}, "marketValueMin": {"500000"}, "gone": {"false"}, "sort": {"-marketValue"}}
	withPage := url.Values{"perPage": {"50"}}
	for k, v := range q {
		withPage[k] = v
	}
	shownQuery(tab, withPage, "the search")
	if !Eval[bool](tab, `document.getElementById("v-csv").hasAttribute("download")`) {
		t.Fatal("the CSV link has no download attribute")
	}
	href := Eval[string](tab, `document.getElementById("v-csv").href`)
	u, err := url.Parse(href)
	if err != nil || u.Path != "/api/valuations/export" {
		t.Fatalf("CSV link %q", href)
	}
	if got := u.Query(); !equalValues(got, q) {
		t.Fatalf("CSV link's query %v, want %v", got, q)
	}
	api := listAPI(t, s, withPage)
	if api.TotalItems < 51 {
		t.Fatalf("the search matches only %d: the CSV should span pages", api.TotalItems)
	}

	res, err := http.Get(href)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("CSV: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	rows, err := csv.NewReader(res.Body).ReadAll()
	if err != nil {
		t.Fatalf("CSV: %v", err)
	}
	header := strings.Split("id,year,roll,pin,rateNumber,legalDescription,address,streetNumber,street,addressSuburb,suburb,suburbId,scheme,firstOwner,owners,useCode,useLabel,ratingCategory,marketValue,extent,erf,deedsTown,schemeName,schemeNumber,sectionNumber,firstSeen,lastSeen,goneAt,updated", ",")
	if len(rows) == 0 || !slices.Equal(rows[0], header) {
		t.Fatalf("CSV header %v", rows[:min(1, len(rows))])
	}
	if len(rows)-1 != api.TotalItems {
		t.Fatalf("CSV has %d rows, the API counts %d", len(rows)-1, api.TotalItems)
	}
	// In the same order as the page: its first rows are the CSV's.
	for i, id := range ids(api.Items) {
		if rows[i+1][0] != id {
			t.Fatalf("CSV row %d is %s, the page's is %s", i+1, rows[i+1][0], id)
		}
	}

	// The link follows a new query.
	tab.Do(chromedp.Click(chromedp.CSS(`button.sort[data-sort="extent"]`)))
	tab.WaitTrue(`new URL(document.getElementById("v-csv").href).searchParams.get("sort") === "-extent"`, "the CSV link with the new sort")
}

func equalValues(a, b url.Values) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !slices.Equal(v, b[k]) {
			return false
		}
	}
	return true
}

// The page says how fresh the data is: the last successful scrape's time,
// status and figures from /api/status.
func TestValuationsStatus(t *testing.T) {
	roll := seedValuations(t)
	var status struct {
		Status      string `json:"status"`
		LastSuccess struct {
			RowsSeen int `json:"rowsSeen"`
		} `json:"lastSuccess"`
	}
	getJSON(t, roll.s, "/api/status", &status)
	tab := NewBrowser(t).Tab()
	tab.Open(roll.s, "/valuations")
	tab.WaitTrue(`["ok", "degraded"].includes(document.querySelector(".scrape-status")?.dataset.state)`, "the scrape status")
	text := Eval[string](tab, `document.querySelector(".scrape-status").innerText`)
	if got := Eval[string](tab, `document.getElementById("v-status").textContent`); got != status.Status {
		t.Errorf("status shown as %q, API %q", got, status.Status)
	}
	if !strings.Contains(text, "Last successful scrape finished") || !strings.Contains(text, groupSA(int64(status.LastSuccess.RowsSeen))+" rows seen") {
		t.Errorf("status box:\n%s", text)
	}
	if Eval[int](tab, `document.querySelectorAll(".scrape-status time[datetime]").length`) == 0 {
		t.Error("the scrape's finish time is not a <time>")
	}
}

// On a 375 px phone the page never scrolls sideways: the table scrolls
// inside its box. The router keeps /docs a page of its own.
func TestValuationsPhoneAndRouting(t *testing.T) {
	roll := seedValuations(t)
	tab := NewBrowser(t).Tab()
	tab.Open(roll.s, "/valuations")
	shownQuery(tab, url.Values{"gone": {"false"}, "perPage": {"50"}}, "the first page")
	t.Logf("screenshot: %s", tab.Screenshot("valuations-desktop", 1280, 900, false))

	tab.Do(chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
	tab.Open(roll.s, "/valuations")
	shownQuery(tab, url.Values{"gone": {"false"}, "perPage": {"50"}}, "the first page on a phone")
	if w := Eval[int](tab, `window.innerWidth`); w != 375 {
		t.Fatalf("viewport %d px wide", w)
	}
	noOverflow := `document.documentElement.scrollWidth <= window.innerWidth`
	if !Eval[bool](tab, noOverflow) {
		t.Fatalf("the page is %d px wide on a 375 px screen", Eval[int](tab, `document.documentElement.scrollWidth`))
	}
	if !Eval[bool](tab, `(() => { const box = document.querySelector(".table-scroll"); return box.scrollWidth <= box.clientWidth; })()`) {
		t.Error("the results scroll sideways on a phone: each row should be a card that fits")
	}
	t.Logf("screenshot: %s", tab.Screenshot("valuations-phone", 375, 812, true))
	id := Eval[string](tab, `document.querySelector("#v-results tbody tr").dataset.id`)
	tab.Do(chromedp.Click(chromedp.CSS(fmt.Sprintf(`tr[data-id=%q] a`, id))))
	tab.WaitTrue(fmt.Sprintf(`document.querySelector(".valuation")?.dataset.id === %q`, id), "the property page on a phone")
	if !Eval[bool](tab, noOverflow) {
		t.Fatalf("the property page is %d px wide on a 375 px screen", Eval[int](tab, `document.documentElement.scrollWidth`))
	}

	// The app handles its own links and leaves /docs (its own HTML page)
	// and the CSV download to the browser.
	intercepted := func(selector string) bool {
		return Eval[bool](tab, fmt.Sprintf(`(() => {
			let prevented = null;
			window.addEventListener("click", (e) => { prevented = e.defaultPrevented; e.preventDefault(); }, { once: true });
			document.querySelector(%q).click();
			return prevented;
		})()`, selector))
	}
	if intercepted(`a[data-nav="docs"]`) {
		t.Error("the app intercepts the /docs link")
	}
	if !intercepted(`a[data-nav="valuations"]`) {
		t.Error("the app does not handle the /valuations link")
	}
	tab.Open(roll.s, "/valuations")
	shownQuery(tab, url.Values{"gone": {"false"}, "perPage": {"50"}}, "the list")
	if intercepted(`#v-csv`) {
		t.Error("the app intercepts the CSV download")
	}
	if got := Eval[string](tab, `document.querySelector('a[data-nav="valuations"]').getAttribute("aria-current")`); got != "page" {
		t.Errorf("the Valuations nav link is not current: %q", got)
	}
}
