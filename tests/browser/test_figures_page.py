"""The figures page as a supervisor sees it (issue 17), at 1280 and 360 px: each chart an
image beside its table, under the app's CSP, with no accessibility finding and no sideways
scrolling (the page checks run on every page this test opens)."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.journeys import DESKTOP, PHONE, Account, log_in, main_nav

pytestmark = pytest.mark.browser

SUPERVISOR = Account("supervisor@demo.police.uk", "supervisor-demo-2026", "Supervisor", re.compile(r"/dashboard$"),
                     "Live cases")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "360"])
def test_a_supervisor_reads_the_figures(new_page, live_server, screenshot, viewport):
    page = new_page(viewport, mobile=viewport is PHONE)
    log_in(page, live_server, SUPERVISOR)
    main_nav(page).get_by_role("link", name="Figures").click()
    expect(page.get_by_role("heading", name="Figures", level=1)).to_be_visible()
    page.fill("#f-from", "1/1/2025")
    page.get_by_role("button", name="Show figures").click()
    chart = page.get_by_role("img", name=re.compile(r"^Hearing outcomes: "))
    expect(chart).to_be_visible()
    assert page.evaluate("img => img.naturalWidth", chart.element_handle()) > 0  # the data: SVG drew
    expect(page.get_by_role("row", name=re.compile(r"Orders granted"))).to_be_visible()
    screenshot(page, "figures")
    page.fill("#f-to", "31/2/2026")
    page.get_by_role("button", name="Show figures").click()
    expect(page.get_by_role("alert")).to_contain_text("31/2/2026 is not a real date")
    expect(page.locator("#f-to")).to_have_value("31/2/2026")
