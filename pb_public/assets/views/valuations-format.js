// How the valuation pages write numbers and dates: rands and m² grouped
// with (non-breaking) spaces as in South Africa, times in Durban's zone.
import { h } from "../dom.js";

const space = "\u00a0"; // keeps "R 1 830 000" on one line

// group writes 1830000 as "1 830 000" and 812.5 as "812.5".
export function group(n) {
  const [whole, frac] = String(Math.abs(n)).split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, space);
  return (n < 0 ? "-" : "") + grouped + (frac ? "." + frac : "");
}

export function rands(n) {
  return n === null || n === undefined ? "" : `R${space}${group(n)}`;
}

export function extent(n) {
  return n === null || n === undefined ? "" : `${group(n)}${space}m²`;
}

// count writes "1 234 properties", "1 property".
export function count(n, one, many) {
  return `${group(n)} ${n === 1 ? one : many}`;
}

const zone = "Africa/Johannesburg";
const dateFormat = new Intl.DateTimeFormat("en-ZA", { dateStyle: "medium", timeZone: zone });
const dateTimeFormat = new Intl.DateTimeFormat("en-ZA", { dateStyle: "medium", timeStyle: "short", timeZone: zone });

// parse reads PocketBase's "2026-11-23 02:01:09.077Z" (UTC).
function parse(s) {
  if (!s) return null;
  const d = new Date(String(s).replace(" ", "T"));
  return Number.isNaN(d.getTime()) ? null : d;
}

// when is a <time> element: the date (and time, unless dateOnly) in
// South African time, the exact UTC instant in its datetime attribute.
export function when(s, dateOnly = false) {
  const d = parse(s);
  if (!d) return "";
  return h("time", { datetime: d.toISOString(), title: `${d.toISOString().replace("T", " ").slice(0, 19)} UTC` },
    (dateOnly ? dateFormat : dateTimeFormat).format(d));
}

export function useText(v) {
  if (v.useLabel && v.useCode !== null && v.useCode !== undefined) return `${v.useLabel} (${v.useCode})`;
  return v.useLabel || (v.useCode ?? "");
}

export const rollNames = { full: "Full title", sectional: "Sectional title" };
