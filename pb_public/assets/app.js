// The app shell: a small router over history.pushState, and the header.
import { pb, me, accountOptions, mailRefusal, noMail } from "./api.js";
import { h, clearNotice, startPage, isCurrentPage, notice, setTitle } from "./dom.js";
import { homeView } from "./views/home.js";
import { questionView } from "./views/question.js";
import { askView, editView } from "./views/ask.js";
import { mineView } from "./views/mine.js";
import { signInView, signUpView, forgotView, resetView, verifyView } from "./views/auth.js";
import { accountView, confirmEmailView } from "./views/account.js";
import { valuationsView } from "./views/valuations.js";
import { valuationView } from "./views/valuations-property.js";
import { valuationsSuburbView } from "./views/valuations-suburb.js";
import { notFoundView } from "./views/soon.js";
import { moderationView } from "./views/moderation.js";
import { questionsView } from "./views/questions.js";
import { profileView } from "./views/profile.js";
import { wireSearch, setSearchTerms } from "./views/search.js";

const routes = [
  [/^\/$/, () => homeView(), "home"],
  [/^\/ask$/, () => askView(), "ask"],
  [/^\/mine$/, () => mineView(), "mine"],
  [/^\/signin$/, () => signInView(), ""],
  [/^\/signup$/, () => signUpView(), ""],
  [/^\/forgot$/, () => forgotView(), ""],
  [/^\/reset\/([^/]+)$/, (m) => resetView(m[1]), ""],
  [/^\/verify\/([^/]+)$/, (m) => verifyView(m[1]), ""],
  [/^\/confirm-email\/([^/]+)$/, (m) => confirmEmailView(m[1]), "account"],
  [/^\/account$/, () => accountView(), "account"],
  [/^\/questions$/, () => questionsView(), "questions"],
  [/^\/u\/([a-z0-9_]{3,30})$/, (m) => profileView(m[1]), ""],
  [/^\/questions\/([a-z0-9]+)$/, (m) => questionView(m[1]), ""],
  [/^\/questions\/([a-z0-9]+)\/edit$/, (m) => editView(m[1]), "mine"],
  [/^\/moderation$/, () => moderationView(), "moderation"],
  [/^\/valuations$/, () => valuationsView(), "valuations"],
  [/^\/valuations\/([a-z0-9]+)$/, (m) => valuationView(m[1]), "valuations"],
  [/^\/valuations\/suburbs\/([^/]+)$/, (m) => valuationsSuburbView(m[1]), "valuations"],
];

// known says whether path is one of the app's own pages. Other paths on
// this host (/docs, /api/…, PocketBase's /_/) are pages of their own.
function known(pathname) {
  const path = pathname.replace(/\/+$/, "") || "/";
  return routes.some(([pattern]) => pattern.test(path));
}

let cleanup = null;

export async function render() {
  if (cleanup) {
    cleanup();
    cleanup = null;
  }
  const token = startPage();
  setTitle(""); // each view names its page
  const path = window.location.pathname.replace(/\/+$/, "") || "/";
  if (path !== "/questions") setSearchTerms(""); // the box keeps only a search's terms
  for (const [pattern, view, nav] of routes) {
    const m = path.match(pattern);
    if (m) {
      markNav(nav);
      const done = (await view(m)) || null;
      // A view the user left while it loaded cleans up at once.
      if (isCurrentPage(token)) cleanup = done;
      else if (done) done();
      return;
    }
  }
  markNav("");
  setTitle("Page not found");
  notFoundView();
}

export function navigate(to) {
  clearNotice();
  window.history.pushState({}, "", to);
  render();
  document.getElementById("main").focus({ preventScroll: true });
  window.scrollTo(0, 0);
}

function markNav(active) {
  for (const a of document.querySelectorAll("[data-nav]")) {
    if (a.dataset.nav === active) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
}

// renderAccount draws the header's account corner (Sign in, or your name
// linking to /account and Sign out), the Moderation item for moderators,
// and the banner asking an unverified user to verify their address.
export function renderAccount() {
  const box = document.getElementById("account");
  const user = me();
  for (const li of document.querySelectorAll("[data-moderator-only]")) li.hidden = !user?.moderator;
  renderVerifyBanner();
  if (!user) {
    const next = encodeURIComponent(window.location.pathname + window.location.search);
    box.replaceChildren(h("a", { class: "button ghost", href: `/signin?next=${next}` }, "Sign in"));
    return;
  }
  box.replaceChildren(
    h("a", { class: "who", href: "/account", "data-nav": "account", title: "Your account" }, user.name || user.username),
    h("button", { class: "ghost", type: "button", onclick: () => { pb.authStore.clear(); navigate("/"); notice("You're signed out."); } }, "Sign out"),
  );
  if (window.location.pathname.startsWith("/account")) box.querySelector("a.who").setAttribute("aria-current", "page");
}

// The verification banner: quiet under the header while the signed-in user
// has not verified their address; it says why it matters when the server
// requires it, and after a write was refused for it.
let options = null; // the server's account options, asked once per page load
let refused = false; // a write was refused for want of verification
let bannerFor = ""; // the user the banner was drawn for

async function renderVerifyBanner() {
  const banner = document.getElementById("verify-banner");
  const user = me();
  if (!user || user.verified) {
    banner.hidden = true;
    banner.replaceChildren();
    bannerFor = "";
    return;
  }
  options = options || (await accountOptions());
  const key = `${user.id}|${user.email}|${refused}`;
  if (bannerFor === key && !banner.hidden) return; // keep what a resend said
  bannerFor = key;
  const email = user.email || "your email address";
  const needed = options.requireVerified || refused;
  const text = needed
    ? h("p", {}, h("strong", {}, "Verify your email address to ask, answer, vote or report. "), "We sent a link to ", h("strong", {}, email), ".")
    : h("p", {}, "Please verify your email address (we sent a link to ", h("strong", {}, email), ").");
  const said = h("span", { class: "said", role: "status" });
  const parts = [text];
  if (options.mail) {
    const resend = h("button", { type: "button", class: "link", id: "resend-verification" }, "Resend the link");
    resend.addEventListener("click", async () => {
      resend.disabled = true;
      said.className = "said";
      said.textContent = "Sending…";
      try {
        await pb.collection("users").requestVerification(user.email);
        said.textContent = `Sent — check your inbox at ${email}.`;
      } catch (err) {
        said.className = "said error";
        said.textContent = mailRefusal(err) || "The link couldn't be sent — try again in a minute.";
      } finally {
        resend.disabled = false;
      }
    });
    parts.push(resend, said);
  } else {
    parts.push(h("p", { class: "said" }, noMail));
  }
  banner.className = "verify-banner" + (needed ? " needed" : "");
  banner.replaceChildren(h("div", { class: "verify-inner" }, ...parts));
  banner.hidden = false;
}

window.addEventListener("rollcall:verify-needed", () => {
  if (refused) return;
  refused = true;
  renderVerifyBanner();
});

// On load, the signed-in user's record is refreshed from the server: a
// verification, a moderator flag or a new name made elsewhere shows, and a
// session ended elsewhere (sign out everywhere, a new password) ends here.
async function refreshSession() {
  if (!me()) return;
  try {
    await pb.collection("users").authRefresh();
  } catch (err) {
    if (err?.status === 401 || err?.status === 403 || err?.status === 404) {
      pb.authStore.clear();
      notice("Your session has ended — please sign in again.");
    }
  }
}

// Links to the app's own pages navigate inside it; anything else (another
// host, /docs, the API, a download, a new tab, a jump within the page) is
// left to the browser.
document.addEventListener("click", (event) => {
  const a = event.target.closest("a[href]");
  if (!a || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  if (a.hasAttribute("download") || (a.target && a.target !== "_self")) return;
  const url = new URL(a.href, window.location.href);
  if (url.origin !== window.location.origin || !known(url.pathname)) return;
  if (url.hash && url.pathname === window.location.pathname && url.search === window.location.search) return;
  event.preventDefault();
  navigate(url.pathname + url.search);
});

window.addEventListener("popstate", () => render());
pb.authStore.onChange(() => renderAccount());

wireSearch(navigate);
renderAccount();
render();
refreshSession();
