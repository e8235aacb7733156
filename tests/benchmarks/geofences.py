"""Geofence matching benchmark: finding the live geofences around a point, as their number grows.

Run from the repository root (`make bench` runs it after the other benchmarks):

    .venv/bin/python -m tests.benchmarks.geofences
    BENCH_GEOFENCES=10,1000 BENCH_GEOFENCE_LOOKUPS=2000 .venv/bin/python -m tests.benchmarks.geofences

For each size N (10 and 1,000 live geofences by default) it builds a fresh SQLite database
(real migrations), grants one order through the services, and writes N live 200 m geofences
over it with Core inserts, centred at random (a fixed seed) across England, each with its cover
of H3 cells (domain/geo.cover) in `geofence_cell`. Then it times LOOKUPS calls of
`services.geofences.live_containing(latitude, longitude, now)` at the same points for every
size: a quarter beside a geofence (inside it at the larger size only if one is there), the rest
anywhere in England. It counts each call's SQL statements. Each call reads only the geofences
indexed under the point's cell, so its cost is what the nearby geofences cost, not all of them.

The exit status is 1 if a call is not exactly one statement, or if the median call at the
largest size takes more than MAX_RATIO (BENCH_GEOFENCE_MAX_RATIO, default 2) times as long as at
the smallest. Results: a table, and bench-results/geofences.json.
"""
from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import event, insert

from tests.benchmarks import report

NOW = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)
DEFAULT_SIZES = (10, 1000)
LOOKUPS = int(os.environ.get("BENCH_GEOFENCE_LOOKUPS", "2000"))
MAX_RATIO = float(os.environ.get("BENCH_GEOFENCE_MAX_RATIO", "2"))
ENGLAND = ((50.6, 54.8), (-3.5, 0.8))  # latitudes, longitudes
WARM_UP = 200


@dataclass
class LookupResult:
    page: str
    size: int
    lookups: int
    found: int
    queries_min: int
    queries_max: int
    median_us: float
    p95_us: float


def _points(rng: random.Random, count: int) -> list[tuple[float, float]]:
    (lat0, lat1), (lon0, lon1) = ENGLAND
    return [(rng.uniform(lat0, lat1), rng.uniform(lon0, lon1)) for _ in range(count)]


def run_size(size: int, centres: list[tuple[float, float]], queries: list[tuple[float, float]]) -> LookupResult:
    from app.domain import geo
    from app.extensions import db
    from app.models import Geofence, GeofenceCell, Role
    from app.services import geofences, users
    from app.timeutil import frozen_at
    from tests.integration.factories import granted_case
    from tests.support import migrated_app

    folder = Path(tempfile.mkdtemp(prefix="dvpo-bench-geofences-"))
    app = migrated_app(f"sqlite:///{folder / 'bench.sqlite3'}")
    with app.app_context(), frozen_at(NOW - timedelta(days=5)):
        officer = users.create_user(email="bench@bench.police.uk", full_name="Bench Officer", role=Role.OFFICER,
                                    password="bench-password-123")
        case = granted_case(officer)
        fences, cells = [], []
        for i, (lat, lon) in enumerate(centres[:size], start=1):
            fences.append({"id": 1000 + i, "case_id": case.id, "order_id": case.order.id, "address": "bench",
                           "radius_metres": 200, "live_from": NOW - timedelta(days=1), "live_until": None,
                           "visits_declined": False, "latitude": lat, "longitude": lon, "location_source": "demo",
                           "geocode_attempts": 0, "created_at": NOW})
            cells.extend({"cell": c, "geofence_id": 1000 + i} for c in geo.cover(geo.Point(lat, lon), 200))
        db.session.execute(insert(Geofence), fences)
        db.session.execute(insert(GeofenceCell), cells)
        db.session.commit()

        counts: list[int] = []

        def count(*_args):
            counts[-1] += 1

        timings, found = [], 0
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            for n, (lat, lon) in enumerate(queries):
                counts.append(0)
                started = time.perf_counter()
                hits = geofences.live_containing(lat, lon, NOW)
                elapsed = time.perf_counter() - started
                db.session.expire_all()
                if n >= WARM_UP:
                    timings.append(elapsed * 1e6)
                    found += len(hits)
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        db.session.remove()
    timings.sort()
    return LookupResult("live_containing", size, len(timings), found, min(counts), max(counts),
                        statistics.median(timings), timings[int(len(timings) * 0.95)])


def main() -> int:
    sizes = tuple(int(s) for s in os.environ.get("BENCH_GEOFENCES", "").split(",") if s.strip()) or DEFAULT_SIZES
    rng = random.Random(16)
    centres = _points(rng, max(sizes))
    # A quarter of the points 50 m north of one of the first geofences (inside it in every
    # size), the rest anywhere in England.
    beside = [(lat + 0.00045, lon) for lat, lon in rng.choices(centres[:min(sizes)], k=LOOKUPS // 4)]
    queries = beside + _points(rng, LOOKUPS - len(beside) + WARM_UP)
    rng.shuffle(queries)
    results = [run_size(size, centres, queries) for size in sizes]
    smallest, largest = results[0], results[-1]
    ratio = largest.median_us / smallest.median_us
    print()
    header = f"{'N':>7}  {'lookups':>8} {'found':>6} {'queries':>8} {'median us':>10} {'p95 us':>8}"
    print(header)
    print("-" * len(header))
    for r in results:
        print(f"{r.size:>7}  {r.lookups:>8} {r.found:>6} {r.queries_min:>8} {r.median_us:>10.1f} {r.p95_us:>8.1f}")
    print(f"\nmedian at {largest.size} / at {smallest.size}: {ratio:.2f}x")
    problems = report.query_count_problems(results, ["live_containing"], lambda r: f"N={r.size}")
    problems += [f"N={r.size}: {r.queries_max} statements per lookup, not 1" for r in results if r.queries_max != 1]
    if ratio > MAX_RATIO:
        problems.append(f"a lookup at {largest.size} geofences takes {ratio:.1f}x as long as at {smallest.size} "
                        f"(at most {MAX_RATIO}x)")
    return report.finish("geofences", results, problems,
                         f"one statement per lookup, and {largest.size} live geofences cost {ratio:.2f}x "
                         f"what {smallest.size} do", sizes=list(sizes), lookups=LOOKUPS, time_ratio=ratio)


if __name__ == "__main__":
    sys.exit(main())
