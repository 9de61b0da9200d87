// One question with every answer (newest first, paginated); the user's own
// answer is editable and can be withdrawn.
import { h, pageMount, notice } from "../dom.js";
import { pb, me, withdrawAnswer, errorMessage } from "../api.js";
import { card } from "./card.js";

const perPage = 10;

export async function questionView(id) {
  const mount = pageMount();
  const user = me();
  let q;
  try {
    const rec = await pb.collection("questions").getOne(id, { expand: "author" });
    q = toCard(rec);
  } catch (err) {
    mount(h("h1", {}, "Question not found"), h("p", {}, errorMessage(err)), h("a", { href: "/" }, "Back to the top questions"));
    return;
  }
  if (user) await addMine(q, user);

  const cardBox = h("div");
  const answersBox = h("section", { "aria-labelledby": "answers-h" });
  if (!mount(cardBox, answersBox)) return; // the user has moved on

  const drawCard = () => cardBox.replaceChildren(...[card(q, {
    link: false,
    get: () => q,
    onChange: (next) => { q = next; drawCard(); loadAnswers(1); },
    refresh: () => questionView(id),
  }), ownAnswerTools()].filter(Boolean));

  function ownAnswerTools() {
    if (!q.myAnswer || !q.myAnswer.id) return null;
    return h("p", { class: "mycomment" }, "You answered this question.",
      h("button", { type: "button", class: "ghost", onclick: async () => {
        try {
          await withdrawAnswer(q.myAnswer);
          q = { ...q, myAnswer: null, answers: q.answers - 1, ranking: q.ranking - 10 };
          notice("Your answer was withdrawn.");
          drawCard();
          loadAnswers(1);
        } catch (err) {
          notice(errorMessage(err), "error");
        }
      } }, "Withdraw my answer"));
  }

  async function loadAnswers(page) {
    try {
      const res = await pb.collection("answers").getList(page, perPage, {
        filter: pb.filter("question = {:q}", { q: id }), sort: "-created,id", expand: "author",
      });
      answersBox.replaceChildren(...[
        h("h2", { id: "answers-h" }, `Answers (${res.totalItems})`),
        res.items.length
          ? h("ul", { class: "answers" }, res.items.map((a) => h("li", { "data-answer": a.id },
              h("span", { class: "who" }, a.expand?.author?.name || a.expand?.author?.username || "someone"), " · ",
              h("span", { class: "shown", "aria-label": `${a.value} of 5 stars` }, "★".repeat(a.value) + "☆".repeat(5 - a.value)),
              a.comment ? h("p", { class: "mycomment" }, a.comment) : null)))
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

  drawCard();
  await loadAnswers(1);
}

function toCard(rec) {
  return {
    id: rec.id, title: rec.title, description: rec.description,
    author: { id: rec.author, name: rec.expand?.author?.name || "", username: rec.expand?.author?.username || "" },
    answers: rec.answers, likes: rec.likes, dislikes: rec.dislikes, ranking: rec.ranking, today: rec.today,
    created: rec.created, myVote: null, myAnswer: null,
  };
}

async function addMine(q, user) {
  const filter = pb.filter("question = {:q} && author = {:u}", { q: q.id, u: user.id });
  const [votes, answers] = await Promise.all([
    pb.collection("votes").getList(1, 1, { filter, skipTotal: true }),
    pb.collection("answers").getList(1, 1, { filter, skipTotal: true }),
  ]);
  if (votes.items[0]) q.myVote = { id: votes.items[0].id, kind: votes.items[0].kind };
  if (answers.items[0]) q.myAnswer = { id: answers.items[0].id, value: answers.items[0].value, comment: answers.items[0].comment };
}

