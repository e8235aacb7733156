"""The walking skeleton, the way an officer walks it: log in, open a case, find that the
DVPN cannot be served until it is authorised, and once it is, record service and watch the
hearing clock on the dashboard keep itself up to date.

The application and the superintendent's decision are made here through the services, as
the demo data makes them; test_authorisation_journey.py walks them in the browser."""
from __future__ import annotations

import re
from datetime import date, time, timedelta

import pytest
from playwright.sync_api import expect

from app.domain.calendar import LONDON
from app.domain.deadlines import hearing_deadline
from app.domain.local_time import london_instant
from app.domain.timefmt import format_instant
from tests.browser.journeys import (
    DESKTOP,
    OFFICER,
    PHONE,
    Story,
    fill_new_case,
    log_in,
    london_now,
    main_nav,
    open_case,
    open_new_case_form,
)

pytestmark = pytest.mark.browser

PERPETRATOR = "Rowan Testwell"  # fictional
VICTIM = "Morgan Testwell"  # fictional


def authorise_behind_the_scenes(live_app, reference: str) -> None:
    """The officer completes and submits the application and the demo superintendent
    authorises it, through the services (what the authorisation journey does in a browser)."""
    from sqlalchemy import select

    from app.demo import DEMO_RATIONALE, complete_application
    from app.domain.regimes import regime
    from app.extensions import db
    from app.models import Case, DecisionOutcome, User
    from app.services import authorisation

    with live_app.app_context():
        officer = db.session.scalar(select(User).where(User.email == OFFICER.email))
        boss = db.session.scalar(select(User).where(User.email == "superintendent@demo.police.uk"))
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        complete_application(officer, case, mobile="07123456789")
        authorisation.submit(officer, case)
        authorisation.decide(
            boss, case, authorisation.current_application(case), outcome=DecisionOutcome.AUTHORISE,
            rationale=DEMO_RATIONALE, answers={item.code: (True, "") for item in regime(case.regime).checklist},
        )
        db.session.remove()


def rename_perpetrator(live_app, reference: str, name: str) -> None:
    """A change behind the dashboard's back (as another officer's correction would make)."""
    from sqlalchemy import select, update

    from app.extensions import db
    from app.models import Case, Person, PersonKind

    with live_app.app_context():
        case_id = db.session.scalar(select(Case.id).where(Case.reference == reference))
        db.session.execute(update(Person).where(Person.case_id == case_id, Person.kind == PersonKind.PERPETRATOR)
                           .values(full_name=name))
        db.session.commit()
        db.session.remove()


def test_officer_opens_case_serves_dvpn_and_dashboard_clock_refreshes(
    page, live_server, live_app, screenshot
):
    # The browser's timers run on Playwright's clock, so the test can move them on by the
    # poll's 30 seconds instead of waiting for them (the server keeps its own clock).
    page.clock.install()
    # The log-in page on a phone-sized screen.
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server}/login")
    expect(page.get_by_role("heading", name="Log in to DVPO Desk")).to_be_visible()
    screenshot(page, "login-360")
    page.set_viewport_size(DESKTOP)

    log_in(page, live_server, OFFICER)
    reference = open_case(page, Story(PERPETRATOR, VICTIM, london_now() - timedelta(hours=3)))
    expect(page.get_by_text(f"Case {reference} opened.")).to_be_visible()

    # A draft cannot be served: the notice needs an application and an authorisation first.
    expect(page.get_by_role("button", name="Prepare the application")).to_be_visible()
    expect(page.get_by_role("button", name="Record DVPN served")).to_have_count(0)
    expect(page.get_by_text("No statutory clock is running on this case yet.")).to_be_visible()

    authorise_behind_the_scenes(live_app, reference)
    page.reload()
    expect(page.locator(".app-heading-tag")).to_have_text("Authorised")
    expect(page.get_by_role("link", name="Print the DVPN")).to_be_visible()

    page.get_by_role("button", name="Record DVPN served").click()
    expect(page.get_by_role("heading", name="Record DVPN served")).to_be_visible()

    # Pre-filled with now (London, to the minute).
    served_date = page.input_value("#served_date")
    served_time = page.input_value("#served_time")
    served_at = london_instant(date.fromisoformat(served_date), time.fromisoformat(served_time))
    assert abs(served_at - london_now()) < timedelta(minutes=2), (served_date, served_time)

    page.get_by_label("Refused to give an address").check()  # P is asked for one (DAA 2021 s.25(4))
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
    expect(page.get_by_text("DVPN service recorded. The hearing clock is running, and the victim's referral to support is due.")).to_be_visible()
    screenshot(page, "case-1280")

    # The dashboard, reached from the navigation.
    main_nav(page).get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name="Live cases")).to_be_visible()
    rows = page.locator("#case-rows")
    expect(rows).to_have_attribute("hx-trigger", "every 30s")
    row = rows.locator("tr", has=page.get_by_role("link", name=reference, exact=True))
    expect(row).to_have_count(1)
    expect(row).to_contain_text(PERPETRATOR)
    expect(row).to_contain_text("Hearing deadline")
    expect(row).to_contain_text(expected_deadline)
    screenshot(page, "dashboard-1280")

    # The clock counts down in the browser (static/dashboard.js) from its deadline, in the
    # server's words, and keeps the server's colour.
    tag = row.locator(".app-clock[data-deadline]")
    expect(tag).to_have_count(1)
    expect(tag).to_have_text(re.compile(r"^(\d+ days? )?(\d+ h )?(\d+ min )?left$|^less than 1 min left$"))
    expect(row.locator("td[data-clock-status]")).to_have_attribute("data-clock-status", "green")

    # htmx polls the rows with their ETag; nothing changed, so the answer is 304 Not Modified
    # and the rows stay as they are (htmx would otherwise swap the empty body in).
    page.evaluate("document.getElementById('case-rows').dataset.beforePoll = 'yes'")
    etag = rows.get_attribute("data-etag")
    with page.expect_response(lambda r: "/dashboard/rows" in r.url, timeout=10_000) as polled:
        page.clock.fast_forward("00:31")
    response = polled.value
    assert response.status == 304
    assert response.request.headers.get("hx-request") == "true"
    assert response.request.headers.get("if-none-match") == etag
    assert response.request.headers.get("x-csrftoken"), "htmx must send the CSRF token"
    expect(page.locator("#case-rows[data-before-poll]")).to_have_count(1)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(expected_deadline)

    # Something the row shows changes: the next poll brings the rows, and htmx swaps them in.
    rename_perpetrator(live_app, reference, "Rowan Renamed")
    with page.expect_response(lambda r: "/dashboard/rows" in r.url, timeout=10_000) as polled:
        page.clock.fast_forward("00:31")
    assert polled.value.status == 200
    expect(page.locator("#case-rows[data-before-poll]")).to_have_count(0)
    expect(rows).to_have_attribute("hx-trigger", "every 30s")
    expect(rows).not_to_have_attribute("data-etag", etag)
    expect(row).to_contain_text("Rowan Renamed")
    expect(row).to_contain_text(expected_deadline)


def test_a_refused_new_case_keeps_what_was_typed(page, live_server):
    """P's age is tested when the notice is authorised, not when the case is opened (CSA 2010
    s.24(2)); a date of birth in the future is refused here."""
    log_in(page, live_server, OFFICER)
    open_new_case_form(page)

    incident_at = london_now() - timedelta(hours=2)
    future = incident_at.astimezone(LONDON).date() + timedelta(days=3)
    fill_new_case(page, Story(PERPETRATOR, VICTIM, incident_at), perpetrator_dob=future)
    page.get_by_role("button", name="Open case").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("The date of birth must be in the past")
    expect(page.locator("#perpetrator_dob-error")).to_contain_text("must be in the past")
    expect(page.locator("#perpetrator_name")).to_have_value(PERPETRATOR)
    expect(page.locator("#perpetrator_dob")).to_have_value(future.isoformat())
    expect(page.locator("#victims-0-full_name")).to_have_value(VICTIM)
    expect(page).to_have_url(re.compile(r"/cases/new$"))
