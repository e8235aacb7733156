"""When a geofence alerts after a welfare visit, and what a visit report must answer (issue 16)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.domain.welfare_rules import MAX_TEXT, BadVisitReport, alerts_at, snoozed_until, visit_report

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
