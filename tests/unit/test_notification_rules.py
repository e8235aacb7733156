"""P's notification requirements under a DAPO (DAA 2021 s.41): three days beginning with the
day, nothing disregarded; the s.41(8) exemptions; what a notification must say."""
from datetime import UTC, date, datetime, timedelta

import pytest

from app.domain.calendar import LONDON
from app.domain.notification import (
    Exemption,
    NotificationKind,
    NotificationMethod,
    due,
    is_late,
    notification_errors,
)

K = NotificationKind


@pytest.mark.parametrize(("made_on", "due_london"), [
    # Made on a Friday: Fri, Sat, Sun; late from 00:00 Monday (no weekend is disregarded).
    (date(2026, 12, 4), datetime(2026, 12, 7, 0, 0)),
    # The day before Christmas: Christmas Day and Boxing Day count (s.41 disregards nothing).
    (date(2026, 12, 24), datetime(2026, 12, 27, 0, 0)),
    # Across the clocks going forward (Sun 29 Mar 2026) and back (Sun 25 Oct 2026): midnight London.
    (date(2026, 3, 28), datetime(2026, 3, 31, 0, 0)),
    (date(2026, 10, 24), datetime(2026, 10, 27, 0, 0)),
    # A leap day inside the three days.
    (date(2028, 2, 27), datetime(2028, 3, 1, 0, 0)),
])
def test_initial_notification_is_due_at_the_end_of_the_third_day(made_on, due_london):
    due_at = due(K.INITIAL, made_on=made_on, changed_on=None)
    assert due_at == due_london.replace(tzinfo=LONDON)
    assert not is_late(due_at - timedelta(seconds=1), due_at)  # 23:59:59 on day 3: on time
    assert is_late(due_at, due_at)  # 00:00 on day 4: late, never later


def test_across_the_clock_change_the_utc_instant_is_an_hour_apart():
    spring = due(K.INITIAL, made_on=date(2026, 3, 28), changed_on=None)
    assert spring.astimezone(UTC) == datetime(2026, 3, 30, 23, 0, tzinfo=UTC)  # BST
    autumn = due(K.INITIAL, made_on=date(2026, 10, 24), changed_on=None)
    assert autumn.astimezone(UTC) == datetime(2026, 10, 27, 0, 0, tzinfo=UTC)  # GMT


@pytest.mark.parametrize("kind", [K.NEW_NAME, K.NEW_ADDRESS, K.NO_ADDRESS])
def test_a_change_is_due_three_days_beginning_with_the_day_it_happened(kind):
    assert due(kind, made_on=date(2026, 1, 5), changed_on=date(2026, 12, 24)) == datetime(2026, 12, 27, tzinfo=LONDON)
    with pytest.raises(ValueError):
        due(kind, made_on=date(2026, 1, 5), changed_on=None)


def test_an_exemption_has_no_due_time():
    assert due(K.EXEMPT, made_on=date(2026, 1, 5), changed_on=None) is None
    assert not is_late(datetime(2030, 1, 1, tzinfo=UTC), None)


NOW = datetime(2026, 12, 10, 12, 0, tzinfo=UTC)
MADE = date(2026, 12, 4)


def errors(**overrides):
    args = dict(kind=K.INITIAL, exemption=None, names="Dale Whitcombe\nDale White", address="22 Millbrook Close",
                changed_on=None, notified_at=NOW - timedelta(hours=1), method=NotificationMethod.POLICE_STATION,
                where="Northfield police station", taken_by="PC 1 Smith", made_on=MADE, now=NOW, has_initial=False,
                exempt=False)
    return notification_errors(**(args | overrides))


@pytest.mark.parametrize(("overrides", "field"), [
    ({"kind": None}, "kind"),
    ({"names": " "}, "names"),
    ({"address": ""}, "address"),
    ({"notified_at": None}, "notified_date"),
    ({"notified_at": NOW + timedelta(minutes=1)}, "notified_date"),
    ({"notified_at": datetime(2026, 12, 3, 23, 0, tzinfo=UTC)}, "notified_date"),  # before the order
    ({"method": None}, "method"),
    ({"where": ""}, "where"),
    ({"method": NotificationMethod.OTHER, "where": ""}, "where"),
    ({"taken_by": ""}, "taken_by"),
    ({"has_initial": True}, "kind"),  # the initial notification once
    ({"kind": K.NEW_NAME, "names": "", "changed_on": date(2026, 12, 8)}, "names"),
    ({"kind": K.NEW_ADDRESS, "address": "", "changed_on": date(2026, 12, 8)}, "address"),
    ({"kind": K.NO_ADDRESS, "changed_on": None}, "changed_on"),
    ({"kind": K.NO_ADDRESS, "changed_on": date(2026, 12, 1)}, "changed_on"),  # before the order
    ({"kind": K.NEW_ADDRESS, "changed_on": date(2026, 12, 11)}, "changed_on"),  # after it was notified
    ({"kind": K.EXEMPT, "exemption": None}, "exemption"),
    ({"kind": K.EXEMPT, "exemption": Exemption.SOA_2003, "has_initial": True}, ""),
    ({"exempt": True}, ""),  # exempt: nothing more to notify (s.41(8))
])
def test_what_cannot_be_recorded(overrides, field):
    assert field in errors(**overrides)


def test_what_can_be_recorded():
    assert errors() == {}
    assert errors(address="none: P has no home address") == {}
    assert errors(kind=K.NO_ADDRESS, names="", address="", changed_on=date(2026, 12, 9)) == {}
    assert errors(kind=K.NEW_NAME, address="", names="Dale White", changed_on=date(2026, 12, 9), has_initial=True) == {}
    assert errors(method=NotificationMethod.OTHER, where="By telephone (not at a station)") == {}
    for exemption in Exemption:  # s.41(8)(a) another DAPO; (b) SOA 2003 Part 2, SPA 2019 s.9
        assert errors(kind=K.EXEMPT, exemption=exemption, names="", address="", method=None, where="") == {}
