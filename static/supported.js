// GOV.UK Frontend styles its JavaScript components as enhanced only with this class; like
// GOV.UK's own template, set it only where the ES module can run. (The CSP forbids the
// template's inline version, so this is a file loaded first thing in <body>.)
if ("noModule" in HTMLScriptElement.prototype) {
  document.body.classList.add("govuk-frontend-supported");
}
