"""Court benchmark: SQL statements and response time of the dashboard (with court data), the
court page and the court presentation printout, as cases, documents and breaches grow.

Run from the repository root (`make bench` runs it after the dashboard and authorisation
benchmarks):

    .venv/bin/python -m tests.benchmarks.court
    BENCH_SIZES=10,1000 .venv/bin/python -m tests.benchmarks.court

For each size N it builds a fresh SQLite database (real migrations, the demo data) and
bulk-inserts N live cases as the dashboard benchmark does (half served, half draft). Then
two in five served cases are taken to court with Core inserts: the five generated items
ticked, an officer statement and a DASH form uploaded (database rows only: the pages list
documents from the database and never open the files), the fee with its receipt and the
sending recorded, the hearing listed. Half of those have had their hearing: the order was
granted (a tenth of those orders made 12 days ago, so they end within the dashboard's
"ending soon" window), and every second order case has an open breach arrest, which puts
it at the top of the dashboard. Every inserted case's dashboard sort key is computed from
its clocks as app.services.clock_cache would.

Three cases are measured on the court page and the printout, the same in every size:

  small   2 documents, 1 breach (open, arrested), bundle work by the demo officer
  large   20 documents (3 on breaches, 2 removed), 8 breaches, 2 order events, the same
          officer throughout
  mixed   as large, but the uploads, ticks, listing, outcome and breaches are by five
          different officers (a page that loads each person on its own shows it here)

Logged in as the demo officer it requests /dashboard, /cases/<id>/court and
/cases/<id>/court/printout (HTML) for each measured case, counting the SQL statements of
each request and timing REQUESTS requests. The number of statements on a page must be the
same for every N and, for the court page and the printout, for every measured case: if not,
the exit status is 1. Results: a table, and bench-results/court.json.
"""
from __future__ import annotations

import re
import secrets
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import timedelta

from app.timeutil import utcnow
from tests.benchmarks import common, report
from tests.benchmarks.dashboard import DEFAULT_SIZES, insert_cases

GENERATED = ("notice", "complaint", "conditions", "chronology", "prompt_sheet")
PAGES = ("/dashboard", "/cases/<id>/court", "/cases/<id>/court/printout")
EXTRA_OFFICERS = 4  # besides the demo officer, for the "mixed" case


@dataclass(frozen=True)
class Shape:
    """How much court data a measured case carries."""

    name: str
    documents: int  # all document rows, breach ones and removed ones included
    breach_documents: int
    removed: int
    breaches: int
    order_events: int
    mixed_people: bool


SHAPES = (
    Shape("small", documents=2, breach_documents=0, removed=0, breaches=1, order_events=0, mixed_people=False),
    Shape("large", documents=20, breach_documents=3, removed=2, breaches=8, order_events=2, mixed_people=False),
    Shape("mixed", documents=20, breach_documents=3, removed=2, breaches=8, order_events=2, mixed_people=True),
)
UPLOAD_ITEMS = ("officer_statement", "dash_form", "victim_statement", "history", "map", "other_evidence")


# case: the measured case's shape ("" for the dashboard).
PageResult = common.page_result("PageResult", ("size", int), ("live_cases", int), ("at_court", int), ("page", str),
                                ("case", str), ("documents", int), ("breaches", int))


@dataclass
class Built:
    at_court: int = 0
    measured: dict[str, int] = field(default_factory=dict)  # shape name -> case id
    references: dict[str, str] = field(default_factory=dict)
    listed_documents: dict[str, int] = field(default_factory=dict)  # links the court page shows


# ------------------------------------------------------------------ data


class Ids:
    """The next free primary key of each table (rows are inserted with their ids, to link them)."""

    def __init__(self, session, *models):
        from sqlalchemy import func, select

        self._next = {m: (session.scalar(select(func.max(m.id))) or 0) + 1 for m in models}

    def take(self, model) -> int:
        value = self._next[model]
        self._next[model] += 1
        return value


def extra_officers(app) -> list[int]:
    """The demo officer and EXTRA_OFFICERS more (inserted directly: no password hashing)."""
    from sqlalchemy import insert, select

    from app.extensions import db
    from app.models import Role, User

    with app.app_context():
        officer = db.session.scalar(select(User).where(User.email == common.OFFICER_EMAIL))
        columns = {c.name for c in User.__table__.columns}
        template = {k: v for k, v in db.session.execute(select(User.__table__).where(User.id == officer.id)).mappings().one().items()
                    if k != "id"}
        rows = []
        for n in range(EXTRA_OFFICERS):
            row = dict(template)
            row.update({"email": f"bench.officer{n}@demo.police.uk", "full_name": f"Bench Officer {n}",
                        "role": Role.OFFICER, "collar_number": f"90{n:02d}"})
            rows.append({k: v for k, v in row.items() if k in columns})
        db.session.execute(insert(User), rows)
        db.session.commit()
        extra = list(db.session.scalars(select(User.id).where(User.email.like("bench.officer%")).order_by(User.id)))
        return [officer.id, *extra]


def add_court_data(app, first_case_id: int, people: list[int]) -> Built:
    """Take a share of the served cases from first_case_id on to court (see the docstring)."""
    from sqlalchemy import select, update

    from app.domain.calendar import LONDON
    from app.domain.clocks import CaseClockFacts, OpenArrest, case_clocks, urgency
    from app.domain.deadlines import breach_court_deadline, hearing_deadline, order_end
    from app.extensions import db
    from app.models import (
        Breach,
        BreachOutcome,
        BreachSource,
        BundleTick,
        Case,
        CaseState,
        CourtSubmission,
        Document,
        Hearing,
        HearingOutcome,
        OrderEvent,
        OrderEventKind,
        OrderStatus,
        ProtectionOrder,
    )
    from app.services.calendar import load_calendar

    built = Built()
    with app.app_context():
        calendar = load_calendar()
        window = app.config["HEARING_WINDOW_HOURS"]
        now = utcnow().replace(microsecond=0)  # the bench app's clock (tests.support.ORDINARY_MOMENT)
        ids = Ids(db.session, Hearing, ProtectionOrder, Document, Breach, OrderEvent)
        officer = people[0]
        rows: dict[str, list[dict]] = {name: [] for name in
                                       ("tick", "document", "submission", "hearing", "order", "event", "breach")}
        case_updates = []
        served_cases = db.session.execute(
            select(Case.id, Case.reference, Case.served_at).where(Case.id >= first_case_id, Case.served_at.is_not(None))
            .order_by(Case.id)
        ).all()

        def document(case_id, key, by, at, *, breach_id=None, removed=False, name=None) -> int:
            doc_id = ids.take(Document)
            rows["document"].append({
                "id": doc_id, "case_id": case_id, "item_key": key, "breach_id": breach_id,
                "original_name": name or f"{key.replace('_', ' ')} {doc_id}.pdf",
                "stored_name": f"{secrets.token_hex(16)}.pdf", "content_type": "application/pdf",
                "size": 40_000 + doc_id % 5000, "sha256": secrets.token_hex(32),
                "uploaded_by_id": by, "uploaded_at": at,
                "removed_by_id": by if removed else None, "removed_at": at + timedelta(minutes=5) if removed else None,
            })
            return doc_id

        for j, (case_id, reference, served_at) in enumerate(served_cases):
            shape = SHAPES[j] if j < len(SHAPES) else None
            pattern = j % 5
            if shape is None and pattern not in (0, 1):
                facts = CaseClockFacts(served_at=served_at, hearing_window_hours=window)
                rank, at = urgency(case_clocks(facts, now, calendar))
                case_updates.append({"id": case_id, "urgency_rank": rank, "urgency_at": at})
                continue
            built.at_court += 1
            mixed = shape is not None and shape.mixed_people

            def who(n: int, mixed=mixed) -> int:
                """Who did the n-th piece of work: the demo officer, or one of five in turn."""
                return people[n % len(people)] if mixed else officer
            # Measured cases, and a tenth of the orders, were served long enough ago for an order.
            old_order = shape is None and pattern == 0 and j % 50 == 0
            if shape is not None:
                served_at = now - timedelta(hours=30)
            elif old_order:
                served_at = now - timedelta(days=13)
            hearing_at = served_at + timedelta(hours=20)
            had_hearing = shape is not None or (pattern == 0 and hearing_at < now - timedelta(hours=1))
            work_at = served_at + timedelta(hours=2)

            for n, key in enumerate(GENERATED):
                rows["tick"].append({"case_id": case_id, "item_key": key, "ticked_by_id": who(n), "ticked_at": work_at})
            listed_docs = 0
            uploads = (shape.documents - shape.breach_documents) if shape else 2
            for n in range(uploads):
                removed = shape is not None and n < shape.removed
                document(case_id, UPLOAD_ITEMS[n % len(UPLOAD_ITEMS)], who(n), work_at + timedelta(minutes=n), removed=removed)
                listed_docs += 0 if removed else 1
            receipt = document(case_id, "fee_receipt", who(1), work_at, name="fee receipt.pdf")
            rows["submission"].append({
                "case_id": case_id, "fee_pence": 36_500, "fee_contested": False, "fee_reference": f"PBA-{case_id}",
                "fee_paid_on": work_at.astimezone(LONDON).date(), "fee_receipt_id": receipt,
                "fee_recorded_by_id": who(2), "fee_recorded_at": work_at,
                "court_name": "Testbury Magistrates' Court", "sent_at": work_at + timedelta(minutes=30),
                "sent_how": "secure email", "sent_recorded_by_id": who(3), "sent_recorded_at": work_at + timedelta(minutes=30),
            })
            hearing_id = ids.take(Hearing)
            rows["hearing"].append({
                "id": hearing_id, "case_id": case_id, "court_name": "Testbury Magistrates' Court", "starts_at": hearing_at,
                "late_reason": None, "listed_by_id": who(4), "listed_at": work_at + timedelta(minutes=40),
                "outcome": HearingOutcome.GRANTED if had_hearing else None, "contested": False if had_hearing else None,
                "outcome_notes": None, "outcome_by_id": who(0) if had_hearing else None,
                "outcome_at": hearing_at + timedelta(hours=2) if had_hearing else None,
            })
            order_facts = {}
            open_arrests = []
            if had_hearing:
                order_id = ids.take(ProtectionOrder)
                made_on = hearing_at.astimezone(LONDON).date()
                rows["order"].append({
                    "id": order_id, "case_id": case_id, "hearing_id": hearing_id, "made_on": made_on, "days": 14,
                    "ends_at": order_end(made_on, 14),
                    "conditions": [{"kind": "no_molest", "distance_metres": None}, {"kind": "no_enter", "distance_metres": None}],
                    "removal_not_granted": False, "status": OrderStatus.IN_FORCE, "ended_at": None,
                })
                order_facts = {"order_made_on": made_on, "order_days": 14}
                for n in range(shape.order_events if shape else 0):
                    rows["event"].append({
                        "id": ids.take(OrderEvent), "order_id": order_id, "kind": OrderEventKind.VARIED,
                        "court_date": made_on, "details": f"Varied: condition {n + 1} reworded.",
                        "recorded_by_id": who(n + 1), "recorded_at": hearing_at + timedelta(hours=3, minutes=n),
                    })
                breaches = shape.breaches if shape else (1 if j % 10 == 0 else 0)
                for n in range(breaches):
                    breach_id = ids.take(Breach)
                    is_open = n == breaches - 1  # the latest breach awaits the court; earlier ones were dealt with
                    arrested_at = now - timedelta(minutes=30 + (j * 7) % 600) if is_open else \
                        hearing_at + timedelta(hours=3 + n)
                    if is_open:
                        open_arrests.append(OpenArrest(arrested_at))  # an order breach: 24 hours only
                    rows["breach"].append({
                        "id": breach_id, "case_id": case_id, "order_id": order_id,
                        "occurred_at": arrested_at - timedelta(minutes=20), "description": f"Breach {n + 1}: at the door.",
                        "source": BreachSource.VICTIM, "arrested_at": arrested_at, "arresting_officer": "PC 5521 Osei",
                        "court_deadline_at": breach_court_deadline(arrested_at, calendar=calendar),
                        "recorded_by_id": who(n), "recorded_at": arrested_at + timedelta(minutes=5),
                        "outcome": None if is_open else BreachOutcome.PROVED, "fine_pence": None if is_open else 10_000,
                        "custody_days": None, "outcome_notes": None,
                        "outcome_by_id": None if is_open else who(n + 1),
                        "outcome_at": None if is_open else arrested_at + timedelta(hours=20),
                    })
                    if shape is not None and n < shape.breach_documents:
                        kind = "breach_statement" if n % 2 == 0 else "breach_evidence"
                        document(case_id, kind, who(n), arrested_at + timedelta(hours=1), breach_id=breach_id)
                        listed_docs += 1
            facts = CaseClockFacts(served_at=served_at, hearing_window_hours=window, hearing_begun=had_hearing,
                                   open_arrests=tuple(open_arrests), **order_facts)
            rank, at = urgency(case_clocks(facts, now, calendar))
            case_updates.append({
                "id": case_id, "urgency_rank": rank, "urgency_at": at, "served_at": served_at,
                "state": CaseState.ORDER_IN_FORCE if had_hearing else CaseState.SERVED,
                "hearing_deadline_at": hearing_deadline(served_at, hours=window, calendar=calendar),
            })
            if shape is not None:
                built.measured[shape.name] = case_id
                built.references[shape.name] = reference
                built.listed_documents[shape.name] = listed_docs

        # Breaches first: documents point at them. Submissions point at documents.
        for model, name in ((Hearing, "hearing"), (ProtectionOrder, "order"), (OrderEvent, "event"), (Breach, "breach"),
                            (Document, "document"), (CourtSubmission, "submission"), (BundleTick, "tick")):
            common.bulk_insert(db.session, (model.__table__, rows[name]))
        # Bulk UPDATE by primary key, in groups with the same columns.
        for keys in {tuple(sorted(u)) for u in case_updates}:
            group = [u for u in case_updates if tuple(sorted(u)) == keys]
            for start in range(0, len(group), common.INSERT_CHUNK):
                db.session.execute(update(Case), group[start:start + common.INSERT_CHUNK])
        db.session.commit()
    if len(built.measured) != len(SHAPES):
        raise RuntimeError(f"N is too small: {len(built.measured)} measured cases, {len(SHAPES)} needed")
    return built


def live_case_count(app) -> int:
    from sqlalchemy import func, select

    from app.extensions import db
    from app.models import Case, CaseState

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Case).where(Case.state.in_(CaseState.live())))


# ------------------------------------------------------------------ requests


def check_body(page: str, body: str, *, live_cases: int, reference: str = "", documents: int = 0,
               breaches: int = 0) -> None:
    """The page shows what it should, so a fast page is not a broken one."""
    if page == "/dashboard":
        if f"{live_cases} live case" not in body:
            raise RuntimeError(f"/dashboard does not show {live_cases} live cases")
        if "Breach: before the court by" not in body or "Bundle " not in body:
            raise RuntimeError("/dashboard shows no breach clock or bundle progress: the court data is not on page 1")
        return
    if reference not in body:
        raise RuntimeError(f"{page} does not show {reference}")
    if page == "/cases/<id>/court":
        listed = len(re.findall(r'href="/documents/\d+"', body))
        if listed != documents:
            raise RuntimeError(f"{page} for {reference} lists {listed} documents, expected {documents}")
        if f"{breaches} recorded" not in body:
            raise RuntimeError(f"{page} for {reference} does not count {breaches} breaches")
    elif "balance of probabilities" not in body or "Index of the bundle" not in body:
        raise RuntimeError(f"{page} for {reference} is not the presentation printout")


def measure(app, size: int, live_cases: int, built: Built, shapes: dict[str, Shape]) -> list[PageResult]:
    client = app.test_client()
    common.log_in(client)
    targets = [("/dashboard", "/dashboard", None)]
    for page in PAGES[1:]:
        for name, case_id in built.measured.items():
            targets.append((page, page.replace("<id>", str(case_id)), shapes[name]))
    results = []
    with common.StatementCounter(app) as statements:
        for page, path, shape in targets:
            def check(body: str, page=page, shape=shape) -> None:
                check_body(page, body, live_cases=live_cases,
                           reference=built.references[shape.name] if shape else "",
                           documents=built.listed_documents[shape.name] if shape else 0,
                           breaches=shape.breaches if shape else 0)

            results.append(PageResult(
                size=size, live_cases=live_cases, at_court=built.at_court, page=page,
                case=shape.name if shape else "", documents=shape.documents if shape else 0,
                breaches=shape.breaches if shape else 0, **common.time_page(client, statements, path, check=check),
            ))
    return results


def run_size(size: int) -> list[PageResult]:
    from app.extensions import db
    from app.models import Case

    started = time.perf_counter()
    with common.bench_app(f"dvpo-bench-court-{size}-") as app:
        with app.app_context():
            first_case_id = common.next_id(db.session, Case)
        insert_cases(app, max(size, 2 * len(SHAPES)))
        people = extra_officers(app)
        built = add_court_data(app, first_case_id, people)
        live_cases = live_case_count(app)
        print(f"N={size}: {live_cases} live cases, {built.at_court} at court, ready in "
              f"{time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
        return measure(app, size, live_cases, built, {s.name: s for s in SHAPES})


# ------------------------------------------------------------------ report


def print_table(results: list[PageResult]) -> None:
    common.print_table(results, f"{'N':>7} {'court':>6}  {'page':<28} {'case':<6} {'docs':>4} {'brch':>4}",
                       lambda r: f"{r.size:>7} {r.at_court:>6}  {r.page:<28} {r.case:<6} {r.documents or '':>4} {r.breaches or '':>4}")


def main() -> int:
    sizes = common.sizes_from_env("BENCH_SIZES", DEFAULT_SIZES)
    results: list[PageResult] = []
    for size in sizes:
        results.extend(run_size(size))
    print()
    print_table(results)
    # A page's statement count must not change with N, nor with the case measured.
    problems = report.query_count_problems(results, PAGES, lambda r: f"N={r.size}{' ' + r.case if r.case else ''}")
    return report.finish(
        "court", results, problems,
        "the number of SQL statements on the dashboard, the court page and the printout does not grow "
        "with the number of cases, documents, breaches or people",
        requests_per_page=common.REQUESTS, sizes=sizes, measured_cases=[asdict(s) for s in SHAPES],
    )


if __name__ == "__main__":
    sys.exit(main())
