// Statistics and changes of a search (or of one suburb), drawn in the page:
// figures, a histogram of market values on log-scale bins and the suburbs
// ranked by median, each chart an SVG with a text table as its equivalent.
// No chart library: two charts of bars are a few dozen lines of SVG.
import { h } from "../dom.js";
import { rands, count, group, when, percent, streetPart } from "./valuations-format.js";

const ns = "http://www.w3.org/2000/svg";

// On a phone the charts draw on a narrower canvas, so their text stays
// legible when the SVG shrinks to the screen.
const narrow = () => window.matchMedia("(max-width: 600px)").matches;

// s builds an SVG element (attributes as presentation attributes, which
// the strict CSP allows; it refuses style attributes).
function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(ns, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) el.setAttribute(k, String(v));
  for (const c of children.flat()) if (c !== null && c !== undefined) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

// short writes rands for an axis: R 200 k, R 1.5 m, R 2 bn.
export function short(n) {
  const fmt = (v, unit) => `R${"\u00a0"}${Number(v.toFixed(v < 10 ? 1 : 0))}${"\u00a0"}${unit}`;
  if (n >= 1e9) return fmt(n / 1e9, "bn");
  if (n >= 1e6) return fmt(n / 1e6, "m");
  if (n >= 1e3) return fmt(n / 1e3, "k");
  return `R${"\u00a0"}${n}`;
}

const m2 = (n) => (n === null || n === undefined ? "" : `R${"\u00a0"}${group(Math.round(n))}/m²`);

// histogram is a figure: bars of the count per value band, and the same
// as a table.
// href(bin), when given, links each band's row to the search narrowed to it.
export function histogram(bins, id, href) {
  if (!bins?.length) return h("p", { class: "empty" }, "No market values to chart.");
  const W = narrow() ? 360 : 640, H = narrow() ? 200 : 230, left = 44, bottom = 46, top = 14;
  const max = Math.max(...bins.map((b) => b.count), 1);
  const bw = (W - left - 28) / bins.length; // room on the right for the last edge's label
  const y = (c) => top + (H - top - bottom) * (1 - c / max);
  const peak = bins.reduce((a, b) => (b.count > a.count ? b : a), bins[0]);
  const label = `Histogram of market values in ${bins.length} bands from ${short(bins[0].from)} to ${short(bins[bins.length - 1].to)}; the most properties, ${group(peak.count)}, are valued ${short(peak.from)} to ${short(peak.to)}.`;
  const svg = s("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart", role: "img", "aria-label": label, id: `${id}-svg` },
    s("line", { x1: left, x2: W - 4, y1: H - bottom, y2: H - bottom, class: "axis" }),
    s("text", { x: left - 6, y: y(max) + 4, class: "tick", "text-anchor": "end" }, group(max)),
    s("text", { x: left - 6, y: H - bottom + 4, class: "tick", "text-anchor": "end" }, "0"),
    bins.map((b, i) => {
      const x = left + i * bw;
      const top = y(b.count);
      return s("g", { class: "bin" },
        s("rect", { x: x + 2, y: top, width: Math.max(bw - 4, 1), height: Math.max(H - bottom - top, b.count ? 1 : 0), class: "bar" },
          s("title", {}, `${short(b.from)} – ${short(b.to)}: ${count(b.count, "property", "properties")}`)),
        // every band's lower edge under it; the last band's upper edge too
        s("text", { x: x + 1, y: H - bottom + 16, class: "tick", "text-anchor": "middle", transform: bins.length > 8 ? `rotate(-35 ${x + 1} ${H - bottom + 16})` : undefined }, short(b.from).replace("R\u00a0", "")),
        i === bins.length - 1 ? s("text", { x: x + bw, y: H - bottom + 16, class: "tick", "text-anchor": "middle", transform: bins.length > 8 ? `rotate(-35 ${x + bw} ${H - bottom + 16})` : undefined }, short(b.to).replace("R\u00a0", "")) : null);
    }));
  const table = h("table", { class: "data", id: `${id}-table` },
    h("caption", { class: "sr-only" }, "Properties by market value band"),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Market value"), h("th", { scope: "col", class: "num" }, "Properties"))),
    h("tbody", {}, bins.map((b) => h("tr", {},
      h("th", { scope: "row" }, href && b.count ? h("a", { href: href(b) }, `${rands(b.from)} to under ${rands(b.to)}`) : `${rands(b.from)} to under ${rands(b.to)}`),
      h("td", { class: "num" }, group(b.count))))));
  return h("figure", { class: "chart-box", id },
    h("figcaption", {}, "Market values (log-scale bands)"), svg,
    h("details", { class: "as-table" }, h("summary", {}, "The histogram as a table"), table));
}

// rankedSuburbs is a figure: suburbs by median market value, longest bar
// first, and the same as a table whose names open each suburb's page.
export function rankedSuburbs(rows, id) {
  if (!rows?.length) return h("p", { class: "empty" }, "No suburb has five valued properties in this search.");
  const W = narrow() ? 360 : 640, row = 22, left = narrow() ? 150 : 190, right = narrow() ? 64 : 96;
  const room = narrow() ? 17 : 26; // characters of a suburb's name that fit
  const H = rows.length * row + 6;
  const max = Math.max(...rows.map((r) => r.median || 0), 1);
  const svg = s("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart", role: "img", id: `${id}-svg`,
    "aria-label": `Suburbs ranked by median market value: highest ${rows[0].suburb} at ${rands(rows[0].median)}, lowest shown ${rows[rows.length - 1].suburb} at ${rands(rows[rows.length - 1].median)}.` },
  rows.map((r, i) => {
    const y = 3 + i * row;
    const w = Math.max(((W - left - right) * (r.median || 0)) / max, 1);
    return s("g", { class: "rank" },
      s("text", { x: left - 8, y: y + 15, class: "label", "text-anchor": "end" }, r.suburb.length > room ? `${r.suburb.slice(0, room - 1)}…` : r.suburb),
      s("rect", { x: left, y: y + 3, width: w, height: row - 7, class: "bar" }, s("title", {}, `${r.suburb}: median ${rands(r.median)} of ${count(r.count, "property", "properties")}`)),
      s("text", { x: left + w + 6, y: y + 15, class: "value" }, short(r.median)));
  }));
  const table = h("table", { class: "data", id: `${id}-table` },
    h("caption", { class: "sr-only" }, "Suburbs by median market value"),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Suburb"), h("th", { scope: "col", class: "num" }, "Median market value"), h("th", { scope: "col", class: "num" }, "Properties"))),
    h("tbody", {}, rows.map((r) => h("tr", { "data-suburb": r.suburb },
      h("th", { scope: "row" }, h("a", { href: suburbURL(r.suburb) }, r.suburb)),
      h("td", { class: "num" }, rands(r.median)), h("td", { class: "num" }, group(r.count))))));
  return h("figure", { class: "chart-box", id },
    h("figcaption", {}, "Suburbs by median market value"), svg,
    h("details", { class: "as-table" }, h("summary", {}, "The ranking as a table"), table));
}

export function suburbURL(name) {
  return `/valuations/suburbs/${encodeURIComponent(name)}`;
}

// figures is the statistics' summary: counts, total, quartiles.
export function figures(st) {
  const q = (o, fmt) => (o ? [fmt(o.min), fmt(o.q1), fmt(o.median), fmt(o.q3), fmt(o.max)] : ["", "", "", "", ""]);
  const mv = q(st.marketValue, rands);
  const pm = q(st.valuePerM2, m2);
  return [
    h("dl", { class: "stat-figures" },
      h("div", {}, h("dt", {}, "Properties"), h("dd", { "data-stat": "count" }, group(st.count))),
      h("div", {}, h("dt", {}, "With a market value"), h("dd", { "data-stat": "valued" }, group(st.valued))),
      h("div", {}, h("dt", {}, "Total market value"), h("dd", { "data-stat": "totalValue" }, rands(st.totalValue ?? 0))),
      h("div", {}, h("dt", {}, "Median market value"), h("dd", { "data-stat": "median" }, st.marketValue ? rands(st.marketValue.median) : "—"))),
    // A region that scrolls sideways on a phone, reachable by keyboard.
    h("div", { class: "scroll-x", role: "region", "aria-labelledby": "v-quartiles-cap", tabindex: "0" }, h("table", { class: "data quartiles", id: "v-quartiles" },
      h("caption", { id: "v-quartiles-cap" }, "Spread"),
      h("thead", {}, h("tr", {}, h("td", {}), ...["Lowest", "Lower quartile", "Median", "Upper quartile", "Highest"].map((t) => h("th", { scope: "col", class: "num" }, t)))),
      h("tbody", {},
        h("tr", { "data-row": "marketValue" }, h("th", { scope: "row" }, "Market value"), mv.map((v) => h("td", { class: "num" }, v || "—"))),
        h("tr", { "data-row": "valuePerM2" }, h("th", { scope: "row" }, "Value per m²"), pm.map((v) => h("td", { class: "num" }, v || "—")))))),
  ];
}

// changeSummary is the changes' figures and the largest rises and falls.
export function changeSummary(c, link) {
  const pct = percent;
  const since = c.since ? `since ${c.since}` : "since first seen";
  const list = (rows, id, title) => h("div", { class: "change-list", id },
    h("h3", {}, title),
    rows?.length ? h("ol", {}, rows.map((r) => h("li", { "data-id": r.id },
      h("a", { href: link(r) }, streetPart({ address: r.address, addressSuburb: r.suburb }) || (r.rateNumber ? `Rate number ${r.rateNumber}` : "A property")),
      r.suburb ? h("span", { class: "meta-inline" }, ` · ${r.suburb}`) : "", ": ",
      h("span", { class: "old" }, rands(r.from)), h("span", { "aria-hidden": "true" }, " → "), h("span", { class: "sr-only" }, " to "),
      rands(r.to), " ", h("strong", { class: r.changePct >= 0 ? "up" : "down" }, pct(r.changePct)))))
      : h("p", { class: "empty" }, "None."));
  return [
    h("p", { class: "change-line", id: "v-changes-line" }, c.changed
      ? [`${count(c.changed, "property", "properties")} changed value ${since}: ${group(c.up)} up, ${group(c.down)} down`,
        c.medianChangePct !== null && c.medianChangePct !== undefined ? `, median change ${pct(c.medianChangePct)}` : "", "."]
      : `No property in this search changed value ${since}.`),
    c.changed ? h("div", { class: "change-cols" }, list(c.rises, "v-rises", "Largest rises"), list(c.falls, "v-falls", "Largest falls")) : null,
  ];
}

export { when };
