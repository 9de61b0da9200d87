// Home: the top 20, live. The list never reorders under the user: while
// the pointer or keyboard focus is inside it, new counts are drawn in place
// and "List updated — Show new order" offers the new order; it is applied
// once pointer and focus have left (or on that button).
import { h, mount, notice } from "../dom.js";
import { pb, topQuestions, errorMessage } from "../api.js";
import { card } from "./card.js";

const byRanking = (a, b) => b.ranking - a.ranking || (a.created < b.created ? 1 : a.created > b.created ? -1 : 0) || (a.id < b.id ? -1 : 1);

export async function homeView() {
  const list = h("ol", { class: "cards", "aria-label": "Top questions" });
  const empty = h("div", { class: "empty-state", hidden: true },
    h("h2", {}, "No questions yet"),
    h("p", {}, "Ask the first one: it appears here, ranked by answers, likes and dislikes."),
    h("a", { class: "button", href: "/ask" }, "Ask a question"));
  // The offer to reorder: a live region that is always there, pinned to the
  // bottom of the window so it never pushes the cards.
  const updated = h("div", { class: "list-updated", role: "status" });
  const zone = h("div", { class: "list-zone" }, list, empty, updated);
  mount(
    h("h1", {}, "Top questions"),
    h("p", { class: "intro" }, "The 20 best questions, ranked by answers, likes and dislikes. Today's questions get a head start."),
    zone,
  );

  let items = [];
  let stale = false;
  let shown = null; // ids in the order on screen
  let pointerIn = false;
  let focusIn = false;
  let lastUsed = null; // [question id, control key] of the control used last

  const held = () => pointerIn || focusIn;
  const keyOf = (el) => {
    const box = el?.closest?.("[data-id]");
    return box ? [box.dataset.id, el.dataset.action || el.id] : null;
  };

  const draw = (force = false) => {
    // Keep keyboard focus on the same control across redraws.
    const active = document.activeElement;
    const focusKey = list.contains(active) ? keyOf(active) : null;
    const sorted = [...items].sort(byRanking);
    let order = sorted;
    if (!force && held() && shown) {
      // Hold the order on screen: counts change in place, a question that
      // left (hidden by moderators, deleted) goes at once, new ones wait.
      const byId = new Map(items.map((it) => [it.id, it]));
      order = shown.filter((id) => byId.has(id)).map((id) => byId.get(id));
    }
    const waiting = order.map((q) => q.id).join(",") !== sorted.map((q) => q.id).join(",");
    shown = order.map((q) => q.id);
    list.replaceChildren(...order.map((q) => h("li", {}, card(q, {
      get: () => items.find((it) => it.id === q.id) || q,
      onChange: (next) => { items = items.map((it) => (it.id === next.id ? next : it)); draw(); },
      refresh: load,
    }))));
    if (focusKey) refocus(focusKey, active);
    list.hidden = !items.length;
    empty.hidden = !!items.length;
    if (waiting && !updated.querySelector("button")) {
      updated.replaceChildren(h("span", {}, "List updated"), " — ",
        h("button", { type: "button", class: "link", "data-action": "reorder", onclick: reorder }, "Show new order"));
    } else if (!waiting && updated.firstChild) {
      updated.replaceChildren();
    }
    updated.classList.toggle("on", waiting);
  };

  // refocus puts focus back on the control key names, in its new card.
  const refocus = (key, was = null) => {
    const box = list.querySelector(`[data-id="${CSS.escape(key[0])}"]`);
    const target = box && (box.querySelector(`[data-action="${CSS.escape(key[1] || "none")}"]`) || box.querySelector(`#${CSS.escape(key[1] || "none")}`));
    if (!target) return null;
    target.focus({ preventScroll: true });
    if (was && target.tagName === "TEXTAREA" && was.tagName === "TEXTAREA") target.setSelectionRange(was.selectionStart, was.selectionEnd);
    return target;
  };

  // reorder applies the new order at once; focus stays on the control used.
  function reorder() {
    draw(true);
    const target = lastUsed && refocus(lastUsed);
    if (target) target.scrollIntoView({ block: "center" });
    else list.querySelector("article h2 a")?.focus();
  }

  const release = () => {
    if (!held() && updated.classList.contains("on")) draw();
  };
  zone.addEventListener("pointerenter", () => { pointerIn = true; });
  zone.addEventListener("pointerleave", () => { pointerIn = false; release(); });
  zone.addEventListener("focusin", (event) => {
    focusIn = true;
    if (list.contains(event.target)) lastUsed = keyOf(event.target) || lastUsed;
  });
  zone.addEventListener("focusout", (event) => {
    // A redraw removes the focused control and focuses its replacement:
    // only focus that really leaves (to another part of the page) counts.
    if (event.relatedTarget && zone.contains(event.relatedTarget)) return;
    setTimeout(() => {
      if (zone.contains(document.activeElement)) return;
      focusIn = false;
      release();
    }, 0);
  });

  let loading = null;
  async function load() {
    if (loading) {
      stale = true; // one more load after the current one
      return loading;
    }
    loading = (async () => {
      try {
        items = (await topQuestions()).items;
        draw();
      } catch (err) {
        notice(errorMessage(err), "error");
      } finally {
        loading = null;
        if (stale) {
          stale = false;
          load();
        }
      }
    })();
    return loading;
  }

  await load();

  // Anyone's vote, answer or question changes a question row: reload the list.
  let timer = null;
  const reload = () => {
    clearTimeout(timer);
    timer = setTimeout(load, 150);
  };
  const unsubscribe = await pb.collection("questions").subscribe("*", reload).catch(() => null);
  // A question moderators hide is no longer ours to view, so PocketBase sends
  // us nothing about it: the server announces it on a topic of its own.
  const unsubscribeHidden = await pb.realtime.subscribe("rollcall/questions", reload).catch(() => null);
  document.body.dataset.live = unsubscribe ? "on" : "off";

  return () => {
    clearTimeout(timer);
    if (unsubscribe) unsubscribe();
    if (unsubscribeHidden) unsubscribeHidden();
    delete document.body.dataset.live;
  };
}
