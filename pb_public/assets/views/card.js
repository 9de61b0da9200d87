// One question card: title, "(today)", author, description, the user's own
// stars and vote, counts, ranking and how it is scored. Controls act at once
// on screen and are corrected from the server's answer; what a control's
// click leads to (a refusal, a confirmation, a guest's "Sign in") is said
// at the card, in its live region, never only in the page's top notice.
import { h, icon, notice } from "../dom.js";
import { me, vote, answer, ranking, points, errorMessage } from "../api.js";
import { reportButton, noteBox, showNote } from "./report.js";
import { authorLink } from "./people.js";

const starWords = ["very low", "low", "medium", "high", "very high"];

// askToSignIn is a page's own "sign in" (the ask page, My questions).
export function askToSignIn() {
  const next = encodeURIComponent(window.location.pathname + window.location.search);
  notice("Sign in to answer and vote.", "", h("a", { href: `/signin?next=${next}`, id: "signin-prompt" }, "Sign in"));
}

// signInHref brings a guest back to this page once signed in.
function signInHref() {
  return `/signin?next=${encodeURIComponent(window.location.pathname + window.location.search)}`;
}

// say writes a message in the card's live region (it outlives redraws).
// Confirmations fade after a while; errors and prompts stay.
const fades = new Map();
export function sayAtCard(id, text, kind = "", link = null) {
  const key = `q:${id}`;
  clearTimeout(fades.get(key));
  showNote(key, { text, kind, link });
  if (kind === "ok") {
    fades.set(key, setTimeout(() => {
      const box = document.querySelector(`[data-note="${CSS.escape(key)}"]`);
      if (box && box.textContent === text) showNote(key, { text: "" });
    }, 6000));
  }
}

// Actions on one question run one after another, each from the state the
// previous one left: a quick like-then-dislike must switch the vote the
// server just created, not a vote it has not answered for yet.
const queues = new Map();
function enqueue(id, action) {
  const next = (queues.get(id) || Promise.resolve()).then(action, action);
  queues.set(id, next);
  next.finally(() => { if (queues.get(id) === next) queues.delete(id); });
  return next;
}

// Unsaved comment text, stars chosen with the arrow keys but not saved yet,
// and open score explanations survive the redraws realtime updates cause.
const drafts = new Map();
const pending = new Map();
const openWhy = new Set();
const inflight = new Map();

const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

// scoreText explains a question's ranking term by term, e.g.
// "6 answers × 10 + 2 likes × 5 − 1 dislike × 3 + 10 asked today = 77".
export function scoreText(q) {
  let text = `${plural(q.answers, "answer", "answers")} × ${points.answer} + ${plural(q.likes, "like", "likes")} × ${points.like}` +
    ` − ${plural(q.dislikes, "dislike", "dislikes")} × ${Math.abs(points.dislike)}`;
  if (q.today) text += ` + ${points.today} asked today`;
  return `${text} = ${ranking(q)}`;
}

// card renders q. get() returns the question's latest state, onChange(q)
// stores an updated one, and refresh() reloads after a server refusal.
// extra: nodes for the meta line (dates, an Edit link) on a question's page.
export function card(q, { get = () => q, onChange, refresh, link = true, extra = null }) {
  const user = me();
  const own = user && q.author && q.author.id === user.id;
  const titleText = q.title;
  const title = link ? h("a", { href: `/questions/${q.id}` }, titleText) : titleText;

  const apply = (patch) => {
    const next = { ...get(), ...patch };
    next.ranking = ranking(next);
    onChange(next);
  };
  const fail = (err) => {
    sayAtCard(q.id, errorMessage(err), "error");
    refresh();
  };
  const guest = (what) => sayAtCard(q.id, what, "", { href: signInHref(), text: "Sign in" });

  const onVote = (kind) => {
    if (!user) return guest("Sign in to vote.");
    return enqueue(q.id, async () => {
      const now = get();
      const current = now.myVote;
      const counts = { likes: now.likes, dislikes: now.dislikes };
      if (current) counts[current.kind + "s"] -= 1;
      const withdrawing = current && current.kind === kind;
      if (!withdrawing) counts[kind + "s"] += 1;
      apply({ ...counts, myVote: withdrawing ? null : { id: current?.id || "", kind } });
      try {
        apply({ myVote: await vote(q.id, current, kind) });
        sayAtCard(q.id, withdrawing ? `Your ${kind} is withdrawn.` : kind === "like" ? "Saved: you like this question." : "Saved: you dislike this question.", "ok");
      } catch (err) {
        fail(err);
      }
    });
  };

  const onStars = (value) => {
    if (!user) return guest("Sign in to rate this question.");
    return enqueue(q.id, async () => {
      const now = get();
      const current = now.myAnswer;
      const answers = now.answers + (current ? 0 : 1);
      apply({ answers, myAnswer: { ...(current || { id: "", comment: "" }), value } });
      try {
        apply({ myAnswer: await answer(q.id, current, value) });
        sayAtCard(q.id, `Saved: your rating is ${value} of 5.`, "ok");
      } catch (err) {
        fail(err);
      }
    });
  };

  const onComment = (text) => {
    if (!user) return guest("Sign in to comment.");
    return enqueue(q.id, async () => {
      const current = get().myAnswer;
      if (!current) {
        sayAtCard(q.id, "Choose a number of stars first: a comment belongs to a rating.", "error");
        return;
      }
      try {
        apply({ myAnswer: await answer(q.id, current, current.value, text) });
        drafts.delete(q.id);
        sayAtCard(q.id, "Comment saved.", "ok");
      } catch (err) {
        fail(err);
      }
    });
  };

  const voteButton = (kind, label, iconName, count) =>
    h("button", {
      type: "button",
      class: `vote ${kind}`,
      "aria-pressed": q.myVote?.kind === kind ? "true" : "false",
      disabled: own ? true : undefined,
      title: own ? "You cannot vote on your own question" : undefined,
      onclick: () => onVote(kind),
      "data-action": kind,
    // Named by its visible text ("Like 3"), so speech input can say it too.
    }, icon(iconName), label, " ", h("span", { class: "n" }, count));

  const stars = starGroup(q, { own, user, get, onStars, guest: () => guest("Sign in to rate this question.") });

  // Other people's questions get a small Report control at the row's end.
  const reportable = !own && !q.hidden;
  const reportKey = `q:${q.id}`;
  const findReport = () => document.querySelector(`article[data-id="${CSS.escape(q.id)}"] [data-action="report"]`);

  const why = h("details", { class: "why", "data-why": q.id, open: openWhy.has(q.id) ? true : undefined },
    h("summary", { "data-action": "why" }, "How is this scored?"),
    h("p", { class: "why-text" }, scoreText(q)));
  why.addEventListener("toggle", () => { if (why.open) openWhy.add(q.id); else openWhy.delete(q.id); });

  return h("article", { class: "card", "data-id": q.id, "aria-labelledby": `t-${q.id}` },
    h("header", {},
      h("h2", { id: `t-${q.id}` }, title, q.today ? h("span", { class: "today" }, " (today)") : null),
      h("span", { class: "rank", "data-ranking": q.ranking }, `Ranking: ${q.ranking} pts`),
    ),
    h("div", { class: "meta" },
      h("span", {},
        "Author: ", authorLink(q.author), " · ",
        extra,
        `${plural(q.answers, "answer", "answers")} · ${plural(q.likes, "like", "likes")} · ${plural(q.dislikes, "dislike", "dislikes")}`),
      why),
    q.description ? h("p", { class: "desc" }, q.description) : null,
    h("div", { class: "actions" },
      stars,
      voteButton("like", "Like", "up", q.likes),
      voteButton("dislike", "Dislike", "down", q.dislikes),
      reportable ? reportButton({ key: reportKey, what: "question", question: q.id, summary: q.title }, findReport) : null,
    ),
    // The card's live region: what its controls led to (empty until then).
    noteBox(reportKey),
    commentBox(q, own, onComment),
  );
}

// starGroup is "Your rating (1–5)": five radios drawn as stars. A click
// saves at once; the arrow keys only move (and preview) the choice, which
// is saved with Space or Enter, or when focus leaves the group. The arrows
// stop at 1 and 5 (no wrapping round from 5 to 1).
function starGroup(q, { own, user, get, onStars, guest }) {
  const name = `stars-${q.id}`;
  const hintId = `stars-hint-${q.id}`;
  const saved = q.myAnswer?.value || 0;
  const chosen = pending.has(q.id) ? pending.get(q.id) : saved;
  const group = h("fieldset", { class: "stars", "data-stars": q.id, disabled: own ? true : undefined },
    h("legend", {}, own ? "Your rating (1–5): not on your own question" : "Your rating (1–5)"));
  const row = h("span", { class: "star-row" });
  const hint = h("span", { class: "hint", id: hintId });
  const restingHint = () => {
    if (own) return "Your question: others rate it";
    if (pending.has(q.id)) return `${pending.get(q.id)} of 5 — press Enter to save`;
    return saved ? `Your answer: ${saved}/5` : "You haven't rated this";
  };
  const showHint = (text) => { hint.textContent = text; };
  const paintTo = (value, preview = false) => {
    row.querySelectorAll("label").forEach((label, i) => {
      label.classList.toggle("on", i < value);
      label.classList.toggle("preview", preview && i < value);
    });
  };

  const commit = (v) => {
    if (!user) {
      pending.delete(q.id);
      for (const input of row.querySelectorAll("input")) input.checked = Number(input.value) === saved;
      paintTo(saved);
      showHint(restingHint());
      guest();
      return;
    }
    pending.delete(q.id);
    const now = get();
    if (inflight.get(q.id) === v) return;
    if (!inflight.has(q.id) && now.myAnswer?.id && now.myAnswer.value === v) {
      paintTo(v);
      showHint(restingHint());
      return;
    }
    inflight.set(q.id, v);
    Promise.resolve(onStars(v)).finally(() => { if (inflight.get(q.id) === v) inflight.delete(q.id); });
  };

  const moveTo = (v) => {
    const input = row.querySelector(`#${CSS.escape(`${name}-${v}`)}`);
    input.checked = true;
    input.focus();
    pending.set(q.id, v);
    if (v === (get().myAnswer?.value || 0)) pending.delete(q.id);
    paintTo(v, pending.has(q.id));
    showHint(pending.has(q.id) ? `${v} of 5 — press Enter to save` : restingHint());
  };

  for (let v = 1; v <= 5; v++) {
    const id = `${name}-${v}`;
    const input = h("input", {
      type: "radio", name, id, value: v, checked: chosen === v ? true : undefined,
      "aria-label": `${v} of 5 stars (${starWords[v - 1]})`, "aria-describedby": hintId,
    });
    input.addEventListener("click", (event) => {
      if (!user) event.preventDefault();
      commit(v);
    });
    input.addEventListener("keydown", (event) => {
      const k = event.key;
      let to = null;
      if (k === "ArrowRight" || k === "ArrowDown") to = Math.min(5, v + 1);
      else if (k === "ArrowLeft" || k === "ArrowUp") to = Math.max(1, v - 1);
      else if (k === "Home") to = 1;
      else if (k === "End") to = 5;
      else if (k === " " || k === "Enter") {
        event.preventDefault();
        commit(v);
        return;
      }
      if (to === null) return;
      event.preventDefault();
      moveTo(to);
    });
    // Space's click comes on key up: the keydown has saved already.
    input.addEventListener("keyup", (event) => { if (event.key === " ") event.preventDefault(); });
    const label = h("label", { for: id, class: v <= chosen ? "on" : "" }, h("span", { "aria-hidden": "true" }, "★"));
    label.addEventListener("mouseenter", () => {
      const mine = get().myAnswer?.value || 0;
      if (own) return;
      if (v === mine && !pending.has(q.id)) {
        paintTo(v);
        showHint(restingHint());
        return;
      }
      paintTo(v, true);
      showHint(mine ? `Change to ${v} of 5 (${starWords[v - 1]})` : `Rate ${v} of 5 (${starWords[v - 1]})`);
    });
    row.append(input, label);
  }
  row.addEventListener("mouseleave", () => { paintTo(pending.has(q.id) ? pending.get(q.id) : get().myAnswer?.value || 0, pending.has(q.id)); showHint(restingHint()); });
  if (pending.has(q.id)) paintTo(chosen, true);
  // Leaving the group settles a choice made with the arrows. A redraw that
  // replaced the group is not leaving it: the new group carries the choice.
  group.addEventListener("focusout", () => {
    setTimeout(() => {
      if (!group.isConnected || group.contains(document.activeElement)) return;
      if (pending.has(q.id)) commit(pending.get(q.id));
    }, 0);
  });
  group.addEventListener("focusin", () => {
    if (!pending.has(q.id) && !own && user && !get().myAnswer?.id) showHint("Arrows to choose, Enter to save");
  });
  showHint(restingHint());
  group.append(row, hint);
  return group;
}

function commentBox(q, own, onComment) {
  if (own || !q.myAnswer?.id) return null; // a comment belongs to a saved answer
  const id = `comment-${q.id}`;
  const hintId = `comment-hint-${q.id}`;
  const text = h("textarea", { id, name: "comment", maxlength: 2000, rows: 2, "aria-describedby": hintId },
    drafts.has(q.id) ? drafts.get(q.id) : q.myAnswer.comment || "");
  text.addEventListener("input", () => drafts.set(q.id, text.value));
  return h("form", { class: "comment-form", "data-comment": q.id, onsubmit: (e) => { e.preventDefault(); onComment(text.value); } },
    h("label", { for: id }, "Add a comment to your rating (optional)"),
    h("span", { class: "hintline", id: hintId }, "Say why you chose these stars. Everyone sees it with your rating on the question's page; up to 2,000 characters."),
    text, h("div", {}, h("button", { type: "submit", "data-action": "comment" }, "Save comment")));
}
