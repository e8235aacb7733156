"""Location reports benchmark: reports taken per second at /locations/osmand with no stored
positions against BENCH_POSITIONS (default 1,000,000), and the retention purge on both.

Run from the repository root (`make bench` runs it after the other benchmarks):

    .venv/bin/python -m tests.benchmarks.locations
    BENCH_POSITIONS=100000 .venv/bin/python -m tests.benchmarks.locations

It builds two fresh SQLite databases (real migrations), each with DEVICES registered devices
of one officer; the second also gets BENCH_POSITIONS positions of those devices spread over
the last 70 hours (bulk Core inserts). Then, in one run and interleaved (a batch on one
database, then the same batch on the other, the order alternating each round so neither
always goes first), it posts Traccar Client 9's JSON bodies through the Flask test client,
each a new position of a device, and times them:

  rate    reports per second on each database; their ratio must stay under MAX_RATIO;
  count   the SQL statements one report runs must be the same on both;
  plan    every SELECT a report runs on work_device or device_position must SEARCH an index
          (EXPLAIN QUERY PLAN), never SCAN the table;
  purge   PURGE_ROWS positions past the retention period are added to each database and
          services.locations.purge_expired deletes them; its time with the stored positions
          must stay under MAX_PURGE_GROWTH times the time without (a floor of 5 ms).

The exit status is 1 if any check fails. Results: a table, and bench-results/locations.json.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import event, text

from app.extensions import db
from app.timeutil import frozen_at
from tests.benchmarks.referrals import _insert
from tests.benchmarks.report import finish
from tests.support import migrated_app

NOW = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)
DEVICES = 200
ROUNDS = 12
BATCH = 150
WARM_UP = 50
MAX_RATIO = 1.5
PURGE_ROWS = 20_000
MAX_PURGE_GROWTH = 5.0
URL = "/locations/osmand"


@dataclass
class Result:
    positions: int
    build_seconds: float
    reports: int = 0
    seconds: float = 0.0
    reports_per_second: float = 0.0
    batch_ms: list[float] = field(default_factory=list)
    statements_per_report: int = 0
    plans: list[str] = field(default_factory=list)
    uses_indexes: bool = True
    purge_ms: float = 0.0
    purged: int = 0


def _positions_wanted() -> int:
    raw = os.environ.get("BENCH_POSITIONS", "1000000").replace("_", "").strip()
    try:
        size = int(raw)
    except ValueError:
        sys.exit(f"BENCH_POSITIONS must be a whole number, got {raw!r}")
    if size < 0:
        sys.exit("BENCH_POSITIONS must be 0 or more")
    return size


def _identifier(device_id: int) -> str:
    return f"bench-device-{device_id:05d}-" + "x" * 24


def build(positions: int):
    from app.models import DevicePosition, User, WorkDevice

    path = tempfile.mkdtemp(prefix="dvpo-bench-locations-")
    app = migrated_app(f"sqlite:///{path}/bench.sqlite3")
    started = time.perf_counter()
    with app.app_context():
        db.session.execute(text("PRAGMA cache_size = -400000"))
        _insert(db, User.__table__, iter([{
            "id": 1, "email": "officer@bench.police.uk", "full_name": "Bench Officer", "role": "officer",
            "password_hash": "not a real hash", "active": True, "failed_logins": 0, "created_at": NOW - timedelta(days=900),
            "session_generation": 0, "must_change_password": False}]))
        _insert(db, WorkDevice.__table__, ({
            "id": n, "user_id": 1, "name": f"Bench phone {n}",
            "identifier_hash": hashlib.sha256(_identifier(n).encode()).hexdigest(),
            "registered_at": NOW - timedelta(days=30), "registered_by_id": None} for n in range(1, DEVICES + 1)))
        start = NOW - timedelta(hours=70)
        spacing = timedelta(hours=69) / max(positions, 1)  # all older than an hour, none past retention
        _insert(db, DevicePosition.__table__, ({
            "device_id": n % DEVICES + 1, "user_id": 1, "recorded_at": start + spacing * n,
            "received_at": start + spacing * n, "latitude": 53.4 + (n % 1000) / 10000, "longitude": -2.2 - (n % 997) / 10000,
            "accuracy_m": 8.0, "speed_mps": 1.2, "heading_deg": 90.0, "altitude_m": 40.0, "battery_percent": 80.0,
            "charging": False, "moving": True, "mock": False} for n in range(positions)))
        db.session.commit()
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return app, path, time.perf_counter() - started


def _body(serial: int) -> bytes:
    """Traccar Client 9's body for the `serial`-th report: a device in turn, a new time each."""
    device = serial % DEVICES + 1
    at = NOW - timedelta(minutes=30) + timedelta(milliseconds=serial)
    stamp = at.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    identifier = _identifier(device)
    return json.dumps({"location": {
        "timestamp": stamp, "coords": {"latitude": 53.48, "longitude": -2.24, "accuracy": 5, "speed": 2.5, "heading": 90,
                                       "altitude": 38},
        "is_moving": True, "odometer": 1532, "event": "", "battery": {"level": 0.79, "is_charging": False},
        "activity": {"type": "in_vehicle"}, "extras": {},
        "_": f"&id={identifier}&lat=53.48&lon=-2.24&timestamp={stamp}&"}, "device_id": identifier}).encode()


def _post(client, serial: int) -> None:
    response = client.post(URL, data=_body(serial), content_type="application/json")
    if response.status_code != 200:
        raise SystemExit(f"report {serial} answered {response.status_code}: {response.get_data(as_text=True)}")


def _statements(app, client, serial: int) -> tuple[int, list[tuple[str, tuple]]]:
    seen: list[tuple[str, tuple]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _executemany):
        seen.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", capture)
    try:
        _post(client, serial)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    return len(seen), seen


def _plans(app, statements) -> tuple[list[str], bool]:
    plans, ok = [], True
    with app.app_context(), db.engine.connect() as conn:
        for statement, parameters in statements:
            if not statement.lstrip().upper().startswith("SELECT"):
                continue
            if "device_position" not in statement and "work_device" not in statement:
                continue
            details = [row[-1] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()]
            plans.append(" / ".join(details))
            if any(d.startswith(("SCAN device_position", "SCAN work_device")) for d in details):
                ok = False
    return plans, ok


def _purge(app) -> tuple[float, int]:
    """Add PURGE_ROWS positions past retention, then time the purge that deletes them."""
    from app.models import DevicePosition
    from app.services.locations import purge_expired
    from app.settings import settings_for

    old = NOW - timedelta(hours=100)
    with app.app_context():
        _insert(db, DevicePosition.__table__, ({
            "device_id": n % DEVICES + 1, "user_id": 1, "recorded_at": old + timedelta(seconds=n),
            "received_at": old, "latitude": 53.4, "longitude": -2.2, "mock": False} for n in range(PURGE_ROWS)))
        db.session.commit()
        started = time.perf_counter()
        removed = purge_expired(settings_for(app).locations)
        elapsed = (time.perf_counter() - started) * 1000
        db.session.remove()
    return elapsed, removed


def main() -> int:
    begun = time.perf_counter()
    sizes = sorted({0, _positions_wanted()})
    built = []
    for size in sizes:
        print(f"positions {size:,}: building...", flush=True)
        app, path, seconds = build(size)
        built.append((app, path, Result(positions=size, build_seconds=round(seconds, 1))))
        print(f"positions {size:,}: built in {seconds:.1f} s", flush=True)
    clients = [app.test_client() for app, _path, _result in built]
    serial = 0
    with frozen_at(NOW):
        for client in clients:  # warm up each: templates, connections, the page cache
            for _ in range(WARM_UP):
                _post(client, serial)
                serial += 1
        for (app, _path, result), client in zip(built, clients, strict=True):
            result.statements_per_report, statements = _statements(app, client, serial)
            serial += 1
            result.plans, result.uses_indexes = _plans(app, statements)
        for round_number in range(ROUNDS):
            order = list(zip(built, clients, strict=True))
            if round_number % 2:
                order.reverse()
            for (_app, _path, result), client in order:
                started = time.perf_counter()
                for _ in range(BATCH):
                    _post(client, serial)
                    serial += 1
                elapsed = time.perf_counter() - started
                result.seconds += elapsed
                result.reports += BATCH
                result.batch_ms.append(round(elapsed * 1000, 1))
        for app, _path, result in built:
            result.reports_per_second = round(result.reports / result.seconds, 1)
            purge_ms, result.purged = _purge(app)
            result.purge_ms = round(purge_ms, 1)
    for app, path, _result in built:
        with app.app_context():
            db.engine.dispose()
        shutil.rmtree(path, ignore_errors=True)
    results = [result for _app, _path, result in built]
    print(f"\n{'positions':>10} {'build s':>8} {'reports':>8} {'per second':>11} {'median batch ms':>16} "
          f"{'statements':>11} {'index':>6} {'purge ms':>9} {'purged':>7}")
    for r in results:
        print(f"{r.positions:>10,} {r.build_seconds:>8} {r.reports:>8} {r.reports_per_second:>11} "
              f"{statistics.median(r.batch_ms):>16} {r.statements_per_report:>11} {str(r.uses_indexes):>6} "
              f"{r.purge_ms:>9} {r.purged:>7}")
    for r in results:
        print(f"\npositions {r.positions:,}: the SELECTs one report runs")
        for plan in r.plans:
            print(f"  {plan}")
    problems = []
    if len(results) > 1:
        ratio = results[0].reports_per_second / results[-1].reports_per_second
        print(f"\nreports per second, none stored / {results[-1].positions:,} stored: {ratio:.2f}")
        if ratio > MAX_RATIO:
            problems.append(f"reports per second fell by {ratio:.2f}x with {results[-1].positions:,} stored positions")
        if len({r.statements_per_report for r in results}) > 1:
            problems.append("the SQL statements one report runs change with the stored positions: "
                            + ", ".join(str(r.statements_per_report) for r in results))
        if results[-1].purge_ms > MAX_PURGE_GROWTH * max(results[0].purge_ms, 5.0):
            problems.append(f"the purge grew with the stored positions: {results[0].purge_ms} ms -> {results[-1].purge_ms} ms")
    if not all(r.uses_indexes for r in results):
        problems.append("a report's SELECT scans work_device or device_position instead of searching an index")
    if any(r.purged != PURGE_ROWS for r in results):
        problems.append("the purge did not delete exactly the positions past retention")
    total = round(time.perf_counter() - begun, 1)
    print(f"\ntotal {total} s")
    return finish("locations", results, problems,
                  "location reports per second do not depend on the positions stored, nor does the purge",
                  now=NOW.isoformat(), rounds=ROUNDS, batch=BATCH, devices=DEVICES, max_ratio=MAX_RATIO,
                  total_seconds=total)


if __name__ == "__main__":
    sys.exit(main())
