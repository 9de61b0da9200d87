// One question card: title, "(today)", author, description, the user's own
// stars and vote, counts and ranking. Controls act at once on screen and are
// corrected from the server's answer.
import { h, icon, notice } from "../dom.js";
import { me, vote, answer, ranking, errorMessage } from "../api.js";
import { reportButton, noteBox } from "./report.js";

const starWords = ["very low", "low", "medium", "high", "very high"];

// askToSignIn is what a guest gets from any control.
export function askToSignIn() {
  const next = encodeURIComponent(window.location.pathname + window.location.search);
  notice("Sign in to answer and vote.", "", h("a", { href: `/signin?next=${next}`, id: "signin-prompt" }, "Sign in"));
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

// Unsaved comment text survives the redraws that realtime updates cause.
const drafts = new Map();

// card renders q. get() returns the question's latest state, onChange(q)
// stores an updated one, and refresh() reloads after a server refusal.
export function card(q, { get = () => q, onChange, refresh, link = true }) {
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
    notice(errorMessage(err), "error");
    refresh();
  };

  const onVote = (kind) => {
    if (!user) return askToSignIn();
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
      } catch (err) {
        fail(err);
      }
    });
  };

  const onStars = (value) => {
    if (!user) return askToSignIn();
    return enqueue(q.id, async () => {
      const now = get();
      const current = now.myAnswer;
      const answers = now.answers + (current ? 0 : 1);
      apply({ answers, myAnswer: { ...(current || { id: "", comment: "" }), value } });
      try {
        apply({ myAnswer: await answer(q.id, current, value) });
      } catch (err) {
        fail(err);
      }
    });
  };

  const onComment = (text) => {
    if (!user) return askToSignIn();
    return enqueue(q.id, async () => {
      const current = get().myAnswer;
      if (!current) {
        notice("Pick a number of stars first: a comment belongs to an answer.", "error");
        return;
      }
      try {
        apply({ myAnswer: await answer(q.id, current, current.value, text) });
        drafts.delete(q.id);
        notice("Comment saved.");
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

  const stars = starGroup(q, own, onStars);

  // Other people's questions get a small Report control at the row's end.
  const reportable = !own && !q.hidden;
  const reportKey = `q:${q.id}`;
  const findReport = () => document.querySelector(`article[data-id="${CSS.escape(q.id)}"] [data-action="report"]`);

  return h("article", { class: "card", "data-id": q.id, "aria-labelledby": `t-${q.id}` },
    h("header", {},
      h("h2", { id: `t-${q.id}` }, title, q.today ? h("span", { class: "today" }, " (today)") : null),
      h("span", { class: "rank", "data-ranking": q.ranking }, `Ranking: ${q.ranking} pts`),
    ),
    h("p", { class: "meta" },
      `Author: ${q.author?.name || q.author?.username || "unknown"} · `,
      `${q.answers} ${q.answers === 1 ? "answer" : "answers"} · ${q.likes} ${q.likes === 1 ? "like" : "likes"} · ${q.dislikes} ${q.dislikes === 1 ? "dislike" : "dislikes"}`),
    q.description ? h("p", { class: "desc" }, q.description) : null,
    h("div", { class: "actions" },
      stars,
      voteButton("like", "Like", "up", q.likes),
      voteButton("dislike", "Dislike", "down", q.dislikes),
      reportable ? reportButton({ key: reportKey, what: "question", question: q.id, summary: q.title }, findReport) : null,
    ),
    // Where the Report control's feedback appears (empty until then).
    reportable ? noteBox(reportKey) : null,
    commentBox(q, own, onComment),
  );
}

function starGroup(q, own, onStars) {
  const name = `stars-${q.id}`;
  const current = q.myAnswer?.value || 0;
  const group = h("fieldset", { class: "stars", "data-stars": q.id, disabled: own ? true : undefined },
    h("legend", {}, own ? "Your own question: answers come from others" : "Your answer, 1 to 5 stars"));
  let timer = null;
  for (let v = 1; v <= 5; v++) {
    const id = `${name}-${v}`;
    const input = h("input", { type: "radio", name, id, value: v, checked: current === v ? true : undefined });
    // Arrow keys move through the group: save once the user settles.
    input.addEventListener("change", () => {
      clearTimeout(timer);
      paint(group, v);
      timer = setTimeout(() => onStars(v), 350);
    });
    group.append(input, h("label", { for: id, class: v <= current ? "on" : "", title: `${v} – ${starWords[v - 1]}` },
      h("span", { "aria-hidden": "true" }, "★")));
  }
  // Labels carry the accessible name of each radio.
  for (const input of group.querySelectorAll("input")) input.setAttribute("aria-label", `${input.value} of 5 stars (${starWords[input.value - 1]})`);
  group.append(h("span", { class: "hint" }, own ? "Your question" : current ? `Your answer: ${current}/5` : "Not answered"));
  return group;
}

function paint(group, value) {
  group.querySelectorAll("label").forEach((label, i) => label.classList.toggle("on", i < value));
}

function commentBox(q, own, onComment) {
  if (own || !q.myAnswer?.id) return null; // a comment belongs to a saved answer
  const id = `comment-${q.id}`;
  const text = h("textarea", { id, name: "comment", maxlength: 2000, "aria-label": "Your comment" },
    drafts.has(q.id) ? drafts.get(q.id) : q.myAnswer.comment || "");
  text.addEventListener("input", () => drafts.set(q.id, text.value));
  return h("form", { class: "comment-form", "data-comment": q.id, onsubmit: (e) => { e.preventDefault(); onComment(text.value); } },
    text, h("div", {}, h("button", { type: "submit", "data-action": "comment" }, "Save comment")));
}
