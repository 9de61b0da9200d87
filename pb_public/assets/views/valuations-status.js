// How fresh the roll is (GET /api/status): a one-line summary above the
// results, the whole story at the foot of the page, and on a fresh install
// when the first scrape will run, with "Scrape now" for a superuser signed
// in to the dashboard in this browser, showing the run's progress from the
// run log.
import { h } from "../dom.js";
import { scrapeStatus, errorMessage } from "../api.js";
import { runs, superuserToken, startScrape } from "./valuations-api.js";
import { count, when } from "./valuations-format.js";

// statusPanel returns {line, box, load, stop}: line goes above the
// results, box at the foot; load reads /api/status and paints both;
// onData runs when a scrape this page started ends (new data to show).
export function statusPanel(onData) {
  const line = h("div", { class: "freshness", id: "v-fresh", "data-state": "loading" }, "Loading the data's status…");
  const box = h("section", { class: "scrape-status", id: "v-status-box", "aria-labelledby": "v-status-h", "data-state": "loading" },
    h("h2", { id: "v-status-h" }, "About the data"), h("p", {}, "Loading the scrape status…"));
  let timer = 0;
  let stopped = false;

  async function load() {
    let s;
    try {
      s = await scrapeStatus();
    } catch (err) {
      if (stopped) return null;
      line.replaceChildren("The scrape status is unavailable: ", errorMessage(err));
      line.dataset.state = "error";
      box.replaceChildren(h("h2", { id: "v-status-h" }, "About the data"), h("p", {}, "The scrape status is unavailable: ", errorMessage(err)));
      box.dataset.state = "error";
      return null;
    }
    if (stopped) return null;
    const empty = !s.lastSuccess && !(s.properties?.present > 0);
    line.dataset.state = empty ? "empty" : s.status;
    // On a fresh install Scrape now sits in the line at the top.
    const now = scrapeNow(s);
    line.replaceChildren(...nodes(empty ? [firstScrape(s), now] : freshLine(s)));
    box.replaceChildren(...nodes([h("h2", { id: "v-status-h" }, "About the data"), statusLines(s), empty ? null : now]));
    box.dataset.state = s.status;
    if (s.latestRun?.status === "running" && !timer) watch(null);
    return s;
  }

  // scrapeNow is the superuser's button and its progress line; nothing
  // for anyone else.
  function scrapeNow(s) {
    const token = superuserToken();
    if (!token) return null;
    const said = h("p", { class: "feedback", id: "v-scrape-said", role: "status" });
    const button = h("button", { type: "button", id: "v-scrape-now", disabled: s?.latestRun?.status === "running" }, "Scrape now");
    button.addEventListener("click", async () => {
      button.disabled = true;
      said.className = "feedback";
      said.textContent = "Starting a scrape…";
      try {
        const started = await startScrape(superuserToken() || token);
        said.textContent = started.resumed ? "Resuming the interrupted scrape…" : "The scrape has started…";
        watch(started.run);
      } catch (err) {
        if (err?.status === 409) {
          said.textContent = "A scrape is already running; its progress follows.";
          watch(null);
          return;
        }
        said.className = "feedback error";
        said.textContent = err?.status === 401 || err?.status === 403
          ? "Your dashboard session has ended: sign in at /_/ again, then reload this page."
          : `The scrape could not start: ${errorMessage(err)}`;
        button.disabled = false;
      }
    });
    return h("div", { class: "scrape-now" }, h("p", { class: "meta" }, "You are signed in to the dashboard as a superuser."), button, said);
  }

  // watch polls the run log every 1.5 s while the newest run is running
  // and says its progress; when it ends the page reloads its data.
  function watch(runID) {
    clearTimeout(timer);
    const tick = async () => {
      timer = 0;
      if (stopped) return;
      let run = null;
      try {
        const res = await runs(1);
        run = (res.items || res.runs || res)[0] || null;
      } catch {
        run = null;
      }
      if (stopped) return;
      const said = document.getElementById("v-scrape-said");
      const progress = document.getElementById("v-progress") || h("p", { class: "progress", id: "v-progress", role: "status" });
      if (!progress.isConnected) (said?.parentElement || line).append(progress);
      if (run && (!runID || run.id === runID) && run.status === "running") {
        progress.textContent = `Scraping: ${count(run.rowsSeen || 0, "row", "rows")} seen, ${count(run.partitionsDone || 0, "part", "parts")} of the roll done, ${count(run.requests || 0, "request", "requests")} made.`;
        timer = setTimeout(tick, 1500);
      } else if (run && (!runID || run.id === runID)) {
        progress.textContent = `The scrape ended ${run.status}: ${count(run.rowsSeen || 0, "row", "rows")} seen, ${count(run.rowsNew || 0, "new", "new")}.`;
        const s = await load();
        if (s && onData) onData();
        const p = document.getElementById("v-progress") || progress;
        p.textContent = progress.textContent;
        if (!p.isConnected) (document.getElementById("v-scrape-said")?.parentElement || line).append(p);
      } else {
        timer = setTimeout(tick, 1500); // the run is not in the log yet
      }
    };
    timer = setTimeout(tick, runID ? 300 : 0);
  }

  return { line, box, load, stop: () => { stopped = true; clearTimeout(timer); } };
}

// nodes flattens children for replaceChildren, leaving out the empty ones.
const nodes = (list) => list.flat(Infinity).filter((x) => x !== null && x !== undefined && x !== false && x !== "");

function freshLine(s) {
  const last = s.lastSuccess;
  return [
    h("span", { class: `badge ${s.status === "ok" ? "ok" : "degraded"}`, id: "v-fresh-badge" }, s.status === "ok" ? "up to date" : "may be stale"), " ",
    last ? ["Scraped ", when(last.finished)] : "No whole-roll scrape has finished yet",
    s.properties ? ` · ${count(s.properties.present, "property", "properties")}` : "",
    s.latestRun?.status === "running" ? " · a scrape is running" : "",
    " · ", h("a", { href: "#v-status-box" }, "about the data"),
  ];
}

// firstScrape is what a fresh install says: no data yet, and when the
// schedule will fetch it, in the schedule's own zone.
function firstScrape(s) {
  const sch = s.schedule;
  const out = [h("strong", {}, "No data yet. ")];
  if (s.latestRun?.status === "running") out.push("The first scrape is running now; its progress shows below.");
  else if (sch?.next) {
    const at = new Date(sch.next);
    const fmt = new Intl.DateTimeFormat("en-ZA", { dateStyle: "full", timeStyle: "short", timeZone: sch.timeZone || "Africa/Johannesburg" });
    out.push("The first scrape runs on ", h("time", { datetime: at.toISOString(), id: "v-next-run" }, fmt.format(at)),
      ` (${sch.timeZone || "Africa/Johannesburg"} time, schedule “${sch.cron}”).`);
  } else if (sch === null) out.push("The scheduled scrape is off: a superuser can start one from the dashboard, this page or the command line.");
  else out.push("The first scrape runs at the next time of the schedule.");
  return out;
}

function statusLines(s) {
  const out = [];
  const last = s.lastSuccess;
  out.push(h("p", { class: "status-line" },
    h("span", { class: `badge ${s.status === "ok" ? "ok" : "degraded"}`, id: "v-status" }, s.status === "ok" ? "ok" : "degraded"), " ",
    last
      ? ["Last successful scrape finished ", when(last.finished), ": ", figures(last), "."]
      : "No whole-roll scrape has finished yet."));
  if (s.reasons?.length) out.push(h("ul", { class: "reasons" }, s.reasons.map((r) => h("li", {}, r))));
  const latest = s.latestRun;
  if (latest && (!last || latest.id !== last.id)) {
    const scope = latest.scope ? ` (${latest.scope} only)` : "";
    out.push(h("p", { class: "status-line" }, latest.status === "running"
      ? ["A scrape", scope, " is running, started ", when(latest.started), "."]
      : ["The latest scrape", scope, ", started ", when(latest.started), ", ended ", h("strong", {}, latest.status), "."]));
  }
  if (s.properties) {
    out.push(h("p", { class: "status-line" }, `${count(s.properties.present, "property", "properties")} on the roll, ${count(s.properties.gone, "gone", "gone")}.`));
  }
  if (s.schedule?.next) {
    const at = new Date(s.schedule.next);
    const fmt = new Intl.DateTimeFormat("en-ZA", { dateStyle: "medium", timeStyle: "short", timeZone: s.schedule.timeZone || "Africa/Johannesburg" });
    out.push(h("p", { class: "status-line", id: "v-schedule" }, "Next scheduled scrape: ", h("time", { datetime: at.toISOString() }, fmt.format(at)), ` (${s.schedule.timeZone}).`));
  }
  out.push(h("p", { class: "status-line meta" }, "Scraped politely from eThekwini's public valuation roll site; a property page shows every change seen."));
  return out;
}

function figures(run) {
  return `${count(run.rowsSeen, "row", "rows")} seen, ${count(run.rowsNew, "new", "new")}, ${count(run.rowsChanged, "changed", "changed")}, ${count(run.rowsGone, "gone", "gone")}`;
}
