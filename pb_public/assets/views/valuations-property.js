// One property of the valuation roll: every field, its changes as a
// timeline (newest first) and the scrape runs that saw it. Its URL carries
// the search it was opened from, so the way back keeps that search.
import { h, pageMount, setTitle } from "../dom.js";
import { getValuation, errorMessage } from "../api.js";
import { readQuery, search } from "./valuations-query.js";
import { rands, extent, count, when, useText, rollNames, propertyTitle, percent, streetPart } from "./valuations-format.js";
import { suburbURL } from "./valuations-charts.js";

// Labels of the history's snake_case fields.
const fieldNames = {
  market_value: "Market value", extent: "Extent", first_owner: "Owner", owners: "Owners",
  use_code: "Use code", use_label: "Use", use: "Use", rating_category: "Rating category",
  rate_number: "Rate number", legal_description: "Legal description", address: "Address",
  street_number: "Street number", street: "Street", address_suburb: "Suburb (address)",
  suburb: "Suburb", suburb_id: "Suburb id", scheme: "Scheme", erf: "ERF", deeds_town: "Deeds town",
  scheme_name: "Scheme name", scheme_number: "Scheme number", section_number: "Section number",
};

const runStatus = { ok: "ok", partial: "partial", failed: "failed", running: "running", blocked: "blocked" };

const matchedBy = { rateNumber: "same rate number", legalDescription: "same legal description" };

export async function valuationView(id) {
  const mount = pageMount();
  const back = h("p", { class: "back" }, h("a", { href: `/valuations${search(readQuery(window.location.search))}`, id: "v-back" },
    h("span", { "aria-hidden": "true" }, "← "), "Back to the search"));
  let v;
  try {
    v = await getValuation(id);
  } catch (err) {
    mount(back, h("h1", {}, err?.status === 404 ? "Property not found" : "The property could not be loaded"), h("p", {}, errorMessage(err)));
    return;
  }
  const title = propertyTitle(v);
  setTitle(title);
  const suburb = v.addressSuburb || v.suburb;
  mount(h("div", { class: "wide valuation", "data-id": v.id },
    back,
    h("h1", {}, title),
    h("p", { class: "intro" }, [`${v.year} roll`, rollNames[v.roll] || v.roll, v.rateNumber ? `rate number ${v.rateNumber}` : "no rate number",
      v.goneAt ? "no longer on the roll" : "on the roll"].join(" · "),
    suburb ? [" · ", h("a", { href: suburbURL(suburb), id: "v-suburb-link" }, `${suburb}: figures and charts`)] : ""),
    changeSummary(v),
    otherYears(v),
    h("div", { class: "valuation-cols" },
      h("section", { "aria-labelledby": "v-fields-h" }, h("h2", { id: "v-fields-h" }, "Details"), details(v)),
      h("div", {},
        h("section", { "aria-labelledby": "v-history-h", id: "v-history" },
          h("h2", { id: "v-history-h" }, `Changes (${useTogether(v.history).length})`), timeline(v.history)),
        h("section", { "aria-labelledby": "v-runs-h", id: "v-runs" },
          h("h2", { id: "v-runs-h" }, "Scrapes that saw it"), runs(v))))));
}

// otherYears links the same property on the other stored rolls, with the
// value's change between them.
function otherYears(v) {
  if (!v.otherYears || !v.otherYears.length) return null;
  return h("section", { class: "other-years", "aria-labelledby": "v-years-h", id: "v-years" },
    h("h2", { id: "v-years-h" }, "On other rolls"),
    h("ul", {}, v.otherYears.map((m) => h("li", { "data-year": m.year },
      h("a", { href: `/valuations/${m.id}` }, `${m.year} roll`), ": ", rands(m.marketValue),
      m.change ? [" · ", h("strong", {}, `${m.change.amount >= 0 ? "+" : "−"}${rands(Math.abs(m.change.amount))} (${m.change.percent >= 0 ? "+" : "−"}${Math.abs(m.change.percent)} %)`),
        ` from ${m.change.from} to ${m.change.to}`] : "",
      h("span", { class: "meta" }, ` · matched by ${matchedBy[m.matchedBy] || m.matchedBy}`)))));
}

// changeSummary says in one line how the market value moved since the
// property was first seen: the oldest recorded change's old value against
// today's.
function changeSummary(v) {
  const changes = v.history.filter((e) => e.field === "market_value");
  const now = v.marketValue;
  const line = (...parts) => h("p", { class: "change-summary", id: "v-change" }, ...parts);
  if (now === null || now === undefined) return line(h("strong", {}, "No market value"), " on the roll.");
  if (!changes.length) return line(h("strong", {}, rands(now)), " · unchanged since first seen ", when(v.firstSeen, true), ".");
  const first = changes[changes.length - 1].old;
  if (typeof first !== "number" || first <= 0) {
    return line(h("strong", {}, rands(now)), ` · first valued `, when(changes[changes.length - 1].at, true), ".");
  }
  const pct = ((now - first) / first) * 100;
  return line(h("strong", {}, rands(now)), " · ",
    h("strong", { class: pct > 0 ? "up" : pct < 0 ? "down" : "", "data-pct": pct.toFixed(1) }, `${percent(pct)} since first seen`),
    ` (${rands(first)} on `, when(v.firstSeen, true), `; ${count(changes.length, "change", "changes")} of value).`);
}

function details(v) {
  const rows = [
    ["year", "Roll year", String(v.year)],
    ["roll", "Roll", rollNames[v.roll] || v.roll],
    ["rateNumber", "Rate number", v.rateNumber],
    ["pin", "Property id (PIN)", v.pin],
    ["legalDescription", "Legal description", v.legalDescription],
    ["address", "Address", streetPart(v) ? v.address : ""], // ", SUBURB" alone says nothing
    ["streetNumber", "Street number", v.streetNumber],
    ["street", "Street", v.street],
    ["addressSuburb", "Suburb (from the address)", v.addressSuburb],
    ["suburb", "Suburb (listed under)", v.suburb ? `${v.suburb}${v.suburbId ? ` (id ${v.suburbId})` : ""}` : ""],
    ["scheme", "Sectional title scheme", v.scheme],
    ["firstOwner", "First owner", v.firstOwner],
    ["owners", v.owners ? "Owners" : "Owners (not scraped: no profile page)", v.owners ? v.owners.join("; ") : ""],
    ["useCode", "Use", useText(v)],
    ["ratingCategory", "Rating category", v.ratingCategory],
    ["marketValue", "Market value", rands(v.marketValue)],
    ["extent", "Extent", extent(v.extent)],
    ["erf", "ERF", v.erf],
    ["deedsTown", "Deeds town", v.deedsTown],
    ["schemeName", "Scheme name", v.schemeName],
    ["schemeNumber", "Scheme number", v.schemeNumber],
    ["sectionNumber", "Section number", v.sectionNumber],
    ["firstSeen", "First seen", when(v.firstSeen)],
    ["lastSeen", "Last seen with a change", when(v.lastSeen)],
    ["goneAt", "Gone from the roll", v.goneAt ? when(v.goneAt) : "No, on the roll"],
    ["updated", "Last change", when(v.updated)],
  ];
  // The fields the roll leaves empty fold into one line under the rest.
  const empty = (value) => value === "" || value === null || value === undefined;
  const given = rows.filter(([, , value]) => !empty(value));
  const missing = rows.filter(([, , value]) => empty(value));
  return [
    h("dl", { class: "fields" }, given.map(([key, label, value]) => [h("dt", {}, label), h("dd", { "data-field": key }, value)]).flat()),
    missing.length ? h("details", { class: "not-given", id: "v-not-given" },
      h("summary", {}, `${count(missing.length, "field", "fields")} not given`),
      h("p", {}, missing.map(([, label]) => label).join(", "), "."),
      h("dl", { class: "sr-only" }, missing.map(([key, label]) => [h("dt", {}, label), h("dd", { "data-field": key, "data-empty": "true" }, "not given")]).flat())) : null,
  ];
}

// useTogether turns a scrape's use_code and use_label changes into one
// "use" change, code and label side by side.
function useTogether(history) {
  const out = [];
  for (const e of history) {
    if (e.field !== "use_code" && e.field !== "use_label") {
      out.push(e);
      continue;
    }
    const other = e.field === "use_code" ? "use_label" : "use_code";
    const pair = history.find((x) => x.field === other && x.at === e.at && x.run === e.run);
    if (pair && e.field === "use_label") continue; // written with its code
    const code = e.field === "use_code" ? e : pair;
    const label = e.field === "use_label" ? e : pair;
    const both = (c, l) => (l && c !== null && c !== undefined && c !== "" ? `${l} (${c})` : l || (c ?? ""));
    out.push({ ...e, field: "use", old: both(code?.old, label?.old), new: both(code?.new, label?.new) });
  }
  return out;
}

function timeline(all) {
  const history = useTogether(all);
  if (!history.length) return h("p", { class: "empty" }, "No change recorded since it was first seen.");
  return h("ol", { class: "timeline" }, history.map((e) => h("li", { "data-field": e.field },
    when(e.at), " ",
    e.field === "gone_at"
      ? h("strong", {}, e.new ? "Left the roll" : "Back on the roll")
      : [h("strong", {}, fieldNames[e.field] || e.field), ": ",
        h("span", { class: "old" }, value(e.field, e.old)),
        h("span", { "aria-hidden": "true" }, " → "), h("span", { class: "sr-only" }, " changed to "),
        h("span", { class: "new" }, value(e.field, e.new))])));
}

function value(field, v) {
  if (v === null || v === undefined || v === "") return "none";
  if (field === "market_value" && typeof v === "number") return rands(v);
  if (field === "extent" && typeof v === "number") return extent(v);
  if (Array.isArray(v)) return v.join("; ");
  return typeof v === "object" ? JSON.stringify(v) : String(v);
}

function runs(v) {
  if (!v.runs.length) return h("p", { class: "empty" }, "No scrape run is recorded for it.");
  const changedBy = new Set(v.history.map((e) => e.run).filter(Boolean));
  return [
    h("p", { class: "meta" }, v.runsTotal > v.runs.length
      ? `${count(v.runsTotal, "run", "runs")}; the newest ${v.runs.length} are listed.`
      : count(v.runsTotal, "run", "runs")),
    h("ul", { class: "runs" }, v.runs.map((r) => h("li", { "data-run": r.id },
      when(r.finished || r.started), " ",
      h("span", { class: `badge ${r.status === "ok" ? "ok" : r.status === "running" ? "" : "degraded"}` }, runStatus[r.status] || r.status),
      r.scope ? ` ${r.scope} only` : "", changedBy.has(r.id) ? " · changed it" : ""))),
  ];
}
