"""The dashboard's task list, which htmx fetches as the dashboard loads: back from a task
group's own page, the dashboard scrolls to that group once the list is in (the browser looked
for it before it arrived)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.journeys import OFFICER, PHONE, log_in

pytestmark = pytest.mark.browser


def test_the_group_in_the_address_is_scrolled_to_once_the_tasks_are_in(new_page, live_server):
    page = new_page(PHONE, mobile=True)
    log_in(page, live_server, OFFICER)
    groups = page.locator("#tasks section")
    expect(groups.first).to_be_visible()
    last = groups.last.get_attribute("id")
    expect(page.locator(f"#{last}")).not_to_be_in_viewport()  # far down a phone's page
    page.goto(f"{live_server}/my-cases")
    page.goto(f"{live_server}/dashboard#{last}")
    expect(page.locator(f"#{last}")).to_be_in_viewport()
    # Back from a group's own page, as its back link goes.
    page.goto(f"{live_server}/dashboard/tasks/referral-tasks")
    page.get_by_role("link", name="Back to the dashboard").click()
    expect(page.locator("#referral-tasks")).to_be_in_viewport()
