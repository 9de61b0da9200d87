package e2e

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/rollcall/rollcall/internal/fakesite"
)

// Issue 17's page: results first, a table that fits, pagers, the search
// box, facets, statistics, changes, the suburb page, the fresh install.

// firstRowTop is how far down the page the first result row starts.
const firstRowTop = `Math.round(document.querySelector("#v-results tbody tr").getBoundingClientRect().top + window.scrollY)`

// At 1280×800 the results start in the first screen, and the table fits
// its box without sideways scrolling (measured: every element's width);
// the address does not repeat the suburb; the status column appears only
// with gone rows; the pager is above and below with page numbers and a
// page size; the CSV link says how many rows it downloads. At 390×844 the
// first row is in the first screen too.
func TestValuationsResultsFirst(t *testing.T) {
	roll := seedValuations(t)
	s := roll.s
	tab := NewBrowser(t).Tab()
	tab.Do(chromedp.EmulateViewport(1280, 800))
	tab.Open(s, "/valuations")
	shownQuery(tab, url.Values{"gone": {"false"}, "perPage": {"50"}}, "the first page")
	all := listAPI(t, s, url.Values{"gone": {"false"}, "perPage": {"50"}})

	// The default sort puts real rows first: rows without a rate number last.
	if got := Eval[string](tab, `document.querySelector("#v-results tbody td[data-col=rateNumber]").textContent`); got == "no rate number" || got == "" {
		t.Errorf("the first row of the default sort has no rate number (%q)", got)
	}
	top := Eval[int](tab, firstRowTop)
	if top >= 800 {
		t.Errorf("the first result row starts at y = %d on a 1280×800 screen", top)
	}
	widths := Eval[[]int](tab, `(() => { const box = document.querySelector(".table-scroll"), table = box.querySelector("table");
		return [box.clientWidth, box.scrollWidth, Math.ceil(table.getBoundingClientRect().width), document.documentElement.scrollWidth, window.innerWidth]; })()`)
	if widths[1] > widths[0] || widths[2] > widths[0] || widths[3] > widths[4] {
		t.Errorf("at 1280 px the table does not fit: box %d px, its content %d px, table %d px; page %d px in a %d px window", widths[0], widths[1], widths[2], widths[3], widths[4])
	}
	t.Logf("1280×800: first row at y = %d; table box %d px, its content %d px, table %d px", top, widths[0], widths[1], widths[2])
	// The last column's right edge is inside the box.
	if !Eval[bool](tab, `(() => { const box = document.querySelector(".table-scroll").getBoundingClientRect();
		return [...document.querySelectorAll("#v-results thead th")].every(th => th.getBoundingClientRect().right <= box.right + 0.5); })()`) {
		t.Error("a column header ends beyond the table's box")
	}
	cols := Eval[string](tab, `[...document.querySelectorAll("#v-results thead th")].map(th => th.dataset.col).join(",")`)
	if strings.Contains(cols, "status") {
		t.Errorf("the status column shows without gone rows: %s", cols)
	}
	// The address without the suburb the next column shows.
	repeats := Eval[[]string](tab, `[...document.querySelectorAll("#v-results tbody tr")].filter(tr => {
		const a = tr.querySelector("[data-col=address]").textContent, s = tr.querySelector("[data-col=suburb]").textContent;
		return s && a.toUpperCase().endsWith(", " + s.toUpperCase()); }).map(tr => tr.dataset.id)`)
	if len(repeats) > 0 {
		t.Errorf("addresses repeat their suburb in rows %v", repeats)
	}
	if text := Eval[string](tab, `document.getElementById("v-results").innerText`); strings.Contains(text, "\n, ") || strings.Contains(text, "\t, ") {
		t.Errorf("an address starts with a comma:\n%s", text)
	}
	// The CSV link's words carry the count.
	if got, want := Eval[string](tab, `document.getElementById("v-csv").textContent`), fmt.Sprintf("Download CSV (%s rows)", groupSA(int64(all.TotalItems))); got != want {
		t.Errorf("the CSV link reads %q, want %q", got, want)
	}
	t.Logf("screenshot: %s", firstScreen(tab, "valuations-1280-first-screen", 1280, 800, false))
	t.Logf("screenshot: %s", tab.Screenshot("valuations-1280", 1280, 800, false))

	// Pagers at the top and the bottom, with page numbers.
	for _, id := range []string{"v-pager-top", "v-pager-bottom"} {
		if n := Eval[int](tab, fmt.Sprintf(`document.querySelectorAll("#%s a.page").length`, id)); n != all.TotalPages {
			t.Errorf("#%s has %d page numbers, want %d", id, n, all.TotalPages)
		}
	}
	if got := Eval[string](tab, `document.querySelector("#v-pager-top a.page[aria-current=page]").textContent`); got != "Page 1" {
		t.Errorf("the current page reads %q", got)
	}
	// Page 2 from the top pager's number, by keyboard.
	Eval[bool](tab, `(document.querySelector("#v-pager-top a.page:not([aria-current])").focus(), true)`)
	tab.Do(chromedp.KeyEvent(kb.Enter))
	page2 := shownQuery(tab, url.Values{"gone": {"false"}, "perPage": {"50"}, "page": {"2"}}, "page 2 from its number")
	if api := listAPI(t, s, url.Values{"gone": {"false"}, "perPage": {"50"}, "page": {"2"}}); strings.Join(page2, ",") != strings.Join(ids(api.Items), ",") {
		t.Errorf("page 2 shows %v, the API %v", page2, ids(api.Items))
	}
	tab.WaitTrue(`document.activeElement?.id === "v-results-h" && document.querySelector("#v-pager-bottom a.page[aria-current=page]")?.textContent === "Page 2"`, "focus on the results' heading, page 2 current")
	// The page size: 100 rows, in the URL, back to page 1.
	tab.Do(chromedp.SetValue(chromedp.CSS("#v-size-top"), "100"))
	Eval[bool](tab, `document.getElementById("v-size-top").dispatchEvent(new Event("change"))`)
	rows := shownQuery(tab, url.Values{"gone": {"false"}, "perPage": {"100"}}, "100 rows a page")
	if len(rows) != 100 || !strings.Contains(Eval[string](tab, `location.search`), "perPage=100") {
		t.Errorf("%d rows shown; URL %s", len(rows), Eval[string](tab, `location.search`))
	}

	// Gone rows bring the status column.
	tab.Open(s, "/valuations?gone=all")
	shownQuery(tab, url.Values{"perPage": {"50"}}, "present and gone")
	if cols := Eval[string](tab, `[...document.querySelectorAll("#v-results thead th")].map(th => th.dataset.col).join(",")`); !strings.HasSuffix(cols, ",status") {
		t.Errorf("with gone rows the columns are %s", cols)
	}
	if !Eval[bool](tab, `document.querySelector(".table-scroll").scrollWidth <= document.querySelector(".table-scroll").clientWidth`) {
		t.Error("with the status column the table scrolls sideways at 1280 px")
	}

	// A phone: the first row in the first screen.
	tab.Do(chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
	tab.Open(s, "/valuations")
	shownQuery(tab, url.Values{"gone": {"false"}, "perPage": {"50"}}, "the first page on a phone")
	if top := Eval[int](tab, firstRowTop); top >= 844 {
		t.Errorf("the first result row starts at y = %d on a 390×844 phone", top)
	} else {
		t.Logf("390×844: first row at y = %d", top)
	}
	if !Eval[bool](tab, `document.documentElement.scrollWidth <= window.innerWidth`) {
		t.Errorf("the page is %d px wide on a 390 px phone", Eval[int](tab, `document.documentElement.scrollWidth`))
	}
	t.Logf("screenshot: %s", firstScreen(tab, "valuations-390-first-screen", 390, 844, true))
	t.Logf("screenshot: %s", tab.Screenshot("valuations-390", 390, 844, true))
}

// A refused filter is named as the page labels it, not by the API's
// parameter name.
func TestValuationsMessagesUseLabels(t *testing.T) {
	roll := seedValuations(t)
	tab := NewBrowser(t).Tab()
	tab.ExpectRefusals()
	tab.Open(roll.s, "/valuations?marketValueMin=900000&marketValueMax=100000")
	tab.WaitTrue(`document.getElementById("v-results").dataset.state === "error" && document.getElementById("vf-marketValueMin-err").textContent !== ""`, "the refusal beside its field")
	msg := Eval[string](tab, `document.getElementById("vf-marketValueMin-err").textContent`)
	if !strings.Contains(msg, "Market value up to") || strings.Contains(msg, "marketValueMax") {
		t.Errorf("the message reads %q; want the field's label, “Market value up to”", msg)
	}
	if !Eval[bool](tab, `document.getElementById("v-filters").open && document.activeElement?.id === "vf-marketValueMin"`) {
		t.Error("the filters did not open on the refused field")
	}
	t.Logf("screenshot: %s", firstScreen(tab, "valuations-filters-1280", 1280, 800, false))
	t.Logf("screenshot: %s", firstScreen(tab, "valuations-filters-390", 390, 844, true))
}

// The search box, by keyboard only: typing "pine" suggests PINETOWN with
// its count (and the listbox is wired as a combobox); ArrowDown and Enter
// choose it, which filters the list by it; a misspelt suburb search
// offers "Did you mean PINETOWN?", whose link searches it.
func TestValuationsSearchBox(t *testing.T) {
	roll := seedValuations(t)
	s := roll.s
	tab := NewBrowser(t).Tab()
	tab.Open(s, "/valuations")
	shownQuery(tab, url.Values{"gone": {"false"}, "perPage": {"50"}}, "the first page")

	// Keyboard only: Tab lands in the box from the page's heading.
	Eval[bool](tab, `(document.querySelector("main h1").setAttribute("tabindex", "-1"), document.querySelector("main h1").focus(), true)`)
	for i := 0; i < 6 && Eval[string](tab, `document.activeElement?.id || ""`) != "v-q"; i++ {
		tab.Do(chromedp.KeyEvent(kb.Tab))
	}
	if Eval[string](tab, `document.activeElement?.id || ""`) != "v-q" {
		t.Fatal("Tab does not reach the search box")
	}
	tab.Do(chromedp.KeyEvent("pine"))
	tab.WaitTrue(`document.getElementById("v-q").getAttribute("aria-expanded") === "true" && !!document.querySelector('#v-q-list [role=option][data-value="PINETOWN"]')`, "PINETOWN suggested")
	var sug struct {
		Groups []struct {
			Kind  string `json:"kind"`
			Items []struct {
				Param string `json:"param"`
				Value string `json:"value"`
				Count *int   `json:"count"`
			} `json:"items"`
		} `json:"groups"`
	}
	getJSON(t, s, "/api/valuations/suggest?q=pine", &sug)
	if len(sug.Groups) == 0 || sug.Groups[0].Kind != "suburb" || sug.Groups[0].Items[0].Value != "PINETOWN" {
		t.Fatalf("the API suggests %+v", sug)
	}
	opt := Eval[string](tab, `document.querySelector('#v-q-list [role=option][data-value="PINETOWN"]').textContent`)
	if c := sug.Groups[0].Items[0].Count; c == nil || !strings.Contains(opt, groupSA(int64(*c))+" properties") {
		t.Errorf("the option reads %q; want PINETOWN's count", opt)
	}
	if Eval[string](tab, `document.querySelector("#v-q-list [role=group]").getAttribute("aria-labelledby")`) == "" {
		t.Error("the suggestion groups are not labelled")
	}
	tab.Do(chromedp.KeyEvent(kb.ArrowDown))
	tab.WaitTrue(`(() => { const id = document.getElementById("v-q").getAttribute("aria-activedescendant");
		return !!id && document.getElementById(id)?.getAttribute("aria-selected") === "true"; })()`, "the first option active")
	tab.Audit("/valuations with the suggestions open")
	t.Logf("screenshot: %s", firstScreen(tab, "valuations-suggest-1280", 1280, 800, false))
	active := Eval[string](tab, `document.getElementById(document.getElementById("v-q").getAttribute("aria-activedescendant")).dataset.value`)
	tab.Do(chromedp.KeyEvent(kb.Enter))
	chosen := sug.Groups[0].Items[0]
	if active != chosen.Value {
		t.Fatalf("ArrowDown made %q active, want the first suggestion %q", active, chosen.Value)
	}
	want := url.Values{chosen.Param: {chosen.Value}, "gone": {"false"}, "perPage": {"50"}}
	shown := shownQuery(tab, want, "the list filtered by the chosen suburb")
	api := listAPI(t, s, want)
	if strings.Join(shown, ",") != strings.Join(ids(api.Items), ",") || api.TotalItems == 0 {
		t.Errorf("chosen %s=%s: shown %v, API %v", chosen.Param, chosen.Value, shown, ids(api.Items))
	}
	if got := Eval[string](tab, `document.querySelector("#v-chips li[data-param] strong")?.textContent ?? ""`); got != chosen.Value {
		t.Errorf("the filter chip reads %q", got)
	}
	if Eval[string](tab, `document.getElementById("v-q").getAttribute("aria-expanded")`) != "false" {
		t.Error("the suggestions stay open after a choice")
	}

	// Escape closes the suggestions and keeps the text.
	Eval[bool](tab, `(document.getElementById("v-q").focus(), true)`)
	tab.Do(chromedp.KeyEvent("kwamashu"))
	tab.WaitTrue(`document.getElementById("v-q").getAttribute("aria-expanded") === "true"`, "suggestions for kwamashu")
	tab.Do(chromedp.KeyEvent(kb.Escape))
	tab.WaitTrue(`document.getElementById("v-q").getAttribute("aria-expanded") === "false" && document.getElementById("v-q").value === "kwamashu"`, "Escape closes the list")

	// In the box, a misspelling that matches nothing offers the nearest
	// suburbs under "Did you mean"; the keyboard chooses one.
	tab.Do(chromedp.KeyEvent(kb.Escape)) // the list is closed: Escape empties the box
	tab.WaitTrue(`document.getElementById("v-q").value === ""`, "the box emptied")
	tab.Do(chromedp.KeyEvent("pinetwon"))
	tab.WaitTrue(`!!document.querySelector('#v-q-list [data-kind=didYouMean] [role=option][data-value="PINETOWN"]') && document.getElementById("v-q").getAttribute("aria-expanded") === "true"`, "did you mean PINETOWN in the box")
	tab.Do(chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.Enter))
	shownQuery(tab, url.Values{"suburb": {"PINETOWN"}, "gone": {"false"}, "perPage": {"50"}}, "PINETOWN chosen from did you mean")

	// Did you mean: a misspelt suburb finds nothing and offers the nearest.
	tab.Open(s, "/valuations?suburb=PINETWON")
	shownQuery(tab, url.Values{"suburb": {"PINETWON"}, "gone": {"false"}, "perPage": {"50"}}, "the misspelt suburb")
	tab.WaitTrue(`document.getElementById("v-summary").dataset.total === "0" && !!document.querySelector("#v-dym a")`, "did you mean")
	if text := Eval[string](tab, `document.getElementById("v-dym").textContent`); !strings.HasPrefix(text, "Did you mean PINETOWN") {
		t.Errorf("the empty result says %q", text)
	}
	tab.Click("#v-dym a")
	shownQuery(tab, url.Values{"suburb": {"PINETOWN"}, "gone": {"false"}, "perPage": {"50"}}, "the suggested suburb searched")
	tab.WaitTrue(`Number(document.getElementById("v-summary").dataset.total) > 0`, "results for PINETOWN")
}

// Facets count the search's rows by suburb, use, rating category and
// roll; a facet's link narrows the search to exactly its count.
func TestValuationsFacets(t *testing.T) {
	roll := seedValuations(t)
	s := roll.s
	tab := NewBrowser(t).Tab()
	tab.Open(s, "/valuations?roll=full")
	shownQuery(tab, url.Values{"roll": {"full"}, "gone": {"false"}, "perPage": {"50"}}, "the full-title roll")
	tab.WaitTrue(`!document.getElementById("v-facets").hidden && document.querySelectorAll("#v-facets .facet").length === 4`, "four facets")
	params := Eval[string](tab, `[...document.querySelectorAll("#v-facets .facet")].map(f => f.dataset.param).join(",")`)
	if params != "suburb,useCode,ratingCategory,roll" {
		t.Errorf("facets %s", params)
	}
	if n := Eval[int](tab, `document.querySelectorAll('#v-facets .facet[data-param=suburb] li').length`); n > 10 || n == 0 {
		t.Errorf("%d suburbs in the facet; want the top ten at most", n)
	}
	link := `#v-facets .facet[data-param=useCode] li a`
	value := Eval[string](tab, `document.querySelector("`+link+`").dataset.value`)
	want, _ := strconv.Atoi(Eval[string](tab, `document.querySelector("`+link+` .facet-count").textContent.replace(/\s/g, "")`))
	tab.Click(link)
	q := url.Values{"roll": {"full"}, "useCode": {value}, "gone": {"false"}, "perPage": {"50"}}
	shownQuery(tab, q, "narrowed by the use facet")
	tab.WaitTrue(fmt.Sprintf(`document.getElementById("v-summary").dataset.total === "%d"`, want), "the facet's count as the total")
	if !strings.Contains(Eval[string](tab, `location.search`), "useCode="+url.QueryEscape(value)) {
		t.Error("the facet's filter is not in the URL")
	}
	// The chosen value shows as chosen (not a link) in the new facets.
	tab.WaitTrue(fmt.Sprintf(`!!document.querySelector('#v-facets .facet[data-param=useCode] li[data-value=%q] .facet-on')`, value), "the chosen use marked")

	// A suburb's link lists exactly its count: the whole name, not the
	// suburbs starting with it.
	tab.Open(s, "/valuations")
	tab.WaitTrue(`!!document.querySelector("#v-facets .facet[data-param=suburb] li a")`, "the suburb facet")
	for i := 0; i < 3; i++ {
		sel := fmt.Sprintf(`#v-facets .facet[data-param=suburb] li:nth-child(%d) a`, i+1)
		name := Eval[string](tab, `document.querySelector("`+sel+`").dataset.value`)
		n := Eval[string](tab, `document.querySelector("`+sel+` .facet-count").textContent.replace(/\s/g, "")`)
		tab.Click(sel)
		shownQuery(tab, url.Values{"suburbExact": {name}, "gone": {"false"}, "perPage": {"50"}}, "narrowed to "+name)
		tab.WaitTrue(fmt.Sprintf(`document.getElementById("v-summary").dataset.total === %q`, n), name+"'s count as the total")
		Eval[bool](tab, `(history.back(), true)`)
		shownQuery(tab, url.Values{"gone": {"false"}, "perPage": {"50"}}, "back to the whole roll")
		tab.WaitTrue(`!!document.querySelector("#v-facets .facet[data-param=suburb] li a")`, "the suburb facet again")
	}

	// "More" lists every suburb (up to 50), a state of the URL.
	tab.Open(s, "/valuations")
	tab.WaitTrue(`!!document.querySelector("#v-facets .facet[data-param=suburb] .facet-more")`, "More suburbs")
	tab.Click("#v-facets .facet[data-param=suburb] .facet-more")
	tab.WaitTrue(`new URLSearchParams(location.search).get("facets") === "all" && document.querySelectorAll("#v-facets .facet[data-param=suburb] li").length > 10`, "more than ten suburbs")
	tab.Do(chromedp.Reload())
	tab.WaitTrue(`document.querySelectorAll("#v-facets .facet[data-param=suburb] li").length > 10`, "more than ten suburbs after a reload")
}

// Statistics: the figures and both charts' text tables say what the API
// says; every chart is an SVG with a label and a table.
func TestValuationsStatistics(t *testing.T) {
	roll := seedValuations(t)
	s := roll.s
	var st struct {
		Count       int `json:"count"`
		Valued      int `json:"valued"`
		MarketValue *struct {
			Median int64 `json:"median"`
		} `json:"marketValue"`
		Histogram []struct {
			From  int64 `json:"from"`
			To    int64 `json:"to"`
			Count int   `json:"count"`
		} `json:"histogram"`
		Suburbs []struct {
			Suburb string `json:"suburb"`
			Median int64  `json:"median"`
		} `json:"suburbs"`
	}
	getJSON(t, s, "/api/valuations/stats?gone=false", &st)
	if len(st.Histogram) < 3 || len(st.Suburbs) < 2 || st.MarketValue == nil {
		t.Fatalf("stats of the seeded roll: %+v", st)
	}
	tab := NewBrowser(t).Tab()
	tab.Open(s, "/valuations")
	tab.WaitTrue(`!document.getElementById("v-stats").hidden && !!document.getElementById("v-hist-table")`, "the statistics")
	if got := Eval[string](tab, `document.querySelector('[data-stat=count]').textContent`); got != groupSA(int64(st.Count)) {
		t.Errorf("count shown %q, API %d", got, st.Count)
	}
	if got := Eval[string](tab, `document.querySelector('[data-stat=median]').textContent`); got != randsSA(st.MarketValue.Median) {
		t.Errorf("median shown %q, API %d", got, st.MarketValue.Median)
	}
	// The histogram's table: one row per bin, with its count.
	rows := Eval[[]string](tab, `[...document.querySelectorAll("#v-hist-table tbody tr")].map(r => [...r.cells].map(c => c.textContent).join(" "))`)
	if len(rows) != len(st.Histogram) {
		t.Fatalf("the histogram's table has %d rows, the API %d bins", len(rows), len(st.Histogram))
	}
	for i, b := range st.Histogram {
		want := strings.ReplaceAll(fmt.Sprintf("%s to under %s %s", randsSA(b.From), randsSA(b.To), groupSA(int64(b.Count))), "\u00a0", " ")
		if strings.ReplaceAll(rows[i], "\u00a0", " ") != want {
			t.Errorf("histogram row %d reads %q, want %q", i, rows[i], want)
		}
	}
	if n := Eval[int](tab, `document.querySelectorAll("#v-hist-svg rect.bar").length`); n != len(st.Histogram) {
		t.Errorf("the histogram draws %d bars for %d bins", n, len(st.Histogram))
	}
	// The ranking's table: suburbs in the API's order, each linking its page.
	order := Eval[[]string](tab, `[...document.querySelectorAll("#v-rank-table tbody tr")].map(r => r.dataset.suburb)`)
	for i, r := range st.Suburbs {
		if i >= len(order) || order[i] != r.Suburb {
			t.Fatalf("ranking %v, API %+v", order, st.Suburbs)
		}
	}
	for _, id := range []string{"v-hist-svg", "v-rank-svg"} {
		if Eval[string](tab, fmt.Sprintf(`document.getElementById(%q).getAttribute("role") + "|" + document.getElementById(%q).getAttribute("aria-label")`, id, id)) == "img|" {
			t.Errorf("%s has no text label", id)
		}
	}
	// The text tables open by keyboard.
	Eval[bool](tab, `(document.querySelector("#v-hist summary").focus(), true)`)
	tab.Do(chromedp.KeyEvent(kb.Enter))
	tab.WaitTrue(`document.querySelector("#v-hist details").open && document.getElementById("v-hist-table").getBoundingClientRect().height > 0`, "the histogram's table shown")
	tab.Audit("/valuations with the histogram's table open")
	// Changes: the API's figures, and a date in the URL.
	var ch struct {
		Changed int `json:"changed"`
		Up      int `json:"up"`
		Down    int `json:"down"`
		Rises   []struct {
			ID string `json:"id"`
		} `json:"rises"`
	}
	getJSON(t, s, "/api/valuations/changes?gone=false", &ch)
	if ch.Changed == 0 || len(ch.Rises) == 0 {
		t.Fatalf("changes of the seeded roll: %+v", ch)
	}
	tab.WaitTrue(`!document.getElementById("v-changes").hidden && !!document.getElementById("v-changes-line")`, "the changes")
	line := Eval[string](tab, `document.getElementById("v-changes-line").textContent`)
	if want := fmt.Sprintf("%d properties changed value since first seen: %d up, %d down", ch.Changed, ch.Up, ch.Down); !strings.HasPrefix(line, want) {
		t.Errorf("the changes read %q, want %q…", line, want)
	}
	if got := Eval[string](tab, `[...document.querySelectorAll("#v-rises li")].map(li => li.dataset.id).join(",")`); got != strings.Join(func() []string {
		var out []string
		for _, r := range ch.Rises {
			out = append(out, r.ID)
		}
		return out
	}(), ",") {
		t.Errorf("the rises listed %s differ from the API's %+v", got, ch.Rises)
	}
	tab.Do(chromedp.SetValue(chromedp.CSS("#v-since"), "2100-01-01"))
	tab.Click("#v-changes form.since button[type=submit]")
	tab.WaitTrue(`new URLSearchParams(location.search).get("since") === "2100-01-01" && /No property in this search changed value since 2100-01-01/.test(document.getElementById("v-changes-line")?.textContent || "")`, "no change since 2100, in the URL")

	t.Logf("screenshot: %s", screenAt(tab, "#v-facets", "valuations-facets-1280", 1280, 800, false))
	t.Logf("screenshot: %s", screenAt(tab, "#v-stats", "valuations-stats-1280", 1280, 800, false))
	t.Logf("screenshot: %s", screenAt(tab, "#v-changes", "valuations-changes-1280", 1280, 800, false))
	tab.Do(chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
	tab.Open(s, "/valuations")
	tab.WaitTrue(`!document.getElementById("v-stats").hidden && !!document.getElementById("v-rank-svg")`, "the statistics on a phone")
	if !Eval[bool](tab, `document.documentElement.scrollWidth <= window.innerWidth`) {
		t.Error("the statistics make the page wider than a phone")
	}
	t.Logf("screenshot: %s", screenAt(tab, "#v-stats", "valuations-stats-390", 390, 844, true))
	t.Logf("screenshot: %s", screenAt(tab, "#v-rank", "valuations-rank-390", 390, 844, true))
}

// The suburb page gathers one suburb's figures (suburbExact: not the
// suburbs starting with its name), its histogram and its facets, and lists
// its properties.
func TestValuationsSuburbPage(t *testing.T) {
	roll := seedValuations(t)
	s := roll.s
	var st struct {
		Count int `json:"count"`
	}
	getJSON(t, s, "/api/valuations/stats?suburbExact=PINETOWN", &st)
	res, err := http.Get(s.URL + "/valuations/suburbs/PINETOWN")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Errorf("GET /valuations/suburbs/PINETOWN: %d (ui.go's pageRoutes should list valuations/suburbs/<name>)", res.StatusCode)
	}
	tab := NewBrowser(t).Tab()
	tab.Open(s, "/valuations/suburbs/PINETOWN")
	tab.WaitTrue(`document.querySelector(".suburb-page")?.dataset.suburb === "PINETOWN" && !!document.getElementById("v-hist-table")`, "the suburb page")
	if got := Eval[string](tab, `document.querySelector('[data-stat=count]').textContent`); got != groupSA(int64(st.Count)) {
		t.Errorf("the page counts %q, the API %d", got, st.Count)
	}
	if n := Eval[int](tab, `document.querySelectorAll("#v-facets .facet").length`); n == 0 {
		tab.WaitTrue(`!document.getElementById("v-facets").hidden`, "the suburb's facets")
	}
	if Eval[bool](tab, `!!document.querySelector('#v-facets .facet[data-param=suburb]')`) {
		t.Error("the suburb page lists a suburb facet")
	}
	t.Logf("screenshot: %s", tab.Screenshot("valuations-suburb-page-1280", 1280, 800, false))
	t.Logf("screenshot: %s", tab.Screenshot("valuations-suburb-page-390", 390, 844, true))
	tab.Do(chromedp.EmulateViewport(1280, 800))
	tab.Click("#v-suburb-list")
	shown := shownQuery(tab, url.Values{"suburbExact": {"PINETOWN"}, "gone": {"false"}, "perPage": {"50"}}, "the suburb's list")
	tab.WaitTrue(fmt.Sprintf(`document.getElementById("v-summary").dataset.total === "%d"`, st.Count), "the suburb's count listed")
	if len(shown) == 0 {
		t.Fatal("no property listed")
	}
}

// A fresh install says when the first scrape will run, in the schedule's
// zone; a superuser signed in to the dashboard in this browser can start
// one, watch its progress and then see the data.
func TestValuationsFreshInstall(t *testing.T) {
	data := fakesite.Generate(fakesite.Config{Seed: 5, FullRows: 60, SectionalRows: 20})
	fake := httptest.NewServer(fakesite.New(data))
	t.Cleanup(fake.Close)
	s := StartServer(t, "--scrape-base-url="+fake.URL, "--scrape-delay=0", "--scrape-cron=0 2 * * *", "--scrape-tz=Africa/Johannesburg")
	tab := NewBrowser(t).Tab()
	tab.Open(s, "/valuations")
	tab.WaitTrue(`document.getElementById("v-fresh")?.dataset.state === "empty" && !!document.getElementById("v-next-run")`, "the first scrape's time")
	text := Eval[string](tab, `document.getElementById("v-fresh").innerText`)
	if !strings.Contains(text, "No data yet") || !strings.Contains(text, "02:00") || !strings.Contains(text, "Africa/Johannesburg") {
		t.Errorf("the fresh install says %q", text)
	}
	if Eval[bool](tab, `!!document.getElementById("v-scrape-now")`) {
		t.Error("Scrape now offered to a visitor")
	}
	t.Logf("screenshot: %s", firstScreen(tab, "valuations-fresh-390", 390, 844, true))
	tab.Do(chromedp.EmulateViewport(1280, 800))

	token := s.Superuser(t)
	Eval[bool](tab, fmt.Sprintf(`(localStorage.setItem("__pb_superusers__/_", JSON.stringify({token: %q, record: {collectionName: "_superusers"}})), true)`, token))
	tab.Open(s, "/valuations")
	tab.WaitTrue(`!!document.getElementById("v-scrape-now")`, "Scrape now for the superuser")
	tab.Click("#v-scrape-now")
	tab.WaitTrue(`/ended ok|Scraping/.test(document.getElementById("v-progress")?.textContent || "")`, "the scrape's progress")
	tab.WaitTrue(`/ended ok/.test(document.getElementById("v-progress")?.textContent || "") && Number(document.getElementById("v-summary").dataset.total) > 0`, "the scrape's end and its data listed")
	t.Logf("screenshot: %s", tab.Screenshot("valuations-scraped-1280", 1280, 800, false))
}

// firstScreen saves what the first screen shows (the viewport only, not
// the whole page) under e2e/screenshots, to look at what a visitor sees
// before scrolling.
func firstScreen(tab *Tab, name string, width, height int64, mobile bool) string {
	tab.t.Helper()
	return screenAt(tab, "", name, width, height, mobile)
}

// screenAt saves the screen with the element css selects at its top ("":
// the page's top).
func screenAt(tab *Tab, css, name string, width, height int64, mobile bool) string {
	tab.t.Helper()
	emulate := chromedp.EmulateViewport(width, height)
	if mobile {
		emulate = chromedp.EmulateViewport(width, height, chromedp.EmulateMobile, chromedp.EmulateScale(2))
	}
	tab.Do(emulate)
	if css == "" {
		Eval[bool](tab, `(window.scrollTo(0, 0), true)`)
	} else {
		Eval[bool](tab, fmt.Sprintf(`(document.querySelector(%q).scrollIntoView({block: "start"}), true)`, css))
	}
	png, err := chromedp.Run(tab.Ctx, chromedp.CaptureScreenshot())
	if err != nil {
		tab.t.Fatalf("screenshot: %v", err)
	}
	if err := os.MkdirAll("screenshots", 0o755); err != nil {
		tab.t.Fatal(err)
	}
	path := filepath.Join("screenshots", name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		tab.t.Fatal(err)
	}
	return path
}

// The property page sums up its value's change ("+24 % since first
// seen"), shows a use change once with code and label, folds the fields
// the roll leaves empty, and names a street-less property by its legal
// description, never ", SUBURB".
func TestValuationsPropertySummary(t *testing.T) {
	roll := seedValuations(t)
	s := roll.s
	type change struct {
		Field string `json:"field"`
		Old   any    `json:"old"`
		New   any    `json:"new"`
	}
	type detail struct {
		ID               string   `json:"id"`
		Address          string   `json:"address"`
		LegalDescription string   `json:"legalDescription"`
		MarketValue      *float64 `json:"marketValue"`
		History          []change `json:"history"`
	}
	var valueChanged, useChanged, streetless *detail
	for page := 1; page <= 2; page++ {
		list := listAPI(t, s, url.Values{"perPage": {"200"}, "page": {strconv.Itoa(page)}})
		for _, v := range list.Items {
			var d detail
			getJSON(t, s, "/api/valuations/"+v.ID, &d)
			for _, c := range d.History {
				if c.Field == "market_value" && valueChanged == nil && d.MarketValue != nil {
					if old, ok := c.Old.(float64); ok && old > 0 {
						valueChanged = &d
					}
				}
				if c.Field == "use_code" && useChanged == nil {
					useChanged = &d
				}
			}
			if streetless == nil && strings.HasPrefix(d.Address, ",") && d.LegalDescription != "" {
				streetless = &d
			}
		}
	}
	if valueChanged == nil || useChanged == nil || streetless == nil {
		t.Fatalf("the seeded roll lacks a case: value change %v, use change %v, street-less %v", valueChanged != nil, useChanged != nil, streetless != nil)
	}
	tab := NewBrowser(t).Tab()

	tab.Open(s, "/valuations/"+valueChanged.ID)
	tab.WaitTrue(`!!document.getElementById("v-change")`, "the change summary")
	var old float64
	for _, c := range valueChanged.History {
		if c.Field == "market_value" {
			old = c.Old.(float64) // the oldest comes last
		}
	}
	pct := (*valueChanged.MarketValue - old) / old * 100
	want := strconv.FormatFloat(float64(int64(pct*10+map[bool]float64{true: 0.5, false: -0.5}[pct >= 0]))/10, 'f', -1, 64)
	text := Eval[string](tab, `document.getElementById("v-change").textContent`)
	sign := "+"
	if pct < 0 {
		sign, want = "−", strings.TrimPrefix(want, "-")
	}
	if !strings.Contains(text, sign+want+"\u00a0% since first seen") || !strings.Contains(text, randsSA(int64(old))) {
		t.Errorf("the change summary reads %q; want %s%s %% since first seen from %s", text, sign, want, randsSA(int64(old)))
	}
	// Fields the roll leaves empty are folded away, named in one line.
	if n := Eval[int](tab, `document.querySelectorAll("dl.fields dd .none, dl.fields dd:empty").length`); n > 0 {
		t.Errorf("%d empty fields listed among the given ones", n)
	}
	if Eval[bool](tab, `!!document.getElementById("v-not-given") && !document.getElementById("v-not-given").open`) == false {
		t.Error("no folded list of the fields not given")
	}

	tab.Open(s, "/valuations/"+useChanged.ID)
	tab.WaitTrue(`!!document.querySelector('#v-history li[data-field="use"]')`, "the use change")
	if n := Eval[int](tab, `document.querySelectorAll('#v-history li[data-field="use_label"], #v-history li[data-field="use_code"]').length`); n != 0 {
		t.Errorf("the use change is also listed as %d separate code/label entries", n)
	}
	entry := Eval[string](tab, `document.querySelector('#v-history li[data-field="use"]').textContent`)
	for _, c := range useChanged.History {
		if c.Field == "use_code" {
			for _, code := range []any{c.Old, c.New} {
				if n, ok := code.(float64); ok && !strings.Contains(entry, fmt.Sprintf("(%d)", int(n))) {
					t.Errorf("the use change %q lacks the code %d", entry, int(n))
				}
			}
		}
	}

	tab.Open(s, "/valuations/"+streetless.ID)
	tab.WaitTrue(`!!document.querySelector(".valuation h1")`, "the street-less property")
	if got := Eval[string](tab, `document.querySelector(".valuation h1").textContent`); got != streetless.LegalDescription {
		t.Errorf("the street-less property (%q) is titled %q, want its legal description %q", streetless.Address, got, streetless.LegalDescription)
	}
	t.Logf("screenshot: %s", tab.Screenshot("valuations-property-390", 390, 844, true))
}
