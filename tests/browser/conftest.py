"""Browser tests: Debian's Chromium driven by Playwright against a live app on loopback.

Fixtures:
  chromium_path  the Chromium executable (/usr/bin/chromium); skips loudly when missing,
                 and fails under CI=true, where a skipped suite would hide a broken build
  clock_start    the instant the live app's clock starts at: $DVPO_TEST_CLOCK_START (London
                 time, e.g. 2027-03-25T23:50), else an ordinary working morning; a test
                 that needs another moment says @pytest.mark.clock_starts_at("..."); the
                 test reads the same clock (app.timeutil.utcnow: the server is a thread of
                 this process) and may move it with app.timeutil.run_from
  live_app       a Flask app on a fresh SQLite database: real migrations, then demo data
                 seeded relative to the clock's start
  live_server    live_app served by werkzeug on 127.0.0.1 (an ephemeral port); its base URL
  browser        one Chromium for the session (never a downloaded browser)
  context        a fresh browser context (a fresh profile) per test: en-GB, Europe/London
  page           a page in that context whose console errors, page errors, failed requests
                 and HTTP error responses fail the test
  new_page       open(viewport=..., mobile=False): a page in another fresh context (another
                 person, another device), watched for problems like `page`
  screenshot     save(page, name): full-page screenshot into a temp dir outside the repo
  page_checks    axe-core's WCAG 2.2 AA rules and "no sideways scrolling" on every page state
                 the test sees (tests/browser/page_checks.py): each page just before a
                 navigation leaves it, at each screenshot and at the end of the test, at the
                 viewport it is shown at. Any violation fails the test, with the rule, its
                 impact, the elements and the page
"""
from __future__ import annotations

import os
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pytest

from tests.browser.page_checks import PageChecks

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    # Without these Chromium keeps trying hosts this machine cannot reach.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 900}


# ------------------------------------------------------------------ Chromium


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if os.path.exists(CHROMIUM) and os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    message = (
        f"Chromium missing: {CHROMIUM} not found. Install Debian's package "
        "(apt-get install chromium); never a Playwright browser download."
    )
    if os.environ.get("CI") == "true":
        pytest.fail(f"Chromium missing under CI: {message}", pytrace=False)
    banner = "\n" + "!" * 78 + f"\n!! BROWSER TESTS SKIPPED: {message}\n" + "!" * 78 + "\n"
    print(banner, file=sys.stderr, flush=True)
    pytest.skip(banner)


@pytest.fixture(scope="session")
def playwright_driver():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(chromium_path, playwright_driver):
    browser = playwright_driver.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def context(browser, page_checks):
    # A new context is a new, empty profile: no cookies, storage or cache from other tests.
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London", viewport=VIEWPORT)
    context.set_default_timeout(10_000)
    page_checks.watch(context)
    yield context
    context.close()


# ------------------------------------------------------------------ problems on the page


@dataclass
class BrowserProblems:
    """Everything that went wrong in the browser while a test ran."""

    items: list[str] = field(default_factory=list)

    def add(self, problem: str) -> None:
        self.items.append(problem)

    def watch(self, page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.add(f"page error: {error}"))
        page.on("requestfailed", self._request_failed)
        page.on("response", self._response)

    def _console(self, message) -> None:
        if message.type == "error":
            location = message.location or {}
            self.add(f"console error: {message.text} ({location.get('url', '')})")

    def _request_failed(self, request) -> None:
        failure = request.failure or ""
        # Leaving a page cancels what it was still fetching (an htmx poll, or a script or
        # stylesheet when a click navigates before it arrived): not a fault. A cancelled
        # navigation itself still is.
        if "ERR_ABORTED" in failure and not request.is_navigation_request():
            return
        self.add(f"request failed: {request.method} {request.url}: {failure}")

    def _response(self, response) -> None:
        if response.status >= 400:
            self.add(f"HTTP {response.status}: {response.request.method} {response.url}")


_PROBLEMS = pytest.StashKey[BrowserProblems]()


@pytest.fixture
def browser_problems(request) -> BrowserProblems:
    problems = BrowserProblems()
    request.node.stash[_PROBLEMS] = problems
    return problems


@pytest.fixture
def page(context, browser_problems):
    page = context.new_page()
    browser_problems.watch(page)
    yield page
    page.close()


@pytest.fixture
def new_page(browser, browser_problems, page_checks):
    """open(viewport=VIEWPORT, mobile=False): a page in a new context of its own, so a second
    person can use the app alongside `page` (separate cookies). mobile=True emulates a phone
    (meta viewport honoured, touch). Its problems fail the test like the page fixture's."""
    contexts = []

    def open_page(viewport: dict | None = None, *, mobile: bool = False):
        context = browser.new_context(
            locale="en-GB", timezone_id="Europe/London", viewport=viewport or VIEWPORT,
            is_mobile=mobile, has_touch=mobile,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page_checks.watch(context)
        page = context.new_page()
        browser_problems.watch(page)
        return page

    yield open_page
    for context in contexts:
        context.close()


# ------------------------------------------------------------------ accessibility and width

_CHECKS = pytest.StashKey[PageChecks]()


@pytest.fixture
def page_checks(request) -> PageChecks:
    checks = PageChecks()
    request.node.stash[_CHECKS] = checks
    return checks


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """Fail a test whose browser logged errors, or whose pages broke an accessibility rule or
    scrolled sideways, even when its own assertions passed."""
    checks = item.stash.get(_CHECKS, None)
    try:
        result = yield
    except BaseException:
        problems = item.stash.get(_PROBLEMS, None)
        if problems is not None and problems.items:
            item.add_report_section("call", "browser problems", "\n".join(problems.items))
        if checks is not None and checks.findings:
            item.add_report_section("call", "accessibility and width", "\n".join(checks.findings))
        raise
    failures = []
    if checks is not None:
        checks.check_open_pages()  # the state each page was left in
        item.user_properties.append(("page_states_checked", checks.checked))
        if checks.findings:
            failures.append("pages failed the accessibility (axe-core, WCAG 2.2 AA) or width checks:\n  "
                            + "\n  ".join(checks.findings))
    problems = item.stash.get(_PROBLEMS, None)
    if problems is not None and problems.items:
        failures.append("the browser reported problems:\n  " + "\n  ".join(problems.items))
    if failures:
        pytest.fail("\n".join(failures), pytrace=False)
    return result


def pytest_terminal_summary(terminalreporter):
    checked = sum(value for reports in terminalreporter.stats.values() for report in reports
                  for name, value in getattr(report, "user_properties", ()) if name == "page_states_checked")
    if checked:
        terminalreporter.write_line(f"accessibility and width checks: {checked} page states checked")


# ------------------------------------------------------------------ the clock


def _london_instant(text: str) -> datetime:
    """An ISO 8601 instant; without an offset it is London time (as people say it)."""
    from app.domain.calendar import LONDON

    instant = datetime.fromisoformat(text)
    return instant if instant.tzinfo is not None else instant.replace(tzinfo=LONDON)


@pytest.fixture(scope="session")
def default_clock_start() -> datetime:
    chosen = os.environ.get("DVPO_TEST_CLOCK_START", "").strip()
    if not chosen:
        from tests.support import ORDINARY_MOMENT

        return ORDINARY_MOMENT
    try:
        return _london_instant(chosen)
    except ValueError:
        pytest.fail(f"DVPO_TEST_CLOCK_START must be an ISO 8601 date and time, got {chosen!r}", pytrace=False)


@pytest.fixture
def clock_start(request, default_clock_start) -> datetime:
    marker = request.node.get_closest_marker("clock_starts_at")
    return _london_instant(marker.args[0]) if marker else default_clock_start


# ------------------------------------------------------------------ the live app


@pytest.fixture
def live_app(tmp_path, clock_start):
    from app import timeutil
    from tests.support import migrated_app

    try:
        # The app starts its clock from CLOCK_STARTS_AT before the demo data is seeded.
        app = migrated_app(f"sqlite:///{tmp_path}/browser.sqlite3", demo_data=True, CLOCK_STARTS_AT=clock_start)
        yield app
        with app.app_context():
            from app.extensions import db

            db.engine.dispose()
    finally:
        timeutil.run_from(None)


@pytest.fixture
def live_server(live_app):
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


# ------------------------------------------------------------------ screenshots


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    """Screenshots go outside the repo: $DVPO_SCREENSHOT_DIR, or a fresh temp dir."""
    chosen = os.environ.get("DVPO_SCREENSHOT_DIR")
    path = Path(chosen) if chosen else Path(tempfile.mkdtemp(prefix="dvpo-screens-"))
    path.mkdir(parents=True, exist_ok=True)
    print(f"\nbrowser screenshots: {path}", file=sys.stderr)
    return path


@pytest.fixture
def screenshot(screenshot_dir, request, page_checks):
    def save(page, name: str) -> Path:
        page_checks.check(page)
        target = screenshot_dir / f"{request.node.name}-{name}.png"
        page.screenshot(path=str(target), full_page=True)
        return target

    return save
