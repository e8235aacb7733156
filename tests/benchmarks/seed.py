"""A realistic seed for the benchmarks: N cases in every state, made by the real services.

    seed.build(app, n) -> SeedReport

Bulk inserts alone give a database the pages never see in practice (the old dashboard seed
had served cases with no sort key, so page 1 at 10,000 cases showed drafts with no clock).
Here every row is written by the services or copied from a row they wrote:

1. Templates, through the services (the demo data, app/demo.py, then TEMPLATES below): a
   case in every state (draft, awaiting authorisation, authorised, refused, served with
   hearing clocks from 1 to 46 hours left, a hearing listed, an adjourned hearing, an
   order in force, DVPO and DAPO, with an order made elsewhere, an order refused, an
   application withdrawn, a notice closed as lapsed, an order ended with a breach awaiting
   court, closed), with running clocks, breach arrests (of a notice, a DVPO, a DAPO),
   reminder texts (planned and sent through the outbox transport), Victims' Code
   referrals with casework, DAPO notifications, geofences and the audit trail.
2. Their cached clocks are refreshed with `clock_refresh.refresh_live_cases` (what `flask
   clocks refresh` runs) at the seed's moment.
3. To reach N, each template is copied with Core inserts (new ids, every foreign key
   followed, new names for the people so that no two copies look like the same person),
   in proportion to WEIGHTS: most live cases nationally are orders in force, few have P
   under arrest at any moment. Copies keep their template's instants, so every cached
   value (sort key, hearing deadline, a breach's court deadline, referral and text due
   times) is what the services computed for the template. The search index and people's
   match keys of the copies are written by `search_index.refresh`, as the services do.
4. `verify` recomputes the cached clocks of a sample of cases with the services
   (`clock_cache.refresh_urgency`, `hearing_deadline_for`) and fails loudly on any
   difference: the seed cannot drift from the services unnoticed.

With n=10 the seed is the demo's ten cases and nothing else. The clock is frozen at the
moment the seed starts and the app's clock then runs from the returned `now`.
"""
from __future__ import annotations

import json
import shutil
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

DEMO_CASES = 10
OFFICER_EMAIL = "officer@demo.police.uk"
SUPERINTENDENT_EMAIL = "superintendent@demo.police.uk"
CHUNK = 2000
# Derived per person from facts the copies change (names): rewritten by search_index.
# Person-link decisions are officers' decisions about two real people: never copied. The
# trial's allocations are a concealed sequence: never fabricated.
NOT_COPIED = {"person_match_key", "person_identity_link", "person_match_decision", "trial_allocation",
              "trial_allocation_error"}
FIRST = ("James", "Oliver", "Mohammed", "Harry", "Jack", "Emily", "Sophie", "Olivia", "Amelia", "Jessica",
         "Daniel", "Thomas", "Chloe", "Megan", "Ryan", "Lewis", "Aisha", "Priya", "Connor", "Lauren", "Kieran",
         "Zara", "Callum", "Niamh", "Tyler", "Hannah", "Bilal", "Grace", "Owen", "Ellie")
LAST = ("Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Robinson",
        "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Khan", "Clarke",
        "Jackson", "Hughes", "Edwards", "Turner", "Hill", "Moore", "Ward", "Morris", "King", "Harris", "Lewis",
        "Baker", "Carter", "Mitchell", "Phillips", "Begum", "Price", "Bennett", "Griffiths", "Lloyd", "Shaw")


@dataclass
class SeedReport:
    cases: int
    live_cases: int
    templates: int
    now: datetime
    seconds: float
    states: dict[str, int]
    rows: dict[str, int]
    verified: int
    copies_per_template: dict[int, int] = field(default_factory=dict)

    def facts(self) -> dict:
        return {"cases": self.cases, "live_cases": self.live_cases, "templates": self.templates,
                "seconds": round(self.seconds, 1), "states": self.states, "rows": self.rows,
                "verified_sample": self.verified, "now": self.now.isoformat()}


def build(app, n: int, *, owner_app=None) -> SeedReport:
    """Seed `app` (migrated, with the demo data) to `n` cases; return what was made.

    `owner_app` (PostgreSQL): an app on the tables' owner, used for the bulk copy, which
    must move the id sequences past the copied ids (the app's role may only read them)."""
    from sqlalchemy import func, select, text

    from app.extensions import db
    from app.models import Case
    from app.services.calendar import load_calendar
    from app.services.clock_refresh import refresh_live_cases
    from app.timeutil import frozen_at, utcnow

    if n < DEMO_CASES:
        raise ValueError(f"the seed starts from the demo's {DEMO_CASES} cases: n must be at least {DEMO_CASES}")
    started = time.perf_counter()
    with app.app_context():
        now = utcnow().replace(microsecond=0)
        have = db.session.scalar(select(func.count(Case.id)))
        if have != DEMO_CASES:
            raise RuntimeError(f"expected the demo's {DEMO_CASES} cases in a fresh database, found {have}")
    with frozen_at(now):
        with app.app_context():
            if n > DEMO_CASES:
                make_templates(app, now)
            refresh_live_cases(load_calendar())
            template_ids = db.session.scalars(select(Case.id).order_by(Case.id)).all()
            copies = copies_per_template(app, template_ids, n)
        if sum(copies.values()):
            with (owner_app or app).app_context():
                new_ids = copy_templates(owner_app or app, copies)
            with app.app_context():
                from app.services import search_index

                for start in range(0, len(new_ids), CHUNK):
                    search_index.refresh(db.session, new_ids[start:start + CHUNK])
                    db.session.commit()
            if owner_app is not None:
                # PostgreSQL: the tables as autovacuum keeps them in a database that grew
                # over years: statistics for the planner (straight after a bulk copy it
                # would still plan for the demo's ten cases) and the visibility map, which
                # lets a count read an index alone. VACUUM runs outside a transaction.
                with owner_app.app_context(), \
                        db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                    conn.execute(text("VACUUM ANALYZE"))
        with app.app_context():
            verified = verify(app, sample_ids(template_ids, n))
            report = _report(app, template_ids, copies, now, verified, time.perf_counter() - started)
    if report.cases != n:
        raise RuntimeError(f"seeded {report.cases} cases, not {n}")
    return report


# ------------------------------------------------------------------ templates, by the services


def make_templates(app, now: datetime) -> None:
    from sqlalchemy import select

    from app.extensions import db
    from app.models import User

    officer = db.session.scalar(select(User).where(User.email == OFFICER_EMAIL))
    superintendent = db.session.scalar(select(User).where(User.email == SUPERINTENDENT_EMAIL))
    t = _Templates(app, officer, superintendent, now)
    for hours_left in (1, 5, 9, 14, 20, 26, 33, 40, 46):
        t.served(hours_left=hours_left)
    t.authorised()
    t.refused()
    t.hearing_listed()
    t.adjourned()
    t.notice_breach_arrested()
    t.order_refused()
    t.withdrawn()
    t.lapsed()
    t.order_with_texts()
    t.dapo_breach_arrested()
    t.order_ended(with_open_breach=True)
    t.order_ended(with_open_breach=False)
    t.texts_sent()


class _Templates:
    """One case per call, through the services, with the demo's usual answers."""

    def __init__(self, app, officer, superintendent, now: datetime):
        from app.services.calendar import load_calendar

        self.app, self.officer, self.superintendent, self.now = app, officer, superintendent, now
        self.calendar = load_calendar()
        self.count = 0

    def _details(self, *, hours_ago: float, regime=None):
        from app.domain.regimes import RegimeCode
        from app.models import AssociatedRelationship, RiskLevel
        from app.services import cases

        self.count += 1
        i = self.count
        risks = list(RiskLevel)
        return cases.CaseDetails(
            perpetrator=cases.PersonDetails(f"{FIRST[i % len(FIRST)]} {LAST[(i * 7) % len(LAST)]}",
                                            date(1970 + i % 30, 1 + i % 12, 1 + i % 27)),
            victims=[cases.PersonDetails(f"{FIRST[(i + 11) % len(FIRST)]} {LAST[(i * 5 + 3) % len(LAST)]}", None,
                                         AssociatedRelationship.FORMER_COHABITANT.value)],
            children=[cases.PersonDetails(f"{FIRST[(i + 3) % len(FIRST)]} Child", date(2016, 3, 1 + i % 27), "V's child")]
            if i % 3 == 0 else [],
            address_line_1=f"{i + 10} Template Road", town="Testbury", postcode=f"TB{i % 9 + 1} 3AB",
            incident_at=self.now - timedelta(hours=hours_ago), risk_level=risks[i % len(risks)],
            officer_in_case_id=self.officer.id, area=("North", "South", "East", "West")[i % 4],
            regime=regime or RegimeCode.DVPN,
        )

    def _applied(self, details, *, mobile: bool = True):
        from flask import current_app

        from app import demo
        from app.services import authorisation, cases
        from app.timeutil import frozen_at

        with frozen_at(details.incident_at + timedelta(minutes=20)):
            case = cases.open_case(self.officer, details, force_code=current_app.config["FORCE_CODE"])
        with frozen_at(details.incident_at + timedelta(minutes=40)):
            demo.complete_application(self.officer, case, mobile=f"0712345{case.id:04d}" if mobile else None)
            authorisation.submit(self.officer, case)
        return case

    def _decided(self, case, outcome, at: datetime):
        from app import demo
        from app.domain.regimes import regime
        from app.services import authorisation
        from app.settings import current_settings
        from app.timeutil import frozen_at

        with frozen_at(at):
            authorisation.decide(
                self.superintendent, case, authorisation.current_application(case), outcome=outcome,
                rationale=demo.DEMO_RATIONALE, answers={i.code: (True, "") for i in regime(case.regime).checklist},
                calendar=self.calendar, referral_settings=current_settings().referrals)

    def _served(self, details, *, served_at: datetime | None = None, mobile: bool = True):
        from flask import current_app

        from app.models import DecisionOutcome
        from app.services import cases
        from app.settings import current_settings
        from app.timeutil import frozen_at

        case = self._applied(details, mobile=mobile)
        served_at = served_at or details.incident_at + timedelta(hours=2)
        self._decided(case, DecisionOutcome.AUTHORISE, served_at - timedelta(minutes=45))
        with frozen_at(served_at + timedelta(minutes=10)):
            cases.record_dvpn_served(self.officer, case, served_at=served_at,
                                     window_hours=current_app.config["HEARING_WINDOW_HOURS"], calendar=self.calendar,
                                     referral_settings=current_settings().referrals)
        return case

    def _listed(self, case, starts_at: datetime):
        from app.services import court
        from app.timeutil import frozen_at

        with frozen_at(case.served_at + timedelta(hours=1)):
            return court.list_hearing(self.officer, case, court_name="Testbury Magistrates' Court",
                                      starts_at=starts_at, late_reason="The court had no earlier slot.",
                                      calendar=self.calendar)

    def _outcome(self, case, hearing, outcome, at: datetime, **more):
        from app.services import court
        from app.settings import current_settings
        from app.timeutil import frozen_at

        with frozen_at(at):
            court.record_outcome(self.officer, case, hearing, outcome=outcome, contested=False, notes="",
                                 calendar=self.calendar, texts=current_settings().texts,
                                 orders=current_settings().orders, **more)

    def _granted(self, *, days_ago: float, days: int | None, regime=None, mobile: bool = True):
        from app.domain.calendar import LONDON
        from app.models import HearingOutcome

        details = self._details(hours_ago=days_ago * 24 + 4, regime=regime)
        case = self._served(details, mobile=mobile)
        hearing = self._listed(case, case.served_at + timedelta(hours=20))
        self._outcome(case, hearing, HearingOutcome.GRANTED, hearing.starts_at + timedelta(hours=1),
                      days=days, until_further_order=days is None,
                      made_on=hearing.starts_at.astimezone(LONDON).date(),
                      conditions=[{"kind": "no_molest"}, {"kind": "no_enter"}])
        return case

    def _breach(self, case, *, hours_ago: float, arrested: bool):
        from app.models import BreachSource
        from app.services import breaches
        from app.timeutil import frozen_at

        occurred = self.now - timedelta(hours=hours_ago)
        with frozen_at(occurred + timedelta(minutes=50)):
            breaches.record_breach(self.officer, case, occurred_at=occurred, description="Seen at V's door.",
                                   source=BreachSource.VICTIM,
                                   arrested_at=occurred + timedelta(minutes=40) if arrested else None,
                                   arresting_officer="PC 5521 Osei" if arrested else "", calendar=self.calendar)

    # --- one per state

    def served(self, *, hours_left: float):
        from flask import current_app

        from app import demo

        served_at = demo._served_at_leaving(hours_left, self.now, self.calendar, current_app.config["HEARING_WINDOW_HOURS"])
        details = self._details(hours_ago=(self.now - served_at) / timedelta(hours=1) + 2)
        return self._served(details, served_at=served_at)

    def authorised(self):
        from app.models import DecisionOutcome

        details = self._details(hours_ago=3)
        self._decided(self._applied(details), DecisionOutcome.AUTHORISE, details.incident_at + timedelta(hours=1))

    def refused(self):
        from app.models import DecisionOutcome

        details = self._details(hours_ago=5)
        self._decided(self._applied(details), DecisionOutcome.REFUSE, details.incident_at + timedelta(hours=1))

    def hearing_listed(self):
        case = self._served(self._details(hours_ago=20))
        self._listed(case, self.now + timedelta(hours=6))

    def adjourned(self):
        from app.models import HearingOutcome

        case = self._served(self._details(hours_ago=30))
        hearing = self._listed(case, case.served_at + timedelta(hours=20))
        self._outcome(case, hearing, HearingOutcome.ADJOURNED, hearing.starts_at + timedelta(minutes=30),
                      next_starts_at=self.now + timedelta(hours=20), next_court="")

    def notice_breach_arrested(self):
        case = self._served(self._details(hours_ago=16))
        self._breach(case, hours_ago=3, arrested=True)

    def order_refused(self):
        from app.models import HearingOutcome

        case = self._served(self._details(hours_ago=40))
        hearing = self._listed(case, case.served_at + timedelta(hours=22))
        self._outcome(case, hearing, HearingOutcome.REFUSED, hearing.starts_at + timedelta(hours=1))

    def withdrawn(self):
        from app.models import HearingOutcome

        case = self._served(self._details(hours_ago=44))
        hearing = self._listed(case, case.served_at + timedelta(hours=21))
        self._outcome(case, hearing, HearingOutcome.WITHDRAWN, hearing.starts_at + timedelta(minutes=20))

    def lapsed(self):
        from app.services import lapse
        from app.timeutil import frozen_at

        case = self._served(self._details(hours_ago=120))
        with frozen_at(self.now - timedelta(hours=2)):
            lapse.close_as_lapsed(self.officer, case, reason="The court could not list the hearing in time.",
                                  confirmed=True, calendar=self.calendar)

    def order_with_texts(self):
        """A DVPO granted with the trial off, so its reminder texts are planned."""
        from app.services import trial
        from app.timeutil import frozen_at

        admin = self._admin()
        with frozen_at(self.now - timedelta(days=9)):
            trial.switch(admin, running=False, stratified=False, reason="Benchmark seed: texts for every order")
        self._granted(days_ago=8, days=28)
        with frozen_at(self.now - timedelta(days=6)):
            trial.switch(admin, running=True, stratified=False, reason="Benchmark seed: the trial runs again")

    def texts_sent(self):
        """The reminder texts that were due by now go out through the outbox transport."""
        from app.services.dispatch import dispatch_due
        from app.settings import current_settings
        from app.sms import build_transport

        settings = current_settings()
        dispatch_due(build_transport(self.app.config), settings.texts, settings.dispatch, now_fn=lambda: self.now)

    def dapo_breach_arrested(self):
        from app.domain.regimes import RegimeCode

        case = self._granted(days_ago=5, days=None, regime=RegimeCode.DAPN, mobile=False)
        self._breach(case, hours_ago=2, arrested=True)

    def order_ended(self, *, with_open_breach: bool):
        from app.services import court
        from app.settings import current_settings
        from app.timeutil import frozen_at

        case = self._granted(days_ago=20, days=14, mobile=False)
        if with_open_breach:
            self._breach(case, hours_ago=24 * 10, arrested=False)
        with frozen_at(self.now - timedelta(days=4)):
            court.expire_orders(self.calendar, current_settings().texts)

    def _admin(self):
        from sqlalchemy import select

        from app.extensions import db
        from app.models import Role, User

        return db.session.scalar(select(User).where(User.role == Role.ADMIN).limit(1))


# ------------------------------------------------------------------ copies


WEIGHTS = {  # copies of a template, relative; states not listed weigh 1
    "order_in_force": 8, "served": 3, "closed": 4, "draft": 1, "awaiting_authorisation": 1,
}


def weight(state: str, urgency_rank: int) -> float:
    if urgency_rank == 0:
        return 0.2  # P under arrest right now: rare
    return WEIGHTS.get(state, 1)


def copies_per_template(app, template_ids: list[int], n: int) -> dict[int, int]:
    """How many copies of each template make `n` cases in all, in proportion to their weight."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Case

    wanted = n - len(template_ids)
    if wanted < 0:
        raise ValueError(f"{n} cases is fewer than the {len(template_ids)} templates")
    rows = db.session.execute(select(Case.id, Case.state, Case.urgency_rank).where(Case.id.in_(template_ids))).all()
    weights = {case_id: weight(str(state.value), rank) for case_id, state, rank in rows}
    return apportion(weights, wanted)


def apportion(weights: dict[int, float], total: int) -> dict[int, int]:
    """Split `total` over the keys in proportion to their weights (largest remainders)."""
    whole = sum(weights.values())
    shares = {k: total * w / whole for k, w in weights.items()}
    result = {k: int(s) for k, s in shares.items()}
    for k in sorted(shares, key=lambda k: (result[k] - shares[k], k))[:total - sum(result.values())]:
        result[k] += 1
    return result


def copy_templates(app, copies: dict[int, int]) -> list[int]:
    """Copy each template case `copies[id]` times with every row that belongs to it; the new case ids."""
    from sqlalchemy import func, insert, select

    from app.extensions import db

    tables = [t for t in db.metadata.sorted_tables if t.name not in NOT_COPIED]
    owned: dict[str, dict[int, list[dict]]] = {}  # table -> template case id -> its rows
    ids: dict[str, dict[tuple[int, int], int]] = {}  # table -> (copy number, old id) -> new id
    plan = [(case_id, k) for case_id, count in sorted(copies.items()) for k in range(count)]
    copy_no = {pair: i for i, pair in enumerate(plan)}
    upload_folder = Path(app.config["UPLOAD_FOLDER"])
    for table in tables:
        rows_by_case = _template_rows(table, owned, list(copies))
        if rows_by_case is None:
            continue
        owned[table.name] = rows_by_case
        if "id" in table.c:  # (geofence_cell's key is its columns: nothing refers to it)
            next_id = (db.session.scalar(select(func.max(table.c.id))) or 0) + 1
            table_ids: dict[tuple[int, int], int] = {}
            for case_id, k in plan:
                for row in rows_by_case.get(case_id, ()):
                    table_ids[(copy_no[(case_id, k)], row["id"])] = next_id
                    next_id += 1
            ids[table.name] = table_ids
        batch: list[dict] = []
        for case_id, k in plan:
            c = copy_no[(case_id, k)]
            for row in rows_by_case.get(case_id, ()):
                batch.append(_copied_row(table, row, c, ids, upload_folder))
                if len(batch) >= CHUNK:
                    db.session.execute(insert(table), batch)
                    batch = []
        if batch:
            db.session.execute(insert(table), batch)
    _move_sequences([t.name for t in tables if t.name in ids])
    db.session.commit()
    return sorted(ids["case_file"].values())


def _template_rows(table, owned, template_ids) -> dict[int, list[dict]] | None:
    """The table's rows that belong to each template case, or None if it holds no case's rows."""
    from sqlalchemy import select

    from app.extensions import db

    if table.name == "case_file":
        rows = db.session.execute(select(table).where(table.c.id.in_(template_ids)).order_by(table.c.id)).mappings()
        return {r["id"]: [dict(r)] for r in rows}
    if "case_id" in table.c and any(fk.column.table.name == "case_file" for fk in table.c.case_id.foreign_keys):
        result: dict[int, list[dict]] = {}
        for r in db.session.execute(select(table).where(table.c.case_id.in_(template_ids)).order_by(table.c.id)).mappings():
            result.setdefault(r["case_id"], []).append(dict(r))
        return result
    for fk in table.foreign_keys:  # a child of a case's row (sections of an application, calls of a referral)
        parent = owned.get(fk.column.table.name)
        if parent is None or fk.parent.nullable:
            continue
        case_of = {row["id"]: case_id for case_id, rows in parent.items() for row in rows}
        result = {}
        column = table.c[fk.parent.name]
        for r in db.session.execute(select(table).where(column.in_(list(case_of)))
                                    .order_by(*table.primary_key.columns)).mappings():
            result.setdefault(case_of[r[fk.parent.name]], []).append(dict(r))
        return result
    return None


def _copied_row(table, row: dict, c: int, ids, upload_folder: Path) -> dict:
    new = dict(row)
    if "id" in row:
        new["id"] = ids[table.name][(c, row["id"])]
    for fk in table.foreign_keys:
        name, target = fk.parent.name, fk.column.table.name
        if target in ids and row[name] is not None:
            new[name] = ids[target][(c, row[name])]
    for column in ("mobile_e164", "to_e164"):  # trial_enrolment, text_message: P's number
        if row.get(column):
            new[column] = _mobile(c)
    if table.name == "referral" and row.get("safe_number"):  # V's number, also in what was sent
        new["safe_number"] = _mobile(c, victim=True)
        if row.get("content"):
            new["content"] = json.loads(json.dumps(row["content"]).replace(row["safe_number"], new["safe_number"]))
    elif table.name == "person" and row.get("date_of_birth"):
        # Names cycle (see _name): with the template's date of birth kept, 155 people shared
        # one date of birth and name. Earlier by up to a year: no adult becomes a child.
        new["date_of_birth"] = row["date_of_birth"] - timedelta(days=c % 365)
    if table.name == "case_file":
        new["reference"] = f"BENCH-{new['id']:07d}"
        if isinstance(row.get("origin_phone"), dict) and row["origin_phone"].get("mobile_e164"):
            new["origin_phone"] = {**row["origin_phone"], "mobile_e164": _mobile(c)}
    elif table.name == "person":
        new["full_name"] = _name(new["id"], row["kind"].value if hasattr(row["kind"], "value") else str(row["kind"]))
    elif table.name == "application_section" and isinstance(row["data"], dict) and "victim_id" in row["data"]:
        new["data"] = {**row["data"], "victim_id": ids["person"][(c, row["data"]["victim_id"])]}
    elif table.name == "application_section" and isinstance(row["data"], dict) and row["data"].get("mobile_e164"):
        new["data"] = {**row["data"], "mobile_e164": _mobile(c)}
    elif table.name in ("text_message", "email_message"):
        new["uuid"] = uuid.uuid4() if isinstance(row["uuid"], uuid.UUID) else str(uuid.uuid4())
    elif table.name == "document":
        new["stored_name"] = uuid.uuid4().hex
        source = upload_folder / row["stored_name"]
        if source.exists():
            shutil.copyfile(source, upload_folder / new["stored_name"])
    return new


def _mobile(c: int, *, victim: bool = False) -> str:
    """P's mobile (V's safe number with `victim`) on copy `c`. Copied unchanged, one number was P's on hundreds of cases
    (844 people shared one at 10,000), so every case page suggested hundreds of possible
    matches (services/person_matches), which no force has. One copy in ten keeps the
    number of the copy before it: a repeat perpetrator, as forces do see."""
    return f"+447{8 if victim else 7}{(c - 1 if c % 10 == 1 else c):08d}"


def _name(person_id: int, kind: str) -> str:
    first = FIRST[(person_id * 7) % len(FIRST)]
    last = LAST[(person_id // len(FIRST)) % len(LAST)]
    middle = FIRST[(person_id // (len(FIRST) * len(LAST))) % len(FIRST)]
    return f"{first} {middle} {last}" if kind != "child" else f"{first} {last}"


def _move_sequences(table_names: list[str]) -> None:
    """PostgreSQL: each id sequence past the highest id, or the app's next insert collides."""
    from sqlalchemy import text

    from app.extensions import db

    if db.engine.dialect.name != "postgresql":
        return
    for name in table_names:
        db.session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), (SELECT max(id) FROM \"{name}\"))"))


# ------------------------------------------------------------------ checks


def sample_ids(template_ids: list[int], n: int, size: int = 60) -> list[int]:
    """Every template, and `size` copies spread over the whole range of ids."""
    last = max(template_ids)
    copies = range(last + 1, last + 1 + n - len(template_ids))
    step = max(1, len(copies) // size)
    return sorted(set(template_ids) | set(copies[::step]))


def verify(app, case_ids: list[int]) -> int:
    """Recompute with the services what is cached on these cases; raise on any difference."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Breach, Case, CaseState
    from app.services.calendar import load_calendar
    from app.services.clock_cache import court_deadline_for, hearing_deadline_for, refresh_urgency

    calendar = load_calendar()
    problems = []
    cases = db.session.scalars(select(Case).where(Case.id.in_(case_ids))).all()
    for case in cases:
        stored = (case.urgency_rank, case.urgency_at, case.hearing_deadline_at,
                  [(b.id, b.court_deadline_at) for b in case.breaches])
        if case.state in CaseState.live():
            refresh_urgency(case, calendar)
        recomputed = (case.urgency_rank, case.urgency_at,
                      hearing_deadline_for(case, calendar) if case.served_at else None,
                      [(b.id, court_deadline_for(case, b, calendar) if b.arrest_open else b.court_deadline_at)
                       for b in case.breaches])
        if stored != recomputed:
            problems.append(f"case {case.id} ({case.state.value}): stored {stored}, services say {recomputed}")
    db.session.rollback()
    if len(cases) != len(set(case_ids)):
        problems.append(f"{len(set(case_ids)) - len(cases)} sampled cases are missing")
    if problems:
        raise RuntimeError("the seed's cached clocks differ from the services':\n  " + "\n  ".join(problems[:10]))
    assert Breach  # imported for the relationship's mapper
    return len(cases)


def _report(app, template_ids, copies, now, verified, seconds) -> SeedReport:
    from sqlalchemy import func, select, text

    from app.extensions import db
    from app.models import Case, CaseState

    states = Counter({s.value: c for s, c in db.session.execute(select(Case.state, func.count()).group_by(Case.state))})
    rows = {}
    for name in ("case_file", "person", "hearing", "protection_order", "breach", "text_message", "referral",
                 "contact_attempt", "order_notification", "audit_entry", "person_match_key"):
        rows[name] = db.session.scalar(text(f'SELECT count(*) FROM "{name}"'))
    live = sum(c for s, c in states.items() if CaseState(s).is_live)
    return SeedReport(cases=sum(states.values()), live_cases=live, templates=len(template_ids), now=now,
                      seconds=seconds, states=dict(sorted(states.items())), rows=rows, verified=verified,
                      copies_per_template=copies)
