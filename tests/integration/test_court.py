import io
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from app import timeutil
from app.domain.deadlines import breach_court_deadline, order_end
from app.domain.timefmt import format_instant
from app.extensions import db
from app.models import AuditEntry, Breach, CaseState, Document, Hearing, HearingOutcome, OrderStatus, Role
from app.services import ValidationFailed, court, court_bundle
from app.services import breaches as breach_service
from app.services.calendar import load_calendar
from app.services.clock_cache import hearing_deadline_for
from app.services.order_records import OrderSettings
from app.services.reminders import TextSettings
from tests.integration.conftest import DEFAULT_NOW, keep_session_alive, login
from tests.integration.factories import heard_case, listed_case, served_case

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(client, token, case, key, content=PDF, name="statement.pdf"):
    return client.post(f"/cases/{case.id}/court/items/{key}/upload",
                       data={"csrf_token": token, "file": (io.BytesIO(content), name)}, content_type="multipart/form-data")


def test_bundle_ticks_uploads_and_progress(client, login_as):
    officer, token = login_as(Role.OFFICER)
    case = served_case(officer)
    page = client.get(f"/cases/{case.id}/court").get_data(as_text=True)
    assert "0 of 10" in page and "Ready for court" not in page
    response = client.post(f"/cases/{case.id}/court/items/chronology/tick", headers={"HX-Request": "true"},
                           data={"csrf_token": token, "done": "yes"})
    html = response.get_data(as_text=True)
    assert 'id="item-chronology"' in html and "Checked by" in html and "1 of 10" in html and 'hx-swap-oob="true"' in html
    assert upload(client, token, case, "officer_statement").status_code == 302
    doc = db.session.scalars(select(Document)).one()
    assert doc.original_name == "statement.pdf" and doc.content_type == "application/pdf" and doc.uploaded_by_id == officer.id
    served = client.get(f"/documents/{doc.id}")
    assert served.status_code == 200 and served.data == PDF and served.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "2 of 10" in client.get(f"/cases/{case.id}/court").get_data(as_text=True)
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.case_id == case.id)).all()
    assert {"bundle.ticked", "bundle.document_added", "bundle.document_viewed"} <= set(actions)


def test_uploads_are_checked_by_content_and_size(client, login_as, app):
    officer, token = login_as(Role.OFFICER)
    case = served_case(officer)
    response = upload(client, token, case, "dash_form", b"<html><script>alert(1)</script></html>", "dash.pdf")
    assert response.status_code == 302
    assert "is not a PDF, JPEG, PNG or Word" in client.get(f"/cases/{case.id}/court").get_data(as_text=True)
    app.config["UPLOAD_MAX_BYTES"] = 100  # the store's limit, tiny for the test
    upload(client, token, case, "dash_form", PDF * 10, "big.pdf")
    assert "larger than" in client.get(f"/cases/{case.id}/court").get_data(as_text=True)
    assert db.session.scalar(select(Document)) is None


def test_documents_are_only_served_to_those_who_may_read_the_case(client, login_as, make_user):
    officer = make_user(Role.OFFICER)
    case = served_case(officer, area="South")
    officer_client = client.application.test_client()
    login(officer_client, officer)
    token = officer_client.get("/account").get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    upload(officer_client, token, case, "officer_statement")
    doc = db.session.scalars(select(Document)).one()
    login_as(Role.OFFICER, area="North")
    assert client.get(f"/documents/{doc.id}").status_code == 404
    caseworker = client.application.test_client()
    login(caseworker, make_user(Role.CASEWORKER))
    assert caseworker.get(f"/documents/{doc.id}").status_code == 403


def test_listing_after_the_deadline_needs_a_reason_and_the_case_warns(client, login_as):
    officer, token = login_as(Role.OFFICER)
    case = served_case(officer)
    deadline = hearing_deadline_for(case, load_calendar())
    late = (deadline + timedelta(hours=2)).astimezone(timeutil.utcnow().tzinfo)
    from app.domain.calendar import LONDON

    local = late.astimezone(LONDON)
    data = {"csrf_token": token, "court_name": "Northfield Magistrates", "starts_date": f"{local:%Y-%m-%d}",
            "starts_time": f"{local:%H:%M}", "late_reason": ""}
    html = client.post(f"/cases/{case.id}/court/listing", data=data).get_data(as_text=True)
    assert "after the statutory deadline" in html and "Northfield Magistrates" in html
    assert db.session.scalar(select(Hearing)) is None
    data["late_reason"] = "The court had no sitting before Thursday."
    assert client.post(f"/cases/{case.id}/court/listing", data=data).status_code == 302
    page = client.get(f"/cases/{case.id}/court").get_data(as_text=True)
    assert "listed after the statutory deadline" in page and format_instant(deadline) in page


def test_granting_the_order_starts_the_order_clock_and_warns_when_removal_is_dropped(client, login_as):
    officer, token = login_as(Role.OFFICER)
    case = heard_case(officer)
    hearing = court.pending_hearing(case)
    data = {"csrf_token": token, "hearing_id": str(hearing.id), "outcome": "granted", "contested": "yes",
            "made_on": "2026-11-16", "days": "28", "conditions": ["no_molest"], "notes": ""}
    assert client.post(f"/cases/{case.id}/court/outcome", data=data).status_code == 302
    db.session.refresh(case)
    assert case.state is CaseState.ORDER_IN_FORCE
    assert case.order.ends_at == order_end(date(2026, 11, 16), 28) == datetime(2026, 12, 14, 0, 0, tzinfo=UTC)
    assert case.order.removal_not_granted is True  # the demo application proposed no_enter and no_come_within
    assert "Removal from the home was proposed but not granted" in client.get(f"/cases/{case.id}/court").get_data(as_text=True)
    # A second tab posting the same form records nothing more.
    again = client.post(f"/cases/{case.id}/court/outcome", data=data)
    assert again.status_code == 200 and "already been recorded" in again.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count(Hearing.id))) == 1
    outcomes = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "court.outcome_recorded")).all()
    assert len(outcomes) == 1


def test_a_dvpo_lasts_14_to_28_days(client, login_as):
    officer, token = login_as(Role.OFFICER)
    case = listed_case(officer)
    hearing = court.pending_hearing(case)
    for days in ("13", "29", "many"):
        html = client.post(f"/cases/{case.id}/court/outcome", data={
            "csrf_token": token, "hearing_id": str(hearing.id), "outcome": "granted", "contested": "no",
            "made_on": "2026-11-16", "days": days, "conditions": ["no_molest"]}).get_data(as_text=True)
        assert "There is a problem" in html and days in html
    assert court.pending_hearing(case) is not None


def test_adjournment_lists_the_next_hearing_and_refusal_ends_the_notice(client, login_as):
    officer, token = login_as(Role.OFFICER)
    case = listed_case(officer)
    first = court.pending_hearing(case)
    next_at = first.starts_at + timedelta(days=2)
    court.record_outcome(officer, case, first, outcome=HearingOutcome.ADJOURNED, contested=True, notes="",
                         next_starts_at=next_at, calendar=load_calendar(), texts=TextSettings(), orders=OrderSettings())
    second = court.pending_hearing(case)
    assert second.id != first.id and second.starts_at == next_at and case.state is CaseState.SERVED
    with pytest.raises(ValidationFailed):
        court.record_outcome(officer, case, first, outcome=HearingOutcome.REFUSED, contested=True, notes="", calendar=load_calendar(),
                             texts=TextSettings(), orders=OrderSettings())
    timeutil.set_frozen(next_at + timedelta(hours=1))  # the court refuses the order at the adjourned hearing
    keep_session_alive(client, next_at + timedelta(hours=1))
    court.record_outcome(officer, case, second, outcome=HearingOutcome.REFUSED, contested=True, notes="", calendar=load_calendar(),
                             texts=TextSettings(), orders=OrderSettings())
    assert case.state is CaseState.ORDER_REFUSED
    assert "the DVPN has ceased" in client.get(f"/cases/{case.id}/court").get_data(as_text=True)


def test_breach_arrest_puts_the_24_hour_clock_above_everything(client, login_as):
    officer, token = login_as(Role.OFFICER)
    urgent_hearing = served_case(officer, served_at=DEFAULT_NOW - timedelta(hours=40))
    breached = served_case(officer)
    arrested = DEFAULT_NOW - timedelta(minutes=20)
    from app.domain.calendar import LONDON

    occ, arr = (arrested - timedelta(minutes=15)).astimezone(LONDON), arrested.astimezone(LONDON)
    response = client.post(f"/cases/{breached.id}/breaches/new", data={
        "csrf_token": token, "occurred_date": f"{occ:%Y-%m-%d}", "occurred_time": f"{occ:%H:%M}",
        "description": "Found at the address.", "source": "officer_visit", "arrested": "yes",
        "arrested_date": f"{arr:%Y-%m-%d}", "arrested_time": f"{arr:%H:%M}", "arresting_officer": "PC 1234 Jones"})
    assert response.status_code == 302
    breach = db.session.scalars(select(Breach)).one()
    assert breach.court_deadline_at == breach_court_deadline(arrested)
    html = client.get("/dashboard").get_data(as_text=True)
    # In the table of live cases (the task panels above it name cases too).
    table = html[html.index("<table"):]
    assert table.index(breached.reference) < table.index(urgent_hearing.reference)
    assert "Breach: before the court by" in html and format_instant(breach_court_deadline(arrested)) in html


def test_orders_expire_by_themselves_and_the_case_closes(app, make_user):
    from app.jobs import expire_orders

    officer = make_user(Role.OFFICER)
    case = heard_case(officer)
    court.record_outcome(officer, case, court.pending_hearing(case), outcome=HearingOutcome.GRANTED, contested=False, notes="",
                         days=14, made_on=date(2026, 11, 16), conditions=[{"kind": "no_molest"}], calendar=load_calendar(),
                         texts=TextSettings(), orders=OrderSettings())
    timeutil.set_frozen(case.order.ends_at - timedelta(seconds=1))
    expire_orders(app)
    db.session.expire_all()
    assert case.order.status is OrderStatus.IN_FORCE
    timeutil.set_frozen(case.order.ends_at)
    expire_orders(app)
    db.session.expire_all()
    assert case.order.status is OrderStatus.EXPIRED and case.state is CaseState.CLOSED
    assert db.session.scalars(select(AuditEntry).where(AuditEntry.action == "order.expired")).one().user_id is None


def test_variation_and_discharge_are_recorded_with_the_courts_date(client, login_as):
    officer, token = login_as(Role.OFFICER)
    case = heard_case(officer)
    court.record_outcome(officer, case, court.pending_hearing(case), outcome=HearingOutcome.GRANTED, contested=False, notes="",
                         days=14, made_on=date(2026, 11, 16), conditions=[{"kind": "no_molest"}], calendar=load_calendar(),
                         texts=TextSettings(), orders=OrderSettings())
    html = client.post(f"/cases/{case.id}/court/order", data={"csrf_token": token, "kind": "varied", "court_date": "2026-11-16",
                                                             "new_days": "40", "details": "Extended"}).get_data(as_text=True)
    assert "from 14 to 28 days" in html
    assert client.post(f"/cases/{case.id}/court/order", data={"csrf_token": token, "kind": "varied", "court_date": "2026-11-16",
                                                             "new_days": "21", "details": "Extended to 21 days"}).status_code == 302
    db.session.refresh(case)
    assert case.order.ends_at == order_end(date(2026, 11, 16), 21)
    client.post(f"/cases/{case.id}/court/order", data={"csrf_token": token, "kind": "discharged", "court_date": "2026-11-16", "details": "V applied"})
    db.session.refresh(case)
    assert case.order.status is OrderStatus.DISCHARGED and case.state is CaseState.CLOSED
    assert [e.kind.value for e in case.order.events] == ["varied", "discharged"]


def test_fee_and_sending_complete_their_items(client, login_as):
    officer, token = login_as(Role.OFFICER)
    case = served_case(officer)
    html = client.post(f"/cases/{case.id}/court/fee", data={"csrf_token": token, "contested": "no", "amount": "five hundred",
                                                          "reference": "", "paid_on": "2026-11-16"}).get_data(as_text=True)
    assert "must be an amount in pounds" in html
    response = client.post(f"/cases/{case.id}/court/fee", content_type="multipart/form-data", data={
        "csrf_token": token, "contested": "no", "amount": "", "reference": "HMCTS-123", "paid_on": "2026-11-16",
        "receipt": (io.BytesIO(PDF), "receipt.pdf")})
    assert response.status_code == 302
    db.session.refresh(case)
    assert case.submission.fee_pence == 50000 and case.submission.fee_receipt.original_name == "receipt.pdf"
    assert "court_fee" in court_bundle.done_keys(case)
    client.post(f"/cases/{case.id}/court/sent", data={"csrf_token": token, "court_name": "Northfield", "sent_date": "2026-11-16",
                                                     "sent_time": "09:30", "how": "Secure email"})
    db.session.refresh(case)
    assert "sent_to_court" in court_bundle.done_keys(case)


def test_breach_statement_uploads_belong_to_the_breach_not_the_main_bundle(client, login_as):
    officer, token = login_as(Role.OFFICER)
    case = served_case(officer)
    breach = breach_service.record_breach(officer, case, occurred_at=DEFAULT_NOW - timedelta(minutes=30), description="At the door.",
                                          source=breach_service.BreachSource.VICTIM, arrested_at=DEFAULT_NOW - timedelta(minutes=10),
                                          arresting_officer="PC 1 Test", calendar=load_calendar())
    response = client.post(f"/cases/{case.id}/breaches/{breach.id}/upload/breach_statement", content_type="multipart/form-data",
                           data={"csrf_token": token, "file": (io.BytesIO(PDF), "arrest.pdf")})
    assert response.status_code == 302
    doc = db.session.scalars(select(Document)).one()
    assert doc.breach_id == breach.id and doc.item_key == "breach_statement"
    db.session.refresh(case)
    assert "officer_statement" not in court_bundle.done_keys(case)
    assert client.post(f"/cases/{case.id}/breaches/{breach.id}/upload/passport", data={"csrf_token": token}).status_code == 404


def test_court_page_queries_do_not_grow_with_documents_and_breaches(client, login_as):
    from tests.support import count_queries

    officer, token = login_as(Role.OFFICER)
    case = served_case(officer)
    upload(client, token, case, "officer_statement")
    few = count_queries(client, f"/cases/{case.id}/court")
    for key in ("dash_form", "history", "map", "other_evidence", "officer_statement"):
        upload(client, token, case, key)
    for minutes in (50, 40, 30):
        breach_service.record_breach(officer, case, occurred_at=DEFAULT_NOW - timedelta(minutes=minutes), description="Again.",
                                     source=breach_service.BreachSource.VICTIM, arrested_at=None, arresting_officer="",
                                     calendar=load_calendar())
    assert count_queries(client, f"/cases/{case.id}/court") == few
