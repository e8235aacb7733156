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


# -- 5. The approval page shows P's age and V's relationship to P -------------------------------


def _people(page) -> dict[str, str]:
    return {normalize_spaces(row.dt.get_text()): normalize_spaces(row.dd.get_text())
            for row in page.select("#people .govuk-summary-list__row")}


def test_the_approval_page_shows_ps_age_on_the_day_of_the_decision_and_vs_relationship(client, client_request, make_user):
    from app.models import DecisionOutcome
    from app.services import authorisation
    from tests.integration.factories import all_met, make_authoriser, submitted_case

    case = submitted_case(make_user(Role.OFFICER))  # P born 1 Mar 1985; V is P's spouse
    application = authorisation.current_application(case)
    client_request.login_as(Role.SUPERINTENDENT, rank="Supt")
    people = _people(client_request.get("authorisation.decide", application_id=application.id))
    assert people == {
        "Perpetrator (P)": "Adam Testperson",
        "P's date of birth": "1 Mar 1985 (aged 41 on Mon 16 Nov 2026)",
        "Person to be protected (V)": "Beth Testperson",
        "V's relationship to P": "Spouse",
    }
    authorisation.decide(make_authoriser(), case, application, outcome=DecisionOutcome.AUTHORISE,
                         answers=all_met(case), rationale="Necessary.")
    _jump(client, datetime(2027, 3, 2, 10, 0, tzinfo=UTC))  # after P's next birthday: still the age when decided
    people = _people(client_request.get("authorisation.decide", application_id=application.id))
    assert people["P's date of birth"] == "1 Mar 1985 (aged 41 on Mon 16 Nov 2026)"


def test_a_dapn_approval_shows_vs_age_too(app, client_request, make_user):
    from datetime import date

    from app.services import authorisation
    from app.services.cases import PersonDetails
    from tests.integration.factories import submitted_case

    app.config["DAPN_PILOT"] = True
    case = submitted_case(make_user(Role.OFFICER), regime=RegimeCode.DAPN,
                          victims=[PersonDetails("Cara Young", date(2009, 11, 17), "intimate_partner")])
    application = authorisation.current_application(case)
    client_request.login_as(Role.INSPECTOR, rank="Insp")
    people = _people(client_request.get("authorisation.decide", application_id=application.id))
    assert people["V's date of birth"] == "17 Nov 2009 (aged 16 on Mon 16 Nov 2026)"
    assert people["V's relationship to P"] not in ("", "Not recorded")


# -- 6. Upload errors beside the field that failed ---------------------------------------------


def _upload(client, token, url, content: bytes, name: str):
    import io

    return client.post(url, data={"csrf_token": token, "file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def test_a_refused_upload_is_shown_beside_its_file_input(client, client_request):
    from bs4 import BeautifulSoup

    from tests.integration.conftest import csrf_token, flash_messages

    officer = client_request.login_as(Role.OFFICER)
    case = served_case(officer)
    token = csrf_token(client)
    response = _upload(client, token, f"/cases/{case.id}/court/items/dash_form/upload", b"<html></html>", "dash.pdf")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/cases/{case.id}/court#file-dash_form")
    page = BeautifulSoup(client.get(f"/cases/{case.id}/court").get_data(as_text=True), "html.parser")
    error = page.select_one("#file-dash_form-error")
    assert "dash.pdf: The file is not a PDF, JPEG, PNG or Word" in error.get_text()
    assert page.select_one("#file-dash_form")["aria-describedby"] == "file-dash_form-error"
    assert page.select_one("#item-dash_form #file-dash_form-error") is not None  # in the item's own row
    assert [a["href"] for a in page.select(".govuk-error-summary__list a")] == ["#file-dash_form"]
    assert not [m for m in flash_messages(page) if "dash.pdf" in m]  # no banner
    assert page.select_one("#file-officer_statement-error") is None
    # Shown once: the next visit is clean.
    assert "file-dash_form-error" not in client.get(f"/cases/{case.id}/court").get_data(as_text=True)

    # No file chosen for a breach's statement.
    from app.models import BreachSource
    from app.services import breaches

    breach = breaches.record_breach(officer, case, occurred_at=DEFAULT_NOW - timedelta(minutes=20), description="At the door.",
                                    source=BreachSource.VICTIM, arrested_at=None, arresting_officer="",
                                    calendar=load_calendar())
    client.post(f"/cases/{case.id}/breaches/{breach.id}/upload/breach_statement", data={"csrf_token": token},
                content_type="multipart/form-data")
    page = BeautifulSoup(client.get(f"/cases/{case.id}/court").get_data(as_text=True), "html.parser")
    field = f"breach-{breach.id}-breach_statement"
    assert "Choose a file to upload" in page.select_one(f"#{field}-error").get_text()
    assert page.select_one(f"#{field}")["aria-describedby"] == f"{field}-error"


def test_a_refused_fee_receipt_is_shown_beside_it_and_the_fee_typed_is_kept(client, client_request):
    import io

    from tests.integration.conftest import csrf_token

    officer = client_request.login_as(Role.OFFICER)
    case = served_case(officer)
    response = client.post(f"/cases/{case.id}/court/fee", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(client), "contested": "no", "amount": "500.00", "reference": "FEE-9", "paid_on": "2026-11-16",
        "receipt": (io.BytesIO(b"<html></html>"), "receipt.pdf")})
    from bs4 import BeautifulSoup

    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert response.status_code == 200
    assert "receipt.pdf: The file is not a PDF, JPEG, PNG or Word" in page.select_one("#receipt-error").get_text()
    assert page.select_one("#receipt")["aria-describedby"] == "receipt-error"
    assert page.select_one("#reference")["value"] == "FEE-9" and page.select_one("#amount")["value"] == "500.00"
    assert case.submission is None or case.submission.fee_pence is None


# -- 8. A breach from a caseworker's concern is pre-filled from it ------------------------------


def test_a_breach_started_from_a_concern_is_prefilled_from_it(client, client_request, make_user):
    from app.services import casework
    from tests.integration.factories import sent_referral, support_service

    service = support_service()
    officer = client_request.login_as(Role.OFFICER)
    case, referral = sent_referral(officer, service)
    caseworker = make_user(Role.CASEWORKER, service_id=service.id)
    concern = casework.report_concern(caseworker, referral, observed_at=datetime(2026, 11, 16, 9, 40, tzinfo=UTC),
                                      what="V says P was outside the house at 09:40 shouting.")
    page = client_request.get("referrals.concern", case_id=case.id, referral_id=referral.id, concern_id=concern.id)
    [link] = [a for a in page.select("main a") if "record a breach" in a.get_text()]
    form = client_request.get(link["href"])
    assert form.select_one("#occurred_date")["value"] == "2026-11-16" and form.select_one("#occurred_time")["value"] == "09:40"
    assert form.select_one("#description").get_text().strip() == "V says P was outside the house at 09:40 shouting."
    assert form.select_one("input[name=source][value=caseworker]").has_attr("checked")
    assert "Pre-filled from the caseworker's concern" in form.select_one("#from-concern").get_text()
    # Recorded from there, the officer is taken back to say what was done about the concern.
    data = {"occurred_date": "2026-11-16", "occurred_time": "09:40", "description": "P outside the house, shouting.",
            "source": "caseworker", "arrested": "no"}
    concern_url = client_request.url("referrals.concern", case_id=case.id, referral_id=referral.id, concern_id=concern.id)
    client_request.post(link["href"], _data=data, _expected_redirect=concern_url)
    assert case.breaches[0].source.value == "caseworker"

    # Without a concern (or with another case's), the form starts empty.
    plain = client_request.get("court.new_breach", case_id=case.id)
    assert not plain.select_one("#description").get_text().strip() and plain.select_one("#from-concern") is None
    other = served_case(officer)
    elsewhere = client_request.get(f"/cases/{other.id}/breaches/new?concern={concern.id}")
    assert not elsewhere.select_one("#description").get_text().strip()
