// Signing in and up, and the pages a mail link opens that need no account
// page: forgot password, reset password, verify email. Everything runs on
// PocketBase's own auth; its messages never reach the page: each answer is
// said in the page's words beside the field or button it concerns.
import { h, mount, pageMount, notice, feedback, say, setTitle } from "../dom.js";
import { pb, me, accountOptions, mailRefusal, noMail, tooMany, offline, tokenPayload, tokenExpired } from "../api.js";
import { navigate } from "../app.js";

export function nextPath() {
  const next = new URLSearchParams(window.location.search).get("next") || "/";
  return next.startsWith("/") && !next.startsWith("//") ? next : "/"; // stay on this site
}

// field is a labelled input with its hint and its error slot.
export function field(id, label, attrs, hint) {
  return [
    h("label", { class: "field", for: id }, label, hint ? h("span", { class: "hintline", id: `${id}-hint` }, hint) : null,
      h("input", { id, name: attrs.name, "aria-describedby": hint ? `${id}-hint ${id}-err` : `${id}-err`, ...attrs })),
    h("p", { class: "err", id: `${id}-err`, "data-error-for": attrs.name }),
  ];
}

// fieldError shows content beside the form's input called name (and marks
// the input invalid); clearErrors empties every slot.
export function fieldError(form, name, ...content) {
  const slot = form.querySelector(`[data-error-for="${CSS.escape(name)}"]`);
  if (!slot) return false;
  slot.replaceChildren(...content);
  form.querySelector(`[name="${CSS.escape(name)}"]`)?.setAttribute("aria-invalid", "true");
  return true;
}

export function clearErrors(form) {
  for (const el of form.querySelectorAll("[data-error-for]")) el.replaceChildren();
  for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
}

// focusFirstError moves focus to the first field with an error.
export function focusFirstError(form) {
  const slot = form.querySelector("[data-error-for]:not(:empty)");
  if (slot) form.querySelector(`[name="${CSS.escape(slot.dataset.errorFor)}"]`)?.focus();
}

// words says what is wrong with a field in the page's words, from the code
// PocketBase gave (its message is never shown).
export function words(fieldName, code) {
  if (code === "validation_required") return "Please fill this in.";
  switch (fieldName) {
    case "email":
    case "newEmail":
      if (code === "validation_not_unique" || code === "validation_invalid_new_email") return "This email is already registered.";
      return "Enter an email address like name@example.com.";
    case "username":
      if (code === "validation_not_unique") return "This username is taken.";
      return "Use 3–30 characters: lower-case letters, digits or _.";
    case "name":
      return "Use at most 100 characters.";
    case "oldPassword":
      return "That isn't your current password.";
    case "password":
    case "passwordConfirm":
      if (code === "validation_values_mismatch") return "The two passwords don't match.";
      if (code === "validation_max_text_constraint") return "Use at most 71 characters.";
      if (code === "validation_invalid_password") return "That password isn't right.";
      return "Use at least 8 characters.";
    default:
      return "This isn't accepted — check it and try again.";
  }
}

// generalError is the page's words for a refusal no field explains.
export function generalError(err) {
  if (err?.status === 0) return offline;
  if (err?.status === 429) return tooMany;
  if (err?.status === 403) return err?.response?.message || "You can't do that with this account.";
  if (err?.status === 503) return noMail;
  if (err?.status >= 500) return "Something went wrong on the server — try again in a minute.";
  return "That didn't work — check what you typed and try again.";
}

// showErrors puts each field's error beside it, returns the words for what
// no field shows ("" when every error found its field), and focuses the
// first field in error. special(field, code) may return content of its own.
export function showErrors(form, err, special = () => null) {
  clearErrors(form);
  const data = err?.response?.data || {};
  let unplaced = false;
  for (const [name, detail] of Object.entries(data)) {
    const content = special(name, detail?.code || "") || words(name, detail?.code || "");
    if (!fieldError(form, name, ...[content].flat())) unplaced = true;
  }
  focusFirstError(form);
  return unplaced || !Object.keys(data).length ? generalError(err) : "";
}

// busy disables a form's submit button while work runs.
export async function busy(form, work) {
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  form.setAttribute("aria-busy", "true");
  try {
    return await work();
  } finally {
    button.disabled = false;
    form.removeAttribute("aria-busy");
  }
}

// A short, centred page with a heading: the accounts pages' frame.
function panel(title, ...children) {
  setTitle(title);
  return h("div", { class: "auth" }, h("h1", {}, title), ...children);
}

// ---------------------------------------------------------------- sign in

export function signInView() {
  const next = nextPath();
  const status = feedback("signin-feedback");
  const form = h("form", { class: "stack", id: "signin-form", novalidate: true },
    ...field("in-identity", "Email or username", { name: "identity", type: "text", autocomplete: "username", required: true }),
    ...field("in-password", "Password", { name: "password", type: "password", autocomplete: "current-password", required: true }),
    h("div", { class: "row" }, h("button", { type: "submit" }, "Sign in"), h("a", { href: "/forgot", id: "forgot-link" }, "Forgot password?")),
    status,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    say(status, "");
    const { identity, password } = Object.fromEntries(new FormData(form));
    if (!identity.trim()) fieldError(form, "identity", "Enter your email address or username.");
    if (!password) fieldError(form, "password", "Enter your password.");
    if (!identity.trim() || !password) return focusFirstError(form);
    try {
      await busy(form, () => pb.collection("users").authWithPassword(identity.trim().toLowerCase(), password));
      navigate(next);
    } catch (err) {
      if (err?.status === 400) {
        fieldError(form, "password", "Wrong email, username or password.");
        form.querySelector("#in-password").select();
        form.querySelector("#in-password").focus();
      } else if (err?.status === 429) {
        // A reset lifts an account's lock at once (docs/accounts.md).
        say(status, "That's too many tries — wait a few minutes, or ", "error",
          h("a", { href: "/forgot" }, "reset your password"), " to sign in now.");
      } else {
        say(status, generalError(err), "error");
      }
    }
  });
  const others = h("section", { class: "providers", id: "providers", "aria-labelledby": "providers-h", hidden: true });
  mount(panel("Sign in", form, others,
    h("p", { class: "switch" }, "New to Rollcall? ", h("a", { href: `/signup?next=${encodeURIComponent(next)}` }, "Create an account"))));
  form.querySelector("input").focus();
  showProviders(others, form, next);
}

// showProviders offers the enabled OAuth2 providers and, when one-time
// codes are on, a code by email; nothing when neither is enabled.
async function showProviders(box, signInForm, next) {
  let methods;
  let options;
  try {
    [methods, options] = await Promise.all([pb.collection("users").listAuthMethods(), accountOptions()]);
  } catch {
    return; // the password form still works
  }
  if (!box.isConnected) return;
  const providers = methods?.oauth2?.enabled ? methods.oauth2.providers || [] : [];
  const otp = methods?.otp?.enabled;
  if (!providers.length && !otp) return;

  const status = feedback("providers-feedback");
  const list = h("div", { class: "provider-list" });
  for (const p of providers) {
    const label = p.displayName || p.name;
    list.append(h("button", {
      type: "button", class: "provider", "data-provider": p.name,
      onclick: async (event) => {
        const button = event.currentTarget;
        button.disabled = true;
        say(status, `Finish signing in with ${label} in the window that opened…`);
        try {
          await pb.collection("users").authWithOAuth2({ provider: p.name });
          navigate(next);
        } catch (err) {
          say(status, err?.isAbort || err?.status === 0
            ? `Signing in with ${label} didn't finish. If no window opened, allow pop-ups for this site and try again.`
            : `${label} didn't sign you in — try again, or use your password.`, "error");
        } finally {
          button.disabled = false;
        }
      },
    }, `Continue with ${label}`));
  }
  const parts = [h("h2", { class: "or", id: "providers-h" }, h("span", {}, "Or sign in another way"))];
  if (providers.length) parts.push(list);
  if (otp) parts.push(options.mail ? otpBlock(signInForm, next, methods.otp.duration) : h("p", { class: "muted", id: "otp-unavailable" }, "Sign-in codes by email: ", noMail));
  parts.push(status);
  box.replaceChildren(...parts);
  box.hidden = false;
}

// otpBlock: "Email me a sign-in code" opens a form for the address, then
// one for the code the mail holds.
function otpBlock(signInForm, next, duration) {
  const open = h("button", { type: "button", class: "ghost wide", id: "otp-open", "aria-expanded": "false", "aria-controls": "otp-form" }, "Email me a sign-in code");
  const status = feedback("otp-feedback");
  const form = h("form", { class: "stack", id: "otp-form", novalidate: true, hidden: true },
    ...field("otp-email", "Email", { name: "email", type: "email", autocomplete: "email", required: true }),
    h("div", {}, h("button", { type: "submit", id: "otp-send" }, "Send me a code")),
    status,
  );
  const codeStatus = feedback("otp-code-feedback");
  const codeForm = h("form", { class: "stack", id: "otp-code-form", novalidate: true, hidden: true },
    codeStatus,
    ...field("otp-code", "Sign-in code", { name: "code", type: "text", inputmode: "numeric", autocomplete: "one-time-code", required: true, maxlength: 20 }),
    h("div", { class: "row" }, h("button", { type: "submit" }, "Sign in with the code"),
      h("button", { type: "button", class: "link", id: "otp-again" }, "Send a new code")),
  );
  let otpId = "";

  open.addEventListener("click", () => {
    if (open.getAttribute("aria-expanded") === "true") { // close again
      form.hidden = true;
      codeForm.hidden = true;
      open.setAttribute("aria-expanded", "false");
      return;
    }
    form.hidden = false;
    codeForm.hidden = true;
    open.setAttribute("aria-expanded", "true");
    const typed = signInForm.querySelector("#in-identity").value.trim();
    const email = form.querySelector("#otp-email");
    if (!email.value && typed.includes("@")) email.value = typed;
    email.focus();
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    say(status, "");
    const email = form.querySelector("#otp-email").value.trim();
    if (!/^[^@\s]+@[^@\s]+$/.test(email)) {
      fieldError(form, "email", "Enter an email address like name@example.com.");
      return focusFirstError(form);
    }
    try {
      const res = await busy(form, () => pb.collection("users").requestOTP(email));
      otpId = res.otpId;
      const minutes = Math.round((duration || 180) / 60);
      form.hidden = true;
      codeForm.hidden = false;
      say(codeStatus, `If an account uses ${email}, we've sent it a code. It works for ${minutes} minute${minutes === 1 ? "" : "s"}.`);
      codeForm.querySelector("#otp-code").focus();
    } catch (err) {
      const words = mailRefusal(err);
      if (!words && err?.response?.data?.email) fieldError(form, "email", "Enter an email address like name@example.com.");
      else say(status, words || generalError(err), "error");
      focusFirstError(form);
    }
  });
  codeForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(codeForm);
    const code = codeForm.querySelector("#otp-code").value.trim();
    if (!code) {
      fieldError(codeForm, "code", "Enter the code from the mail.");
      return focusFirstError(codeForm);
    }
    try {
      await busy(codeForm, () => pb.collection("users").authWithOTP(otpId, code));
      navigate(next);
    } catch (err) {
      if (err?.status === 400 || err?.status === 401 || err?.status === 404) fieldError(codeForm, "code", "That code is wrong or has expired — check the mail, or send a new code.");
      else say(codeStatus, generalError(err), "error");
      focusFirstError(codeForm);
    }
  });
  codeForm.querySelector("#otp-again").addEventListener("click", () => {
    codeForm.hidden = true;
    form.hidden = false;
    say(codeStatus, "");
    form.querySelector("#otp-email").focus();
  });
  return h("div", { class: "otp" }, open, form, codeForm);
}

// ---------------------------------------------------------------- sign up

export async function signUpView() {
  const next = nextPath();
  const status = feedback("signup-feedback");
  const form = h("form", { class: "stack", id: "signup-form", novalidate: true },
    ...field("up-username", "Username", { name: "username", type: "text", autocomplete: "username", required: true, pattern: "[a-z0-9_]{3,30}", autocapitalize: "none", spellcheck: "false" }, "3–30 lower-case letters, digits or _"),
    ...field("up-name", "Display name", { name: "name", type: "text", autocomplete: "name", maxlength: 100 }, "Shown on your questions; optional"),
    ...field("up-email", "Email", { name: "email", type: "email", autocomplete: "email", required: true }, "Never shown to others"),
    ...field("up-password", "Password", { name: "password", type: "password", autocomplete: "new-password", required: true, minlength: 8 }, "At least 8 characters"),
    h("div", {}, h("button", { type: "submit" }, "Create account")),
    status,
  );
  const signInLink = (text) => h("a", { href: `/signin?next=${encodeURIComponent(next)}` }, text);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    say(status, "");
    const data = Object.fromEntries(new FormData(form));
    data.username = data.username.trim();
    data.email = data.email.trim();
    try {
      await busy(form, async () => {
        await pb.collection("users").create({ ...data, passwordConfirm: data.password });
        await pb.collection("users").authWithPassword(data.username, data.password);
      });
    } catch (err) {
      const rest = showErrors(form, err, (name, code) => name === "email" && code === "validation_not_unique"
        ? ["This email is already registered — ", signInLink("sign in"), " or ", h("a", { href: "/forgot" }, "reset your password"), "."]
        : null);
      if (rest) say(status, rest, "error");
      return;
    }
    const options = await accountOptions();
    navigate(next);
    const user = me();
    const hello = `Welcome to Rollcall, ${user?.name || user?.username || data.username}!`;
    notice(options.mail && user && !user.verified ? `${hello} We've sent a link to ${user.email} to verify your email address.` : hello);
  });
  mount(panel("Create an account", form, h("p", { class: "switch" }, "Already registered? ", signInLink("Sign in"))));
  form.querySelector("input").focus();
}

// ---------------------------------------------------------- forgot, reset

export async function forgotView() {
  const mount = pageMount();
  setTitle("Reset your password");
  const options = await accountOptions();
  const back = h("p", { class: "switch" }, "Remembered it? ", h("a", { href: "/signin" }, "Sign in"));
  if (!options.mail) {
    mount(panel("Reset your password", h("p", { class: "callout", id: "no-mail" }, "Password resets are sent by email. ", noMail), back));
    return;
  }
  const status = feedback("forgot-feedback");
  const form = h("form", { class: "stack", id: "forgot-form", novalidate: true },
    h("p", { class: "intro" }, "Enter the email address of your account and we'll send you a link to choose a new password."),
    ...field("forgot-email", "Email", { name: "email", type: "email", autocomplete: "email", required: true }),
    h("div", {}, h("button", { type: "submit" }, "Send the link")),
    status,
  );
  const given = new URLSearchParams(window.location.search).get("email");
  if (given) form.querySelector("#forgot-email").value = given;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    say(status, "");
    const email = form.querySelector("#forgot-email").value.trim();
    if (!/^[^@\s]+@[^@\s]+$/.test(email)) {
      fieldError(form, "email", "Enter an email address like name@example.com.");
      return focusFirstError(form);
    }
    try {
      await busy(form, () => pb.collection("users").requestPasswordReset(email));
    } catch (err) {
      const words = mailRefusal(err);
      if (!words && err?.response?.data?.email) {
        fieldError(form, "email", "Enter an email address like name@example.com.");
        focusFirstError(form);
      } else {
        say(status, words || generalError(err), "error");
      }
      return;
    }
    // The same answer whether or not an account uses the address.
    const done = h("div", { class: "callout ok", id: "forgot-sent", tabindex: "-1" },
      h("p", {}, "If an account uses ", h("strong", {}, email), ", we've sent a link to it. Open it to choose a new password."),
      h("p", { class: "muted" }, "Nothing after a few minutes? Check your spam folder, or ", h("a", { href: "/forgot" }, "try again"), "."));
    form.replaceWith(done);
    done.focus();
  });
  if (mount(panel("Reset your password", form, back))) form.querySelector("input").focus();
}

export function resetView(token) {
  const claims = tokenPayload(token);
  if (claims.type !== "passwordReset" || !claims.email || tokenExpired(claims)) {
    const broken = claims.type !== "passwordReset" || !claims.email;
    mount(panel(broken ? "This link doesn't work" : "This link has expired", h("p", { class: "callout", id: "link-bad" },
      broken ? "It may have been cut short: copy the whole link from the mail, or " : "Password reset links work for a limited time and only once. ",
      h("a", { href: "/forgot" }, broken ? "ask for a new link" : "Ask for a new link"), ".")));
    return;
  }
  const status = feedback("reset-feedback");
  const form = h("form", { class: "stack", id: "reset-form", novalidate: true },
    h("p", { class: "intro" }, "For your account ", h("strong", {}, claims.email), "."),
    ...field("reset-password", "New password", { name: "password", type: "password", autocomplete: "new-password", required: true, minlength: 8 }, "At least 8 characters"),
    ...field("reset-confirm", "Type it again", { name: "passwordConfirm", type: "password", autocomplete: "new-password", required: true }),
    h("div", {}, h("button", { type: "submit" }, "Save the new password")),
    status,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    say(status, "");
    const { password, passwordConfirm } = Object.fromEntries(new FormData(form));
    if (password.length < 8) fieldError(form, "password", "Use at least 8 characters.");
    else if (password !== passwordConfirm) fieldError(form, "passwordConfirm", "The two passwords don't match.");
    if (form.querySelector("[data-error-for]:not(:empty)")) return focusFirstError(form);
    try {
      await busy(form, () => pb.collection("users").confirmPasswordReset(token, password, passwordConfirm));
    } catch (err) {
      if (err?.response?.data?.token) {
        say(status, "This link has expired or was already used. ", "error", h("a", { href: "/forgot" }, "Ask for a new link"), ".");
        return;
      }
      const rest = showErrors(form, err);
      if (rest) say(status, rest, "error");
      return;
    }
    try {
      await pb.collection("users").authWithPassword(claims.email, password);
      navigate("/");
      notice("Your password has been changed, and you're signed in.");
    } catch {
      navigate("/signin");
      notice("Your password has been changed — sign in with it.");
    }
  });
  mount(panel("Choose a new password", form));
  form.querySelector("input").focus();
}

// ---------------------------------------------------------------- verify

export async function verifyView(token) {
  const mount = pageMount();
  mount(panel("Verifying your email address…", h("p", { class: "muted" }, "One moment.")));
  try {
    await pb.collection("users").confirmVerification(token);
  } catch (err) {
    const user = me();
    const more = [];
    if (user && !user.verified) {
      const status = feedback("verify-feedback");
      const resend = h("button", { type: "button", id: "verify-resend" }, "Send me a new link");
      resend.addEventListener("click", async () => {
        resend.disabled = true;
        try {
          await pb.collection("users").requestVerification(user.email);
          say(status, `Sent — check your inbox at ${user.email}.`, "ok");
        } catch (e) {
          say(status, mailRefusal(e) || generalError(e), "error");
        } finally {
          resend.disabled = false;
        }
      });
      more.push(h("div", { class: "row" }, resend), status);
    } else if (user) {
      more.push(h("p", {}, "Your address is already verified — nothing more to do. ", h("a", { href: "/" }, "Go to the top questions"), "."));
    } else {
      more.push(h("p", {}, h("a", { href: `/signin?next=${encodeURIComponent("/account")}` }, "Sign in"), " and we'll offer to send a new link."));
    }
    mount(panel("This link didn't work", h("p", { class: "callout", id: "link-bad" },
      err?.status === 0 ? offline : "The verification link is invalid or has expired (links work for a limited time)."), ...more));
    return;
  }
  if (me()) {
    try {
      await pb.collection("users").authRefresh();
    } catch {
      // the page still says what happened; the next load refreshes
    }
  }
  mount(panel("Your email is verified", h("p", { class: "callout ok", id: "verified" }, "Thanks — your email address is confirmed."),
    h("p", {}, h("a", { class: "button", href: "/" }, "Go to the top questions"))));
}
