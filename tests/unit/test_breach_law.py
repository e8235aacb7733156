"""What the court may record for a breach, by what was breached (app.domain.breach_law)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.domain.breach_law import (
    ADJOURN,
    BreachOf,
    RemandKind,
    appearance_errors,
    breach_of,
    law_for,
    pace_detention_limit,
)
from app.domain.calendar import LONDON

ARRESTED = datetime(2026, 11, 16, 20, 0, tzinfo=UTC)
BREACH = ARRESTED - timedelta(hours=1)
BEFORE_COURT = ARRESTED + timedelta(hours=14)
NOW = ARRESTED + timedelta(days=1)
NEXT = ARRESTED + timedelta(days=2)


def errors(of, decision, *, fine=None, custody=None, remand=None, until=None, bail="", appeared=BEFORE_COURT,
           arrested=ARRESTED):
    return appearance_errors(law_for(of), decision=decision, appeared_at=appeared, arrested_at=arrested,
                             occurred_at=BREACH, now=NOW, remand=remand, remand_until=until, bail_requirements=bail,
                             fine_pence=fine, custody_days=custody)


def test_what_was_breached():
    assert breach_of(None) is BreachOf.NOTICE
    assert breach_of("dvpo") is BreachOf.DVPO
    assert breach_of("dapo") is BreachOf.DAPO


@pytest.mark.parametrize(("of", "decision", "fine", "custody", "field"), [
    # A notice: no offence, no contempt, so no finding, no fine, no custody.
    (BreachOf.NOTICE, "proved", None, None, "decision"),
    (BreachOf.NOTICE, "brought_before_court", 10_000, None, "fine"),
    (BreachOf.NOTICE, "brought_before_court", None, 7, "fine"),
    # A DVPO: MCA 1980 s.63(3), a fine up to £5,000 or committal up to 2 months, not both.
    (BreachOf.DVPO, "proved", 5000_01, None, "fine"),
    (BreachOf.DVPO, "proved", None, 63, "custody_days"),
    (BreachOf.DVPO, "proved", 100_00, 7, "custody_days"),
    (BreachOf.DVPO, "not_proved", 100_00, None, "fine"),
    (BreachOf.DVPO, ADJOURN, 100_00, None, "fine"),
    (BreachOf.DVPO, "brought_before_court", None, None, "decision"),
    # A DAPO: an offence (DAA 2021 s.39), never the civil contempt limits.
    (BreachOf.DAPO, "proved", 100_00, None, "fine"),
    (BreachOf.DAPO, "proved", None, 14, "fine"),
])
def test_sanctions_the_court_cannot_give_are_refused(of, decision, fine, custody, field):
    remand = RemandKind.NONE if of is BreachOf.NOTICE or decision == ADJOURN else None
    assert field in errors(of, decision, fine=fine, custody=custody, remand=remand)


@pytest.mark.parametrize(("of", "decision", "fine", "custody"), [
    (BreachOf.DVPO, "proved", 5000_00, None),
    (BreachOf.DVPO, "proved", None, 62),
    (BreachOf.DVPO, "proved", None, None),
    (BreachOf.DVPO, "not_proved", None, None),
    (BreachOf.DAPO, "proved", None, None),
    (BreachOf.DAPO, "not_proved", None, None),
])
def test_what_the_court_can_give_is_recorded(of, decision, fine, custody):
    assert errors(of, decision, fine=fine, custody=custody) == {}


def test_a_notice_breach_records_remand_in_custody_or_on_bail_with_requirements():
    assert errors(BreachOf.NOTICE, "brought_before_court", remand=RemandKind.CUSTODY, until=NEXT) == {}
    assert errors(BreachOf.NOTICE, "brought_before_court", remand=RemandKind.BAIL, until=NEXT,
                  bail="Not to contact V; live at 4 Elm Road") == {}
    assert errors(BreachOf.NOTICE, "brought_before_court", remand=RemandKind.NONE) == {}
    assert "remand" in errors(BreachOf.NOTICE, "brought_before_court")
    assert "remand_until_date" in errors(BreachOf.NOTICE, "brought_before_court", remand=RemandKind.CUSTODY)
    assert "remand_until_date" in errors(BreachOf.NOTICE, "brought_before_court", remand=RemandKind.BAIL,
                                         until=BEFORE_COURT)
    assert "bail_requirements" in errors(BreachOf.NOTICE, "brought_before_court", remand=RemandKind.CUSTODY,
                                         until=NEXT, bail="Curfew")


def test_a_dvpo_breach_remands_only_when_adjourned():
    assert errors(BreachOf.DVPO, ADJOURN, remand=RemandKind.CUSTODY, until=NEXT) == {}
    assert "remand" in errors(BreachOf.DVPO, ADJOURN)
    assert "remand" in errors(BreachOf.DVPO, "proved", remand=RemandKind.CUSTODY, until=NEXT)
    assert "remand" in errors(BreachOf.DAPO, ADJOURN, remand=RemandKind.BAIL, until=NEXT)


def test_an_unarrested_notice_breach_never_comes_before_the_court_by_itself():
    assert "" in errors(BreachOf.NOTICE, "brought_before_court", remand=RemandKind.NONE, arrested=None)
    assert errors(BreachOf.DVPO, "proved", arrested=None) == {}


@pytest.mark.parametrize(("appeared", "message"), [
    (None, "Enter when"),
    (NOW + timedelta(minutes=1), "future"),
    (ARRESTED - timedelta(minutes=1), "before the arrest"),
])
def test_the_appearance_falls_between_the_arrest_and_now(appeared, message):
    assert message in errors(BreachOf.DVPO, "proved", appeared=appeared)["appeared_date"]


@pytest.mark.parametrize("arrested_london", [
    datetime(2026, 12, 24, 18, 0),  # Christmas Eve: Christmas Day is not skipped by PACE
    datetime(2027, 3, 27, 23, 30),  # the night the clocks go forward: 24 real hours
    datetime(2027, 3, 25, 12, 0),  # the Thursday before Good Friday
    datetime(2026, 11, 21, 22, 0),  # Saturday night: Sunday counts
])
def test_a_dapo_arrest_has_24_real_hours_with_no_day_disregarded(arrested_london):
    arrested = arrested_london.replace(tzinfo=LONDON)
    limit = pace_detention_limit(arrested)
    assert limit.astimezone(UTC) - arrested.astimezone(UTC) == timedelta(hours=24)


def test_pace_limit_refuses_naive_times():
    with pytest.raises(ValueError):
        pace_detention_limit(datetime(2026, 11, 16, 20, 0))
