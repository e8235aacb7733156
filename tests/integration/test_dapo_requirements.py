"""A DAPO's requirements, electronic monitoring, reports, review dates and variation
(DAA 2021 ss.35-38, s.44): the grant form, the pages, the dashboard tasks, and who may."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from app import timeutil
from app.domain.dapo_requirements import Applicant, Requirement, RequirementKind, Variation, VariationOutcome
from app.domain.regimes import RegimeCode
from app.extensions import db
from app.models import AuditEntry, CaseState, ComplianceReport, HearingOutcome, OrderStatus, Role
from app.services import ValidationFailed, court, dapo_variation, order_requirements
from app.services.calendar import load_calendar
from app.services.order_records import OrderSettings
from app.services.reminders import TextSettings
from tests.integration.conftest import DEFAULT_NOW, assert_append_only, error_summary, normalize_spaces
from tests.integration.factories import granted_case, heard_case

TODAY = DEFAULT_NOW.date()
PROGRAMME = Requirement(RequirementKind.BEHAVIOUR_PROGRAMME, supervisor="Northshire Probation",
                        suitability_evidence="Assessed as suitable; a place on the March course")


def _dapo(officer, requirements=None, days=None, review_dates=None, **kwargs):
    case = heard_case(officer, regime=RegimeCode.DAPN, **kwargs)
    court.record_outcome(officer, case, court.pending_hearing(case), outcome=HearingOutcome.GRANTED, contested=False,
                         notes="", made_on=TODAY, days=days, until_further_order=days is None,
                         conditions=[{"kind": "no_molest"}],
                         requirements=requirements or [Requirement(RequirementKind.NO_ABUSE), PROGRAMME],
                         review_dates=review_dates, calendar=load_calendar(), texts=TextSettings(),
                         orders=OrderSettings())
    return case


def _grant_data(case, token, rows, **extra):
    data = {"csrf_token": token, "hearing_id": str(court.pending_hearing(case).id), "outcome": "granted",
            "contested": "no", "made_on": TODAY.isoformat(), "until_further_order": "y"}
    for i, row in enumerate(rows):
        data |= {f"requirements-{i}-{k}": v for k, v in row.items()}
    return data | extra


def test_the_dapo_grant_form_is_prefilled_with_the_notices_provisions(client_request, app):
    app.config["DAPN_PILOT"] = True
    officer = client_request.login_as(Role.OFFICER)
    case = heard_case(officer, regime=RegimeCode.DAPN)
    page = client_request.get("court.outcome", case_id=case.id)
    assert page.select_one("#requirements-0-kind option[selected]")["value"] == "no_abuse"
    assert page.select_one("#requirements-0-wording").get_text().strip().startswith("You must not be abusive towards")
    assert page.select_one("#conditions") is None  # a DAPO's form has requirements instead
    dvpo = heard_case(officer)
    assert client_request.get("court.outcome", case_id=dvpo.id).select_one("#requirements-0-kind") is None


def test_granting_a_dapo_records_its_requirements_with_supervisor_and_review_dates(client, login_as):
    officer, token = login_as(Role.OFFICER)
    case = heard_case(officer, regime=RegimeCode.DAPN)
    rows = [{"kind": "no_abuse", "wording": "You must not be abusive towards V."},
            {"kind": "not_near_v_home", "distance_metres": "200"},
            {"kind": "behaviour_programme", "supervisor": "Northshire Probation",
             "suitability_evidence": "Place available", "ends_on": "2027-03-31"},
            {"kind": ""}]
    response = client.post(f"/cases/{case.id}/court/outcome",
                           data=_grant_data(case, token, rows, review_dates="15/02/2027\n2027-05-01"))
    assert response.status_code == 302, response.get_data(as_text=True)
    order = case.order
    assert [r.kind for r in order.requirements] == [RequirementKind.NO_ABUSE, RequirementKind.NOT_NEAR_V_HOME,
                                                    RequirementKind.BEHAVIOUR_PROGRAMME]
    programme = order.requirements[2]
    assert (programme.supervisor, programme.ends_on, programme.starts_on) == ("Northshire Probation", date(2027, 3, 31), TODAY)
    assert order.review_dates == ["2027-02-15", "2027-05-01"]
    # Existing readers of conditions see the five provisions they know.
    assert order.conditions == [{"kind": "no_molest", "distance_metres": None},
                                {"kind": "no_come_within", "distance_metres": 200}]
    html = normalize_spaces(client.get(f"/cases/{case.id}/court").get_data(as_text=True))
    assert "Northshire Probation" in html and "Mon 15 Feb 2027" in html and "Evidence: Place available" in html


def test_an_invalid_grant_keeps_what_was_typed_and_says_what_is_missing(client_request):
    officer = client_request.login_as(Role.OFFICER)
    case = heard_case(officer, regime=RegimeCode.DAPN)
    token = client_request.get("court.outcome", case_id=case.id)  # a session token
    del token
    from tests.integration.conftest import csrf_token
    rows = [{"kind": "no_abuse"}, {"kind": "substance_misuse", "wording": "Alcohol work weekly"}]
    page = client_request.post("court.outcome", _data=_grant_data(case, csrf_token(client_request.client), rows),
                               _expected_status=200, case_id=case.id)
    messages = error_summary(page)
    assert any("s.36(2)" in m for m in messages) and any("s.36(3)" in m for m in messages)
    assert page.select_one("#requirements-1-wording").get_text().strip() == "Alcohol work weekly"
    assert case.order is None
    rows = [{"kind": "no_contact"}]
    page = client_request.post("court.outcome", _data=_grant_data(case, csrf_token(client_request.client), rows),
                               _expected_status=200, case_id=case.id)
    assert any("abusive towards the victim" in m for m in error_summary(page))


def test_a_dvpo_keeps_its_five_conditions(make_user):
    officer = make_user(Role.OFFICER)
    case = granted_case(officer)
    assert case.order.requirements == [] and case.order.conditions[0]["kind"] == "no_molest"


def test_monitoring_is_refused_unless_s37_is_met_and_recorded_when_it_is(client_request):
    officer = client_request.login_as(Role.OFFICER)
    case = _dapo(officer)
    data = {"court_date": TODAY.isoformat(), "p_present": "no", "third_party_needed": "yes", "third_party": "occupier",
            "third_party_consented": "no", "area_notified": "yes", "provision_available": "yes",
            "provider": "EM Services", "kind": "curfew", "zone_or_address": "19:00-07:00 at the bail address",
            "starts_on": TODAY.isoformat()}
    page = client_request.post("court.monitoring", _data=data, _expected_status=200, case_id=case.id)
    messages = error_summary(page)
    assert any("s.37(2)" in m for m in messages) and any("s.37(3)" in m for m in messages)
    assert page.select_one("#provider")["value"] == "EM Services"
    client_request.post("court.monitoring", _data=data | {"p_present": "yes", "third_party_consented": "yes"},
                        case_id=case.id)
    [monitoring] = case.order.monitoring
    assert (monitoring.provider, monitoring.third_party, monitoring.kind.value) == ("EM Services", "occupier", "curfew")


def test_a_reported_failure_is_a_dashboard_task_until_reviewed(client_request):
    officer = client_request.login_as(Role.OFFICER)
    case = _dapo(officer)
    programme = case.order.requirements[1]
    client_request.post("court.compliance_report", _data={
        "target": f"requirement-{programme.id}", "outcome": "failed", "reported_on": TODAY.isoformat(),
        "reported_by": "Northshire Probation", "summary": "Did not attend session 1"}, case_id=case.id)
    banner = client_request.get("cases.tasks").select_one("#order-tasks")
    assert case.reference in normalize_spaces(banner.get_text()) and "supervisor" in banner.get_text()
    [report] = order_requirements.case_reports(case)
    page = client_request.post(f"/cases/{case.id}/court/order/reports/review", _data={"report_id": str(report.id)},
                               _expected_status=200)
    assert any("Say what was done" in m for m in error_summary(page))
    client_request.post(f"/cases/{case.id}/court/order/reports/review",
                        _data={"report_id": str(report.id), "action": "Breach investigation opened"})
    assert client_request.get("cases.tasks").select_one("#order-tasks") is None
    with pytest.raises(ValidationFailed, match="already been recorded"):
        order_requirements.review_failure(officer, case, report.id, "Again")


def test_reports_are_append_only(make_user):
    officer = make_user(Role.OFFICER)
    case = _dapo(officer)
    order_requirements.record_report(officer, case, target=f"requirement-{case.order.requirements[1].id}",
                                     outcome=order_requirements.ReportKind.COMPLIED, reported_on=TODAY,
                                     reported_by="Probation", summary="")
    assert_append_only("UPDATE compliance_report SET reported_by = 'x'")
    assert db.session.query(ComplianceReport).count() == 1


def test_a_review_date_within_7_days_is_on_the_dashboard(client_request):
    officer = client_request.login_as(Role.OFFICER)
    case = _dapo(officer, review_dates=[TODAY + timedelta(days=7), TODAY + timedelta(days=30)])
    banner = normalize_spaces(client_request.get("cases.tasks").select_one("#order-tasks").get_text())
    assert f"{case.reference} The court reviews the order on Mon 23 Nov 2026" in banner
    assert "16 Dec" not in banner


def test_a_variation_gives_an_open_ended_order_an_end_and_the_job_expires_it(client_request, app):
    from app.jobs import expire_orders

    officer = client_request.login_as(Role.OFFICER)
    case = _dapo(officer)
    page = client_request.post("court.change_order", _data={
        "outcome": "varied", "court_date": TODAY.isoformat(), "end": "days", "new_days": "3",
        "details": "An end set"}, _expected_status=200, case_id=case.id)
    assert any("s.44(3)" in m for m in error_summary(page))
    client_request.post("court.change_order", _data={
        "applicant": "chief_officer_residence", "outcome": "varied", "court_date": TODAY.isoformat(), "end": "days",
        "new_days": "200", "details": "An end set"}, case_id=case.id)
    client_request.post("court.change_order", _data={
        "applicant": "perpetrator", "outcome": "varied", "court_date": TODAY.isoformat(), "end": "days",
        "new_days": "3", "details": "An end set", "review_dates": "17/11/2026", "set_review_dates": "y"},
        case_id=case.id)
    order = case.order
    assert order.days == 3 and order.ends_at is not None and order.review_dates == ["2026-11-17"]
    assert order.events[-1].applicant == Applicant.PERPETRATOR.value
    timeutil.set_frozen(DEFAULT_NOW + timedelta(days=4))
    expire_orders(app)
    db.session.expire_all()
    assert case.order.status is OrderStatus.EXPIRED


def test_discharge_needs_confirmation_and_v_heard_when_v_applied(client_request):
    officer = client_request.login_as(Role.OFFICER)
    case = _dapo(officer)
    data = {"applicant": "protected_person", "outcome": "discharged", "court_date": TODAY.isoformat(),
            "details": "V asked for it to end"}
    page = client_request.post("court.change_order", _data=data, _expected_status=200, case_id=case.id)
    assert {"s.44(4)(b)" in m or "Confirm" in m for m in error_summary(page)} == {True}
    assert len(error_summary(page)) == 2 and page.select_one("#details").get_text().strip() == "V asked for it to end"
    client_request.post("court.change_order", _data=data | {"confirm": "y", "victim_heard": "y"}, case_id=case.id)
    assert case.order.status is OrderStatus.DISCHARGED and case.state is CaseState.CLOSED


def test_a_refused_application_leaves_the_order_unchanged(make_user):
    officer = make_user(Role.OFFICER)
    case = _dapo(officer)
    dapo_variation.vary(officer, case, Variation(Applicant.PERPETRATOR, VariationOutcome.REFUSED, TODAY, "Refused"),
                        calendar=load_calendar(), texts=TextSettings())
    assert case.order.in_force and case.order.events[-1].kind.value == "application_refused"


def test_adding_and_removing_a_requirement_by_variation(client_request):
    officer = client_request.login_as(Role.OFFICER)
    case = _dapo(officer)
    common = {"applicant": "chief_officer_residence", "court_date": TODAY.isoformat(), "details": "Varied"}
    page = client_request.post("court.add_requirement", _data=common | {"kind": "not_near_premises",
                               "distance_metres": "100"}, _expected_status=200, case_id=case.id)
    assert any("premises" in m for m in error_summary(page))
    client_request.post("court.add_requirement", _data=common | {"kind": "no_contact"}, case_id=case.id)
    contact = case.order.requirements[-1]
    assert contact.kind is RequirementKind.NO_CONTACT and contact.added_event_id == case.order.events[-1].id
    # Removing asks first, and refuses without the confirmation.
    url = f"/cases/{case.id}/court/order/requirements/remove?requirement={contact.id}"
    assert "Remove the requirement" in client_request.get(url).get_text()
    page = client_request.post(url, _data=common | {"requirement_id": str(contact.id)}, _expected_status=200)
    assert any("Confirm" in m for m in error_summary(page))
    client_request.post(url, _data=common | {"requirement_id": str(contact.id), "confirm": "y"})
    db.session.refresh(contact)
    assert contact.removed_on == TODAY and contact.removed_event_id is not None
    abuse = case.order.requirements[0]
    client_request.get(f"/cases/{case.id}/court/order/requirements/remove?requirement={abuse.id}", _expected_status=404)
    page = client_request.post(f"/cases/{case.id}/court/order/requirements/remove",
                               _data=common | {"requirement_id": str(abuse.id), "confirm": "y"}, _expected_status=200)
    assert any("part of every order" in m for m in error_summary(page))
    actions = [e.action for e in db.session.query(AuditEntry).filter_by(case_id=case.id)]
    assert "order.requirement_added" in actions and "order.requirement_removed" in actions


@pytest.mark.parametrize("path", ["court/order/monitoring", "court/order/reports/new", "court/order/requirements/new",
                                  "court/order"])
def test_only_officers_record_and_other_areas_see_nothing(app, client, login_as, make_user, path):
    from tests.integration.conftest import csrf_token, login

    case = _dapo(make_user(Role.OFFICER))
    _, token = login_as(Role.SUPERVISOR)
    assert client.post(f"/cases/{case.id}/{path}", data={"csrf_token": token}).status_code == 403
    assert client.get(f"/cases/{case.id}/court").status_code == 200  # a supervisor reads
    other = app.test_client()
    assert login(other, make_user(Role.OFFICER, area="South")).status_code == 302
    assert other.get(f"/cases/{case.id}/{path}").status_code == 404
    assert other.post(f"/cases/{case.id}/{path}", data={"csrf_token": csrf_token(other)}).status_code == 404


def test_garbage_on_a_dapo_never_gives_a_500(client, login_as, make_user):
    from tests.integration.test_bad_input import GARBAGE

    case = _dapo(make_user(Role.OFFICER))
    _, token = login_as(Role.OFFICER)
    fields = ["applicant", "outcome", "court_date", "end", "new_days", "review_dates", "set_review_dates", "confirm",
              "victim_heard", "details", "kind", "wording", "distance_metres", "premises", "starts_on", "ends_on",
              "supervisor", "suitability_evidence", "requirement_id", "p_present", "third_party_needed", "third_party",
              "third_party_consented", "area_notified", "provision_available", "provider", "zone_or_address", "target",
              "reported_on", "reported_by", "summary", "report_id", "action"]
    for path in ("court/order", "court/order/requirements/new", "court/order/requirements/remove",
                 "court/order/monitoring", "court/order/reports/new", "court/order/reports/review"):
        for value in GARBAGE:
            data = {name: value for name in fields} | {"csrf_token": token}
            response = client.post(f"/cases/{case.id}/{path}?requirement={value}&report={value}", data=data)
            assert response.status_code < 500, (path, value)


def test_the_papers_helper_lists_requirements_with_supervisor_and_evidence(make_user):
    case = _dapo(make_user(Role.OFFICER))
    lines = order_requirements.requirements_for_papers(case.order, TODAY)
    assert [(line.kind, line.in_force, line.supervisor) for line in lines] == [
        (RequirementKind.NO_ABUSE, True, None), (RequirementKind.BEHAVIOUR_PROGRAMME, True, "Northshire Probation")]
    assert lines[1].suitability_evidence.startswith("Assessed") and lines[1].citation.startswith("DAA 2021 s.35(1)")


def test_the_breach_printout_words_every_requirement_of_a_dapo(client, login_as):
    """Not only the five conditions the texts know: a requirement to do something and no contact too."""
    from app.domain.dapo_requirements import Requirement, RequirementKind
    from app.models import BreachSource, HearingOutcome
    from app.services import breaches, court
    from app.services.calendar import load_calendar
    from app.services.order_records import OrderSettings
    from app.services.reminders import TextSettings
    from app.timeutil import utcnow
    from tests.integration.factories import heard_case

    officer, _ = login_as(Role.OFFICER)
    case = heard_case(officer, regime=RegimeCode.DAPN)
    made_on = utcnow().date()
    court.record_outcome(
        officer, case, court.pending_hearing(case), outcome=HearingOutcome.GRANTED, contested=False, notes="",
        made_on=made_on, until_further_order=True, conditions=[{"kind": "no_molest"}],
        requirements=[Requirement(RequirementKind.NO_ABUSE, "You must not be abusive towards V."),
                      Requirement(RequirementKind.NO_CONTACT, "You must not contact V, directly or indirectly."),
                      Requirement(RequirementKind.BEHAVIOUR_PROGRAMME, "You must attend the Change programme.",
                                  supervisor="Probation", suitability_evidence="Assessed suitable.")],
        calendar=load_calendar(), texts=TextSettings(), orders=OrderSettings())
    breach = breaches.record_breach(officer, case, occurred_at=utcnow(), description="Texted V.",
                                    source=BreachSource.VICTIM, arrested_at=None, arresting_officer="",
                                    calendar=load_calendar())
    html = client.get(f"/cases/{case.id}/breaches/{breach.id}/printout").get_data(as_text=True)
    assert "You must not contact V, directly or indirectly." in html
    assert "You must attend the Change programme." in html
