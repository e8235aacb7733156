"""Orders made elsewhere (DAA 2021 s.28, s.31): recorded by officers, then managed end to end
as any order: the dashboard, service on P, V told, the referral awaiting consent, texts,
breaches and expiry; pages that expect a notice neither crash nor show its steps."""
from __future__ import annotations

import io
from datetime import date, timedelta

import pytest

from app import timeutil
from app.domain.order_origin import CaseOrigin, OrderRoute, Requirement
from app.extensions import db
from app.models import Case, CaseState, EnrolmentStatus, OrderStatus, Referral, ReferralStatus, Role, TrialEnrolment
from app.services import ValidationFailed, orders_elsewhere
from app.services.calendar import load_calendar
from app.services.cases import CaseDetails, PersonDetails
from app.services.order_records import OrderSettings
from app.services.referrals import ReferralSettings
from app.services.reminders import TextSettings
from app.uploads import UploadStore
from tests.integration.conftest import DEFAULT_NOW, error_summary, flash_messages, heading, normalize_spaces

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"
MADE_ON = date(2026, 11, 10)


def _form(officer_id: int, **overrides) -> dict:
    data = {
        "court_name": "Northshire Family Court", "made_on": MADE_ON.isoformat(), "route": "victim",
        "until_further_order": "y", "conditions": ["no_contact", "no_come_within"], "distance_metres": "200",
        "other_requirements": "Attend a behaviour change programme, supervised by the probation service.",
        "perpetrator_name": "Carl Elsewhere", "perpetrator_dob": "1980-02-03", "has_mobile": "yes",
        "mobile": "07123 456789", "victims-0-full_name": "Dana Elsewhere", "victims-0-date_of_birth": "1990-05-06",
        "victims-0-relationship": "former_spouse", "address_line_1": "2 Court Road", "town": "Northtown",
        "postcode": "NT1 2AB", "risk_level": "medium", "officer_in_case_id": str(officer_id), "area": "North",
        "order_copy": (io.BytesIO(PDF), "order.pdf"),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _record(client_request, officer, **overrides) -> Case:
    client_request.post("elsewhere.new_order", _data=_form(officer.id, **overrides))
    return db.session.scalars(db.select(Case).order_by(Case.id.desc())).first()


def _details(officer, **overrides) -> orders_elsewhere.ElsewhereOrder:
    details = orders_elsewhere.ElsewhereOrder(
        case=CaseDetails(perpetrator=PersonDetails("Carl Elsewhere", date(1980, 2, 3)),
                         victims=[PersonDetails("Dana Elsewhere", date(1990, 5, 6), "former_spouse")],
                         address_line_1="2 Court Road", town="Northtown", postcode="NT1 2AB",
                         officer_in_case_id=officer.id, area="North"),
        court_name="Northshire Family Court", made_on=MADE_ON, route=OrderRoute.FAMILY_PROCEEDINGS,
        days=28, requirements=[Requirement("no_contact")], phone={"has_mobile": False, "no_phone_reason": "seized"})
    for key, value in overrides.items():
        setattr(details, key, value)
    return details


def _record_directly(app, officer, **overrides) -> Case:
    stored = UploadStore(app.config["UPLOAD_FOLDER"], 100_000).save(io.BytesIO(PDF), "order.pdf")
    return orders_elsewhere.record(officer, _details(officer, **overrides), stored, force_code="TC",
                                   calendar=load_calendar(), texts=TextSettings(), orders=OrderSettings(),
                                   referral_settings=ReferralSettings())


def test_an_officer_records_an_order_made_elsewhere_and_the_case_starts_with_it_in_force(client_request):
    officer = client_request.login_as(Role.OFFICER, area="North")
    case = _record(client_request, officer)
    assert case.origin is CaseOrigin.MADE_ELSEWHERE and case.made_elsewhere
    assert case.state is CaseState.ORDER_IN_FORCE and case.regime.value == "dapn"
    assert case.order_route is OrderRoute.VICTIM and case.served_at is None and case.applications == []
    order = case.order
    assert (order.made_on, order.days, order.ends_at, order.status) == (MADE_ON, None, None, OrderStatus.IN_FORCE)
    assert order.conditions == [
        {"kind": "no_contact", "distance_metres": None}, {"kind": "no_come_within", "distance_metres": 200},
        {"kind": "other", "text": "Attend a behaviour change programme, supervised by the probation service."}]
    # The same requirement records as a DAPO granted on a police application.
    assert [(r.kind.value, r.distance_metres) for r in order.requirements] == [
        ("no_contact", None), ("not_near_v_home", 200), ("other_prohibition", None)]
    assert order.requirements[2].wording == "Attend a behaviour change programme, supervised by the probation service."
    assert orders_elsewhere.order_copy(case).original_name == "order.pdf"
    # Service on P is due, V's referral awaits her consent, the text trial assessed P's number.
    assert order.service is not None and order.service.served_at is None
    [referral] = db.session.scalars(db.select(Referral).where(Referral.case_id == case.id))
    assert referral.status is ReferralStatus.AWAITING and referral.consent is None and referral.protection_stage == "order"
    enrolment = db.session.scalars(db.select(TrialEnrolment).where(TrialEnrolment.case_id == case.id)).one()
    # A DAPO: by default texted outside the DVPO trial (the trial page's DAPO setting).
    assert enrolment.mobile_e164 == "+447123456789" and enrolment.status is EnrolmentStatus.OUTSIDE_TRIAL
    # The case page: the order's origin, no notice steps.
    page = client_request.get("cases.show", case_id=case.id)
    text = normalize_spaces(page.get_text())
    assert "made on the victim's application" in text and "Northshire Family Court" in text
    assert "DAPN application" not in text and "Record DAPN served" not in text and "Hearing window" not in text
    assert page.find("a", string="order.pdf") is not None
    # The court page: the order, its service, V told; no bundle, no notice of the hearing.
    court = normalize_spaces(client_request.get("court.show", case_id=case.id).get_text())
    assert "until further order" in court and "Court bundle" not in court and "Notice of the hearing" not in court
    assert "The order served on the perpetrator" in court and "The victim told of the order" in court
    assert "Attend a behaviour change programme" in court
    # Printouts that assume a notice still render.
    client_request.get("court.printout", case_id=case.id)
    # The dashboard lists it with its service clock.
    dashboard = normalize_spaces(client_request.get("cases.dashboard").get_text())
    assert case.reference in dashboard


def test_invalid_input_keeps_what_was_typed(client_request):
    officer = client_request.login_as(Role.OFFICER)
    page = client_request.post("elsewhere.new_order", _expected_status=200, _data=_form(
        officer.id, route="third_party", route_details="", made_on=(DEFAULT_NOW.date() + timedelta(days=1)).isoformat(),
        order_copy=None, **{"victims-0-date_of_birth": None}))
    errors = error_summary(page)
    assert "Say who applied for the order" in errors
    assert "The date the order was made cannot be in the future" in errors
    assert "Upload a copy of the order (PDF, JPEG or PNG)" in errors
    assert any("16 or over" in e for e in errors)
    assert page.find("input", {"name": "perpetrator_name"})["value"] == "Carl Elsewhere"
    assert page.find("input", {"name": "court_name"})["value"] == "Northshire Family Court"
    assert db.session.scalar(db.select(db.func.count(Case.id))) == 0


def test_a_victim_under_16_when_the_order_was_made_is_refused(client_request):
    officer = client_request.login_as(Role.OFFICER)
    page = client_request.post("elsewhere.new_order", _expected_status=200, _data=_form(
        officer.id, **{"victims-0-date_of_birth": "2011-01-01"}))
    assert any("aged 16 or over" in e and "Dana Elsewhere" in e for e in error_summary(page))


def test_a_word_file_is_not_a_copy_of_the_order(client_request):
    officer = client_request.login_as(Role.OFFICER)
    page = client_request.post("elsewhere.new_order", _expected_status=200,
                               _data=_form(officer.id, order_copy=(io.BytesIO(b"just text"), "order.txt")))
    assert any("order.txt" in e for e in error_summary(page))
    assert db.session.scalar(db.select(db.func.count(Case.id))) == 0


@pytest.mark.parametrize("role", [Role.INSPECTOR, Role.SUPERINTENDENT, Role.SUPERVISOR, Role.CASEWORKER, Role.ADMIN])
def test_only_officers_record_an_order_made_elsewhere(client_request, role):
    client_request.login_as(role)
    client_request.get("elsewhere.new_order", _expected_status=403)


def test_the_dashboard_links_to_it(client_request):
    client_request.login_as(Role.OFFICER)
    page = client_request.get("cases.dashboard")
    assert page.find("a", string="Record an order made elsewhere")["href"] == "/orders/elsewhere/new"


def test_another_areas_officer_cannot_see_it(app, client_request, make_user):
    case = _record_directly(app, make_user(Role.OFFICER))
    client_request.login_as(Role.OFFICER, area="South")
    client_request.get("cases.show", case_id=case.id, _expected_status=404)
    client_request.get("court.show", case_id=case.id, _expected_status=404)


def test_managed_end_to_end_served_told_breached_and_expiring(app, client_request):
    from app.jobs import expire_orders

    officer = client_request.login_as(Role.OFFICER)
    case = _record(client_request, officer, until_further_order=None, days="28")
    assert case.order.ends_at is not None
    client_request.post("court.order_served", case_id=case.id, _data={
        "served_date": DEFAULT_NOW.date().isoformat(), "served_time": "09:00", "served_by": "PC Smith",
        "method": "in_person"})
    victim = case.victims[0]
    client_request.post("court.victim_told", case_id=case.id, victim_id=victim.id, _data={
        "told_date": DEFAULT_NOW.date().isoformat(), "told_time": "09:30", "told_by": "PC Smith", "method": "phone",
        "explained": ["conditions", "end", "breach"], "copy_given": "no"})
    # A breach before the order was made is refused; one after it is an offence (PACE clock).
    page = client_request.post("court.new_breach", case_id=case.id, _expected_status=200, _data={
        "occurred_date": "2026-11-01", "occurred_time": "10:00", "description": "Texts.", "source": "victim",
        "arrested": "no"})
    assert "A breach cannot be before the order was made" in error_summary(page)
    client_request.post("court.new_breach", case_id=case.id, _data={
        "occurred_date": "2026-11-15", "occurred_time": "22:00", "description": "Came to the house.",
        "source": "victim", "arrested": "yes", "arrested_date": "2026-11-16", "arrested_time": "01:00",
        "arresting_officer": "PC Jones"})
    db.session.expire_all()
    [breach] = case.breaches
    assert breach.order_id == case.order.id and breach.court_deadline_at is not None
    dashboard = normalize_spaces(client_request.get("cases.dashboard").get_text())
    assert case.reference in dashboard
    # It expires at the end of its 28th day, like any fixed-term DAPO.
    timeutil.set_frozen(case.order.ends_at + timedelta(minutes=1))
    expire_orders(app)
    db.session.expire_all()
    assert case.order.status is OrderStatus.EXPIRED


def test_an_order_until_further_order_never_expires(app, make_user):
    from app.jobs import expire_orders

    case = _record_directly(app, make_user(Role.OFFICER), days=None, until_further_order=True)
    timeutil.set_frozen(DEFAULT_NOW + timedelta(days=500))
    expire_orders(app)
    db.session.expire_all()
    assert case.order.status is OrderStatus.IN_FORCE and case.state is CaseState.ORDER_IN_FORCE


def test_no_phone_means_not_eligible_for_texts_and_the_referral_is_not_sent_without_consent(app, make_user):
    case = _record_directly(app, make_user(Role.OFFICER))
    enrolment = db.session.scalars(db.select(TrialEnrolment).where(TrialEnrolment.case_id == case.id)).one()
    assert enrolment.status is EnrolmentStatus.NOT_ELIGIBLE and enrolment.no_phone_reason == "seized"
    [referral] = db.session.scalars(db.select(Referral).where(Referral.case_id == case.id))
    assert referral.status is ReferralStatus.AWAITING and referral.settled_at is None


@pytest.mark.parametrize(("overrides", "field"), [
    ({"route": None}, "route"),
    ({"route": OrderRoute.WITH_LEAVE, "route_details": " "}, "route_details"),
    ({"days": None}, "days"),
    ({"days": 3, "made_on": date(2026, 11, 1)}, "days"),  # already ended
    ({"until_further_order": True}, "days"),  # days and until further order
    ({"requirements": []}, "conditions"),
    ({"requirements": [Requirement("no_come_within")]}, "distance_metres"),
    ({"review_dates": [date(2026, 11, 1)]}, "review_dates"),
    ({"phone": {}}, "has_mobile"),
])
def test_the_service_refuses_what_the_form_would(app, make_user, overrides, field):
    with pytest.raises(ValidationFailed) as failed:
        _record_directly(app, make_user(Role.OFFICER), **overrides)
    assert field in failed.value.errors
    assert db.session.scalar(db.select(db.func.count(Case.id))) == 0


def test_the_audit_names_no_one(app, make_user):
    from app.models import AuditEntry

    case = _record_directly(app, make_user(Role.OFFICER), route=OrderRoute.THIRD_PARTY,
                            route_details="Northshire Refuge (Ms Applicant)")
    [entry] = db.session.scalars(db.select(AuditEntry).where(
        AuditEntry.case_id == case.id, AuditEntry.action == "case.order_made_elsewhere_recorded"))
    assert "Applicant" not in str(entry.detail) and "Elsewhere" not in str(entry.detail)
    assert entry.detail["route"] == "third_party"


def test_flash_says_the_case_opened(client_request):
    officer = client_request.login_as(Role.OFFICER)
    page = client_request.post("elsewhere.new_order", _data=_form(officer.id), _follow_redirects=True)
    assert any("opened with the order made elsewhere in force" in m for m in flash_messages(page))
    assert heading(page).startswith("Carl Elsewhere")


# -- a DAPN's service person: the commanding officer told (DAA 2021 s.25(5)-(6)) --------------

def _dapn_with_leave(officer, shared=True):
    from app.domain.regimes import RegimeCode
    from tests.integration.factories import authorised_case

    return authorised_case(officer, regime=RegimeCode.DAPN)


def test_the_commanding_officer_told_is_recorded_and_shown(client_request):
    officer = client_request.login_as(Role.OFFICER)
    case = _dapn_with_leave(officer)
    kinds = case.current_application.section_data["prohibitions"]["kinds"]
    assert "no_enter" in kinds or "leave" in kinds  # the demo's application keeps P out of the home
    page = client_request.post("elsewhere.service_person", case_id=case.id, _expected_status=200, _data={
        "service_person": "yes", "service_accommodation": "yes", "informed_how": "Phoned the unit adjutant"})
    assert "Enter when the commanding officer was informed, or when the last effort was made" in error_summary(page)
    assert page.find("textarea", {"name": "informed_how"}).get_text().strip() == "Phoned the unit adjutant"
    client_request.post("elsewhere.service_person", case_id=case.id, _data={
        "service_person": "yes", "service_accommodation": "yes", "informed_date": DEFAULT_NOW.date().isoformat(),
        "informed_time": "10:00", "informed_how": "Phoned the unit adjutant"})
    db.session.expire_all()
    assert case.p_service_person and case.p_in_service_accommodation
    assert case.commanding_officer_informed_at is not None
    text = normalize_spaces(client_request.get("cases.show", case_id=case.id).get_text())
    assert "commanding officer informed" in text and "Phoned the unit adjutant" in text
    cover = normalize_spaces(client_request.get("court.printout", case_id=case.id).select_one("#cover-service-person").get_text())
    assert "Phoned the unit adjutant" in cover


def test_not_a_service_person_keeps_no_commanding_officer(client_request):
    officer = client_request.login_as(Role.OFFICER)
    case = _dapn_with_leave(officer)
    client_request.post("elsewhere.service_person", case_id=case.id, _data={"service_person": "no"})
    db.session.expire_all()
    assert case.p_service_person is False and case.commanding_officer_informed_at is None


def test_a_dvpn_has_no_service_person_record(client_request):
    from tests.integration.factories import authorised_case

    officer = client_request.login_as(Role.OFFICER)
    case = authorised_case(officer)
    page = client_request.post("elsewhere.service_person", case_id=case.id, _expected_status=200,
                               _data={"service_person": "yes", "service_accommodation": "yes"})
    assert any("DAPN only" in e for e in error_summary(page))
    assert "Service person" not in normalize_spaces(client_request.get("cases.show", case_id=case.id).get_text())


@pytest.mark.parametrize("role", [Role.INSPECTOR, Role.SUPERINTENDENT, Role.SUPERVISOR, Role.CASEWORKER, Role.ADMIN])
def test_only_officers_record_a_service_person(client_request, make_user, role):
    case = _dapn_with_leave(make_user(Role.OFFICER))
    client_request.login_as(role)
    client_request.get("elsewhere.service_person", case_id=case.id, _expected_status=403)


def test_another_areas_officer_cannot_record_a_service_person(client_request, make_user):
    case = _dapn_with_leave(make_user(Role.OFFICER))  # North
    client_request.login_as(Role.OFFICER, area="South")
    client_request.get("elsewhere.service_person", case_id=case.id, _expected_status=404)


def test_a_dvpn_application_does_not_offer_no_contact_but_a_dapn_does(client_request):
    from app.domain.regimes import RegimeCode
    from tests.integration.factories import open_case

    officer = client_request.login_as(Role.OFFICER)
    dvpn, dapn = open_case(officer), open_case(officer, regime=RegimeCode.DAPN)
    for case, offered in ((dvpn, False), (dapn, True)):
        page = client_request.get(f"/cases/{case.id}/application/prohibitions")
        assert (page.find("input", {"name": "kinds", "value": "no_contact"}) is not None) is offered


def test_a_dvpo_cannot_be_granted_with_no_contact(make_user):
    from app.models import HearingOutcome
    from app.services import court
    from tests.integration.factories import heard_case

    officer = make_user(Role.OFFICER)
    case = heard_case(officer)
    with pytest.raises(ValidationFailed) as failed:
        court.record_outcome(officer, case, court.pending_hearing(case), outcome=HearingOutcome.GRANTED, contested=False,
                             notes="", days=28, made_on=DEFAULT_NOW.date(),
                             conditions=[{"kind": "no_molest"}, {"kind": "no_contact"}], calendar=load_calendar(),
                             texts=TextSettings(), orders=OrderSettings())
    assert "DAPN only" in failed.value.errors["conditions"]
