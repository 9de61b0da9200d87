// The header's search box: a form (role="search") that GETs /questions?q=…
// without JavaScript and navigates inside the app with it. The questions
// page keeps the terms in the box and puts the server's refusal of a term
// beside it.
const form = () => document.getElementById("search");
const box = () => document.getElementById("search-q");
const said = () => document.getElementById("search-msg");

// searchPath is the address of a search for terms ("" lists everything).
export function searchPath(terms) {
  const q = String(terms || "").trim().replace(/\s+/g, " ");
  return q ? `/questions?q=${encodeURIComponent(q)}` : "/questions";
}

// setSearchTerms puts terms in the box (and clears any refusal).
export function setSearchTerms(terms) {
  const input = box();
  if (input && input.value !== terms) input.value = terms;
  searchRefused("");
}

// searchRefused shows why the server would not search ("" clears it).
export function searchRefused(message) {
  const input = box();
  const el = said();
  if (!input || !el) return;
  el.textContent = message; // an empty live region takes no room
  if (message) input.setAttribute("aria-invalid", "true");
  else input.removeAttribute("aria-invalid");
}

// wireSearch makes the form navigate inside the app (go is app.js's navigate).
export function wireSearch(go) {
  const el = form();
  if (!el) return;
  el.addEventListener("submit", (event) => {
    event.preventDefault();
    go(searchPath(box().value));
  });
  // Typing again takes the complaint away.
  box().addEventListener("input", () => { if (said().textContent) searchRefused(""); });
}
