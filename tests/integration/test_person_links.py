"""The same person on several cases (issue 15, section 1): suggestions from match keys, scoped
to cases the user may read; confirming, rejecting and unlinking, audited; links shown on each
case; roles, CSRF, bad input; statements per page."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    AuditEntry,
    Case,
    MatchDecision,
    Person,
    PersonIdentityLink,
    PersonKind,
    PersonMatchDecision,
    PersonMatchKey,
    Role,
)
from app.services import cases as case_service
from app.services import person_link_decisions, search_index
from tests.integration.conftest import assert_append_only, error_summary, flash_messages, normalize_spaces
from tests.integration.factories import case_details, sent_referral, submitted_case, support_service
from tests.support import count_queries

DOB = date(1990, 4, 3)


def a_case(officer, *, p=("John Smith", DOB), v=("Mary Jones", None), postcode="NF3 2QT", **kwargs):
    """A case with the perpetrator and victim given as (name, date of birth)."""
    details = case_details(officer, **kwargs)
    details.perpetrator = case_service.PersonDetails(*p)
    details.victims = [case_service.PersonDetails(v[0], v[1], "spouse")]
    details.postcode = postcode
    return case_service.open_case(officer, details, force_code="TC")


def p_of(case) -> Person:
    return db.session.scalars(sa.select(Person).where(Person.case_id == case.id, Person.kind == PersonKind.PERPETRATOR)).one()


def v_of(case) -> Person:
    return db.session.scalars(sa.select(Person).where(Person.case_id == case.id, Person.kind == PersonKind.VICTIM)).one()


def suggestion_texts(page) -> list[str]:
    return [normalize_spaces(s.select_one("p").get_text()) for s in page.select(".app-suggestion")]


def linked_texts(page) -> list[str]:
    return [normalize_spaces(li.get_text()) for li in page.select(".app-linked-person li")]


def decide(client_request, case, person, other, decision="same", **kwargs):
    return client_request.post("people.decide_match", case_id=case.id,
                               _data={"person": str(person.id), "other": str(other.id), "decision": decision}, **kwargs)


def south_case(make_user, **kwargs):
    """A South case whose officer in the case is a South officer."""
    south = make_user(Role.OFFICER, area="South")
    return a_case(south, area="South", **kwargs)


# ------------------------------------------------------------------ suggestions


def test_the_same_date_of_birth_and_a_similar_name_is_suggested(client_request):
    officer = client_request.login_as(Role.OFFICER, area="North")
    older = a_case(officer, p=("Jon Smyth", DOB), postcode="AB1 2CD", incident_at=datetime(2025, 6, 1, 12, tzinfo=UTC))
    case = a_case(officer)
    a_case(officer, p=("Carl Other", DOB), postcode="ZZ1 1ZZ")  # born the same day, a different name: no
    page = client_request.get("cases.show", case_id=case.id)
    assert suggestion_texts(page) == [
        f"John Smith (perpetrator here) is possibly the same person as Jon Smyth, born 3 Apr 1990, perpetrator on "
        f"{older.reference} (DVPO, 2025): the same date of birth and a similar name."
    ]
    assert page.select_one(f".app-suggestion a[href='/cases/{older.id}']") is not None


def test_a_changed_surname_with_the_same_first_name_and_birthday_is_suggested(client_request):
    officer = client_request.login_as(Role.OFFICER)
    first = a_case(officer, p=("Adam Alpha", date(1970, 1, 1)), v=("Sarah Jones", date(1991, 5, 6)), postcode="AA1 1AA")
    second = a_case(officer, p=("Bert Beta", date(1971, 1, 1)), v=("Sarah Brown", date(1991, 5, 6)), postcode="BB1 1BB")
    [text] = suggestion_texts(client_request.get("cases.show", case_id=second.id))
    assert text.startswith("Sarah Brown (victim here) is possibly the same person as Sarah Jones")
    assert first.reference in text


def test_the_same_phone_number_is_suggested(client_request):
    officer = client_request.login_as(Role.OFFICER)
    first = submitted_case(officer, mobile="07123456789")
    db.session.execute(sa.update(Person).where(Person.id == p_of(first).id).values(full_name="Ian Ingram"))
    search_index.refresh(db.session, [first.id])  # written outside the ORM: refreshed by hand
    db.session.commit()
    second = submitted_case(officer, mobile="07123456789", postcode="XY9 9XY")
    texts = suggestion_texts(client_request.get("cases.show", case_id=second.id))
    assert any(t.startswith("Adam Testperson (perpetrator here) is possibly the same person as Ian Ingram")
               and "the same phone number" in t for t in texts), texts


def test_a_victim_s_safe_number_is_hers_and_suggests_her(client_request):
    officer = client_request.login_as(Role.OFFICER)
    service = support_service()
    first, _ = sent_referral(officer, service, safe_number="0114 496 0000")
    second, _ = sent_referral(officer, service, safe_number="01144960000")
    db.session.execute(sa.update(Person).where(Person.id == v_of(first).id).values(full_name="Vera Vine"))
    db.session.execute(sa.update(Case).where(Case.id == first.id).values(postcode="QQ1 1QQ"))
    search_index.refresh(db.session, [first.id])
    db.session.commit()
    keys = db.session.scalars(sa.select(PersonMatchKey).where(PersonMatchKey.kind == "phone")).all()
    assert {(k.person_id, k.key) for k in keys} >= {(v_of(first).id, "+441144960000"), (v_of(second).id, "+441144960000")}
    texts = suggestion_texts(client_request.get("cases.show", case_id=second.id))
    assert any(t.startswith("Beth Testperson (victim here) is possibly the same person as Vera Vine")
               and "the same phone number" in t for t in texts), texts


def test_the_same_name_and_postcode_is_suggested_without_a_date_of_birth(client_request):
    officer = client_request.login_as(Role.OFFICER)
    first = a_case(officer, p=("Ned Nobirth", date(1972, 1, 1)), v=("Mary Jones", None), postcode="nf32qt")
    second = a_case(officer, p=("Ollie Other", date(1973, 1, 1)), v=("Mary Jones", None), postcode="NF3 2QT")
    [text] = suggestion_texts(client_request.get("cases.show", case_id=second.id))
    assert text.startswith("Mary Jones (victim here) is possibly the same person as Mary Jones")
    assert first.reference in text and text.endswith("the same name and postcode.")


def test_keys_follow_a_corrected_name(client_request):
    officer = client_request.login_as(Role.OFFICER)
    a_case(officer, postcode="AA1 1AA", v=("Vee One", None))
    case = a_case(officer, postcode="BB1 1BB", v=("Vee Two", None))
    assert suggestion_texts(client_request.get("cases.show", case_id=case.id))
    p_of(case).full_name = "Kevin Unrelated"  # through the ORM: the keys follow at commit
    db.session.commit()
    assert suggestion_texts(client_request.get("cases.show", case_id=case.id)) == []


def test_flask_search_rebuild_makes_the_keys_again(app, client_request):
    officer = client_request.login_as(Role.OFFICER)
    a_case(officer)
    a_case(officer, postcode="BB1 1BB")
    before = db.session.execute(sa.select(PersonMatchKey.person_id, PersonMatchKey.kind, PersonMatchKey.key)
                                .order_by(PersonMatchKey.person_id, PersonMatchKey.key)).all()
    db.session.execute(sa.delete(PersonMatchKey))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["search", "rebuild"])
    assert result.exit_code == 0, result.output
    assert db.session.execute(sa.select(PersonMatchKey.person_id, PersonMatchKey.kind, PersonMatchKey.key)
                              .order_by(PersonMatchKey.person_id, PersonMatchKey.key)).all() == before
    assert len(before) > 4


# ------------------------------------------------------------------ scoping


def test_no_suggestion_from_a_case_the_user_may_not_read_not_even_that_one_exists(client_request, make_user):
    south = south_case(make_user)
    officer = client_request.login_as(Role.OFFICER, area="North")
    case = a_case(officer, postcode="BB1 1BB")
    page = client_request.get("cases.show", case_id=case.id)
    assert suggestion_texts(page) == []
    html = str(page)
    assert south.reference not in html and "possible match" in normalize_spaces(page.select_one("#linked-people").get_text())
    # Posting the pair anyway links nothing.
    page = decide(client_request, case, p_of(case), p_of(south), _follow_redirects=True)
    assert "not on a case you may read" in " ".join(flash_messages(page))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PersonIdentityLink)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PersonMatchDecision)) == 0


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.INSPECTOR, Role.SUPERINTENDENT])
def test_force_wide_roles_see_suggestions_across_areas(client_request, make_user, role):
    south = south_case(make_user)
    north = a_case(make_user(Role.OFFICER, area="North"), postcode="BB1 1BB")
    client_request.login_as(role)
    [text] = suggestion_texts(client_request.get("cases.show", case_id=north.id))
    assert south.reference in text


def test_a_link_to_a_case_the_user_may_not_read_shows_its_reference_only(client_request, make_user):
    south = south_case(make_user, p=("Johnny Smith", DOB))
    north = a_case(make_user(Role.OFFICER, area="North"), postcode="BB1 1BB")
    client_request.login_as(Role.SUPERVISOR)
    decide(client_request, north, p_of(north), p_of(south))
    client_request.post("auth.logout")
    client_request.login_as(Role.OFFICER, area="North")
    page = client_request.get("cases.show", case_id=north.id)
    assert linked_texts(page) == [f"Also on {south.reference} (DVPO, 2026), perpetrator: a case in another area that "
                                  "you cannot open"]
    section = page.select_one("#linked-people")
    assert section.select(f"a[href='/cases/{south.id}']") == []
    assert "Johnny" not in str(section)  # nothing from the other case but its reference, year and role
    assert section.select("a[href*='unlink']") == []  # cannot judge a link to a case they cannot read
    client_request.get("people.unlink", case_id=north.id, person=p_of(north).id)  # the page itself answers...
    page = client_request.post("people.unlink", case_id=north.id, _expected_status=200,
                               _data={"person": str(p_of(north).id), "reason": "Wrong", "confirm": "confirmed"})
    assert any("cannot read" in e for e in error_summary(page))  # ...but the link stays
    assert db.session.get(PersonIdentityLink, p_of(north).id) is not None


# ------------------------------------------------------------------ deciding


def test_confirming_links_them_on_both_cases_with_an_audit_entry_on_each(client_request):
    officer = client_request.login_as(Role.OFFICER)
    older = a_case(officer, p=("Jon Smith", DOB), postcode="AB1 2CD", incident_at=datetime(2025, 6, 1, 12, tzinfo=UTC))
    case = a_case(officer)
    page = decide(client_request, case, p_of(case), p_of(older), _follow_redirects=True)
    assert "Linked" in " ".join(flash_messages(page))
    assert suggestion_texts(page) == []
    assert linked_texts(page) == [f"Also on {older.reference} (DVPO, 2025), perpetrator, as Jon Smith"]
    assert page.select_one(f"#linked-people a[href='/cases/{older.id}']") is not None
    assert "Repeat perpetrator" in page.select_one("#linked-people").get_text()
    other_page = client_request.get("cases.show", case_id=older.id)
    assert linked_texts(other_page) == [f"Also on {case.reference} (DVPO, 2026), perpetrator, as John Smith"]
    entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "person.linked")
                                 .order_by(AuditEntry.case_id)).all()
    assert [(e.case_id, e.user_id, e.detail["person_id"], e.detail["other_person_id"]) for e in entries] == sorted([
        (case.id, officer.id, p_of(case).id, p_of(older).id), (older.id, officer.id, p_of(older).id, p_of(case).id)])
    assert entries[0].detail["matched_by"] == ["dob_name"]
    [decision] = db.session.scalars(sa.select(PersonMatchDecision)).all()
    assert decision.decision is MatchDecision.SAME and decision.decided_by_id == officer.id
    assert "A person linked as the same person on another case" in other_page.get_text()  # on the timeline


def test_rejecting_is_audited_and_the_pair_is_never_suggested_again(client_request):
    officer = client_request.login_as(Role.OFFICER)
    older = a_case(officer, postcode="AB1 2CD")
    case = a_case(officer)
    page = decide(client_request, case, p_of(case), p_of(older), decision="not_same", _follow_redirects=True)
    assert "not be suggested again" in " ".join(flash_messages(page))
    assert suggestion_texts(page) == [] and linked_texts(page) == []
    assert suggestion_texts(client_request.get("cases.show", case_id=older.id)) == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PersonIdentityLink)) == 0
    assert {e.case_id for e in db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.action == "person.match_rejected"))} == {case.id, older.id}
    # And it cannot be confirmed behind the page's back.
    page = decide(client_request, case, p_of(case), p_of(older), _follow_redirects=True)
    assert "not suggested" in " ".join(flash_messages(page))


def test_unlinking_asks_for_a_reason_and_a_confirmation_and_is_audited(client_request):
    officer = client_request.login_as(Role.OFFICER)
    older = a_case(officer, postcode="AB1 2CD")
    case = a_case(officer)
    decide(client_request, case, p_of(case), p_of(older))
    page = client_request.get("cases.show", case_id=case.id)
    href = page.select_one("#linked-people a[href*='unlink']")["href"]
    page = client_request.get(href)
    assert older.reference in page.get_text()
    data = {"person": str(p_of(case).id), "reason": ""}
    page = client_request.post("people.unlink", case_id=case.id, _data=data, _expected_status=200)
    assert error_summary(page) == ["Enter why this person is not the same as the others",
                                   "Confirm that this is not the same person"]
    page = client_request.post("people.unlink", case_id=case.id, _expected_status=200,
                               _data={**data, "reason": "x" * 501, "confirm": "confirmed"})
    assert error_summary(page) == ["Enter 500 characters or fewer"]
    assert db.session.get(PersonIdentityLink, p_of(case).id) is not None
    client_request.post("people.unlink", case_id=case.id,
                        _data={**data, "reason": "Different middle names on the PNC.", "confirm": "confirmed"})
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PersonIdentityLink)) == 0
    assert linked_texts(client_request.get("cases.show", case_id=older.id)) == []
    assert suggestion_texts(client_request.get("cases.show", case_id=older.id)) == []  # not suggested again
    entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "person.unlinked")).all()
    assert {e.case_id for e in entries} == {case.id, older.id}
    assert all(e.detail["reason"] == "Different middle names on the PNC." for e in entries)
    decisions = db.session.scalars(sa.select(PersonMatchDecision.decision).order_by(PersonMatchDecision.id)).all()
    assert decisions == [MatchDecision.SAME, MatchDecision.UNLINKED]


def test_confirming_merges_two_groups_into_one_person(client_request):
    officer = client_request.login_as(Role.OFFICER)
    cases = [a_case(officer, postcode=f"AB{n} 1CD", v=(f"Vic Tim{chr(97 + n)}", None)) for n in range(4)]
    decide(client_request, cases[0], p_of(cases[0]), p_of(cases[1]))
    decide(client_request, cases[2], p_of(cases[2]), p_of(cases[3]))
    assert len(set(db.session.scalars(sa.select(PersonIdentityLink.identity_id)))) == 2
    decide(client_request, cases[1], p_of(cases[1]), p_of(cases[2]))
    assert len(set(db.session.scalars(sa.select(PersonIdentityLink.identity_id)))) == 1
    texts = linked_texts(client_request.get("cases.show", case_id=cases[0].id))
    assert [t.split()[2] for t in texts] == [c.reference for c in cases[1:]]


def test_two_people_on_one_case_are_never_linked_as_one(client_request):
    officer = client_request.login_as(Role.OFFICER)
    first = a_case(officer, postcode="AB1 2CD", v=("Vic One", None))
    # A case on which P and V share a name and birthday (a data-entry slip, or a namesake).
    second = a_case(officer, v=("John Smith", DOB), postcode="CD1 2EF")
    decide(client_request, first, p_of(first), p_of(second))
    page = client_request.get("cases.show", case_id=first.id)
    assert suggestion_texts(page) == []  # V on the second case is no longer offered for P here
    page = decide(client_request, first, p_of(first), v_of(second), _follow_redirects=True)
    assert "not suggested" in " ".join(flash_messages(page))
    # Even past the suggestion (a race): the service refuses to merge across one case.
    third = a_case(officer, postcode="EF1 2GH", v=("Vic Three", None))
    decide(client_request, third, p_of(third), v_of(second))
    with pytest.raises(person_link_decisions.ValidationFailed, match="two people on one case"):
        person_link_decisions._join(p_of(first), p_of(third), datetime(2026, 11, 16, tzinfo=UTC))
    db.session.rollback()


# ------------------------------------------------------------------ who, CSRF, bad input


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.ADMIN])
def test_caseworkers_and_admins_never_link_people(client_request, make_user, role):
    officer = make_user(Role.OFFICER)
    older, case = a_case(officer, postcode="AB1 2CD"), a_case(officer)
    client_request.login_as(role)
    decide(client_request, case, p_of(case), p_of(older), _expected_status=403)
    client_request.get("people.unlink", case_id=case.id, person=p_of(case).id, _expected_status=403)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PersonIdentityLink)) == 0


def test_a_decision_without_the_csrf_token_is_refused(client, client_request):
    officer = client_request.login_as(Role.OFFICER)
    older, case = a_case(officer, postcode="AB1 2CD"), a_case(officer)
    response = client.post(f"/cases/{case.id}/people/match",
                           data={"person": p_of(case).id, "other": p_of(older).id, "decision": "same"})
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PersonIdentityLink)) == 0


@pytest.mark.parametrize("data", [
    {}, {"person": "abc", "other": "1", "decision": "same"}, {"person": "1", "other": "99999999999999999999",
                                                              "decision": "same"},
    {"person": "-1", "other": "1", "decision": "same"}, {"person": "1", "other": "2", "decision": "maybe"},
    {"person": "\u0661", "other": "2", "decision": "same"}, {"person": "1", "other": "1", "decision": "same"},
    {"person": "2147483647", "other": "2147483647", "decision": "not_same"},
])
def test_bad_input_gets_a_message_never_an_error(client_request, data):
    officer = client_request.login_as(Role.OFFICER)
    case = a_case(officer)
    page = client_request.post("people.decide_match", case_id=case.id, _data=data, _follow_redirects=True)
    assert flash_messages(page), data
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PersonMatchDecision)) == 0


@pytest.mark.parametrize("person", ["abc", "99999999999999999999", "-3", "", "0"])
def test_the_unlink_page_for_nobody_is_not_found(client_request, person):
    officer = client_request.login_as(Role.OFFICER)
    case = a_case(officer)
    client_request.get("people.unlink", case_id=case.id, person=person, _expected_status=404)
    client_request.get("people.unlink", case_id=case.id, person=p_of(case).id, _expected_status=404)  # not linked


def test_the_pages_statements_do_not_grow_with_matches_and_links(client, client_request):
    officer = client_request.login_as(Role.OFFICER)
    case = a_case(officer)
    first = a_case(officer, postcode="AB1 2CD", v=("Vee Zero", None))
    decide(client_request, case, p_of(case), p_of(first))
    a_case(officer, postcode="AB2 2CD", v=("Vee Minus", None))
    one = count_queries(client, f"/cases/{case.id}")
    for n in range(5):
        other = a_case(officer, postcode=f"CD{n} 1EF", v=(f"Vee {chr(97 + n)}x", None))
        if n % 2:
            decide(client_request, other, p_of(other), p_of(case))
    page = client_request.get("cases.show", case_id=case.id)
    assert len(linked_texts(page)) == 3 and len(suggestion_texts(page)) == 4
    assert count_queries(client, f"/cases/{case.id}") == one


def test_decisions_are_append_only(app, client_request):
    officer = client_request.login_as(Role.OFFICER)
    older, case = a_case(officer, postcode="AB1 2CD"), a_case(officer)
    decide(client_request, case, p_of(case), p_of(older))
    for statement in ("UPDATE person_match_decision SET reason = 'changed'", "DELETE FROM person_match_decision"):
        assert_append_only(statement)


def test_a_person_linked_to_another_case_cannot_be_removed_until_unlinked_but_match_keys_never_block(app, client_request):
    """Corrections refuse to remove a person whom records name (services/corrections); the match
    keys derived from them do not count, a confirmed link does."""
    from app.services import corrections
    from app.services.calendar import load_calendar
    from app.settings import current_settings

    officer = client_request.login_as(Role.OFFICER)
    older = a_case(officer, v=("Mary Jones", DOB))
    case = a_case(officer, v=("Mary Jones", DOB))
    corrections.add_person(officer, case, PersonKind.VICTIM, corrections.PersonFacts("Ann Other", None, "relative"),
                           reason="Missed at opening", calendar=load_calendar(),
                           referral_settings=current_settings().referrals)
    victim = v_of_named(case, "Mary Jones")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PersonMatchKey)
                             .where(PersonMatchKey.person_id == victim.id)) > 0
    assert corrections.removal_blockers(case, victim) == []  # her match keys exist, and do not block
    decide(client_request, case, victim, v_of(older))
    blockers = corrections.removal_blockers(case, victim)
    assert any("linked as the same person on another case" in b for b in blockers), blockers


def v_of_named(case, name) -> Person:
    return db.session.scalars(sa.select(Person).where(Person.case_id == case.id, Person.kind == PersonKind.VICTIM,
                                                      Person.full_name == name)).one()
