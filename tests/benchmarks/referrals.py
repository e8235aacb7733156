"""Victims' Code sweep benchmark: the cost of services.referral_sweep.sweep() as referral history grows.

Run from the repository root (`make bench` runs it after the other benchmarks):

    .venv/bin/python -m tests.benchmarks.referrals
    BENCH_REFERRAL_HISTORY=100000 BENCH_REFERRAL_DUE=300 .venv/bin/python -m tests.benchmarks.referrals

It builds two fresh SQLite databases (real migrations): one with no history and one with
BENCH_REFERRAL_HISTORY (default 1,000,000) historic referrals, bulk-inserted with Core
inserts in chunks (each with its own victim, as Referral.victim_id is unique, and ten to a
case): declined, closed and returned referrals whose due dates and orders are in the past.
Both also get the same BENCH_REFERRAL_DUE (default 300) referrals with work to do, split in
three: overdue and not yet flagged (the sweep flags each as a breach of the Code), within
the warning (counted), and sent or accepted with their order ended (half with no contact,
returned to police; half with V engaged, support continuing). Then:

  sweep   times SWEEPS runs of sweep() at NOW (after WARM_UP runs), putting the due rows
          back as they were after each run (not timed), so every run does the same work;
          checks every run's report (flagged, due soon, returned, closed, continuing) is the
          expected one;
  plan    captures the SELECTs the sweep runs against `referral` and asks SQLite for their
          EXPLAIN QUERY PLAN: each must SEARCH with ix_referral_status_due_at,
          ix_referral_status_warn_at or ix_referral_status_order_ends_at, never SCAN referral.

The exit status is 1 if a plan scans, a report is wrong, or the median sweep with history is
more than 5x the one without (a floor of 1 ms). Results: a table, and
bench-results/referrals.json.
"""
from __future__ import annotations

import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import event, insert, text, update

from app.timeutil import frozen_at
from tests.benchmarks.report import finish
from tests.support import migrated_app

NOW = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)  # a Wednesday noon
CHUNK = 50_000
VICTIMS_PER_CASE = 10
SWEEPS = 11
WARM_UP = 1
MAX_GROWTH = 5.0
SWEEP_INDEXES = ("ix_referral_status_due_at", "ix_referral_status_warn_at", "ix_referral_status_order_ends_at")
# Settled long ago: nothing for the sweep to do (weights by repetition).
HISTORY_STATUSES = ("closed", "closed", "returned", "declined", "closed", "returned", "closed", "declined", "closed", "closed")
THREE_YEARS_MINUTES = 3 * 365 * 24 * 60


@dataclass
class SweepResult:
    history: int
    due: int
    build_seconds: float
    build_cpu_seconds: float  # the build's own CPU time: the wall time suffers on a busy machine
    database_mb: float
    sweep_median_ms: float
    sweep_max_ms: float
    reports_as_expected: bool
    uses_indexes: bool
    plans: list[str] = field(default_factory=list)  # each SELECT on referral the sweep ran
    statement_ms: list[float] = field(default_factory=list)  # and its median time alone


@dataclass(frozen=True)
class DueRows:
    """The ids of the rows with work to do, by what the sweep does with them."""

    overdue: range
    due_soon: range
    no_contact: range  # sent, order ended, no attempt: returned
    contact_made: range  # accepted, order ended, V engaged: support continues (nothing closed)

    @property
    def expected(self) -> tuple[int, int, int, int, int]:
        return len(self.overdue), len(self.due_soon), len(self.no_contact), 0, len(self.contact_made)


def _history_size() -> int:
    raw = os.environ.get("BENCH_REFERRAL_HISTORY", "1000000").replace("_", "").strip()
    try:
        size = int(raw)
    except ValueError:
        sys.exit(f"BENCH_REFERRAL_HISTORY must be a whole number, got {raw!r}")
    if size < 0:
        sys.exit("BENCH_REFERRAL_HISTORY must be 0 or more")
    return size


def _due_size() -> int:
    return max(int(os.environ.get("BENCH_REFERRAL_DUE", "300")), 4)


# ------------------------------------------------------------------ data


def _chunks(rows: Iterator[dict], size: int = CHUNK) -> Iterator[list[dict]]:
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _stored_instant(value: datetime) -> str:
    # As the UTCDateTime column stores it on SQLite: UTC, naive, with microseconds.
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return value.replace(tzinfo=None).isoformat(" ", "microseconds")


_TO_SQLITE = {datetime: _stored_instant, bool: int, list: json.dumps, dict: json.dumps}


def _insert(db, table, rows: Iterator[dict]) -> None:
    """executemany in chunks straight to the driver: a million rows through SQLAlchemy's
    per-value type processing take minutes, and the values here are already plain."""
    connection = db.session.connection()
    for chunk in _chunks(rows):
        columns = list(chunk[0])
        assert list(chunk[-1]) == columns, "every row of a table has the same keys, in the same order"
        sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        convert = _TO_SQLITE.get
        connection.exec_driver_sql(sql, [
            tuple([v if (to := convert(type(v))) is None else to(v) for v in row.values()]) for row in chunk
        ])


def _staff(db) -> tuple[int, int]:
    """An officer (for the cases' foreign keys) and a service with a caseworker."""
    from app.models import SupportService, User

    db.session.execute(insert(SupportService.__table__), [
        {"id": 1, "name": "Bench Support Service", "area": None, "active": True, "created_at": NOW - timedelta(days=2000)}])
    common = {"password_hash": "not a real hash", "active": True, "failed_logins": 0, "created_at": NOW - timedelta(days=2000)}
    db.session.execute(insert(User.__table__), [
        common | {"id": 1, "email": "officer@bench.police.uk", "full_name": "Bench Officer", "role": "officer"},
        common | {"id": 2, "email": "caseworker@bench.example.org", "full_name": "Bench Caseworker", "role": "caseworker",
                  "service_id": 1},
    ])
    return 1, 2


def _cases(count: int, historic: int, officer_id: int) -> Iterator[dict]:
    """`count` cases, the first `historic` closed long ago, the rest with an order in force."""
    for case_id in range(1, count + 1):
        closed = case_id <= historic
        incident = NOW - timedelta(days=40 if closed else 3, minutes=case_id % THREE_YEARS_MINUTES if closed else 0)
        yield {
            "id": case_id, "reference": f"BENCH-{case_id:08d}", "regime": "dvpn",
            "state": "closed" if closed else "order_in_force", "area": "North", "risk_level": "medium",
            "incident_at": incident, "address_line_1": f"{case_id % 300 + 1} Benchmark Road", "town": "Testbury",
            "postcode": "TB1 2AA", "officer_in_case_id": officer_id, "created_by_id": officer_id,
            "created_at": incident + timedelta(minutes=20), "served_at": incident + timedelta(hours=2),
            "served_by_id": officer_id, "hearing_window_hours": 48, "urgency_rank": 2,
        }


def _victims(total: int) -> Iterator[dict]:
    for victim_id in range(1, total + 1):
        yield {"id": victim_id, "case_id": (victim_id - 1) // VICTIMS_PER_CASE + 1, "kind": "victim", "position": 0,
               "full_name": f"Victim {victim_id}", "date_of_birth": None, "relationship_to_perpetrator": "spouse"}


def _referral(referral_id: int, status: str, trigger: datetime, **values) -> dict:
    due = trigger + timedelta(days=2)
    return {
        "id": referral_id, "case_id": (referral_id - 1) // VICTIMS_PER_CASE + 1, "victim_id": referral_id,
        "status": status, "created_at": trigger, "trigger_at": trigger, "due_at": due, "warn_at": due - timedelta(hours=11),
        "code_breach_at": None, "consent": None, "consent_asked_at": None, "safe_number": None, "safe_to_call": None,
        "safe_times": [], "agreed_methods": [], "service_id": None, "settled_at": None, "order_ends_at": None,
        "protection_stage": "notice", "high_risk": False, "accepted_at": None, "returned_at": None, "return_reason": None,
    } | values


def _historic(count: int) -> Iterator[dict]:
    for n in range(count):
        referral_id = n + 1
        status = HISTORY_STATUSES[n % len(HISTORY_STATUSES)]
        trigger = NOW - timedelta(days=30, minutes=n % THREE_YEARS_MINUTES)
        settled = trigger + timedelta(days=1 if n % 20 else 3)  # one in twenty sent late
        values = {"consent": "declines" if status == "declined" else "consents", "consent_asked_at": settled,
                  "settled_at": settled, "code_breach_at": trigger + timedelta(days=2) if n % 20 == 0 else None}
        if status != "declined":
            values |= {"service_id": 1, "safe_number": "+447911123456", "safe_to_call": True, "protection_stage": "ended",
                       "order_ends_at": trigger + timedelta(days=15), "accepted_at": settled + timedelta(hours=3)}
        if status == "returned":
            values |= {"returned_at": trigger + timedelta(days=15), "return_reason": "The order ended with no contact made."}
        yield _referral(referral_id, status, trigger, **values)


def _due(first_id: int, count: int) -> tuple[DueRows, list[dict]]:
    third = count // 3
    ids = DueRows(
        overdue=range(first_id, first_id + third),
        due_soon=range(first_id + third, first_id + 2 * third),
        no_contact=range(first_id + 2 * third, first_id + 2 * third + (count - 2 * third) // 2),
        contact_made=range(first_id + 2 * third + (count - 2 * third) // 2, first_id + count),
    )
    rows = []
    for referral_id in ids.overdue:  # due yesterday, not yet sent: the sweep flags it
        rows.append(_referral(referral_id, "awaiting", NOW - timedelta(days=3)))
    for referral_id in ids.due_soon:  # due in two hours: within the warning
        rows.append(_referral(referral_id, "awaiting", NOW - timedelta(days=2) + timedelta(hours=2)))
    sent = {"service_id": 1, "consent": "consents", "safe_number": "+447911123456", "safe_to_call": True,
            "protection_stage": "ended", "order_ends_at": NOW - timedelta(hours=1)}
    for referral_id in ids.no_contact:
        rows.append(_referral(referral_id, "sent", NOW - timedelta(days=16), settled_at=NOW - timedelta(days=15), **sent))
    for referral_id in ids.contact_made:
        rows.append(_referral(referral_id, "accepted", NOW - timedelta(days=16), settled_at=NOW - timedelta(days=15),
                              accepted_at=NOW - timedelta(days=14), **sent))
    return ids, rows


def build(history: int, due: int):
    from app.extensions import db
    from app.models import Case, ContactAttempt, Person, Referral

    path = tempfile.mkdtemp(prefix="dvpo-bench-referrals-")
    app = migrated_app(f"sqlite:///{path}/bench.sqlite3")
    started, cpu_started = time.perf_counter(), time.process_time()
    with app.app_context():
        # A bigger page cache for the build only: the indexes on a million rows stay in memory.
        db.session.execute(text("PRAGMA cache_size = -400000"))
        officer_id, caseworker_id = _staff(db)
        # Ten victims to a case; the rows with work to do start on a case of their own.
        historic_cases = -(-history // VICTIMS_PER_CASE)
        ids, due_rows = _due(historic_cases * VICTIMS_PER_CASE + 1, due)
        victims = ids.contact_made.stop - 1
        _insert(db, Case.__table__, _cases(-(-victims // VICTIMS_PER_CASE), historic_cases, officer_id))
        _insert(db, Person.__table__, _victims(victims))
        _insert(db, Referral.__table__, _historic(history))
        _insert(db, Referral.__table__, iter(due_rows))
        _insert(db, ContactAttempt.__table__, (
            {"referral_id": referral_id, "attempted_at": NOW - timedelta(days=10), "method": "withheld_call",
             "outcome": "engaged", "call_near_end_agreed": False, "recorded_by_id": caseworker_id,
             "recorded_at": NOW - timedelta(days=10)} for referral_id in ids.contact_made))
        db.session.commit()
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()  # the sweeps then run on connections set up as the app sets them up
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    size_mb = Path(f"{path}/bench.sqlite3").stat().st_size / 1_000_000
    return app, ids, seconds, cpu_seconds, size_mb, path


# ------------------------------------------------------------------ measuring


def _put_back(db, ids: DueRows) -> None:
    """Undo what a sweep did to the due rows, so the next run has the same work."""
    from app.models import Referral

    db.session.execute(update(Referral).where(Referral.id.in_(list(ids.overdue))).values(code_breach_at=None))
    for status, rows in (("sent", ids.no_contact), ("accepted", ids.contact_made)):
        db.session.execute(update(Referral).where(Referral.id.in_(list(rows)))
                           .values(status=status, returned_at=None, return_reason=None))
    db.session.commit()
    db.session.remove()


def measure_sweeps(app, ids: DueRows) -> tuple[list[float], bool]:
    from app.extensions import db
    from app.services.referral_sweep import sweep

    timings, as_expected = [], True
    with app.app_context(), frozen_at(NOW):
        for run in range(WARM_UP + SWEEPS):
            started = time.perf_counter()
            report = sweep(NOW)
            elapsed = (time.perf_counter() - started) * 1000
            got = (report.flagged, report.due_soon, report.returned, report.closed, report.continuing)
            if got != ids.expected:
                print(f"  sweep report {got}, expected {ids.expected}", file=sys.stderr)
                as_expected = False
            if run >= WARM_UP:
                timings.append(elapsed)
            _put_back(db, ids)
    return timings, as_expected


def sweep_plans(app, ids: DueRows) -> tuple[list[str], list[float], bool]:
    """EXPLAIN QUERY PLAN for each SELECT the sweep runs on `referral`, with its own
    parameters, and each one's median time run alone (which query grows, if one does)."""
    from app.extensions import db
    from app.services.referral_sweep import sweep

    statements: list[tuple[str, tuple]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _executemany):
        if statement.lstrip().upper().startswith("SELECT") and "FROM referral" in statement:
            statements.append((statement, parameters))

    plans, times, ok = [], [], True
    with app.app_context(), frozen_at(NOW):
        event.listen(db.engine, "before_cursor_execute", capture)
        try:
            sweep(NOW)
        finally:
            event.remove(db.engine, "before_cursor_execute", capture)
        _put_back(db, ids)
        with db.engine.connect() as conn:
            for statement, parameters in statements:
                rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
                details = [row[-1] for row in rows]
                plan = " / ".join(details)
                plans.append(plan)
                times.append(round(statistics.median(_time_statement(conn, statement, parameters) for _ in range(5)), 2))
                scans = any(d.startswith("SCAN referral") for d in details)
                if scans or not any(index in plan for index in SWEEP_INDEXES):
                    ok = False
    if len(statements) < 3:
        ok = False  # the sweep's three queries on referral were not all seen
    return plans, times, ok


def _time_statement(conn, statement: str, parameters) -> float:
    started = time.perf_counter()
    conn.exec_driver_sql(statement, parameters).all()
    return (time.perf_counter() - started) * 1000


def run_size(history: int, due: int) -> SweepResult:
    from app.extensions import db

    print(f"history {history:,}: building...", flush=True)
    app, ids, build_seconds, build_cpu_seconds, size_mb, path = build(history, due)
    print(f"history {history:,}: built in {build_seconds:.1f} s ({size_mb:.0f} MB); sweeping...", flush=True)
    plans, statement_ms, uses_indexes = sweep_plans(app, ids)
    timings, as_expected = measure_sweeps(app, ids)
    with app.app_context():
        db.engine.dispose()
    shutil.rmtree(path, ignore_errors=True)  # the million-row database is about 700 MB
    return SweepResult(history=history, due=due, build_seconds=round(build_seconds, 1),
                       build_cpu_seconds=round(build_cpu_seconds, 1), database_mb=round(size_mb, 1),
                       sweep_median_ms=round(statistics.median(timings), 2), sweep_max_ms=round(max(timings), 2),
                       reports_as_expected=as_expected, uses_indexes=uses_indexes, plans=plans,
                       statement_ms=statement_ms)


def main() -> int:
    started = time.perf_counter()
    history, due = _history_size(), _due_size()
    results = [run_size(h, due) for h in sorted({0, history})]
    print(f"\n{'history':>10} {'due':>5} {'build s':>8} {'cpu s':>6} {'db MB':>7} {'sweep median ms':>16} {'sweep max ms':>13} "
          f"{'reports':>8} {'index':>6}")
    for r in results:
        print(f"{r.history:>10,} {r.due:>5} {r.build_seconds:>8} {r.build_cpu_seconds:>6} {r.database_mb:>7} {r.sweep_median_ms:>16} "
              f"{r.sweep_max_ms:>13} {str(r.reports_as_expected):>8} {str(r.uses_indexes):>6}")
    for r in results:
        print(f"\nhistory {r.history:,}: the sweep's SELECTs on referral, each run alone (median of 5)")
        for plan, ms in zip(r.plans, r.statement_ms, strict=True):
            print(f"  {ms:>9} ms  {plan}")
    problems = []
    if not all(r.uses_indexes for r in results):
        problems.append("a sweep query on referral does not search by ix_referral_status_due_at, "
                        "ix_referral_status_warn_at or ix_referral_status_order_ends_at (or scans referral)")
    if not all(r.reports_as_expected for r in results):
        problems.append("a sweep did not flag, count, return and close exactly the due rows")
    if len(results) > 1 and results[-1].sweep_median_ms > MAX_GROWTH * max(results[0].sweep_median_ms, 1.0):
        problems.append(f"the sweep grew with history: {results[0].sweep_median_ms} ms -> {results[-1].sweep_median_ms} ms")
    total = round(time.perf_counter() - started, 1)
    print(f"\ntotal {total} s")
    return finish("referrals", results, problems, "the Victims' Code sweep does not grow with referral history",
                  sweeps_per_size=SWEEPS, now=NOW.isoformat(), total_seconds=total)


if __name__ == "__main__":
    sys.exit(main())
