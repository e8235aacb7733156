"""The reminder-text journey in the browser, on the demo's order in force for Lee Carver: the
dashboard asks the officer to allocate; the officer confirms eligibility and the baseline,
and only then sees the group; an intervention case shows its planned texts, which the
scheduler's dispatcher sends to the outbox; the admin's Outbox page shows them masked."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.journeys import OFFICER, log_in, success_banner

pytestmark = pytest.mark.browser

PERPETRATOR = "Lee Carver"


def test_officer_allocates_an_order_to_the_trial(page, live_server, screenshot):
    log_in(page, live_server, OFFICER)
    tasks = page.get_by_role("region", name="Reminder texts: to do")
    expect(tasks).to_contain_text(PERPETRATOR)
    expect(tasks).to_contain_text("check eligibility for the text trial")
    tasks.get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reminder texts")
    expect(page.locator("#trial-status")).to_contain_text("Waiting for allocation")
    page.get_by_role("button", name="Check eligibility and allocate").click()
    # The group is not shown before the allocation is saved.
    expect(page.get_by_text("Allocated to the")).to_have_count(0)
    page.get_by_role("button", name="Allocate").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Confirm whether the case is eligible")
    page.locator("input[name=eligible][value=yes]").check()
    page.get_by_role("button", name="Allocate").click()
    expect(success_banner(page, "Allocated to the")).to_be_visible()
    screenshot(page, "texts-after-allocation")
    status = page.locator("#trial-status").inner_text()
    assert "control" in status or "intervention" in status
    if "intervention" in status:
        rows = page.locator("table.govuk-table tbody tr")
        expect(rows.first).to_be_visible()
        assert rows.count() >= 1
    else:
        expect(page.get_by_text("No texts are planned for this case.")).to_be_visible()
