// The moderation queue (moderators only): open reports grouped by the item
// they are about, what is hidden, and the log of every action. The page is
// shown to moderators; the server's rules are what keep everyone else out.
import { h, pageMount, setTitle } from "../dom.js";
import { me } from "../api.js";
import { openReports, hiddenItems, hiddenCount, batch, maxLoaded, log, act, dismissAll, refreshMe, reasonLabel, actionError } from "../moderation-api.js";
import { openReasonDialog } from "./report.js";

const tabs = [
  ["reports", "Open reports"],
  ["hidden", "Hidden"],
  ["log", "Log"],
];

// What a hide is for, prefilled from the reporters' most common reason.
const hideReasons = {
  spam: "Spam",
  abuse: "Rude or abusive",
  off_topic: "Off-topic",
  personal_info: "Shares someone's personal information",
  other: "Breaks the community rules",
};

export async function moderationView() {
  const mount = pageMount();
  setTitle("Moderation");
  const user = await refreshMe();
  if (!user || !user.moderator) {
    const next = encodeURIComponent("/moderation");
    mount(h("div", { class: "mod-refusal" },
      h("h1", {}, "Moderation"),
      h("p", { class: "lead" }, "Only moderators can see this page."),
      user
        ? h("p", {}, "To report something that breaks the rules, use Report on the question or answer. ", h("a", { href: "/" }, "Back to the top questions"))
        : h("p", {}, "If you are a moderator, ", h("a", { href: `/signin?next=${next}` }, "sign in"), " first.")));
    return;
  }

  const initial = new URLSearchParams(window.location.search).get("tab");
  let active = tabs.some(([k]) => k === initial) ? initial : "reports";

  const tabButtons = {};
  const panels = {};
  const counts = {};
  const tablist = h("div", { class: "mod-tabs", role: "tablist", "aria-label": "Moderation" });
  for (const [key, label] of tabs) {
    counts[key] = h("span", { class: "count" });
    tabButtons[key] = h("button", {
      type: "button", role: "tab", id: `tab-${key}`, "aria-controls": `panel-${key}`,
      onclick: () => select(key, false),
    }, label, counts[key]);
    panels[key] = h("section", { class: "mod-panel", role: "tabpanel", id: `panel-${key}`, "aria-labelledby": `tab-${key}`, tabindex: "0" },
      h("p", { class: "loading-inline" }, "Loading…"));
    tablist.append(tabButtons[key]);
  }
  // Arrow keys move between tabs (the ARIA tabs pattern, selection follows focus).
  tablist.addEventListener("keydown", (event) => {
    const keys = tabs.map(([k]) => k);
    let i = keys.indexOf(active);
    if (event.key === "ArrowRight") i = (i + 1) % keys.length;
    else if (event.key === "ArrowLeft") i = (i - 1 + keys.length) % keys.length;
    else if (event.key === "Home") i = 0;
    else if (event.key === "End") i = keys.length - 1;
    else return;
    event.preventDefault();
    select(keys[i], true);
  });

  if (!mount(h("div", { class: "moderation" },
    h("h1", {}, "Moderation"),
    h("p", { class: "intro" }, "Reports from the community, what is hidden, and every action moderators took."),
    tablist,
    ...Object.values(panels)))) return;

  const loaders = { reports: loadReports, hidden: loadHidden, log: loadLog };

  function select(key, focus) {
    active = key;
    for (const [k] of tabs) {
      const on = k === key;
      tabButtons[k].setAttribute("aria-selected", on ? "true" : "false");
      tabButtons[k].tabIndex = on ? 0 : -1;
      panels[k].hidden = !on;
    }
    if (focus) tabButtons[key].focus();
    const url = key === "reports" ? "/moderation" : `/moderation?tab=${key}`;
    if (window.location.pathname + window.location.search !== url) window.history.replaceState({}, "", url);
    loaders[key]();
  }

  // ---- Open reports -------------------------------------------------------

  let order = []; // item keys in the order shown
  const resolved = new Map(); // key → the message shown where the item was
  let reportLimit = batch; // the oldest open reports loaded; "Show more" adds a batch

  async function loadReports() {
    const panel = panels.reports;
    let data;
    try {
      data = await openReports(reportLimit);
    } catch (err) {
      panel.replaceChildren(loadError("The reports could not be loaded.", loadReports));
      return;
    }
    const { items, total } = data;
    const groups = groupReports(items);
    setCount("reports", total > items.length ? `${groups.size}+` : groups.size);
    const keys = [...order.filter((k) => groups.has(k) || resolved.has(k)), ...[...groups.keys()].filter((k) => !order.includes(k))];
    order = keys;
    const list = h("ul", { class: "mod-list" });
    for (const key of keys) {
      if (groups.has(key)) list.append(h("li", {}, reportGroup(groups.get(key))));
      else list.append(h("li", {}, resolved.get(key)));
    }
    panel.replaceChildren(...[
      h("h2", { class: "sr-only" }, "Open reports"),
      groups.size || resolved.size ? list : null,
      total > items.length
        ? showMore(`These are the oldest ${items.length} of ${total} open reports.`, "Show more reports",
          reportLimit < maxLoaded && (() => { reportLimit += batch; return loadReports(); }))
        : null,
      groups.size ? null : emptyState("No open reports — nice and quiet.", "When someone reports a question or an answer, it shows up here."),
    ].filter(Boolean));
  }

  function groupReports(items) {
    const groups = new Map();
    for (const r of items) {
      const key = r.answer ? `a:${r.answer}` : `q:${r.question}`;
      if (!groups.has(key)) groups.set(key, { key, question: r.question, answer: r.answer || "", reports: [], q: r.expand?.question, a: r.expand?.answer });
      groups.get(key).reports.push(r);
    }
    // Most-reported first, then the longest waiting.
    return new Map([...groups.entries()].sort(([, x], [, y]) => y.reports.length - x.reports.length || (x.reports[0].created < y.reports[0].created ? -1 : 1)));
  }

  function reportGroup(g) {
    const what = g.answer ? "answer" : "question";
    const n = g.reports.length;
    const status = h("p", { class: "item-note", role: "status" });
    const hideBtn = h("button", { type: "button", class: "danger small", "data-action": "hide" }, "Hide");
    const dismissBtn = h("button", { type: "button", class: "ghost small", "data-action": "dismiss" }, "Dismiss");
    const box = h("article", { class: "mod-item", "data-item": g.key, tabindex: "-1", "aria-labelledby": `mi-${g.key.replace(":", "-")}` },
      h("header", { class: "mod-item-head" },
        h("span", { class: "kind" }, g.answer ? "Answer" : "Question"),
        h("span", { class: "reported-count" }, n === 1 ? "1 report" : `Reported by ${n} people`),
      ),
      itemContext(g.key, g.q, g.a),
      h("ul", { class: "report-list", "aria-label": n === 1 ? "The report" : "The reports" }, g.reports.map((r) => h("li", {},
        h("span", { class: "badge reason" }, reasonLabel(r.reason)),
        r.note ? h("q", { class: "report-note" }, r.note) : null,
        h("span", { class: "by" }, "— ", userName(r.expand?.reporter), " · ", when(r.created))))),
      h("div", { class: "mod-actions" }, hideBtn, dismissBtn, status),
    );
    const find = (action) => () => document.querySelector(`[data-item="${CSS.escape(g.key)}"] [data-action="${action}"]`);
    const summary = summaryOf(g.q, g.a);
    const reportIds = g.reports.map((r) => r.id);

    hideBtn.addEventListener("click", () => openReasonDialog({
      title: `Hide this ${what}?`,
      lead: g.answer
        ? "Only its author and moderators will see it, and it stops counting in the question's ranking. The author sees your reason."
        : "It leaves the top questions, and only its author and moderators will see it. The author sees your reason.",
      summary,
      label: "Reason (shown to the author)",
      prefill: hideReasons[commonReason(g.reports)] || hideReasons.other,
      confirm: `Hide ${what}`,
      danger: true,
      find: find("hide"),
      onConfirm: async (reason) => {
        try {
          await act({ action: "hide", question: g.question, answer: g.answer, report: reportIds[0], reason });
        } catch (err) {
          throw actionError(err);
        }
      },
      after: () => done(g.key, `${capital(what)} hidden. Its author sees your reason; restore it from Hidden.`),
    }));
    dismissBtn.addEventListener("click", () => openReasonDialog({
      title: n === 1 ? "Dismiss this report?" : `Dismiss these ${n} reports?`,
      lead: `The ${what} stays as it is. Reporters aren't told.`,
      summary,
      label: "Reason (goes in the moderation log)",
      prefill: "Doesn't break the rules.",
      confirm: n === 1 ? "Dismiss report" : "Dismiss reports",
      find: find("dismiss"),
      onConfirm: async (reason) => {
        try {
          await dismissAll({ question: g.question, answer: g.answer, reports: reportIds, reason });
        } catch (err) {
          throw actionError(err);
        }
      },
      after: () => done(g.key, n === 1 ? "Report dismissed. The " + what + " stays up." : `${n} reports dismissed. The ${what} stays up.`),
    }));
    return box;
  }

  // done shows the outcome where the item was, moves focus there, and
  // reloads the queue around it.
  async function done(key, message) {
    const stub = h("div", { class: "mod-item resolved", "data-resolved": key, tabindex: "-1" },
      h("p", { class: "item-note ok", role: "status" }, message));
    resolved.set(key, stub);
    document.querySelector(`[data-item="${CSS.escape(key)}"]`)?.replaceWith(stub);
    stub.focus();
    await loadReports();
    stub.focus();
    refreshHiddenCount();
  }

  // ---- Hidden --------------------------------------------------------------

  const restored = new Map();
  let hiddenLimit = batch; // the most recently hidden loaded; "Show more" adds a batch

  async function loadHidden() {
    const panel = panels.hidden;
    let data;
    try {
      data = await hiddenItems(hiddenLimit);
    } catch {
      panel.replaceChildren(loadError("The hidden questions and answers could not be loaded.", loadHidden));
      return;
    }
    const items = [
      ...data.questions.map((q) => ({ key: `q:${q.id}`, question: q.id, answer: "", q, a: null, reason: q.hidden_reason, at: q.updated })),
      ...data.answers.map((a) => ({ key: `a:${a.id}`, question: a.question, answer: a.id, q: a.expand?.question, a, reason: a.hidden_reason, at: a.updated })),
    ].sort((x, y) => (x.at < y.at ? 1 : -1)).slice(0, hiddenLimit);
    setCount("hidden", data.total);
    const list = h("ul", { class: "mod-list" });
    for (const it of items) list.append(h("li", {}, hiddenItem(it)));
    for (const stub of restored.values()) list.prepend(h("li", {}, stub));
    panel.replaceChildren(...[
      h("h2", { class: "sr-only" }, "Hidden questions and answers"),
      items.length || restored.size ? list : null,
      data.total > items.length
        ? showMore(`These are the ${items.length} most recently hidden of ${data.total}.`, "Show more hidden",
          hiddenLimit < maxLoaded && (() => { hiddenLimit += batch; return loadHidden(); }))
        : null,
      items.length ? null : emptyState("Nothing is hidden.", "Questions and answers moderators hide are listed here, to restore."),
    ].filter(Boolean));
  }

  async function refreshHiddenCount() {
    try {
      setCount("hidden", await hiddenCount());
    } catch {
      // the count comes back with the tab
    }
  }

  function hiddenItem(it) {
    const what = it.answer ? "answer" : "question";
    const restoreBtn = h("button", { type: "button", class: "small", "data-action": "restore" }, "Restore");
    const box = h("article", { class: "mod-item is-hidden", "data-item": it.key, tabindex: "-1", "aria-labelledby": `mi-${it.key.replace(":", "-")}` },
      h("header", { class: "mod-item-head" },
        h("span", { class: "kind" }, it.answer ? "Answer" : "Question"),
        h("span", { class: "reported-count" }, "Hidden ", when(it.at)),
      ),
      itemContext(it.key, it.q, it.a),
      h("p", { class: "hidden-mark" }, h("strong", {}, "Hidden by moderators"), it.reason ? `: ${it.reason}` : ""),
      h("div", { class: "mod-actions" }, restoreBtn),
    );
    restoreBtn.addEventListener("click", () => openReasonDialog({
      title: `Restore this ${what}?`,
      lead: it.answer
        ? "Everyone will see it again, and it counts in the question's ranking."
        : "Everyone will see it again, and it can return to the top questions.",
      summary: summaryOf(it.q, it.a),
      label: "Reason (goes in the moderation log)",
      prefill: "Reviewed: it keeps to the rules.",
      confirm: `Restore ${what}`,
      find: () => document.querySelector(`#panel-hidden [data-item="${CSS.escape(it.key)}"] [data-action="restore"]`),
      onConfirm: async (reason) => {
        try {
          await act({ action: "restore", question: it.question, answer: it.answer, reason });
        } catch (err) {
          throw actionError(err);
        }
      },
      after: async () => {
        const stub = h("div", { class: "mod-item resolved", "data-resolved": it.key, tabindex: "-1" },
          h("p", { class: "item-note ok", role: "status" }, `${capital(what)} restored: everyone can see it again.`));
        restored.set(it.key, stub);
        document.querySelector(`#panel-hidden [data-item="${CSS.escape(it.key)}"]`)?.replaceWith(stub);
        stub.focus();
        await loadHidden();
        stub.focus();
      },
    }));
    return box;
  }

  // ---- Log -----------------------------------------------------------------

  async function loadLog() {
    const panel = panels.log;
    const list = h("ol", { class: "mod-log" });
    const more = h("div", { class: "pager" });
    let page = 0;
    async function next() {
      page += 1;
      let res;
      try {
        res = await log(page);
      } catch {
        panel.replaceChildren(loadError("The log could not be loaded.", loadLog));
        return;
      }
      const first = res.items.map(logEntry);
      list.append(...first);
      if (page === 1) {
        setCount("log", null);
        panel.replaceChildren(
          h("h2", { class: "sr-only" }, "Moderation log, newest first"),
          res.items.length ? list : emptyState("No actions yet.", "Every hide, restore and dismissal is recorded here, with who did it and why."),
          more);
      } else {
        first[0]?.focus();
      }
      more.replaceChildren(...(res.page < res.totalPages
        ? [h("button", { type: "button", class: "ghost", onclick: next }, "Show older actions")]
        : []));
    }
    await next();
  }

  function logEntry(x) {
    const what = x.answer || x.expand?.answer ? "an answer on" : "the question";
    const verb = { hide: "hid", restore: "restored", dismiss: x.answer ? "dismissed a report on an answer on" : "dismissed a report on" }[x.action] || x.action;
    const q = x.expand?.question;
    const title = q ? h("a", { href: `/questions/${q.id}` }, q.title) : h("span", { class: "gone" }, "a deleted question");
    const who = x.expand?.moderator ? userName(x.expand.moderator) : x.actor || "A moderator";
    return h("li", { class: `log-${x.action}`, tabindex: "-1" },
      h("p", { class: "log-line" },
        h("span", { class: `badge act-${x.action}` }, { hide: "Hidden", restore: "Restored", dismiss: "Dismissed" }[x.action] || x.action),
        " ", h("strong", {}, who), " ", x.action === "dismiss" ? verb : `${verb} ${what}`, " ", title, " · ", when(x.created)),
      // What the item said then (a question's title, unless it is the link's).
      x.excerpt && !(q && !x.answer && x.excerpt === q.title) ? h("p", { class: "log-excerpt" }, h("q", {}, x.excerpt)) : null,
      h("p", { class: "log-reason" }, h("span", { class: "label" }, "Why: "), x.reason));
  }

  // ---- shared --------------------------------------------------------------

  function setCount(key, n) {
    counts[key].textContent = n === null || n === undefined ? "" : ` (${n})`;
  }

  // Counts for every tab at once, so the queue's size shows whichever is open.
  select(active, false);
  if (active !== "reports") loadReports();
  if (active !== "hidden") refreshHiddenCount();
}

// itemContext shows the question (title linking to it, its author and the
// start of its description) or the answer (its question, stars, comment
// and author).
function itemContext(key, q, a) {
  const headId = `mi-${key.replace(":", "-")}`;
  if (!q) return h("h3", { id: headId, class: "gone" }, "This question was deleted.");
  const link = h("a", { href: `/questions/${q.id}` }, q.title);
  if (a) {
    return h("div", { class: "context" },
      h("h3", { id: headId }, h("span", { class: "on" }, "Answer on "), link),
      h("blockquote", { class: "answer-quote" },
        h("span", { class: "shown", role: "img", "aria-label": `${a.value} of 5 stars` }, "★".repeat(a.value) + "☆".repeat(5 - a.value)),
        a.comment ? h("span", { class: "comment" }, a.comment) : h("span", { class: "none" }, "No comment")),
      h("p", { class: "meta" }, "Answer by ", h("strong", {}, userName(a.expand?.author)), " · ", when(a.created)));
  }
  return h("div", { class: "context" },
    h("h3", { id: headId }, link),
    q.description ? h("p", { class: "desc clamp" }, q.description) : null,
    h("p", { class: "meta" }, "Asked by ", h("strong", {}, userName(q.expand?.author)), " · ", when(q.created)));
}

function summaryOf(q, a) {
  if (a) return `${userName(a.expand?.author)}: ${"★".repeat(a.value)}${a.comment ? " — " + a.comment : ""}`;
  return q?.title || "";
}

function commonReason(reports) {
  const n = {};
  for (const r of reports) n[r.reason] = (n[r.reason] || 0) + 1;
  return Object.entries(n).sort((x, y) => y[1] - x[1])[0]?.[0];
}

function userName(u) {
  return u ? u.name || u.username || "someone" : "someone";
}

function capital(s) {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

// showMore says how much of a list is shown, with a button that loads the
// next batch (none once PocketBase's largest page is loaded) and moves focus
// to the first item it adds.
function showMore(text, label, more) {
  if (!more) return h("div", { class: "mod-more" }, h("p", {}, text, " Deal with these, and the next ones appear here."));
  const button = h("button", { type: "button", class: "ghost" }, label);
  const box = h("div", { class: "mod-more" }, h("p", {}, text), button);
  button.addEventListener("click", async () => {
    const shown = box.parentElement?.querySelectorAll(".mod-list > li").length || 0;
    button.disabled = true;
    await more();
    const next = document.querySelectorAll(".mod-panel:not([hidden]) .mod-list > li")[shown];
    next?.querySelector(".mod-item")?.focus();
  });
  return box;
}

function emptyState(title, text) {
  return h("div", { class: "mod-empty" }, h("p", { class: "big" }, title), h("p", {}, text));
}

function loadError(message, retry) {
  return h("div", { class: "mod-empty error", role: "alert" }, h("p", {}, message, " "),
    h("button", { type: "button", class: "ghost", onclick: retry }, "Try again"));
}

// when is a relative time ("5 minutes ago") with the exact time on hover
// and for assistive technology.
export function when(stamp) {
  if (!stamp) return "";
  const d = new Date(String(stamp).replace(" ", "T"));
  if (Number.isNaN(d.getTime())) return "";
  const s = Math.round((Date.now() - d.getTime()) / 1000);
  let text;
  if (s < 45) text = "just now";
  else if (s < 3600) text = `${Math.max(1, Math.round(s / 60))} min ago`;
  else if (s < 86400) text = `${Math.round(s / 3600)} h ago`;
  else if (s < 7 * 86400) text = `${Math.round(s / 86400)} d ago`;
  else text = d.toLocaleDateString(undefined, { day: "numeric", month: "short", year: "numeric" });
  const full = d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
  return h("time", { datetime: d.toISOString(), title: full }, text);
}
