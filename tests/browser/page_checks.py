"""Accessibility and width checks run on every page state the browser tests see.

axe-core (vendored in tests/browser/vendor/, see its README) runs the WCAG 2.2 A and AA
rules and its best practices on the page as it is, at the viewport it is shown at, and the
page must not scroll sideways (`document.scrollingElement.scrollWidth` no more than the
layout viewport's width). Every violation of any impact is a finding.

When a page is checked (tests/browser/conftest.py wires this in):
  - as it loads: every browser context adds axe-core and a small runner to each document
    (an init script); on the `load` event the runner checks the page there and then and
    hands the result to Python through an exposed binding. It runs axe to the end before the
    page does anything else (axe's own `setTimeout(..., 0)` hops become microtasks for the
    length of the run), so no click or keystroke of the test lands while a page is half
    checked, and a page the test leaves at once has still been checked;
  - at each `screenshot(...)`, as the page is then (after htmx swaps, with a form filled in);
  - at the end of the test, every page still open, as it was left;
  - explicitly, with `check(page)` (tests/browser/test_every_page.py).
On load, axe does not fetch the stylesheets again (`preload: false`); the other checks do,
so the one rule that reads the CSS itself (`css-orientation-lock`) runs there.

The checks run in the page without weakening its Content Security Policy: axe-core is
evaluated through the DevTools protocol, which the page's CSP does not govern, and needs no
`eval` (with the CSP on, a CSP violation would be a console error and fail the test). The
browser contexts therefore keep the app's CSP, so the suite still notices an inline script
or style the CSP refuses.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

AXE_VERSION = "4.14.1"
VENDOR = Path(__file__).parent / "vendor"
AXE_FILE = VENDOR / f"axe-{AXE_VERSION}.min.js"
# WCAG 2.0, 2.1 and 2.2, levels A and AA (WCAG 2.2 added AA rules only), and axe's best
# practices, among them `region`: all content in a landmark (a back link or a printout's
# header outside them is missed by a screen reader's landmark navigation).
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice")

_MEASURE = """(results) => {
  // The layout viewport: on a phone that zooms out to show a page too wide for it,
  // innerWidth grows with the page but the layout viewport stays the screen's width.
  const root = document.scrollingElement || document.documentElement;
  const width = document.documentElement.clientWidth;
  const wide = root.scrollWidth <= width ? [] : [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > width + 0.5)
    .slice(0, 4)
    .map(e => e.tagName.toLowerCase() + (typeof e.className === 'string' && e.className.trim()
      ? '.' + e.className.trim().split(/\\s+/).join('.') : '')
      + ' (right edge ' + Math.round(e.getBoundingClientRect().right) + ')');
  return {
    width, scrollWidth: root.scrollWidth, wide,
    violations: results.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help,
      targets: v.nodes.map(n => n.target.join(' ')),
    })),
  };
}"""

_RUN = """async ({tags}) => {
  if (document.contentType !== 'text/html') return null;
  // Caught mid-navigation (a test's click just left the page), the new document may not be
  // parsed yet: an empty <html> has no main and no h1. Check it once it has loaded.
  if (document.readyState !== 'complete') {
    await new Promise(resolve => window.addEventListener('load', resolve, {once: true}));
  }
  const results = await window.axe.run(document, {
    runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'],
  });
  return (__MEASURE__)(results);
}""".replace("__MEASURE__", _MEASURE)

# Added to every document of a watched context, after axe-core itself.
_ON_LOAD = """(() => {
  if (window.top !== window || !/^https?:$/.test(location.protocol)) return;
  const tags = __TAGS__;
  const measure = __MEASURE__;
  window.addEventListener('load', () => {
    if (document.contentType !== 'text/html') return;
    const realSetTimeout = window.setTimeout;
    // Run axe to the end in this task: its zero-delay timeouts become microtasks.
    window.setTimeout = (callback, delay, ...args) => {
      if (delay) return realSetTimeout(callback, delay, ...args);
      queueMicrotask(() => callback(...args));
      return 0;
    };
    let run;
    try {
      run = window.axe.run(document, {
        runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'], preload: false,
      });
    } catch (error) {
      run = Promise.reject(error);
    }
    run.then(results => window.__dvpoPageChecked(measure(results)),
             error => window.__dvpoPageChecked({error: String(error)}))
       .finally(() => { window.setTimeout = realSetTimeout; });
  }, {once: true});
})();"""

# The page went away while it was being checked: nothing to report about it.
_GONE = ("Execution context was destroyed", "has been closed", "Target closed")


@cache
def axe_source() -> str:
    """The vendored axe-core, after checking it is the file SHA256SUMS names."""
    expected = {}
    for line in (VENDOR / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split()
        expected[name] = digest
    data = AXE_FILE.read_bytes()
    if hashlib.sha256(data).hexdigest() != expected.get(AXE_FILE.name):
        raise RuntimeError(f"{AXE_FILE} does not match tests/browser/vendor/SHA256SUMS: run scripts/vendor-axe")
    return data.decode("utf-8")


@dataclass
class PageChecks:
    """The findings of one test: axe violations and sideways scrolling, each said once."""

    base_url: str = "http://127.0.0.1:"  # the live server's pages, whatever its port
    findings: list[str] = field(default_factory=list)
    checked: int = 0
    contexts: list = field(default_factory=list)
    _said: set = field(default_factory=set)

    def watch(self, context) -> None:
        """Check each page of the context as it loads (and keep it for the end of the test)."""
        self.contexts.append(context)
        context.expose_binding("__dvpoPageChecked", self._loaded)
        context.add_init_script(axe_source() + "\n;" + _ON_LOAD.replace("__TAGS__", json.dumps(list(WCAG_TAGS))).replace("__MEASURE__", _MEASURE))

    def _loaded(self, source, result) -> None:
        # Called from the page (the event loop's thread): only record, never call back into it.
        url = source["frame"].url
        if "error" in result:
            self._say(f"could not check {_path(url)} on load: {result['error']}", ("error", url))
        else:
            self._record(url, result, source["page"].viewport_size)

    def check_open_pages(self) -> None:
        for context in self.contexts:
            try:
                pages = list(context.pages)
            except Exception:  # noqa: BLE001 - a closed context has no pages to check
                continue
            for page in pages:
                self.check(page)

    def check(self, page) -> None:
        """Run axe and the width check on the page as it is now, at its viewport."""
        if page.is_closed() or not self._ours(page.url):
            return
        result = self._run(page)
        if result is not None:
            self._record(page.url, result, page.viewport_size)

    def _record(self, url: str, result: dict, viewport: dict | None) -> None:
        self.checked += 1
        shown_at = viewport["width"] if viewport else result["width"]
        where = f"at {shown_at}px on {_path(url)}"
        if result["scrollWidth"] > result["width"]:
            self._say(f"scrolls sideways {where}: {result['scrollWidth']}px wide; too wide: {', '.join(result['wide'])}",
                      ("width", _path(url), shown_at))
        for violation in result["violations"]:
            targets = violation["targets"]
            shown = ", ".join(targets[:5]) + (f" and {len(targets) - 5} more" if len(targets) > 5 else "")
            self._say(f"{violation['id']} ({violation['impact']}) {where}: {violation['help']}: {shown}",
                      (violation["id"], _path(url), shown_at, tuple(targets)))

    def _run(self, page) -> dict | None:
        try:
            if page.evaluate("() => typeof window.axe === 'undefined'"):
                page.evaluate(axe_source())
            return page.evaluate(_RUN, {"tags": list(WCAG_TAGS)})
        except Exception as error:  # noqa: BLE001 - a page that went away is not a finding
            if any(text in str(error) for text in _GONE):
                return None
            self._say(f"could not check {_path(page.url)}: {str(error).splitlines()[0]}", ("error", page.url))
            return None

    def _ours(self, url: str) -> bool:
        if not url.startswith(self.base_url):
            return False
        return not urlsplit(url).path.endswith((".pdf", ".csv"))

    def _say(self, finding: str, key: tuple) -> None:
        if key not in self._said:
            self._said.add(key)
            self.findings.append(finding)


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")
