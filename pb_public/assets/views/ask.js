// Ask a question, or edit one of your own.
import { h, mount, pageMount, notice, fieldErrors } from "../dom.js";
import { pb, me, errorMessage } from "../api.js";
import { navigate } from "../app.js";
import { askToSignIn } from "./card.js";

export function askView() {
  if (!me()) {
    mount(h("h1", {}, "Ask a question"), h("p", {}, "You need to be signed in to ask."));
    askToSignIn();
    return;
  }
  questionForm(mount, "Ask a question", "Ask", {}, async (data) => {
    const rec = await pb.collection("questions").create(data);
    navigate(`/questions/${rec.id}`);
    notice("Posted. It's on the home page's list by ranking and under Newest.");
  });
}

export async function editView(id) {
  const mount = pageMount();
  const user = me();
  if (!user) {
    askToSignIn();
    mount(h("h1", {}, "Edit question"), h("p", {}, "You need to be signed in."));
    return;
  }
  let rec;
  try {
    rec = await pb.collection("questions").getOne(id);
  } catch (err) {
    mount(h("h1", {}, "Question not found"), h("p", {}, errorMessage(err)));
    return;
  }
  if (rec.author !== user.id) {
    mount(h("h1", {}, "Edit question"), h("p", {}, "Only the author can edit this question."));
    return;
  }
  questionForm(mount, "Edit question", "Save", rec, async (data) => {
    await pb.collection("questions").update(id, data);
    notice("Question saved.");
    navigate("/mine");
  });
}

function questionForm(mount, heading, action, rec, submit) {
  const title = h("input", { type: "text", id: "q-title", name: "title", required: true, maxlength: 200, value: rec.title || "", "aria-describedby": "q-title-err" });
  const description = h("textarea", { id: "q-description", name: "description", maxlength: 5000, rows: 6, "aria-describedby": "q-description-err" }, rec.description || "");
  const form = h("form", { class: "stack", novalidate: true },
    h("label", { class: "field", for: "q-title" }, "Title", h("span", { class: "hintline" }, "A question people can answer with 1 to 5 stars; up to 200 characters"), title),
    h("p", { class: "err", id: "q-title-err", "data-error-for": "title" }),
    h("label", { class: "field", for: "q-description" }, "Description", h("span", { class: "hintline" }, "Optional, up to 5,000 characters"), description),
    h("p", { class: "err", id: "q-description-err", "data-error-for": "description" }),
    h("div", {}, h("button", { type: "submit" }, action)),
    // A refusal that names no field (e.g. an unverified address) is said here,
    // beside the button the user pressed.
    h("p", { class: "err", id: "q-form-err", role: "status", "aria-live": "polite" }),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    const formError = form.querySelector("#q-form-err");
    formError.textContent = "";
    button.disabled = true;
    try {
      await submit({ title: title.value, description: description.value });
    } catch (err) {
      const rest = fieldErrors(form, err, { focus: true });
      const marked = form.querySelectorAll('[aria-invalid="true"]').length;
      formError.textContent = rest || (marked > 1 ? "Please correct the fields marked above." : "Please correct the field marked above.");
      if (!marked) button.focus();
    } finally {
      button.disabled = false;
    }
  });
  if (mount(h("h1", {}, heading), form)) title.focus();
}
