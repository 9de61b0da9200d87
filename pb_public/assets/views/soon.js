// Unknown addresses.
import { h, mount } from "../dom.js";

export function notFoundView() {
  mount(h("h1", {}, "Page not found"), h("p", {}, "There is nothing at this address. ", h("a", { href: "/" }, "Go to the top questions")));
}
