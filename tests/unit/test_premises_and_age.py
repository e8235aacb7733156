"""Premises provisions need shared premises (CSA 2010 s.24(8), s.28(8); DAA 2021 s.23(2)), and
P's age is tested when the notice is issued (CSA 2010 s.24(2); DAA 2021 s.22(6))."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from app.demo import demo_sections
from app.domain.application import (
    ApplicationContext,
    VictimFacts,
    incomplete_sections,
    perpetrator_age_warning,
    shared_premises_answer,
    validate_section,
)
from app.domain.people import birthday_of_age, under_age_at
from app.domain.prohibitions import Prohibition, ProhibitionKind, label, premises_provisions_refused, premises_refusal
from app.domain.regimes import DAPN, DVPN

K = ProhibitionKind
# The common provisions (a DAPN's "may not contact" is tested in test_order_origin.py).
ALL = [k.value for k in K if k is not K.NO_CONTACT]

# (regime, shared premises answer, kinds proposed, refused)
PREMISES_TABLE = [
    # DVPN: evict, enter, leave and the distance of the premises all need shared premises (s.24(8)(a)-(d)).
    (DVPN, True, ALL, []),
    (DVPN, False, ALL, [K.NO_EVICT, K.NO_ENTER, K.LEAVE, K.NO_COME_WITHIN]),
    (DVPN, None, ALL, [K.NO_EVICT, K.NO_ENTER, K.LEAVE, K.NO_COME_WITHIN]),  # not answered: the safe side
    (DVPN, False, ["no_molest"], []),
    (DVPN, False, ["no_come_within"], [K.NO_COME_WITHIN]),
    (DVPN, False, ["leave", "no_molest"], [K.LEAVE]),
    # DAPN: evict, enter, leave need them (s.23(2)); the distance of any premises where V lives does not (s.23(1)(b)).
    (DAPN, True, ALL, []),
    (DAPN, False, ALL, [K.NO_EVICT, K.NO_ENTER, K.LEAVE]),
    (DAPN, None, ALL, [K.NO_EVICT, K.NO_ENTER, K.LEAVE]),
    (DAPN, False, ["no_molest", "no_come_within"], []),
    (DAPN, None, ["no_come_within"], []),
    (DAPN, False, ["no_enter"], [K.NO_ENTER]),
]


@pytest.mark.parametrize("the_regime, shared, kinds, refused", PREMISES_TABLE)
def test_premises_provisions_need_shared_premises(the_regime, shared, kinds, refused):
    assert premises_provisions_refused(kinds, shared_premises=shared, regime=the_regime) == refused


def test_only_a_yes_counts_as_shared_premises():
    for answer in (False, None, "yes", 1):
        assert premises_provisions_refused(["no_enter"], shared_premises=answer, regime=DVPN) == [K.NO_ENTER]


def test_the_refusal_names_the_provisions_and_cites_the_subsection():
    message = premises_refusal([K.NO_ENTER, K.LEAVE], DVPN, DVPN.notice_premises_basis, "Untick them")
    assert message == (
        "'Not to enter the premises', 'To leave the premises' can be included only where the perpetrator and the "
        "victim live in the same premises (Crime and Security Act 2010 s.24(8)). Untick them"
    )
    assert DVPN.order_premises_basis == "Crime and Security Act 2010 s.28(8)"
    assert DAPN.notice_premises_basis == "Domestic Abuse Act 2021 s.23(2)"


def test_the_dapn_distance_provision_is_distinct_from_the_dvpn_shared_premises_one():
    assert label(K.NO_COME_WITHIN, DVPN) == "Not to come within a stated distance of the premises"  # the shared ones
    assert label(K.NO_COME_WITHIN, DAPN) == (
        "Not to come within a stated distance of any premises in England or Wales where the victim lives")
    assert label(K.NO_ENTER, DAPN) == label(K.NO_ENTER, DVPN) == "Not to enter the premises"
    within = Prohibition(K.NO_COME_WITHIN, distance_metres=200)
    assert within.legal_wording("Beth", "1 Test Street", DVPN.mandatory_prohibition, DVPN.distance_wording) == (
        "You must not come within 200 metres of 1 Test Street.")
    assert within.legal_wording("Beth", "1 Test Street", DAPN.mandatory_prohibition, DAPN.distance_wording) == (
        "You must not come within 200 metres of any premises in England or Wales in which Beth lives.")


# ------------------------------------------------------------------ the application's sections

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
VICTIM = VictimFacts(id=7, name="Claire Hargreaves", date_of_birth=date(1990, 5, 1))


def sections(shared: bool | None, kinds: list[str]) -> dict:
    data = demo_sections(victim_id=VICTIM.id, victim_name=VICTIM.name, incident_at=NOW, children=False, mobile=None)
    data["other_occupants"]["shared_premises"] = shared
    data["prohibitions"]["kinds"] = kinds
    data["prohibitions"]["justifications"] = {k: "Needed." for k in kinds}
    data["prohibitions"]["distance_metres"] = 100
    return data


@pytest.mark.parametrize("the_regime, shared, kinds, refused", PREMISES_TABLE)
def test_the_prohibitions_section_applies_the_rule(the_regime, shared, kinds, refused):
    data = sections(shared, kinds)
    ctx = ApplicationContext(regime=the_regime, victims=(VICTIM,), now=NOW, shared_premises=shared)
    errors = validate_section("prohibitions", data["prohibitions"], ctx)
    if refused:
        assert errors["kinds"].startswith("'") and the_regime.notice_premises_basis in errors["kinds"]
        assert all(f"'{label(k, the_regime)}'" in errors["kinds"] for k in refused)
    else:
        assert "kinds" not in errors


def test_answering_no_to_shared_premises_makes_saved_premises_provisions_incomplete():
    ctx = ApplicationContext(regime=DVPN, victims=(VICTIM,), now=NOW)  # the context's own answer is ignored
    assert "prohibitions" not in incomplete_sections(sections(True, ["no_molest", "no_enter"]), ctx)
    assert "prohibitions" in incomplete_sections(sections(False, ["no_molest", "no_enter"]), ctx)
    assert "prohibitions" not in incomplete_sections(sections(False, ["no_molest"]), ctx)
    assert shared_premises_answer({}) is None
    assert shared_premises_answer({"other_occupants": {"shared_premises": "yes"}}) is None


# ------------------------------------------------------------------ P's age when the notice is issued


def london(y, m, d, hh=12, mm=0):
    from app.domain.calendar import LONDON

    return datetime(y, m, d, hh, mm, tzinfo=LONDON)


# (date of birth, the moment of issue, the day P turns 18 or None if 18 or over then)
AGE_TABLE = [
    (date(2008, 11, 16), london(2026, 11, 16, 0, 0), None),  # the 18th birthday, from its first minute
    (date(2008, 11, 16), london(2026, 11, 15, 23, 59), date(2026, 11, 16)),  # the minute before
    (date(2008, 11, 17), london(2026, 11, 16), date(2026, 11, 17)),
    (date(1985, 3, 1), london(2026, 11, 16), None),
    # 29 February: in a common year the birthday is taken as 1 March (the later day, the safe side).
    (date(2008, 2, 29), london(2026, 2, 28, 23, 59), date(2026, 3, 1)),
    (date(2008, 2, 29), london(2026, 3, 1, 0, 0), None),
    # A 29 February birthday in a leap year is the day itself.
    (date(2010, 2, 28), london(2028, 2, 28), None),
    (date(2012, 2, 29), london(2030, 2, 28), date(2030, 3, 1)),
    (date(2012, 2, 29), london(2030, 3, 1), None),
]


@pytest.mark.parametrize("dob, at, turns_18", AGE_TABLE)
def test_age_is_tested_at_the_moment_of_issue(dob, at, turns_18):
    assert under_age_at(dob, at) == turns_18
    assert under_age_at(dob, at.astimezone(UTC)) == turns_18  # the London day, whatever the offset


def test_the_london_day_decides_across_midnight_in_summer():
    # 23:30 UTC on 14 June is 00:30 London on 15 June (BST): the birthday has begun.
    assert under_age_at(date(2008, 6, 15), datetime(2026, 6, 14, 23, 30, tzinfo=UTC)) is None
    assert under_age_at(date(2008, 6, 15), datetime(2026, 6, 14, 22, 59, tzinfo=UTC)) == date(2026, 6, 15)


def test_a_p_who_turned_18_after_the_incident_may_be_given_a_notice():
    incident, issue = london(2026, 11, 14, 22, 0), london(2026, 11, 16, 9, 0)
    dob = date(2008, 11, 15)
    assert under_age_at(dob, incident) == date(2026, 11, 15)
    assert under_age_at(dob, issue) is None


def test_naive_instants_are_refused():
    with pytest.raises(ValueError):
        under_age_at(date(2000, 1, 1), datetime(2026, 1, 1))


def test_birthday_of_age():
    assert birthday_of_age(date(2008, 2, 29), 18) == date(2026, 3, 1)
    assert birthday_of_age(date(2008, 2, 29), 16) == date(2024, 2, 29)
    assert birthday_of_age(date(2008, 7, 4), 18) == date(2026, 7, 4)


@pytest.mark.parametrize("the_regime", [DVPN, DAPN])
def test_the_application_warns_while_p_is_under_18(the_regime):
    assert perpetrator_age_warning(the_regime, date(2008, 11, 17), london(2026, 11, 16)) == date(2026, 11, 17)
    assert perpetrator_age_warning(the_regime, date(2008, 11, 16), london(2026, 11, 16)) is None
    assert perpetrator_age_warning(the_regime, None, london(2026, 11, 16)) is None
