"""The year's cases, drawn once from a seeded generator: pure, no clock, no database.

Published figures the shape follows (README, "Simulating a national year"): about 5,000
notices a year in England and Wales, about 86% of applications granted (4,300 orders), a
breach of about one order in four. The DAPN share, DAPO lengths and the rest are the
simulation's own assumptions, stated here.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

NOTICES_A_YEAR = 5000
GRANTED = 0.86  # 4,300 orders from 5,000 notices
BREACHED = 0.25  # of orders
DAPN_SHARE = 0.3  # assumption: DAPNs where the pilot runs
DAPO_OPEN_ENDED = 0.3  # of DAPOs: until further order
DAPO_DAYS = (90, 180, 365)  # assumption: lengths of DAPOs with an end
REFERRAL_LATE = 0.04  # referrals sent after the Victims' Code's due time (the sweep must flag them)
WITH_MOBILE = 0.9  # P has a UK mobile: the order's reminder texts go to it
AREAS = ("North", "South", "East", "West")
# The hour of the incident, London time: weighted to evenings and nights.
HOUR_WEIGHTS = [4, 3, 2, 1, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 5, 6, 7, 8, 8, 7, 5]


@dataclass(frozen=True)
class CasePlan:
    index: int
    regime: str  # "dvpn" or "dapn"
    area: str
    incident_at: datetime  # UTC
    authorise_after: timedelta  # from the incident: the application is decided
    serve_after: timedelta  # from the decision: the notice is served
    hearing_before_deadline: timedelta  # the hearing begins this long before the statutory deadline
    granted: bool
    order_days: int | None  # None: until further order (DAPOs only)
    breach_after: timedelta | None  # from the order being made
    referral_late: bool
    attempts: int  # caseworker's contact attempts after the referral arrives
    mobile: str | None

    @property
    def reference_name(self) -> str:
        return f"Simperson {self.index:05d}"


def plan_year(scale: float, start: datetime, *, seed: int = 2026, days: int = 365) -> list[CasePlan]:
    """The cases of a year from `start` (aware), `scale` times the national volume, in order
    of their incidents."""
    if start.tzinfo is None:
        raise ValueError("start must be aware")
    if not 0 < scale <= 2:
        raise ValueError("scale must be above 0 and at most 2")
    rng = random.Random(seed)
    count = max(1, round(NOTICES_A_YEAR * scale))
    # Incidents end 6 days before the year does, so every notice's hearing falls inside it.
    span = (days - 6) * 24
    plans = []
    for index in range(count):
        day = rng.randrange(span // 24)
        hour = rng.choices(range(24), HOUR_WEIGHTS)[0]
        incident = (start + timedelta(days=day, hours=hour, minutes=rng.randrange(60))).astimezone(UTC)
        regime = "dapn" if rng.random() < DAPN_SHARE else "dvpn"
        granted = rng.random() < GRANTED
        order_days: int | None = 28
        if regime == "dapn":
            order_days = None if rng.random() < DAPO_OPEN_ENDED else rng.choice(DAPO_DAYS)
        breach = granted and rng.random() < BREACHED
        breach_window = 26 if order_days is None else max(order_days - 2, 1)
        plans.append(CasePlan(
            index=index, regime=regime, area=rng.choice(AREAS), incident_at=incident,
            authorise_after=timedelta(minutes=rng.randrange(40, 180)),
            serve_after=timedelta(minutes=rng.randrange(20, 120)),
            hearing_before_deadline=timedelta(hours=rng.randrange(1, 9)),
            granted=granted, order_days=order_days,
            breach_after=timedelta(days=rng.randrange(1, min(breach_window, 60)), hours=rng.randrange(24)) if breach else None,
            referral_late=rng.random() < REFERRAL_LATE,
            attempts=rng.choice((0, 1, 1, 2, 2, 3)),
            mobile=f"07123{rng.randrange(1000000):06d}" if rng.random() < WITH_MOBILE else None,
        ))
    return sorted(plans, key=lambda p: p.incident_at)
