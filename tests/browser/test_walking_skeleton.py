"""The walking skeleton, the way an officer walks it: log in, open a case, record service
of the DVPN, and watch the hearing clock on the dashboard keep itself up to date."""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

import pytest
from playwright.sync_api import expect

from app.domain.calendar import LONDON
from app.domain.deadlines import hearing_deadline
from app.domain.local_time import london_instant
from app.domain.timefmt import format_instant

pytestmark = pytest.mark.browser

OFFICER_EMAIL = "officer@demo.police.uk"
OFFICER_PASSWORD = "officer-demo-2026"
PERPETRATOR = "Rowan Testwell"  # fictional
VICTIM = "Morgan Testwell"  # fictional
REFERENCE_RE = re.compile(r"^[A-Z]+-\d{4}-\d{5}$")


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year - years, day=28)


def london_now() -> datetime:
    return datetime.now(LONDON)


def log_in(page, base_url: str) -> None:
    page.goto(f"{base_url}/login")
    page.fill("#email", OFFICER_EMAIL)
    page.fill("#password", OFFICER_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/dashboard"))
    expect(page.get_by_role("heading", name="Live cases")).to_be_visible()


def open_new_case_form(page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="New case").click()
    expect(page).to_have_url(re.compile(r"/cases/new$"))
    expect(page.get_by_role("heading", name="New case", level=1)).to_be_visible()


def fill_new_case(page, *, perpetrator_dob: date, incident_at: datetime) -> None:
    page.fill("#perpetrator_name", PERPETRATOR)
    page.fill("#perpetrator_dob", perpetrator_dob.isoformat())
    page.fill("#victims-0-full_name", VICTIM)
    page.select_option("#victims-0-relationship", "former_spouse")
    page.fill("#address_line_1", "12 Nowhere Row")
    page.fill("#town", "Testbury")
    page.fill("#postcode", "TB1 2AA")
    local = incident_at.astimezone(LONDON)
    page.fill("#incident_date", local.strftime("%Y-%m-%d"))
    page.fill("#incident_time", local.strftime("%H:%M"))
    page.get_by_label("High", exact=True).check()
    page.select_option("#area", "North")


def test_officer_opens_case_serves_dvpn_and_dashboard_clock_refreshes(
    page, live_server, live_app, screenshot
):
    # The log-in page on a phone-sized screen.
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server}/login")
    expect(page.get_by_role("heading", name="Log in to DVPO Desk")).to_be_visible()
    screenshot(page, "login-360")
    page.set_viewport_size({"width": 1280, "height": 900})

    log_in(page, live_server)
    open_new_case_form(page)

    incident_at = london_now() - timedelta(hours=3)
    fill_new_case(page, perpetrator_dob=date(1990, 3, 14), incident_at=incident_at)
    page.get_by_role("button", name="Open case").click()

    # The case page: reference and Draft, no clock yet.
    caption = page.locator(".govuk-caption-l")
    expect(caption).to_have_text(REFERENCE_RE)
    reference = caption.inner_text().strip()
    expect(page.get_by_role("heading", level=1)).to_contain_text(PERPETRATOR)
    expect(page.locator(".app-heading-tag")).to_have_text("Draft")
    expect(page.get_by_text(f"Case {reference} opened.")).to_be_visible()

    page.get_by_role("button", name="Record DVPN served").click()
    expect(page.get_by_role("heading", name="Record DVPN served")).to_be_visible()

    # Pre-filled with now (London, to the minute).
    served_date = page.input_value("#served_date")
    served_time = page.input_value("#served_time")
    served_at = london_instant(date.fromisoformat(served_date), time.fromisoformat(served_time))
    assert abs(served_at - london_now()) < timedelta(minutes=2), (served_date, served_time)

    page.locator("form").get_by_role("button", name="Record DVPN served").click()

    with live_app.app_context():
        from app.services.calendar import load_calendar

        calendar = load_calendar()
    window = live_app.config["HEARING_WINDOW_HOURS"]
    expected_deadline = format_instant(hearing_deadline(served_at, hours=window, calendar=calendar))
    assert re.fullmatch(r"\w{3} \d{1,2} \w{3} \d{4}, \d{2}:\d{2}", expected_deadline)

    clocks = page.locator("#case-clocks")
    expect(clocks).to_contain_text("Hearing deadline")
    expect(clocks).to_contain_text(f"Due by {expected_deadline}")
    expect(page.locator(".app-heading-tag")).to_have_text("Served")
    expect(page.get_by_text("DVPN service recorded. The hearing clock is running.")).to_be_visible()
    screenshot(page, "case-1280")

    # The dashboard, reached from the navigation.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name="Live cases")).to_be_visible()
    rows = page.locator("#case-rows")
    expect(rows).to_have_attribute("hx-trigger", "every 30s")
    row = rows.locator("tr", has=page.get_by_role("link", name=reference, exact=True))
    expect(row).to_have_count(1)
    expect(row).to_contain_text(PERPETRATOR)
    expect(row).to_contain_text("Hearing deadline")
    expect(row).to_contain_text(expected_deadline)
    screenshot(page, "dashboard-1280")

    # htmx polls the rows and swaps a new tbody in (outerHTML): mark the old one, and
    # after the poll the marked element must be gone and the clock still shown.
    page.evaluate("document.getElementById('case-rows').dataset.beforePoll = 'yes'")
    with page.expect_response(lambda r: "/dashboard/rows" in r.url, timeout=35_000) as polled:
        pass
    response = polled.value
    assert response.status == 200
    assert response.request.headers.get("hx-request") == "true"
    assert response.request.headers.get("x-csrftoken"), "htmx must send the CSRF token"
    expect(page.locator("#case-rows[data-before-poll]")).to_have_count(0)
    expect(page.locator("#case-rows")).to_have_count(1)
    expect(rows).to_have_attribute("hx-trigger", "every 30s")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(expected_deadline)


def test_perpetrator_under_18_is_refused_and_the_form_keeps_what_was_typed(page, live_server):
    log_in(page, live_server)
    open_new_case_form(page)

    incident_at = london_now() - timedelta(hours=2)
    sixteen = years_before(incident_at.astimezone(LONDON).date(), 16)
    fill_new_case(page, perpetrator_dob=sixteen, incident_at=incident_at)
    page.get_by_role("button", name="Open case").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("The perpetrator must be 18 or over")
    expect(page.locator("#perpetrator_dob-error")).to_contain_text("18 or over")
    expect(page.locator("#perpetrator_name")).to_have_value(PERPETRATOR)
    expect(page.locator("#perpetrator_dob")).to_have_value(sixteen.isoformat())
    expect(page.locator("#victims-0-full_name")).to_have_value(VICTIM)
    expect(page).to_have_url(re.compile(r"/cases/new$"))
