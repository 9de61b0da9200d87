// The valuation pages' calls beyond the list and the property (api.js has
// those): suggestions, facets, statistics, changes, the run log and the
// superuser's scrape trigger. Each takes a URLSearchParams of the API's own
// parameters only (the API refuses unknown ones).
import { pb, tokenPayload, tokenExpired } from "../api.js";

const get = (path, params) => pb.send(params && String(params) ? `${path}?${params}` : path, { method: "GET" });

export const suggest = (params) => get("/api/valuations/suggest", params);
export const facets = (params) => get("/api/valuations/facets", params);
export const stats = (params) => get("/api/valuations/stats", params);
export const changes = (params) => get("/api/valuations/changes", params);
export const runs = (limit = 1) => get("/api/valuations/runs", new URLSearchParams({ limit: String(limit) }));

// The dashboard (/_/) keeps its superuser session in this origin's
// localStorage under this key (PocketBase's UI: "__pb_superusers__" + its
// path). The page reuses it rather than asking a superuser to sign in twice.
const dashboardKey = "__pb_superusers__/_";

// superuserToken is the dashboard's token when a superuser is signed in
// there in this browser and the token has not expired, else "".
export function superuserToken() {
  let saved;
  try {
    saved = JSON.parse(window.localStorage.getItem(dashboardKey) || "null");
  } catch {
    return "";
  }
  const token = saved?.token || "";
  if (!token) return "";
  const claims = tokenPayload(token);
  if (claims.type !== "auth" || tokenExpired(claims)) return "";
  const record = saved.record || saved.model || {};
  return record.collectionName === "_superusers" || claims.collectionId === "pbc_3142635823" ? token : "";
}

// startScrape is POST /api/valuations/scrape as the dashboard's superuser:
// {run, resumed}, or a 409 while another run holds the lease.
export function startScrape(token) {
  return pb.send("/api/valuations/scrape", { method: "POST", body: {}, headers: { Authorization: token } });
}
