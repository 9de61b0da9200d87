// A person's public profile, /u/<username>: their name, @username, when
// they joined, the questions they asked and the answers they gave (each
// linking to its question). Never their email. An unknown username gets
// the app's "Page not found".
import { h, pageMount, notice, setTitle } from "../dom.js";
import { getProfile, errorMessage } from "../api.js";
import { notFoundView } from "./soon.js";
import { when } from "./valuations-format.js";
import { displayName } from "./people.js";

const starWords = ["very low", "low", "medium", "high", "very high"];

export async function profileView(username) {
  const mount = pageMount();
  setTitle(`@${username}`);
  let p;
  try {
    p = await getProfile(username);
  } catch (err) {
    if (err?.status === 404) {
      if (mount(h("p", {}))) { // still this page: say it isn't there
        setTitle("Page not found");
        notFoundView();
      }
      return;
    }
    if (mount(h("h1", {}, `@${username}`), h("p", { class: "ql-empty" }, "This profile couldn't be loaded. ",
      h("a", { href: window.location.pathname }, "Try again")))) notice(errorMessage(err), "error");
    return;
  }
  const name = displayName(p);
  const questions = p.questions || [];
  const answers = p.answers || [];
  const nQuestions = p.counts?.questions ?? questions.length;
  const nAnswers = p.counts?.answers ?? answers.length;
  setTitle(p.name ? `${p.name} (@${p.username})` : `@${p.username}`);

  const initial = (name.trim()[0] || "?").toUpperCase();
  mount(h("div", { class: "profile", "data-username": p.username },
    h("header", { class: "profile-head" },
      h("span", { class: "avatar", "aria-hidden": "true" }, initial),
      h("div", {},
        h("h1", { id: "profile-name" }, name),
        h("p", { class: "handle" }, `@${p.username}`),
        // The counts head the two lists below.
        p.created ? h("p", { class: "profile-facts" }, h("span", { "data-joined": "" }, "Joined ", when(p.created, true))) : null)),
    h("div", { class: "profile-cols" },
      section("p-questions", "Questions", nQuestions, questions.length,
        questions.length ? h("ul", { class: "plist", "aria-labelledby": "p-questions" }, questions.map(questionRow))
          : h("p", { class: "ql-empty" }, `${name} hasn't asked anything yet.`)),
      section("p-answers", "Answers", nAnswers, answers.length,
        answers.length ? h("ul", { class: "plist", "aria-labelledby": "p-answers" }, answers.map(answerRow))
          : h("p", { class: "ql-empty" }, `${name} hasn't answered anything yet.`)))));
}

// section is one list; when the server sent only the latest, it says so.
function section(id, label, total, shown, body) {
  return h("section", { class: "psection", "aria-labelledby": id },
    h("h2", { id }, label, " ", h("span", { class: "count" }, `(${total})`)),
    shown < total ? h("p", { class: "pnote" }, `The latest ${shown} of ${total}, newest first.`) : null,
    body);
}

function questionRow(q) {
  const answers = q.answers ?? 0;
  return h("li", { "data-id": q.id },
    h("a", { class: "ptitle", href: `/questions/${encodeURIComponent(q.id)}` }, q.title),
    h("p", { class: "pmeta" },
      h("span", { class: "badge" }, `${q.ranking ?? 0} pts`),
      h("span", {}, `${answers} ${answers === 1 ? "answer" : "answers"}`),
      q.likes ? h("span", {}, `${q.likes} ${q.likes === 1 ? "like" : "likes"}`) : null,
      q.created ? h("span", {}, "asked ", when(q.created, true)) : null));
}

function answerRow(a) {
  const v = Math.max(0, Math.min(5, Number(a.value) || 0));
  const q = a.question || {};
  return h("li", { "data-id": a.id },
    h("p", { class: "pstars" },
      h("span", { class: "shown", role: "img", "aria-label": `${v} of 5 stars${v ? ` (${starWords[v - 1]})` : ""}` }, "★".repeat(v) + "☆".repeat(5 - v)),
      " on ",
      q.id ? h("a", { class: "ptitle", href: `/questions/${encodeURIComponent(q.id)}` }, q.title || "a question") : h("span", {}, "a question")),
    a.comment ? h("p", { class: "pcomment" }, a.comment) : null,
    a.created ? h("p", { class: "pmeta" }, h("span", {}, "answered ", when(a.created, true))) : null);
}
