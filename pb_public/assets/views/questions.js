// Every question, 20 a page: tabs for Top, Newest, Unanswered and Most
// answered, a pager above and below, and the header's search (?q=). The
// state lives in the URL (/questions?q=cafe&sort=newest&page=2): tabs and
// pager are links, followed in place (a history entry, the list redrawn,
// focus kept), so reload, back/forward and shared links show the same page.
import { h, pageMount, notice, clearNotice, setTitle } from "../dom.js";
import { pb, listQuestions, errorMessage } from "../api.js";
import { card } from "./card.js";
import { count } from "./valuations-format.js";
import { setSearchTerms, searchRefused } from "./search.js";

export const perPage = 20;

// A search adds Relevance (its default); without one the list starts at Top.
export const tabs = [
  { sort: "relevance", label: "Relevance", search: true, empty: "", about: "best matches first" },
  { sort: "top", label: "Top", empty: "No questions yet.", about: "ranked by answers, likes and dislikes" },
  { sort: "newest", label: "Newest", empty: "No questions yet.", about: "newest first" },
  { sort: "unanswered", label: "Unanswered", empty: "No unanswered questions — nice work.", about: "waiting for their first answer, newest first" },
  { sort: "answered", label: "Most answered", empty: "No answered questions yet — be the first to answer one.", about: "most answers first" },
];

const defaultSort = (q) => (q ? "relevance" : "top");
const tabsFor = (q) => tabs.filter((t) => q || !t.search);

// readQuery reads the page's state from a location's search string.
export function readQuery(search) {
  const p = new URLSearchParams(search);
  const q = (p.get("q") || "").trim().replace(/\s+/g, " ");
  const sort = tabsFor(q).some((t) => t.sort === p.get("sort")) ? p.get("sort") : defaultSort(q);
  const page = Math.max(1, Number.parseInt(p.get("page") || "1", 10) || 1);
  return { sort, page, q };
}

// pathOf is the address of a state; defaults are left out.
export function pathOf({ sort, page, q }) {
  const p = new URLSearchParams();
  if (q) p.set("q", q);
  if (sort && sort !== defaultSort(q)) p.set("sort", sort);
  if (page > 1) p.set("page", String(page));
  const s = p.toString();
  return s ? `/questions?${s}` : "/questions";
}

const quoted = (q) => `“${q}”`;

export async function questionsView() {
  const mount = pageMount();
  let query = readQuery(window.location.search);
  let items = [];
  let loads = 0;

  setSearchTerms(query.q);
  const heading = h("h1", { id: "ql-h", tabindex: "-1" });
  const summary = h("p", { class: "ql-summary", id: "ql-summary", "aria-live": "polite" });
  const clear = h("a", { class: "ql-clear", href: "/questions", "data-keep-focus": "clear" }, "Clear search");
  const tabBar = h("nav", { class: "ql-tabs", "aria-label": "Sort questions" }, h("ul", {}));
  const top = h("nav", { class: "ql-pager", id: "ql-pager-top", "aria-label": "Pages, top" });
  const bottom = h("nav", { class: "ql-pager", id: "ql-pager-bottom", "aria-label": "Pages, bottom" });
  const list = h("ol", { class: "cards ql-cards", "aria-labelledby": "ql-h" });
  const body = h("div", { class: "ql-body" }, h("p", { class: "loading ql-loading" }, "Loading questions…"));
  const section = h("section", { class: "ql", "data-state": "loading", "aria-labelledby": "ql-h" },
    h("div", { class: "ql-head" }, heading, h("a", { class: "button ql-ask", href: "/ask" }, "Ask a question")),
    h("div", { class: "ql-sub" }, summary, clear),
    tabBar, top, body, bottom);
  if (!mount(section)) return;

  // Tabs and pager links are followed here, in place.
  section.addEventListener("click", (event) => {
    const a = event.target.closest("a[data-go]");
    if (!a || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    const next = readQuery(new URL(a.href).search);
    const where = a.dataset.go; // "tab:<sort>", "prev:top", "next:bottom", …
    go(next, where);
  });

  await load();

  // Anyone's vote, answer or question (and a moderator's hide or restore,
  // announced on the server's own topic) reloads the page quietly, as on
  // the home page.
  let timer = null;
  const reload = () => {
    clearTimeout(timer);
    timer = setTimeout(() => load("", true), 300);
  };
  const unsubscribe = await pb.collection("questions").subscribe("*", reload).catch(() => null);
  const unsubscribeHidden = await pb.realtime.subscribe("rollcall/questions", reload).catch(() => null);
  section.dataset.live = unsubscribe ? "on" : "off";
  return () => {
    clearTimeout(timer);
    if (unsubscribe) unsubscribe();
    if (unsubscribeHidden) unsubscribeHidden();
  };

  function go(next, where) {
    query = next;
    const url = pathOf(query);
    if (url !== window.location.pathname + window.location.search) window.history.pushState({}, "", url);
    clearNotice();
    return load(where);
  }

  // load fetches the page the URL names; quiet (a live update) keeps the
  // page as it is until the answer arrives.
  async function load(where = "", quiet = false) {
    const seq = ++loads;
    if (!quiet) {
      paintHead();
      section.setAttribute("aria-busy", "true");
      if (section.dataset.state !== "loading") section.dataset.state = "reloading";
    }
    try {
      const res = await listQuestions({ sort: query.sort, page: query.page, perPage, q: query.q });
      if (seq !== loads || !section.isConnected) return;
      searchRefused("");
      items = res.items || [];
      paint(res);
      section.dataset.state = "ready";
      restoreFocus(where);
    } catch (err) {
      if (seq !== loads || !section.isConnected) return;
      items = [];
      top.replaceChildren();
      bottom.replaceChildren();
      const refusal = err?.status === 400 ? err?.response?.data?.q?.message : "";
      if (refusal) {
        // A term too short (or otherwise refused): said beside the box.
        searchRefused(refusal);
        document.getElementById("search-q")?.focus();
        summary.textContent = "";
        tabBar.hidden = true;
        body.replaceChildren(h("div", { class: "ql-empty", "data-empty": "refused" },
          h("p", { class: "ql-empty-title" }, `Nothing was searched for ${quoted(query.q)}.`),
          h("p", {}, "Change the words in the search box, or ", h("a", { href: "/questions" }, "browse every question"), ".")));
        section.dataset.state = "refused";
      } else {
        notice(errorMessage(err), "error");
        summary.textContent = "The questions couldn't be loaded.";
        body.replaceChildren(h("div", { class: "ql-empty" },
          h("p", {}, "The questions couldn't be loaded. "),
          h("button", { type: "button", class: "ghost", onclick: () => load() }, "Try again")));
        section.dataset.state = "error";
      }
    } finally {
      if (seq === loads) section.removeAttribute("aria-busy");
    }
  }

  // paintHead draws what the URL alone decides: title, heading, tabs.
  function paintHead() {
    const tab = tabs.find((t) => t.sort === query.sort);
    const title = query.q ? `Search: ${query.q}` : tab.sort === "top" ? "All questions" : `${tab.label} questions`;
    setTitle(query.page > 1 ? `${title} (page ${query.page})` : title);
    heading.textContent = query.q ? "Search results" : "All questions";
    clear.hidden = !query.q;
    tabBar.hidden = false;
    summary.textContent = "Loading…";
    tabBar.firstChild.replaceChildren(...tabsFor(query.q).map((t) => h("li", {},
      h("a", {
        href: pathOf({ ...query, sort: t.sort, page: 1 }),
        "data-go": `tab:${t.sort}`,
        "aria-current": t.sort === query.sort ? "page" : undefined,
      }, t.label))));
  }

  function paint(res) {
    const tab = tabs.find((t) => t.sort === query.sort);
    const total = res.totalItems || 0;
    const pages = res.totalPages || 0;
    summary.dataset.total = String(total);
    if (query.q) summary.textContent = `${count(total, "result", "results")} for ${quoted(query.q)}`;
    else summary.textContent = total ? `${count(total, "question", "questions")}, ${tab.about}` : "";
    top.replaceChildren(...pagerParts(res, "top"));
    bottom.replaceChildren(...pagerParts(res, "bottom"));
    top.hidden = bottom.hidden = pages < 2 && (res.page || 1) <= 1;
    if (!items.length) {
      body.replaceChildren(emptyState(tab, total, pages));
      return;
    }
    draw();
  }

  function emptyState(tab, total, pages) {
    if (total > 0) {
      return h("div", { class: "ql-empty" }, h("p", {}, `There is no page ${query.page}: the last is page ${pages}. `),
        h("a", { href: pathOf({ ...query, page: 1 }), "data-go": "first" }, "Go to the first page"));
    }
    if (query.q) {
      return h("div", { class: "ql-empty" },
        h("p", { class: "ql-empty-title" }, `No questions match ${quoted(query.q)}.`),
        h("p", {}, "Try fewer or different words — or ", h("a", { href: "/ask" }, "ask it yourself"), "."));
    }
    const more = tab.sort === "unanswered"
      ? h("p", {}, "Every question has an answer. ", h("a", { href: pathOf({ ...query, sort: "newest", page: 1 }), "data-go": "tab:newest" }, "See the newest questions"))
      : tab.sort === "answered"
        ? h("p", {}, h("a", { href: pathOf({ ...query, sort: "unanswered", page: 1 }), "data-go": "tab:unanswered" }, "See questions waiting for an answer"))
        : h("p", {}, h("a", { href: "/ask" }, "Ask the first one"), ".");
    return h("div", { class: "ql-empty", "data-empty": tab.sort }, h("p", { class: "ql-empty-title" }, tab.empty), more);
  }

  // draw (re)renders the cards in the server's order, keeping keyboard
  // focus on the same control. A vote does not reorder the page under
  // the user's hands; the next load does.
  function draw() {
    const active = document.activeElement;
    const holder = active?.closest?.("article[data-id]");
    const focusKey = holder && list.contains(holder) ? [holder.dataset.id, active.dataset.action || active.id] : null;
    list.replaceChildren(...items.map((q) => h("li", {}, card(q, {
      get: () => items.find((it) => it.id === q.id) || q,
      onChange: (next) => { items = items.map((it) => (it.id === next.id ? next : it)); draw(); },
      refresh: () => load(),
    }))));
    if (!list.isConnected) body.replaceChildren(list);
    if (focusKey) {
      const box = list.querySelector(`[data-id="${CSS.escape(focusKey[0])}"]`);
      const target = box && (box.querySelector(`[data-action="${focusKey[1]}"]`) || box.querySelector(`#${CSS.escape(focusKey[1] || "none")}`));
      target?.focus();
      if (target?.tagName === "TEXTAREA" && active.tagName === "TEXTAREA") target.setSelectionRange(active.selectionStart, active.selectionEnd);
    }
  }

  function pagerParts(res, where) {
    const page = res.page || query.page;
    const pages = res.totalPages || 0;
    const link = (to, label, rel) => h("a", {
      class: "button ghost", rel, href: pathOf({ ...query, page: to }), "data-go": `${rel}:${where}`,
      "aria-label": `${label} page`,
    }, rel === "prev" ? h("span", { "aria-hidden": "true" }, "‹ ") : null, label, rel === "next" ? h("span", { "aria-hidden": "true" }, " ›") : null);
    const off = (label) => h("span", { class: "button ghost off", "aria-hidden": "true" }, label);
    return [
      page > 1 ? link(Math.min(page - 1, Math.max(pages, 1)), "Previous", "prev") : off("‹ Previous"),
      h("span", { class: "ql-page", "data-page": page, "data-pages": pages }, `Page ${page} of ${Math.max(pages, 1)}`),
      page < pages ? link(page + 1, "Next", "next") : off("Next ›"),
    ];
  }

  // restoreFocus puts focus back where the user acted: on the tab they
  // chose, or on the list's heading after a page change (from the bottom
  // pager the list starts back at the top).
  function restoreFocus(where) {
    if (!where) return;
    if (where.startsWith("tab:")) {
      tabBar.querySelector(`a[data-go="${CSS.escape(where)}"]`)?.focus();
      return;
    }
    heading.focus({ preventScroll: true });
    section.scrollIntoView({ block: "start" });
  }
}
