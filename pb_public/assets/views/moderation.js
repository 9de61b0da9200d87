// The moderation queue (moderators only).
import { mount, h } from "../dom.js";

export function moderationView() {
  mount(h("h1", {}, "Moderation"));
}
