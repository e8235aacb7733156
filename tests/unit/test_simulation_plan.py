"""The simulated year's draw (tests/simulation/plan.py): the national volumes, reproducible."""
from datetime import UTC, datetime, timedelta

import pytest

from app.domain.calendar import LONDON
from tests.simulation.plan import plan_year

START = datetime(2026, 4, 1, tzinfo=LONDON)


def test_a_full_year_has_the_national_volumes_and_the_same_draw_each_time():
    plans = plan_year(1.0, START)
    assert len(plans) == 5000
    assert plans == plan_year(1.0, START)
    assert plans != plan_year(1.0, START, seed=7)
    granted = [p for p in plans if p.granted]
    assert 4150 <= len(granted) <= 4450  # about 4,300 orders
    breached = sum(1 for p in granted if p.breach_after is not None)
    assert 0.22 <= breached / len(granted) <= 0.28  # about one order in four
    assert {p.regime for p in plans} == {"dvpn", "dapn"}
    assert any(p.order_days is None for p in granted if p.regime == "dapn")  # open-ended DAPOs
    assert all(p.order_days == 28 for p in plans if p.regime == "dvpn")
    assert any(p.referral_late for p in plans) and any(p.mobile is None for p in plans)
    # In order, inside the year, leaving the last days for the last hearings.
    assert [p.incident_at for p in plans] == sorted(p.incident_at for p in plans)
    assert START <= plans[0].incident_at and plans[-1].incident_at < START + timedelta(days=359)


def test_a_scaled_year_and_bad_arguments():
    assert len(plan_year(0.1, START)) == 500
    assert len(plan_year(0.0001, START)) == 1
    with pytest.raises(ValueError, match="aware"):
        plan_year(0.1, datetime(2026, 4, 1))
    with pytest.raises(ValueError, match="scale"):
        plan_year(0, START.astimezone(UTC))


def test_arrests_and_patrols_come_only_with_breaches_and_orders():
    plans = plan_year(1.0, START)
    breached = [p for p in plans if p.breach_after is not None]
    assert all(p.breach_after is not None for p in plans if p.arrested)
    assert 0.4 <= sum(p.arrested for p in breached) / len(breached) <= 0.6  # about half the breaches
    assert all(not p.patrols for p in plans if not p.granted)
    for p in (p for p in plans if p.granted):
        kinds = [patrol.kind for patrol in p.patrols]
        assert kinds.count("live") == 1  # one pass inside the live geofence: one alert
        live = next(patrol for patrol in p.patrols if patrol.kind == "live")
        # The geofence is live from 72 hours after the order until the order ends.
        assert timedelta(hours=72) < live.after_order < timedelta(days=p.order_days or 60) - timedelta(hours=24)
        assert all(patrol.after_order < timedelta(hours=72) for patrol in p.patrols if patrol.kind == "early")
        assert p.order_days is not None or "after_end" not in kinds
    kinds = {patrol.kind for p in plans for patrol in p.patrols}
    assert kinds == {"live", "early", "nearby", "after_end"}
    assert any(patrol.area != p.area for p in plans for patrol in p.patrols if patrol.kind == "live")
