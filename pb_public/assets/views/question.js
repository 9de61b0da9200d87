// One question with every answer (newest first, paginated); the user's own
// answer is editable and can be withdrawn. Other people's question and
// answers can be reported; what moderators hid is marked for the few who
// still see it (its author and moderators), and moderators can restore it.
import { h, pageMount, notice, setTitle } from "../dom.js";
import { pb, me, withdrawAnswer, errorMessage } from "../api.js";
import { card } from "./card.js";
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
    const gone = err?.status === 404;
    setTitle("Question not found");
    mount(
      h("h1", {}, gone ? "Question not found" : "This question could not be loaded"),
      h("p", {}, gone ? "It may have been deleted, or hidden by moderators." : errorMessage(err)),
      h("a", { href: "/" }, "Back to the top questions"));
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
  const answersBox = h("section", { "aria-labelledby": "answers-h" });
  if (!mount(hiddenBox, cardBox, answersBox)) return; // the user has moved on

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
    get: () => q,
    onChange: (next) => { q = next; drawCard(); loadAnswers(1); },
    refresh: () => questionView(id),
  }), ownAnswerTools()].filter(Boolean));

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
          notice("Your answer was withdrawn.");
          drawCard();
          loadAnswers(1);
        } catch (err) {
          notice(errorMessage(err), "error");
        }
      } }, "Withdraw my answer"));
  }

  let shownPage = 1;
  async function loadAnswers(page) {
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
      h("span", { class: "who" }, who), " · ",
      h("span", { class: "shown", role: "img", "aria-label": stars }, "★".repeat(a.value) + "☆".repeat(5 - a.value)),
      a.comment ? h("p", { class: "mycomment" }, a.comment) : null,
      h("div", { class: "item-foot" }, noteBox(key), tools));
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

function toCard(rec) {
  return {
    id: rec.id, title: rec.title, description: rec.description,
    author: { id: rec.author, name: rec.expand?.author?.name || "", username: rec.expand?.author?.username || "" },
    answers: rec.answers, likes: rec.likes, dislikes: rec.dislikes, ranking: rec.ranking, today: rec.today,
    created: rec.created, myVote: null, myAnswer: null,
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
