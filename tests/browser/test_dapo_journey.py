"""A DAPO in the browser, on the demo's Dale Whitcombe: a DAPO made yesterday until further
order, whose initial notification (DAA 2021 s.41(2)) is not yet in. The officer records P's
notification at the police station (the dashboard's notification clock stops), records a
behaviour change programme the court added with its supervisor and the evidence it heard
(s.36(2)-(3)), and prints the court papers as a PDF: the requirement, its supervisor and
the notification requirements are in them."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.domain.clocks import NOTIFICATION_CLOCK
from tests.browser.journeys import (
    fieldset,
    fill_date_time,
    log_in,
    london_now,
    main_nav,
    open_court,
    open_served_case,
    success_banner,
)
from tests.support import pdf_pages

pytestmark = pytest.mark.browser

PERPETRATOR = "Dale Whitcombe"
SUPERVISOR = "Northfield Probation Delivery Unit"


def test_a_dapo_with_a_programme_and_a_notification(page, live_server, screenshot, screenshot_dir, tmp_path):
    log_in(page, live_server)
    row = page.locator("#case-rows tr", has_text=PERPETRATOR)
    expect(row).to_contain_text(NOTIFICATION_CLOCK)
    reference = open_served_case(page, PERPETRATOR)
    open_court(page)
    court_url = page.url
    expect(page.get_by_text("until further order").first).to_be_visible()

    # P attends the police station and gives names and home address (s.41(2)-(3)).
    page.get_by_role("link", name=re.compile("Record a notification")).click()
    fieldset(page, "kind").get_by_label(re.compile("^Initial notification")).check()
    page.fill("#names", "Dale Whitcombe\nDale Whit")
    page.fill("#address", "Flat 2, 9 Quarry Lane, Northfield, NF2 1AB")
    fill_date_time(page, "notified_date", "notified_time", london_now() - timedelta(minutes=30))
    fieldset(page, "method").get_by_label(re.compile("^In person at a police station")).check()
    page.fill("#where", "Northfield police station")
    page.fill("#taken_by", "PS 2207 Okoro")
    screenshot(page, "notification-form")
    page.get_by_role("button").filter(has_text=re.compile("Save|Record")).last.click()
    expect(page).to_have_url(court_url)
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()
    expect(page.locator("body")).to_contain_text("Northfield police station")

    # The court added a behaviour change programme, supervised, on evidence it heard.
    page.get_by_role("link", name="Record a requirement the court added").click()
    fieldset(page, "applicant").get_by_label(re.compile(r"chief officer of police for an area where P lives")).check()
    page.fill("#court_date", london_now().date().isoformat())
    page.fill("#details", "Varied on the police's application to add a programme.")
    page.select_option("#kind", "behaviour_programme")
    page.fill("#supervisor", SUPERVISOR)
    page.fill("#suitability_evidence", "Assessed suitable on 1 Dec; a place on the next 24-week programme.")
    screenshot(page, "requirement-form")
    page.get_by_role("button", name="Record the requirement").click()
    expect(success_banner(page, "The requirement the court added is recorded.")).to_be_visible()
    expect(page.locator("body")).to_contain_text(SUPERVISOR)
    screenshot(page, "court-page-dapo")

    # The notification clock has stopped.
    main_nav(page).get_by_role("link", name="Dashboard").click()
    row = page.locator("#case-rows tr", has_text=PERPETRATOR)
    expect(row).not_to_contain_text(NOTIFICATION_CLOCK)

    # The court papers, as the court gets them: the server's PDF.
    page.goto(f"{court_url}/printout")
    document = page.locator("main.app-print-document")
    expect(document).to_contain_text("The DAPO as made")
    expect(document).to_contain_text(SUPERVISOR)
    expect(page.get_by_role("link", name="Download PDF")).to_be_visible()
    response = page.request.get(f"{court_url}/printout.pdf")  # the session's cookies, as the link sends them
    assert response.ok and response.headers["content-type"] == "application/pdf"
    pdf = screenshot_dir / f"{reference}-dapo-papers.pdf"
    pdf.write_bytes(response.body())
    text = " ".join(" ".join(pdf_pages(pdf.read_bytes(), tmp_path)).split())
    assert reference in text
    assert "You must attend a behaviour change" in text
    assert SUPERVISOR in text
    assert "within the period of three days beginning with the day it is made" in text
    assert "Electronic monitoring" in text
