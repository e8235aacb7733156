"""The dashboard at national scale, judged by ratios within one run (issue 18).

    .venv/bin/python -m tests.benchmarks.scale          (make bench runs it first)
    BENCH_SCALE_ROUNDS=40 BENCH_LIMIT_BARE=2 BENCH_LIMIT_GROWTH=1.2 .venv/bin/python -m tests.benchmarks.scale

It seeds two SQLite databases with the realistic seed (tests/benchmarks/seed.py): the
demo's 10 cases, and 10,000 cases in every state (BENCH_SCALE_SIZES=10,10000). Each app
also answers the bare render of the same rows (tests/benchmarks/bare.py). Logged in as the
demo officer with the Flask test client, it requests in every round, in an order that
rotates from round to round, each app's /dashboard, its poll /dashboard/rows (as htmx asks,
without an ETag: the rows re-rendered, as when something changed), the bare render, a case
page and the dashboard's tasks (/dashboard/tasks, which the dashboard fetches with htmx as
it loads), so every series sees the same load. Verdicts, each a ratio of medians:

- dashboard and poll at the large size within BENCH_LIMIT_BARE (2) times the bare render
  of the same rows at that size;
- dashboard and poll at the large size within BENCH_LIMIT_GROWTH (1.2) times themselves
  at the small size, each showing as many rows as the small size has cases (the large
  app's DASHBOARD_PAGE_SIZE set to that for those requests): what the number of cases
  costs, not the 100 rows of a page against 10.

Recorded beside them, not judged: each page's growth with its 100 rows, normalised by the
bare render's growth between the two sizes.

It also checks the seed is what the pages show: page 1 at 10,000 cases lists the most
urgent cases first (the sort key the services set), with running clocks. The absolute
medians and p95s are recorded too. A poll with the ETag of the previous answer (when the
app sends one) is measured and recorded, not judged. Exit status 1 when a verdict fails.
Results: a table, and bench-results/scale.json.
"""
from __future__ import annotations

import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from tests.benchmarks import seed
from tests.benchmarks.bare import BARE_PATH, register
from tests.benchmarks.verdict import at_most, limit_from_env, print_verdicts, ratio_verdict, summary, write

OFFICER = ("officer@demo.police.uk", "officer-demo-2026")
WARM_UP = 3
CASE_PAGE = "/cases/1"  # a served demo case, the same in every size
SERIES = {  # name -> (path, headers)
    "dashboard": ("/dashboard", {}),
    "poll": ("/dashboard/rows", {"HX-Request": "true"}),
    "bare": (BARE_PATH, {}),
    "case page": (CASE_PAGE, {}),
    # What needs you: the dashboard fetches it with htmx as it loads (recorded, not judged).
    "tasks": ("/dashboard/tasks", {"HX-Request": "true"}),
}


def sizes_from_env() -> tuple[int, int]:
    raw = os.environ.get("BENCH_SCALE_SIZES", "10,10000")
    try:
        small, large = (int(x) for x in raw.split(","))
    except ValueError:
        raise SystemExit(f"BENCH_SCALE_SIZES must be two whole numbers, small,large; got {raw!r}") from None
    if not seed.DEMO_CASES <= small < large:
        raise SystemExit(f"BENCH_SCALE_SIZES: need {seed.DEMO_CASES} <= small < large, got {raw!r}")
    return small, large


def seeded_app(workdir: Path, n: int):
    from tests.support import ORDINARY_MOMENT, migrated_app

    app = migrated_app(f"sqlite:///{workdir}/scale-{n}.sqlite3", demo_data=True, CLOCK_STARTS_AT=ORDINARY_MOMENT)
    register(app)
    report = seed.build(app, n)
    print(f"N={n}: {report.cases} cases ({report.live_cases} live) from {report.templates} templates "
          f"in {report.seconds:.1f} s; {report.verified} checked against the services", file=sys.stderr, flush=True)
    return app, report


def log_in(client) -> None:
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    response = client.post("/login", data={"email": OFFICER[0], "password": OFFICER[1],
                                           "csrf_token": token.group(1) if token else ""})
    if response.status_code != 302:
        raise RuntimeError(f"log-in failed: HTTP {response.status_code}")


def first_rows_in_order(app, body: str, count: int = 5) -> list[str]:
    """Problems if page 1 does not start with the `count` most urgent live cases, in order."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Case, CaseState

    with app.app_context():
        wanted = db.session.execute(
            select(Case.reference, Case.urgency_rank).where(Case.state.in_(CaseState.live()))
            .order_by(Case.urgency_rank, Case.urgency_at, Case.created_at.desc(), Case.id).limit(count)).all()
    body = body[body.find('id="case-rows"'):]  # the table, not the tasks above it
    positions = [body.find(f">{ref}<") for ref, _ in wanted]
    problems = []
    if any(p < 0 for p in positions) or positions != sorted(positions):
        problems.append(f"page 1 does not list the {count} most urgent cases first, in order: {[r for r, _ in wanted]}")
    if any(rank == 2 for _, rank in wanted):
        problems.append("the most urgent live cases have no running clock: the seed lacks its sort keys")
    if 'data-clock-status="none"' in body[:body.find(f">{wanted[-1][0]}<") if wanted else 0]:
        problems.append("page 1 starts with rows that show no clock")
    return problems


# At the large size only, the same pages showing as many rows as the small size has cases: the
# growth verdicts compare these with the small size, so that what they measure is what the
# number of cases costs, not the 100 rows a page shows against 10.
SAME_ROWS = {"dashboard, small's rows": "dashboard", "poll, small's rows": "poll"}


def measure(apps: dict[int, object], clients: dict[int, object], rounds: int,
            small: int) -> dict[tuple[int, str], list[float]]:
    """Every (size, series) once a round, the order rotating each round; milliseconds."""
    large = max(clients)
    items = [(n, name) for n in clients for name in SERIES] + [(large, name) for name in SAME_ROWS]
    timings: dict[tuple[int, str], list[float]] = {item: [] for item in items}
    timings |= {(n, "poll, unchanged (ETag)"): [] for n in clients}
    etags: dict[int, str | None] = dict.fromkeys(clients)
    for r in range(WARM_UP + rounds):
        shift = r % len(items)
        for n, name in items[shift:] + items[:shift]:
            path, headers = SERIES[SAME_ROWS.get(name, name)]
            config = apps[n].config
            page_size = config["DASHBOARD_PAGE_SIZE"]
            if name in SAME_ROWS:  # requests run one at a time: the next one sees the page size again
                config["DASHBOARD_PAGE_SIZE"] = min(small, page_size)
            try:
                started = time.perf_counter()
                response = clients[n].get(path, headers=headers)
                elapsed = (time.perf_counter() - started) * 1000
            finally:
                config["DASHBOARD_PAGE_SIZE"] = page_size
            if response.status_code != 200:
                raise RuntimeError(f"N={n} {path}: HTTP {response.status_code}")
            if name == "poll":
                etags[n] = response.headers.get("ETag")
                if etags[n]:
                    started = time.perf_counter()
                    again = clients[n].get(path, headers={**headers, "If-None-Match": etags[n]})
                    if r >= WARM_UP and again.status_code in (200, 304):
                        timings[(n, "poll, unchanged (ETag)")].append((time.perf_counter() - started) * 1000)
            if r >= WARM_UP:
                timings[(n, name)].append(elapsed)
    return {k: v for k, v in timings.items() if v}


def verdicts_for(timings, small: int, large: int, limit_bare: float, limit_growth: float) -> list:
    return [
        ratio_verdict(f"dashboard at {large} / bare render at {large}", timings[(large, "dashboard")],
                      timings[(large, "bare")], limit_bare),
        ratio_verdict(f"poll at {large} / bare render at {large}", timings[(large, "poll")],
                      timings[(large, "bare")], limit_bare),
        ratio_verdict(f"dashboard at {large} / dashboard at {small}, {small} rows each",
                      timings[(large, "dashboard, small's rows")], timings[(small, "dashboard")], limit_growth),
        ratio_verdict(f"poll at {large} / poll at {small}, {small} rows each", timings[(large, "poll, small's rows")],
                      timings[(small, "poll")], limit_growth),
    ]


def normalised_growth(timings, small: int, large: int) -> dict[str, float]:
    """Recorded, not judged: each page's growth from the small size to the large one divided
    by the bare render's growth over the same sizes, (page/bare at large) / (page/bare at
    small). The growth verdicts compare a page of 10 rows with one of 100, which costs more
    whatever the number of cases; this says how much of the growth is the page's own."""
    def ratio(n: int, name: str) -> float:
        return statistics.median(timings[(n, name)]) / max(statistics.median(timings[(n, "bare")]), 1e-9)

    return {name: round(ratio(large, name) / ratio(small, name), 2) for name in ("dashboard", "poll", "tasks")}


def with_tasks(timings, n: int) -> dict[str, float]:
    """Recorded, not judged: what a dashboard costs with its tasks, the page's median and the
    tasks fragment's added, against the bare render."""
    together = statistics.median(timings[(n, "dashboard")]) + statistics.median(timings[(n, "tasks")])
    return {"dashboard and tasks ms": round(together, 2),
            "over the bare render": round(together / statistics.median(timings[(n, "bare")]), 2)}


def facts_of_the_same_rows(apps: dict[int, object], small: int, large: int) -> dict:
    """The growth verdicts compare pages of as many rows, but not the same rows: the most
    urgent cases at the large size carry more facts (arrests, orders) than the small size's.
    This times the one statement of clock facts (services/dashboard_facts.py) for the small
    size's first page of cases at both sizes (the same cases: the large seed keeps the demo's
    ids), and for the large size's own first page: what the number of cases costs, apart
    from what the rows hold. Best of five runs of 200, in ms."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Case, User
    from app.services import dashboard
    from app.services.dashboard_facts import clock_cases

    def best_ms(run) -> float:
        for _ in range(20):
            run()
        runs = []
        for _ in range(5):
            started = time.perf_counter()
            for _ in range(200):
                run()
            runs.append((time.perf_counter() - started) * 1000 / 200)
        return min(runs)

    def page_columns(app, ids=None):
        with app.app_context():
            if ids is None:
                user = db.session.scalar(select(User).where(User.email == OFFICER[0]))
                return dashboard.listing(user, after=None, before=None, page_size=small).clock_columns
            return tuple((c.id, c.state, c.regime, c.origin, c.served_at, c.hearing_window_hours)
                         for c in db.session.scalars(select(Case).where(Case.id.in_(ids)).order_by(Case.id)))

    def timed(app, columns) -> tuple[float, int]:
        with app.app_context():
            facts = clock_cases(columns)
            count = sum(len(f.hearings) + len(f.breaches) + (f.order is not None) for f in facts.values())
            return best_ms(lambda: clock_cases(columns)), count

    small_page = page_columns(apps[small])
    ids = [row[0] for row in small_page]
    at_small, small_facts = timed(apps[small], small_page)
    at_large, _ = timed(apps[large], page_columns(apps[large], ids))
    own, large_facts = timed(apps[large], page_columns(apps[large]))
    return {"small page at small": at_small, "small page at large": at_large, "large page at large": own,
            "facts on the small page": small_facts, "facts on the large page": large_facts}


def main() -> int:
    small, large = sizes_from_env()
    rounds = int(os.environ.get("BENCH_SCALE_ROUNDS", "30"))
    limit_bare = limit_from_env(os.environ, "BENCH_LIMIT_BARE", 2.0)
    limit_growth = limit_from_env(os.environ, "BENCH_LIMIT_GROWTH", 1.2)
    with tempfile.TemporaryDirectory(prefix="dvpo-bench-scale-") as workdir:
        apps, seeds, clients = {}, {}, {}
        for n in (small, large):
            apps[n], seeds[n] = seeded_app(Path(workdir), n)
            clients[n] = apps[n].test_client()
            log_in(clients[n])
        body = clients[large].get("/dashboard").get_data(as_text=True)
        problems = first_rows_in_order(apps[large], body)
        timings = measure(apps, clients, rounds, small)
        same_rows = facts_of_the_same_rows(apps, small, large)
        for app in apps.values():
            from app.extensions import db

            with app.app_context():
                db.session.remove()
                db.engine.dispose()
    verdicts = verdicts_for(timings, small, large, limit_bare, limit_growth)
    verdicts.append(at_most("problems with what page 1 shows", len(problems), 0, "count"))
    print(f"\n{'N':>7}  {'series':<24} {'median ms':>10} {'p95 ms':>8}")
    for (n, name), samples in sorted(timings.items()):
        s = summary(samples)
        print(f"{n:>7}  {name:<24} {s['median_ms']:>10.2f} {s['p95_ms']:>8.2f}")
    for problem in problems:
        print(f"problem: {problem}")
    growth = normalised_growth(timings, small, large)
    print(f"\nrecorded, not judged: growth from {small} to {large} cases over the bare render's growth "
          f"(page/bare at {large}) / (page/bare at {small}): "
          + ", ".join(f"{name} {value:.2f}x" for name, value in growth.items()))
    together = with_tasks(timings, large)
    print(f"recorded, not judged: at {large} the dashboard and its tasks fragment together take "
          f"{together['dashboard and tasks ms']:.1f} ms, {together['over the bare render']:.2f}x the bare render")
    print(f"recorded, not judged: the clock facts of the small size's first {small} cases take "
          f"{same_rows['small page at small']:.3f} ms at {small} cases and {same_rows['small page at large']:.3f} ms "
          f"at {large}; the large size's own first {small} take {same_rows['large page at large']:.3f} ms "
          f"({same_rows['facts on the small page']} facts against {same_rows['facts on the large page']})")
    path = write("scale", verdicts, sizes=[small, large], rounds=rounds, database="sqlite", client="flask test client",
                 seeds={n: s.facts() for n, s in seeds.items()}, problems=problems, normalised_growth=growth,
                 dashboard_with_tasks=together, clock_facts_of_the_same_rows=same_rows,
                 timings={f"{n} {name}": summary(samples) for (n, name), samples in sorted(timings.items())})
    print(f"\nwritten {path.relative_to(path.parents[1])}\n")
    return print_verdicts(verdicts)


if __name__ == "__main__":
    sys.exit(main())
