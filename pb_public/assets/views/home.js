// Home: the top 20, live.
import { h, mount, notice } from "../dom.js";
import { pb, topQuestions, errorMessage } from "../api.js";
import { card } from "./card.js";

export async function homeView() {
  const list = h("ol", { class: "cards", "aria-label": "Top questions" });
  mount(
    h("h1", {}, "Top questions"),
    h("p", { class: "intro" }, "The 20 best questions, ranked by answers, likes and dislikes. Today's questions get a head start."),
    list,
  );

  let items = [];
  let stale = false;

  const draw = () => {
    // Keep keyboard focus on the same control across redraws.
    const active = document.activeElement;
    const focusKey = active?.closest?.("[data-id]") ? [active.closest("[data-id]").dataset.id, active.dataset.action || active.id] : null;
    const sorted = [...items].sort((a, b) => b.ranking - a.ranking || (a.created < b.created ? 1 : a.created > b.created ? -1 : 0) || (a.id < b.id ? -1 : 1));
    list.replaceChildren(...sorted.map((q) => h("li", {}, card(q, {
      get: () => items.find((it) => it.id === q.id) || q,
      onChange: (next) => { items = items.map((it) => (it.id === next.id ? next : it)); draw(); },
      refresh: load,
    }))));
    if (focusKey) {
      const box = list.querySelector(`[data-id="${CSS.escape(focusKey[0])}"]`);
      const target = box && (box.querySelector(`[data-action="${focusKey[1]}"]`) || box.querySelector(`#${CSS.escape(focusKey[1] || "none")}`));
      target?.focus();
      if (target?.tagName === "TEXTAREA" && active.tagName === "TEXTAREA") {
        target.setSelectionRange(active.selectionStart, active.selectionEnd);
      }
    }
    if (!items.length) list.replaceChildren(h("li", { class: "card" }, "No questions yet. ", h("a", { href: "/ask" }, "Ask the first one.")));
  };

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
