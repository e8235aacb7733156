"""The year's events: each case's steps, taken by people over HTTP (or, for the paperwork
before a decision, through the services, as the integration factories do), on the virtual
clock, with the scheduler process ticking between them whenever a job has something to do."""
from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import requests
from bs4 import BeautifulSoup
from pyproj import Geod
from sqlalchemy import func, select

from app.demo import complete_application
from app.domain.calendar import LONDON
from app.domain.regimes import RegimeCode, regime
from app.domain.timefmt import to_london
from app.extensions import db
from app.models import (
    AssociatedRelationship,
    Breach,
    Case,
    GeofenceAlert,
    MessageStatus,
    OrderStatus,
    ProtectionOrder,
    Referral,
    RiskLevel,
    TextMessage,
    User,
)
from app.services import ValidationFailed, authorisation, cases, referral_queries, referrals
from app.services.calendar import load_calendar
from app.timeutil import utcnow, write_clock_file
from tests.simulation.http import ActionFailed, Staff, send
from tests.simulation.plan import CasePlan, PatrolPlan

log = logging.getLogger("simulation")
QUANTUM = timedelta(minutes=5)  # people's actions are gathered into 5-minute steps
# The longest the scheduler is left idle: its 6-hourly job (extending long orders' texts) and
# the heartbeat get a turn at least this often; every other job's due moments are woken for.
MAX_GAP = timedelta(hours=6)
WAITING = (MessageStatus.PLANNED, MessageStatus.CLAIMED, MessageStatus.SENDING, MessageStatus.SENT, MessageStatus.UNKNOWN)
GEOFENCE_START = timedelta(hours=72)  # GEOFENCE_START_HOURS, the app's default, which the simulation keeps
NEARBY_METRES = 600  # a pass this far from the victim's address: outside the 200 m geofence
GEOD = Geod(ellps="WGS84")


@dataclass
class Tally:
    """What the simulation did, to hold the figures against."""
    counts: Counter = field(default_factory=Counter)
    deadline_checks: int = 0
    deadline_misses: list = field(default_factory=list)
    failures: list = field(default_factory=list)
    ticks: int = 0
    # The welfare-visit alerts: (case id, officer id) of every pass inside a live geofence,
    # and whatever went wrong between a pass and the visit it should lead to.
    alerts_expected: set = field(default_factory=set)
    patrol_problems: list = field(default_factory=list)
    receipts_posted: int = 0
    receipt_problems: list = field(default_factory=list)
    # On which page of the dashboard each checked case was found (1: the first).
    dashboard_pages: Counter = field(default_factory=Counter)
    # Wall seconds of the driver's loop, by what it was doing.
    seconds: Counter = field(default_factory=Counter)


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
    order_made_at: datetime | None = None  # the start of the hearing that made it
    order_ends_at: datetime | None = None
    home: tuple[float, float] | None = None  # the geofence's centre, which the officer enters
    breach_id: int | None = None


def london(instant: datetime) -> tuple[str, str]:
    local = instant.astimezone(LONDON)
    return local.strftime("%Y-%m-%d"), local.strftime("%H:%M")


def ceil_quantum(instant: datetime) -> datetime:
    epoch = datetime(2000, 1, 1, tzinfo=UTC)
    steps = -(-(instant - epoch) // QUANTUM)
    return epoch + steps * QUANTUM


def home_of(index: int) -> tuple[float, float]:
    """The victim's address, as the officer enters it for the geofence: a grid over England,
    points about 2 km apart, so no pass near one is inside another's 200 m."""
    return round(50.9 + (index // 60) * 0.02, 6), round(-3.0 + (index % 60) * 0.05, 6)


def east_of(point: tuple[float, float], metres: float) -> tuple[float, float]:
    lon, lat, _ = GEOD.fwd(point[1], point[0], 90, metres)
    return lat, lon


class Year:
    def __init__(self, app, *, clock_file: str, scheduler, people: dict[str, Staff], users: dict, service_id: int,
                 end: datetime, devices: dict[str, str], vonage, base_url: str, signature_secret: str,
                 workers: int = 4):
        self.app = app
        self.lock = threading.Lock()
        self.clock_file, self.scheduler, self.people, self.users = clock_file, scheduler, people, users
        self.service_id, self.end = service_id, end
        self.devices = devices  # area -> the identifier of the area officer's work phone
        self.vonage, self.base_url, self.signature_secret = vonage, base_url, signature_secret
        self.receipts_seen = 0
        self.provider = requests.Session()  # Vonage calling the app's receipt webhook
        self.phones = {area: requests.Session() for area in devices}  # Traccar Client on each phone
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
        started = time.perf_counter()
        ran_to = self.scheduler.tick()
        self.tally.ticks += 1
        self.tally.seconds["scheduler_ticks"] += time.perf_counter() - started
        if ran_to > self.now:  # the scheduler's own waits (the send rate cap) moved its clock on
            self.move_clock(ran_to)
        self.post_receipts()

    def post_receipts(self) -> None:
        """Vonage's delivery receipts for the texts the fake took since the last tick, posted
        to the app's webhook as Vonage posts them (signed, a form body); every fifth twice, as
        Vonage repeats a receipt it thinks was not taken."""
        refs, self.receipts_seen = self.vonage.accepted_since(self.receipts_seen)
        if not refs:
            return
        started = time.perf_counter()
        for n, ref in enumerate(refs):
            params = self.vonage.receipt(ref, signature_secret=self.signature_secret, method="md5hash", now=self.now)
            for _ in range(2 if n % 5 == 0 else 1):
                response = send(self.provider, "POST", self.base_url + "/webhooks/vonage/delivery", data=params, timeout=60)
                self.tally.receipts_posted += 1
                if response.status_code != 204:
                    self.tally.receipt_problems.append(f"receipt for a text answered HTTP {response.status_code}")
        self.tally.seconds["receipts"] += time.perf_counter() - started

    def next_wake(self) -> datetime:
        """The next moment a job has something to do."""
        started = time.perf_counter()
        candidates = [self.now + MAX_GAP]
        candidates.append(db.session.scalar(select(func.min(TextMessage.wake_at)).where(TextMessage.status.in_(WAITING))))
        candidates.append(db.session.scalar(select(func.min(ProtectionOrder.ends_at)).where(
            ProtectionOrder.status == OrderStatus.IN_FORCE)))
        candidates.append(db.session.scalar(select(func.min(Referral.due_at)).where(
            Referral.code_breach_at.is_(None), Referral.settled_at.is_(None))))
        db.session.remove()
        self.tally.seconds["next_wake_queries"] += time.perf_counter() - started
        # A job runs on the minute after the moment (the scheduler's intervals are a minute).
        return max(self.now + timedelta(minutes=1), min(c + timedelta(minutes=1) for c in candidates if c is not None))

    # -- events --------------------------------------------------------------------------

    def count(self, key: str, n: int = 1) -> None:
        with self.lock:
            self.tally.counts[key] += n

    def at(self, when: datetime, step, state: CaseState, *args) -> None:
        with self.lock:
            heapq.heappush(self.events, (ceil_quantum(when), next(self.seq), step, state, args))

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
        started = time.perf_counter()
        local = [e for e in batch if e[2] == self.open_case]
        remote = [e for e in batch if e[2] != self.open_case]
        for _, _, step, state, args in local:
            self.attempt(step, state, args)
        self.tally.seconds["paperwork"] += time.perf_counter() - started
        started = time.perf_counter()
        list(self.pool.map(lambda e: self.attempt(e[2], e[3], e[4]), remote))
        self.tally.seconds["people_actions"] += time.perf_counter() - started

    def attempt(self, step, state: CaseState, args=()) -> None:
        try:
            with self.app.app_context():
                try:
                    step(state, *args)
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
        officer = self.people[f"officer-{plan.area}"]
        officer.submit(f"/cases/{state.case_id}/court/outcome", values, "outcome")
        self.count("orders_granted" if plan.granted else "orders_refused")
        if not plan.granted:
            return
        self.count(f"orders_granted_{plan.regime}")
        case = db.session.get(Case, state.case_id)
        state.order_made_at = state.hearing_deadline - plan.hearing_before_deadline
        state.order_ends_at = case.order.ends_at
        # The officer places the geofence on the victim's address (GEOCODER=none: entered by hand).
        state.home = home_of(plan.index)
        officer.submit(f"/cases/{state.case_id}/geofence/location",
                       {"latitude": f"{state.home[0]}", "longitude": f"{state.home[1]}", "grid_reference": ""}, "geofence")
        self.count("geofences_located")
        if plan.regime == "dvpn" and plan.mobile:
            # The trial (on by default) holds a DVPO's texts until the officer randomises the
            # case: the intervention group gets Durham's texts, the control group none.
            officer.submit(f"/cases/{state.case_id}/texts/allocate", {"eligible": "yes"}, "allocate")
            self.count("trial_allocated")
        if plan.breach_after is not None:
            self.at(self.now + plan.breach_after, self.record_breach, state)
        for patrol in plan.patrols:
            when = self.now + patrol.after_order
            if patrol.kind == "after_end":  # after the order's own end, as the app fixed it
                when = max(when, state.order_ends_at + timedelta(hours=2))
            self.at(when, self.patrol, state, patrol)

    def record_breach(self, state: CaseState) -> None:
        case = db.session.get(Case, state.case_id)
        if case.order_in_force is None:  # it ended first (a DAPO's end, say)
            return
        plan = state.plan
        day, time_ = london(self.now - timedelta(hours=2))
        values = {"occurred_date": day, "occurred_time": time_, "description": "Came to the house and shouted at her.",
                  "source": "victim", "arrested": "no"}
        arrested_at = None
        if plan.arrested:
            arrested_at = self.now - timedelta(hours=1)  # whole minutes (events fall on 5-minute steps), as typed
            values |= {"arrested": "yes", "arrested_date": london(arrested_at)[0], "arrested_time": london(arrested_at)[1],
                       "arresting_officer": f"PC {100 + plan.index % 900} Sim"}
        self.people[f"officer-{plan.area}"].submit(f"/cases/{state.case_id}/breaches/new", values, "breach")
        self.count("breaches")
        if arrested_at is None:
            return
        self.count("arrests")
        db.session.expire_all()
        breach = db.session.scalar(select(Breach).where(Breach.arrested_at.is_not(None), Breach.order_id == case.order.id)
                                   .order_by(Breach.id.desc()).limit(1))
        state.breach_id = breach.id
        deadline = breach.court_deadline_at
        # The arrest clock's own law: a DAPO breach is an offence, PACE's 24 hours with no day
        # disregarded; a DVPO breach, 24 hours with Sundays and holidays disregarded (never less).
        lower = arrested_at + timedelta(hours=24)
        if deadline is None or deadline < lower or (plan.regime == "dapn" and deadline != lower):
            self.tally.deadline_misses.append(f"{case.reference}: arrest at {arrested_at:%Y-%m-%d %H:%M}Z given the court "
                                              f"deadline {deadline}")
            return
        self.at(max(self.now, deadline - timedelta(hours=12)), self.check_dashboard, state, "arrest", deadline)
        # P is before the court (DVPO) or charged (DAPO) six hours before the deadline: after
        # the 12-hour look at the dashboard, as the clock is meant to make happen.
        self.at(max(self.now + timedelta(minutes=30), deadline - timedelta(hours=6)), self.end_arrest, state)

    def end_arrest(self, state: CaseState) -> None:
        day, time_ = london(self.now - timedelta(minutes=10))
        officer = self.people[f"officer-{state.plan.area}"]
        if state.plan.regime == "dapn":  # an offence: the charge stops PACE's clock
            officer.submit(f"/cases/{state.case_id}/breaches/{state.breach_id}/criminal", {
                "step": "charge", "charge": "charged", "at_date": day, "at_time": time_, "details": "Sim Police Station",
            }, "arrest_ends")
        else:
            officer.submit(f"/cases/{state.case_id}/breaches/{state.breach_id}/outcome", {
                "decision": "proved", "appeared_date": day, "appeared_time": time_, "notes": "",
            }, "arrest_ends")
        self.count("arrests_ended")

    # -- patrols and welfare visits ------------------------------------------------------

    def patrol(self, state: CaseState, patrol: PatrolPlan) -> None:
        """A patrol's work phone reports where it is, as Traccar Client does (the OsmAnd
        protocol: a POST with the query string), at the victim's address or 600 m away."""
        point = east_of(state.home, NEARBY_METRES) if patrol.kind == "nearby" else state.home
        at = self.now - timedelta(seconds=5)
        person = self.people[f"officer-{patrol.area}"]
        params = {"id": self.devices[patrol.area], "lat": f"{point[0]:.7f}", "lon": f"{point[1]:.7f}",
                  "timestamp": str(int(at.timestamp())), "accuracy": "8.0"}
        with person.busy:  # the phone is in the officer's pocket: one of their things at a time
            started = time.perf_counter()
            response = send(self.phones[patrol.area], "POST", self.base_url + "/locations/osmand", params=params, timeout=60)
            person.stats.add("osmand", time.perf_counter() - started)
        if response.status_code != 200:
            raise ActionFailed(f"/locations/osmand answered HTTP {response.status_code}")
        self.count(f"patrol_{patrol.kind}")
        live_from = state.order_made_at + GEOFENCE_START
        inside = patrol.kind != "nearby"
        live = live_from <= at and (state.order_ends_at is None or at < state.order_ends_at)
        officer_id = self.users[f"officer-{patrol.area}"].id
        if inside and live:
            with self.lock:
                self.tally.alerts_expected.add((state.case_id, officer_id))
            self.at(self.now + timedelta(minutes=20), self.welfare_visit, state, patrol.area)

    def welfare_visit(self, state: CaseState, area: str) -> None:
        """The alerted officer sees the alert on the patrol page, acknowledges it, checks in
        from the work phone and checks out with the victim seen and spoken to."""
        officer_id = self.users[f"officer-{area}"].id
        alert_id = db.session.scalar(select(GeofenceAlert.id).where(
            GeofenceAlert.case_id == state.case_id, GeofenceAlert.officer_id == officer_id,
            GeofenceAlert.closed_at.is_(None)))
        if alert_id is None:
            self.tally.patrol_problems.append(f"case {state.plan.index}: no open alert for the patrol inside the live geofence")
            return
        person = self.people[f"officer-{area}"]
        with person.busy:
            page = person.get("/patrol", "patrol")
            if f'data-alert-id="{alert_id}"' not in page.text:
                self.tally.patrol_problems.append(f"case {state.plan.index}: the alert is not on the officer's patrol page")
            path = f"/patrol/alerts/{alert_id}"
            person.submit(f"{path}/acknowledge", {}, "visit", form_path=path)
            person.submit(f"{path}/check-in", {"from_device": "y"}, "visit")
            person.submit(f"{path}/check-out", {"spoken_to": "yes", "wellbeing": "Well; feels safe.", "p_present": "no",
                                               "concerns": "", "follow_up": ""}, "visit")
        db.session.expire_all()
        if db.session.get(GeofenceAlert, alert_id).closed_at is None:
            self.tally.patrol_problems.append(f"case {state.plan.index}: the visit was done but the alert stays open")
        self.count("visits_done")

    # -- the dashboard -------------------------------------------------------------------

    def check_dashboard(self, state: CaseState, kind: str = "hearing", deadline: datetime | None = None) -> None:
        """Twelve hours before a statutory deadline (or at once, if less is left: an arrest
        recorded late), the case is on the supervisor's dashboard with a clock due no later
        than that deadline. `kind`: the hearing of the application, or an arrest for breach."""
        case = db.session.get(Case, state.case_id)
        if kind == "hearing":
            deadline = state.hearing_deadline
            if any(h.starts_at <= self.now for h in case.hearings):  # the hearing began: the deadline is met
                return
        elif not db.session.get(Breach, state.breach_id).arrest_open:  # before the court, or charged
            return
        with self.lock:
            self.tally.deadline_checks += 1
        self.count(f"deadline_checks_{kind}")
        reference = case.reference
        viewer = self.people["supervisor"]
        path, pages = "/dashboard", 0
        while True:  # page after page, by the "Next" link (the dashboard pages by keyset: ?after=)
            html = viewer.get(path, "dashboard").text
            pages += 1
            soup = BeautifulSoup(html, "html.parser")
            for row in soup.select("#case-rows tr"):
                link = row.find("a")
                if link is not None and link.get_text(strip=True) == reference:
                    self._row_clock(row, reference, kind, deadline)
                    with self.lock:
                        self.tally.dashboard_pages[pages] += 1
                    return
            following = soup.select_one(".govuk-pagination a[rel=next]")
            if following is None:
                self.tally.deadline_misses.append(f"{reference}: {kind} deadline {deadline:%Y-%m-%d %H:%M}Z not on the "
                                                  f"dashboard ({pages} pages read)")
                return
            path = following["href"]

    def _row_clock(self, row, reference: str, kind: str, deadline: datetime) -> None:
        shown = row.select_one(".app-clock__deadline")
        tag = row.select_one("[data-deadline]")
        if shown is None or tag is None:
            self.tally.deadline_misses.append(f"{reference}: on the dashboard with no clock ({kind})")
            return
        # The row shows the case's most pressing clock: due no later than this deadline.
        if int(tag["data-deadline"]) > deadline.timestamp() * 1000:
            self.tally.deadline_misses.append(f"{reference}: the dashboard's clock is due after the {kind} deadline "
                                              f"{deadline:%Y-%m-%d %H:%M}Z")
