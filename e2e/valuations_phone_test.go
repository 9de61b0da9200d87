package e2e

import (
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// On a 390×844 phone each result row is a card that needs no sideways
// scrolling: the page and every card fit, the first card's rate number (its
// link) is in the first screen, each cell carries its column's header as
// its label, the table is still a table to assistive technology, page
// numbers and rows per page are in the top pager, and a "Sort by" select
// (shown only at that width) sorts the list and puts the sort in the URL.
func TestValuationsPhoneCards(t *testing.T) {
	roll := seedValuations(t)
	s := roll.s
	tab := NewBrowser(t).Tab()
	phone := chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2))
	tab.Do(phone)
	tab.Open(s, "/valuations")
	first := shownQuery(tab, url.Values{"gone": {"false"}, "perPage": {"50"}}, "the first page on a phone")
	all := listAPI(t, s, url.Values{"gone": {"false"}, "perPage": {"50"}})
	if w := Eval[int](tab, `window.innerWidth`); w != 390 {
		t.Fatalf("viewport %d px wide", w)
	}

	phoneFits(t, tab, "the first page")
	// Cards, not table rows: one row per card, stacked; the header row
	// hidden from sight (screen readers still read it).
	layout := Eval[[]string](tab, `(() => { const tr = [...document.querySelectorAll("#v-results tbody tr")];
		return [getComputedStyle(tr[0]).display, String(Math.round(tr[1].getBoundingClientRect().top - tr[0].getBoundingClientRect().bottom)),
			String(Math.round(document.querySelector("#v-results thead").getBoundingClientRect().height))]; })()`)
	if layout[0] != "grid" || layout[1] == "" || strings.HasPrefix(layout[1], "-") || layout[2] != "1" && layout[2] != "0" {
		t.Errorf("rows are not stacked cards: display %s, gap between the first two %s px, header row %s px high", layout[0], layout[1], layout[2])
	}
	// The first card's rate number link is in the first screen, on top.
	Eval[bool](tab, `(window.scrollTo(0, 0), true)`)
	link := Eval[[]float64](tab, `(() => { const a = document.querySelector("#v-results tbody tr td[data-col=rateNumber] a"), r = a.getBoundingClientRect();
		const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
		return [r.left, r.top, r.right, r.bottom, hit && (hit === a || a.contains(hit)) ? 1 : 0]; })()`)
	if link[0] < 0 || link[1] < 0 || link[2] > 390 || link[3] > 844 || link[4] != 1 {
		t.Errorf("the first card's rate number link is not visible in the first screen: box %v", link)
	} else {
		t.Logf("390×844: the first card's rate number link at y = %.0f–%.0f", link[1], link[3])
	}
	// Each cell's label is its column's header text, and shows.
	labels := Eval[[]string](tab, `(() => { const heads = Object.fromEntries([...document.querySelectorAll("#v-results thead th")]
			.map(th => [th.dataset.col, th.textContent.replace(/[▲▼↕]/g, "").trim()]));
		return [...document.querySelector("#v-results tbody tr").cells].filter(td => td.dataset.label !== heads[td.dataset.col])
			.map(td => td.dataset.col + ": " + td.dataset.label + " ≠ " + heads[td.dataset.col]); })()`)
	if len(labels) > 0 {
		t.Errorf("cells labelled otherwise than their headers: %v", labels)
	}
	for _, col := range []string{"rateNumber", "owner", "use", "marketValue", "extent", "updated"} {
		shown := Eval[string](tab, `(() => { const td = [...document.querySelectorAll("#v-results tbody td[data-col=`+col+`]")].find(td => !!td.textContent);
			return td ? getComputedStyle(td, "::before").content + "|" + getComputedStyle(td, "::before").display : "no such cell"; })()`)
		if strings.HasPrefix(shown, "none") || strings.HasSuffix(shown, "|none") || shown == "no such cell" {
			t.Errorf("the %s cells show no label (::before %s)", col, shown)
		}
	}
	// Still a table to assistive technology.
	roles := Eval[string](tab, `(() => { const tr = document.querySelector("#v-results tbody tr");
		return [tr.closest("table").getAttribute("role"), tr.getAttribute("role"), tr.cells[0].getAttribute("role"),
			document.querySelector("#v-results thead th").getAttribute("role")].join(","); })()`)
	if roles != "table,row,cell,columnheader" {
		t.Errorf("the cards' roles are %s", roles)
	}

	// The top pager: Previous, Next, page numbers and rows per page, all
	// inside the screen's width.
	pager := Eval[[]int](tab, `(() => { const nav = document.getElementById("v-pager-top"), shown = (el) => !!el && el.getBoundingClientRect().width > 0;
		const pages = [...nav.querySelectorAll("a.page")];
		const out = [...nav.querySelectorAll("a, span, select")].filter(shown).filter(el => el.getBoundingClientRect().right > window.innerWidth + 0.5 || el.getBoundingClientRect().left < -0.5);
		return [pages.length, pages.filter(shown).length, shown(document.getElementById("v-size-top")) ? 1 : 0, out.length, Math.round(nav.getBoundingClientRect().height)]; })()`)
	if pager[0] != all.TotalPages || pager[1] != all.TotalPages || pager[2] != 1 || pager[3] != 0 {
		t.Errorf("the top pager on a phone: %d page numbers (%d shown) for %d pages, rows per page shown %d, %d controls outside the screen", pager[0], pager[1], all.TotalPages, pager[2], pager[3])
	}
	t.Logf("the top pager is %d px high", pager[4])

	t.Logf("screenshot: %s", firstScreen(tab, "valuations-phone-cards-390-first-screen", 390, 844, true))
	t.Logf("screenshot: %s", tab.Screenshot("valuations-phone-cards-390", 390, 844, true))
	tab.Do(phone)

	// The header's sort buttons stay reachable by keyboard: focused, the
	// header row shows.
	Eval[bool](tab, `(document.querySelector('#v-results button.sort[data-sort="suburb"]').focus(), true)`)
	if h := Eval[int](tab, `Math.round(document.querySelector("#v-results thead").getBoundingClientRect().height)`); h < 20 {
		t.Errorf("a focused sort button's header row is %d px high: focus not visible", h)
	}
	tab.Audit("/valuations on a phone, a header sort button focused")
	t.Logf("screenshot: %s", firstScreen(tab, "valuations-phone-cards-390-header-focus", 390, 844, true))
	Eval[bool](tab, `(document.activeElement.blur(), true)`)

	// Sort by market value, largest first, from the phone's select.
	if !Eval[bool](tab, `(() => { const s = document.getElementById("v-sort"); return !!s && s.getBoundingClientRect().width > 0 && s.value === "rateNumber"; })()`) {
		t.Fatal("no Sort by select (set to rate number) on a phone")
	}
	tab.Do(chromedp.SetValue(chromedp.CSS("#v-sort"), "-marketValue"))
	Eval[bool](tab, `document.getElementById("v-sort").dispatchEvent(new Event("change"))`)
	want := url.Values{"gone": {"false"}, "perPage": {"50"}, "sort": {"-marketValue"}}
	sorted := shownQuery(tab, want, "sorted by market value from the phone's select")
	api := listAPI(t, s, want)
	if strings.Join(sorted, ",") != strings.Join(ids(api.Items), ",") {
		t.Errorf("sorted by market value the phone shows %v, the API %v", sorted, ids(api.Items))
	}
	if strings.Join(sorted, ",") == strings.Join(first, ",") {
		t.Error("the phone's sort did not reorder the list")
	}
	var values []float64
	for _, v := range strings.Split(Eval[string](tab, `[...document.querySelectorAll("#v-results tbody td[data-col=marketValue]")].map(td => td.dataset.value).join(",")`), ",") {
		if n, err := strconv.ParseFloat(v, 64); err == nil {
			values = append(values, n)
		}
	}
	if len(values) < 40 || !sort.SliceIsSorted(values, func(i, j int) bool { return values[i] > values[j] }) {
		t.Errorf("market values not largest first: %v", values)
	}
	if search := Eval[string](tab, `location.search`); !strings.Contains(search, "sort=-marketValue") {
		t.Errorf("the sort is not in the URL: %q", search)
	}
	tab.WaitTrue(`document.getElementById("v-sort").value === "-marketValue" && document.activeElement?.id === "v-sort"`, "the select keeps the sort and the focus")
	if got := Eval[string](tab, `document.querySelector('#v-results th[aria-sort]')?.dataset.col || ""`); got != "marketValue" {
		t.Errorf("aria-sort is on %q, want marketValue", got)
	}
	tab.Audit("/valuations on a phone, sorted from the select")
	t.Logf("screenshot: %s", firstScreen(tab, "valuations-phone-cards-390-sorted", 390, 844, true))

	// A reload keeps it.
	tab.Open(s, "/valuations?sort=-marketValue")
	shownQuery(tab, want, "the sort from the URL")
	if got := Eval[string](tab, `document.getElementById("v-sort").value`); got != "-marketValue" {
		t.Errorf("after a reload the select reads %q", got)
	}

	// Gone rows (a status badge), and a pager with gaps, fit too.
	tab.Open(s, "/valuations?gone=all&perPage=25&page=8")
	shownQuery(tab, url.Values{"perPage": {"25"}, "page": {"8"}}, "page 8 of 25 rows, gone rows included")
	phoneFits(t, tab, "page 8, gone rows included")
	if n := Eval[int](tab, `document.querySelectorAll("#v-results tbody td[data-col=status] .badge").length`); n != 25 {
		t.Errorf("%d status badges on 25 cards", n)
	}
	t.Logf("screenshot: %s", firstScreen(tab, "valuations-phone-cards-390-gone", 390, 844, true))

	// On a desktop the select is gone and the table is a table.
	tab.Do(chromedp.EmulateViewport(1280, 800))
	desk := Eval[string](tab, `[getComputedStyle(document.getElementById("v-sort-by")).display, getComputedStyle(document.querySelector("#v-results tbody tr")).display,
		getComputedStyle(document.querySelector("#v-results thead")).position].join(",")`)
	if desk != "none,table-row,static" {
		t.Errorf("at 1280 px: sort select %s", desk)
	}
}

// phoneFits checks that nothing scrolls sideways on the phone: the page,
// the results' box, any card or any cell of a card.
func phoneFits(t *testing.T, tab *Tab, what string) {
	t.Helper()
	widths := Eval[[]int](tab, `(() => { const box = document.querySelector("#v-results .table-scroll");
		return [document.documentElement.scrollWidth, window.innerWidth, box.scrollWidth, box.clientWidth]; })()`)
	if widths[0] > 390 || widths[0] > widths[1] {
		t.Errorf("%s: the page is %d px wide in a %d px window", what, widths[0], widths[1])
	}
	if widths[2] > widths[3] {
		t.Errorf("%s: the results' box scrolls sideways: content %d px in %d px", what, widths[2], widths[3])
	}
	wide := Eval[[]string](tab, `(() => { const box = document.querySelector("#v-results .table-scroll").getBoundingClientRect();
		return [...document.querySelectorAll("#v-results tbody tr")].filter(tr => {
			const r = tr.getBoundingClientRect();
			return r.left < box.left - 0.5 || r.right > box.right + 0.5 || tr.scrollWidth > tr.clientWidth + 1 ||
				[...tr.cells].some(td => { const c = td.getBoundingClientRect();
					return c.width > 0 && (c.left < r.left - 0.5 || c.right > r.right + 0.5 || td.scrollWidth > td.clientWidth + 1); });
		}).map(tr => tr.dataset.id); })()`)
	if len(wide) > 0 {
		t.Errorf("%s: %d cards are wider than their box (or have a cell wider than the card): %v", what, len(wide), wide)
	}
	if n := Eval[int](tab, `document.querySelectorAll("#v-results tbody tr").length`); n == 0 {
		t.Errorf("%s: no card", what)
	}
}
