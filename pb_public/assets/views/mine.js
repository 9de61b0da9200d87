// The signed-in user's questions, with edit and delete (confirmed); a
// question moderators hid is badged, with their reason.
import { h, mount, notice, setTitle } from "../dom.js";
import { pb, me, errorMessage } from "../api.js";
import { askToSignIn } from "./card.js";

export async function mineView() {
  setTitle("My questions");
  const user = me();
  if (!user) {
    mount(h("h1", {}, "My questions"), h("p", {}, "Sign in to see the questions you asked."));
    askToSignIn();
    return;
  }
  const list = h("ul", { class: "mine" });
  mount(h("h1", {}, "My questions"), list);
  let items;
  try {
    items = await pb.collection("questions").getFullList({ filter: pb.filter("author = {:u}", { u: user.id }), sort: "-created" });
  } catch (err) {
    notice(errorMessage(err), "error");
    return;
  }
  if (!items.length) {
    list.replaceChildren(h("li", {}, "You have not asked anything yet. ", h("a", { href: "/ask" }, "Ask a question")));
    return;
  }
  list.replaceChildren(...items.map((q) => row(q)));

  function row(q) {
    const li = h("li", { "data-id": q.id });
    const controls = h("div", { class: "actions" });
    const idle = () => controls.replaceChildren(
      h("a", { class: "button ghost", href: `/questions/${q.id}/edit` }, "Edit"),
      h("button", { type: "button", class: "danger", onclick: confirmStep }, "Delete"),
    );
    // A second, explicit step before anything is deleted.
    function confirmStep() {
      const yes = h("button", { type: "button", class: "danger", "data-confirm": "yes", onclick: remove }, "Yes, delete it");
      controls.replaceChildren(
        h("span", { role: "alert" }, "Delete this question with its answers and votes?"),
        yes,
        h("button", { type: "button", class: "ghost", onclick: () => { idle(); controls.querySelector("button")?.focus(); } }, "Cancel"),
      );
      yes.focus();
    }
    async function remove() {
      try {
        await pb.collection("questions").delete(q.id);
        li.remove();
        notice("Question deleted.");
      } catch (err) {
        notice(errorMessage(err), "error");
        idle();
      }
    }
    idle();
    li.append(h("div", { class: "mine-item" },
      h("span", {}, h("a", { href: `/questions/${q.id}` }, q.title), q.hidden ? " " : "", q.hidden ? h("span", { class: "badge hidden" }, "Hidden") : null, ` · ranking ${q.ranking}`),
      // Hidden questions say why, in the moderator's words.
      q.hidden ? h("p", { class: "hidden-reason" }, "Hidden by moderators", q.hidden_reason ? `: ${q.hidden_reason}` : ".", " Only you and moderators can see it.") : null,
    ), controls);
    return li;
  }
}
