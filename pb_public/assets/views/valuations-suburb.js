// One suburb's page (/valuations/suburbs/<name>): its figures, the
// histogram of its market values, its uses, rating categories and rolls,
// and its changes in value, each linking to the matching list. It reads
// the statistics, facets and changes with suburbExact=<name>, since the
// list's suburb filter matches by prefix (PINETOWN would take in PINETOWN
// EXT 74).
import { h, pageMount, setTitle, requestError } from "../dom.js";
import { stats as getStats, facets as getFacets, changes as getChanges } from "./valuations-api.js";
import { histogram, figures, changeSummary } from "./valuations-charts.js";
import { search } from "./valuations-query.js";
import { count, group, rands } from "./valuations-format.js";

// ordinal writes 1st, 2nd, 3rd, 4th, 11th, 21st.
function ordinal(n) {
  const s = n % 100 >= 11 && n % 100 <= 13 ? "th" : ["th", "st", "nd", "rd"][n % 10] || "th";
  return `${n}${s}`;
}

export async function valuationsSuburbView(encoded) {
  const mount = pageMount();
  let name;
  try {
    name = decodeURIComponent(encoded).trim();
  } catch {
    name = "";
  }
  const back = h("p", { class: "back" }, h("a", { href: "/valuations", id: "v-back" }, h("span", { "aria-hidden": "true" }, "← "), "The whole roll"));
  if (!name) {
    mount(back, h("h1", {}, "Suburb not found"), h("p", {}, "This address names no suburb."));
    return;
  }
  setTitle(`${name}: valuations`);
  const page = new URLSearchParams(window.location.search);
  const base = { suburbExact: name };
  if (/^\d{4}$/.test(page.get("year") || "")) base.year = page.get("year");
  const since = page.get("since") || "";
  const params = (extra = {}) => {
    const p = new URLSearchParams({ ...base, ...extra });
    return p;
  };
  const listURL = (extra = {}) => `/valuations${search({ ...base, ...extra })}`;

  let st;
  try {
    st = await getStats(params());
  } catch (err) {
    mount(h("div", { class: "wide suburb-page" }, back, h("h1", {}, name),
      h("p", { class: "notice error" }, err?.status === 404 ? "Suburb figures are not available on this server yet." : `The figures could not be loaded: ${requestError(err)}`)));
    return;
  }
  const facetBox = h("section", { class: "v-panel", id: "v-facets", "aria-labelledby": "v-facets-h", hidden: true }, h("h2", { id: "v-facets-h" }, `${name} by use, category and roll`));
  const changesBox = h("section", { class: "v-panel", id: "v-changes", "aria-labelledby": "v-changes-h", hidden: true }, h("h2", { id: "v-changes-h" }, "Changes in value"));
  if (!mount(h("div", { class: "wide suburb-page valuations", "data-suburb": name },
    back,
    h("h1", {}, name),
    h("p", { class: "intro", id: "v-suburb-intro" }, st.count
      ? [`${count(st.count, "property", "properties")} on the ${base.year ? `${base.year} ` : ""}roll. `, h("a", { href: listURL(), id: "v-suburb-list" }, `List ${st.count === 1 ? "it" : `all ${group(st.count)}`}`), "."]
      : ["No property on the roll is in this suburb. ", h("a", { href: `/valuations${search({ suburb: name })}` }, "Search for suburbs starting with it"), "."]),
    st.count ? h("section", { class: "v-panel", id: "v-stats", "aria-labelledby": "v-stats-h" },
      h("h2", { id: "v-stats-h" }, "Statistics"), ...figures(st), h("div", { class: "chart-cols" }, histogram(st.histogram, "v-hist", (b) => listURL({ marketValueMin: String(b.from), marketValueMax: String(b.to - 1) })))) : null,
    facetBox, changesBox))) return;
  if (!st.count) return;

  // Where the suburb stands: its rank by median among the roll's suburbs.
  getStats(new URLSearchParams(base.year ? { year: base.year } : {})).then((all) => {
    const ranked = all.suburbs || [];
    const at = ranked.findIndex((r) => r.suburb.toUpperCase() === name.toUpperCase());
    if (at < 0 || !st.marketValue) return;
    const intro = document.getElementById("v-suburb-intro");
    intro?.append(" ", h("span", { id: "v-suburb-rank" }, `Its median market value, ${rands(st.marketValue.median)}, is the ${ordinal(at + 1)} highest of the roll's suburbs (those with five valued properties or more).`));
  }, () => {});
  getFacets(params({ size: "10" })).then((res) => {
    const groups = (res.facets || []).filter((f) => f.param !== "suburb" && f.param !== "suburbExact");
    facetBox.append(h("div", { class: "facet-grid" }, groups.map((f) => h("div", { class: "facet", "data-param": f.param },
      h("h3", {}, f.label),
      h("ul", {}, f.values.map((v) => h("li", { "data-value": v.value },
        h("a", { href: listURL({ [f.param]: v.value }) }, h("span", { class: "facet-label" }, v.label), h("span", { class: "facet-count" }, group(v.count))))))))));
    facetBox.hidden = !groups.length;
  }, () => {});
  const cp = params();
  if (since) cp.set("since", since);
  getChanges(cp).then((c) => {
    changesBox.append(...changeSummary(c, (r) => `/valuations/${encodeURIComponent(r.id)}`));
    changesBox.hidden = false;
  }, () => {});
}
