// The valuation roll's search box: an ARIA combobox (1.2 pattern) over
// GET /api/valuations/suggest. As the user types, suggestions appear in
// groups (suburbs with their property counts, streets, owners, rate
// numbers); arrows move through them, Enter or a click chooses one, Escape
// closes the list. Choosing applies the matching filter (param=value).
import { h } from "../dom.js";
import { suggest } from "./valuations-api.js";
import { group } from "./valuations-format.js";

let boxes = 0;

// searchBox returns {el, input, clear}. opts: label, hint, placeholder,
// kinds (only these groups, e.g. ["suburb"]), year() (the roll year shown),
// choose(item) and fallback(text) (Enter with no suggestion to choose:
// returns an item, or a message to show), or onEnter(text) (Enter with no
// option active, instead of taking the first suggestion).
export function searchBox(opts) {
  const n = ++boxes;
  const id = opts.id || `vs-${n}`;
  const listId = `${id}-list`;
  const input = h("input", {
    type: "text", id, name: opts.name || undefined, role: "combobox", "aria-autocomplete": "list", "aria-expanded": "false",
    "aria-controls": listId, autocomplete: "off", spellcheck: "false", maxlength: "100", value: opts.value || "",
    placeholder: opts.placeholder || undefined, "aria-describedby": `${id}-hint ${id}-err`, enterkeyhint: "search",
  });
  const list = h("div", { id: listId, role: "listbox", class: "suggest-list", "aria-label": opts.listLabel || "Suggestions", hidden: true });
  const status = h("p", { class: "sr-only", role: "status", id: `${id}-status` });
  const err = h("p", { class: "err", id: `${id}-err`, "data-error-for": opts.name || undefined });
  const el = h("div", { class: "suggest" + (opts.class ? ` ${opts.class}` : "") },
    opts.label ? h("label", { for: id, class: opts.labelClass || "field-label" }, opts.label) : null,
    h("div", { class: "suggest-field" }, input, list),
    h("p", { class: "hintline", id: `${id}-hint` }, opts.hint || ""), err, status);

  let items = []; // the options shown, in order: {item, el}
  let active = -1;
  let seq = 0;
  let timer = 0;
  let shownFor = null; // the text the list answers
  let pending = null; // the promise of the newest suggestions

  const text = () => input.value.trim();

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function open() {
    if (!list.childElementCount) return;
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function setActive(i) {
    if (items[active]) items[active].el.removeAttribute("aria-selected");
    active = i;
    if (i < 0 || !items[i]) {
      input.removeAttribute("aria-activedescendant");
      return;
    }
    items[i].el.setAttribute("aria-selected", "true");
    input.setAttribute("aria-activedescendant", items[i].el.id);
    items[i].el.scrollIntoView({ block: "nearest" });
  }

  // fetch asks for the suggestions of the current text (2 characters or
  // more) and paints them; it resolves to the answer, or null.
  function fetch() {
    const q = text();
    const mine = ++seq;
    if (q.length < 2) {
      paint(null, q);
      pending = Promise.resolve(null);
      return pending;
    }
    const params = new URLSearchParams({ q });
    const year = opts.year?.();
    if (year) params.set("year", year);
    pending = suggest(params).then((res) => {
      if (mine !== seq) return null;
      paint(res, q);
      return res;
    }, (e) => {
      if (mine !== seq) return null;
      paint(null, q, e?.status === 404 ? "" : "Suggestions are unavailable just now; press Enter to search.");
      return null;
    });
    return pending;
  }

  function paint(res, q, problem = "") {
    items = [];
    active = -1;
    input.removeAttribute("aria-activedescendant");
    shownFor = q;
    const groups = (res?.groups || []).filter((g) => !opts.kinds || opts.kinds.includes(g.kind)).filter((g) => g.items?.length);
    const parts = [];
    let k = 0;
    const option = (it, kind) => {
      const el = h("div", { role: "option", id: `${id}-opt-${k++}`, class: "suggest-option", "data-param": it.param, "data-value": it.value, "data-kind": kind },
        h("span", { class: "opt-label" }, it.label),
        it.count !== null && it.count !== undefined ? h("span", { class: "opt-count" }, `${group(it.count)} ${it.count === 1 ? "property" : "properties"}`) : null);
      el.addEventListener("mousedown", (e) => e.preventDefault()); // keep focus in the box
      el.addEventListener("click", () => choose(it));
      items.push({ item: it, el });
      return el;
    };
    for (const g of groups) {
      const head = `${id}-g-${g.kind}`;
      parts.push(h("div", { role: "group", "aria-labelledby": head, "data-kind": g.kind },
        h("div", { role: "presentation", class: "suggest-group", id: head }, g.label),
        g.items.map((it) => option(it, g.kind))));
    }
    if (!groups.length && res && q.length >= 2) {
      const dym = res.didYouMean || [];
      parts.push(h("div", { role: "presentation", class: "suggest-none" }, `Nothing on the roll matches “${q}”.`));
      if (dym.length) {
        parts.push(h("div", { role: "group", "aria-labelledby": `${id}-g-dym`, "data-kind": "didYouMean" },
          h("div", { role: "presentation", class: "suggest-group", id: `${id}-g-dym` }, "Did you mean"),
          dym.map((it) => option(it, "didYouMean"))));
      }
    }
    if (problem) parts.push(h("div", { role: "presentation", class: "suggest-none" }, problem));
    list.replaceChildren(...parts);
    status.textContent = !q || q.length < 2 ? "" : items.length ? `${items.length} suggestion${items.length === 1 ? "" : "s"}; use the arrow keys to choose.` : parts.length ? list.textContent : "";
    if (parts.length && document.activeElement === input) open();
    else close();
  }

  function choose(it) {
    close();
    err.textContent = "";
    input.removeAttribute("aria-invalid");
    if (opts.keepText) input.value = it.value;
    else input.value = "";
    opts.choose(it);
  }

  // enter chooses the active option; with none, the first suggestion of
  // the text as typed (once it has arrived), else the fallback.
  async function enter() {
    if (active >= 0 && items[active]) return choose(items[active].item);
    if (opts.onEnter) {
      clearTimeout(timer);
      seq++; // a late answer must not reopen the list
      close();
      return opts.onEnter(text());
    }
    const q = text();
    clearTimeout(timer); // the typing timer would supersede this fetch
    if (shownFor !== q || !pending) fetch();
    await pending;
    if (text() !== q) return undefined;
    if (shownFor === q && items.length && items[0].el.closest('[data-kind]')?.dataset.kind !== "didYouMean") return choose(items[0].item);
    const alt = opts.fallback ? opts.fallback(q) : null;
    if (alt && typeof alt === "object") return choose(alt);
    if (typeof alt === "string" && alt) {
      err.textContent = alt;
      input.setAttribute("aria-invalid", "true");
      if (list.childElementCount) open();
    }
    return undefined;
  }

  input.addEventListener("input", () => {
    err.textContent = "";
    input.removeAttribute("aria-invalid");
    clearTimeout(timer);
    timer = setTimeout(fetch, 120);
  });
  input.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      if (list.hidden) {
        if (shownFor !== text()) fetch();
        open();
        if (!items.length) return;
      }
      if (!items.length) return;
      const next = e.key === "ArrowDown" ? (active + 1) % items.length : active <= 0 ? items.length - 1 : active - 1;
      setActive(next);
    } else if (e.key === "Enter") {
      e.preventDefault();
      enter();
    } else if (e.key === "Escape") {
      if (!list.hidden) {
        e.preventDefault();
        close();
      } else if (input.value) {
        e.preventDefault();
        input.value = "";
      }
    } else if (e.key === "Tab") {
      close();
    }
  });
  input.addEventListener("blur", () => setTimeout(() => {
    if (document.activeElement !== input) close();
  }, 0));
  input.addEventListener("focus", () => {
    if (text().length >= 2 && shownFor === text()) open();
  });

  return { el, input, clear: () => { input.value = ""; close(); }, enter };
}
