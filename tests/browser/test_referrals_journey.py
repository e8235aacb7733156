"""The victim referral journey in the browser, on the demo's served case for Daniel Hargreaves:
the officer's dashboard lists the referral from the moment the notice was served; the officer
records the victim's consent and a safe number, checks what the service will see and sends it;
the caseworker (another person, on a phone) finds it in the service's inbox, accepts it, logs
a withheld call and reports a concern; the officer's dashboard shows the possible breach at once.
"""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.domain.calendar import LONDON
from app.timeutil import utcnow
from tests.browser.journeys import OFFICER, PHONE, Account, log_in, success_banner

pytestmark = pytest.mark.browser

VICTIM = "Claire Hargreaves"
CASEWORKER = Account("caseworker@demo.police.uk", "caseworker-demo-2026", "Jo Whitfield",
                     re.compile(r"/referrals/inbox$"), "Referrals")
NOTE = "Spoke to nobody; a man answered and hung up."


# The demo's referral is placed relative to the clock's start; at this moment (a working
# morning) it is not yet due soon, so the task reads "due by". Elsewhere it would not.
@pytest.mark.clock_starts_at("2026-11-17T10:00")
def test_referral_goes_from_the_officer_to_the_caseworker_and_a_concern_comes_back(
        page, new_page, live_server, screenshot):
    log_in(page, live_server, OFFICER)
    tasks = page.get_by_role("region", name="Victim referrals: to do")
    expect(tasks).to_contain_text(f"{VICTIM}: Refer the victim to support: due by")
    tasks.get_by_role("listitem").filter(has_text=f"{VICTIM}: Refer").get_by_role("link").click()
    expect(page.get_by_role("heading", name="Victim referral to support", level=1)).to_be_visible()
    page.get_by_role("button", name="Complete the referral").click()

    # Consent without when it was asked comes back with the error and what was typed.
    page.get_by_label("Consents to the referral").check()
    page.get_by_label("Safe contact number").fill("07911 123456")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter when the victim was asked")
    expect(page.get_by_label("Safe contact number")).to_have_value("07911 123456")

    asked = (utcnow() - timedelta(minutes=30)).astimezone(LONDON)
    page.locator("input[name=consent_asked_date]").fill(f"{asked:%Y-%m-%d}")
    page.locator("input[name=consent_asked_time]").fill(f"{asked:%H:%M}")
    page.locator("input[name=safe_to_call][value=yes]").check()
    page.get_by_label("Evening (17:00 to 20:00)").check()
    page.get_by_label("Language").fill("English")
    page.get_by_role("button", name="Save").click()

    # The check page shows what the service will receive before anything is sent.
    expect(page.get_by_text("07911 123456").first).to_be_visible()
    service = page.get_by_label("Support service")
    service.select_option(service.locator("option", has_text="Northshire Domestic Abuse Service").get_attribute("value"))
    screenshot(page, "referral-check-and-send")
    page.get_by_role("button", name="Send referral").click()
    expect(success_banner(page, "Referral sent to Northshire Domestic Abuse Service")).to_be_visible()

    caseworker = new_page(viewport=PHONE, mobile=True)
    log_in(caseworker, live_server, CASEWORKER)
    expect(caseworker.get_by_text("Daniel Hargreaves")).to_have_count(0)  # P is not in the referral
    caseworker.get_by_role("link", name=VICTIM).click()
    expect(caseworker.get_by_role("heading", name=VICTIM, level=1)).to_be_visible()
    caseworker.get_by_role("button", name="Accept", exact=True).click()
    caseworker.get_by_role("button", name="Accept the referral").click()
    expect(success_banner(caseworker, "Referral accepted")).to_be_visible()

    caseworker.get_by_role("button", name="Log an attempt").click()
    # Only a withheld call: the victim agreed to nothing that leaves a trace.
    expect(caseworker.get_by_label("Voicemail")).to_have_count(0)
    caseworker.get_by_label("No answer").check()
    caseworker.get_by_label(re.compile("Notes")).fill(NOTE)
    caseworker.get_by_role("button", name="Save the attempt").click()
    expect(success_banner(caseworker, "Attempt recorded")).to_be_visible()
    expect(caseworker.get_by_text(NOTE)).to_be_visible()

    caseworker.get_by_role("button", name="Report a concern to police").click()
    caseworker.get_by_label("What did you learn?").fill("A man's voice in the background: P may be at the address.")
    caseworker.get_by_role("button", name="Send to police").click()
    expect(success_banner(caseworker, "Concern sent to the officer in the case")).to_be_visible()
    screenshot(caseworker, "caseworker-after-concern")

    page.goto(f"{live_server}/dashboard")
    concerns = page.get_by_role("region", name="Possible breaches reported by caseworkers")
    expect(concerns).to_contain_text("Daniel Hargreaves")
    concerns.get_by_role("listitem").filter(has_text="Daniel Hargreaves").get_by_role("link", name=re.compile("Act on it")).click()
    expect(page.get_by_text("P may be at the address")).to_be_visible()
    # The caseworker's own notes never reach police.
    page.goto(f"{live_server}/dashboard")
    expect(page.get_by_text(NOTE)).to_have_count(0)
