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

// A refused write tells the page (app.js shows why in the verification
// banner) when the server requires a verified address this user lacks.
pb.afterSend = (response, data) => {
  if (response.status === 403 && me() && !me().verified) {
    window.dispatchEvent(new CustomEvent("rollcall:verify-needed"));
  }
  return data;
};

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
  if (err?.status === 429) return tooMany;
  if (err?.status === 0) return offline;
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

// Accounts: what this server offers (mail, require-verified), and the
// words for the answers PocketBase's auth gives.

export const noMail = "This server can't send email yet — ask the site's administrators.";
export const tooMany = "That's too many tries in a few minutes — wait a few minutes and try again.";
export const offline = "Rollcall can't be reached — check your connection and try again.";

// accountOptions is GET /api/account/options: {mail, requireVerified}. A
// server that does not say is taken to send mail and not to require
// verified addresses (it refuses plainly if it cannot).
export async function accountOptions() {
  try {
    const o = await pb.send("/api/account/options", { method: "GET" });
    return { mail: o?.mail !== false, requireVerified: o?.requireVerified === true };
  } catch {
    return { mail: true, requireVerified: false };
  }
}

// mailRefusal is the page's words for a request that would send mail and
// was refused (503: no mail; 429: too many), or "" for anything else.
export function mailRefusal(err) {
  if (err?.status === 503) return noMail;
  if (err?.status === 429) return tooMany;
  return "";
}

// tokenPayload reads the claims of a PocketBase token (a JWT) without
// checking its signature: the server checks it when the token is used.
export function tokenPayload(token) {
  try {
    const part = String(token).split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const json = new TextDecoder().decode(Uint8Array.from(atob(part.padEnd(part.length + ((4 - (part.length % 4)) % 4), "=")), (c) => c.charCodeAt(0)));
    const claims = JSON.parse(json);
    return claims && typeof claims === "object" ? claims : {};
  } catch {
    return {};
  }
}

// tokenExpired says whether a token's exp has passed (or it has none).
export function tokenExpired(claims) {
  return !claims.exp || claims.exp * 1000 <= Date.now();
}

// fieldCode is the validation code PocketBase gave for one field, or "".
export function fieldCode(err, field) {
  return err?.response?.data?.[field]?.code || "";
}

// signOutEverywhere ends every session of the signed-in user (their tokens
// stop working), then forgets this one.
export async function signOutEverywhere() {
  await pb.send("/api/account/sign-out-everywhere", { method: "POST" });
  pb.authStore.clear();
}

// Every question, a page at a time: sort is top, newest, unanswered or
// answered; q (optional) searches titles and descriptions. Cards are shaped
// like the home page's. A search term too short is refused with 400 and
// data.q.message.
export async function listQuestions({ sort = "top", page = 1, perPage = 20, q = "" } = {}) {
  const params = new URLSearchParams({ sort, page: String(page), perPage: String(perPage) });
  if (q) params.set("q", q);
  return pb.send(`/api/questions?${params}`, { method: "GET" });
}

// A person's public profile: name, username, when they joined, their
// questions and answers (never an email). 404 for an unknown username.
export async function getProfile(username) {
  return pb.send(`/api/profiles/${encodeURIComponent(username)}`, { method: "GET" });
}
