"""Every page each role can reach, on a phone (360 px) and a desktop (1280 px): axe-core's
WCAG 2.2 AA rules find nothing and no page scrolls sideways (tests/browser/page_checks.py).

Each role logs in and follows the links it is shown, page after page, from its landing page
and the pages named below (the dashboard with its tasks, case pages in each state the demo
data holds, court pages and bundles, printouts, texts, referrals, casework, Code breaches,
search and the list of every case, corrections, handovers, admin pages). A page is checked
at 360 px, then again at 1280 px without reloading. Links that lead to the same kind of page
(the same path with the numbers taken out) are followed a few times, not all, except case
and court pages, which the officer follows once for each kind of case the demo data holds (its
state, regime and whether the order was made elsewhere); other roles, who see the same pages
with fewer controls, follow one of each.
"""
from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urljoin, urlsplit

import pytest
from playwright.sync_api import expect

from app.jobs import dispatch_emails
from tests.browser.journeys import DESKTOP, PHONE

pytestmark = pytest.mark.browser

PASSWORDS = {  # the demo log-ins (app/demo.py)
    "officer": ("officer@demo.police.uk", "officer-demo-2026"),
    "superintendent": ("superintendent@demo.police.uk", "superintendent-demo-2026"),
    "caseworker": ("caseworker@demo.police.uk", "caseworker-demo-2026"),
    "supervisor": ("supervisor@demo.police.uk", "supervisor-demo-2026"),
    "admin": ("admin@demo.police.uk", "admin-demo-2026"),
}

# Pages no link leads to from a landing page, or states only a query shows.
EXTRA = {
    "officer": ["/dashboard/tasks", "/search?q=Hargreaves", "/search?q=nobody+at+all", "/cases?state=closed", "/my-cases",
                "/referrals/breaches", "/orders/elsewhere/new", "/cases/new", "/account/password"],
    "supervisor": ["/handovers/leaver", "/cases?page=2", "/search?q=Carver"],
    "superintendent": ["/authorisations"],
    "caseworker": ["/referrals/inbox"],
    "admin": ["/admin/users", "/admin/users/new", "/admin/services", "/admin/calendar", "/admin/emails",
              "/admin/texts/", "/admin/texts/plan", "/admin/texts/cadence", "/admin/texts/trial",
              "/admin/texts/outbox", "/admin/texts/unknown"],
}
# Never followed: files, downloads, the log-in page, webhooks.
SKIP = re.compile(r"^/(static|documents|webhooks|healthz|login)\b|\.(pdf|csv|xlsx)$")
# Each of these looks different for each kind of case: follow one of each kind.
EVERY = re.compile(r"^/cases/N(/court|/application)?$")
CASE_ID = re.compile(r"^/cases/(\d+)")
LOADS_LATER = '[hx-trigger="load"]'
FEW = 1  # one page of each other kind: the crawl is most of the browser suite's time
MOST_PAGES = 140
# Kinds of page saved as a 360 px screenshot, the first time each is seen (wide tables that
# became stacked rows, a back link inside <main>, a printout).
SHOW = re.compile(r"^/(dashboard|admin/(services|emails|texts/plan|texts/templates/\w+)|referrals/breaches"
                  r"|cases/N/court(/printout)?|cases/N/texts|cases/N/handover)$")


def kind_of(url: str) -> str:
    parts = urlsplit(url)
    keys = sorted({pair.split("=")[0] for pair in parts.query.split("&") if pair})
    return re.sub(r"\d+", "N", parts.path) + ("?" + "&".join(keys) if keys else "")


def links_on(page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
    found = []
    for href in hrefs:
        url = urljoin(page.url, href).split("#")[0]
        if url.startswith(base) and not SKIP.search(urlsplit(url).path):
            found.append(url[len(base):])
    return found


def log_in(page, base: str, role: str) -> None:
    email, password = PASSWORDS[role]
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def case_kinds(app) -> dict[str, str]:
    """Each case's id to its kind: state, regime and whether its order was made elsewhere."""
    from app.extensions import db
    from app.models import Case

    with app.app_context():
        return {str(case.id): f"{case.state.value}-{case.regime}-{case.made_elsewhere}" for case in db.session.query(Case)}


def crawl(page, base: str, role: str, page_checks, screenshot, kinds_of_case: dict[str, str]) -> list[str]:
    log_in(page, base, role)
    extra = EXTRA.get(role, [])
    start = urlsplit(page.url).path
    queue, seen, kinds, visited, shown = [start, *extra], set(), Counter(), [], set()
    while queue and len(visited) < MOST_PAGES:
        path = queue.pop(0)
        kind = kind_of(path)
        if EVERY.match(kind) and role == "officer":  # the officer in the case sees every kind of case
            kind += "|" + kinds_of_case.get(CASE_ID.match(path).group(1), "")
        if path in seen or kinds[kind] >= FEW:
            continue
        seen.add(path)
        kinds[kind] += 1
        page.set_viewport_size(PHONE)
        response = page.goto(base + path)
        assert response is not None and response.ok, f"{path}: HTTP {response and response.status}"
        # Checked at 360 px as it loaded (page_checks' on-load run); at 1280 px below, with
        # the stylesheet read for the one rule that needs it. A part htmx fetches as the page
        # loads (the dashboard's tasks) arrives after that: once it is in, 360 px again.
        if page.locator(LOADS_LATER).count():
            page.wait_for_function(f"() => !document.querySelector('{LOADS_LATER}')")
            page_checks.check(page)
        if SHOW.match(kind_of(path)) and kind_of(path) not in shown:
            shown.add(kind_of(path))
            screenshot(page, re.sub(r"\W+", "-", kind_of(path)).strip("-") + "-360")
        page.set_viewport_size(DESKTOP)
        page_checks.check(page)
        visited.append(path)
        queue.extend(link for link in links_on(page, base) if link not in seen)
    return visited


@pytest.mark.parametrize("role", list(PASSWORDS))
def test_every_page_a_role_reaches_passes_axe_and_fits_360_and_1280(role, page, live_app, live_server, page_checks,
                                                                     screenshot):
    if role == "admin":
        dispatch_emails(live_app)  # the Emails page with the demo's queued emails in it
    visited = crawl(page, live_server, role, page_checks, screenshot, case_kinds(live_app))
    assert len(visited) >= 5, visited
    print(f"{role}: {len(visited)} pages at 360 and 1280 px:", *visited, sep="\n  ")


BROKEN = """<!DOCTYPE html><html lang="en"><head><title>Broken</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><a href="#here">Outside every landmark</a>
<main><h1>Broken on purpose</h1>
<input type="radio" name="r" aria-label="A radio" aria-expanded="false">
<p style="width: 900px">Wider than a phone</p></main></body></html>"""


def test_the_checks_find_a_broken_page_as_it_loads(page, live_server, page_checks):
    """The checks themselves: a page with a radio that has aria-expanded, content outside any
    landmark and a paragraph wider than the phone is reported for all three as soon as it
    loads, before the test does anything else with it."""
    page.route(f"{live_server}/broken-on-purpose",
               lambda route: route.fulfill(status=200, content_type="text/html", body=BROKEN))
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server}/broken-on-purpose")
    for _ in range(50):  # the result comes back from the page through a binding
        if len(page_checks.findings) >= 3:
            break
        page.wait_for_timeout(100)
    found = "\n".join(page_checks.findings)
    assert "aria-allowed-attr (critical) at 360px on /broken-on-purpose" in found, found
    assert "region (moderate) at 360px on /broken-on-purpose" in found, found
    assert "scrolls sideways at 360px on /broken-on-purpose" in found, found
    assert page_checks.checked == 1
    page.goto("about:blank")  # leave it, so the end of the test has nothing to report
    page_checks.findings.clear()
