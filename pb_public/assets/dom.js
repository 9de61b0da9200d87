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

// fieldErrors writes a PocketBase error's per-field problems next to the
// inputs of form (elements with data-error-for="field"), in plain words:
// PocketBase's own messages ("Cannot be blank.", "Value must be unique.",
// "Invalid value format.") never reach the page. Each field in error gets
// aria-invalid="true" (and the red border that goes with it); with
// {focus: true} the first of them takes focus. It returns the words for
// errors no field shows ("" when every error found its field).
export function fieldErrors(form, err, { focus = false } = {}) {
  for (const el of form.querySelectorAll("[data-error-for]")) el.textContent = "";
  for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
  const data = err?.response?.data || {};
  const rest = [];
  for (const [field, detail] of Object.entries(data)) {
    const slot = form.querySelector(`[data-error-for="${CSS.escape(field)}"]`);
    const input = fieldInput(form, field, slot);
    const sentence = fieldSentence(field, detail, input);
    if (slot) {
      slot.textContent = sentence;
      input?.setAttribute("aria-invalid", "true");
    } else {
      rest.push(sentence);
    }
  }
  if (focus) form.querySelector('[aria-invalid="true"]')?.focus();
  if (rest.length) return rest.join(" ");
  if (Object.keys(data).length) return "";
  return requestError(err);
}

// fieldInput is the control a field's error belongs to: the one named
// field, or the one its error slot describes.
function fieldInput(form, field, slot) {
  const named = form.querySelector(`[name="${CSS.escape(field)}"]`);
  if (named) return named;
  return slot?.id ? form.querySelector(`[aria-describedby~="${CSS.escape(slot.id)}"]`) : null;
}

// Words for one field's validation code; a field's own words win over the
// code's. Codes the app's own API gives (already in plain words) keep
// their message unless it is one of PocketBase's raw ones.
const byField = {
  title: {
    validation_required: "Give your question a title.",
    validation_invisible: "Give your question a title.",
    validation_max_text_constraint: "Keep the title to {max} characters or fewer.",
    validation_line_separator: "Keep the title to one line.",
    validation_not_unique: "A question with this title already exists — search for it, or word yours differently.",
  },
  description: {
    validation_max_text_constraint: "Keep the description to {max} characters or fewer.",
  },
  comment: {
    validation_max_text_constraint: "Keep your comment to {max} characters or fewer.",
  },
  value: {
    validation_required: "Choose from 1 to 5 stars.",
    validation_min_number_constraint: "Choose from 1 to 5 stars.",
    validation_max_number_constraint: "Choose from 1 to 5 stars.",
  },
};
const byCode = {
  validation_required: "Please fill this in.",
  validation_nil_or_not_empty_required: "Please fill this in.",
  validation_not_unique: "This is already taken — try something different.",
  validation_invalid_format: "This isn't in a form we can accept — check it and try again.",
  validation_max_text_constraint: "This is too long: use at most {max} characters.",
  validation_min_text_constraint: "This is too short: use at least {min} characters.",
  validation_max_number_constraint: "Use a number no bigger than {max}.",
  validation_min_number_constraint: "Use a number no smaller than {min}.",
  validation_only_int_constraint: "Use a whole number.",
  validation_not_a_number: "Enter a number.",
  validation_missing_rel_records: "This refers to something that no longer exists — reload the page and try again.",
  validation_invisible: "Type some visible characters.",
  validation_bidi_control: "Remove the characters that change the text direction.",
  validation_line_separator: "Keep this to one line.",
  validation_invalid_utf8: "This contains characters that can't be read — retype it.",
};
const rawMessages = [/^cannot be blank\.?$/i, /^value must be unique\.?$/i, /^invalid value/i, /^must be no more than \d+ character/i,
  /^must be at least \d+ character/i, /^must be (less|greater) or equal than/i, /^must be a valid/i, /^the length must be/i, /^must be in a valid format/i];

export function fieldSentence(field, detail, input = null) {
  const code = detail?.code || "";
  const params = { ...(detail?.params || {}) };
  if (params.max === undefined && input?.maxLength > 0) params.max = input.maxLength;
  const fill = (text) => text.replace(/\{(\w+)\}/g, (_, k) => (params[k] === undefined ? "the allowed number of" : Number(params[k]).toLocaleString("en-GB")));
  const own = byField[field]?.[code];
  if (own) return fill(own);
  const message = String(detail?.message || "").trim();
  if (message && !byCode[code] && !rawMessages.some((re) => re.test(message))) return message; // the app's own words
  if (byCode[code]) return fill(byCode[code]);
  return "This isn't accepted — check it and try again.";
}

// requestError is the words for a refusal that names no field.
export function requestError(err) {
  if (err?.status === 0) return "Rollcall can't be reached — check your connection and try again.";
  if (err?.status === 429) return "That's too many tries in a few minutes — wait a few minutes and try again.";
  const message = err?.response?.message || "";
  if (err?.status === 403 && message) return message;
  if (err?.status >= 500) return "Something went wrong on the server — try again in a minute.";
  if (message && !/^(failed to (create|update|load)|something went wrong while processing your request)/i.test(message)) return message;
  return "That didn't work — check what you entered and try again.";
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
