// Your account: profile, email, password, sign out everywhere, delete; and
// /confirm-email/<token>, where the mail link of an email change lands.
// Each section says what happened inside itself.
import { h, mount, pageMount, notice, feedback, say, setTitle } from "../dom.js";
import { pb, me, accountOptions, mailRefusal, noMail, tokenPayload, tokenExpired, signOutEverywhere } from "../api.js";
import { navigate } from "../app.js";
import { field, fieldError, clearErrors, focusFirstError, showErrors, generalError, busy } from "./auth.js";

function section(id, title, ...children) {
  return h("section", { class: "panel", id, "aria-labelledby": `${id}-h` }, h("h2", { id: `${id}-h` }, title), ...children);
}

export async function accountView() {
  const mount = pageMount();
  setTitle("Your account");
  const user = me();
  if (!user) {
    mount(h("div", { class: "auth" }, h("h1", {}, "Your account"),
      h("p", {}, "Sign in to see and change your account."),
      h("p", {}, h("a", { class: "button", href: `/signin?next=${encodeURIComponent("/account")}`, id: "account-signin" }, "Sign in"))));
    return;
  }
  const options = await accountOptions();
  mount(h("div", { class: "account-page" },
    h("h1", {}, "Your account"),
    h("p", { class: "intro" }, "Signed in as ", h("strong", {}, user.username), "."),
    profileSection(user),
    emailSection(user, options),
    passwordSection(user),
    everywhereSection(),
    deleteSection(user),
  ));
}

// Profile: display name and username.
function profileSection(user) {
  const status = feedback("profile-feedback");
  const form = h("form", { class: "stack", id: "profile-form", novalidate: true },
    ...field("acc-name", "Display name", { name: "name", type: "text", autocomplete: "name", maxlength: 100, value: user.name || "" }, "Shown on your questions and answers; optional"),
    ...field("acc-username", "Username", { name: "username", type: "text", autocomplete: "username", required: true, pattern: "[a-z0-9_]{3,30}", value: user.username, autocapitalize: "none", spellcheck: "false" }, "3–30 lower-case letters, digits or _"),
    h("div", {}, h("button", { type: "submit" }, "Save profile")),
    status,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    say(status, "");
    const name = form.querySelector("#acc-name").value.trim();
    const username = form.querySelector("#acc-username").value.trim();
    try {
      await busy(form, () => pb.collection("users").update(user.id, { name, username }));
      say(status, "Profile saved.", "ok");
    } catch (err) {
      const rest = showErrors(form, err);
      if (rest) say(status, rest, "error");
    }
  });
  return section("profile", "Profile", form);
}

// Email: the address now, and a change confirmed by a link sent to the new one.
function emailSection(user, options) {
  const state = user.verified
    ? h("span", { class: "badge" }, "verified")
    : h("span", { class: "badge degraded" }, "not verified");
  const current = h("p", { class: "current" }, "Your email address is ", h("strong", { id: "acc-email-now" }, user.email), " ", state);
  if (!options.mail) {
    return section("email", "Email", current, h("p", { class: "muted", id: "email-no-mail" }, user.verified ? "To change it: " : "To verify or change it: ", noMail));
  }
  const verify = [];
  if (!user.verified) {
    const said = feedback("verify-again-feedback");
    const again = h("button", { type: "button", class: "link", id: "verify-again" }, "Send the verification link again");
    again.addEventListener("click", async () => {
      again.disabled = true;
      say(said, "");
      try {
        await pb.collection("users").requestVerification(user.email);
        say(said, `Sent — check your inbox at ${user.email}.`, "ok");
      } catch (err) {
        say(said, mailRefusal(err) || generalError(err), "error");
      } finally {
        again.disabled = false;
      }
    });
    verify.push(h("p", {}, again), said);
  }
  const status = feedback("email-feedback");
  const form = h("form", { class: "stack", id: "email-form", novalidate: true },
    ...field("acc-new-email", "New email address", { name: "newEmail", type: "email", autocomplete: "email", required: true }, "We'll send a link to it; the change happens when you open it"),
    h("div", {}, h("button", { type: "submit" }, "Send the confirmation link")),
    status,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    say(status, "");
    const newEmail = form.querySelector("#acc-new-email").value.trim();
    if (!/^[^@\s]+@[^@\s]+$/.test(newEmail)) {
      fieldError(form, "newEmail", "Enter an email address like name@example.com.");
      return focusFirstError(form);
    }
    if (newEmail.toLowerCase() === (user.email || "").toLowerCase()) {
      fieldError(form, "newEmail", "That is already your address.");
      return focusFirstError(form);
    }
    try {
      await busy(form, () => pb.collection("users").requestEmailChange(newEmail));
      say(status, `We sent a confirmation link to ${newEmail}. Your address changes when you open it.`, "ok");
      form.querySelector("#acc-new-email").value = "";
    } catch (err) {
      const words = mailRefusal(err);
      if (words) return say(status, words, "error");
      const rest = showErrors(form, err, (name, code) => (name === "newEmail" && code === "validation_invalid_new_email" ? "Another account already uses this address." : null));
      if (rest) say(status, rest, "error");
    }
  });
  return section("email", "Email", current, ...verify, form);
}

// Password: current, new, again. Changing it ends every session (PocketBase
// renews the token key); this one signs in again with the new password.
function passwordSection(user) {
  const status = feedback("password-feedback");
  const form = h("form", { class: "stack", id: "password-form", novalidate: true },
    ...field("acc-old-password", "Current password", { name: "oldPassword", type: "password", autocomplete: "current-password", required: true }),
    ...field("acc-password", "New password", { name: "password", type: "password", autocomplete: "new-password", required: true, minlength: 8 }, "At least 8 characters"),
    ...field("acc-password-confirm", "Type the new password again", { name: "passwordConfirm", type: "password", autocomplete: "new-password", required: true }),
    h("div", {}, h("button", { type: "submit" }, "Change password")),
    status,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    say(status, "");
    const data = Object.fromEntries(new FormData(form));
    if (!data.oldPassword) fieldError(form, "oldPassword", "Enter your current password.");
    if (data.password.length < 8) fieldError(form, "password", "Use at least 8 characters.");
    else if (data.password !== data.passwordConfirm) fieldError(form, "passwordConfirm", "The two passwords don't match.");
    if (form.querySelector("[data-error-for]:not(:empty)")) return focusFirstError(form);
    try {
      await busy(form, async () => {
        await pb.collection("users").update(user.id, data);
        await pb.collection("users").authWithPassword(user.username, data.password);
      });
    } catch (err) {
      const rest = showErrors(form, err);
      if (rest) say(status, rest, "error");
      return;
    }
    form.reset();
    say(status, "Password changed. You're still signed in here; other browsers and devices will need the new password.", "ok");
  });
  return section("password", "Password", form);
}

function everywhereSection() {
  const status = feedback("everywhere-feedback");
  const button = h("button", { type: "button", class: "ghost", id: "sign-out-everywhere" }, "Sign out everywhere");
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      await signOutEverywhere();
    } catch (err) {
      say(status, generalError(err), "error");
      button.disabled = false;
      return;
    }
    navigate("/signin");
    notice("You're signed out on every browser and device, this one included. Sign in again to continue.");
  });
  return section("everywhere", "Sign out everywhere",
    h("p", {}, "Lost a phone, or signed in on a shared computer? This ends every session of your account, here too."),
    h("div", {}, button), status);
}

// Delete: type your username to confirm; the button stays disabled until it matches.
function deleteSection(user) {
  const status = feedback("delete-feedback");
  const input = h("input", { id: "acc-delete-confirm", name: "confirm", type: "text", autocomplete: "off", autocapitalize: "none", spellcheck: "false", "aria-describedby": "acc-delete-hint" });
  const button = h("button", { type: "submit", class: "danger", id: "delete-account", disabled: true }, "Delete my account");
  input.addEventListener("input", () => { button.disabled = input.value.trim() !== user.username; });
  const form = h("form", { class: "stack", id: "delete-form", novalidate: true },
    h("p", {}, "This deletes your account with your questions, answers and votes. It can't be undone."),
    h("label", { class: "field", for: "acc-delete-confirm" }, "Type your username to confirm",
      h("span", { class: "hintline", id: "acc-delete-hint" }, "Your username is ", h("strong", {}, user.username)), input),
    h("div", {}, button),
    status,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (input.value.trim() !== user.username) return;
    try {
      await busy(form, () => pb.collection("users").delete(user.id));
    } catch (err) {
      say(status, generalError(err), "error");
      return;
    }
    pb.authStore.clear();
    navigate("/");
    notice("Your account has been deleted. Thanks for taking part.");
  });
  return section("delete", "Delete my account", form);
}

// The email change's mail link: the password confirms it. PocketBase then
// ends every session (the token key changes with the address), so the page
// signs in again with the new address.
export async function confirmEmailView(token) {
  setTitle("Confirm your new email address");
  const claims = tokenPayload(token);
  const heading = (text) => h("h1", {}, text);
  if (claims.type !== "emailChange" || !claims.newEmail || tokenExpired(claims)) {
    setTitle("This link doesn't work");
    mount(h("div", { class: "auth" }, heading(claims.type === "emailChange" ? "This link has expired" : "This link doesn't work"),
      h("p", { class: "callout", id: "link-bad" }, "Email change links work for a limited time and only once. ",
        h("a", { href: "/account" }, "Ask for a new one from your account page"), ".")));
    return;
  }
  const status = feedback("confirm-email-feedback");
  const form = h("form", { class: "stack", id: "confirm-email-form", novalidate: true },
    h("p", { class: "intro" }, "Enter your password to change your email address",
      claims.email ? [" from ", h("strong", {}, claims.email)] : null, " to ", h("strong", {}, claims.newEmail), "."),
    ...field("confirm-password", "Password", { name: "password", type: "password", autocomplete: "current-password", required: true }),
    h("div", {}, h("button", { type: "submit" }, "Change my email address")),
    status,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    say(status, "");
    const password = form.querySelector("#confirm-password").value;
    if (!password) {
      fieldError(form, "password", "Enter your password.");
      return focusFirstError(form);
    }
    try {
      await busy(form, () => pb.collection("users").confirmEmailChange(token, password));
    } catch (err) {
      if (err?.response?.data?.token) {
        say(status, "This link has expired or was already used. ", "error", h("a", { href: "/account" }, "Ask for a new one"), ".");
        return;
      }
      const rest = showErrors(form, err, (name) => (name === "password" ? "That password isn't right." : null));
      if (rest) say(status, rest, "error");
      return;
    }
    pb.authStore.clear(); // the old sessions ended with the change
    try {
      await pb.collection("users").authWithPassword(claims.newEmail, password);
      navigate("/account");
      notice(`Your email address is now ${claims.newEmail}.`);
    } catch {
      navigate(`/signin?next=${encodeURIComponent("/account")}`);
      notice(`Your email address is now ${claims.newEmail} — sign in with it.`);
    }
  });
  mount(h("div", { class: "auth" }, heading("Confirm your new email address"), form));
  form.querySelector("input").focus();
}
