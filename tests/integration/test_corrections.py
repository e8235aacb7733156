"""Correcting a case (issue 15, section 2): people, the address, the area and the time of
service, each with a reason and audited before and after; who may; what cannot be removed;
search and clocks follow."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.domain import deadlines
from app.domain.clocks import HEARING_CLOCK
from app.extensions import db
from app.models import AuditEntry, Case, Person, PersonKind, Referral, Role
from app.services import ValidationFailed, corrections, service_correction
from app.services.calendar import load_calendar
from app.services.clock_cache import clocks_for
from app.services.referrals import ReferralSettings
from app.timeutil import utcnow
from tests.integration.conftest import DEFAULT_NOW, error_summary, flash_messages, normalize_spaces
from tests.integration.factories import open_case, served_case, submitted_case


def _entries(case, action):
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.case_id == case.id, AuditEntry.action == action)))


def _found(client_request, typed) -> list[str]:
    page = client_request.get("search.search", q=typed)
    return [a.get_text(strip=True) for a in page.select(".app-result__title a")]


@pytest.fixture
def officer(client_request):
    return client_request.login_as(Role.OFFICER, area="North")


# ------------------------------------------------------------------ people


def test_a_corrected_name_is_audited_before_and_after_and_search_finds_it(client_request, officer):
    case = open_case(officer)
    victim = case.victims[0]
    assert _found(client_request, "Beth") == [case.reference]
    client_request.post("corrections.change_person", case_id=case.id, person_id=victim.id, _data={
        "full_name": "Rebecca Jonesworth", "date_of_birth": "1991-02-03", "relationship": "former_spouse",
        "reason": "Misspelt at the scene; as on her driving licence."},
        _expected_redirect=f"/cases/{case.id}")
    db.session.refresh(victim)
    assert (victim.full_name, victim.date_of_birth, victim.relationship_to_perpetrator) == (
        "Rebecca Jonesworth", date(1991, 2, 3), "former_spouse")
    [entry] = _entries(case, "person.corrected")
    assert entry.user_id == officer.id
    assert entry.detail["before"] == {"full_name": "Beth Testperson", "date_of_birth": None, "relationship": "spouse"}
    assert entry.detail["after"] == {"full_name": "Rebecca Jonesworth", "date_of_birth": "1991-02-03",
                                     "relationship": "former_spouse"}
    assert entry.detail["reason"] == "Misspelt at the scene; as on her driving licence."
    # The index followed in the same transaction: the new name is found, the old one is not.
    assert _found(client_request, "Jonesworth") == [case.reference]
    assert _found(client_request, "Rebeca Jonesworth") == [case.reference]  # misspelt too
    assert _found(client_request, "Beth") == []
    assert _found(client_request, "3/2/1991") == [case.reference]
    page = client_request.get("cases.show", case_id=case.id)
    assert "Rebecca Jonesworth, born 3 Feb 1991" in normalize_spaces(page.select_one(f"#person-{victim.id}").get_text())
    timeline = normalize_spaces(page.select_one(".app-timeline").get_text())
    assert "Details of a person corrected (Misspelt at the scene; as on her driving licence.)" in timeline


def test_a_correction_without_a_reason_is_refused_and_keeps_what_was_typed(client_request, officer):
    case = open_case(officer)
    perpetrator = case.perpetrator
    page = client_request.post("corrections.change_person", case_id=case.id, person_id=perpetrator.id,
                                _data={"full_name": "Adam Testpersonne", "date_of_birth": "1985-03-01", "reason": "  "},
                                _expected_status=200)
    assert error_summary(page) == ["Say why this is being changed"]
    assert page.select_one("#full_name")["value"] == "Adam Testpersonne"
    db.session.refresh(perpetrator)
    assert perpetrator.full_name == "Adam Testperson"
    assert _entries(case, "person.corrected") == []
    # The service refuses it too, whoever calls it.
    with pytest.raises(ValidationFailed) as refused:
        corrections.correct_person(officer, case, perpetrator, corrections.PersonFacts("Adam X", date(1985, 3, 1)),
                                   reason="")
    assert refused.value.errors == {"reason": "Say why this is being changed"}


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"full_name": "", "date_of_birth": "1985-03-01"}, "full_name", "Enter the full name"),
    ({"full_name": "Adam T", "date_of_birth": ""}, "date_of_birth", "Enter the perpetrator's date of birth"),
    ({"full_name": "Adam T", "date_of_birth": "2031-01-01"}, "date_of_birth", "The date of birth must be in the past"),
    ({"full_name": "Adam T", "date_of_birth": "1985-02-30"}, "date_of_birth", "Date of birth must be a real date, like 2026-11-23"),
    ({"full_name": "Adam Testperson", "date_of_birth": "1985-03-01"}, "full_name", "Nothing has changed"),
    ({"full_name": "x" * 121, "date_of_birth": "1985-03-01"}, "full_name", "Field cannot be longer than 120 characters."),
])
def test_bad_details_are_refused_beside_the_field(client_request, officer, data, field, message):
    case = open_case(officer)
    page = client_request.post("corrections.change_person", case_id=case.id, person_id=case.perpetrator.id,
                               _data={**data, "reason": "Checked on the PNC."}, _expected_status=200)
    assert any(m.startswith(message) for m in error_summary(page)), error_summary(page)
    assert page.select_one(f"#{field}-error") is not None
    assert _entries(case, "person.corrected") == []


def test_a_victims_relationship_must_be_one_of_the_acts(client_request, officer):
    case = open_case(officer)
    page = client_request.post("corrections.change_person", case_id=case.id, person_id=case.victims[0].id, _data={
        "full_name": "Beth Testperson", "relationship": "neighbour", "reason": "x"}, _expected_status=200)
    assert error_summary(page) == ["Not a valid choice."]


def test_a_corrected_date_of_birth_that_breaks_an_age_rule_is_kept_with_a_warning(client_request, officer):
    case = served_case(officer)
    page = client_request.post("corrections.change_person", case_id=case.id, person_id=case.perpetrator.id, _data={
        "full_name": "Adam Testperson", "date_of_birth": "2010-01-01", "reason": "PNC shows a different date."},
        _follow_redirects=True)
    [message] = flash_messages(page)
    assert "was under 18 when the DVPN was authorised" in message


def test_adding_a_victim_refers_them_once_referrals_exist(client_request, officer):
    case = served_case(officer)
    client_request.post("corrections.add_victim", case_id=case.id, _data={
        "full_name": "Carla Secondvictim", "relationship": "cohabitant", "reason": "Also lived at the address."})
    db.session.refresh(case)
    added = next(v for v in case.victims if v.full_name == "Carla Secondvictim")
    [entry] = _entries(case, "person.added")
    assert entry.detail["after"]["full_name"] == "Carla Secondvictim" and entry.detail["before"] is None
    referral = db.session.scalar(select(Referral).where(Referral.victim_id == added.id))
    assert referral.trigger_at == utcnow()  # the Code's clock starts when police record them
    assert referral.due_at == deadlines.referral_due(utcnow(), 2, load_calendar())
    assert _found(client_request, "Secondvictim") == [case.reference]


def test_adding_a_child_needs_a_name_and_a_reason(client_request, officer):
    case = open_case(officer)
    page = client_request.post("corrections.add_child", case_id=case.id, _data={"full_name": ""}, _expected_status=200)
    assert set(error_summary(page)) == {"Enter the full name", "Say why this is being changed"}
    client_request.post("corrections.add_child", case_id=case.id, _data={
        "full_name": "Dan Child", "date_of_birth": "2019-05-05", "relationship": "P's son", "reason": "Left off."})
    db.session.refresh(case)
    assert [c.full_name for c in case.children] == ["Dan Child"]


def test_removing_a_victim_needs_confirmation_and_a_reason(client_request, officer):
    case = open_case(officer)
    corrections.add_person(officer, case, PersonKind.VICTIM, corrections.PersonFacts("Eve Duplicate", None, "spouse"),
                           reason="x", calendar=load_calendar(), referral_settings=ReferralSettings())
    duplicate = next(v for v in case.victims if v.full_name == "Eve Duplicate")
    duplicate_id = duplicate.id
    page = client_request.get("corrections.remove_person", case_id=case.id, person_id=duplicate.id)
    assert page.select_one("#removal-blockers") is None
    page = client_request.post("corrections.remove_person", case_id=case.id, person_id=duplicate.id,
                               _data={"reason": "Entered twice."}, _expected_status=200)
    assert error_summary(page) == ["Confirm that this person should be removed from the case"]
    assert db.session.get(Person, duplicate.id) is not None
    client_request.post("corrections.remove_person", case_id=case.id, person_id=duplicate.id,
                        _data={"reason": "Entered twice.", "confirm": "confirmed"})
    assert db.session.get(Person, duplicate_id) is None
    [entry] = _entries(case, "person.removed")
    assert entry.detail["before"]["full_name"] == "Eve Duplicate" and entry.detail["after"] is None
    assert entry.detail["reason"] == "Entered twice."
    assert _found(client_request, "Duplicate") == []


def test_the_last_victim_cannot_be_removed(client_request, officer):
    case = open_case(officer)
    victim = case.victims[0]
    page = client_request.get("corrections.remove_person", case_id=case.id, person_id=victim.id)
    assert "They are the only victim" in normalize_spaces(page.select_one("#removal-blockers").get_text())
    assert page.select_one("main form button") is None  # nothing to confirm
    page = client_request.post("corrections.remove_person", case_id=case.id, person_id=victim.id,
                               _data={"reason": "x", "confirm": "confirmed"}, _expected_status=200)
    assert db.session.get(Person, victim.id) is not None
    assert _entries(case, "person.removed") == []


def test_a_victim_with_a_referral_or_named_in_the_grounds_cannot_be_removed(client_request, officer):
    case = served_case(officer)
    corrections.add_person(officer, case, PersonKind.VICTIM, corrections.PersonFacts("Fay Other", None, "relative"),
                           reason="x", calendar=load_calendar(), referral_settings=ReferralSettings())
    first = next(v for v in case.victims if v.full_name == "Beth Testperson")
    blockers = corrections.removal_blockers(case, first)
    assert any("grounds name them" in b for b in blockers), blockers
    assert any("victim referral to support was made for them" in b for b in blockers), blockers
    # Fay was referred when added: her referral is a record too.
    fay = next(v for v in case.victims if v.full_name == "Fay Other")
    assert any("victim referral" in b for b in corrections.removal_blockers(case, fay))
    with pytest.raises(ValidationFailed):
        corrections.remove_person(officer, case, fay, reason="x", confirmed=True)
    assert corrections.removal_blockers(case, case.perpetrator) == [
        "The perpetrator cannot be removed: correct their name and date of birth instead."]


def test_a_victim_named_in_a_draft_applications_grounds_cannot_be_removed(app, make_user):
    officer = make_user(Role.OFFICER)
    case = submitted_case(officer)
    corrections.add_person(officer, case, PersonKind.VICTIM, corrections.PersonFacts("Gail Extra", None, "relative"),
                           reason="x", calendar=load_calendar(), referral_settings=ReferralSettings())
    named = next(v for v in case.victims if v.full_name == "Beth Testperson")
    extra = next(v for v in case.victims if v.full_name == "Gail Extra")
    assert [b for b in corrections.removal_blockers(case, named) if "Application 1's grounds" in b]
    assert corrections.removal_blockers(case, extra) == []  # no referral: the notice is not yet served


# ------------------------------------------------------------------ the address and the area


def test_the_address_is_corrected_audited_and_found(client_request, officer):
    case = open_case(officer)
    client_request.post("corrections.change_address", case_id=case.id, _data={
        "address_line_1": "22 Quillon Road", "address_line_2": "", "town": "Testtown", "postcode": "te1 9zz",
        "reason": "Wrong house number."})
    [entry] = _entries(case, "case.address_corrected")
    assert entry.detail["before"]["address_line_1"] == "1 Test Street"
    assert entry.detail["after"] == {"address_line_1": "22 Quillon Road", "address_line_2": None, "town": "Testtown",
                                     "postcode": "TE1 9ZZ"}
    assert _found(client_request, "Quillon") == [case.reference]
    assert _found(client_request, "TE1 9ZZ") == [case.reference]


def test_a_bad_postcode_is_refused_and_kept(client_request, officer):
    case = open_case(officer)
    page = client_request.post("corrections.change_address", case_id=case.id, _data={
        "address_line_1": "1 Test Street", "town": "Testtown", "postcode": "NOT A CODE", "reason": "x"},
        _expected_status=200)
    assert error_summary(page) == ["Enter a real postcode, like LS1 4AP"]
    assert page.select_one("#postcode")["value"] == "NOT A CODE"


def test_moving_a_case_out_of_the_officers_area_takes_them_to_the_dashboard(client_request, make_user):
    owner = make_user(Role.OFFICER)
    officer = client_request.login_as(Role.OFFICER, area="North")
    case = open_case(owner, area="North")
    client_request.post("corrections.change_area", case_id=case.id, _data={"area": "South", "reason": "Wrong area."},
                        _expected_redirect="/dashboard")
    [entry] = _entries(case, "case.area_corrected")
    assert (entry.detail["before"], entry.detail["after"], entry.user_id) == ("North", "South", officer.id)
    client_request.get("cases.show", case_id=case.id, _expected_status=404)
    page = client_request.post("corrections.change_area", case_id=case.id, _data={"area": "North", "reason": "x"},
                               _expected_status=404)
    assert page is not None


def test_an_area_not_in_the_list_is_refused(client_request, officer):
    case = open_case(officer)
    page = client_request.post("corrections.change_area", case_id=case.id, _data={"area": "Atlantis", "reason": ""},
                               _expected_status=200)
    assert set(error_summary(page)) == {"Choose the area", "Say why this is being changed"}
    db.session.refresh(case)
    assert case.area == "North"


# ------------------------------------------------------------------ the time of service


def _served(officer):
    return served_case(officer, served_at=DEFAULT_NOW - timedelta(hours=1))


def test_correcting_the_time_of_service_moves_the_hearing_clock_and_the_referral(client_request, officer):
    case = _served(officer)
    calendar = load_calendar()
    [referral] = db.session.scalars(select(Referral).where(Referral.case_id == case.id)).all()
    wrong_deadline = case.hearing_deadline_at
    # Served 20 minutes earlier than recorded (the notice was authorised 30 minutes before).
    client_request.post("corrections.change_served_at", case_id=case.id, _data={
        "served_date": "2026-11-16", "served_time": "08:40", "reason": "Typed the time the PNC entry was made."},
        _follow_redirects=True)
    db.session.refresh(case)
    db.session.refresh(referral)
    corrected = DEFAULT_NOW - timedelta(minutes=80)
    assert case.served_at == corrected
    law = deadlines.hearing_deadline(corrected, hours=48, calendar=calendar)
    assert case.hearing_deadline_at == law and law < wrong_deadline
    [clock] = [c for c in clocks_for(case, utcnow(), calendar) if c.name == HEARING_CLOCK]
    assert clock.deadline == law  # the clock shown follows: never later than the law's
    assert case.urgency_at == law
    assert (referral.trigger_at, referral.due_at) == (corrected, deadlines.referral_due(corrected, 2, calendar))
    [entry] = _entries(case, "case.served_at_corrected")
    assert entry.detail["before"] == {"served_at": (DEFAULT_NOW - timedelta(hours=1)).isoformat(),
                                      "hearing_deadline": wrong_deadline.isoformat()}
    assert entry.detail["after"] == {"served_at": corrected.isoformat(), "hearing_deadline": law.isoformat()}
    assert entry.detail["reason"] == "Typed the time the PNC entry was made." and entry.detail["referrals_moved"] == [referral.id]


@pytest.mark.parametrize(("day", "at", "message"), [
    ("2026-11-16", "11:00", "The time of service cannot be in the future"),
    ("2026-11-16", "07:50", "The time of service cannot be before the incident"),
    ("2026-11-16", "08:20", "The notice cannot have been served before it was authorised"),
    ("2026-11-16", "09:00", "That is the time already recorded"),
    ("2026-13-16", "09:00", "Date served must be a real date"),
    ("", "", "Enter the date and time the notice was served"),
])
def test_a_bad_time_of_service_is_refused(client_request, officer, day, at, message):
    case = _served(officer)
    page = client_request.post("corrections.change_served_at", case_id=case.id,
                               _data={"served_date": day, "served_time": at, "reason": "x"}, _expected_status=200)
    assert any(m.startswith(message) for m in error_summary(page)), error_summary(page)
    db.session.refresh(case)
    assert case.served_at == DEFAULT_NOW - timedelta(hours=1)
    assert _entries(case, "case.served_at_corrected") == []


def test_service_cannot_be_moved_after_the_hearing_listed(client_request, officer):
    from app.services import court

    case = _served(officer)
    court.list_hearing(officer, case, court_name="Northfield", starts_at=DEFAULT_NOW - timedelta(minutes=5),
                       late_reason="", calendar=load_calendar())
    with pytest.raises(ValidationFailed) as refused:
        service_correction.correct_served_at(officer, case, served_at=DEFAULT_NOW - timedelta(minutes=2), reason="x",
                                             calendar=load_calendar(), referral_settings=ReferralSettings())
    assert "The hearing was listed for" in refused.value.errors["served_date"]


def test_the_time_of_service_needs_a_reason(client_request, officer):
    case = _served(officer)
    page = client_request.post("corrections.change_served_at", case_id=case.id,
                               _data={"served_date": "2026-11-16", "served_time": "08:40"}, _expected_status=200)
    assert error_summary(page) == ["Say why this is being changed"]


def test_a_case_not_served_has_no_time_of_service_to_correct(client_request, officer):
    case = open_case(officer)
    client_request.post("corrections.change_served_at", case_id=case.id,
                        _data={"served_date": "2026-11-16", "served_time": "08:40", "reason": "x"},
                        _expected_redirect=f"/cases/{case.id}")
    assert _entries(case, "case.served_at_corrected") == []


# ------------------------------------------------------------------ who may


@pytest.mark.parametrize("role", [Role.INSPECTOR, Role.SUPERINTENDENT, Role.CASEWORKER, Role.ADMIN])
def test_other_roles_may_not_correct(client_request, make_user, role):
    case = _served(make_user(Role.OFFICER))
    client_request.login_as(role)
    for endpoint, extra in (("corrections.change_person", {"person_id": case.perpetrator.id}),
                            ("corrections.change_address", {}), ("corrections.change_served_at", {}),
                            ("corrections.add_victim", {})):
        client_request.post(endpoint, case_id=case.id, _data={"full_name": "X", "reason": "x"}, _expected_status=403,
                            **extra)
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action.like("%corrected"))) is None


def test_a_supervisor_may_correct(client_request, make_user):
    case = open_case(make_user(Role.OFFICER))
    supervisor = client_request.login_as(Role.SUPERVISOR)
    client_request.post("corrections.change_area", case_id=case.id, _data={"area": "East", "reason": "Boundary."})
    assert _entries(case, "case.area_corrected")[0].user_id == supervisor.id


def test_an_officer_of_another_area_gets_404(client_request, make_user):
    case = open_case(make_user(Role.OFFICER), area="South")
    client_request.login_as(Role.OFFICER, area="North")
    client_request.get("corrections.change_person", case_id=case.id, person_id=case.perpetrator.id, _expected_status=404)
    client_request.post("corrections.change_address", case_id=case.id, _data={"reason": "x"}, _expected_status=404)


def test_a_person_of_another_case_is_404(client_request, officer):
    case, other = open_case(officer), open_case(officer)
    client_request.get("corrections.change_person", case_id=case.id, person_id=other.perpetrator.id, _expected_status=404)
    client_request.post("corrections.remove_person", case_id=case.id, person_id=other.victims[0].id,
                        _data={"reason": "x", "confirm": "confirmed"}, _expected_status=404)
    assert db.session.get(Person, other.victims[0].id) is not None


def test_a_correction_without_the_csrf_token_is_refused(client_request, officer):
    case = open_case(officer)
    client_request.post("corrections.change_address", case_id=case.id, _csrf_token=False, _expected_status=400, _data={
        "address_line_1": "9 Elsewhere", "town": "Testtown", "postcode": "TE1 1ST", "reason": "x"})
    db.session.refresh(case)
    assert case.address_line_1 == "1 Test Street"


@pytest.mark.parametrize("data", [
    {"full_name": "\x00Adam", "date_of_birth": "\x00", "reason": "\x00" * 3},
    {"full_name": "Adam", "date_of_birth": "99999-01-01", "reason": "x" * 2001},
    {"full_name": ["a", "b"], "date_of_birth": "1985-3-1", "relationship": "\u202e", "reason": "ok"},
    {"served_date": "0000-00-00", "served_time": "25:61", "area": "\x00", "confirm": "maybe", "postcode": "x" * 50},
])
def test_bad_input_is_never_a_server_error(client, client_request, officer, data):
    from tests.integration.conftest import csrf_token

    case = _served(officer)
    data = {**data, "csrf_token": csrf_token(client)}
    for endpoint, extra in (("corrections.change_person", {"person_id": case.perpetrator.id}),
                            ("corrections.change_person", {"person_id": case.victims[0].id}),
                            ("corrections.add_child", {}), ("corrections.add_victim", {}),
                            ("corrections.remove_person", {"person_id": case.victims[0].id}),
                            ("corrections.change_address", {}), ("corrections.change_area", {}),
                            ("corrections.change_served_at", {})):
        response = client.post(client_request.url(endpoint, case_id=case.id, **extra), data=data)
        assert response.status_code in (200, 302), (endpoint, response.status_code)
    client_request.get(f"/cases/{case.id}/people/99999999999/change", _expected_status=404)
    assert db.session.get(Case, case.id).served_at == DEFAULT_NOW - timedelta(hours=1)
    assert len(db.session.get(Case, case.id).victims) >= 1
