"""Dashboard benchmark: SQL statements and response time as the number of live cases grows.

Run from the repository root (this is what `make bench` does):

    .venv/bin/python -m tests.benchmarks.dashboard
    BENCH_SIZES=10,1000 .venv/bin/python -m tests.benchmarks.dashboard

For each size N it builds a fresh SQLite database in a temp dir (real migrations, the demo
users and cases from app.demo.seed()), bulk-inserts N live cases (half served, with real
hearing clocks; half draft), logs in as the demo officer with the Flask test client, and
requests /dashboard and /dashboard/rows: it counts the SQL statements each request runs
and times REQUESTS requests of each. The number of statements must not grow with the
number of cases: if any page's count differs between sizes the exit status is 1.
Results are printed as a table and written to bench-results/dashboard.json.

Run as a module (`make bench`) it then runs the authorisation benchmark too
(tests/benchmarks/authorisation.py: the queue and approval pages) and the court benchmark
(tests/benchmarks/court.py: the dashboard with court data, the court page and the court
printout), with the same sizes, then the reminder texts (tests/benchmarks/texts.py), search
and the case list at 100 and 10,000 cases (tests/benchmarks/search.py) and the
Victims' Code referral sweep (tests/benchmarks/referrals.py: no history against 1,000,000
historic referrals) and the location reports of officers' work devices
(tests/benchmarks/locations.py: reports per second with no positions stored against
1,000,000, interleaved); the exit status is 1 if any finds a page whose statement count
changes, or a claim, sweep or report that grows with history.
"""
from __future__ import annotations

import math
import os
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from app.timeutil import utcnow
from tests.benchmarks import report

DEFAULT_SIZES = (10, 1000, 10000)
REQUESTS = 20
WARM_UP = 2
INSERT_CHUNK = 2000
PAGES = {
    "/dashboard": {},
    "/dashboard/rows": {"HX-Request": "true"},  # as htmx polls it
}
OFFICER_EMAIL = "officer@demo.police.uk"
OFFICER_PASSWORD = "officer-demo-2026"
AREAS = ("North", "South", "East", "West")
REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass
class PageResult:
    size: int
    live_cases: int
    page: str
    queries: int
    queries_min: int
    queries_max: int
    median_ms: float
    p95_ms: float
    response_kb: float


def sizes_from_env() -> list[int]:
    raw = os.environ.get("BENCH_SIZES", "").strip()
    if not raw:
        return list(DEFAULT_SIZES)
    try:
        sizes = [int(part) for part in raw.split(",") if part.strip()]
    except ValueError:
        sys.exit(f"BENCH_SIZES must be whole numbers separated by commas, got {raw!r}")
    if not sizes or any(n < 0 for n in sizes):
        sys.exit(f"BENCH_SIZES must list sizes of 0 or more, got {raw!r}")
    return sizes


# ------------------------------------------------------------------ data


def build_app(workdir: Path):
    from tests.support import ORDINARY_MOMENT, migrated_app

    # Demo data and the seeded cases are placed relative to one ordinary working morning,
    # so what the pages show (and so what they query) does not depend on the hour.
    return migrated_app(f"sqlite:///{workdir}/bench.sqlite3", demo_data=True, CLOCK_STARTS_AT=ORDINARY_MOMENT)


def insert_cases(app, count: int) -> int:
    """Insert `count` live cases with Core inserts; return how many live cases there are."""
    from sqlalchemy import func, insert, select

    from app.domain.clocks import CaseClockFacts, case_clocks, urgency
    from app.domain.deadlines import hearing_deadline
    from app.extensions import db
    from app.models import Case, CaseState, Person, PersonKind, RiskLevel, User
    from app.services.calendar import load_calendar

    with app.app_context():
        officer_id = db.session.scalar(select(User.id).where(User.email == OFFICER_EMAIL))
        first_id = (db.session.scalar(select(func.max(Case.id))) or 0) + 1
        calendar = load_calendar()
        window = app.config["HEARING_WINDOW_HOURS"]
        now = utcnow().replace(microsecond=0)  # the bench app's clock (tests.support.ORDINARY_MOMENT)
        risks = list(RiskLevel)
        cases, people = [], []
        for i in range(count):
            case_id = first_id + i
            # Served ones spread over the last 60 hours: some overdue, some amber, most green.
            served = i % 2 == 0
            served_at = now - timedelta(minutes=(i * 37) % (60 * 60)) if served else None
            incident_at = (served_at or now) - timedelta(hours=1 + i % 5)
            # The dashboard's sort key, as services.clock_cache sets it on service (the
            # realistic seed in tests/benchmarks/seed.py checks its cases against the services).
            rank, urgent_at = urgency(case_clocks(
                CaseClockFacts(served_at=served_at, hearing_window_hours=window), now, calendar)) if served else (2, None)
            cases.append({
                "id": case_id,
                "reference": f"BENCH-{case_id:07d}",
                "state": CaseState.SERVED if served else CaseState.DRAFT,
                "area": AREAS[i % len(AREAS)],
                "risk_level": risks[i % len(risks)],
                "incident_at": incident_at,
                "address_line_1": f"{i % 200 + 1} Benchmark Street",
                "address_line_2": None,
                "town": "Testbury",
                "postcode": "TB1 2AA",
                "officer_in_case_id": officer_id,
                "created_by_id": officer_id,
                "created_at": incident_at + timedelta(minutes=30),
                "served_at": served_at,
                "served_by_id": officer_id if served else None,
                "hearing_window_hours": window if served else None,
                "address_for_hearing_notice": None,
                "hearing_deadline_at": (
                    hearing_deadline(served_at, hours=window, calendar=calendar) if served else None
                ),
                "urgency_rank": rank,
                "urgency_at": urgent_at,
            })
            people.append({
                "case_id": case_id, "kind": PersonKind.PERPETRATOR, "position": 0,
                "full_name": f"Perpetrator {case_id}", "date_of_birth": None,
                "relationship_to_perpetrator": None,
            })
            people.append({
                "case_id": case_id, "kind": PersonKind.VICTIM, "position": 0,
                "full_name": f"Victim {case_id}", "date_of_birth": None,
                "relationship_to_perpetrator": "former_spouse",
            })
        for table, rows in ((Case.__table__, cases), (Person.__table__, people)):
            for start in range(0, len(rows), INSERT_CHUNK):
                db.session.execute(insert(table), rows[start:start + INSERT_CHUNK])
        db.session.commit()
        return db.session.scalar(
            select(func.count()).select_from(Case).where(Case.state != CaseState.CLOSED)
        )


# ------------------------------------------------------------------ requests


def log_in(client) -> None:
    page = client.get("/login")
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True))
    if not match:
        raise RuntimeError("no csrf_token on the log-in page")
    response = client.post(
        "/login",
        data={"email": OFFICER_EMAIL, "password": OFFICER_PASSWORD, "csrf_token": match.group(1)},
    )
    if response.status_code != 302 or "/dashboard" not in response.headers.get("Location", ""):
        raise RuntimeError(f"log-in failed: HTTP {response.status_code}")


def percentile(samples: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def measure(app, size: int, live_cases: int) -> list[PageResult]:
    from sqlalchemy import event

    from app.extensions import db

    statements = 0

    def count(*_args, **_kwargs):
        nonlocal statements
        statements += 1

    client = app.test_client()
    log_in(client)
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    results = []
    try:
        for path, headers in PAGES.items():
            counts, timings, size_bytes = [], [], 0
            for run in range(WARM_UP + REQUESTS):
                statements = 0
                started = time.perf_counter()
                response = client.get(path, headers=headers)
                elapsed = (time.perf_counter() - started) * 1000
                if response.status_code != 200:
                    raise RuntimeError(f"{path}: HTTP {response.status_code}")
                body = response.get_data(as_text=True)
                if path == "/dashboard" and f"{live_cases} live case" not in body:
                    raise RuntimeError(f"{path} does not show {live_cases} live cases")
                if run >= WARM_UP:
                    counts.append(statements)
                    timings.append(elapsed)
                    size_bytes = len(body.encode())
            results.append(PageResult(
                size=size, live_cases=live_cases, page=path,
                queries=statistics.mode(counts), queries_min=min(counts), queries_max=max(counts),
                median_ms=round(statistics.median(timings), 2),
                p95_ms=round(percentile(timings, 0.95), 2),
                response_kb=round(size_bytes / 1024, 1),
            ))
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return results


def run_size(size: int) -> list[PageResult]:
    with tempfile.TemporaryDirectory(prefix=f"dvpo-bench-{size}-") as workdir:
        started = time.perf_counter()
        app = build_app(Path(workdir))
        live_cases = insert_cases(app, size)
        print(f"N={size}: {live_cases} live cases ready in {time.perf_counter() - started:.1f} s",
              file=sys.stderr, flush=True)
        try:
            return measure(app, size, live_cases)
        finally:
            from app.extensions import db

            with app.app_context():
                db.session.remove()
                db.engine.dispose()


# ------------------------------------------------------------------ report


def print_table(results: list[PageResult]) -> None:
    header = f"{'N':>7} {'live':>7}  {'page':<16} {'queries':>8} {'median ms':>10} {'p95 ms':>8} {'KB':>7}"
    print(header)
    print("-" * len(header))
    for r in results:
        queries = str(r.queries) if r.queries_min == r.queries_max else f"{r.queries_min}-{r.queries_max}"
        print(f"{r.size:>7} {r.live_cases:>7}  {r.page:<16} {queries:>8} {r.median_ms:>10.2f} "
              f"{r.p95_ms:>8.2f} {r.response_kb:>7.1f}")


def main() -> int:
    sizes = sizes_from_env()
    results: list[PageResult] = []
    for size in sizes:
        results.extend(run_size(size))
    print()
    print_table(results)
    problems = report.query_count_problems(results, PAGES, lambda r: f"N={r.size}")
    return report.finish("dashboard", results, problems,
                         "the number of SQL statements per page does not grow with the number of cases",
                         requests_per_page=REQUESTS, sizes=sizes)


def main_all() -> int:
    """`make bench`: the dashboard at scale (tests/benchmarks/scale.py), this benchmark, then the authorisation queue and approval pages, the
    court pages (tests/benchmarks/court.py), the reminder texts (tests/benchmarks/texts.py),
    search and the case list (tests/benchmarks/search.py),
    the Victims' Code referral sweep (tests/benchmarks/referrals.py) and the location reports
    of officers' work devices (tests/benchmarks/locations.py), geofence matching
    (tests/benchmarks/geofences.py), both together, location reports with 1,000 live
    geofences and 1,000,000 positions (tests/benchmarks/welfare.py), and the figures
    (tests/benchmarks/figures.py)."""
    from tests.benchmarks import (
        authorisation,
        court,
        figures,
        geofences,
        locations,
        referrals,
        scale,
        search,
        texts,
        welfare,
    )

    status = scale.main()  # the ratio verdicts at 10 and 10,000 cases (issue 18)
    print()
    status = main() or status
    for other in (authorisation, court, texts, search, referrals, locations, geofences, welfare, figures):
        print()
        status = other.main() or status
    return status


if __name__ == "__main__":
    sys.exit(main_all())
