// Reporting a question or an answer, and the small dialogs moderators use
// to give a reason. Each dialog is a native <dialog> opened with showModal
// (focus is trapped, Escape cancels), and focus goes back to the control
// that opened it, found again if a live redraw replaced it.
import { h, icon } from "../dom.js";
import { me } from "../api.js";
import { reasons, report, reportError } from "../moderation-api.js";

let serial = 0;

// Notes shown at an item ("Thanks — …", "Sign in to report …") outlive the
// redraws of the page they were made on, and no longer: a note belongs to
// the page whose first element was there when it was made.
const notes = new Map();
// Items reported in this session: their button says "Reported".
const reported = new Set();

function pageAnchor() {
  return document.getElementById("main")?.firstElementChild || null;
}

export function setNote(key, note) {
  notes.set(key, { ...note, anchor: pageAnchor() });
}

function currentNote(key) {
  const note = notes.get(key);
  if (!note) return null;
  if (note.anchor !== pageAnchor()) {
    notes.delete(key);
    return null;
  }
  return note;
}

export function markReported(key) {
  reported.add(key);
}

// noteBox renders an item's note into a live region that is always there,
// so a message written into it later is announced.
export function noteBox(key) {
  const box = h("p", { class: "item-note", role: "status", "data-note": key });
  const note = currentNote(key);
  if (note) fillNote(box, note);
  return box;
}

function fillNote(box, note) {
  box.className = "item-note" + (note.kind ? " " + note.kind : "");
  box.replaceChildren(note.text);
  if (note.link) box.append(" ", h("a", { href: note.link.href }, note.link.text));
}

// showNote sets an item's note and writes it into the live region on the
// page now, if there is one.
export function showNote(key, note) {
  setNote(key, note);
  const box = document.querySelector(`[data-note="${CSS.escape(key)}"]`);
  if (box) fillNote(box, note);
}

// reportButton is the small "Report" control of a question or an answer.
// item: {key, question, answer?, what: "question"|"answer", summary}.
// find() returns the control as it is on the page now (after redraws).
export function reportButton(item, find) {
  const done = reported.has(item.key);
  return h("button", {
    type: "button",
    class: "linklike report" + (done ? " done" : ""),
    "data-action": "report",
    "data-report": item.key,
    onclick: () => {
      const user = me();
      if (!user) {
        const next = encodeURIComponent(window.location.pathname + window.location.search);
        showNote(item.key, { text: `Sign in to report this ${item.what}.`, link: { href: `/signin?next=${next}`, text: "Sign in" } });
        return;
      }
      if (reported.has(item.key)) {
        showNote(item.key, { text: `You reported this ${item.what}. Moderators will take a look.` });
        return;
      }
      openReportDialog(item, find);
    },
  }, icon("flag", 15), done ? "Reported" : "Report");
}

function focusBack(find) {
  const el = find();
  if (el && el.isConnected) el.focus();
}

// modal builds a <dialog>, shows it, and removes it once closed.
function modal(labelId, descId, ...children) {
  const dialog = h("dialog", { class: "modal", "aria-labelledby": labelId, "aria-describedby": descId }, ...children);
  document.body.append(dialog);
  dialog.addEventListener("close", () => dialog.remove());
  dialog.showModal();
  return dialog;
}

export function openReportDialog(item, find) {
  const n = ++serial;
  const titleId = `report-title-${n}`;
  const descId = `report-desc-${n}`;
  const errId = `report-err-${n}`;
  const noteId = `report-note-${n}`;
  const countId = `report-count-${n}`;

  const radios = reasons.map(([value, label], i) => {
    const id = `report-reason-${n}-${i}`;
    return h("div", { class: "choice-row" },
      h("input", { type: "radio", name: "reason", id, value, "aria-describedby": errId }),
      h("label", { for: id }, label));
  });
  const note = h("textarea", { id: noteId, name: "note", maxlength: 500, rows: 3, "aria-describedby": countId });
  const count = h("span", { id: countId, class: "hintline count" }, "Up to 500 characters");
  note.addEventListener("input", () => {
    count.textContent = note.value.length ? `${note.value.length} of 500 characters` : "Up to 500 characters";
  });
  const err = h("p", { class: "err", id: errId, role: "alert" });
  const send = h("button", { type: "submit" }, "Send report");
  const cancel = h("button", { type: "button", class: "ghost", value: "cancel" }, "Cancel");

  const form = h("form", { class: "modal-form", novalidate: true },
    h("h2", { id: titleId }, `Report this ${item.what}`),
    h("div", { id: descId },
      h("p", { class: "modal-lead" }, `Tell moderators what's wrong. The ${item.what}'s author won't see who reported it.`),
      item.summary ? h("blockquote", { class: "modal-quote" }, item.summary) : null),
    h("fieldset", { class: "reasons" }, h("legend", {}, "What's the problem?"), ...radios),
    h("label", { class: "field", for: noteId }, "Anything else moderators should know? ",
      h("span", { class: "hintline" }, "(optional)")),
    note, count,
    err,
    h("div", { class: "modal-buttons" }, send, cancel),
  );
  const dialog = modal(titleId, descId, form);
  dialog.addEventListener("close", () => focusBack(find));
  cancel.addEventListener("click", () => dialog.close());
  radios[0].querySelector("input").focus();

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const chosen = form.querySelector("input[name=reason]:checked");
    if (!chosen) {
      err.textContent = "Choose what's wrong with it.";
      form.querySelector("input[name=reason]").focus();
      return;
    }
    err.textContent = "";
    send.disabled = true;
    send.textContent = "Sending…";
    form.setAttribute("aria-busy", "true");
    try {
      await report({ question: item.question, answer: item.answer, reason: chosen.value, note: note.value.trim() });
      reported.add(item.key);
      dialog.close();
      const button = find();
      if (button) {
        button.classList.add("done");
        button.lastChild.textContent = "Reported";
      }
      showNote(item.key, { text: "Thanks — moderators will take a look.", kind: "ok" });
    } catch (e) {
      const message = reportError(e, item.what);
      if (/already reported/.test(message)) reported.add(item.key);
      err.textContent = message;
      send.disabled = false;
      send.textContent = "Send report";
      form.removeAttribute("aria-busy");
      send.focus();
    }
  });
}

// openReasonDialog asks a moderator for the reason of an action.
// opts: {title, lead, label, prefill, confirm, danger, summary, onConfirm(reason), find}.
// onConfirm throws a message (string) to show in the dialog.
export function openReasonDialog(opts) {
  const n = ++serial;
  const titleId = `reason-title-${n}`;
  const descId = `reason-desc-${n}`;
  const inputId = `reason-input-${n}`;
  const errId = `reason-err-${n}`;
  const input = h("textarea", { id: inputId, name: "reason", maxlength: 500, rows: 3, required: true, "aria-describedby": errId });
  input.value = opts.prefill || "";
  const err = h("p", { class: "err", id: errId, role: "alert" });
  const ok = h("button", { type: "submit", class: opts.danger ? "danger" : "" }, opts.confirm);
  const cancel = h("button", { type: "button", class: "ghost" }, "Cancel");
  const form = h("form", { class: "modal-form", novalidate: true },
    h("h2", { id: titleId }, opts.title),
    h("div", { id: descId },
      opts.lead ? h("p", { class: "modal-lead" }, opts.lead) : null,
      opts.summary ? h("blockquote", { class: "modal-quote" }, opts.summary) : null),
    h("label", { class: "field", for: inputId }, opts.label || "Reason"),
    input,
    err,
    h("div", { class: "modal-buttons" }, ok, cancel),
  );
  const dialog = modal(titleId, descId, form);
  let confirmed = false;
  dialog.addEventListener("close", () => {
    if (!confirmed) focusBack(opts.find);
  });
  cancel.addEventListener("click", () => dialog.close());
  input.focus();
  input.select();
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const reason = input.value.trim();
    if (!reason) {
      err.textContent = "Give a reason: the author sees it, and it goes in the log.";
      input.setAttribute("aria-invalid", "true");
      input.focus();
      return;
    }
    input.removeAttribute("aria-invalid");
    err.textContent = "";
    ok.disabled = true;
    form.setAttribute("aria-busy", "true");
    try {
      await opts.onConfirm(reason);
      confirmed = true;
      dialog.close();
      opts.after?.();
    } catch (e) {
      err.textContent = typeof e === "string" ? e : e?.message || "That didn't work. Please try again.";
      ok.disabled = false;
      form.removeAttribute("aria-busy");
      ok.focus();
    }
  });
}
