// Unknown addresses, and things that are not there (a deleted question).
import { h, mount as mountMain } from "../dom.js";

// notFoundView draws the app's not-found page. A view that awaited the
// network passes its own mount (so a late answer never paints over the
// page the user moved to), and a title and text of its own.
export function notFoundView({ title = "Page not found", text = "There is nothing at this address.", mount = mountMain } = {}) {
  return mount(h("section", { class: "not-found", "aria-labelledby": "nf-h" },
    h("p", { class: "nf-code", "aria-hidden": "true" }, "404"),
    h("h1", { id: "nf-h" }, title),
    h("p", {}, text),
    h("ul", { class: "nf-links" },
      h("li", {}, h("a", { href: "/" }, "Go to the top questions")),
      h("li", {}, h("a", { href: "/ask" }, "Ask a question")))));
}
