// Links to people's public profiles (/u/<username>). Cards and lists name
// an author with authorLink; a record without a username gets plain text.
import { h } from "../dom.js";

// Usernames are lowercase letters, digits and underscores, 3 to 30 long.
export const usernamePattern = /^[a-z0-9_]{3,30}$/;

export function profileURL(username) {
  return `/u/${encodeURIComponent(username)}`;
}

// displayName is what a person is called on the pages: their name, or
// their username when they gave none.
export function displayName(person) {
  return person?.name || person?.username || "unknown";
}

// authorLink is the author's name linking to their profile.
export function authorLink(person, attrs = {}) {
  const name = displayName(person);
  if (!person?.username || !usernamePattern.test(person.username)) return h("span", { class: "author" }, name);
  return h("a", { class: "author", href: profileURL(person.username), ...attrs }, name);
}
