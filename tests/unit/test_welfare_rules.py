"""When a geofence alerts after a welfare visit, and what a visit report must answer (issue 16)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.domain.risk import RiskLevel
from app.domain.welfare_rules import (
    MAX_TEXT,
    BadRecurrence,
    BadVisitReport,
    alerts_at,
    armed_at,
    closed_shown_since,
    effective_recurrence,
    proposed_recurrence_days,
    recurrence_change,
    snoozed_until,
    visit_report,
    visits_since,
)

VISIT = datetime(2026, 11, 20, 14, 30, tzinfo=UTC)
WEEK = timedelta(days=7)


def test_never_visited_always_alerts():
    assert snoozed_until(None, WEEK) is None and alerts_at(None, VISIT, WEEK)


@pytest.mark.parametrize(("after", "alerts"), [
    (timedelta(0), False), (timedelta(days=6, hours=23, minutes=59), False), (WEEK, True), (timedelta(days=30), True),
])
def test_snoozed_for_seven_days_after_a_visit_done(after, alerts):
    assert snoozed_until(VISIT, WEEK) == VISIT + WEEK
    assert alerts_at(VISIT, VISIT + after, WEEK) is alerts


def test_a_complete_report():
    report = visit_report(spoken_to="yes", wellbeing="  Well.  ", p_present="no", concerns=None, follow_up="IDVA")
    assert report.as_record() == {"victim_spoken_to": True, "wellbeing": "Well.", "p_present": False,
                                  "concerns": "", "follow_up": "IDVA"}
    # Not spoken to: no wellbeing to give.
    assert not visit_report(spoken_to="no", wellbeing="", p_present="yes", concerns="", follow_up="").victim_spoken_to


@pytest.mark.parametrize(("answers", "fields"), [
    ({}, {"spoken_to", "p_present"}),
    ({"spoken_to": "yes", "p_present": "no"}, {"wellbeing"}),
    ({"spoken_to": "YES", "p_present": "true"}, {"spoken_to", "p_present"}),
    ({"spoken_to": "no", "p_present": "no", "concerns": "x" * (MAX_TEXT + 1)}, {"concerns"}),
])
def test_a_report_missing_answers_is_refused_field_by_field(answers, fields):
    full = {"spoken_to": None, "wellbeing": None, "p_present": None, "concerns": None, "follow_up": None} | answers
    with pytest.raises(BadVisitReport) as refused:
        visit_report(**full)
    assert set(refused.value.errors) == fields


# -- The recurrence per order (practice, not law) -------------------------------------------

@pytest.mark.parametrize(("risk", "setting", "proposed"), [
    (RiskLevel.HIGH, 7, 3), (RiskLevel.MEDIUM, 7, 7), (RiskLevel.STANDARD, 7, 7),
    (RiskLevel.HIGH, 2, 2),  # never longer than the force's own setting
    (RiskLevel.STANDARD, 14, 14),
])
def test_the_proposed_recurrence_is_shorter_for_high_risk(risk, setting, proposed):
    assert proposed_recurrence_days(risk, setting) == proposed


def test_the_orders_own_recurrence_wins_over_the_setting():
    assert effective_recurrence(None, WEEK) == WEEK
    assert effective_recurrence(3, WEEK) == timedelta(days=3)
    assert alerts_at(VISIT, VISIT + timedelta(days=3), effective_recurrence(3, WEEK))
    assert not alerts_at(VISIT, VISIT + timedelta(days=3), effective_recurrence(None, WEEK))


def test_a_recurrence_as_typed():
    assert recurrence_change(days=" 3 ", reason="  Reassessed high at MARAC. ", current_days=None) == \
        (3, "Reassessed high at MARAC.")
    assert recurrence_change(days=60, reason="x", current_days=7) == (60, "x")


@pytest.mark.parametrize(("days", "reason", "current", "errors"), [
    ("", "", None, {"days", "reason"}),
    ("abc", "why", None, {"days"}),
    ("0", "why", None, {"days"}),
    ("61", "why", None, {"days"}),
    ("-3", "why", None, {"days"}),
    ("2.5", "why", None, {"days"}),
    ("3", "   ", None, {"reason"}),
    ("3", "x" * 2001, None, {"reason"}),
    ("3", "why", 3, {"days"}),  # nothing would change
])
def test_a_bad_recurrence_names_each_field(days, reason, current, errors):
    with pytest.raises(BadRecurrence) as refused:
        recurrence_change(days=days, reason=reason, current_days=current)
    assert set(refused.value.errors) == errors


def test_armed_at_says_when_a_snoozed_geofence_re_arms_and_none_once_armed():
    assert armed_at(None, WEEK, VISIT) is None
    assert armed_at(VISIT, WEEK, VISIT + timedelta(days=1)) == VISIT + WEEK
    assert armed_at(VISIT, WEEK, VISIT + WEEK) is None
    assert armed_at(VISIT, timedelta(days=3), VISIT + timedelta(days=4)) is None


def test_the_windows_the_pages_read():
    assert closed_shown_since(VISIT) == VISIT - timedelta(hours=24)
    assert visits_since(VISIT, 28) == VISIT - timedelta(days=28)
