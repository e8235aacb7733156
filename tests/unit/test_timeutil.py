"""The controlled clocks tests use: frozen (integration) and running from an instant (browser)."""
from datetime import UTC, datetime, timedelta, timezone

import pytest

from app import timeutil

START = datetime(2027, 3, 25, 23, 50, tzinfo=UTC)


@pytest.fixture(autouse=True)
def real_clock_afterwards():
    yield
    timeutil.run_from(None)
    timeutil.set_frozen(None)
    timeutil.follow(None)


def test_a_running_clock_starts_at_its_instant_and_moves_forward(monkeypatch):
    ticks = iter([100.0, 100.0, 161.5])
    monkeypatch.setattr(timeutil.time, "monotonic", lambda: next(ticks))
    timeutil.run_from(START)
    assert timeutil.utcnow() == START
    assert timeutil.utcnow() == START + timedelta(seconds=61.5)


def test_moving_a_running_clock_and_handing_back_the_real_one():
    timeutil.run_from(START)
    timeutil.run_from(START + timedelta(days=4))
    assert START + timedelta(days=4) <= timeutil.utcnow() < START + timedelta(days=4, minutes=1)
    timeutil.run_from(None)
    assert abs(timeutil.utcnow() - datetime.now(UTC)) < timedelta(minutes=1)


def test_a_frozen_clock_wins_over_a_running_one():
    timeutil.run_from(START)
    with timeutil.frozen_at(START - timedelta(days=1)):
        assert timeutil.utcnow() == START - timedelta(days=1)
    assert timeutil.utcnow() >= START


def test_clocks_need_aware_instants_and_keep_them_in_utc():
    with pytest.raises(ValueError, match="aware"):
        timeutil.run_from(datetime(2027, 3, 25, 23, 50))
    timeutil.run_from(datetime(2027, 3, 26, 0, 50, tzinfo=timezone(timedelta(hours=1))))
    assert timeutil.utcnow().tzinfo is UTC and timeutil.utcnow() >= START


def test_a_clock_file_is_shared_and_followed(tmp_path):
    path = tmp_path / "clock"
    first = datetime(2026, 3, 29, 0, 59, 59, 123456, tzinfo=UTC)
    timeutil.write_clock_file(path, first)
    assert timeutil.read_clock_file(path) == first
    timeutil.follow_file(path)
    try:
        assert timeutil.utcnow() == first
        later = first + timedelta(days=200, microseconds=1)
        timeutil.write_clock_file(path, later)  # another process moves it: this one follows
        assert timeutil.utcnow() == later
        with timeutil.frozen_at(first):  # a frozen clock still wins
            assert timeutil.utcnow() == first
    finally:
        timeutil.follow(None)
    assert timeutil.utcnow() != later
    with pytest.raises(ValueError, match="aware"):
        timeutil.write_clock_file(path, datetime(2026, 1, 1))
