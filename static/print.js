// The printout toolbar's Print button (templates/print.html). A file, not an inline
// onclick, because the CSP is script-src 'self'. The button starts hidden so that
// without JavaScript nobody sees a button that does nothing.
const button = document.getElementById("print-button");
if (button) {
  button.addEventListener("click", () => window.print());
  button.hidden = false;
}
