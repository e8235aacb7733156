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

import sys
import time
from datetime import timedelta

from app.timeutil import utcnow
from tests.benchmarks import common, report

DEFAULT_SIZES = (10, 1000, 10000)
PAGES = {
    "/dashboard": {},
    "/dashboard/rows": {"HX-Request": "true"},  # as htmx polls it
}
AREAS = ("North", "South", "East", "West")


PageResult = common.page_result("PageResult", ("size", int), ("live_cases", int), ("page", str))


# ------------------------------------------------------------------ data


def insert_cases(app, count: int) -> int:
    """Insert `count` live cases with Core inserts; return how many live cases there are."""
    from sqlalchemy import func, select

    from app.domain.clocks import CaseClockFacts, case_clocks, urgency
    from app.domain.deadlines import hearing_deadline
    from app.extensions import db
    from app.models import Case, CaseState, Person, PersonKind, RiskLevel, User
    from app.services.calendar import load_calendar

    with app.app_context():
        officer_id = db.session.scalar(select(User.id).where(User.email == common.OFFICER_EMAIL))
        first_id = common.next_id(db.session, Case)
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
        common.bulk_insert(db.session, (Case.__table__, cases), (Person.__table__, people))
        db.session.commit()
        return db.session.scalar(
            select(func.count()).select_from(Case).where(Case.state != CaseState.CLOSED)
        )


# ------------------------------------------------------------------ requests


def measure(app, size: int, live_cases: int) -> list[PageResult]:
    def shows_the_live_cases(body: str) -> None:
        if f"{live_cases} live case" not in body:
            raise RuntimeError(f"/dashboard does not show {live_cases} live cases")

    client = app.test_client()
    common.log_in(client)
    with common.StatementCounter(app) as statements:
        return [PageResult(size=size, live_cases=live_cases, page=path,
                           **common.time_page(client, statements, path, headers=headers, check=shows_the_live_cases if path == "/dashboard" else None))
                for path, headers in PAGES.items()]


def run_size(size: int) -> list[PageResult]:
    started = time.perf_counter()
    with common.bench_app(f"dvpo-bench-{size}-") as app:
        live_cases = insert_cases(app, size)
        print(f"N={size}: {live_cases} live cases ready in {time.perf_counter() - started:.1f} s",
              file=sys.stderr, flush=True)
        return measure(app, size, live_cases)


# ------------------------------------------------------------------ report


def print_table(results: list[PageResult]) -> None:
    common.print_table(results, f"{'N':>7} {'live':>7}  {'page':<16}", lambda r: f"{r.size:>7} {r.live_cases:>7}  {r.page:<16}")


def main() -> int:
    sizes = common.sizes_from_env("BENCH_SIZES", DEFAULT_SIZES)
    results: list[PageResult] = []
    for size in sizes:
        results.extend(run_size(size))
    print()
    print_table(results)
    problems = report.query_count_problems(results, PAGES, lambda r: f"N={r.size}")
    return report.finish("dashboard", results, problems,
                         "the number of SQL statements per page does not grow with the number of cases",
                         requests_per_page=common.REQUESTS, sizes=sizes)


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
