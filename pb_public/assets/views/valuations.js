// The valuation roll: filters, a sortable table of 50 per page, a CSV of
// the same search, and how fresh the data is. The query lives in the URL;
// changing it (filters, sort, page) pushes a history entry and redraws the
// results in place, so focus stays where the user is.
import { h, pageMount, notice, clearNotice, fieldErrors } from "../dom.js";
import { listValuations, scrapeStatus, valuationsCsvURL, errorMessage } from "../api.js";
import { filters, rolls, goneChoices, readQuery, search, apiParams, sortOf, clean } from "./valuations-query.js";
import { rands, extent, count, when, useText } from "./valuations-format.js";

// The table's columns; sort is the API's key, first the direction of the
// first click (largest or newest first for numbers and dates).
const columns = [
  { label: "Rate number", sort: "rateNumber", first: "asc" },
  { label: "Address", sort: "address", first: "asc" },
  { label: "Suburb", sort: "suburb", first: "asc" },
  { label: "Owner" },
  { label: "Use" },
  { label: "Category" },
  { label: "Market value", sort: "marketValue", first: "desc", num: true },
  { label: "Extent", sort: "extent", first: "desc", num: true },
  { label: "Last change", sort: "updated", first: "desc" },
  { label: "Status" },
];

const sortNames = Object.fromEntries(columns.filter((c) => c.sort).map((c) => [c.sort, c.label.toLowerCase()]));

export async function valuationsView() {
  const mount = pageMount();
  let query = readQuery(window.location.search);
  // Only the newest request paints: a slow answer to an older query never
  // replaces a newer one, nor a page the user has left.
  let loads = 0;

  const status = h("section", { class: "scrape-status", "aria-labelledby": "v-status-h", "data-state": "loading" },
    h("h2", { id: "v-status-h" }, "Latest data"), h("p", {}, "Loading the scrape status…"));
  const form = filterForm();
  const heading = h("h2", { id: "v-results-h", tabindex: "-1" }, "Properties");
  const summary = h("p", { class: "summary", id: "v-summary", "aria-live": "polite" }, "Loading…");
  // The roll year choice appears once more than one year is stored.
  const yearBox = h("div", { class: "year-choice", id: "v-year" });
  const csv = h("a", { class: "button ghost", id: "v-csv", download: "valuations.csv", href: valuationsCsvURL(apiParams(query, false)) }, "Download CSV");
  const tableBox = h("div", { class: "table-scroll", role: "region", "aria-labelledby": "v-results-h", tabindex: "0" });
  const pager = h("nav", { class: "pager", "aria-label": "Result pages" });
  const results = h("section", { id: "v-results", "aria-labelledby": "v-results-h", "data-state": "loading" },
    h("div", { class: "results-bar" }, h("div", {}, heading, summary), csv), tableBox, pager);

  if (!mount(h("div", { class: "wide valuations" },
    h("h1", {}, "Durban valuation roll"),
    h("p", { class: "intro" }, "Every property on eThekwini's (Durban's) valuation roll, as last scraped. Filter, sort, open a property for its history, or download the search as CSV."),
    status, yearBox, form, results))) return;

  loadStatus(status);
  await load();

  function filterForm() {
    const field = (f) => {
      const id = `vf-${f.name}`;
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
    // The less used filters fold away, open when one of them is set.
    const more = filters.filter((f) => f.more);
    const set = more.filter((f) => query[f.name]).length + (query.roll ? 1 : 0);
    const el = h("form", { class: "filters", role: "search", "aria-label": "Filter the valuation roll", novalidate: true },
      ...filters.filter((f) => !f.more).map(field),
      gone,
      h("details", { class: "more", open: set > 0 },
        h("summary", {}, "More filters", set ? ` (${set} set)` : ""),
        h("div", { class: "more-grid" }, roll, ...more.map(field))),
      h("div", { class: "buttons" },
        h("button", { type: "submit" }, "Search"),
        h("button", { type: "button", class: "ghost", onclick: reset }, "Clear filters")));
    el.addEventListener("submit", (event) => {
      event.preventDefault();
      const data = new FormData(el);
      const next = { sort: query.sort, page: "", gone: data.get("gone") || "" };
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
    for (const f of filters) form.elements[f.name].value = "";
    form.elements.roll.value = "";
    for (const radio of form.querySelectorAll('input[name="gone"]')) radio.checked = radio.value === "";
    go({ sort: query.sort, page: "", gone: "" });
  }

  // go shows another query: a new history entry, the results redrawn.
  function go(next, after) {
    query = next;
    const url = `/valuations${search(query)}`;
    if (url !== window.location.pathname + window.location.search) window.history.pushState({}, "", url);
    clearNotice();
    return load(after);
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
    } catch (err) {
      if (seq !== loads || !results.isConnected) return;
      const rest = showFieldErrors(err);
      notice(rest || "Please correct the highlighted filters.", "error");
      summary.textContent = "No results: the search could not run.";
      summary.removeAttribute("data-total");
      csv.hidden = true; // it would download the same refusal
      tableBox.replaceChildren();
      pager.replaceChildren();
      results.dataset.state = "error";
      results.dataset.query = params.toString();
      const bad = form.querySelector('[aria-invalid="true"]');
      if (bad) {
        bad.closest("details")?.setAttribute("open", "");
        bad.focus();
      }
    } finally {
      if (seq === loads) results.removeAttribute("aria-busy");
    }
  }

  // showFieldErrors writes the API's per-parameter messages beside their
  // fields (and clears them when err is null); it returns the rest.
  function showFieldErrors(err) {
    let rest = "";
    if (err) rest = fieldErrors(form, err);
    else for (const slot of form.querySelectorAll("[data-error-for]")) slot.textContent = "";
    for (const slot of form.querySelectorAll("[data-error-for]")) {
      const box = slot.closest(".filter");
      const controls = box ? box.querySelectorAll("input, select") : [];
      for (const c of controls) {
        if (slot.textContent) c.setAttribute("aria-invalid", "true");
        else c.removeAttribute("aria-invalid");
      }
    }
    return rest;
  }

  function paint(res) {
    const { key, desc } = sortOf(query);
    paintYears(res);
    summary.dataset.total = res.totalItems;
    summary.textContent = `${count(res.totalItems, "property", "properties")} on the ${res.year || ""} roll, sorted by ${sortNames[key] || key}${desc ? ", descending" : ""}`.replace(" the  roll", " the roll");
    if (!res.items.length) {
      tableBox.replaceChildren(h("p", { class: "empty" }, res.totalItems ? "No properties on this page. " : "No property matches these filters. ",
        res.totalItems ? pageLink(1, "Go to the first page") : null));
    } else {
      tableBox.replaceChildren(h("table", { class: "valuations-table" },
        h("caption", { class: "sr-only" }, `Properties, page ${res.page} of ${res.totalPages}, sorted by ${sortNames[key] || key}, ${desc ? "descending" : "ascending"}`),
        h("thead", {}, h("tr", {}, columns.map((c) => header(c, key, desc)))),
        h("tbody", {}, res.items.map(row))));
    }
    pager.replaceChildren(...(res.totalPages > 0 ? [
      res.page > 1 ? pageLink(Math.min(res.page - 1, res.totalPages), "Previous", "prev") : h("a", { class: "button ghost", "aria-disabled": "true" }, "Previous"),
      h("span", { id: "v-page" }, `Page ${res.page} of ${res.totalPages}`),
      res.page < res.totalPages ? pageLink(res.page + 1, "Next", "next") : h("a", { class: "button ghost", "aria-disabled": "true" }, "Next"),
    ] : []));
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
    if (!c.sort) return h("th", { scope: "col", class: c.num ? "num" : undefined }, c.label);
    const active = c.sort === key;
    const arrow = active ? (desc ? "▼" : "▲") : "↕";
    return h("th", { scope: "col", class: c.num ? "num" : undefined, "aria-sort": active ? (desc ? "descending" : "ascending") : undefined },
      h("button", {
        type: "button", class: "sort", "data-sort": c.sort,
        onclick: () => {
          const nextDesc = active ? !desc : c.first === "desc";
          go({ ...query, sort: (nextDesc ? "-" : "") + c.sort, page: "" },
            () => tableBox.querySelector(`button[data-sort="${c.sort}"]`)?.focus());
        },
      }, c.label, h("span", { class: "arrow", "aria-hidden": "true" }, arrow)));
  }

  function row(v) {
    const link = `/valuations/${encodeURIComponent(v.id)}${search(query)}`;
    return h("tr", { "data-id": v.id },
      h("td", { "data-col": "rateNumber" }, h("a", { href: link }, v.rateNumber || "No rate number")),
      h("td", { "data-col": "address" }, v.address),
      h("td", { "data-col": "suburb" }, v.addressSuburb || v.suburb),
      h("td", { "data-col": "owner" }, v.firstOwner),
      h("td", { "data-col": "use" }, useText(v)),
      h("td", { "data-col": "ratingCategory" }, v.ratingCategory),
      h("td", { class: "num", "data-col": "marketValue", "data-value": v.marketValue ?? "" }, rands(v.marketValue)),
      h("td", { class: "num", "data-col": "extent", "data-value": v.extent ?? "" }, extent(v.extent)),
      h("td", { class: "date", "data-col": "updated", "data-value": v.updated }, when(v.updated, true)),
      h("td", { "data-col": "status", "data-gone": v.goneAt ? "true" : "false" },
        v.goneAt ? h("span", { class: "badge gone" }, "Gone ", when(v.goneAt, true)) : h("span", { class: "badge" }, "On the roll")));
  }

  function pageLink(page, label, rel) {
    const target = { ...query, page: String(page) };
    return h("a", {
      class: "button ghost", rel, href: `/valuations${search(target)}`,
      onclick: (event) => {
        event.preventDefault();
        go(target, () => {
          heading.focus({ preventScroll: true });
          results.scrollIntoView({ block: "start" });
        });
      },
    }, label);
  }
}

async function loadStatus(box) {
  try {
    const s = await scrapeStatus();
    if (!box.isConnected) return;
    box.replaceChildren(h("h2", { id: "v-status-h" }, "Latest data"), ...statusLines(s));
    box.dataset.state = s.status;
  } catch (err) {
    if (!box.isConnected) return;
    box.replaceChildren(h("h2", { id: "v-status-h" }, "Latest data"), h("p", {}, "The scrape status is unavailable: ", errorMessage(err)));
    box.dataset.state = "error";
  }
}

function statusLines(s) {
  const out = [];
  const last = s.lastSuccess;
  out.push(h("p", { class: "status-line" },
    h("span", { class: `badge ${s.status === "ok" ? "ok" : "degraded"}`, id: "v-status" }, s.status === "ok" ? "ok" : "degraded"), " ",
    last
      ? ["Last successful scrape finished ", when(last.finished), ": ", figures(last), "."]
      : "No whole-roll scrape has finished yet."));
  if (s.reasons?.length) out.push(h("ul", { class: "reasons" }, s.reasons.map((r) => h("li", {}, r))));
  const latest = s.latestRun;
  if (latest && (!last || latest.id !== last.id)) {
    const scope = latest.scope ? ` (${latest.scope} only)` : "";
    out.push(h("p", { class: "status-line" }, latest.status === "running"
      ? ["A scrape", scope, " is running, started ", when(latest.started), "."]
      : ["The latest scrape", scope, ", started ", when(latest.started), ", ended ", h("strong", {}, latest.status), "."]));
  }
  if (s.properties) {
    out.push(h("p", { class: "status-line" }, `${count(s.properties.present, "property", "properties")} on the roll, ${count(s.properties.gone, "gone", "gone")}.`));
  }
  return out;
}

function figures(run) {
  return `${count(run.rowsSeen, "row", "rows")} seen, ${count(run.rowsNew, "new", "new")}, ${count(run.rowsChanged, "changed", "changed")}, ${count(run.rowsGone, "gone", "gone")}`;
}
