"""Defects seen on the way (issue 15, section 5), each through the pages people use.

The clock is frozen at Monday 16 Nov 2026 10:00 (GMT, so London time too) unless a test
moves it.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app import timeutil
from app.domain.regimes import RegimeCode
from app.models import CaseState, HearingOutcome, Role
from app.services import court, trial
from app.services.calendar import load_calendar
from app.services.order_records import OrderSettings
from app.services.reminders import TextSettings
from tests.integration.conftest import (
    DEFAULT_NOW,
    error_summary,
    heading,
    keep_session_alive,
    normalize_spaces,
)
from tests.integration.factories import authorised_case, granted_case, listed_case, served_case
from tests.support import pdf_pages


def _jump(client, now: datetime) -> None:
    timeutil.set_frozen(now)
    keep_session_alive(client, now)


def _grant_form(hearing, made_on: str, **extra) -> dict:
    return {"hearing_id": str(hearing.id), "outcome": "granted", "contested": "no", "made_on": made_on,
            "days": "28", "conditions": ["no_molest"], "notes": "Granted as asked.", **extra}


# -- 1. An order cannot be granted before its hearing ------------------------------------------


def test_an_order_is_not_granted_before_its_hearing_begins(client_request):
    officer = client_request.login_as(Role.OFFICER)
    case = listed_case(officer)  # the hearing is listed for Tue 17 Nov 2026, 05:00
    hearing = court.pending_hearing(case)
    page = client_request.post("court.outcome", _data=_grant_form(hearing, "2026-11-16"), _expected_status=200,
                               case_id=case.id)
    errors = error_summary(page)
    assert ("The hearing is listed for Tue 17 Nov 2026, 05:00: the court's decision can be recorded once it has "
            "begun. An adjournment or a withdrawal can be recorded before then") in errors
    assert "The order cannot have been made before its hearing (Tue 17 Nov 2026, 05:00)" in errors
    # Beside the fields, with what was typed kept.
    assert "once it has begun" in page.select_one("#outcome-error").get_text()
    assert page.select_one("#days")["value"] == "28"
    assert page.select_one("#notes").get_text().strip() == "Granted as asked."
    assert page.select_one("input[name=outcome][value=granted]").has_attr("checked")
    assert case.order is None and case.state is CaseState.SERVED and hearing.outcome is None

    refused = client_request.post("court.outcome", _data={**_grant_form(hearing, ""), "outcome": "refused"},
                                  _expected_status=200, case_id=case.id)
    assert any("once it has begun" in e for e in error_summary(refused)) and case.state is CaseState.SERVED


def test_at_the_hearing_the_order_is_made_on_its_day_not_before_nor_in_the_future(client, client_request):
    officer = client_request.login_as(Role.OFFICER)
    case = listed_case(officer)
    hearing = court.pending_hearing(case)
    _jump(client, hearing.starts_at + timedelta(hours=5))  # Tue 17 Nov, 10:00
    for made_on, message in (("2026-11-16", "The order cannot have been made before its hearing"),
                             ("2026-11-18", "The date the order was made cannot be in the future")):
        page = client_request.post("court.outcome", _data=_grant_form(hearing, made_on), _expected_status=200,
                                   case_id=case.id)
        assert [e for e in error_summary(page) if message in e], (made_on, error_summary(page))
        assert case.order is None
    client_request.post("court.outcome", _data=_grant_form(hearing, "2026-11-17"), case_id=case.id)
    assert case.state is CaseState.ORDER_IN_FORCE and case.order.made_on.isoformat() == "2026-11-17"
    assert case.order.service.granted_at == hearing.starts_at


def test_an_adjournment_or_a_withdrawal_may_come_before_the_listed_start(app, make_user):
    officer = make_user(Role.OFFICER)
    case = listed_case(officer)
    first = court.pending_hearing(case)
    court.record_outcome(officer, case, first, outcome=HearingOutcome.ADJOURNED, contested=False, notes="",
                         next_starts_at=first.starts_at + timedelta(days=1), calendar=load_calendar(),
                         texts=TextSettings(), orders=OrderSettings())
    court.record_outcome(officer, case, court.pending_hearing(case), outcome=HearingOutcome.WITHDRAWN, contested=False,
                         notes="", calendar=load_calendar(), texts=TextSettings(), orders=OrderSettings())
    assert case.state is CaseState.WITHDRAWN


# -- 2. The serve page's question names the regime's notice ------------------------------------


def test_the_serve_page_asks_when_the_notice_of_its_regime_was_served(app, client_request):
    app.config["DAPN_PILOT"] = True
    officer = client_request.login_as(Role.OFFICER)
    for regime_code, notice in ((RegimeCode.DVPN, "DVPN"), (RegimeCode.DAPN, "DAPN")):
        case = authorised_case(officer, regime=regime_code)
        page = client_request.get("cases.serve", case_id=case.id)
        legends = [normalize_spaces(legend.get_text()) for legend in page.select("legend")]
        assert f"When was the {notice} served?" in legends
        assert "{{" not in page.get_text()


# -- 3. The outcome page before any hearing is listed ------------------------------------------


def test_the_outcome_page_before_a_listing_says_so_and_links_to_the_listing(client_request):
    officer = client_request.login_as(Role.OFFICER)
    case = served_case(officer)
    page = client_request.get("court.outcome", case_id=case.id)
    assert heading(page) == "No hearing is listed yet"
    assert "already been recorded" not in page.get_text()
    listing = client_request.url("court.listing", case_id=case.id)
    assert normalize_spaces(page.select_one(f"main a[href='{listing}']").get_text()) == "Record the listing"

    not_served = authorised_case(officer)
    page = client_request.get("court.outcome", case_id=not_served.id)
    assert heading(page) == "No hearing is listed yet" and "has not been served" in page.get_text()

    # Once an outcome is recorded the old message stands.
    granted = granted_case(officer)
    assert "already been recorded" in client_request.get("court.outcome", case_id=granted.id).get_text()


# -- 4. Sending the next text during quiet hours ----------------------------------------------


def test_the_send_now_button_says_when_the_text_will_go(client, client_request, make_user):
    trial.switch(make_user(Role.ADMIN), running=False, stratified=False, reason="Trial closed to recruitment")
    officer = client_request.login_as(Role.OFFICER)
    case = granted_case(officer, days=14)

    def button() -> str:
        page = client_request.get("texts.send_now", case_id=case.id)
        return normalize_spaces(page.select_one("main form button[type=submit]").get_text())

    assert button() == "Send it now"
    _jump(client, datetime(2026, 11, 16, 21, 0, tzinfo=UTC))  # Mon 21:00: quiet hours until 09:00 Tue
    assert button() == "Send at 09:00 tomorrow"
    _jump(client, datetime(2026, 11, 17, 7, 30, tzinfo=UTC))  # Tue 07:30
    assert button() == "Send at 09:00"


# -- 10. Midnight at the end of a day, on pages and printouts ----------------------------------


def test_a_deadline_at_midnight_reads_as_the_end_of_the_day_on_the_page_and_the_pdf(client, client_request, tmp_path):
    officer = client_request.login_as(Role.OFFICER)
    # Served on a Sunday, which does not count: the 48 hours run Mon and Tue, to midnight.
    case = served_case(officer, served_at=datetime(2026, 11, 15, 14, 0, tzinfo=UTC))
    assert DEFAULT_NOW > case.served_at
    page = normalize_spaces(client_request.get("court.show", case_id=case.id).get_text())
    assert "midnight at the end of Tue 17 Nov 2026" in page and "24:00" not in page
    printout = normalize_spaces(client_request.get("court.printout", case_id=case.id).get_text())
    assert "midnight at the end of Tue 17 Nov 2026" in printout and "24:00" not in printout
    response = client.get(f"/cases/{case.id}/court/printout.pdf")
    text = normalize_spaces(" ".join(pdf_pages(response.get_data(), tmp_path)))
    assert "midnight at the end of Tue 17 Nov 2026" in text and "24:00" not in text
