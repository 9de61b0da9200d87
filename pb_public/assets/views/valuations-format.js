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

// streetPart is the address without its suburb ("4 METCALF TERRACE" of
// "4 METCALF TERRACE, PHOENIX"): the table has a suburb column. The site
// writes a missing street part as "" or "UNKNOWN" (", INANDA NU").
export function streetPart(v) {
  let a = String(v.address || "").trim();
  const suburb = String(v.addressSuburb || "").trim();
  if (suburb && a.toUpperCase().endsWith(`, ${suburb.toUpperCase()}`)) a = a.slice(0, a.length - suburb.length - 2);
  else if (a.startsWith(",")) a = "";
  a = a.replace(/,\s*$/, "").trim();
  return /^unknown$/i.test(a) ? "" : a;
}

// propertyTitle names a property: its street address with the suburb, or
// (street-less) its legal description, never ", MERRIVALE RIDGE".
export function propertyTitle(v) {
  const street = streetPart(v);
  const suburb = v.addressSuburb || v.suburb || "";
  if (street) return suburb ? `${street}, ${suburb}` : street;
  if (v.legalDescription) return v.legalDescription;
  if (v.rateNumber) return `Rate number ${v.rateNumber}${suburb ? `, ${suburb}` : ""}`;
  return suburb ? `A property in ${suburb}` : "A property";
}

// percent writes +24 % or −3.5 % (a true minus sign).
export function percent(n) {
  const v = Math.round(n * 10) / 10;
  return `${v > 0 ? "+" : v < 0 ? "−" : "±"}${group(Math.abs(v))}${space}%`;
}
