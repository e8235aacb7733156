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
