"""Welfare visits on a phone (issue 16): two officers' work phones report positions at a
live order's address through /locations/osmand; on the patrol page at phone width each has
an alert; Sam Okafor checks in and checks out with his report; Priya Nair, of another area,
saw the visit page only for her alert, and is then told she is not needed."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
import requests
from playwright.sync_api import expect

from app.demo import DEMO_DEVICE_IDENTIFIER
from app.timeutil import utcnow
from tests.browser.journeys import OFFICER, PHONE, Account, log_in, page_width_fits

pytestmark = pytest.mark.browser

NORTH_OFFICER = Account("north.officer@demo.police.uk", "north-demo-2026", "Priya Nair", re.compile(r"/dashboard$"),
                        "Live cases")
PRIYA_PHONE = "browser-test-phone-priya-nair-0000000000000"
LIVE_ORDER = ("53.4809500", "-2.2368500")  # the demo order whose geofence is live


def _register_priyas_phone(live_app) -> None:
    from sqlalchemy import select

    from app.extensions import db
    from app.models import User
    from app.services import devices

    with live_app.app_context():
        priya = db.session.scalar(select(User).where(User.email == NORTH_OFFICER.email))
        devices.register(None, priya, "Priya's work phone", identifier=PRIYA_PHONE)
        db.session.remove()


def _report(base_url: str, identifier: str) -> None:
    params = {"id": identifier, "lat": LIVE_ORDER[0], "lon": LIVE_ORDER[1],
              "timestamp": str(int((utcnow() - timedelta(seconds=5)).timestamp())), "accuracy": "7"}
    assert requests.post(f"{base_url}/locations/osmand", params=params, timeout=10).status_code == 200


def test_an_alert_a_visit_and_the_other_officer_stood_down_on_phones(live_app, live_server, new_page, screenshot):
    _register_priyas_phone(live_app)
    _report(live_server, DEMO_DEVICE_IDENTIFIER)
    _report(live_server, PRIYA_PHONE)

    priya = new_page(PHONE, mobile=True)
    log_in(priya, live_server, NORTH_OFFICER)
    priya.get_by_role("link", name="Patrol").click()
    expect(priya.locator("h1")).to_have_text("Welfare checks near you")
    priya.get_by_role("link", name="A live order near you needs a welfare check").click()
    expect(priya.locator("#across-districts")).to_contain_text("another area's")
    expect(priya.locator("#visit-conditions")).to_contain_text("You must not")
    page_width_fits(priya, PHONE["width"])
    screenshot(priya, "visit-page-other-area-360")

    sam = new_page(PHONE, mobile=True)
    log_in(sam, live_server, OFFICER)
    sam.goto(f"{live_server}/patrol")
    expect(sam.locator(".app-patrol-alert")).to_have_count(1)
    page_width_fits(sam, PHONE["width"])
    screenshot(sam, "patrol-360")
    sam.get_by_role("link", name="A live order near you needs a welfare check").click()
    sam.get_by_role("link", name="Check in").click()
    sam.get_by_label("Use my work phone's latest position").check()
    sam.get_by_role("button", name="Check in").click()
    expect(sam.locator(".govuk-notification-banner--success")).to_contain_text("Checked in")
    sam.get_by_role("link", name="Check out with your report").click()
    sam.get_by_role("button", name="Check out").click()  # nothing answered: refused, kept on the page
    expect(sam.locator(".govuk-error-summary")).to_contain_text("Say whether the victim was seen and spoken to")
    sam.locator("input[name=spoken_to][value=yes]").check()
    sam.fill("#wellbeing", "Well; feels safer since the order. Children at school.")
    sam.locator("input[name=p_present][value=no]").check()
    sam.fill("#follow_up", "IDVA to call this week.")
    page_width_fits(sam, PHONE["width"])
    screenshot(sam, "check-out-360")
    sam.get_by_role("button", name="Check out").click()
    expect(sam.locator(".govuk-notification-banner--success")).to_contain_text("closed for every officer who got it")
    expect(sam.locator(".app-patrol-alert")).to_have_count(0)

    priya.goto(f"{live_server}/patrol")
    expect(priya.locator("#closed-alerts")).to_contain_text("Visit done by another officer: you are not needed")
    expect(priya.locator(".app-patrol-alert")).to_have_count(0)
    page_width_fits(priya, PHONE["width"])
    screenshot(priya, "stood-down-360")
