// The search's query. The page's own URL (/valuations?suburb=…&sort=…&page=2)
// uses the API's parameter names, so a search can be shared, reloaded and
// walked with back and forward; apiParams turns it into exactly the
// parameters the API documents (it refuses unknown ones), empty ones left out.

export const perPage = 50;
export const perPageChoices = [25, 50, 100, 200];
export const defaultSort = "rateNumber";

// The filters, in the form's order; name is the API's parameter. more:
// under "More filters". kind: "rands" and "extent" accept "1 000 000" or
// "R1,000,000"; "digits" are rate numbers; "date" is a date picker.
export const filters = [
  { name: "suburb", label: "Suburb", hint: "Start of the name, e.g. PINE" },
  { name: "address", label: "Address contains", hint: "At least 3 characters" },
  { name: "owner", label: "Owner's name contains", hint: "At least 3 characters" },
  { name: "rateNumber", label: "Rate number", hint: "Exact, e.g. 05100037", kind: "digits" },
  { name: "marketValueMin", label: "Market value from", hint: "Rands", kind: "rands" },
  { name: "marketValueMax", label: "Market value up to", hint: "Rands", kind: "rands" },
  { name: "streetNumber", label: "Street number", hint: "Exact", more: true },
  { name: "rateNumberPrefix", label: "Rate number starts with", hint: "Digits, e.g. 051", kind: "digits", more: true },
  { name: "scheme", label: "Sectional title scheme", hint: "Whole name", more: true },
  { name: "useCode", label: "Use", hint: "Code or label, e.g. 15", more: true },
  { name: "ratingCategory", label: "Rating category", hint: "e.g. Residential", more: true },
  { name: "extentMin", label: "Extent from", hint: "m²", kind: "extent", more: true },
  { name: "extentMax", label: "Extent up to", hint: "m²", kind: "extent", more: true },
  { name: "changedSince", label: "Changed since", hint: "Changed, new or gone on or after", kind: "date", more: true },
];

export const rolls = [["", "Both rolls"], ["full", "Full title"], ["sectional", "Sectional title"]];

// gone choices: [value in the page's URL, label, the API's gone value].
// The page shows properties on the roll unless asked otherwise.
export const goneChoices = [["", "On the roll", "false"], ["true", "Gone from the roll", "true"], ["all", "Both", null]];

// year: the roll year (the API shows the newest when it is absent).
// suburbExact: one suburb by its whole name (the suburb pages' links).
const names = [...filters.map((f) => f.name), "suburbExact", "roll", "year"];

// labels names every parameter as the page labels it, for messages.
export const labels = {
  ...Object.fromEntries(filters.map((f) => [f.name, f.label])),
  roll: "Roll", year: "Roll year", gone: "Show", sort: "Sort", page: "Page", perPage: "Rows per page",
  q: "Search", suburbExact: "Suburb", since: "Changed since", size: "Facet size",
};

// pageMessage is the API's message about one parameter in the page's
// words: the parameters it names become the labels the user sees.
export function pageMessage(field, detail) {
  const code = detail?.code || "";
  if (code === "validation_min_greater_than_max") {
    const max = field.replace(/Min$/, "Max");
    return `“${labels[field] || field}” is above “${labels[max] || max}”.`;
  }
  let text = String(detail?.message || "This isn't accepted — check it and try again.");
  text = text.replace(/\b[a-z][A-Za-z]+\b/g, (word) => (labels[word] && /[A-Z]/.test(word) ? `“${labels[word]}”` : word));
  return text;
}

// readQuery takes the page's search string to a query object.
export function readQuery(search) {
  const p = new URLSearchParams(search);
  const q = {};
  for (const name of names) {
    const v = (p.get(name) || "").trim();
    if (v) q[name] = v;
  }
  const gone = p.get("gone") || "";
  q.gone = goneChoices.some(([value]) => value === gone) ? gone : "";
  q.sort = (p.get("sort") || "").trim();
  q.page = (p.get("page") || "").trim();
  const size = (p.get("perPage") || "").trim();
  q.perPage = perPageChoices.includes(Number(size)) ? size : "";
  // since: the date the changes section counts from (not a list filter).
  const since = (p.get("since") || "").trim();
  if (since) q.since = since;
  // facets=all: every facet shows up to 50 values, not the top ten.
  if (p.get("facets") === "all") q.facets = "all";
  return q;
}

// search is the page URL's search string for q ("" or "?…"), defaults left out.
export function search(q) {
  const p = new URLSearchParams();
  for (const name of names) if (q[name]) p.set(name, q[name]);
  if (q.gone) p.set("gone", q.gone);
  if (q.sort && q.sort !== defaultSort) p.set("sort", q.sort);
  if (q.page && q.page !== "1") p.set("page", q.page);
  if (q.perPage && q.perPage !== String(perPage)) p.set("perPage", q.perPage);
  if (q.since) p.set("since", q.since);
  if (q.facets) p.set("facets", q.facets);
  const s = p.toString();
  return s ? `?${s}` : "";
}

// apiParams is what /api/valuations (paged) or its CSV export gets.
export function apiParams(q, paged) {
  const p = new URLSearchParams();
  for (const name of names) if (q[name]) p.set(name, q[name]);
  const gone = goneChoices.find(([value]) => value === q.gone)?.[2];
  if (gone) p.set("gone", gone);
  if (q.sort) p.set("sort", q.sort);
  if (paged) {
    if (q.page && q.page !== "1") p.set("page", q.page);
    p.set("perPage", q.perPage || String(perPage));
  }
  return p;
}

// filterParams is the search's filters alone (no sort, page or size): what
// the facets, statistics and changes take.
export function filterParams(q) {
  const p = apiParams(q, false);
  p.delete("sort");
  return p;
}

// activeFilters lists the set filters as [name, label, value] for the
// chips above the results (year and "Show" have their own controls).
export function activeFilters(q) {
  const out = filters.filter((f) => q[f.name]).map((f) => [f.name, f.label, q[f.name]]);
  if (q.suburbExact) out.push(["suburbExact", "Suburb (whole name)", q.suburbExact]);
  if (q.roll) out.push(["roll", "Roll", rolls.find(([v]) => v === q.roll)?.[1] || q.roll]);
  return out;
}

// sortOf splits "-marketValue" into its key and direction.
export function sortOf(q) {
  const s = q.sort || defaultSort;
  return s.startsWith("-") ? { key: s.slice(1), desc: true } : { key: s, desc: false };
}

// clean tidies what a person types into a number field: spaces (also the
// ones this page prints), an "R", thousands commas; a decimal comma in
// an extent becomes a point.
export function clean(kind, value) {
  let v = value.trim();
  if (kind === "rands" || kind === "extent" || kind === "digits") v = v.replace(/[\s\u00a0]/g, "");
  if (kind === "rands") v = v.replace(/^R/i, "").replace(/,/g, "");
  if (kind === "extent") v = v.replace(/m²$/i, "").replace(/,(?=\d{3}(\D|$))/g, "").replace(",", ".");
  return v;
}
