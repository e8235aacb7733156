"""Reading location reports as Traccar Client sends them (app/domain/osmand.py): the rules
alone, and that any input is either a report or a BadReport, never another error."""
from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.osmand import (
    ABSURDLY_OLD,
    MAX_AHEAD,
    BadReport,
    TimeVerdict,
    judge_time,
    parse_json,
    parse_params,
)

NOW = datetime(2026, 11, 16, 10, 0, tzinfo=UTC)
DAY = timedelta(hours=72)


def params(**values) -> dict[str, list[str]]:
    return {k: [v] for k, v in values.items()}


@pytest.mark.parametrize(("stamp", "instant"), [
    ("1377177267", datetime(2013, 8, 22, 13, 14, 27, tzinfo=UTC)),  # seconds (the server's test)
    ("1442068686579", datetime(2015, 9, 12, 14, 38, 6, 579000, tzinfo=UTC)),  # milliseconds
    ("2016-01-27T18:55:47Z", datetime(2016, 1, 27, 18, 55, 47, tzinfo=UTC)),
    ("2025-06-15T13:45:12.862Z", datetime(2025, 6, 15, 13, 45, 12, 862000, tzinfo=UTC)),  # Traccar Client 9
    ("2026-07-01T10:00:00+01:00", datetime(2026, 7, 1, 9, 0, tzinfo=UTC)),
    (str(2**31 - 2), datetime(2038, 1, 19, 3, 14, 6, tzinfo=UTC)),  # the last second read as seconds
])
def test_timestamps_as_the_server_reads_them(stamp, instant):
    assert parse_params(params(id="d", lat="1", lon="1", timestamp=stamp)).recorded_at == instant


@pytest.mark.parametrize("stamp", ["2014-06-04 09:10:11", "2014-06-04T09:10:11", "0", "-5", "1.5", "soon", "",
                                   "9" * 17, "2026-02-30T10:00:00Z"])
def test_timestamps_refused(stamp):
    with pytest.raises(BadReport):
        parse_params(params(id="d", lat="1", lon="1", timestamp=stamp))


def test_no_timestamp_at_all_is_the_arrival_time():
    assert parse_params(params(id="d", lat="1", lon="1")).recorded_at is None


def test_query_units_and_unknowns():
    report = parse_params(params(id="d", location="53.5,-2.25", speed="10", heading="360", batt="87.5", charge="1",
                                 accuracy="-1"))
    assert (report.latitude, report.longitude) == (53.5, -2.25)
    assert math.isclose(report.speed_mps, 5.144, rel_tol=1e-3)  # knots
    assert (report.heading_deg, report.battery_percent, report.charging, report.accuracy_m) == (0, 87.5, True, None)


def test_json_units_and_unknowns():
    report = parse_json({"device_id": 48241179, "location": {
        "timestamp": "2025-06-15T13:45:12.862Z", "coords": {"latitude": 37.4219983, "longitude": -122.084, "accuracy": 5,
                                                            "speed": -1, "heading": -1, "altitude": 5},
        "battery": {"level": 0.5, "is_charging": True}, "is_moving": False, "mock": True}})
    assert report.identifier == "48241179" and report.speed_mps is None and report.heading_deg is None
    assert (report.battery_percent, report.charging, report.moving, report.mock) == (50.0, True, False, True)


def test_the_time_verdicts():
    assert judge_time(NOW, NOW, DAY) is TimeVerdict.KEEP
    assert judge_time(NOW + MAX_AHEAD, NOW, DAY) is TimeVerdict.KEEP
    assert judge_time(NOW + MAX_AHEAD + timedelta(seconds=1), NOW, DAY) is TimeVerdict.AHEAD
    assert judge_time(NOW - DAY, NOW, DAY) is TimeVerdict.KEEP
    assert judge_time(NOW - DAY - timedelta(seconds=1), NOW, DAY) is TimeVerdict.PAST_RETENTION
    assert judge_time(NOW - ABSURDLY_OLD - timedelta(seconds=1), NOW, DAY) is TimeVerdict.ABSURD
    # A retention longer than ABSURDLY_OLD never calls a report it keeps absurd.
    assert judge_time(NOW - timedelta(days=40), NOW, timedelta(days=45)) is TimeVerdict.KEEP


_any = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
                    max_leaves=20)


@given(st.dictionaries(st.sampled_from(["id", "deviceid", "lat", "lon", "location", "timestamp", "speed", "bearing",
                                        "heading", "altitude", "accuracy", "batt", "charge", "mock"]) | st.text(max_size=5),
                       st.lists(st.text(max_size=40), min_size=1, max_size=2), max_size=12))
def test_any_parameters_are_a_report_or_a_bad_report(values):
    try:
        report = parse_params(values)
    except BadReport:
        return
    assert -90 <= report.latitude <= 90 and -180 <= report.longitude <= 180
    _all_finite(report)


@given(st.dictionaries(st.sampled_from(["device_id", "location"]) | st.text(max_size=5), _any, max_size=3)
       | st.fixed_dictionaries({"device_id": st.text(min_size=1, max_size=10), "location": st.fixed_dictionaries(
           {"coords": st.dictionaries(st.sampled_from(["latitude", "longitude", "speed", "heading"]), _any),
            "timestamp": _any})}))
def test_any_json_is_a_report_or_a_bad_report(body):
    try:
        report = parse_json(body)
    except BadReport:
        return
    assert -90 <= report.latitude <= 90 and -180 <= report.longitude <= 180
    _all_finite(report)


def _all_finite(report) -> None:
    for value in (report.latitude, report.longitude, report.accuracy_m, report.speed_mps, report.heading_deg,
                  report.altitude_m, report.battery_percent):
        assert value is None or math.isfinite(value), report


@pytest.mark.parametrize("field", ["accuracy", "speed", "heading", "altitude"])
@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_json_numbers_that_are_not_finite_are_refused(field, value):
    body = {"device_id": "d", "location": {"timestamp": "2026-11-16T09:00:00Z", "coords": {
        "latitude": 53.4, "longitude": -2.2, field: value}}}
    with pytest.raises(BadReport):
        parse_json(body)


@given(latitude=st.floats(-90, 90), longitude=st.floats(-180, 180), seconds=st.integers(1, 2**31 - 2))
def test_real_coordinates_and_times_are_read_exactly(latitude, longitude, seconds):
    if latitude == 0 and longitude == 0:
        return
    report = parse_params(params(id="d", lat=repr(latitude), lon=repr(longitude), timestamp=str(seconds)))
    assert (report.latitude, report.longitude) == (latitude, longitude)
    assert report.recorded_at == datetime.fromtimestamp(seconds, UTC)
