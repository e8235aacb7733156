"""The year's events: each case's steps, taken by people over HTTP (or, for the paperwork
before a decision, through the services, as the integration factories do), on the virtual
clock, with the scheduler process ticking between them whenever a job has something to do."""
from __future__ import annotations

import heapq
import itertools
import logging
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from bs4 import BeautifulSoup
from sqlalchemy import func, select

from app.demo import complete_application
from app.domain.calendar import LONDON
from app.domain.regimes import RegimeCode, regime
from app.domain.timefmt import to_london
from app.extensions import db
from app.models import AssociatedRelationship, Case, MessageStatus, OrderStatus, ProtectionOrder, Referral, RiskLevel, TextMessage, User
from app.services import ValidationFailed, authorisation, cases, referral_queries, referrals
from app.services.calendar import load_calendar
from app.timeutil import utcnow, write_clock_file
from tests.simulation.http import ActionFailed, Staff
from tests.simulation.plan import CasePlan

log = logging.getLogger("simulation")
QUANTUM = timedelta(minutes=5)  # people's actions are gathered into 5-minute steps
# The longest the scheduler is left idle: its 6-hourly job (extending long orders' texts) and
# the heartbeat get a turn at least this often; every other job's due moments are woken for.
MAX_GAP = timedelta(hours=6)
WAITING = (MessageStatus.PLANNED, MessageStatus.CLAIMED, MessageStatus.SENDING, MessageStatus.SENT, MessageStatus.UNKNOWN)


@dataclass
class Tally:
    """What the simulation did, to hold the figures against."""
    counts: Counter = field(default_factory=Counter)
    deadline_checks: int = 0
    deadline_misses: list = field(default_factory=list)
    failures: list = field(default_factory=list)
    ticks: int = 0


@dataclass(frozen=True)
class Account:
    id: int
    email: str


@dataclass
class CaseState:
    plan: CasePlan
    case_id: int | None = None
    application_id: int | None = None
    referral_id: int | None = None
    hearing_deadline: datetime | None = None
    attempts_done: int = 0


def london(instant: datetime) -> tuple[str, str]:
    local = instant.astimezone(LONDON)
    return local.strftime("%Y-%m-%d"), local.strftime("%H:%M")


def ceil_quantum(instant: datetime) -> datetime:
    epoch = datetime(2000, 1, 1, tzinfo=UTC)
    steps = -(-(instant - epoch) // QUANTUM)
    return epoch + steps * QUANTUM


class Year:
    def __init__(self, app, *, clock_file: str, scheduler, people: dict[str, Staff], users: dict, service_id: int,
                 end: datetime, workers: int = 4):
        self.app = app
        self.lock = threading.Lock()
        self.clock_file, self.scheduler, self.people, self.users = clock_file, scheduler, people, users
        self.service_id, self.end = service_id, end
        self.now: datetime | None = None
        self.events: list = []
        self.seq = itertools.count()
        self.tally = Tally()
        self.pool = ThreadPoolExecutor(max_workers=workers)
        self.calendar = load_calendar()

    # -- the clock -----------------------------------------------------------------------

    def move_clock(self, instant: datetime) -> None:
        if self.now is not None and instant < self.now:
            instant = self.now
        self.now = instant
        write_clock_file(self.clock_file, instant)

    def tick(self) -> None:
        ran_to = self.scheduler.tick()
        self.tally.ticks += 1
        if ran_to > self.now:  # the scheduler's own waits (the send rate cap) moved its clock on
            self.move_clock(ran_to)

    def next_wake(self) -> datetime:
        """The next moment a job has something to do."""
        candidates = [self.now + MAX_GAP]
        candidates.append(db.session.scalar(select(func.min(TextMessage.wake_at)).where(TextMessage.status.in_(WAITING))))
        candidates.append(db.session.scalar(select(func.min(ProtectionOrder.ends_at)).where(
            ProtectionOrder.status == OrderStatus.IN_FORCE)))
        candidates.append(db.session.scalar(select(func.min(Referral.due_at)).where(
            Referral.code_breach_at.is_(None), Referral.settled_at.is_(None))))
        db.session.remove()
        # A job runs on the minute after the moment (the scheduler's intervals are a minute).
        return max(self.now + timedelta(minutes=1), min(c + timedelta(minutes=1) for c in candidates if c is not None))

    # -- events --------------------------------------------------------------------------

    def count(self, key: str, n: int = 1) -> None:
        with self.lock:
            self.tally.counts[key] += n

    def at(self, when: datetime, step, state: CaseState) -> None:
        with self.lock:
            heapq.heappush(self.events, (ceil_quantum(when), next(self.seq), step, state))

    def run(self, states: list[CaseState]) -> None:
        for state in states:
            self.at(state.plan.incident_at + timedelta(minutes=30), self.open_case, state)
        self.move_clock(min(e[0] for e in self.events) - timedelta(hours=1))
        self.tick()
        while self.events and self.events[0][0] < self.end:
            due = self.events[0][0]
            while (wake := self.next_wake()) < due:
                self.move_clock(wake)
                self.tick()
            self.move_clock(due)
            batch = []
            while self.events and self.events[0][0] <= self.now:
                batch.append(heapq.heappop(self.events))
            self.run_batch(batch)
        while (wake := self.next_wake()) < self.end:  # the rest of the year: texts, expiries, sweeps
            self.move_clock(wake)
            self.tick()
        self.move_clock(self.end)
        self.tick()

    def run_batch(self, batch) -> None:
        # Paperwork through the services first (this process's database session), then the
        # people's HTTP actions side by side, as two web workers would take them.
        local = [e for e in batch if e[2] == self.open_case]
        remote = [e for e in batch if e[2] != self.open_case]
        for _, _, step, state in local:
            self.attempt(step, state)
        list(self.pool.map(lambda e: self.attempt(e[2], e[3]), remote))

    def attempt(self, step, state: CaseState) -> None:
        try:
            with self.app.app_context():
                try:
                    step(state)
                finally:
                    db.session.remove()
        except (ActionFailed, ValidationFailed) as exc:  # the app refused: a failure of the run, reported
            self.tally.failures.append(f"{step.__name__} case {state.plan.index} at {self.now:%Y-%m-%d %H:%M}Z: {exc}")
            log.warning("%s failed: %s", step.__name__, exc)

    # -- a case's steps ------------------------------------------------------------------

    def officer_for(self, plan: CasePlan) -> User:
        return db.session.get(User, self.users[f"officer-{plan.area}"].id)

    def open_case(self, state: CaseState) -> None:
        plan = state.plan
        officer = self.officer_for(plan)
        details = cases.CaseDetails(
            perpetrator=cases.PersonDetails(plan.reference_name, date(1984, 5, 1 + plan.index % 28)),
            victims=[cases.PersonDetails(f"Simvictim {plan.index:05d}", None, AssociatedRelationship.FORMER_SPOUSE.value)],
            address_line_1=f"{plan.index % 200 + 1} Simulation Road", town="Simtown", postcode="SM1 1AA",
            incident_at=plan.incident_at, risk_level=RiskLevel.HIGH if plan.index % 3 == 0 else RiskLevel.MEDIUM,
            officer_in_case_id=officer.id, area=plan.area, regime=RegimeCode(plan.regime),
        )
        case = cases.open_case(officer, details, force_code="SM")
        complete_application(officer, case, mobile=plan.mobile)
        authorisation.submit(officer, case)
        state.case_id = case.id
        state.application_id = authorisation.current_application(case).id
        self.count(f"opened_{plan.regime}")
        self.at(self.now + plan.authorise_after, self.authorise, state)

    def authorise(self, state: CaseState) -> None:
        values = {"outcome": "authorise", "rationale": "Necessary and proportionate to protect her."}
        for item in regime(RegimeCode(state.plan.regime)).checklist:
            values[f"check_{item.code}"] = "met"
        self.people["superintendent"].submit(f"/authorisations/{state.application_id}", values, "authorise")
        self.count(f"authorised_{state.plan.regime}")
        self.at(self.now + state.plan.serve_after, self.serve, state)

    def serve(self, state: CaseState) -> None:
        plan = state.plan
        day, time = london(self.now - timedelta(minutes=5))
        self.people[f"officer-{plan.area}"].submit(f"/cases/{state.case_id}/serve", {
            "served_date": day, "served_time": time, "hearing_address_answer": "given",
            "address_for_hearing_notice": "c/o 4 Other Road, Simtown",
        }, "serve")
        self.count(f"served_{plan.regime}")
        case = db.session.get(Case, state.case_id)
        state.hearing_deadline = case.hearing_deadline_at
        [referral] = referral_queries.referrals_for(case)
        state.referral_id = referral.id
        send_at = referral.due_at + timedelta(hours=3) if plan.referral_late else self.now + timedelta(hours=1)
        self.at(send_at, self.send_referral, state)
        self.at(self.now + timedelta(minutes=50), self.list_hearing, state)
        self.at(max(self.now, state.hearing_deadline - timedelta(hours=12)), self.check_dashboard, state)

    def send_referral(self, state: CaseState) -> None:
        officer = self.officer_for(state.plan)
        case = db.session.get(Case, state.case_id)
        referral = db.session.get(Referral, state.referral_id)
        details = referrals.ReferralDetails(
            consent=referrals.Consent.CONSENTS, consent_asked_at=utcnow() - timedelta(minutes=30),
            safe_number="07911 123456", safe_to_call=True, safe_times=[referrals.DayPart.EVENING],
            language="English", interpreter=False, police_summary="Served the notice.")
        referrals.save_details(officer, referral, case, details)
        referrals.send(officer, referral, case, self.service_id, self.calendar)
        self.count("referrals_sent")
        if state.plan.referral_late:
            self.count("referrals_sent_late")
        for n in range(state.plan.attempts):
            self.at(self.now + timedelta(days=n + 1, hours=2), self.contact_attempt, state)

    def contact_attempt(self, state: CaseState) -> None:
        worker = self.people["caseworker"]
        referral = db.session.get(Referral, state.referral_id)
        if referral.accepted_at is None:
            worker.submit(f"/referrals/{state.referral_id}/accept", {}, "casework_accept",
                          form_path=f"/referrals/{state.referral_id}")
        day, time = london(self.now - timedelta(minutes=10))
        last = state.attempts_done + 1 == state.plan.attempts
        worker.submit(f"/referrals/{state.referral_id}/attempts/new", {
            "attempted_date": day, "attempted_time": time, "method": "withheld_call",
            "outcome": "engaged" if last else "no_answer", "notes": "",
        }, "casework_attempt")
        state.attempts_done += 1
        if last:
            self.count("victims_engaged")
        self.count("contact_attempts")

    def list_hearing(self, state: CaseState) -> None:
        starts = state.hearing_deadline - state.plan.hearing_before_deadline
        day, time = london(starts)
        self.people[f"officer-{state.plan.area}"].submit(f"/cases/{state.case_id}/court/listing", {
            "court_name": "Simtown Magistrates", "starts_date": day, "starts_time": time, "late_reason": "",
        }, "listing")
        self.count("hearings_listed")
        self.at(starts + timedelta(minutes=30), self.record_outcome, state)

    def record_outcome(self, state: CaseState) -> None:
        plan = state.plan
        values = {"outcome": "granted" if plan.granted else "refused", "contested": "no",
                  "made_on": to_london(self.now).date().isoformat(), "notes": ""}
        if plan.granted:
            values["conditions"] = ["no_molest", "no_enter"]
            if plan.order_days is None:
                values["until_further_order"] = "y"
            else:
                values["days"] = str(plan.order_days)
        self.people[f"officer-{plan.area}"].submit(f"/cases/{state.case_id}/court/outcome", values, "outcome")
        self.count("orders_granted" if plan.granted else "orders_refused")
        if plan.granted:
            self.count(f"orders_granted_{plan.regime}")
        if plan.granted and plan.breach_after is not None:
            self.at(self.now + plan.breach_after, self.record_breach, state)

    def record_breach(self, state: CaseState) -> None:
        case = db.session.get(Case, state.case_id)
        if case.order_in_force is None:  # it ended first (a DAPO's end, say)
            return
        day, time = london(self.now - timedelta(hours=2))
        self.people[f"officer-{state.plan.area}"].submit(f"/cases/{state.case_id}/breaches/new", {
            "occurred_date": day, "occurred_time": time, "description": "Came to the house and shouted at her.",
            "source": "victim", "arrested": "no",
        }, "breach")
        self.count("breaches")

    # -- the dashboard -------------------------------------------------------------------

    def check_dashboard(self, state: CaseState) -> None:
        """Twelve hours before the hearing deadline (or at once, if less is left), the case is
        on the dashboard with a clock due no later than that deadline."""
        case = db.session.get(Case, state.case_id)
        if any(h.starts_at <= self.now for h in case.hearings):  # the hearing began: the deadline is met
            return
        self.tally.deadline_checks += 1
        reference, deadline = case.reference, state.hearing_deadline
        viewer = self.people["supervisor"]
        page = 1
        while True:
            html = viewer.get(f"/dashboard?page={page}", "dashboard").text
            soup = BeautifulSoup(html, "html.parser")
            for row in soup.select("#case-rows tr"):
                link = row.find("a")
                if link is not None and link.get_text(strip=True) == reference:
                    shown = row.select_one(".app-clock__deadline")
                    if shown is None:
                        self.tally.deadline_misses.append(f"{reference}: on the dashboard with no clock")
                    return
            pages = [int(a.get("href").rsplit("=", 1)[1]) for a in soup.select("a[href*='/dashboard?page=']")
                     if a.get("href").rsplit("=", 1)[1].isdigit()]
            if not pages or max(pages) <= page:
                self.tally.deadline_misses.append(f"{reference}: hearing deadline {deadline:%Y-%m-%d %H:%M}Z not on the dashboard")
                return
            page += 1
