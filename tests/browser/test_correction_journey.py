"""Correcting a case and handing it over (issue 15, section 2): the officer corrects P's name
from the case page (refused without a reason, keeping what was typed), search finds the
corrected name, and the case goes to a colleague with a note, who finds it under "My cases"
on a phone."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.journeys import DESKTOP, OFFICER, PHONE, Account, log_in, main_nav, page_width_fits

pytestmark = pytest.mark.browser

NORTH_OFFICER = Account("north.officer@demo.police.uk", "north-demo-2026", "Priya Nair", re.compile(r"/dashboard$"),
                        "Live cases")


def _open_hargreaves(page, base_url):
    page.goto(f"{base_url}/search?q=Daniel+Hargreaves")
    page.locator(".app-result__title a").first.click()
    expect(page.locator("h1")).to_contain_text("Daniel Hargreaves")


def test_an_officer_corrects_a_name_and_hands_the_case_over(live_server, new_page, screenshot):
    page = new_page(DESKTOP)
    log_in(page, live_server, OFFICER)
    _open_hargreaves(page, live_server)
    case_url = page.url

    page.get_by_role("link", name="Change perpetrator Daniel Hargreaves").click()
    expect(page.locator("h1")).to_have_text("Change the details of the perpetrator")
    page.fill("#full_name", "Daniel Hargreave-Stott")
    page.get_by_role("button", name="Save the correction").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say why this is being changed")
    expect(page.locator("#full_name")).to_have_value("Daniel Hargreave-Stott")  # what was typed is kept
    page_width_fits(page, DESKTOP["width"])
    screenshot(page, "change-refused-1280")
    page.fill("#reason", "Double-barrelled surname, as on his passport.")
    page.get_by_role("button", name="Save the correction").click()
    expect(page).to_have_url(case_url)
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("details are corrected")
    expect(page.locator("h1")).to_contain_text("Daniel Hargreave-Stott")
    expect(page.locator(".app-timeline")).to_contain_text("Double-barrelled surname, as on his passport.")

    page.goto(f"{live_server}/search?q=Hargreave-Stott")
    expect(page.locator(".app-result").first).to_contain_text("Daniel Hargreave-Stott")
    page.locator(".app-result__title a").first.click()

    page.get_by_role("link", name="Hand over the case to another officer").click()
    priya = page.locator("#officer_id option", has_text="Priya Nair").get_attribute("value")
    page.select_option("#officer_id", value=priya)
    page.fill("#note", "Hearing at Northfield tomorrow; V prefers calls after 6pm.")
    page.get_by_role("button", name="Hand over the case").click()
    expect(page).to_have_url(case_url)
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("handed over to")
    expect(page.locator("#handovers + div")).to_contain_text("V prefers calls after 6pm.")
    page_width_fits(page, DESKTOP["width"])
    screenshot(page, "case-after-handover-1280")

    phone = new_page(PHONE, mobile=True)
    log_in(phone, live_server, NORTH_OFFICER)
    phone.goto(f"{live_server}/my-cases")
    expect(phone.locator("h1")).to_have_text("My cases")
    expect(phone.locator("main table")).to_contain_text("Daniel Hargreave-Stott")
    page_width_fits(phone, PHONE["width"])
    screenshot(phone, "my-cases-360")
    phone.locator("main table a").first.click()
    expect(phone.locator("#handovers + div")).to_contain_text(re.compile(r"From .*Sam Okafor.* to .*Priya Nair"))
    page_width_fits(phone, PHONE["width"])
    screenshot(phone, "case-360")
    phone.get_by_role("link", name="Change the address to be protected").click()
    page_width_fits(phone, PHONE["width"])
    screenshot(phone, "change-address-360")
    phone.get_by_role("link", name="Back to the case").click()
    phone.get_by_role("link", name="Change the time of service").click()
    expect(phone.locator("h1")).to_have_text("Correct the time of service")
    page_width_fits(phone, PHONE["width"])
    screenshot(phone, "change-served-360")


def test_the_officers_nav_has_my_cases(live_server, new_page):
    page = new_page(DESKTOP)
    log_in(page, live_server, OFFICER)
    main_nav(page).get_by_role("link", name="My cases").click()
    expect(page.locator("h1")).to_have_text("My cases")
    expect(page.locator("#my-cases-heading")).to_contain_text("live case")


SUPERVISOR = Account("supervisor@demo.police.uk", "supervisor-demo-2026", "Mark Ellison", re.compile(r"/dashboard$"),
                     "Live cases")


def test_a_supervisor_hands_over_a_leavers_cases_on_a_phone(live_server, new_page, screenshot):
    page = new_page(PHONE, mobile=True)
    log_in(page, live_server, SUPERVISOR)
    page.goto(f"{live_server}/handovers/leaver")
    sam = page.locator("#leaver_id option", has_text="Sam Okafor")
    count = int(re.search(r"(\d+) live case", sam.inner_text()).group(1))
    page.select_option("#leaver_id", value=sam.get_attribute("value"))
    page.select_option("#officer_id", value=page.locator("#officer_id option", has_text="Priya Nair").get_attribute("value"))
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Write a handover note for the new officer")
    page_width_fits(page, PHONE["width"])
    screenshot(page, "leaver-refused-360")
    page.fill("#note", "Sam has moved to another force. Review each case today.")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#handover-count")).to_have_text(str(count))
    page_width_fits(page, PHONE["width"])
    screenshot(page, "leaver-confirm-360")
    page.get_by_role("button", name=f"Hand over {count} cases").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(f"{count} cases handed over")
    expect(page.locator("#leaver_id")).not_to_contain_text("Sam Okafor")  # no live case left with Sam
