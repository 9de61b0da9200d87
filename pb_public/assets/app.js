// The app shell: a small router over history.pushState, and the header.
import { pb, me } from "./api.js";
import { h, clearNotice, startPage, isCurrentPage } from "./dom.js";
import { homeView } from "./views/home.js";
import { questionView } from "./views/question.js";
import { askView, editView } from "./views/ask.js";
import { mineView } from "./views/mine.js";
import { signInView, signUpView } from "./views/auth.js";
import { valuationsView } from "./views/valuations.js";
import { valuationView } from "./views/valuations-property.js";
import { notFoundView } from "./views/soon.js";
import { moderationView } from "./views/moderation.js";

const routes = [
  [/^\/$/, () => homeView(), "home"],
  [/^\/ask$/, () => askView(), "ask"],
  [/^\/mine$/, () => mineView(), "mine"],
  [/^\/signin$/, () => signInView(), ""],
  [/^\/signup$/, () => signUpView(), ""],
  [/^\/questions\/([a-z0-9]+)$/, (m) => questionView(m[1]), ""],
  [/^\/questions\/([a-z0-9]+)\/edit$/, (m) => editView(m[1]), "mine"],
  [/^\/moderation$/, () => moderationView(), "moderation"],
  [/^\/valuations$/, () => valuationsView(), "valuations"],
  [/^\/valuations\/([a-z0-9]+)$/, (m) => valuationView(m[1]), "valuations"],
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
  const path = window.location.pathname.replace(/\/+$/, "") || "/";
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

export function renderAccount() {
  const box = document.getElementById("account");
  const user = me();
  if (!user) {
    const next = encodeURIComponent(window.location.pathname + window.location.search);
    box.replaceChildren(h("a", { class: "button ghost", href: `/signin?next=${next}` }, "Sign in"));
    return;
  }
  box.replaceChildren(
    h("span", { class: "who" }, user.name || user.username),
    h("button", { class: "ghost", type: "button", onclick: () => { pb.authStore.clear(); navigate("/"); } }, "Sign out"),
  );
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

renderAccount();
render();
