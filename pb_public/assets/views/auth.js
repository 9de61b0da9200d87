// Sign in and sign up through PocketBase auth; errors shown by their field.
import { h, mount, notice, fieldErrors } from "../dom.js";
import { pb } from "../api.js";
import { navigate } from "../app.js";

function nextPath() {
  const next = new URLSearchParams(window.location.search).get("next") || "/";
  return next.startsWith("/") && !next.startsWith("//") ? next : "/"; // stay on this site
}

function field(id, label, attrs, hint) {
  return [
    h("label", { class: "field", for: id }, label, hint ? h("span", { class: "hintline" }, hint) : null,
      h("input", { id, name: attrs.name, "aria-describedby": `${id}-err`, ...attrs })),
    h("p", { class: "err", id: `${id}-err`, "data-error-for": attrs.name }),
  ];
}

function authForm(heading, fields, action, footer, submit) {
  const form = h("form", { class: "stack", novalidate: true }, ...fields, h("div", {}, h("button", { type: "submit" }, action)), footer);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = Object.fromEntries(new FormData(form));
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      await submit(data);
      navigate(nextPath());
    } catch (err) {
      const rest = fieldErrors(form, err);
      notice(rest || "Please correct the highlighted fields.", "error");
    } finally {
      button.disabled = false;
    }
  });
  mount(h("h1", {}, heading), form);
  form.querySelector("input")?.focus();
}

export function signInView() {
  authForm("Sign in", [
    ...field("in-identity", "Email or username", { name: "identity", type: "text", autocomplete: "username", required: true }),
    ...field("in-password", "Password", { name: "password", type: "password", autocomplete: "current-password", required: true }),
  ], "Sign in", h("p", {}, "New here? ", h("a", { href: `/signup?next=${encodeURIComponent(nextPath())}` }, "Create an account")),
  async ({ identity, password }) => {
    try {
      await pb.collection("users").authWithPassword(identity.trim().toLowerCase(), password);
    } catch (err) {
      // PocketBase names no field on a failed sign-in: say it by the form.
      if (err?.status === 400 && !Object.keys(err?.response?.data || {}).length) {
        err.response = { ...err.response, data: { password: { message: "Wrong email, username or password." } } };
      }
      throw err;
    }
  });
}

export function signUpView() {
  authForm("Create an account", [
    ...field("up-username", "Username", { name: "username", type: "text", autocomplete: "username", required: true, pattern: "[a-z0-9_]{3,30}" }, "3–30 lower-case letters, digits or _"),
    ...field("up-name", "Display name", { name: "name", type: "text", autocomplete: "name", maxlength: 100 }, "Shown on your questions; optional"),
    ...field("up-email", "Email", { name: "email", type: "email", autocomplete: "email", required: true }, "Never shown to others"),
    ...field("up-password", "Password", { name: "password", type: "password", autocomplete: "new-password", required: true, minlength: 8 }, "At least 8 characters"),
  ], "Create account", h("p", {}, "Already registered? ", h("a", { href: `/signin?next=${encodeURIComponent(nextPath())}` }, "Sign in")),
  async (data) => {
    await pb.collection("users").create({ ...data, passwordConfirm: data.password });
    await pb.collection("users").authWithPassword(data.username, data.password);
  });
}
