"""The DVPN authorisation journey in the browser: the officer prepares the application
section by section (each saved in place with htmx), a superintendent decides it on a phone
using only the keyboard, and the officer prints the notice, downloads its PDF and records
service. Then the ways an application is refused: invalid sections, and a refusal."""
from __future__ import annotations

import re
from datetime import date, time, timedelta

import pytest
from playwright.sync_api import expect

from app.domain.deadlines import hearing_deadline
from app.domain.local_time import london_instant
from app.domain.regimes import DVPN
from app.domain.timefmt import format_instant
from tests.browser.journeys import (
    DESKTOP,
    OFFICER,
    PHONE,
    SUPERINTENDENT,
    Story,
    complete_application,
    fieldset,
    log_in,
    london_now,
    main_nav,
    open_case,
    open_section,
    page_width_fits,
    prohibition_wording,
    save_section,
    start_application,
    submit_for_authorisation,
    submit_section,
    tab_to,
)
from tests.support import pdf_pages

pytestmark = pytest.mark.browser


def story(perpetrator: str = "Rowan Testwell", victim: str = "Morgan Testwell", hours_ago: float = 3) -> Story:
    return Story(perpetrator=perpetrator, victim=victim, incident_at=london_now() - timedelta(hours=hours_ago))


def expected_deadline(live_app, served_at) -> str:
    with live_app.app_context():
        from app.services.calendar import load_calendar

        calendar = load_calendar()
    window = live_app.config["HEARING_WINDOW_HOURS"]
    return format_instant(hearing_deadline(served_at, hours=window, calendar=calendar))


def decide_by_keyboard(phone, rationale: str) -> None:
    """The statutory checklist and the decision, keyboard only: Tab to each radio group (focus
    lands on its first radio, "Confirmed"), Space to choose it; arrow keys in the decision
    group; type the rationale; Tab to the button and press Enter."""
    for item in DVPN.checklist:
        name = f"check_{item.code}"
        element = tab_to(phone, lambda e, name=name: e["name"] == name, describe=name)
        assert element["id"] == f"{name}-0", f"Tab should land on the first radio of {name}, not {element}"
        assert not element["checked"]
        phone.keyboard.press("Space")
        expect(phone.locator(f"#{name}-0")).to_be_checked()
        expect(phone.locator(f"#{name}-1")).not_to_be_checked()

    element = tab_to(phone, lambda e: e["name"] == "outcome", describe="the decision radios")
    assert element["id"] == "outcome-0"
    decision = fieldset(phone, "outcome")
    phone.keyboard.press("ArrowDown")  # moves to, and chooses, Refuse
    expect(decision.get_by_label("Refuse", exact=True)).to_be_checked()
    phone.keyboard.press("ArrowUp")  # back to Authorise
    expect(decision.get_by_label("Authorise", exact=True)).to_be_checked()
    expect(decision.get_by_label("Refuse", exact=True)).not_to_be_checked()

    tab_to(phone, lambda e: e["id"] == "rationale", describe="the rationale", limit=3)
    phone.keyboard.type(rationale)
    expect(phone.locator("#rationale")).to_have_value(rationale)

    button = tab_to(phone, lambda e: e["tag"] == "button", describe="the submit button", limit=3)
    assert button["text"] == "Record decision", button
    phone.keyboard.press("Enter")


def test_officer_applies_superintendent_authorises_on_a_phone_officer_prints_and_serves(
    page, new_page, live_server, live_app, screenshot, tmp_path
):
    case = story()
    page.set_viewport_size(DESKTOP)

    # --- The officer, at a desk: a new case, then the application, section by section.
    log_in(page, live_server, OFFICER)
    reference = open_case(page, case)
    expect(page.get_by_role("button", name="Record DVPN served")).to_have_count(0)  # not before authorisation
    start_application(page)
    screenshot(page, "task-list-empty")

    def after_save(page, key):
        if key == "dash":
            screenshot(page, "section-saved-by-htmx")

    complete_application(page, case, after_save=after_save)
    screenshot(page, "task-list-complete")
    submit_for_authorisation(page)

    # --- The superintendent, on a phone.
    phone = new_page(PHONE, mobile=True)
    log_in(phone, live_server, SUPERINTENDENT)
    named = phone.get_by_role("link", name=re.compile(rf"^{re.escape(reference)}: {case.perpetrator}$"))
    item = phone.locator("#queue .app-queue__item", has=named)
    expect(item).to_have_count(1)
    expect(item).to_contain_text(f"Submitted by PC {OFFICER.name}")
    link = item.get_by_role("link")
    page_width_fits(phone, PHONE["width"])
    screenshot(phone, "queue-360")

    link.click()
    expect(phone).to_have_url(re.compile(r"/authorisations/\d+$"))
    expect(phone.get_by_role("heading", name=case.perpetrator, level=1)).to_be_visible()
    expect(phone.get_by_role("heading", name="Statutory checklist")).to_be_visible()
    page_width_fits(phone, PHONE["width"])
    screenshot(phone, "approval-360")

    rationale = "Injuries seen on body-worn video; she fears him and no charge is possible tonight. Necessary and proportionate."
    decide_by_keyboard(phone, rationale)
    expect(phone.locator(".govuk-panel__title")).to_have_text("Authorised")
    expect(phone.get_by_text("Decision recorded: authorised.")).to_be_visible()
    expect(phone.locator(".govuk-panel__body")).to_contain_text(SUPERINTENDENT.name)
    expect(phone.get_by_text(rationale)).to_be_visible()
    page_width_fits(phone, PHONE["width"])
    screenshot(phone, "decided-360")

    # --- The officer again: the case is authorised; print the notice.
    page.get_by_role("link", name=f"Back to {reference}").click()
    expect(page.locator(".app-heading-tag")).to_have_text("Authorised")
    page.get_by_role("link", name="Print the DVPN").click()
    expect(page).to_have_url(re.compile(r"/cases/\d+/notice$"))
    document = page.locator("main.app-print-document")
    expect(document.get_by_role("heading", level=1)).to_have_text("Domestic Violence Protection Notice")
    expect(document).to_contain_text(case.perpetrator)
    for wording in prohibition_wording(case):
        expect(document.locator("ol li", has_text=wording)).to_have_count(1)
    expect(document).to_contain_text("arrest you without warrant")
    expect(document).to_contain_text("48 hours")
    expect(document).to_contain_text(f"Authorised by Supt {SUPERINTENDENT.name}")
    expect(page.locator(".print-marking").first).to_have_text("OFFICIAL-SENSITIVE")
    screenshot(page, "notice")

    download = page.get_by_role("link", name="Download PDF")
    pdf_url = download.get_attribute("href")
    assert pdf_url and pdf_url.endswith("/notice.pdf"), pdf_url
    response = page.context.request.get(f"{live_server}{pdf_url}")  # with the officer's cookies
    assert response.status == 200
    assert response.headers["content-type"].startswith("application/pdf"), response.headers
    assert f"DVPN-{reference}.pdf" in response.headers.get("content-disposition", "")
    pages = pdf_pages(response.body(), tmp_path)
    assert pages, "the PDF has no pages"
    text = "\n".join(pages)
    assert case.perpetrator in text
    assert "Domestic Violence Protection Notice" in text
    assert "without warrant" in text
    for number, page_text in enumerate(pages, start=1):
        assert "OFFICIAL-SENSITIVE" in page_text, f"PDF page {number} lacks the protective marking"

    # --- Serve it: the hearing clock starts.
    page.get_by_role("link", name="Back").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(case.perpetrator)
    page.get_by_role("button", name="Record DVPN served").click()
    expect(page.get_by_role("heading", name="Record DVPN served")).to_be_visible()
    served_at = london_instant(
        date.fromisoformat(page.input_value("#served_date")), time.fromisoformat(page.input_value("#served_time"))
    )
    assert abs(served_at - london_now()) < timedelta(minutes=2), served_at
    page.get_by_label("Refused to give an address").check()  # P is asked for one (DAA 2021 s.25(4))
    page.locator("form").get_by_role("button", name="Record DVPN served").click()

    deadline = expected_deadline(live_app, served_at)
    clocks = page.locator("#case-clocks")
    expect(clocks).to_contain_text("Hearing deadline")
    expect(clocks).to_contain_text(f"Due by {deadline}")
    expect(page.locator(".app-heading-tag")).to_have_text("Served")

    main_nav(page).get_by_role("link", name="Dashboard").click()
    row = page.locator("#case-rows tr", has=page.get_by_role("link", name=reference, exact=True))
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Hearing deadline")
    expect(row).to_contain_text(deadline)


# ------------------------------------------------------------------ sections refused


def test_grounds_submitted_empty_shows_the_errors_in_place_and_keeps_what_was_typed(page, live_server):
    log_in(page, live_server, OFFICER)
    open_case(page, story())
    start_application(page)
    open_section(page, "grounds")
    url = page.url

    submit_section(page)
    summary = page.locator("#section-form .govuk-error-summary")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("Choose what the perpetrator did")
    expect(summary).to_contain_text("Describe what the perpetrator did")
    expect(summary).to_contain_text("Enter when it happened")
    expect(summary).to_contain_text("Tick the evidence available")
    expect(page.locator("#description-error")).to_contain_text("Describe what the perpetrator did")
    expect(page.locator(".govuk-notification-banner--success")).to_have_count(0)

    # Second attempt with one field filled: that field is kept and its error gone.
    description = "Threw a mug at her and then grabbed her by the throat."
    page.fill("#description", description)
    submit_section(page)
    expect(summary).to_contain_text("Choose what the perpetrator did")
    expect(summary).not_to_contain_text("Describe what the perpetrator did")
    expect(page.locator("#description")).to_have_value(description)
    expect(page.locator("#description-error")).to_have_count(0)
    expect(page).to_have_url(url)

    # Nothing was saved: the task list still shows it incomplete.
    page.get_by_role("link", name="Back to the application").click()
    expect(page.locator("#status-grounds")).to_contain_text("Incomplete")


def test_dash_risk_level_cannot_be_lower_than_the_score(page, live_server):
    log_in(page, live_server, OFFICER)
    open_case(page, story())
    start_application(page)
    open_section(page, "dash")

    page.fill("#score", "15")
    fieldset(page, "risk_level").get_by_label("Standard", exact=True).check()
    submit_section(page)
    summary = page.locator("#section-form .govuk-error-summary")
    expect(summary).to_contain_text("A score of 15 is high risk")
    expect(summary).to_contain_text("never lower it")
    expect(page.locator("#risk_level-error")).to_contain_text("never lower")
    expect(page.locator("#score")).to_have_value("15")
    expect(fieldset(page, "risk_level").get_by_label("Standard", exact=True)).to_be_checked()

    # Following the score, it saves.
    fieldset(page, "risk_level").get_by_label("High", exact=True).check()
    save_section(page, "dash")


def test_phone_refuses_a_landline_and_keeps_what_was_typed(page, live_server, screenshot):
    log_in(page, live_server, OFFICER)
    open_case(page, story())
    start_application(page)
    open_section(page, "phone")

    fieldset(page, "has_mobile").get_by_label("Yes", exact=True).check()
    page.fill("#mobile", "020 7946 0958")
    submit_section(page)
    summary = page.locator("#section-form .govuk-error-summary")
    expect(summary).to_contain_text("That is not a mobile number: enter a UK mobile number starting 07")
    expect(page.locator("#mobile-error")).to_contain_text("not a mobile number")
    expect(page.locator("#mobile")).to_have_value("020 7946 0958")
    expect(fieldset(page, "has_mobile").get_by_label("Yes", exact=True)).to_be_checked()
    screenshot(page, "phone-landline-refused")


# ------------------------------------------------------------------ refusal


def test_superintendent_refuses_and_the_officer_sees_the_reason(page, new_page, live_server):
    case = story("Ashley Testcombe", "Robin Testcombe")
    log_in(page, live_server, OFFICER)
    reference = open_case(page, case)
    start_application(page)
    complete_application(page, case)
    submit_for_authorisation(page)

    boss = new_page(DESKTOP)
    log_in(boss, live_server, SUPERINTENDENT)
    boss.locator("#queue").get_by_role("link", name=re.compile(rf"^{re.escape(reference)}:")).click()
    for item in DVPN.checklist:
        fieldset(boss, f"check_{item.code}").get_by_label("Confirmed", exact=True).check()
    fieldset(boss, "check_necessity").get_by_label("Not met", exact=True).check()
    fieldset(boss, "outcome").get_by_label("Refuse", exact=True).check()
    reason = "Bail conditions imposed at 23:10 already protect the victim; a notice is not necessary."
    boss.fill("#rationale", reason)
    boss.get_by_role("button", name="Record decision").click()
    expect(boss.locator(".govuk-panel__title")).to_have_text("Refused")
    # Gone from the queue.
    boss.get_by_role("link", name="Back to the queue").click()
    expect(boss.locator("#queue").get_by_role("link", name=re.compile(rf"^{re.escape(reference)}:"))).to_have_count(0)

    # The officer sees the reason on the case's application, and can start again.
    page.get_by_role("link", name=f"Back to {reference}").click()
    expect(page.locator(".app-heading-tag")).to_have_text("Refused")
    expect(page.get_by_role("button", name="Record DVPN served")).to_have_count(0)
    page.get_by_role("link", name="View the application").click()
    refused = page.locator(".govuk-error-summary")
    expect(refused).to_contain_text("Application 1 was refused")
    expect(refused).to_contain_text(SUPERINTENDENT.name)
    expect(refused).to_contain_text(reason)
    page.get_by_role("button", name="Start a new application from this one").click()
    expect(page.get_by_text("A new application has been started from the refused one.")).to_be_visible()
    expect(page.get_by_text(reason).first).to_be_visible()
    expect(page.get_by_role("button", name="Check and submit for authorisation")).to_be_visible()
