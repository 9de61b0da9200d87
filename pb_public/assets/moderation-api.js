// Reports and moderation: the calls the report dialog and the moderation
// page make, and the page's own words for the server's refusals.
import { pb, me } from "./api.js";

// The reasons a user can give, in the order the dialog lists them.
export const reasons = [
  ["spam", "Spam"],
  ["abuse", "Rude or abusive"],
  ["off_topic", "Off-topic"],
  ["personal_info", "Shares someone's personal information"],
  ["other", "Something else"],
];

export function reasonLabel(value) {
  return reasons.find(([v]) => v === value)?.[1] || "Something else";
}

export function isModerator() {
  return !!me()?.moderator;
}

// refreshMe reloads the signed-in user's record, so a moderator flag set
// since they signed in counts at once. A failure keeps what we had.
export async function refreshMe() {
  if (!me()) return null;
  try {
    await pb.collection("users").authRefresh();
  } catch {
    // offline or the token expired: the server's rules still decide
  }
  return me();
}

// report sends a report on a question, or on one of its answers.
export async function report({ question, answer, reason, note }) {
  const body = { question, reason };
  if (answer) body.answer = answer;
  if (note) body.note = note;
  return pb.collection("reports").create(body);
}

// myOpenReports lists the signed-in user's open reports on a question (and
// its answers): which Report buttons say "Reported".
export async function myOpenReports(question) {
  const user = me();
  if (!user) return [];
  return pb.collection("reports").getFullList({
    filter: pb.filter("reporter = {:u} && question = {:q} && status = 'open'", { u: user.id, q: question }),
    fields: "id,question,answer",
  });
}

// The queue and the hidden list load this many at a time, and more on
// request: a wave of reports must not load thousands of items at once.
export const batch = 200;
// maxLoaded is PocketBase's largest page: past it, deal with what is shown.
export const maxLoaded = 1000;

// openReports is the oldest `limit` open reports with the items in context,
// and how many are open in all.
export async function openReports(limit = batch) {
  const page = await pb.collection("reports").getList(1, limit, {
    filter: "status = 'open'",
    sort: "created,id",
    expand: "question,question.author,answer,answer.author,reporter",
  });
  return { items: page.items, total: page.totalItems };
}

// hiddenItems is the `limit` most recently hidden questions and answers,
// and how many are hidden in all.
export async function hiddenItems(limit = batch) {
  const list = (collection, expand) => pb.collection(collection).getList(1, limit, { filter: "hidden = true", sort: "-updated,id", expand });
  const [questions, answers] = await Promise.all([list("questions", "author"), list("answers", "author,question")]);
  return { questions: questions.items, answers: answers.items, total: questions.totalItems + answers.totalItems };
}

// hiddenCount is how many questions and answers are hidden.
export async function hiddenCount() {
  const count = (collection) => pb.collection(collection).getList(1, 1, { filter: "hidden = true", fields: "id" }).then((p) => p.totalItems);
  const [questions, answers] = await Promise.all([count("questions"), count("answers")]);
  return questions + answers;
}

// log is one page of the moderation log, newest first.
export async function log(page, perPage = 25) {
  return pb.collection("moderation_actions").getList(page, perPage, {
    sort: "-created,id",
    expand: "moderator,question,answer,report",
  });
}

// act records a moderator's action (hide, restore or dismiss); the server
// applies it in the same transaction.
export async function act({ action, question, answer, report, reason }) {
  const body = { action, question, reason };
  if (answer) body.answer = answer;
  if (report) body.report = report;
  return pb.collection("moderation_actions").create(body);
}

// dismissAll dismisses an item's open reports: one action, then more only
// for reports the first left open.
export async function dismissAll({ question, answer, reports, reason }) {
  let open = [...reports];
  while (open.length) {
    const first = open[0];
    await act({ action: "dismiss", question, answer, report: first, reason });
    const still = await pb.collection("reports").getFullList({
      filter: pb.filter("status = 'open' && question = {:q} && answer = {:a}", { q: question, a: answer || "" }),
      fields: "id",
    });
    const ids = new Set(still.map((r) => r.id));
    open = open.filter((id) => id !== first && ids.has(id));
  }
}

// reportError says why a report was refused, in the page's words.
export function reportError(err, what) {
  const status = err?.status ?? 0;
  const data = err?.response?.data || {};
  const codes = Object.values(data).map((d) => d?.code || "");
  const text = Object.values(data).map((d) => d?.message || "").join(" ");
  if (status === 0) return "Rollcall could not be reached. Check your connection and try again.";
  if (status === 401) return "Your session has ended. Sign in again to report.";
  if (status === 403) return "Verify your email address to report.";
  if (status === 429) return "You have sent a lot of reports in a short time. Please wait a minute and try again.";
  if (codes.includes("validation_already_reported") || /already reported/i.test(text)) return `You have already reported this ${what}. Moderators will take a look.`;
  if (codes.includes("validation_own_item")) return `You can't report your own ${what}.`;
  if (data.note) return "The note is too long: keep it under 500 characters.";
  if (data.reason) return "Choose what's wrong with it.";
  if (status === 404 || data.question || data.answer) return `This ${what} is no longer available.`;
  return "Your report could not be sent. Please try again.";
}

// actionError says why a moderator's action was refused.
export function actionError(err) {
  const status = err?.status ?? 0;
  if (status === 0) return "Rollcall could not be reached. Check your connection and try again.";
  if (status === 401 || status === 403) return "Only moderators can do this. Sign in again if you are one.";
  if (err?.response?.data?.reason) return "Give a reason of up to 500 characters.";
  if (status === 404) return "This item is no longer there; the list has been refreshed.";
  return "That didn't work. Please try again.";
}
