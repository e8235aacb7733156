"""Being told what needs you, by email and on the dashboard: the officer submits an
application; the scheduler's email job sends "waiting for your decision" through a real SMTP
conversation to a loopback server; the superintendent follows the link in that email and
returns the application for more information; the officer's email links to the application,
and the dashboard's task list shows the return with the superintendent's reason."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app import settings
from app.jobs import dispatch_emails
from tests.browser.journeys import (
    DESKTOP,
    OFFICER,
    SUPERINTENDENT,
    Story,
    complete_application,
    log_in,
    london_now,
    open_case,
    start_application,
    submit_for_authorisation,
)
from tests.loopback_smtp import LoopbackSMTP

pytestmark = pytest.mark.browser

LINK = re.compile(r"^(http://127\.0\.0\.1:\d+/\S+)$", re.MULTILINE)


@pytest.fixture
def smtp(live_app, live_server):
    server = LoopbackSMTP().start()
    live_app.config.update(server.config(), BASE_URL=live_server)
    settings.init_app(live_app)  # the typed settings carry BASE_URL to the email job
    yield server
    server.stop()


def emails_about(smtp, reference: str) -> list:
    """What the loopback server received about this case (the demo data's own emails aside)."""
    return [m for m in smtp.received if m.subject.startswith(f"{reference}: ")]


def test_an_email_leads_the_superintendent_to_the_decision_and_the_officer_to_the_return(
    page, new_page, live_server, live_app, smtp, screenshot
):
    case = Story(perpetrator="Jordan Mailtest", victim="Casey Mailtest", incident_at=london_now() - timedelta(hours=2))
    page.set_viewport_size(DESKTOP)
    log_in(page, live_server, OFFICER)
    reference = open_case(page, case)
    start_application(page)
    complete_application(page, case)
    submit_for_authorisation(page)

    dispatch_emails(live_app)  # the scheduler's job, as it runs every minute
    [waiting] = emails_about(smtp, reference)
    assert waiting.rcpt_tos == [SUPERINTENDENT.email]
    assert waiting.subject == f"{reference}: an application is waiting for your decision"
    for name in (case.perpetrator, case.victim, "Mailtest", case.address[0]):
        assert name not in waiting.raw
    [link] = LINK.findall(waiting.body)
    assert re.fullmatch(rf"{re.escape(live_server)}/authorisations/\d+", link)

    superintendent = new_page(DESKTOP)
    log_in(superintendent, live_server, SUPERINTENDENT)
    superintendent.goto(link)
    expect(superintendent.get_by_role("heading", name=case.perpetrator, level=1)).to_be_visible()
    superintendent.get_by_label("Return for more information").check()
    superintendent.get_by_label("Rationale").fill("Say where the perpetrator will stay tonight.")
    superintendent.get_by_role("button", name="Record decision").click()
    expect(superintendent.locator(".govuk-panel__title")).to_have_text("Returned for more information")

    dispatch_emails(live_app)
    [returned] = [m for m in emails_about(smtp, reference) if m is not waiting]
    assert returned.rcpt_tos == [OFFICER.email]
    assert returned.subject == f"{reference}: your application was returned for more information"
    assert "Say where the perpetrator" not in returned.raw  # the reason stays behind the log-in
    [link] = LINK.findall(returned.body)

    page.goto(link)
    expect(page.get_by_role("region", name="Important")).to_contain_text("Say where the perpetrator will stay tonight.")
    page.goto(f"{live_server}/dashboard")
    tasks = page.get_by_role("region", name="Applications returned or refused")
    item = tasks.get_by_role("listitem").filter(has_text=reference)
    expect(item).to_contain_text(f"Returned for more information by Supt {SUPERINTENDENT.name}")
    expect(item).to_contain_text("Say where the perpetrator will stay tonight.")
    screenshot(page, "dashboard-application-returned")
    item.get_by_role("link", name=reference).click()
    expect(page).to_have_url(re.compile(r"/cases/\d+/application$"))
