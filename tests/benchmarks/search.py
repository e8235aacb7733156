"""Search and case list benchmark: SQL statements and response time as the number of cases grows.

Run from the repository root (`make bench` runs it after the other benchmarks):

    .venv/bin/python -m tests.benchmarks.search
    BENCH_SEARCH_SIZES=100,10000 .venv/bin/python -m tests.benchmarks.search

For each size N (100 and 10,000 by default) it builds a fresh SQLite database (real
migrations, the demo data), bulk-inserts N cases with Core inserts (people with names drawn
from common first names and surnames, dates of birth, addresses and postcodes; a fifth of
the cases closed), then builds the search index with `search_index.rebuild`, as an upgrade
or `flask search rebuild` would. One case, the same in every size, is the one searched for.

Logged in as the demo officer (who sees the whole force) it requests each page in PAGES,
counting the SQL statements of each request and timing REQUESTS requests. The exit status
is 1 if a page's statement count differs between sizes, or if a page at the largest size
takes more than MAX_RATIO times as long (median) as at the smallest in the same run: each
search is answered by the index, not by reading every case. Results: a table, with the
ratios, and bench-results/search.json.
"""
from __future__ import annotations

import os
import sys
import time
from datetime import date, timedelta

from app.timeutil import utcnow
from tests.benchmarks import common, report
from tests.benchmarks.dashboard import AREAS

DEFAULT_SIZES = (100, 10000)
MAX_RATIO = float(os.environ.get("BENCH_SEARCH_MAX_RATIO", "10"))
FIRST = ("James", "Oliver", "Mohammed", "Harry", "Jack", "Emily", "Sophie", "Olivia", "Amelia", "Jessica",
         "Daniel", "Thomas", "Chloe", "Megan", "Ryan", "Lewis", "Aisha", "Priya", "Connor", "Lauren")
LAST = ("Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Robinson",
        "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Khan",
        "Clarke", "Jackson", "Hughes", "Edwards", "Turner", "Hill", "Moore", "Ward", "Morris", "King")
TARGET = {"name": "Quentin Blackwood", "dob": date(1983, 6, 14), "postcode": "QB9 7ZZ", "street": "Larkspur Mews"}
PAGES = {
    "/search?q=Quentin+Blackwood": "name",
    "/search?q=Quentn+Blakwood": "misspelt name",
    "/search?q=Smith": "common surname",
    "/search?q=14/6/1983": "date of birth",
    "/search?q=QB9+7ZZ": "postcode",
    "/search?q=Larkspur": "street",
    "/search?q={reference}": "reference",
    "/cases": "case list",
    "/cases?state=closed&sort=risk&area=North": "filtered list",
    "/cases?page=3&sort=served&order=asc": "list page 3",
}


PageResult = common.page_result("PageResult", ("size", int), ("page", str), ("what", str))


def insert_cases(app, count: int) -> str:
    """Insert `count` cases (the first is the one searched for) and index them; its reference."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Case, CaseState, Person, PersonKind, RiskLevel, User
    from app.services import search_index

    with app.app_context():
        officer_id = db.session.scalar(select(User.id).where(User.email == common.OFFICER_EMAIL))
        first_id = common.next_id(db.session, Case)
        now = utcnow().replace(microsecond=0)
        risks = list(RiskLevel)
        cases, people = [], []
        for i in range(count):
            case_id = first_id + i
            target = i == 0
            incident_at = now - timedelta(hours=3 + (i * 7) % (24 * 700))
            served = i % 3 != 0
            cases.append({
                "id": case_id, "reference": f"BENCH-{case_id:07d}",
                "state": CaseState.CLOSED if i % 5 == 4 else (CaseState.SERVED if served else CaseState.DRAFT),
                "area": AREAS[i % len(AREAS)], "risk_level": risks[i % len(risks)], "incident_at": incident_at,
                "address_line_1": f"{i % 200 + 1} {TARGET['street'] if target else LAST[i % len(LAST)] + ' Road'}",
                "address_line_2": None, "town": "Testbury",
                "postcode": TARGET["postcode"] if target else f"TB{i % 9 + 1} {i % 10}{'ABCDEFGH'[i % 8]}{'JKLMNP'[i % 6]}",
                "officer_in_case_id": officer_id, "created_by_id": officer_id,
                "created_at": incident_at + timedelta(minutes=30),
                "served_at": incident_at + timedelta(hours=1) if served else None,
                "served_by_id": officer_id if served else None,
            })
            p_name = TARGET["name"] if target else f"{FIRST[i % len(FIRST)]} {LAST[(i // 7) % len(LAST)]}"
            p_dob = TARGET["dob"] if target else date(1960 + i % 40, 1 + i % 12, 1 + i % 28)
            people.append({"case_id": case_id, "kind": PersonKind.PERPETRATOR, "position": 0, "full_name": p_name,
                           "date_of_birth": p_dob, "relationship_to_perpetrator": None})
            people.append({"case_id": case_id, "kind": PersonKind.VICTIM, "position": 0,
                           "full_name": f"{FIRST[(i + 5) % len(FIRST)]} {LAST[(i // 3) % len(LAST)]}",
                           "date_of_birth": date(1965 + i % 35, 1 + (i + 3) % 12, 1 + (i + 9) % 28),
                           "relationship_to_perpetrator": "former_spouse"})
        common.bulk_insert(db.session, (Case.__table__, cases), (Person.__table__, people))
        search_index.refresh(db.session, [c["id"] for c in cases])
        db.session.commit()
        return cases[0]["reference"]


def measure(app, size: int, reference: str) -> list[PageResult]:
    def finds_the_case(url: str):
        def check(body: str) -> None:
            if reference not in body:
                raise RuntimeError(f"{url} does not find the case searched for ({reference})")
        return check

    client = app.test_client()
    common.log_in(client)
    results = []
    with common.StatementCounter(app) as statements:
        for path, what in PAGES.items():
            url = path.format(reference=reference)
            check = finds_the_case(url) if "/search" in url and "Smith" not in url else None
            results.append(PageResult(size=size, page=path, what=what, **common.time_page(client, statements, url, check=check)))
    return results


def run_size(size: int) -> list[PageResult]:
    started = time.perf_counter()
    with common.bench_app(f"dvpo-bench-search-{size}-") as app:
        reference = insert_cases(app, size)
        print(f"N={size}: cases indexed in {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
        return measure(app, size, reference)


def ratio_problems(results: list[PageResult], sizes: list[int]) -> tuple[dict[str, float], list[str]]:
    """The median time at the largest size over the smallest, per page, and those over MAX_RATIO."""
    small, large = min(sizes), max(sizes)
    ratios, problems = {}, []
    for page in PAGES:
        by_size = {r.size: r for r in results if r.page == page}
        if small == large or small not in by_size or large not in by_size:
            continue
        ratio = round(by_size[large].median_ms / max(by_size[small].median_ms, 0.01), 2)
        ratios[page] = ratio
        if ratio > MAX_RATIO:
            problems.append(f"{page}: {ratio}x slower with {large} cases than with {small} (at most {MAX_RATIO}x)")
    return ratios, problems


def main() -> int:
    sizes = common.sizes_from_env("BENCH_SEARCH_SIZES", DEFAULT_SIZES, least=1)
    results: list[PageResult] = []
    for size in sizes:
        results.extend(run_size(size))
    ratios, slow = ratio_problems(results, sizes)
    print()
    header = f"{'N':>7}  {'page':<42} {'queries':>8} {'median ms':>10} {'p95 ms':>8} {'KB':>6} {'ratio':>6}"
    print(header)
    print("-" * len(header))
    for r in results:
        ratio = f"{ratios[r.page]:.1f}x" if r.size == max(sizes) and r.page in ratios else ""
        print(f"{r.size:>7}  {r.page:<42} {common.queries_cell(r):>8} {r.median_ms:>10.2f} {r.p95_ms:>8.2f} {r.response_kb:>6.1f} {ratio:>6}")
    problems = report.query_count_problems(results, PAGES, lambda r: f"N={r.size}") + slow
    return report.finish("search", results, problems,
                         "statements per search and list page do not grow with the number of cases, "
                         f"and no page is more than {MAX_RATIO}x slower at {max(sizes)} cases than at {min(sizes)}",
                         requests_per_page=common.REQUESTS, sizes=sizes, time_ratios=ratios)


if __name__ == "__main__":
    sys.exit(main())
