"""The same person on several cases: an officer opens a case whose perpetrator was on an earlier
case, sees the suggested match, confirms it, and finds the link on both cases; on a desktop and
a phone."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.journeys import DESKTOP, OFFICER, PHONE, Story, log_in, london_now, open_case, page_width_fits, success_banner

pytestmark = pytest.mark.browser


def repeat_story() -> Story:
    """The demo's Daniel Hargreaves was born on 12 Apr 1988; the new case spells him "Danny"."""
    return Story("Danny Hargreaves", "Kerry Linton", london_now() - timedelta(hours=3),
                 perpetrator_dob=date(1988, 4, 12), address=("3 Quarry Lane", "Testbury", "TB9 9ZZ"))


def test_an_officer_confirms_a_suggested_match_and_sees_it_on_both_cases(live_server, new_page, screenshot):
    page = new_page(DESKTOP)
    log_in(page, live_server, OFFICER)
    reference = open_case(page, repeat_story())
    section = page.locator("#linked-people")
    suggestion = section.locator(".app-suggestion")
    expect(suggestion).to_have_count(1)
    expect(suggestion).to_contain_text("Danny Hargreaves (perpetrator here) is possibly the same person as Daniel "
                                       "Hargreaves, born 12 Apr 1988")
    expect(suggestion).to_contain_text("the same date of birth and a similar name")
    other_reference = suggestion.get_by_role("link").inner_text().strip()
    screenshot(page, "suggestion-1280")
    suggestion.get_by_role("button", name=re.compile(r"^Confirm: the same person")).click()
    success_banner(page, "Linked: they are recorded as the same person on both cases.")
    expect(section.locator(".app-suggestion")).to_have_count(0)
    expect(section).to_contain_text(re.compile(rf"Also on {other_reference} \(DVPO, \d{{4}}\), perpetrator, as Daniel "
                                               "Hargreaves"))
    expect(section.locator(".govuk-tag")).to_have_text("Repeat perpetrator")
    page_width_fits(page, DESKTOP["width"])
    screenshot(page, "linked-1280")
    section.get_by_role("link", name=other_reference).click()
    expect(page.locator(".govuk-caption-l")).to_have_text(other_reference)
    expect(page.locator("#linked-people")).to_contain_text(f"Also on {reference}")

    phone = new_page(PHONE, mobile=True)
    log_in(phone, live_server, OFFICER)
    phone.goto(page.url)
    expect(phone.locator("#linked-people")).to_contain_text(f"Also on {reference}")
    phone.locator("#linked-people").scroll_into_view_if_needed()
    page_width_fits(phone, PHONE["width"])
    screenshot(phone, "linked-360")
    # Unlinking asks why, and for a confirmation.
    phone.locator("#linked-people").get_by_role("link", name=re.compile("Unlink")).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Unlink Daniel Hargreaves")
    page_width_fits(phone, PHONE["width"])
    screenshot(phone, "unlink-360")
    phone.fill("#reason", "Different middle names on the PNC record.")
    phone.get_by_label(re.compile("I confirm this person is not the same")).check()
    phone.get_by_role("button", name="Unlink Daniel Hargreaves").click()
    success_banner(phone, "Daniel Hargreaves is no longer linked to the other cases.")
    expect(phone.locator("#linked-people")).not_to_contain_text(reference)
    expect(phone.locator(".app-timeline")).to_contain_text("A person unlinked from the same person on other cases")
