"""An admin resets an officer's forgotten password: the temporary one is shown once; the
officer logs in with it and is made to choose their own before anything else. The admin's
account pages fit a 360 px phone without sideways scrolling."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.journeys import DESKTOP, OFFICER, PHONE, Account, log_in, main_nav, page_width_fits

pytestmark = pytest.mark.browser

ADMIN = Account("admin@demo.police.uk", "admin-demo-2026", "Ruth Adeyemi", re.compile(r"/admin/$"), "Administration")
NEW_PASSWORD = "blue kettle seven lanterns"


def test_admin_resets_a_password_and_the_officer_must_change_it(page, new_page, live_server, screenshot):
    log_in(page, live_server, ADMIN)
    main_nav(page).get_by_role("link", name="Users").click()
    expect(page.get_by_role("heading", name="User accounts")).to_be_visible()
    screenshot(page, "users-1280")
    page.set_viewport_size(PHONE)
    page_width_fits(page, PHONE["width"])
    screenshot(page, "users-360")

    page.get_by_role("link", name="PC Sam Okafor (4471)").click()
    expect(page.get_by_role("heading", name="PC Sam Okafor (4471)")).to_be_visible()
    page_width_fits(page, PHONE["width"])
    screenshot(page, "user-360")
    page.set_viewport_size(DESKTOP)
    screenshot(page, "user-1280")

    page.get_by_role("button", name="Reset password").click()
    expect(page.get_by_role("heading", name="Reset the password?")).to_be_visible()
    page.get_by_role("button", name="Yes, reset the password").click()
    expect(page.get_by_role("heading", name="Password reset")).to_be_visible()
    temporary = page.locator("#temporary-password").inner_text().strip()
    assert re.fullmatch(r"[a-z2-9]{4}(-[a-z2-9]{4}){3}", temporary), temporary
    page.set_viewport_size(PHONE)
    page_width_fits(page, PHONE["width"])
    screenshot(page, "temporary-password-360")

    # The officer, on their own phone: the old password no longer works, the temporary one does.
    phone = new_page(PHONE, mobile=True)
    phone.goto(f"{live_server}/login")
    phone.fill("#email", OFFICER.email)
    phone.fill("#password", OFFICER.password)
    phone.get_by_role("button", name="Log in").click()
    expect(phone.get_by_text("Enter a correct email address and password").first).to_be_visible()
    phone.fill("#password", temporary)
    phone.get_by_role("button", name="Log in").click()
    expect(phone).to_have_url(re.compile(r"/account/password$"))
    expect(phone.get_by_role("heading", name="Change your password")).to_be_visible()
    expect(phone.get_by_text("An administrator reset your password")).to_be_visible()
    page_width_fits(phone, PHONE["width"])
    screenshot(phone, "change-password-360")

    # Nothing else opens until the password is changed.
    phone.goto(f"{live_server}/dashboard")
    expect(phone).to_have_url(re.compile(r"/account/password$"))

    phone.fill("#current_password", temporary)
    phone.fill("#new_password", NEW_PASSWORD)
    phone.fill("#confirm_password", NEW_PASSWORD + " typo")
    phone.get_by_role("button", name="Change password").click()
    expect(phone.get_by_role("link", name="The new passwords do not match")).to_be_visible()
    phone.fill("#current_password", temporary)
    phone.fill("#new_password", NEW_PASSWORD)
    phone.fill("#confirm_password", NEW_PASSWORD)
    phone.get_by_role("button", name="Change password").click()
    expect(phone).to_have_url(OFFICER.landing)
    expect(phone.get_by_text("Your password has been changed.")).to_be_visible()
    expect(phone.get_by_role("heading", name=OFFICER.heading)).to_be_visible()

    # The admin sees the password is the officer's own now.
    page.set_viewport_size(DESKTOP)
    page.get_by_role("link", name="Back to Sam Okafor").click()
    expect(page.locator(".govuk-summary-list__row", has_text="Password")).to_contain_text("Chosen by the user")


def test_admin_account_forms_fit_a_phone(page, live_server, screenshot):
    log_in(page, live_server, ADMIN)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server}/admin/users")
    page.get_by_role("link", name="Jo Whitfield").click()
    page.get_by_role("link", name="Change role and access of Jo Whitfield").click()
    expect(page.get_by_role("heading", name="Change role and access")).to_be_visible()
    page_width_fits(page, PHONE["width"])
    screenshot(page, "access-360")
    page.get_by_role("link", name="Cancel").click()
    page.get_by_role("button", name="Deactivate account").click()
    expect(page.get_by_role("heading", name="Deactivate this account?")).to_be_visible()
    page_width_fits(page, PHONE["width"])
    screenshot(page, "deactivate-360")
    page.get_by_role("button", name="Yes, deactivate the account").click()
    expect(page.get_by_text("Jo Whitfield's account is deactivated and their sessions have ended.")).to_be_visible()
    expect(page.locator("main .govuk-tag")).to_have_text("Deactivated")
