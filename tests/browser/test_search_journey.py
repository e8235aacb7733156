"""Finding a case: the officer types a misspelt name in the header's search box with the
keyboard, opens the case from the results, and browses every case; on a desktop and a phone."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.journeys import DESKTOP, OFFICER, PHONE, log_in, page_width_fits, tab_to

pytestmark = pytest.mark.browser


def test_the_header_search_finds_a_misspelt_name_and_opens_the_case(live_server, new_page, screenshot):
    page = new_page(DESKTOP)
    log_in(page, live_server, OFFICER)
    # By keyboard only: Tab to the header's box, type, Enter.
    tab_to(page, lambda e: e.get("id") == "header-search", describe="the header's search box")
    page.keyboard.type("Danial Hargreves")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q=Danial\+Hargreves$"))
    expect(page.locator("#results-heading")).to_contain_text("1 case found")
    result = page.locator(".app-result").first
    expect(result).to_contain_text("Daniel Hargreaves")
    expect(result).to_contain_text("Found by a similar spelling")
    screenshot(page, "search-1280")
    tab_to(page, lambda e: e.get("tag") == "a" and re.fullmatch(r"DC-\d{4}-\d{5}", e.get("text", "")),
           describe="the first result's link")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/cases/\d+$"))
    expect(page.locator("h1")).to_contain_text("Daniel Hargreaves")


def test_search_and_the_case_list_fit_a_phone(live_server, new_page, screenshot):
    page = new_page(PHONE, mobile=True)
    log_in(page, live_server, OFFICER)
    page.fill("#header-search", "12/4/1988")
    page.press("#header-search", "Enter")
    expect(page.locator("#results-heading")).to_contain_text("1 case found")
    expect(page.locator(".app-result__match")).to_contain_text("Daniel Hargreaves")
    page_width_fits(page, PHONE["width"])
    screenshot(page, "search-360")
    page.goto(f"{live_server}/search?q=%22NEAR(")  # the index's own syntax is just text here
    expect(page.locator("#results-heading")).to_contain_text("No cases found")
    page.goto(f"{live_server}/cases?sort=risk")
    expect(page.locator("#list-heading")).to_contain_text("cases")
    page_width_fits(page, PHONE["width"])
    screenshot(page, "cases-360")


def test_the_case_list_filters_and_sorts_on_a_desktop(live_server, new_page, screenshot):
    page = new_page(DESKTOP)
    log_in(page, live_server, OFFICER)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="All cases").click()
    expect(page.locator("h1")).to_have_text("All cases")
    total = page.locator("#list-heading").inner_text()
    page.select_option("#f-area", "North")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"area=North"))
    assert page.locator("#list-heading").inner_text() != total
    for cell in page.locator("td[data-label=Area]").all_inner_texts():
        assert cell == "North"
    page.get_by_role("link", name=re.compile(r"^Risk")).click()
    expect(page).to_have_url(re.compile(r"sort=risk"))
    expect(page).to_have_url(re.compile(r"area=North"))  # the filter is kept when sorting
    expect(page.locator("th[aria-sort=descending]")).to_contain_text("Risk")
    page_width_fits(page, DESKTOP["width"])
    screenshot(page, "cases-1280")
