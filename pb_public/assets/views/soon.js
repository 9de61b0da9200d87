// Pages that are not built yet, and unknown addresses.
import { h, mount } from "../dom.js";

export function soonView(title, text, extra = null) {
  mount(h("h1", {}, title), h("p", { class: "intro" }, "Coming soon. ", text), extra ? h("p", {}, extra) : null);
}

export function notFoundView() {
  mount(h("h1", {}, "Page not found"), h("p", {}, "There is nothing at this address. ", h("a", { href: "/" }, "Go to the top questions")));
}
