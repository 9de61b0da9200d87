// The valuation roll: one search box with suggestions, the filters folded
// into a compact bar, then the results first (a table that fits a desktop,
// pagers above and below), and under them the search's facets, statistics
// and changes. Every view is a URL (/valuations?suburb=…&sort=…&page=2):
// changing it pushes a history entry and redraws in place, so focus stays
// where the user is.
import { h, pageMount, notice, clearNotice, setTitle, requestError as requestErrorText } from "../dom.js";
import { listValuations, valuationsCsvURL } from "../api.js";
import {
  filters, rolls, goneChoices, readQuery, search, apiParams, sortOf, clean, labels, pageMessage, perPage as defaultPerPage,
  perPageChoices, filterParams, activeFilters,
} from "./valuations-query.js";
import { rands, extent, count, group, when, streetPart } from "./valuations-format.js";
import { searchBox } from "./valuations-search.js";
import { suggest, facets as getFacets, stats as getStats, changes as getChanges } from "./valuations-api.js";
import { histogram, rankedSuburbs, figures, changeSummary, suburbURL } from "./valuations-charts.js";
import { statusPanel } from "./valuations-status.js";

// The table's columns: the ones that matter, so it fits 1280 px; the rest
// are on the property page. sort is the API's key, first the direction of
// the first click (largest or newest first for numbers and dates). gone:
// shown only when gone rows are listed.
const columns = [
  { key: "rateNumber", label: "Rate number", sort: "rateNumber", first: "asc" },
  { key: "address", label: "Address", sort: "address", first: "asc" },
  { key: "suburb", label: "Suburb", sort: "suburb", first: "asc" },
  { key: "owner", label: "Owner" },
  { key: "use", label: "Use" },
  { key: "marketValue", label: "Market value", sort: "marketValue", first: "desc", num: true },
  { key: "extent", label: "Extent", sort: "extent", first: "desc", num: true },
  { key: "updated", label: "Last change", sort: "updated", first: "desc" },
  { key: "status", label: "Status", gone: true },
];

const sortNames = Object.fromEntries(columns.filter((c) => c.sort).map((c) => [c.sort, c.label.toLowerCase()]));

// A phone shows each row as a card, without the header row: its sorts are
// a "Sort by" select instead, each key both ways, the first click's first.
const sortWords = {
  rateNumber: ["lowest first", "highest first"], address: ["A to Z", "Z to A"], suburb: ["A to Z", "Z to A"],
  marketValue: ["lowest first", "highest first"], extent: ["smallest first", "largest first"], updated: ["oldest first", "newest first"],
};
const sortChoices = columns.filter((c) => c.sort).flatMap((c) => {
  const [asc, desc] = sortWords[c.sort] || ["ascending", "descending"];
  const both = [[c.sort, `${c.label}, ${asc}`], [`-${c.sort}`, `${c.label}, ${desc}`]];
  return c.first === "desc" ? both.reverse() : both;
});

export async function valuationsView() {
  const mount = pageMount();
  setTitle("Valuation roll");
  let query = readQuery(window.location.search);
  // Only the newest request paints: a slow answer to an older query never
  // replaces a newer one, nor a page the user has left.
  let loads = 0;
  let extras = 0;

  const status = statusPanel(() => load());
  const finder = searchBox({
    id: "v-q", label: "Search the roll", labelClass: "finder-label", listLabel: "Suggestions",
    placeholder: window.matchMedia("(max-width: 480px)").matches ? "Address, owner, suburb, rate no." : "Rate number, address, street, owner or suburb",
    hint: "Type two letters or more; choose a suggestion, or press Enter for the first.",
    year: () => query.year,
    choose: (it) => go({ ...query, [it.param]: it.value, page: "" }, () => heading.focus({ preventScroll: true })),
    fallback: (text) => {
      if (/^\d{1,12}$/.test(text)) return { param: "rateNumberPrefix", value: text };
      if (text.length >= 3) return { param: "address", value: text };
      return "Type at least 3 letters, or a rate number.";
    },
  });
  finder.el.classList.add("finder");
  const form = filterForm();
  const filterBox = h("details", { class: "filter-box", id: "v-filters" },
    h("summary", { class: "button ghost" }, "Filters", h("span", { class: "count", id: "v-filter-count" })), form);
  const chips = h("ul", { class: "chips", id: "v-chips", "aria-label": "Filters in use" });
  const yearBox = h("div", { class: "year-choice", id: "v-year" });
  const heading = h("h2", { id: "v-results-h", tabindex: "-1" }, "Properties");
  const summary = h("p", { class: "summary", id: "v-summary", "aria-live": "polite" }, "Loading…");
  const csv = h("a", { class: "button ghost", id: "v-csv", download: "valuations.csv", href: valuationsCsvURL(apiParams(query, false)) }, "Download CSV");
  const tableBox = h("div", { class: "table-scroll", role: "region", "aria-labelledby": "v-results-h", tabindex: "0" });
  const sortSelect = h("select", { id: "v-sort" });
  sortSelect.addEventListener("change", () => go({ ...query, sort: sortSelect.value, page: "" }, () => document.getElementById("v-sort")?.focus()));
  const sortBox = h("div", { class: "sort-by", id: "v-sort-by", hidden: true },
    h("label", { class: "field inline", for: "v-sort" }, "Sort by", sortSelect));
  const pagerTop = h("nav", { class: "pager v-pager", id: "v-pager-top", "aria-label": "Result pages (top)" });
  const pagerBottom = h("nav", { class: "pager v-pager", id: "v-pager-bottom", "aria-label": "Result pages (bottom)" });
  const results = h("section", { id: "v-results", "aria-labelledby": "v-results-h", "data-state": "loading" },
    h("div", { class: "results-bar" }, h("div", {}, heading, summary), csv), sortBox, pagerTop, tableBox, pagerBottom);
  const facetBox = h("section", { class: "v-panel", id: "v-facets", "aria-labelledby": "v-facets-h", hidden: true },
    h("h2", { id: "v-facets-h" }, "Narrow the search"));
  const statsBox = h("section", { class: "v-panel", id: "v-stats", "aria-labelledby": "v-stats-h", hidden: true },
    h("h2", { id: "v-stats-h" }, "Statistics"));
  const changesBox = h("section", { class: "v-panel", id: "v-changes", "aria-labelledby": "v-changes-h", hidden: true },
    h("h2", { id: "v-changes-h" }, "Changes in value"));

  if (!mount(h("div", { class: "wide valuations" },
    h("h1", {}, "Durban valuation roll"),
    status.line,
    h("div", { class: "finder-bar" }, finder.el, h("div", { class: "bar-tools" }, filterBox, yearBox)),
    chips,
    results,
    facetBox, statsBox, changesBox,
    status.box))) return undefined;

  status.load();
  paintChips();
  await load();
  return () => status.stop();

  function filterForm() {
    const field = (f) => {
      const id = `vf-${f.name}`;
      if (f.name === "suburb") {
        // The suburb field suggests the suburbs on the roll as you type.
        const box = searchBox({
          id, name: "suburb", label: f.label, labelClass: "field-label", hint: f.hint, kinds: ["suburb"], keepText: true, listLabel: "Suburbs",
          value: query.suburb || "", year: () => query.year,
          choose: (it) => { box.input.value = it.value; },
          onEnter: () => el.requestSubmit(), // the prefix as typed is a search
        });
        box.el.classList.add("filter");
        return box.el;
      }
      const input = h("input", {
        type: f.kind === "date" ? "date" : "text", id, name: f.name, value: query[f.name] || "",
        inputmode: f.kind === "rands" || f.kind === "digits" ? "numeric" : f.kind === "extent" ? "decimal" : undefined,
        autocomplete: "off", "aria-describedby": `${id}-err`,
      });
      return h("div", { class: "filter" },
        h("label", { class: "field", for: id }, f.label, f.hint ? h("span", { class: "hintline" }, f.hint) : null, input),
        h("p", { class: "err", id: `${id}-err`, "data-error-for": f.name }));
    };
    const roll = h("div", { class: "filter" },
      h("label", { class: "field", for: "vf-roll" }, "Roll",
        h("select", { id: "vf-roll", name: "roll", "aria-describedby": "vf-roll-err" },
          rolls.map(([value, label]) => h("option", { value, selected: (query.roll || "") === value }, label)))),
      h("p", { class: "err", id: "vf-roll-err", "data-error-for": "roll" }));
    const gone = h("fieldset", { class: "filter choice", "aria-describedby": "vf-gone-err" },
      h("legend", {}, "Show"),
      goneChoices.map(([value, label]) => h("label", {},
        h("input", { type: "radio", name: "gone", value, checked: query.gone === value }), label)),
      h("p", { class: "err", id: "vf-gone-err", "data-error-for": "gone" }));
    const el = h("form", { class: "filters", role: "search", "aria-label": "Filter the valuation roll", novalidate: true },
      ...filters.map(field), roll, gone,
      h("div", { class: "buttons" },
        h("button", { type: "submit" }, "Apply filters"),
        h("button", { type: "button", class: "ghost", id: "v-clear", onclick: reset }, "Clear filters")));
    el.addEventListener("submit", (event) => {
      event.preventDefault();
      const data = new FormData(el);
      const next = { sort: query.sort, perPage: query.perPage, year: query.year, since: query.since, page: "", gone: data.get("gone") || "" };
      for (const f of filters) {
        const v = clean(f.kind, String(data.get(f.name) || ""));
        if (v) next[f.name] = v;
        el.elements[f.name].value = v;
      }
      if (data.get("roll")) next.roll = data.get("roll");
      go(next);
    });
    return el;
  }

  function reset() {
    go({ sort: query.sort, perPage: query.perPage, year: query.year, since: query.since, page: "", gone: "" });
  }

  // fillForm puts the query into the form (after a chip, facet or
  // suggestion changed it).
  function fillForm() {
    for (const f of filters) form.elements[f.name].value = query[f.name] || "";
    form.elements.roll.value = query.roll || "";
    for (const radio of form.querySelectorAll('input[name="gone"]')) radio.checked = radio.value === (query.gone || "");
  }

  // go shows another query: a new history entry, the results redrawn.
  function go(next, after) {
    query = { ...next };
    for (const k of Object.keys(query)) if (query[k] === undefined || query[k] === null) delete query[k];
    const url = `/valuations${search(query)}`;
    if (url !== window.location.pathname + window.location.search) window.history.pushState({}, "", url);
    clearNotice();
    fillForm();
    paintChips();
    return load(after);
  }

  function paintChips() {
    const set = activeFilters(query);
    document.getElementById("v-filter-count")?.replaceChildren(set.length ? ` (${set.length})` : "");
    chips.replaceChildren(...set.map(([name, label, value]) => h("li", { "data-param": name },
      h("span", {}, `${label}: `, h("strong", {}, value)),
      h("button", {
        type: "button", class: "chip-x", "aria-label": `Remove the filter ${label}: ${value}`,
        onclick: () => {
          const next = { ...query, page: "" };
          delete next[name];
          go(next, () => (chips.querySelector("button") || finder.input).focus());
        },
      }, "×"))),
    ...(set.length > 1 ? [h("li", { class: "chip-clear" }, h("button", { type: "button", class: "link", onclick: reset }, "Clear all"))] : []),
    ...(query.suburbExact ? [suburbPageLink(query.suburbExact)] : []));
    chips.hidden = !chips.childElementCount;
  }

  function suburbPageLink(name) {
    return h("li", { class: "chip-link" }, h("a", { href: suburbURL(name), id: "v-suburb-page" }, `${name}: figures and charts`));
  }

  async function load(after) {
    const seq = ++loads;
    const params = apiParams(query, true);
    csv.href = valuationsCsvURL(apiParams(query, false));
    results.setAttribute("aria-busy", "true");
    try {
      const res = await listValuations(params);
      if (seq !== loads || !results.isConnected) return;
      showFieldErrors(null);
      csv.hidden = false;
      paint(res);
      results.dataset.state = "ready";
      results.dataset.query = params.toString();
      if (after) after();
      if (res.totalItems) loadExtras();
      else {
        extras++; // an older search's sections must not paint
        for (const box of [facetBox, statsBox, changesBox]) box.hidden = true;
      }
    } catch (err) {
      if (seq !== loads || !results.isConnected) return;
      const rest = showFieldErrors(err);
      notice(rest || "Please correct the highlighted filters.", "error");
      summary.textContent = "No results: the search could not run.";
      summary.removeAttribute("data-total");
      csv.hidden = true; // it would download the same refusal
      tableBox.replaceChildren();
      sortBox.hidden = true;
      pagerTop.replaceChildren();
      pagerBottom.replaceChildren();
      for (const box of [facetBox, statsBox, changesBox]) box.hidden = true;
      results.dataset.state = "error";
      results.dataset.query = params.toString();
      const bad = form.querySelector('[aria-invalid="true"]');
      if (bad) {
        filterBox.open = true;
        bad.focus();
      }
    } finally {
      if (seq === loads) results.removeAttribute("aria-busy");
    }
  }

  // showFieldErrors writes the API's per-parameter messages beside their
  // fields, in the page's words, and clears them when err is null; it
  // returns the words for the rest.
  function showFieldErrors(err) {
    for (const slot of form.querySelectorAll("[data-error-for]")) slot.textContent = "";
    for (const c of form.querySelectorAll("[aria-invalid]")) c.removeAttribute("aria-invalid");
    if (!err) return "";
    const data = err?.response?.data || {};
    const rest = [];
    for (const [name, detail] of Object.entries(data)) {
      const slot = form.querySelector(`[data-error-for="${CSS.escape(name)}"]`);
      const text = pageMessage(name, detail);
      if (slot) {
        slot.textContent = text;
        const box = slot.closest(".filter");
        for (const c of box ? box.querySelectorAll("input, select") : []) c.setAttribute("aria-invalid", "true");
      } else {
        rest.push(`${labels[name] || name}: ${text}`);
      }
    }
    if (rest.length) return rest.join(" ");
    return Object.keys(data).length ? "" : requestErrorText(err);
  }

  function paint(res) {
    const { key, desc } = sortOf(query);
    paintYears(res);
    summary.dataset.total = res.totalItems;
    const where = res.year ? `on the ${res.year} roll` : "on the roll";
    const shownGone = query.gone === "true" ? " (gone)" : query.gone === "all" ? " (on the roll or gone)" : "";
    summary.textContent = res.totalItems
      ? `${count(res.totalItems, "property", "properties")}${shownGone} ${where}, sorted by ${sortNames[key] || key}${desc ? ", descending" : ""}`
      : `No property${shownGone} ${where} matches this search`;
    csv.replaceChildren(`Download CSV (${count(res.totalItems, "row", "rows")})`);
    csv.dataset.rows = res.totalItems;
    csv.hidden = !res.totalItems;
    const cols = columns.filter((c) => !c.gone || query.gone === "true" || query.gone === "all");
    paintSort(key, desc, res.items.length > 0);
    if (!res.items.length) {
      tableBox.replaceChildren(h("div", { class: "empty", id: "v-empty" }, res.totalItems
        ? ["No properties on this page. ", pageLink(1, "Go to the first page")]
        : activeFilters(query).length || query.gone
          ? [h("p", {}, "No property matches this search."), didYouMean()]
          : [h("p", {}, "The roll has no properties yet: they appear after the first scrape.")]));
    } else {
      // The roles are the elements' own: a phone's CSS makes the rows
      // blocks (cards), which some browsers take as no longer a table.
      tableBox.replaceChildren(h("table", { class: "valuations-table", role: "table" },
        h("caption", { class: "sr-only" }, `Properties, page ${res.page} of ${res.totalPages}, sorted by ${sortNames[key] || key}, ${desc ? "descending" : "ascending"}`),
        h("thead", { role: "rowgroup" }, h("tr", { role: "row" }, cols.map((c) => header(c, key, desc)))),
        h("tbody", { role: "rowgroup" }, res.items.map((v) => row(v, cols)))));
    }
    pagerTop.replaceChildren(...pager(res, "top"));
    pagerBottom.replaceChildren(...pager(res, "bottom"));
  }

  // paintSort sets the phone's "Sort by" to the list's sort.
  function paintSort(key, desc, shown) {
    const value = (desc ? "-" : "") + key;
    const choices = sortChoices.some(([v]) => v === value) ? sortChoices : [...sortChoices, [value, `${sortNames[key] || key}${desc ? ", descending" : ""}`]];
    sortSelect.replaceChildren(...choices.map(([v, label]) => h("option", { value: v, selected: v === value }, label)));
    sortSelect.value = value;
    sortBox.hidden = !shown;
  }

  // didYouMean fills the empty result with the nearest suburb names to
  // the suburb searched for, as links that search them instead.
  function didYouMean() {
    const slot = h("p", { class: "did-you-mean", id: "v-dym" });
    const typed = query.suburb || query.address || query.owner || "";
    if (typed.length < 2) return slot;
    const params = new URLSearchParams({ q: typed.slice(0, 100) });
    if (query.year) params.set("year", query.year);
    suggest(params).then((res) => {
      let alts = res.didYouMean || [];
      if (!alts.length && query.suburb) alts = (res.groups || []).find((g) => g.kind === "suburb")?.items || [];
      alts = alts.filter((a) => !(a.param === "suburb" && a.value.toUpperCase() === String(query.suburb || "").toUpperCase()));
      if (!alts.length || !slot.isConnected) return;
      slot.replaceChildren("Did you mean ", ...alts.slice(0, 3).flatMap((a, i) => [
        i ? (i === alts.length - 1 ? " or " : ", ") : "",
        h("a", {
          href: `/valuations${search({ ...query, [a.param]: a.value, page: "" })}`,
          onclick: (e) => { e.preventDefault(); go({ ...query, [a.param]: a.value, page: "" }, () => heading.focus({ preventScroll: true })); },
        }, a.label),
        a.count ? ` (${count(a.count, "property", "properties")})` : "",
      ]), "?");
    }, () => {});
    return slot;
  }

  // pager: Previous, page numbers around the current one (first and last
  // always), Next, and the page size.
  function pager(res, where) {
    if (!res.totalPages) return [];
    const cur = Math.min(res.page, res.totalPages);
    const last = res.totalPages;
    // Every page when there are few; else the first, the last and two
    // either side of the current one.
    const near = last <= 9 ? Array.from({ length: last }, (_, i) => i + 1) : [1, last, cur - 2, cur - 1, cur, cur + 1, cur + 2];
    const nums = new Set(near.filter((p) => p >= 1 && p <= last));
    const links = [];
    let prev = 0;
    for (const p of [...nums].sort((a, b) => a - b)) {
      if (p - prev > 1) links.push(h("li", { class: "gap", "aria-hidden": "true" }, "…"));
      links.push(h("li", {}, p === cur
        ? h("a", { class: "page current", "aria-current": "page", href: `/valuations${search({ ...query, page: String(p) })}` }, h("span", { class: "sr-only" }, "Page "), String(p))
        : pageLink(p, [h("span", { class: "sr-only" }, "Page "), String(p)], undefined, "page")));
      prev = p;
    }
    const size = h("select", { id: `v-size-${where}`, class: "page-size" },
      perPageChoices.map((n) => h("option", { value: String(n), selected: Number(query.perPage || defaultPerPage) === n }, String(n))));
    size.addEventListener("change", () => go({ ...query, perPage: size.value === String(defaultPerPage) ? "" : size.value, page: "" },
      () => document.getElementById(`v-size-${where}`)?.focus()));
    return [
      cur > 1 ? pageLink(cur - 1, "Previous", "prev") : h("span", { class: "button ghost off", "aria-disabled": "true" }, "Previous"),
      h("ol", { class: "pages" }, links),
      cur < last ? pageLink(cur + 1, "Next", "next") : h("span", { class: "button ghost off", "aria-disabled": "true" }, "Next"),
      h("span", { class: "page-of", id: where === "top" ? "v-page" : `v-page-${where}` }, `Page ${group(cur)} of ${group(last)}`),
      h("label", { class: "field inline size", for: `v-size-${where}` }, "Rows per page", size),
    ];
  }

  // paintYears offers the stored roll years; older rolls are frozen copies
  // scraped once, so the newest is the default.
  function paintYears(res) {
    if (!res.years || res.years.length < 2) {
      yearBox.replaceChildren();
      return;
    }
    const select = h("select", { id: "v-year-select" },
      res.years.map((y, i) => h("option", { value: String(y), selected: y === res.year }, i === 0 ? `${y} (current)` : String(y))));
    select.addEventListener("change", () => {
      const next = { ...query, page: "" };
      if (select.value === String(res.years[0])) delete next.year;
      else next.year = select.value;
      go(next);
    });
    yearBox.replaceChildren(h("label", { class: "field inline", for: "v-year-select" }, "Roll year", select));
  }

  function header(c, key, desc) {
    if (!c.sort) return h("th", { scope: "col", role: "columnheader", class: c.num ? "num" : undefined, "data-col": c.key }, c.label);
    const active = c.sort === key;
    const arrow = active ? (desc ? "▼" : "▲") : "↕";
    return h("th", { scope: "col", role: "columnheader", class: c.num ? "num" : undefined, "data-col": c.key, "aria-sort": active ? (desc ? "descending" : "ascending") : undefined },
      h("button", {
        type: "button", class: "sort", "data-sort": c.sort,
        onclick: () => {
          const nextDesc = active ? !desc : c.first === "desc";
          go({ ...query, sort: (nextDesc ? "-" : "") + c.sort, page: "" },
            () => tableBox.querySelector(`button[data-sort="${c.sort}"]`)?.focus());
        },
      }, c.label, h("span", { class: "arrow", "aria-hidden": "true" }, arrow)));
  }

  function row(v, cols) {
    const link = `/valuations/${encodeURIComponent(v.id)}${search(query)}`;
    const street = streetPart(v);
    const cells = {
      rateNumber: () => h("a", { href: link }, v.rateNumber || h("span", { class: "none" }, "no rate number")),
      address: () => street || h("span", { class: "none", title: "No street address on the roll: its legal description" }, v.legalDescription || "no address"),
      suburb: () => v.addressSuburb || v.suburb,
      owner: () => v.firstOwner,
      use: () => (v.useLabel || (v.useCode ?? "") !== ""
        ? h("span", { title: v.useCode !== null && v.useCode !== undefined ? `Use code ${v.useCode}` : undefined }, v.useLabel || v.useCode)
        : null),
      marketValue: () => rands(v.marketValue),
      extent: () => extent(v.extent),
      updated: () => when(v.updated, true),
      status: () => (v.goneAt ? h("span", { class: "badge gone" }, "Gone ", when(v.goneAt, true)) : h("span", { class: "badge" }, "On the roll")),
    };
    const data = { marketValue: v.marketValue ?? "", extent: v.extent ?? "", updated: v.updated };
    // data-label: the column's header, which a phone's card shows beside
    // the value (CSS, ::before).
    return h("tr", { "data-id": v.id, role: "row" }, cols.map((c) => h("td", {
      role: "cell", "data-col": c.key, "data-label": c.label, class: c.num ? "num" : c.key === "updated" ? "date" : undefined,
      "data-value": c.key in data ? data[c.key] : undefined,
      "data-gone": c.key === "status" ? (v.goneAt ? "true" : "false") : undefined,
    }, cells[c.key]())));
  }

  function pageLink(page, label, rel, cls = "button ghost") {
    const target = { ...query, page: String(page) };
    return h("a", {
      class: cls, rel, href: `/valuations${search(target)}`,
      onclick: (event) => {
        event.preventDefault();
        go(target, () => {
          heading.focus({ preventScroll: true });
          results.scrollIntoView({ block: "start" });
        });
      },
    }, label);
  }

  // loadExtras reads the facets, statistics and changes of the search;
  // a section whose endpoint the server lacks (404) stays hidden.
  function loadExtras() {
    const seq = ++extras;
    const fp = filterParams(query);
    const fresh = () => seq === extras && results.isConnected;
    const withSize = new URLSearchParams(fp);
    withSize.set("size", query.facets === "all" ? "50" : "10");
    getFacets(withSize).then((res) => fresh() && paintFacets(res, fp), (e) => fresh() && hide(facetBox, e));
    getStats(fp).then((res) => fresh() && paintStats(res), (e) => fresh() && hide(statsBox, e));
    loadChanges(seq, fp);
  }

  function loadChanges(seq, fp) {
    const cp = new URLSearchParams(fp);
    if (query.since) cp.set("since", query.since);
    const fresh = () => seq === extras && results.isConnected;
    getChanges(cp).then((res) => fresh() && paintChanges(res), (e) => fresh() && hide(changesBox, e));
  }

  // A refusal (4xx) of a section hides it: the list above shows the
  // search's own refusals by their fields.
  function hide(box, err) {
    box.hidden = err?.status >= 400 && err?.status < 500;
    if (box.hidden) return;
    const h2 = box.querySelector("h2");
    box.replaceChildren(h2, h("p", { class: "empty" }, `Not available just now: ${requestErrorText(err)}`));
  }

  function paintFacets(res, fp) {
    const h2 = facetBox.querySelector("h2");
    // A suburb facet counts one suburb by its whole name, while the list's
    // suburb filter is a prefix (PINETOWN takes in PINETOWN EXT 74): its
    // links narrow by suburbExact, so the list shows the facet's count.
    const own = (param) => (param === "suburb" ? "suburbExact" : param);
    const link = (param, value, label, n) => {
      const next = { ...query, [own(param)]: value, page: "" };
      if (param === "suburb") delete next.suburb;
      return h("a", {
        href: `/valuations${search(next)}`, "data-param": param, "data-value": value,
        onclick: (e) => { e.preventDefault(); go(next, () => heading.focus({ preventScroll: true })); },
      }, h("span", { class: "facet-label" }, label), h("span", { class: "facet-count" }, group(n)));
    };
    facetBox.replaceChildren(h2, h("div", { class: "facet-grid" }, (res.facets || []).map((f) => {
      const list = h("ul", {}, f.values.map((v) => h("li", { "data-value": v.value },
        String(query[own(f.param)] || "").toUpperCase() === String(v.value).toUpperCase()
          ? h("span", { class: "facet-on" }, h("span", { class: "facet-label" }, v.label), h("span", { class: "facet-count" }, group(v.count)))
          : link(f.param, v.value, v.label, v.count))));
      // "More" shows up to 50 values of every facet, a state of the URL
      // (facets=all) like the rest of the view.
      const more = f.more && query.facets !== "all" ? h("a", {
        class: "facet-more", href: `/valuations${search({ ...query, facets: "all" })}`,
        onclick: (e) => {
          e.preventDefault();
          query = { ...query, facets: "all" };
          window.history.pushState({}, "", `/valuations${search(query)}`);
          const p = new URLSearchParams(fp);
          p.set("size", "50");
          getFacets(p).then((res) => {
            if (!results.isConnected || query.facets !== "all" || filterParams(query).toString() !== fp.toString()) return;
            paintFacets(res, fp);
            facetBox.querySelector(`.facet[data-param="${f.param}"] li:nth-child(${f.values.length + 1}) a`)?.focus();
          }, () => {});
        },
      }, `More ${f.label.toLowerCase()} values`) : null;
      return h("div", { class: "facet", "data-param": f.param }, h("h3", {}, f.label), list, more);
    })));
    facetBox.hidden = !(res.facets || []).length;
    // A suburb search that comes down to one suburb links its page.
    const suburbs = (res.facets || []).find((f) => f.param === "suburb");
    if (query.suburb && !query.suburbExact && suburbs?.values.length === 1 && !suburbs.more && !chips.querySelector("#v-suburb-page")) {
      chips.append(suburbPageLink(suburbs.values[0].value));
    }
  }

  function paintStats(st) {
    const h2 = statsBox.querySelector("h2");
    statsBox.replaceChildren(h2, ...figures(st),
      h("div", { class: "chart-cols" }, histogram(st.histogram, "v-hist", band), rankedSuburbs(st.suburbs, "v-rank")));
    statsBox.hidden = false;
  }

  // band is the search narrowed to one of the histogram's value bands.
  function band(b) {
    return `/valuations${search({ ...query, marketValueMin: String(b.from), marketValueMax: String(b.to - 1), page: "" })}`;
  }

  function paintChanges(c) {
    const h2 = changesBox.querySelector("h2");
    const date = h("input", { type: "date", id: "v-since", value: query.since || "" });
    const form = h("form", { class: "since", novalidate: true },
      h("label", { class: "field inline", for: "v-since" }, "Changed since", date),
      h("button", { type: "submit", class: "ghost" }, "Show"),
      query.since ? h("button", { type: "button", class: "link", onclick: () => setSince("") }, "All history") : null);
    form.addEventListener("submit", (e) => { e.preventDefault(); setSince(date.value); });
    changesBox.replaceChildren(h2, form, ...changeSummary(c, (r) => `/valuations/${encodeURIComponent(r.id)}${search(query)}`));
    changesBox.hidden = false;
  }

  function setSince(value) {
    query = { ...query };
    if (value) query.since = value;
    else delete query.since;
    window.history.pushState({}, "", `/valuations${search(query)}`);
    loadChanges(extras, filterParams(query));
    setTimeout(() => document.getElementById("v-since")?.focus(), 300);
  }
}
