// Small DOM helpers. Everything users write goes in through textContent or
// attribute values, never as HTML.

// h builds an element: h("a", {href: "/"}, "Home", child, …).
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2), value);
    } else if (key === "class") {
      el.className = value;
    } else if (value === true) {
      el.setAttribute(key, "");
    } else {
      el.setAttribute(key, String(value));
    }
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

// Each navigation starts a new page. A view that awaits the network binds its
// mount to the page it started on, so a slow response never paints over the
// page the user has since moved to.
let page = 0;
export function startPage() {
  page += 1;
  return page;
}
export function isCurrentPage(token) {
  return token === page;
}
export function pageMount() {
  const token = page;
  return (...children) => (token === page ? mount(...children) : null);
}

// mount replaces main's content and moves focus there for screen readers.
export function mount(...children) {
  const main = document.getElementById("main");
  main.replaceChildren(...children.filter(Boolean));
  return main;
}

// notice shows a message in the banner; kind "error" colours it.
export function notice(message, kind = "", link = null) {
  const el = document.getElementById("notice");
  el.className = "notice" + (kind ? " " + kind : "");
  el.replaceChildren(message);
  if (link) el.append(" ", link);
  el.hidden = !message;
  if (message && kind === "error") el.setAttribute("role", "alert");
  else el.setAttribute("role", "status");
}

export function clearNotice() {
  notice("");
}

// fieldErrors writes a PocketBase error's per-field messages next to the
// inputs of form (elements with data-error-for="field"), and returns the
// message for errors no field shows.
export function fieldErrors(form, err) {
  for (const el of form.querySelectorAll("[data-error-for]")) el.textContent = "";
  const data = err?.response?.data || {};
  const rest = [];
  for (const [field, detail] of Object.entries(data)) {
    const slot = form.querySelector(`[data-error-for="${CSS.escape(field)}"]`);
    if (slot) slot.textContent = detail.message || "Invalid value.";
    else rest.push(`${field}: ${detail.message}`);
  }
  const message = err?.response?.message || err?.message || "Something went wrong.";
  return rest.length ? `${message} ${rest.join(" ")}` : Object.keys(data).length ? "" : message;
}

// feedback is a live region for the outcome of one form or section, so
// that what happens appears where the user acted; say fills it.
export function feedback(id) {
  return h("p", { class: "feedback", id, role: "status" });
}

// say shows message (and any links or buttons after it) in a feedback
// region; kind "error" or "ok" colours it, "" clears the colour.
export function say(el, message, kind = "", ...extra) {
  el.className = "feedback" + (kind && message ? " " + kind : "");
  el.replaceChildren(...(message ? [message, ...extra] : []));
}

// setTitle names the page in the browser's tab and history.
export function setTitle(title) {
  document.title = title ? `${title} · Rollcall` : "Rollcall";
}

const iconPaths = {
  up: "M7 10v11H3V10h4zm2 11h8.3a2 2 0 0 0 2-1.6l1.4-7A2 2 0 0 0 18.7 10H14l.8-4.3a1.6 1.6 0 0 0-2.9-1.2L9 9.5V21z",
  down: "M17 14V3h4v11h-4zm-2-11H6.7a2 2 0 0 0-2 1.6l-1.4 7A2 2 0 0 0 5.3 14H10l-.8 4.3a1.6 1.6 0 0 0 2.9 1.2L15 14.5V3z",
  flag: "M5 21V4h9.2l.4 2H20v10h-6.8l-.4-2H7v7H5z",
};

// icon draws a small inline SVG (no icon font, nothing from another host).
export function icon(name, size = 18) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("width", String(size));
  svg.setAttribute("height", String(size));
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const path = document.createElementNS(ns, "path");
  path.setAttribute("d", iconPaths[name]);
  path.setAttribute("fill", "currentColor");
  svg.append(path);
  return svg;
}
