"""The notice of the hearing to P, the order served on P and V told of the order (issue 12):
the pages, their guards, the dashboard's clock and task, the case page and the printout."""
from datetime import timedelta

from sqlalchemy import select

from app.domain.calendar import LONDON
from app.domain.clocks import ORDER_SERVICE_CLOCK
from app.domain.order_records import HearingAddressAnswer
from app.extensions import db
from app.models import AuditEntry, HearingNotice, OrderService, Role, VictimToldOfOrder
from app.services.calendar import load_calendar
from app.services.order_records import OrderSettings
from app.timeutil import set_frozen, utcnow
from tests.integration.conftest import DEFAULT_NOW, csrf_token, error_summary, flash_messages, login, normalize_spaces
from tests.integration.factories import granted_case, served_case
from tests.integration.test_cases import typed_values


def _local(instant):
    local = instant.astimezone(LONDON)
    return f"{local:%Y-%m-%d}", f"{local:%H:%M}"


def _audit(action):
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)).one()


# ------------------------------------------------------------------ notice of the hearing


def test_notice_of_the_hearing_left_at_the_address_p_gave_is_recorded_and_shown(client_request):
    officer = client_request.login_as(Role.OFFICER)
    case = served_case(officer)
    case.address_for_hearing_notice, case.hearing_address_answer = "c/o 4 Other Road", HearingAddressAnswer.GIVEN
    db.session.commit()
    page = client_request.get("court.hearing_notice", case_id=case.id)
    assert "Address given" in normalize_spaces(page.get_text())
    day, at = _local(DEFAULT_NOW - timedelta(minutes=30))
    client_request.post("court.hearing_notice", case_id=case.id, _data={
        "kind": "given", "at_date": day, "at_time": at, "method": "left_at_address", "by": "PC 4410 Brennan"})
    [step] = db.session.scalars(select(HearingNotice)).all()
    assert step.method.value == "left_at_address" and step.by_name == "PC 4410 Brennan"
    entry = _audit("hearing_notice.recorded")
    assert entry.detail["method"] == "left_at_address" and "Other Road" not in str(entry.detail)
    court_page = normalize_spaces(client_request.get("court.show", case_id=case.id).get_text())
    assert "left at the address given on service, by PC 4410 Brennan" in court_page
    case_page = normalize_spaces(client_request.get("cases.show", case_id=case.id).get_text())
    assert "Notice of the hearing to the perpetrator" in case_page and "by PC 4410 Brennan" in case_page


def test_reasonable_efforts_are_refused_where_p_gave_an_address_and_what_was_typed_comes_back(client_request):
    officer = client_request.login_as(Role.OFFICER)
    case = served_case(officer)
    case.address_for_hearing_notice, case.hearing_address_answer = "c/o 4 Other Road", HearingAddressAnswer.GIVEN
    db.session.commit()
    day, at = _local(DEFAULT_NOW - timedelta(minutes=30))
    page = client_request.post("court.hearing_notice", case_id=case.id, _expected_status=200, _data={
        "kind": "efforts", "at_date": day, "at_time": at, "by": "PC 9 Lowe", "efforts": "Knocked twice."})
    [error] = error_summary(page)
    assert "P gave an address on service" in error
    assert typed_values(page, "by") == ["PC 9 Lowe"] and "Knocked twice." in page.find(id="efforts").get_text()
    assert db.session.scalars(select(HearingNotice)).all() == []


def test_reasonable_efforts_are_recorded_where_p_refused_an_address(client_request):
    officer = client_request.login_as(Role.OFFICER)
    case = served_case(officer)
    case.hearing_address_answer = HearingAddressAnswer.REFUSED
    db.session.commit()
    day, at = _local(DEFAULT_NOW - timedelta(minutes=10))
    client_request.post("court.hearing_notice", case_id=case.id, _data={
        "kind": "efforts", "at_date": day, "at_time": at, "by": "PC 9 Lowe", "efforts": "Phoned twice; no answer."})
    [step] = db.session.scalars(select(HearingNotice)).all()
    assert step.kind.value == "efforts" and step.method is None and step.efforts == "Phoned twice; no answer."


def test_notice_before_service_is_refused(client_request):
    officer = client_request.login_as(Role.OFFICER)
    case = served_case(officer)
    day, at = _local(case.served_at - timedelta(hours=1))
    page = client_request.post("court.hearing_notice", case_id=case.id, _expected_status=200, _data={
        "kind": "given", "at_date": day, "at_time": at, "method": "in_person", "by": "PC 1"})
    assert any("before the notice was served" in e for e in error_summary(page))


# ------------------------------------------------------------------ the order served on P


def test_a_grant_starts_the_practice_clock_which_stops_when_the_order_is_served(client_request):
    officer = client_request.login_as(Role.OFFICER)
    case = granted_case(officer)
    service = case.order.service
    hearing = case.hearings[0]
    # The target counts from the start of the hearing at which the order was made, half an hour ago.
    assert service.granted_at == hearing.starts_at == DEFAULT_NOW - timedelta(minutes=30) and service.target_hours == 24
    set_frozen(DEFAULT_NOW + timedelta(hours=2))
    client_request.login_as(Role.OFFICER)  # the first session has idled out
    dashboard = normalize_spaces(client_request.get("cases.dashboard").get_text())
    assert ORDER_SERVICE_CLOCK in dashboard and "21 h 30 min" in dashboard
    day, at = _local(DEFAULT_NOW + timedelta(hours=1))
    client_request.post("court.order_served", case_id=case.id, _data={
        "served_date": day, "served_time": at, "served_by": "PC 4410 Brennan", "method": "in_person"})
    db.session.refresh(service)
    assert service.served_at == DEFAULT_NOW + timedelta(hours=1) and service.recorded_by_id != officer.id
    assert ORDER_SERVICE_CLOCK not in client_request.get("cases.dashboard").get_text()
    assert _audit("order.served_on_p").detail["after_target"] is False
    # Once: a second tab finds it recorded.
    page = client_request.get("court.order_served", case_id=case.id)
    assert "already been recorded" in page.get_text()


def test_the_target_is_fixed_at_the_grant_from_the_setting(app, client_request):
    officer = client_request.login_as(Role.OFFICER)
    case = granted_case(officer)
    assert case.order.service.target_hours == OrderSettings().service_hours == 24
    assert app.config["ORDER_SERVICE_HOURS"] == 24


def test_order_served_keeps_what_was_typed_on_error(client_request):
    officer = client_request.login_as(Role.OFFICER)
    case = granted_case(officer)
    day, at = _local(utcnow() + timedelta(hours=1))
    page = client_request.post("court.order_served", case_id=case.id, _expected_status=200, _data={
        "served_date": day, "served_time": at, "served_by": "PC 77 Hart", "method": "other"})
    errors = error_summary(page)
    assert "This cannot be in the future" in errors and "Say how the order was served" in errors
    assert typed_values(page, "served_by", "served_time") == ["PC 77 Hart", at]
    assert case.order.service.served_at is None


# ------------------------------------------------------------------ V told of the order


def test_victim_told_is_a_dashboard_task_until_recorded(client_request):
    officer = client_request.login_as(Role.OFFICER)
    case = granted_case(officer)
    victim = case.victims[0]
    task = client_request.get("cases.tasks").find(id="victim-told-tasks")
    assert task is not None and victim.full_name in task.get_text()
    day, at = _local(utcnow())
    client_request.post("court.victim_told", case_id=case.id, victim_id=victim.id, _data={
        "told_date": day, "told_time": at, "told_by": "DC 2290 Akhtar", "method": "phone",
        "explained": ["conditions", "end", "breach"], "copy_given": "yes"})
    [told] = db.session.scalars(select(VictimToldOfOrder)).all()
    assert told.copy_given and told.method.value == "phone" and told.victim_id == victim.id
    assert client_request.get("cases.tasks").find(id="victim-told-tasks") is None
    assert flash_messages(client_request.get("court.show", case_id=case.id)) == []
    assert "given a copy" in normalize_spaces(client_request.get("cases.show", case_id=case.id).get_text())


def test_victim_told_refuses_until_all_three_are_explained_keeping_what_was_typed(client_request):
    officer = client_request.login_as(Role.OFFICER)
    case = granted_case(officer)
    day, at = _local(utcnow())
    page = client_request.post("court.victim_told", case_id=case.id, victim_id=case.victims[0].id, _expected_status=200,
                               _data={"told_date": day, "told_time": at, "told_by": "DC 2290 Akhtar", "method": "in_person",
                                      "explained": ["conditions"], "copy_given": "no"})
    assert any("V must be told all three" in e for e in error_summary(page))
    assert typed_values(page, "told_by") == ["DC 2290 Akhtar"]
    checked = [i["value"] for i in page.select("input[name=explained][checked]")]
    assert checked == ["conditions"]
    assert db.session.scalars(select(VictimToldOfOrder)).all() == []


def test_a_person_who_is_not_a_victim_of_the_case_is_404(client_request):
    officer = client_request.login_as(Role.OFFICER)
    case = granted_case(officer)
    client_request.get("court.victim_told", case_id=case.id, victim_id=case.perpetrator.id, _expected_status=404)


# ------------------------------------------------------------------ who may


def test_only_officers_may_record_and_only_on_cases_they_may_read(app, make_user):
    officer = make_user(Role.OFFICER)
    case = granted_case(officer, area="North")
    pages = [f"/cases/{case.id}/court/hearing-notice", f"/cases/{case.id}/court/order-served",
             f"/cases/{case.id}/court/victims/{case.victims[0].id}/told"]
    for role in (Role.SUPERVISOR, Role.SUPERINTENDENT, Role.INSPECTOR, Role.ADMIN, Role.CASEWORKER):
        client = app.test_client()
        login(client, make_user(role))
        token = csrf_token(client)
        for url in pages:
            assert client.get(url).status_code == 403, (role, url)
            assert client.post(url, data={"csrf_token": token}).status_code == 403, (role, url)
    client = app.test_client()
    login(client, make_user(Role.OFFICER, area="South"))  # another area: the case is not there at all
    token = csrf_token(client)
    for url in pages:
        assert client.get(url).status_code == 404, url
        assert client.post(url, data={"csrf_token": token, "kind": "given"}).status_code == 404, url
    assert db.session.scalars(select(HearingNotice)).all() == []


# ------------------------------------------------------------------ service of the notice, the printout


def test_serving_without_saying_whether_p_gave_an_address_is_refused(client_request):
    from tests.integration.factories import authorised_case

    officer = client_request.login_as(Role.OFFICER)
    case = authorised_case(officer, incident_at=DEFAULT_NOW - timedelta(hours=5))
    day, at = _local(DEFAULT_NOW - timedelta(hours=1))
    page = client_request.post("cases.serve", case_id=case.id, _expected_status=200, _data={
        "served_date": day, "served_time": at, "address_for_hearing_notice": "1 Elm Row"})
    assert error_summary(page) == ["Say whether the perpetrator gave an address for the notice of the hearing"]
    assert page.find(id="address_for_hearing_notice").get_text().strip() == "1 Elm Row"
    page = client_request.post("cases.serve", case_id=case.id, _expected_status=200, _data={
        "served_date": day, "served_time": at, "hearing_address_answer": "refused", "address_for_hearing_notice": "1 Elm Row"})
    assert any("leave the address empty" in e for e in error_summary(page))
    assert case.served_at is None


def test_the_printout_says_how_notice_of_the_hearing_was_given(client, client_request):
    officer = client_request.login_as(Role.OFFICER)
    case = served_case(officer)
    cover = normalize_spaces(client_request.get("court.printout", case_id=case.id).get_text())
    assert "Notice of the hearing to the respondent NOT PROVIDED" in cover
    case.hearing_address_answer = HearingAddressAnswer.NONE_GIVEN
    db.session.commit()
    day, at = _local(DEFAULT_NOW - timedelta(minutes=10))
    client_request.post("court.hearing_notice", case_id=case.id, _data={
        "kind": "efforts", "at_date": day, "at_time": at, "by": "PC 9 Lowe", "efforts": "Phoned twice; no answer."})
    cover = normalize_spaces(client_request.get("court.printout", case_id=case.id).get_text())
    assert "No address given (had none, or could not say). Not given: reasonable efforts" in cover
    assert "Phoned twice; no answer." in cover and "Crime and Security Act 2010, s.25 and s.27" in cover


def test_an_order_granted_before_targets_has_no_clock_but_can_be_recorded_served(client_request):
    officer = client_request.login_as(Role.OFFICER)
    case = granted_case(officer)
    db.session.delete(case.order.service)
    db.session.commit()
    db.session.expire_all()
    assert ORDER_SERVICE_CLOCK not in client_request.get("cases.dashboard").get_text()
    day, at = _local(utcnow())
    client_request.post("court.order_served", case_id=case.id, _data={
        "served_date": day, "served_time": at, "served_by": "PC 1", "method": "in_person"})
    service = db.session.scalars(select(OrderService)).one()
    assert service.target_hours is None and service.served_at is not None
    assert load_calendar() is not None
