"""A breach of the notice the evening before the listed hearing, in the browser.

Monday 16 November 2026, 19:30 London. The demo's Trevor Lang has been served and has about
40 hours left on the hearing clock. The officer lists the hearing for Tuesday 10:00 and then
records that P was arrested at 19:15 for breaching the notice. The 24 hours would end on
Tuesday at 19:15, but P must be brought before the court "if earlier, at the hearing of the
application" (DAA 2021 s.26(2)(b); CSA 2010 s.26(2)(b)): the dashboard, the court page and
the breach printout all show Tuesday 10:00. At the hearing the court adjourns to Wednesday
and remands P in custody until then (DAA 2021 s.29(8)); the arrest clock stops, and the
remand is on the court page and the court printout.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

from app import timeutil
from app.domain.calendar import LONDON
from app.domain.clocks import BREACH_CLOCK
from app.domain.timefmt import format_instant
from tests.browser.journeys import (
    fieldset,
    fill_date_time,
    log_in,
    main_nav,
    open_court,
    open_served_case,
    success_banner,
)

pytestmark = pytest.mark.browser

PERPETRATOR = "Trevor Lang"
COURT = "Eastbury Magistrates' Court"
HEARING = datetime(2026, 11, 17, 10, 0, tzinfo=LONDON)
ARRESTED = datetime(2026, 11, 16, 19, 15, tzinfo=LONDON)
ADJOURNED_TO = datetime(2026, 11, 18, 10, 0, tzinfo=LONDON)


def _dashboard_row(page, reference):
    main_nav(page).get_by_role("link", name="Dashboard").click()
    return page.locator("#case-rows tr").filter(has=page.get_by_role("link", name=reference, exact=True))


@pytest.mark.clock_starts_at("2026-11-16T19:30")
def test_arrested_the_evening_before_the_hearing_the_hearing_is_the_deadline_and_p_is_remanded(
        page, live_server, screenshot):
    log_in(page, live_server)
    reference = open_served_case(page, PERPETRATOR)
    open_court(page)
    court_url = page.url

    page.get_by_role("link", name="Record the listing").click()
    page.fill("#court_name", COURT)
    fill_date_time(page, "starts_date", "starts_time", HEARING)
    page.get_by_role("button", name="Save").click()
    expect(success_banner(page, "Hearing listed.")).to_be_visible()

    page.get_by_role("button", name="Record a breach").click()
    fill_date_time(page, "occurred_date", "occurred_time", ARRESTED - timedelta(minutes=20))
    page.fill("#description", "At V's door shouting; the notice forbids molesting V.")
    fieldset(page, "source").get_by_label("The victim", exact=True).check()
    fieldset(page, "arrested").get_by_label("Yes", exact=True).check()
    fill_date_time(page, "arrested_date", "arrested_time", ARRESTED)
    page.fill("#arresting_officer", "PC 4410 Hale")
    page.get_by_role("button", name="Record the breach").click()
    expect(page).to_have_url(court_url)

    # The hearing (Tue 10:00) comes before the 24 hours end (Tue 19:15): it is the deadline.
    row = _dashboard_row(page, reference)
    expect(row).to_contain_text(BREACH_CLOCK)
    expect(row).to_contain_text(format_instant(HEARING))
    expect(row).not_to_contain_text(format_instant(ARRESTED + timedelta(hours=24)))
    screenshot(page, "breach-evening-before-hearing-dashboard")

    open_served_case(page, PERPETRATOR)
    open_court(page)
    page.get_by_role("link", name="Breach printout").click()
    document = page.locator("main.app-print-document")
    expect(document).to_contain_text(f"{format_instant(HEARING)}, at the hearing of the application")
    expect(document).to_contain_text("cannot fine or commit")
    screenshot(page, "breach-evening-before-hearing-printout")

    # The hearing sits; the court adjourns it to Wednesday and remands P in custody.
    timeutil.run_from(HEARING + timedelta(hours=1))
    log_in(page, live_server)  # the night's idle session has ended
    page.goto(court_url)
    page.get_by_role("button", name="Record the outcome").click()
    expect(page.get_by_role("heading", name="Hearing outcome", level=1)).to_be_visible()
    fieldset(page, "outcome").get_by_label("Adjourned", exact=True).check()
    fieldset(page, "contested").get_by_label("Yes", exact=True).check()
    fill_date_time(page, "next_date", "next_time", ADJOURNED_TO)
    expect(page.get_by_text(f"P was arrested {format_instant(ARRESTED)}")).to_be_visible()
    fieldset(page, "p_brought").get_by_label("Yes", exact=True).check()
    fieldset(page, "remand").get_by_label("Remanded in custody", exact=True).check()
    screenshot(page, "hearing-adjourned-with-remand-form")
    page.get_by_role("button", name="Record the outcome").click()
    expect(success_banner(page, "Outcome recorded: adjourned.")).to_be_visible()

    breach = page.locator(".app-breach")
    expect(breach).to_contain_text("Brought before the court")
    expect(breach).to_contain_text(f"remanded in custody until {format_instant(ADJOURNED_TO)}")
    screenshot(page, "court-page-remanded")

    row = _dashboard_row(page, reference)
    expect(row).not_to_contain_text(BREACH_CLOCK)

    open_served_case(page, PERPETRATOR)
    open_court(page)
    page.get_by_role("link", name="Court presentation printout").click()
    expect(page).to_have_url(re.compile(r"/court/printout$"))
    expect(page.locator("main.app-print-document")).to_contain_text(
        f"Remanded in custody until {format_instant(ADJOURNED_TO)}")
