"""Figures benchmark (issue 17): the figures page and its CSV export as the cases grow, and
Thames Valley's published grant rate at full size.

    .venv/bin/python -m tests.benchmarks.figures
    BENCH_FIGURES_SIZES=100,10000 .venv/bin/python -m tests.benchmarks.figures
    BENCH_FIGURES_PUBLISHED=0 .venv/bin/python -m tests.benchmarks.figures   # while iterating

For each size N (100 and 10,000 by default) it builds a fresh SQLite database (real
migrations, the demo data) and bulk-inserts N cases with their hearings, orders, breaches,
referrals and contact attempts (tests/benchmarks/figures_data.py). Logged in as the demo
supervisor it requests each page in PAGES, counting SQL statements and timing REQUESTS
requests (a period of a year, so every case counts). The exit status is 1 if a page's
statement count differs between sizes, or the largest size is more than MAX_RATIO times
slower (median) than the smallest in the same run: a ratio within one run, not a time.

Then, on a fresh database, 280 hearings made through the services (255 granted, 25 refused:
Thames Valley's 2023) must give a grant rate of 91.07%; the integration suite proves the same
with 56 (tests/integration/test_figures.py), this is the full size. It takes minutes:
BENCH_FIGURES_PUBLISHED=0 leaves it out (said in the output and the results file), for
iterating on the pages' times; `make bench` always runs it.
"""
from __future__ import annotations

import os
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tests.benchmarks import report
from tests.benchmarks.common import OFFICER_EMAIL, REQUESTS, WARM_UP, build_app, percentile

DEFAULT_SIZES = (100, 10000)
MAX_RATIO = float(os.environ.get("BENCH_FIGURES_MAX_RATIO", "10"))
PUBLISHED = os.environ.get("BENCH_FIGURES_PUBLISHED", "1").strip() != "0"
SUPERVISOR = ("supervisor@demo.police.uk", "supervisor-demo-2026")
PERIOD = "from=2025-11-17&to=2026-11-17"
PAGES = {f"/reports/figures?{PERIOD}": "page", f"/reports/figures.csv?{PERIOD}": "CSV export"}


@dataclass
class PageResult:
    size: int
    page: str
    what: str
    queries: int
    queries_min: int
    queries_max: int
    median_ms: float
    p95_ms: float


def sizes_from_env() -> list[int]:
    raw = os.environ.get("BENCH_FIGURES_SIZES", "").strip()
    try:
        sizes = [int(part) for part in raw.split(",") if part.strip()] if raw else list(DEFAULT_SIZES)
    except ValueError:
        sys.exit(f"BENCH_FIGURES_SIZES must be whole numbers separated by commas, got {raw!r}")
    if not sizes or any(n < 1 for n in sizes):
        sys.exit(f"BENCH_FIGURES_SIZES must list sizes of 1 or more, got {raw!r}")
    return sizes


def log_in(client) -> None:
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"email": SUPERVISOR[0], "password": SUPERVISOR[1], "csrf_token": token})
    if response.status_code != 302:
        raise RuntimeError(f"log-in failed: HTTP {response.status_code}")


def measure(app, size: int) -> list[PageResult]:
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
        for url, what in PAGES.items():
            counts, timings = [], []
            for run in range(WARM_UP + REQUESTS):
                statements = 0
                started = time.perf_counter()
                response = client.get(url)
                elapsed = (time.perf_counter() - started) * 1000
                if response.status_code != 200:
                    raise RuntimeError(f"{url}: HTTP {response.status_code}")
                if run >= WARM_UP:
                    counts.append(statements)
                    timings.append(elapsed)
            results.append(PageResult(size, url, what, statistics.mode(counts), min(counts), max(counts),
                                      round(statistics.median(timings), 2), round(percentile(timings, 0.95), 2)))
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return results


def run_size(size: int) -> list[PageResult]:
    from sqlalchemy import select

    from app.extensions import db
    from app.models import User
    from app.timeutil import utcnow
    from tests.benchmarks.figures_data import insert_history

    with tempfile.TemporaryDirectory(prefix=f"dvpo-bench-figures-{size}-") as workdir:
        app = build_app(Path(workdir))
        with app.app_context():
            officer_id = db.session.scalar(select(User.id).where(User.email == OFFICER_EMAIL))
            insert_history(officer_id, size, now=utcnow())
        try:
            return measure(app, size)
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


def published_grant_rate() -> list[str]:
    """255 of 280 hearings granted through the services: the page's rate must be 91.07%."""
    from sqlalchemy import select

    from app.domain.figures import Period
    from app.extensions import db
    from app.models import HearingOutcome, User
    from app.services import court, figures
    from app.services.calendar import load_calendar
    from app.services.order_records import OrderSettings
    from app.services.reminders import TextSettings
    from app.timeutil import utcnow
    from tests.integration.factories import granted_case, heard_case

    with tempfile.TemporaryDirectory(prefix="dvpo-bench-figures-published-") as workdir:
        app = build_app(Path(workdir))
        with app.app_context():
            officer = db.session.scalar(select(User).where(User.email == OFFICER_EMAIL))
            today = utcnow().date()
            filters = figures.Filters(Period(today, today), area="West")
            if figures.figures(filters, utcnow()).section("hearings").figure("listed").value:
                return ["the demo data already has hearings in West today: choose another area for the published figure"]
            started = time.perf_counter()
            for _ in range(255):
                granted_case(officer, days=14, area="West")
            for _ in range(25):
                case = heard_case(officer, area="West")
                court.record_outcome(officer, case, court.pending_hearing(case), outcome=HearingOutcome.REFUSED,
                                     contested=False, notes="", calendar=load_calendar(), texts=TextSettings(),
                                     orders=OrderSettings())
            print(f"280 hearings made through the services in {time.perf_counter() - started:.0f} s", file=sys.stderr)
            found = figures.figures(filters, utcnow())
            hearings = found.section("hearings")
            values = (hearings.figure("granted").value, hearings.figure("refused").value,
                      hearings.figure("grant_rate").value)
            db.session.remove()
            db.engine.dispose()
    print(f"granted, refused, grant rate: {values}")
    return [] if values == (255, 25, 91.07) else [f"255 of 280 hearings granted gave {values}, not (255, 25, 91.07)"]


def main() -> int:
    sizes = sizes_from_env()
    results: list[PageResult] = []
    for size in sizes:
        results.extend(run_size(size))
    small, large = min(sizes), max(sizes)
    ratios, problems = {}, []
    for url in PAGES:
        by_size = {r.size: r for r in results if r.page == url}
        if small != large:
            ratios[url] = round(by_size[large].median_ms / max(by_size[small].median_ms, 0.01), 2)
            if ratios[url] > MAX_RATIO:
                problems.append(f"{url}: {ratios[url]}x slower with {large} cases than with {small} (at most {MAX_RATIO}x)")
    print(f"\n{'N':>7}  {'page':<52} {'queries':>8} {'median ms':>10} {'p95 ms':>8} {'ratio':>6}")
    for r in results:
        ratio = f"{ratios[r.page]:.1f}x" if r.size == large and r.page in ratios else ""
        print(f"{r.size:>7}  {r.page:<52} {r.queries:>8} {r.median_ms:>10.2f} {r.p95_ms:>8.2f} {ratio:>6}")
    if not PUBLISHED:
        print("255 of 280 hearings through the services: not run (BENCH_FIGURES_PUBLISHED=0)")
    problems = (report.query_count_problems(results, PAGES, lambda r: f"N={r.size}") + problems
                + (published_grant_rate() if PUBLISHED else []))
    return report.finish("figures", results, problems,
                         f"the figures' statements do not grow with the cases, {large} cases are at most {MAX_RATIO}x "
                         f"slower than {small}" + (", and 255 of 280 hearings granted gives 91.07%" if PUBLISHED
                                                   else " (the published grant rate not run)"),
                         requests_per_page=REQUESTS, sizes=sizes, time_ratios=ratios,
                         published_grant_rate_checked=PUBLISHED)


if __name__ == "__main__":
    sys.exit(main())
