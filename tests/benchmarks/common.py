"""The scaffolding the page benchmarks share (dashboard, authorisation, court, search): sizes
from the environment, an app with the demo data on a fresh SQLite file, bulk inserts, logging
in, and requesting a page REQUESTS times while counting the SQL statements of each request."""
from __future__ import annotations

import math
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import make_dataclass
from pathlib import Path

REQUESTS = 20
WARM_UP = 2
INSERT_CHUNK = 2000
OFFICER_EMAIL = "officer@demo.police.uk"
OFFICER_PASSWORD = "officer-demo-2026"
# What time_page measures of a page, in the order the tables and bench-results/*.json give it.
TIMING_FIELDS = (("queries", int), ("queries_min", int), ("queries_max", int),
                 ("median_ms", float), ("p95_ms", float), ("response_kb", float))


def page_result(name: str, *fields: tuple[str, type]) -> type:
    """A dataclass for one page's measurements: `fields` (name and type) say what was measured
    (the size, the page...), then TIMING_FIELDS."""
    return make_dataclass(name, [*fields, *TIMING_FIELDS])


def sizes_from_env(variable: str = "BENCH_SIZES", default: tuple[int, ...] = (10, 1000, 10000), *,
                   least: int = 0) -> list[int]:
    """The sizes listed in `variable` (whole numbers separated by commas, each `least` or more),
    or `default` when it is unset or empty."""
    raw = os.environ.get(variable, "").strip()
    if not raw:
        return list(default)
    try:
        sizes = [int(part) for part in raw.split(",") if part.strip()]
    except ValueError:
        sys.exit(f"{variable} must be whole numbers separated by commas, got {raw!r}")
    if not sizes or any(n < least for n in sizes):
        sys.exit(f"{variable} must list sizes of {least} or more, got {raw!r}")
    return sizes


def build_app(workdir: Path):
    from tests.support import ORDINARY_MOMENT, migrated_app

    # Demo data and the seeded cases are placed relative to one ordinary working morning,
    # so what the pages show (and so what they query) does not depend on the hour.
    return migrated_app(f"sqlite:///{workdir}/bench.sqlite3", demo_data=True, CLOCK_STARTS_AT=ORDINARY_MOMENT)


@contextmanager
def bench_app(prefix: str) -> Iterator:
    """build_app in a temporary directory, its database closed and the directory removed after."""
    with tempfile.TemporaryDirectory(prefix=prefix) as workdir:
        app = build_app(Path(workdir))
        try:
            yield app
        finally:
            from app.extensions import db

            with app.app_context():
                db.session.remove()
                db.engine.dispose()


def next_id(session, model) -> int:
    """The first free primary key of `model`'s table (rows are inserted with their ids)."""
    from sqlalchemy import func, select

    return (session.scalar(select(func.max(model.id))) or 0) + 1


def bulk_insert(session, *tables_and_rows) -> None:
    """Core inserts of (table, rows) pairs, in order, INSERT_CHUNK rows a statement."""
    from sqlalchemy import insert

    for table, rows in tables_and_rows:
        for start in range(0, len(rows), INSERT_CHUNK):
            session.execute(insert(table), rows[start:start + INSERT_CHUNK])


def log_in(client, email: str = OFFICER_EMAIL, password: str = OFFICER_PASSWORD, landing: str = "/dashboard") -> None:
    page = client.get("/login")
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True))
    if not match:
        raise RuntimeError("no csrf_token on the log-in page")
    response = client.post("/login", data={"email": email, "password": password, "csrf_token": match.group(1)})
    if response.status_code != 302 or landing not in response.headers.get("Location", ""):
        raise RuntimeError(f"log-in as {email} failed: HTTP {response.status_code}")


def percentile(samples: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


class StatementCounter:
    """Counts the SQL statements the app's engine runs while listening (a context manager)."""

    def __init__(self, app):
        from app.extensions import db

        with app.app_context():
            self.engine = db.engine
        self.count = 0

    def _seen(self, *_args, **_kwargs):
        self.count += 1

    def __enter__(self) -> StatementCounter:
        from sqlalchemy import event

        event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *_exc) -> None:
        from sqlalchemy import event

        event.remove(self.engine, "before_cursor_execute", self._seen)


def time_page(client, statements: StatementCounter, url: str, *, headers: dict | None = None,
              check: Callable[[str], None] | None = None) -> dict:
    """GET `url` WARM_UP + REQUESTS times (each must answer 200, and `check(body)` sees
    each body); the statements and times of the last REQUESTS: the fields every page result has."""
    counts, timings, size_bytes = [], [], 0
    for run in range(WARM_UP + REQUESTS):
        statements.count = 0
        started = time.perf_counter()
        response = client.get(url, headers=headers or {})
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"{url}: HTTP {response.status_code}")
        body = response.get_data(as_text=True)
        if check is not None:
            check(body)
        if run >= WARM_UP:
            counts.append(statements.count)
            timings.append(elapsed)
            size_bytes = len(body.encode())
    return {
        "queries": statistics.mode(counts), "queries_min": min(counts), "queries_max": max(counts),
        "median_ms": round(statistics.median(timings), 2), "p95_ms": round(percentile(timings, 0.95), 2),
        "response_kb": round(size_bytes / 1024, 1),
    }


def print_table(results, lead_header: str, lead: Callable[[object], str]) -> None:
    """The results as a table: `lead(result)` (under `lead_header`) says what was measured, then
    the statements, the median and 95th percentile times and the response's size."""
    header = f"{lead_header} {'queries':>8} {'median ms':>10} {'p95 ms':>8} {'KB':>7}"
    print(header)
    print("-" * len(header))
    for r in results:
        print(f"{lead(r)} {queries_cell(r):>8} {r.median_ms:>10.2f} {r.p95_ms:>8.2f} {r.response_kb:>7.1f}")


def queries_cell(result) -> str:
    """A result's statements for a table: one number, or the range where it varied."""
    return str(result.queries) if result.queries_min == result.queries_max else f"{result.queries_min}-{result.queries_max}"
