"""Location reports with geofence matching and alerts, at scale (issue 16, "Proof": "location
reports per second with 1,000 live geofences and 1,000,000 stored positions, against the same
with 10 live geofences").

Run from the repository root (`make bench` runs it after the other benchmarks):

    .venv/bin/python -m tests.benchmarks.welfare
    BENCH_WELFARE_LARGE=1000,100000 .venv/bin/python -m tests.benchmarks.welfare

It builds two fresh SQLite databases (real migrations), each with an officer, DEVICES work
devices, one order granted through the services and live 200 m geofences (Core inserts, each
with its H3 cover in `geofence_cell`) centred at random (a fixed seed) across England:

  small   BENCH_WELFARE_SMALL geofences and positions (default 10 and 1,000);
  large   BENCH_WELFARE_LARGE geofences and positions (default 1,000 and 1,000,000), the
          first geofences at the same centres as the small database's.

Then, in one run and interleaved (a batch on one database, then the same batch on the other,
alternating which goes first), it posts Traccar Client 9's JSON bodies through the Flask test
client to /locations/osmand: the whole path, the device's lookup, the position stored, and
`alerts.raise_alerts` matching it to the live geofences and raising or keeping alerts. The
same reports go to both: a quarter 50 m from one of the geofences both databases share (inside
it: alerts), the rest anywhere in England. It checks:

  rate        reports per second on each; small / large must stay under MAX_RATIO
              (BENCH_WELFARE_MAX_RATIO, default 1.5): matching costs what the nearby
              geofences cost, not every geofence or the history;
  statements  a report inside a geofence, and one outside every geofence, run the same
              number of SQL statements on both databases.

The exit status is 1 if a check fails. Results: a table, and bench-results/welfare.json.
"""
from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import event, insert, text

NOW = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)
DEVICES = 50
ROUNDS = 12
BATCH = 150
WARM_UP = 60
MAX_RATIO = float(os.environ.get("BENCH_WELFARE_MAX_RATIO", "1.5"))
ENGLAND = ((50.6, 54.8), (-3.5, 0.8))  # latitudes, longitudes
URL = "/locations/osmand"


@dataclass
class Result:
    name: str
    geofences: int
    positions: int
    build_seconds: float
    reports: int = 0
    seconds: float = 0.0
    reports_per_second: float = 0.0
    batch_ms: list[float] = field(default_factory=list)
    statements_inside: int = 0
    statements_outside: int = 0
    alerts_raised: int = 0


def _pair(name: str, default: str) -> tuple[int, int]:
    raw = os.environ.get(name, default).replace("_", "")
    try:
        fences, positions = (int(v) for v in raw.split(","))
    except ValueError:
        sys.exit(f"{name} must be two whole numbers, geofences,positions (got {raw!r})")
    if fences < 1 or positions < 0:
        sys.exit(f"{name}: at least 1 geofence and 0 or more positions")
    return fences, positions


def _identifier(device_id: int) -> str:
    return f"bench-welfare-{device_id:04d}-" + "x" * 24


def build(name: str, centres: list[tuple[float, float]], positions: int) -> tuple:
    from app.domain import geo
    from app.extensions import db
    from app.models import DevicePosition, Geofence, GeofenceCell, Role, WorkDevice
    from app.services import users
    from app.timeutil import frozen_at
    from tests.benchmarks.referrals import _insert
    from tests.integration.factories import granted_case
    from tests.support import migrated_app

    path = tempfile.mkdtemp(prefix="dvpo-bench-welfare-")
    app = migrated_app(f"sqlite:///{path}/bench.sqlite3")
    started = time.perf_counter()
    with app.app_context():
        db.session.execute(text("PRAGMA cache_size = -400000"))
        with frozen_at(NOW - timedelta(days=5)):
            officer = users.create_user(email="bench@bench.police.uk", full_name="Bench Officer", role=Role.OFFICER,
                                        password="bench-password-123")
            case = granted_case(officer)
        fences, cells = [], []
        for i, (lat, lon) in enumerate(centres, start=1):
            fences.append({"id": 1000 + i, "case_id": case.id, "order_id": case.order.id, "address": "bench",
                           "radius_metres": 200, "live_from": NOW - timedelta(days=1), "live_until": None,
                           "visits_declined": False, "latitude": lat, "longitude": lon, "location_source": "demo",
                           "geocode_attempts": 0, "created_at": NOW - timedelta(days=2)})
            cells.extend({"cell": c, "geofence_id": 1000 + i} for c in geo.cover(geo.Point(lat, lon), 200))
        db.session.execute(insert(Geofence), fences)
        db.session.execute(insert(GeofenceCell), cells)
        _insert(db, WorkDevice.__table__, ({
            "id": n, "user_id": officer.id, "name": f"Bench phone {n}",
            "identifier_hash": hashlib.sha256(_identifier(n).encode()).hexdigest(),
            "registered_at": NOW - timedelta(days=30), "registered_by_id": None} for n in range(1, DEVICES + 1)))
        start = NOW - timedelta(hours=70)
        spacing = timedelta(hours=69) / max(positions, 1)  # all older than the reports, none past retention
        _insert(db, DevicePosition.__table__, ({
            "device_id": n % DEVICES + 1, "user_id": officer.id, "recorded_at": start + spacing * n,
            "received_at": start + spacing * n, "latitude": 53.4 + (n % 1000) / 10000,
            "longitude": -2.2 - (n % 997) / 10000, "accuracy_m": 8.0, "speed_mps": 1.2, "heading_deg": 90.0,
            "altitude_m": 40.0, "battery_percent": 80.0, "charging": False, "moving": True, "mock": False}
            for n in range(positions)))
        db.session.commit()
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    seconds = time.perf_counter() - started
    return app, path, Result(name, len(centres), positions, round(seconds, 1))


def _body(serial: int, point: tuple[float, float]) -> bytes:
    """Traccar Client 9's body: a device in turn, a new time each, at `point`."""
    device = serial % DEVICES + 1
    at = NOW - timedelta(minutes=30) + timedelta(milliseconds=serial)
    stamp = at.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    identifier = _identifier(device)
    lat, lon = point
    return json.dumps({"location": {
        "timestamp": stamp, "coords": {"latitude": lat, "longitude": lon, "accuracy": 5, "speed": 2.5,
                                       "heading": 90, "altitude": 38},
        "is_moving": True, "odometer": 1532, "event": "", "battery": {"level": 0.79, "is_charging": False},
        "activity": {"type": "in_vehicle"}, "extras": {}}, "device_id": identifier}).encode()


def _post(client, serial: int, point) -> None:
    response = client.post(URL, data=_body(serial, point), content_type="application/json")
    if response.status_code != 200:
        raise SystemExit(f"report {serial} answered {response.status_code}: {response.get_data(as_text=True)}")


def _statements(app, client, serial: int, point) -> int:
    from app.extensions import db

    seen = []

    def count(*_args):
        seen.append(1)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        _post(client, serial, point)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def _alerts(app) -> int:
    from app.extensions import db
    from app.models import GeofenceAlert

    with app.app_context():
        count = db.session.query(GeofenceAlert).count()
        db.session.remove()
    return count


def main() -> int:
    from app.timeutil import frozen_at

    begun = time.perf_counter()
    small_fences, small_positions = _pair("BENCH_WELFARE_SMALL", "10,1000")
    large_fences, large_positions = _pair("BENCH_WELFARE_LARGE", "1000,1000000")
    rng = random.Random(1616)
    (lat0, lat1), (lon0, lon1) = ENGLAND
    centres = [(rng.uniform(lat0, lat1), rng.uniform(lon0, lon1)) for _ in range(max(small_fences, large_fences))]
    shared = centres[:min(small_fences, large_fences)]
    built = []
    for name, fences, positions in (("small", small_fences, small_positions),
                                    ("large", large_fences, large_positions)):
        print(f"{name}: {fences:,} live geofences, {positions:,} positions: building...", flush=True)
        app, path, result = build(name, centres[:fences], positions)
        built.append((app, path, result))
        print(f"{name}: built in {result.build_seconds} s", flush=True)
    total = WARM_UP + ROUNDS * BATCH + 4
    points = [(lat + 0.00045, lon) if rng.random() < 0.25 else (rng.uniform(lat0, lat1), rng.uniform(lon0, lon1))
              for lat, lon in rng.choices(shared, k=total)]
    inside, outside = (shared[0][0] + 0.0003, shared[0][1]), (49.95, -6.3)  # beside a shared geofence; the Scillies
    clients = [app.test_client() for app, _path, _result in built]
    serial = 0
    with frozen_at(NOW):
        for client in clients:
            for n in range(WARM_UP):
                _post(client, serial, points[n])
                serial += 1
        for (app, _path, result), client in zip(built, clients, strict=True):
            result.statements_inside = _statements(app, client, serial, inside)
            result.statements_outside = _statements(app, client, serial + 1, outside)
        serial += 2
        cursor = WARM_UP
        for round_number in range(ROUNDS):
            order = list(zip(built, clients, strict=True))
            if round_number % 2:
                order.reverse()
            batch = points[cursor:cursor + BATCH]
            for (_app, _path, result), client in order:
                started = time.perf_counter()
                for n, point in enumerate(batch):
                    _post(client, serial + n, point)
                elapsed = time.perf_counter() - started
                result.seconds += elapsed
                result.reports += len(batch)
                result.batch_ms.append(round(elapsed * 1000, 1))
            serial += BATCH
            cursor += BATCH
    for app, path, result in built:
        result.reports_per_second = round(result.reports / result.seconds, 1)
        result.alerts_raised = _alerts(app)
        from app.extensions import db

        with app.app_context():
            db.engine.dispose()
        shutil.rmtree(path, ignore_errors=True)
    results = [result for _app, _path, result in built]
    small, large = results
    ratio = small.reports_per_second / large.reports_per_second
    print(f"\n{'database':>8} {'geofences':>10} {'positions':>10} {'build s':>8} {'reports':>8} {'per second':>11} "
          f"{'median batch ms':>16} {'stmts in':>9} {'stmts out':>10} {'alerts':>7}")
    for r in results:
        print(f"{r.name:>8} {r.geofences:>10,} {r.positions:>10,} {r.build_seconds:>8} {r.reports:>8} "
              f"{r.reports_per_second:>11} {statistics.median(r.batch_ms):>16} {r.statements_inside:>9} "
              f"{r.statements_outside:>10} {r.alerts_raised:>7}")
    print(f"\nreports per second, small / large: {ratio:.2f} (at most {MAX_RATIO})")
    problems = []
    if ratio > MAX_RATIO:
        problems.append(f"reports per second fell {ratio:.2f}x with {large.geofences:,} live geofences and "
                        f"{large.positions:,} positions (at most {MAX_RATIO}x)")
    if (small.statements_inside, small.statements_outside) != (large.statements_inside, large.statements_outside):
        problems.append("the SQL statements one report runs change with the geofences and positions: "
                        f"inside {small.statements_inside} vs {large.statements_inside}, "
                        f"outside {small.statements_outside} vs {large.statements_outside}")
    if small.statements_inside <= small.statements_outside:
        problems.append("a report inside a geofence ran no more statements than one outside: did it match at all?")
    seconds = round(time.perf_counter() - begun, 1)
    print(f"\ntotal {seconds} s")
    return _finish(results, problems, ratio, seconds)


def _finish(results, problems, ratio, seconds) -> int:
    from tests.benchmarks.report import finish

    return finish("welfare", results, problems,
                  f"location reports with geofence matching: {results[-1].geofences:,} live geofences and "
                  f"{results[-1].positions:,} positions cost {ratio:.2f}x what {results[0].geofences:,} and "
                  f"{results[0].positions:,} do",
                  now=NOW.isoformat(), rounds=ROUNDS, batch=BATCH, devices=DEVICES, max_ratio=MAX_RATIO,
                  time_ratio=round(ratio, 3), total_seconds=seconds)


if __name__ == "__main__":
    sys.exit(main())
