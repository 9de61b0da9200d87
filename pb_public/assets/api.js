// The PocketBase client and the few calls the pages make.
import PocketBase from "./vendor/pocketbase.es.mjs";

export const pb = new PocketBase(window.location.origin);
// Pages fire overlapping requests on purpose (realtime refreshes, clicks);
// the SDK would cancel the earlier of two identical ones.
pb.autoCancellation(false);

export const points = { answer: 10, like: 5, dislike: -3, today: 10 };

export function ranking(q) {
  return points.answer * q.answers + points.like * q.likes + points.dislike * q.dislikes + (q.today ? points.today : 0);
}

export function me() {
  const rec = pb.authStore.record;
  return pb.authStore.isValid && rec && rec.collectionName === "users" ? rec : null;
}

export async function topQuestions() {
  return pb.send("/api/questions/top", { method: "GET" });
}

export async function vote(question, current, kind) {
  if (current && current.kind === kind) {
    await pb.collection("votes").delete(current.id); // clicking your active vote withdraws it
    return null;
  }
  if (current) {
    const rec = await pb.collection("votes").update(current.id, { kind });
    return { id: rec.id, kind: rec.kind };
  }
  const rec = await pb.collection("votes").create({ question, kind });
  return { id: rec.id, kind: rec.kind };
}

export async function answer(question, current, value, comment) {
  const body = { value };
  if (comment !== undefined) body.comment = comment;
  const rec = current
    ? await pb.collection("answers").update(current.id, body)
    : await pb.collection("answers").create({ question, ...body });
  return { id: rec.id, value: rec.value, comment: rec.comment };
}

export async function withdrawAnswer(current) {
  await pb.collection("answers").delete(current.id);
}

// errorMessage is the server's message, with field details when there are any.
export function errorMessage(err) {
  const data = err?.response?.data || {};
  const details = Object.values(data).map((d) => d.message).filter(Boolean);
  return details.length ? details.join(" ") : err?.response?.message || err?.message || "Something went wrong.";
}

// The valuation roll's endpoints. Each takes a URLSearchParams of the API's
// own parameters only (the API refuses unknown ones).
export async function listValuations(params) {
  return pb.send(`/api/valuations?${params}`, { method: "GET" });
}

export async function getValuation(id) {
  return pb.send(`/api/valuations/${encodeURIComponent(id)}`, { method: "GET" });
}

export async function scrapeStatus() {
  return pb.send("/api/status", { method: "GET" });
}

// The CSV export of a search (every matching row): a link's address.
export function valuationsCsvURL(params) {
  const qs = params.toString();
  return qs ? `/api/valuations/export?${qs}` : "/api/valuations/export";
}
