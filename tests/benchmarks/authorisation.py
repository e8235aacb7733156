"""Authorisation benchmark: SQL statements and response time of the superintendent's queue
and approval page as the number of cases, and of applications awaiting a decision, grows.

Run from the repository root (`make bench` runs it after the dashboard benchmark):

    .venv/bin/python -m tests.benchmarks.authorisation
    BENCH_SIZES=10,1000 .venv/bin/python -m tests.benchmarks.authorisation

For each size N it builds a fresh SQLite database (real migrations, the demo data) and
bulk-inserts N cases as the dashboard benchmark does (half served, half draft). Every
served case gets an authorised application (nine sections and a decision), the way a case
comes to be served; a fifth of the draft cases get a draft application. Then it measures
twice, with two queue lengths: first about 1% of N applications submitted (a realistic
queue), then about 5%. Each time it logs in as the demo superintendent and requests
/authorisations, /authorisations/rows (as htmx polls it) and /authorisations/<id> (the
approval page of one submitted application), counting SQL statements per request and
timing REQUESTS requests of each.

The number of statements on a page must be the same for every N and every queue length:
if not, the exit status is 1. At N=10,000 the longer queue is 501 applications (500 and
the demo's one): over SQLAlchemy's selectinload batch of 500 ids, so a queue that loads
every waiting application with selectinload shows here as an extra statement. Results: a table, and bench-results/authorisation.json.
"""
from __future__ import annotations

import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from app.timeutil import utcnow
from tests.benchmarks import report
from tests.benchmarks.dashboard import (
    INSERT_CHUNK,
    REQUESTS,
    WARM_UP,
    build_app,
    insert_cases,
    percentile,
    sizes_from_env,
)

SUPERINTENDENT_EMAIL = "superintendent@demo.police.uk"
SUPERINTENDENT_PASSWORD = "superintendent-demo-2026"
OFFICER_EMAIL = "officer@demo.police.uk"
# Two queue lengths per size: share of N submitted, and the least number submitted.
QUEUE_SHARES = ((0.01, 2), (0.05, 5))
PAGES = ("/authorisations", "/authorisations/rows", "/authorisations/<id>")
HTMX = {"HX-Request": "true"}


@dataclass
class PageResult:
    size: int
    submitted: int  # applications in the queue (the benchmark's and the demo's)
    page: str
    queries: int
    queries_min: int
    queries_max: int
    median_ms: float
    p95_ms: float
    response_kb: float


# ------------------------------------------------------------------ data


def section_data(victim_id: int, incident_at: datetime, *, mobile: str | None) -> dict[str, dict]:
    """Nine complete sections: the demo's answers (app.demo.demo_sections), mobile given in E.164."""
    from app.demo import demo_sections

    national = "0" + mobile[3:] if mobile else None
    return demo_sections(victim_id=victim_id, victim_name="the victim", incident_at=incident_at, children=False, mobile=national)


def insert_applications(app, first_case_id: int, queue_sizes: tuple[int, ...]) -> list[list[int]]:
    """Applications for the cases from first_case_id on. Returns, for each queue size, the
    ids of the draft applications to submit to reach it (cumulative: the first list, then
    the first and second...). Served cases get an authorised application and decision."""
    from sqlalchemy import func, insert, select

    from app.domain.regimes import DVPN
    from app.extensions import db
    from app.models import (
        Application,
        ApplicationSection,
        ApplicationStatus,
        AuthorisationDecision,
        Case,
        CaseState,
        DecisionOutcome,
        Person,
        PersonKind,
        User,
    )

    with app.app_context():
        officer_id = db.session.scalar(select(User.id).where(User.email == OFFICER_EMAIL))
        boss_id = db.session.scalar(select(User.id).where(User.email == SUPERINTENDENT_EMAIL))
        victims = dict(db.session.execute(
            select(Person.case_id, func.min(Person.id))
            .where(Person.case_id >= first_case_id, Person.kind == PersonKind.VICTIM)
            .group_by(Person.case_id)
        ).all())
        cases = db.session.execute(
            select(Case.id, Case.state, Case.incident_at, Case.served_at)
            .where(Case.id >= first_case_id).order_by(Case.id)
        ).all()
        next_id = (db.session.scalar(select(func.max(Application.id))) or 0) + 1
        applications, sections, decisions = [], [], []
        drafts: list[int] = []
        draft_cases = 0
        checklist = [
            {"code": item.code, "text": item.text, "citation": item.citation, "met": True, "note": ""}
            for item in DVPN.checklist
        ]
        for index, (case_id, state, incident_at, served_at) in enumerate(cases):
            served = state is CaseState.SERVED
            if not served:
                draft_cases += 1
                # Every served case was authorised; a fifth of the drafts (at least enough for
                # the longest queue) have an application under way.
                if draft_cases > max(queue_sizes) and draft_cases % 5 != 0:
                    continue
            made_at = incident_at + timedelta(minutes=20)
            application_id = next_id
            next_id += 1
            applications.append({
                "id": application_id, "case_id": case_id, "number": 1,
                "status": ApplicationStatus.AUTHORISED if served else ApplicationStatus.DRAFT,
                "created_by_id": officer_id, "created_at": made_at,
                "submitted_by_id": officer_id if served else None,
                "submitted_at": made_at + timedelta(minutes=15) if served else None,
                "previous_id": None,
            })
            mobile = f"+4471234{case_id % 100000:05d}" if index % 3 else None
            for key, data in section_data(victims[case_id], incident_at, mobile=mobile).items():
                sections.append({
                    "application_id": application_id, "key": key, "data": data,
                    "updated_by_id": officer_id, "updated_at": made_at,
                })
            if served:
                decisions.append({
                    "application_id": application_id, "outcome": DecisionOutcome.AUTHORISE,
                    "decided_by_id": boss_id, "decided_at": served_at - timedelta(minutes=30),
                    "decided_by_rank": "Supt", "rationale": "Necessary and proportionate.",
                    "checklist": checklist,
                })
            else:
                drafts.append(application_id)
        for table, rows in (
            (Application.__table__, applications),
            (ApplicationSection.__table__, sections),
            (AuthorisationDecision.__table__, decisions),
        ):
            for start in range(0, len(rows), INSERT_CHUNK):
                db.session.execute(insert(table), rows[start:start + INSERT_CHUNK])
        db.session.commit()
    if len(drafts) < max(queue_sizes):
        raise RuntimeError(f"only {len(drafts)} draft applications for a queue of {max(queue_sizes)}")
    return [drafts[:n] for n in queue_sizes]


def submit(app, application_ids: list[int]) -> int:
    """Submit these draft applications (and put their cases in the queue's state), as
    app.services.authorisation.submit does; returns how many are awaiting a decision."""
    from sqlalchemy import func, select, update

    from app.extensions import db
    from app.models import Application, ApplicationStatus, Case, CaseState, User

    with app.app_context():
        officer_id = db.session.scalar(select(User.id).where(User.email == OFFICER_EMAIL))
        now = utcnow().replace(microsecond=0)  # the bench app's clock (tests.support.ORDINARY_MOMENT)
        for start in range(0, len(application_ids), 500):
            chunk = application_ids[start:start + 500]
            db.session.execute(
                update(Application).where(Application.id.in_(chunk), Application.status == ApplicationStatus.DRAFT)
                .values(status=ApplicationStatus.SUBMITTED, submitted_by_id=officer_id,
                        submitted_at=now - timedelta(minutes=5))
            )
            db.session.execute(
                update(Case).where(Case.id.in_(select(Application.case_id).where(Application.id.in_(chunk))))
                .values(state=CaseState.AWAITING_AUTHORISATION)
            )
        db.session.commit()
        return db.session.scalar(
            select(func.count()).select_from(Application).where(Application.status == ApplicationStatus.SUBMITTED)
        )


# ------------------------------------------------------------------ requests


def log_in(client, email: str, password: str, landing: str) -> None:
    page = client.get("/login")
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True))
    if not match:
        raise RuntimeError("no csrf_token on the log-in page")
    response = client.post("/login", data={"email": email, "password": password, "csrf_token": match.group(1)})
    if response.status_code != 302 or landing not in response.headers.get("Location", ""):
        raise RuntimeError(f"log-in as {email} failed: HTTP {response.status_code}")


def measure(app, client, size: int, submitted: int, application_id: int) -> list[PageResult]:
    from sqlalchemy import event

    from app.extensions import db

    statements = 0

    def count(*_args, **_kwargs):
        nonlocal statements
        statements += 1

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    results = []
    try:
        for page in PAGES:
            path = page.replace("<id>", str(application_id))
            headers = HTMX if path.endswith("/rows") else {}
            counts, timings, size_bytes = [], [], 0
            for run in range(WARM_UP + REQUESTS):
                statements = 0
                started = time.perf_counter()
                response = client.get(path, headers=headers)
                elapsed = (time.perf_counter() - started) * 1000
                if response.status_code != 200:
                    raise RuntimeError(f"{path}: HTTP {response.status_code}")
                body = response.get_data(as_text=True)
                check_body(page, body, submitted)
                if run >= WARM_UP:
                    counts.append(statements)
                    timings.append(elapsed)
                    size_bytes = len(body.encode())
            results.append(PageResult(
                size=size, submitted=submitted, page=page,
                queries=statistics.mode(counts), queries_min=min(counts), queries_max=max(counts),
                median_ms=round(statistics.median(timings), 2),
                p95_ms=round(percentile(timings, 0.95), 2),
                response_kb=round(size_bytes / 1024, 1),
            ))
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return results


def check_body(page: str, body: str, submitted: int) -> None:
    """The page shows what it should: the oldest queued applications (at most the service's
    QUEUE_LIMIT, with the total said when there are more), or the decision form."""
    from app.services.authorisation import QUEUE_LIMIT

    if page.startswith("/authorisations") and page != "/authorisations/<id>":
        listed = body.count('class="app-queue__item"')
        if listed != min(submitted, QUEUE_LIMIT):
            raise RuntimeError(f"{page} lists {listed} applications; {submitted} are awaiting a decision")
        if submitted > QUEUE_LIMIT and f"{submitted} applications are waiting" not in body:
            raise RuntimeError(f"{page} does not say that {submitted} applications are waiting")
    elif "Record decision" not in body or "Statutory checklist" not in body:
        raise RuntimeError(f"{page} does not show the decision form")


def run_size(size: int) -> list[PageResult]:
    with tempfile.TemporaryDirectory(prefix=f"dvpo-bench-auth-{size}-") as workdir:
        started = time.perf_counter()
        app = build_app(Path(workdir))
        from sqlalchemy import func, select

        from app.extensions import db
        from app.models import Case

        with app.app_context():
            first_case_id = (db.session.scalar(select(func.max(Case.id))) or 0) + 1
        insert_cases(app, size)
        queue_sizes = tuple(max(least, round(size * share)) for share, least in QUEUE_SHARES)
        batches = insert_applications(app, first_case_id, queue_sizes)
        print(f"N={size}: cases and applications ready in {time.perf_counter() - started:.1f} s",
              file=sys.stderr, flush=True)
        client = app.test_client()
        log_in(client, SUPERINTENDENT_EMAIL, SUPERINTENDENT_PASSWORD, "/authorisations")
        results = []
        try:
            for batch in batches:
                submitted = submit(app, batch)
                # The approval page of the same application each time: the oldest of ours.
                results.extend(measure(app, client, size, submitted, batches[0][0]))
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
        return results


# ------------------------------------------------------------------ report


def print_table(results: list[PageResult]) -> None:
    header = f"{'N':>7} {'queued':>7}  {'page':<22} {'queries':>8} {'median ms':>10} {'p95 ms':>8} {'KB':>7}"
    print(header)
    print("-" * len(header))
    for r in results:
        queries = str(r.queries) if r.queries_min == r.queries_max else f"{r.queries_min}-{r.queries_max}"
        print(f"{r.size:>7} {r.submitted:>7}  {r.page:<22} {queries:>8} {r.median_ms:>10.2f} "
              f"{r.p95_ms:>8.2f} {r.response_kb:>7.1f}")


def main() -> int:
    sizes = sizes_from_env()
    results: list[PageResult] = []
    for size in sizes:
        results.extend(run_size(size))
    print()
    print_table(results)
    problems = report.query_count_problems(results, PAGES, lambda r: f"N={r.size} queued={r.submitted}")
    return report.finish(
        "authorisation", results, problems,
        "the number of SQL statements on the queue and approval pages does not grow with the number of cases "
        "or of applications awaiting a decision",
        requests_per_page=REQUESTS, sizes=sizes, queue_shares=[share for share, _ in QUEUE_SHARES],
    )


if __name__ == "__main__":
    sys.exit(main())
