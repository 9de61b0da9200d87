// One question with every answer (newest first, paginated); the user's own
// answer is editable and can be withdrawn. Other people's question and
// answers can be reported; what moderators hid is marked for the few who
// still see it (its author and moderators), and moderators can restore it.
import { h, pageMount, notice, setTitle } from "../dom.js";
import { notFoundView } from "./soon.js";
import { pb, me, withdrawAnswer, errorMessage } from "../api.js";
import { card, sayAtCard } from "./card.js";
import { reportButton, noteBox, markReported, openReasonDialog, showNote } from "./report.js";
import { isModerator, myOpenReports, act, actionError } from "../moderation-api.js";

const perPage = 10;

export async function questionView(id) {
  const mount = pageMount();
  const user = me();
  let q;
  try {
    const rec = await pb.collection("questions").getOne(id, { expand: "author" });
    q = toCard(rec);
    setTitle(q.title);
  } catch (err) {
    const gone = err?.status === 404 || err?.status === 400;
    setTitle(gone ? "Question not found" : "Question not loaded");
    notFoundView(gone
      ? { title: "Question not found", text: "It may have been deleted, or hidden by moderators.", mount }
      : { title: "This question could not be loaded", text: errorMessage(err), mount });
    return;
  }
  if (user) await addMine(q, user);
  if (user) {
    // Which of these the user has reported already (their reports stay open until a moderator acts).
    try {
      for (const r of await myOpenReports(id)) markReported(r.answer ? `a:${r.answer}` : `q:${r.question}`);
    } catch {
      // not essential: the server refuses a second report anyway
    }
  }

  const hiddenBox = h("div");
  const cardBox = h("div");
  const statsBox = h("section", { class: "ratings", "aria-labelledby": "ratings-h" });
  const answersBox = h("section", { "aria-labelledby": "answers-h" });
  if (!mount(hiddenBox, backLink(id), cardBox, statsBox, answersBox)) return; // the user has moved on

  const drawHidden = () => hiddenBox.replaceChildren(...[q.hidden ? hiddenNotice(q, onRestored) : null].filter(Boolean));

  async function onRestored() {
    await refreshQuestion();
    const done = h("p", { class: "item-note ok standalone", role: "status", tabindex: "-1" }, "Restored: everyone can see this question again.");
    hiddenBox.replaceChildren(done);
    done.focus();
    loadAnswers(shownPage);
  }

  const drawCard = () => cardBox.replaceChildren(...[card(q, {
    link: false,
    extra: [h("span", { class: "asked" }, "asked ", when(q.created)), " · ",
      ...(q.edited ? [h("span", { class: "edited" }, "edited ", when(q.edited)), " · "] : [])],
    get: () => q,
    onChange: (next) => { q = next; drawCard(); loadAnswers(1); },
    refresh: reloadQuestion,
  }), ownQuestionTools(), ownAnswerTools()].filter(Boolean));

  function ownQuestionTools() {
    if (!user || q.author.id !== user.id) return null;
    return h("p", { class: "owner-tools" }, "You asked this question. ",
      h("a", { href: `/questions/${q.id}/edit`, "data-action": "edit" }, "Edit question"));
  }

  function ownAnswerTools() {
    if (!q.myAnswer || !q.myAnswer.id) return null;
    return h("p", { class: "mycomment" },
      q.myAnswer.hidden
        ? `Moderators hid your answer${q.myAnswer.hidden_reason ? ` (${q.myAnswer.hidden_reason})` : ""}: only you and moderators see it, and it doesn't count in the ranking.`
        : "You answered this question.",
      h("button", { type: "button", class: "ghost", onclick: async () => {
        try {
          await withdrawAnswer(q.myAnswer);
          // A hidden answer was never counted: withdrawing it changes nothing.
          const counted = q.myAnswer.hidden ? 0 : 1;
          q = { ...q, myAnswer: null, answers: q.answers - counted, ranking: q.ranking - 10 * counted };
          drawCard();
          sayAtCard(q.id, "Your answer was withdrawn.", "ok");
          loadAnswers(1);
        } catch (err) {
          sayAtCard(q.id, errorMessage(err), "error");
        }
      } }, "Withdraw my answer"));
  }

  let shownPage = 1;
  async function loadAnswers(page) {
    loadStats();
    try {
      const res = await pb.collection("answers").getList(page, perPage, {
        filter: pb.filter("question = {:q}", { q: id }), sort: "-created,id", expand: "author",
      });
      shownPage = page;
      answersBox.replaceChildren(...[
        h("h2", { id: "answers-h" }, `Answers (${res.totalItems})`),
        res.items.length
          ? h("ul", { class: "answers" }, res.items.map((a) => answerItem(a)))
          : h("p", {}, "No answers yet."),
        res.totalPages > 1 ? h("nav", { class: "pager", "aria-label": "Answer pages" },
          h("button", { type: "button", class: "ghost", disabled: page <= 1 ? true : undefined, onclick: () => loadAnswers(page - 1) }, "Newer"),
          h("span", {}, `Page ${page} of ${res.totalPages}`),
          h("button", { type: "button", class: "ghost", disabled: page >= res.totalPages ? true : undefined, onclick: () => loadAnswers(page + 1) }, "Older")) : null,
      ].filter(Boolean));
    } catch (err) {
      notice(errorMessage(err), "error");
    }
  }

  function answerItem(a) {
    const key = `a:${a.id}`;
    const who = a.expand?.author?.name || a.expand?.author?.username || "someone";
    const own = user && a.author === user.id;
    const stars = `${a.value} of 5 stars`;
    const find = (action) => () => document.querySelector(`li[data-answer="${CSS.escape(a.id)}"] [data-action="${action}"]`);
    let tools = null;
    if (a.hidden && isModerator()) {
      tools = h("button", { type: "button", class: "ghost small", "data-action": "restore", onclick: () => openReasonDialog({
        title: "Restore this answer?",
        lead: "Everyone will see it again, and it counts in the question's ranking.",
        summary: `${who}: ${"★".repeat(a.value)}${a.comment ? " — " + a.comment : ""}`,
        label: "Reason (goes in the moderation log)",
        prefill: "Reviewed: it keeps to the rules.",
        confirm: "Restore answer",
        find: find("restore"),
        onConfirm: async (reason) => {
          try {
            await act({ action: "restore", question: id, answer: a.id, reason });
          } catch (err) {
            throw actionError(err);
          }
        },
        after: async () => {
          await refreshQuestion();
          await loadAnswers(shownPage);
          showNote(key, { text: "Restored: everyone can see this answer again.", kind: "ok" });
          document.querySelector(`li[data-answer="${CSS.escape(a.id)}"]`)?.focus();
        },
      }) }, "Restore");
    } else if (!own && !a.hidden) {
      tools = reportButton({ key, what: "answer", question: id, answer: a.id, summary: `${who}: ${stars}${a.comment ? " — " + a.comment : ""}` }, find("report"));
    }
    return h("li", { "data-answer": a.id, class: a.hidden ? "is-hidden" : "", tabindex: "-1" },
      a.hidden ? h("p", { class: "hidden-mark" }, h("strong", {}, "Hidden by moderators"), a.hidden_reason ? `: ${a.hidden_reason}` : "") : null,
      h("div", { class: "answer-head" },
        h("span", { class: "who" }, who),
        h("span", { class: "shown", role: "img", "aria-label": stars }, "★".repeat(a.value) + "☆".repeat(5 - a.value)),
        h("span", { class: "answered" }, "answered ", when(a.created)),
        a.updated && gap(a.created, a.updated) ? h("span", { class: "answered" }, "changed ", when(a.updated)) : null),
      a.comment ? h("p", { class: "mycomment" }, a.comment) : null,
      h("div", { class: "item-foot" }, noteBox(key), tools));
  }

  // loadStats draws the average and the spread of the stars: one request
  // for every counted answer's value (fields=value), up to 1,000 of them.
  let statsSeq = 0;
  async function loadStats() {
    const seq = ++statsSeq;
    const total = q.answers;
    if (!total) {
      drawStats(statsBox, [], 0);
      return;
    }
    try {
      const res = await pb.collection("answers").getList(1, Math.min(1000, total), {
        filter: pb.filter("question = {:q} && hidden = false", { q: id }), fields: "value", skipTotal: true, sort: "-created",
      });
      if (seq === statsSeq) drawStats(statsBox, res.items.map((a) => a.value), total);
    } catch {
      if (seq === statsSeq) statsBox.replaceChildren();
    }
  }

  // reloadQuestion reloads the question and the user's own vote and answer
  // after a refusal, in place: the card's message stays where it was said.
  async function reloadQuestion() {
    try {
      const rec = await pb.collection("questions").getOne(id, { expand: "author" });
      const next = toCard(rec);
      if (user) await addMine(next, user);
      q = next;
      drawHidden();
      drawCard();
      loadAnswers(shownPage);
    } catch {
      // the card keeps what it showed; the message at it says why
    }
  }

  // refreshQuestion reloads the counts after a moderator's action.
  async function refreshQuestion() {
    try {
      const rec = await pb.collection("questions").getOne(id, { expand: "author" });
      q = { ...q, ...toCard(rec), myVote: q.myVote, myAnswer: q.myAnswer };
      drawHidden();
      drawCard();
    } catch {
      // the list below still shows what changed
    }
  }

  drawHidden();
  drawCard();
  await loadAnswers(1);
}

// hiddenNotice tells the author (or a moderator) that moderators hid the
// question, and why; moderators can restore it from here.
function hiddenNotice(q, onRestored) {
  const user = me();
  const own = user && q.author.id === user.id;
  const restore = isModerator()
    ? h("button", { type: "button", class: "ghost small", "data-action": "restore-question", onclick: () => openReasonDialog({
        title: "Restore this question?",
        lead: "Everyone will see it again, and it can return to the top questions.",
        summary: q.title,
        label: "Reason (goes in the moderation log)",
        prefill: "Reviewed: it keeps to the rules.",
        confirm: "Restore question",
        find: () => document.querySelector('[data-action="restore-question"]'),
        onConfirm: async (reason) => {
          try {
            await act({ action: "restore", question: q.id, reason });
          } catch (err) {
            throw actionError(err);
          }
        },
        after: onRestored,
      }) }, "Restore")
    : null;
  return h("section", { class: "hidden-notice", "aria-labelledby": "hidden-h" },
    h("h2", { id: "hidden-h" }, "Hidden by moderators", q.hidden_reason ? `: ${q.hidden_reason}` : ""),
    h("p", {}, own
      ? "Only you and moderators can see this question. It doesn't appear in the top questions, and nobody can answer or vote on it."
      : "Only its author and moderators can see this question. It doesn't appear in the top questions."),
    restore);
}

// drawStats shows the average stars and how many answers gave each value,
// 5 down to 1: a bar for the eye, the count in words for everyone.
function drawStats(box, values, total) {
  const heading = h("h2", { id: "ratings-h" }, "Ratings");
  if (!values.length) {
    box.replaceChildren(heading, h("p", { class: "muted" }, "No ratings yet: be the first to choose some stars."));
    return;
  }
  const counts = [0, 0, 0, 0, 0, 0];
  for (const v of values) counts[v] += 1;
  const n = values.length;
  const avg = values.reduce((a, b) => a + b, 0) / n;
  const avgText = avg.toLocaleString("en-GB", { maximumFractionDigits: 1, minimumFractionDigits: 1 });
  const most = Math.max(...counts);
  box.replaceChildren(heading,
    h("div", { class: "ratings-body" },
      h("p", { class: "avg" },
        h("span", { class: "avg-n" }, avgText),
        h("span", { class: "avg-of" }, " out of 5"),
        h("span", { class: "avg-stars", role: "img", "aria-label": `about ${Math.round(avg)} of 5 stars` }, "★".repeat(Math.round(avg)) + "☆".repeat(5 - Math.round(avg))),
        h("span", { class: "avg-count" }, `from ${n === 1 ? "1 rating" : `${n} ratings`}${total > n ? ` (the latest ${n} of ${total})` : ""}`)),
      h("ul", { class: "spread", "aria-label": "How many ratings gave each number of stars" },
        [5, 4, 3, 2, 1].map((v) => h("li", {},
          h("span", { class: "spread-label" }, `${v} ${v === 1 ? "star" : "stars"}`),
          h("span", { class: "spread-bar", "aria-hidden": "true" }, barFill(most ? Math.round((counts[v] / most) * 100) : 0)),
          h("span", { class: "spread-n" }, h("span", { class: "sr-only" }, ": "), counts[v] === 1 ? "1 rating" : `${counts[v]} ratings`))))));
}

// barFill is a bar's filled part; its width is set through the CSSOM,
// which the Content-Security-Policy allows (a style attribute it refuses).
function barFill(percent) {
  const fill = h("span");
  fill.style.width = `${percent}%`;
  return fill;
}

// when is a date as people say it ("3 hours ago", "1 Dec 2026"), with the
// exact time in the tooltip and in the markup.
function when(iso) {
  const d = parseDate(iso);
  if (!d) return "";
  const secs = (Date.now() - d.getTime()) / 1000;
  let text;
  if (secs < 60) text = "just now";
  else if (secs < 3600) text = plural(Math.floor(secs / 60), "minute") + " ago";
  else if (secs < 86400) text = plural(Math.floor(secs / 3600), "hour") + " ago";
  else if (secs < 7 * 86400) text = plural(Math.floor(secs / 86400), "day") + " ago";
  else text = d.toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric" });
  const full = d.toLocaleString("en-GB", { day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit" });
  return h("time", { datetime: d.toISOString(), title: full }, text);
}

const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

function parseDate(iso) {
  if (!iso) return null;
  const d = new Date(String(iso).replace(" ", "T"));
  return Number.isNaN(d.getTime()) ? null : d;
}

// gap says whether two times are more than a minute apart (an edit, not
// the same save).
function gap(a, b) {
  const x = parseDate(a);
  const y = parseDate(b);
  return x && y && Math.abs(y - x) > 60 * 1000;
}

// Where the user came from: a click on a link to a question (from any list
// or page of the app) remembers the page it was on, so the question's
// "Back" link returns there, to the same place in history when it can.
const fromKey = "rollcall:from";
document.addEventListener("click", (event) => {
  const a = event.target.closest?.("a[href]");
  if (!a) return;
  const url = new URL(a.href, window.location.href);
  if (url.origin !== window.location.origin || !/^\/questions\/[a-z0-9]+$/.test(url.pathname)) return;
  if (url.pathname === window.location.pathname) return;
  try {
    sessionStorage.setItem(fromKey, JSON.stringify({ to: url.pathname, from: window.location.pathname + window.location.search }));
  } catch {
    // private mode: the link falls back to the top questions
  }
}, true);

function backLink(id) {
  let from = null;
  try {
    const saved = JSON.parse(sessionStorage.getItem(fromKey) || "null");
    if (saved && saved.to === `/questions/${id}` && typeof saved.from === "string" && saved.from.startsWith("/") && !saved.from.startsWith("//")) from = saved.from;
  } catch {
    // nothing remembered
  }
  const path = from || "/";
  const text = backText(path);
  const a = h("a", { href: path, class: "back-link" }, h("span", { "aria-hidden": "true" }, "← "), text);
  if (from && window.history.length > 1) {
    // The page before this one in history is that list: going back there
    // keeps its scroll position and tab.
    a.addEventListener("click", (event) => {
      if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      window.history.back();
    });
  }
  return h("nav", { class: "back", "aria-label": "Back" }, a);
}

function backText(path) {
  const p = path.split("?")[0];
  if (p === "/") return "Back to the top questions";
  if (p === "/questions") return new URLSearchParams(path.split("?")[1] || "").get("q") ? "Back to the search results" : "Back to the questions";
  if (p === "/mine") return "Back to my questions";
  if (p === "/moderation") return "Back to moderation";
  if (p.startsWith("/u/")) return "Back to the profile";
  if (p.startsWith("/questions/")) return "Back to the previous question";
  return "Back";
}

function toCard(rec) {
  return {
    id: rec.id, title: rec.title, description: rec.description,
    author: { id: rec.author, name: rec.expand?.author?.name || "", username: rec.expand?.author?.username || "" },
    answers: rec.answers, likes: rec.likes, dislikes: rec.dislikes, ranking: rec.ranking, today: rec.today,
    created: rec.created, updated: rec.updated, edited: rec.edited || "", myVote: null, myAnswer: null,
    hidden: !!rec.hidden, hidden_reason: rec.hidden_reason || "",
  };
}

async function addMine(q, user) {
  const filter = pb.filter("question = {:q} && author = {:u}", { q: q.id, u: user.id });
  const [votes, answers] = await Promise.all([
    pb.collection("votes").getList(1, 1, { filter, skipTotal: true }),
    pb.collection("answers").getList(1, 1, { filter, skipTotal: true }),
  ]);
  if (votes.items[0]) q.myVote = { id: votes.items[0].id, kind: votes.items[0].kind };
  const a = answers.items[0];
  if (a) q.myAnswer = { id: a.id, value: a.value, comment: a.comment, hidden: !!a.hidden, hidden_reason: a.hidden_reason || "" };
}
