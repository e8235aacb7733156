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

import sys
import time
from datetime import datetime, timedelta

from app.timeutil import utcnow
from tests.benchmarks import common, report
from tests.benchmarks.dashboard import DEFAULT_SIZES, insert_cases

SUPERINTENDENT_EMAIL = "superintendent@demo.police.uk"
SUPERINTENDENT_PASSWORD = "superintendent-demo-2026"
# Two queue lengths per size: share of N submitted, and the least number submitted.
QUEUE_SHARES = ((0.01, 2), (0.05, 5))
PAGES = ("/authorisations", "/authorisations/rows", "/authorisations/<id>")
HTMX = {"HX-Request": "true"}


# submitted: the applications in the queue (the benchmark's and the demo's).
PageResult = common.page_result("PageResult", ("size", int), ("submitted", int), ("page", str))


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
    from sqlalchemy import func, select

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
        officer_id = db.session.scalar(select(User.id).where(User.email == common.OFFICER_EMAIL))
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
        free_id = common.next_id(db.session, Application)
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
            application_id = free_id
            free_id += 1
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
        common.bulk_insert(db.session, (Application.__table__, applications), (ApplicationSection.__table__, sections),
                    (AuthorisationDecision.__table__, decisions))
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
        officer_id = db.session.scalar(select(User.id).where(User.email == common.OFFICER_EMAIL))
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


def measure(app, client, size: int, submitted: int, application_id: int) -> list[PageResult]:
    results = []
    with common.StatementCounter(app) as statements:
        for page in PAGES:
            path = page.replace("<id>", str(application_id))
            headers = HTMX if path.endswith("/rows") else {}
            results.append(PageResult(size=size, submitted=submitted, page=page, **common.time_page(
                client, statements, path, headers=headers, check=lambda body, page=page: check_body(page, body, submitted))))
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
    from app.extensions import db
    from app.models import Case

    started = time.perf_counter()
    with common.bench_app(f"dvpo-bench-auth-{size}-") as app:
        with app.app_context():
            first_case_id = common.next_id(db.session, Case)
        insert_cases(app, size)
        queue_sizes = tuple(max(least, round(size * share)) for share, least in QUEUE_SHARES)
        batches = insert_applications(app, first_case_id, queue_sizes)
        print(f"N={size}: cases and applications ready in {time.perf_counter() - started:.1f} s",
              file=sys.stderr, flush=True)
        client = app.test_client()
        common.log_in(client, SUPERINTENDENT_EMAIL, SUPERINTENDENT_PASSWORD, "/authorisations")
        results = []
        for batch in batches:
            submitted = submit(app, batch)
            # The approval page of the same application each time: the oldest of ours.
            results.extend(measure(app, client, size, submitted, batches[0][0]))
        return results


# ------------------------------------------------------------------ report


def print_table(results: list[PageResult]) -> None:
    common.print_table(results, f"{'N':>7} {'queued':>7}  {'page':<22}", lambda r: f"{r.size:>7} {r.submitted:>7}  {r.page:<22}")


def main() -> int:
    sizes = common.sizes_from_env("BENCH_SIZES", DEFAULT_SIZES)
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
        requests_per_page=common.REQUESTS, sizes=sizes, queue_shares=[share for share, _ in QUEUE_SHARES],
    )


if __name__ == "__main__":
    sys.exit(main())
