// Starts GOV.UK Frontend's components, on the page and on every fragment htmx swaps in.
// The import names the vendored version: update it with static/vendor/ (see its README).
import { initAll } from "./vendor/govuk-frontend-6.6.0.min.js";

// Siblings already running throw InitError when a parent scope is re-initialised: expected.
const quiet = (error) => { if (error.name !== "InitError") console.error(error); };

initAll({ onError: quiet });

document.addEventListener("htmx:load", (event) => {
  const elt = event.target;
  if (elt === document.body) return; // the initial page load, done above
  // querySelectorAll never matches its scope, and the swapped element may itself be a
  // data-module root, so scope to its parent.
  initAll({ scope: elt.parentElement ?? elt, onError: quiet });
});

// Conditional reveals for radios ("Does P have a mobile?"), without GOV.UK Frontend's: it sets
// aria-expanded on each radio, an attribute the radio role does not take (axe's
// aria-allowed-attr). An input with data-app-reveal="id" shows the element with that id while
// it is checked; the revealed fields follow their radio, where a screen reader comes to them.
const syncReveals = (scope) => {
  scope.querySelectorAll("input[data-app-reveal]").forEach((input) => {
    const revealed = document.getElementById(input.dataset.appReveal);
    if (revealed) revealed.classList.toggle("govuk-radios__conditional--hidden", !input.checked);
  });
};

document.addEventListener("change", (event) => {
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || input.type !== "radio") return;
  // Checking one radio unchecks the others of its group without a change event of theirs.
  syncReveals(input.form ?? document);
});
document.addEventListener("htmx:load", (event) => syncReveals(event.target));
window.addEventListener("pageshow", () => syncReveals(document)); // a page restored from history
syncReveals(document);
