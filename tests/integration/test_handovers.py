"""Handing cases over (issue 15, section 2): one case, or all of a leaver's live cases at once,
with a note on the case, an audit entry, an email to the new officer; and "My cases"."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry, CaseHandover, CaseState, EmailKind, OutgoingEmail, Role
from app.models.audit import AppendOnlyError
from app.services import ValidationFailed, handovers
from tests.integration.conftest import assert_append_only, error_summary, flash_messages, normalize_spaces
from tests.integration.factories import open_case


def _emails(kind=EmailKind.CASE_HANDED_OVER):
    return list(db.session.scalars(select(OutgoingEmail).where(OutgoingEmail.kind == kind).order_by(OutgoingEmail.id)))


def test_an_officer_hands_a_case_over_with_a_note(client_request, make_user):
    officer = client_request.login_as(Role.OFFICER, area="North")
    colleague = make_user(Role.OFFICER, full_name="Pat Colleague")
    case = open_case(officer)
    client_request.post("handovers.hand_over", case_id=case.id, _data={
        "officer_id": str(colleague.id), "note": "Hearing listed Thursday.\nV prefers calls after 6pm."},
        _expected_redirect=f"/cases/{case.id}")
    db.session.refresh(case)
    assert case.officer_in_case_id == colleague.id
    [handover] = db.session.scalars(select(CaseHandover)).all()
    assert (handover.from_officer_id, handover.to_officer_id, handover.by_id, handover.leaver) == (
        officer.id, colleague.id, officer.id, False)
    [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "case.handed_over")).all()
    assert entry.detail["before"] == {"officer_in_case": officer.id}
    assert entry.detail["after"] == {"officer_in_case": colleague.id}
    [email] = _emails()
    assert (email.recipient_id, email.path, email.reference) == (colleague.id, f"/cases/{case.id}", case.reference)
    # The email says nothing of the note or the people: the reference and the link only.
    from app.domain.email_wording import compose

    wording = compose(email.kind.value, reference=email.reference, url="https://desk" + email.path, force="Force")
    assert "Thursday" not in wording.body and "Testperson" not in wording.body and f"/cases/{case.id}" in wording.body
    page = client_request.get("cases.show", case_id=case.id)
    notes = normalize_spaces(page.select_one("#handovers").find_next("div").get_text())
    assert f"From {officer.display_name} to Pat Colleague" in notes and "V prefers calls after 6pm." in notes


@pytest.mark.parametrize(("data", "messages"), [
    ({}, {"Choose the new officer in the case", "Write a handover note for the new officer"}),
    ({"officer_id": "abc", "note": "x"}, {"Choose the new officer in the case"}),
    ({"officer_id": "99999", "note": "  "}, {"Choose the new officer in the case", "Write a handover note for the new officer"}),
    ({"officer_id": "SELF", "note": "x"}, {"is already the officer in the case"}),
    ({"officer_id": "INACTIVE", "note": "x"}, {"Choose the new officer in the case"}),
    ({"officer_id": "INSPECTOR", "note": "x"}, {"Choose the new officer in the case"}),
])
def test_a_bad_handover_is_refused_and_keeps_what_was_typed(client_request, make_user, data, messages):
    officer = client_request.login_as(Role.OFFICER)
    inactive = make_user(Role.OFFICER)
    inactive.active = False
    db.session.commit()
    ids = {"SELF": officer.id, "INACTIVE": inactive.id, "INSPECTOR": make_user(Role.INSPECTOR).id}
    data = {k: str(ids.get(v, v)) for k, v in data.items()}
    case = open_case(officer)
    page = client_request.post("handovers.hand_over", case_id=case.id, _data=data, _expected_status=200)
    summary = error_summary(page)
    assert all(any(m in s for s in summary) for m in messages), summary
    if data.get("note", "").strip():
        assert page.select_one("#note").get_text().strip() == data["note"].strip()
    assert db.session.scalar(select(CaseHandover)) is None and _emails() == []


def test_handovers_are_append_only(app, make_user):
    officer, other = make_user(Role.OFFICER), make_user(Role.OFFICER)
    case = open_case(officer)
    handover = handovers.hand_over(officer, case, officer_id=other.id, note="Over to you.")
    handover.note = "changed"
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()
    assert_append_only("UPDATE case_handover SET note = 'changed'")
    assert_append_only("DELETE FROM case_handover")
    assert db.session.get(CaseHandover, handover.id).note == "Over to you."


@pytest.mark.parametrize("role", [Role.INSPECTOR, Role.SUPERINTENDENT, Role.CASEWORKER, Role.ADMIN])
def test_other_roles_may_not_hand_a_case_over(client_request, make_user, role):
    officer, other = make_user(Role.OFFICER), make_user(Role.OFFICER)
    case = open_case(officer)
    client_request.login_as(role)
    client_request.post("handovers.hand_over", case_id=case.id, _data={"officer_id": str(other.id), "note": "x"},
                        _expected_status=403)
    assert db.session.scalar(select(CaseHandover)) is None


def test_an_officer_of_another_area_cannot_hand_a_case_over(client_request, make_user):
    officer, other = make_user(Role.OFFICER), make_user(Role.OFFICER)
    case = open_case(officer, area="South")
    client_request.login_as(Role.OFFICER, area="North")
    client_request.post("handovers.hand_over", case_id=case.id, _data={"officer_id": str(other.id), "note": "x"},
                        _expected_status=404)
    client_request.post("handovers.hand_over", case_id=case.id, _csrf_token=False, _expected_status=400,
                        _data={"officer_id": str(other.id), "note": "x"})
    assert db.session.scalar(select(CaseHandover)) is None


# ------------------------------------------------------------------ a leaver's cases


@pytest.fixture
def leaver_cases(make_user):
    leaver = make_user(Role.OFFICER, full_name="Lee Leaver")
    successor = make_user(Role.OFFICER, full_name="Sam Successor")
    live = [open_case(leaver) for _ in range(3)]
    closed = open_case(leaver)
    closed.state = CaseState.CLOSED
    db.session.commit()
    return leaver, successor, live, closed


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.ADMIN])
def test_all_of_a_leavers_live_cases_move_after_confirming_the_count(client_request, leaver_cases, role):
    leaver, successor, live, closed = leaver_cases
    actor = client_request.login_as(role)
    data = {"leaver_id": str(leaver.id), "officer_id": str(successor.id), "note": "Lee has left the force."}
    page = client_request.get("handovers.leaver")
    assert "Lee Leaver: 3 live cases" in normalize_spaces(page.select_one("#leaver_id").get_text())
    page = client_request.post("handovers.leaver", _data=data, _expected_status=200)
    assert normalize_spaces(page.select_one("#handover-count").get_text()) == "3"
    assert db.session.scalar(select(CaseHandover)) is None  # nothing moves before the confirmation
    page = client_request.post("handovers.leaver", _data={**data, "confirmed_count": "3"}, _follow_redirects=True)
    assert flash_messages(page)[0].startswith("3 cases handed over")
    for case in live:
        db.session.refresh(case)
        assert case.officer_in_case_id == successor.id
    db.session.refresh(closed)
    assert closed.officer_in_case_id == leaver.id  # closed cases keep who had them
    rows = db.session.scalars(select(CaseHandover)).all()
    assert len(rows) == 3 and all(r.leaver and r.by_id == actor.id and r.note == "Lee has left the force." for r in rows)
    assert sorted(e.case_id for e in _emails()) == sorted(c.id for c in live)
    [summary] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "cases.handed_over_all")).all()
    assert sorted(summary.detail["cases"]) == sorted(c.id for c in live)


def test_a_stale_confirmation_moves_nothing(client_request, leaver_cases):
    leaver, successor, live, _closed = leaver_cases
    client_request.login_as(Role.SUPERVISOR)
    open_case(leaver)  # a fourth case arrives after the supervisor saw "3"
    page = client_request.post("handovers.leaver", _data={
        "leaver_id": str(leaver.id), "officer_id": str(successor.id), "note": "Left.", "confirmed_count": "3"},
        _expected_status=200)
    assert error_summary(page) == ["Lee Leaver now has 4 live cases, not 3: check and confirm again"]
    assert db.session.scalar(select(CaseHandover)) is None
    with pytest.raises(ValidationFailed):
        handovers.hand_over_all(leaver, leaver_id=leaver.id, officer_id=successor.id, note="x", expected=3)


@pytest.mark.parametrize(("data", "message"), [
    ({}, "Choose the officer whose cases are to be handed over"),
    ({"leaver_id": "LEAVER", "officer_id": "LEAVER", "note": "x"}, "Choose a different officer to hand the cases to"),
    ({"leaver_id": "SUCCESSOR", "officer_id": "LEAVER", "note": "x"}, "Sam Successor is officer in the case of no live case"),
    ({"leaver_id": "LEAVER", "officer_id": "SUCCESSOR", "note": ""}, "Write a handover note for the new officer"),
    ({"leaver_id": "LEAVER", "officer_id": "SUCCESSOR", "note": "x", "confirmed_count": "x9"}, None),
    ({"leaver_id": "1" * 40, "officer_id": "-1", "note": "\x00"}, "Choose the officer whose cases are to be handed over"),
])
def test_a_bad_leaver_handover_is_refused(client_request, leaver_cases, data, message):
    leaver, successor, _live, _closed = leaver_cases
    client_request.login_as(Role.SUPERVISOR)
    ids = {"LEAVER": str(leaver.id), "SUCCESSOR": str(successor.id)}
    page = client_request.post("handovers.leaver", _data={k: ids.get(v, v) for k, v in data.items()}, _expected_status=200)
    if message:
        assert message in error_summary(page)
    assert db.session.scalar(select(CaseHandover)) is None


def test_officers_may_not_hand_over_a_leavers_cases(client_request, leaver_cases):
    leaver, successor, _live, _closed = leaver_cases
    client_request.login_as(Role.OFFICER)
    client_request.get("handovers.leaver", _expected_status=403)
    client_request.post("handovers.leaver", _expected_status=403, _data={
        "leaver_id": str(leaver.id), "officer_id": str(successor.id), "note": "x", "confirmed_count": "3"})
    assert db.session.scalar(select(CaseHandover)) is None


# ------------------------------------------------------------------ my cases


def test_my_cases_lists_the_live_cases_i_am_officer_in(client_request, make_user):
    me = client_request.login_as(Role.OFFICER, area="North")
    mine = open_case(me, area="South")
    theirs = open_case(make_user(Role.OFFICER), area="North")
    closed = open_case(me)
    closed.state = CaseState.CLOSED
    db.session.commit()
    page = client_request.get("handovers.my_cases")
    refs = [a.get_text(strip=True) for a in page.select("main table a")]
    assert refs == [mine.reference]
    assert theirs.reference not in refs and closed.reference not in refs
    # Handed a case, it is mine.
    handovers.hand_over(make_user(Role.SUPERVISOR), theirs, officer_id=me.id, note="Yours now.")
    page = client_request.get("handovers.my_cases")
    assert sorted(a.get_text(strip=True) for a in page.select("main table a")) == sorted([mine.reference, theirs.reference])
    nav = [a.get_text(strip=True) for a in page.select("header nav a")]
    assert "My cases" in nav
