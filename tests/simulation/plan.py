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
ARRESTED = 0.5  # assumption: breaches where P is arrested (the 24-hour court clock runs)
# Patrols past the victim's address (issue 16's geofence alerts), per granted order: one while
# the geofence is live, by an officer of the case's area or another; some passes that must raise
# no alert: before the geofence goes live, 600 m away, and after the order has ended.
PATROL_ELSEWHERE = 0.3  # the live pass is by another area's officer
PATROL_EARLY = 0.25
PATROL_NEARBY = 0.25
PATROL_AFTER_END = 0.25
# The hour of the incident, London time: weighted to evenings and nights.
HOUR_WEIGHTS = [4, 3, 2, 1, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 5, 6, 7, 8, 8, 7, 5]


@dataclass(frozen=True)
class PatrolPlan:
    after_order: timedelta  # from the order being made (the hearing's outcome)
    area: str  # the patrolling officer's
    kind: str  # "live": inside the live geofence, an alert; "early", "nearby", "after_end": none


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
    arrested: bool = False  # at the breach, if any
    patrols: tuple[PatrolPlan, ...] = ()

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
    # Arrests and patrols from a second generator, so the first draws the same cases as before.
    extra = random.Random(seed + 1)
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
        area = rng.choice(AREAS)
        plans.append(CasePlan(
            index=index, regime=regime, area=area, incident_at=incident,
            authorise_after=timedelta(minutes=rng.randrange(40, 180)),
            serve_after=timedelta(minutes=rng.randrange(20, 120)),
            hearing_before_deadline=timedelta(hours=rng.randrange(1, 9)),
            granted=granted, order_days=order_days,
            breach_after=timedelta(days=rng.randrange(1, min(breach_window, 60)), hours=rng.randrange(24)) if breach else None,
            referral_late=rng.random() < REFERRAL_LATE,
            attempts=rng.choice((0, 1, 1, 2, 2, 3)),
            mobile=f"07123{rng.randrange(1000000):06d}" if rng.random() < WITH_MOBILE else None,
            arrested=breach and extra.random() < ARRESTED,
            patrols=_patrols(extra, area, order_days) if granted else (),
        ))
    return sorted(plans, key=lambda p: p.incident_at)


def _patrols(rng: random.Random, area: str, order_days: int | None) -> tuple[PatrolPlan, ...]:
    """The passes of an order made `order_days` long (None: until further order). The geofence
    is live from 72 hours after the order is made (GEOFENCE_START_HOURS) until it ends."""
    days = order_days or 60
    others = [a for a in AREAS if a != area]
    # Live passes end a day and more before the order does (its end is the end of a day).
    passes = [PatrolPlan(timedelta(hours=rng.randrange(74, days * 24 - 30)),
                         rng.choice(others) if rng.random() < PATROL_ELSEWHERE else area, "live")]
    if rng.random() < PATROL_EARLY:
        passes.append(PatrolPlan(timedelta(hours=rng.randrange(1, 70)), rng.choice(AREAS), "early"))
    if rng.random() < PATROL_NEARBY:
        passes.append(PatrolPlan(timedelta(hours=rng.randrange(74, days * 24 - 30)), rng.choice(AREAS), "nearby"))
    if order_days is not None and rng.random() < PATROL_AFTER_END:
        passes.append(PatrolPlan(timedelta(days=order_days, hours=rng.randrange(2, 48)), rng.choice(AREAS), "after_end"))
    return tuple(sorted(passes, key=lambda p: p.after_order))
