"""Demo data for development: one account per role and a few fictional cases.

Every person here is invented. The cases are opened and served through the same services
the app uses, so their audit trail and clocks are real.

Victims' Code referrals (one per served case, made when the notice is served): Lee Carver's
was sent late (a breach of the Code), accepted by the demo caseworker, who has logged two
unanswered calls and reported a concern; Kyle Benson's was sent on time and waits in the
caseworker's inbox; the others are still with police, some due soon.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import select

from app.domain.calendar import LONDON, Calendar
from app.domain.deadlines import hearing_deadline
from app.domain.local_time import london_instant
from app.domain.order_records import (
    HearingAddressAnswer,
    HearingNoticeKind,
    HearingNoticeMethod,
    OrderServiceMethod,
    VictimToldMethod,
)
from app.domain.referrals import Consent, ContactMethod, ContactOutcome, DayPart
from app.domain.regimes import RegimeCode, regime
from app.extensions import db
from app.models import AssociatedRelationship as Rel
from app.models import BreachSource, DecisionOutcome, HearingOutcome, RiskLevel, Role, SupportService, User
from app.services import (
    authorisation,
    breaches,
    cases,
    casework,
    court,
    devices,
    geofences,
    order_records,
    referral_queries,
    referral_sweep,
    referrals,
    users,
)
from app.services.calendar import load_calendar
from app.settings import current_settings
from app.timeutil import frozen_at, utcnow
from app.web.presentation.referral_wording import prefill_summary

DEMO_USERS = [
    # role, email, password, name, rank, collar, area
    (Role.OFFICER, "officer@demo.police.uk", "officer-demo-2026", "Sam Okafor", "PC", "4471", None),
    (Role.OFFICER, "north.officer@demo.police.uk", "north-demo-2026", "Priya Nair", "DC", "3312", "North"),
    (Role.SUPERINTENDENT, "superintendent@demo.police.uk", "superintendent-demo-2026", "Helen Marsh", "Supt",
     None, None),
    (Role.INSPECTOR, "inspector@demo.police.uk", "inspector-demo-2026", "Tom Reyes", "Insp", "1187", None),
    (Role.CASEWORKER, "caseworker@demo.police.uk", "caseworker-demo-2026", "Jo Whitfield", None, None, None),
    (Role.SUPERVISOR, "supervisor@demo.police.uk", "supervisor-demo-2026", "Mark Ellison", "DS", "2210", None),
    (Role.ADMIN, "admin@demo.police.uk", "admin-demo-2026", "Ruth Adeyemi", None, None, None),
]

# (perpetrator, dob, victim, relationship, children, address, risk, area,
#  hours since incident for drafts, or for served cases the hours left on the hearing clock)
DEMO_CASES = [
    ("Daniel Hargreaves", date(1988, 4, 12), "Claire Hargreaves", Rel.SPOUSE,
     [("Ella Hargreaves", date(2017, 9, 3), "P's daughter")],
     ("14 Aldous Crescent", "Northfield", "NF3 2QT"), RiskLevel.HIGH, "North", None, 3),
    ("Kyle Benson", date(1995, 1, 30), "Aisha Rahman", Rel.FORMER_COHABITANT, [],
     ("Flat 6, Mercer House", "Southgate", "SG1 4LB"), RiskLevel.MEDIUM, "South", None, 10),
    ("Trevor Lang", date(1971, 11, 2), "Margaret Lang", Rel.SPOUSE, [],
     ("2 Orchard Lane", "Eastbury", "EB7 9HD"), RiskLevel.STANDARD, "East", None, 40),
    ("Jordan Pike", date(2001, 6, 18), "Leah Morton", Rel.INTIMATE_RELATIONSHIP,
     [("Mason Morton", date(2021, 2, 14), "V's son")],
     ("27 Canal Street", "Westhaven", "WH2 8PL"), RiskLevel.HIGH, "West", 4, None),
    ("Gary Whitcombe", date(1983, 8, 9), "Susan Whitcombe", Rel.FORMER_SPOUSE, [],
     ("9 Beacon Road", "Northfield", "NF1 5RS"), RiskLevel.MEDIUM, "North", 2, None),
]


AWAITING_DECISION = "Jordan Pike"
# Its referral is completed with V and sent on time, not yet accepted: new in the caseworker's inbox.
SENT_ON_TIME = "Kyle Benson"
DEMO_RATIONALE = (
    "Injuries seen and on body-worn video; the victim is frightened of further violence and no charge "
    "is possible tonight. Removal from the home is necessary and proportionate."
)


def demo_sections(*, victim_id: int, victim_name: str, incident_at: datetime, children: bool, mobile: str | None) -> dict:
    """Plausible, valid answers for all nine sections of an application (fictional)."""
    return {
        "grounds": {
            "conduct": "violence", "victim_id": victim_id, "occurred_at": incident_at.isoformat(),
            "description": f"Pushed {victim_name} against a wall and struck her face during an argument.",
            "evidence": ["body_worn_video", "injuries", "call_999"], "evidence_notes": "",
        },
        "necessity": {
            "why_necessary": "Repeated incidents escalating in severity; the victim fears further violence tonight.",
            "why_not_other_means": "Insufficient evidence to charge at this stage, so bail conditions are not available.",
        },
        "dash": {"score": 15, "risk_level": "high", "raise_reason": ""},
        "victim_opinion": {"view": "supports", "steps": "Spoken to at the scene, away from the perpetrator."},
        "representations": {"representations": "Says it was a mutual argument.", "steps": "Asked at the scene after caution."},
        "children": {
            "any_relevant": children,
            "details": "Child lives at the address and witnessed the incident." if children else "",
        },
        "other_occupants": {"shared_premises": True, "other_person": False, "opinion": "", "steps": ""},
        "prohibitions": {
            "kinds": ["no_molest", "no_enter", "no_come_within"],
            "justifications": {"no_enter": "The assaults took place at the home.", "no_come_within": "He has waited outside before."},
            "distance_metres": 100,
        },
        "phone": {"has_mobile": True, "mobile_e164": "+44" + mobile[1:]} if mobile
        else {"has_mobile": False, "no_phone_reason": "seized", "no_phone_other": ""},
    }


def complete_application(officer: User, case, *, mobile: str | None) -> None:
    """Fill every section of a case's application with the demo answers, through the service."""
    victim = case.victims[0]
    sections = demo_sections(victim_id=victim.id, victim_name=victim.full_name, incident_at=case.incident_at,
                             children=bool(case.children), mobile=mobile)
    for key, data in sections.items():
        authorisation.save_section(officer, case, key, data)


def seed() -> tuple[list[tuple[str, str, str]], bool]:
    """Create the demo data unless it exists. Returns the log-ins and whether anything was made."""
    logins = [(role.value, email, password) for role, email, password, *_ in DEMO_USERS]
    if db.session.scalar(select(User.id).where(User.email == DEMO_USERS[0][1])):
        return logins, False
    services = _support_services()
    made = {}
    for role, email, password, name, rank, collar, area in DEMO_USERS:
        made[email] = users.create_user(
            email=email, full_name=name, role=role, password=password, area=area,
            rank=rank, collar_number=collar, service_id=services[0].id if role is Role.CASEWORKER else None,
        )
    officer = made[DEMO_USERS[0][1]]
    superintendent = made[DEMO_USERS[2][1]]
    calendar = load_calendar()
    now = utcnow()
    for perp, dob, victim, rel, kids, (line1, town, postcode), risk, area, incident_h, hours_left in DEMO_CASES:
        served_at = None
        if hours_left is not None:
            served_at = _served_at_leaving(hours_left, now, calendar, current_app.config["HEARING_WINDOW_HOURS"])
            incident_h = (now - served_at) / timedelta(hours=1) + 2
        details = cases.CaseDetails(
            perpetrator=cases.PersonDetails(perp, dob),
            victims=[cases.PersonDetails(victim, None, rel.value)],
            children=[cases.PersonDetails(n, d, r) for n, d, r in kids],
            address_line_1=line1, town=town, postcode=postcode,
            incident_at=now - timedelta(hours=incident_h), risk_level=risk,
            officer_in_case_id=officer.id, area=area,
        )
        with frozen_at(details.incident_at + timedelta(minutes=20)):
            case = cases.open_case(officer, details, force_code=current_app.config["FORCE_CODE"])
        if served_at is not None or perp == AWAITING_DECISION:
            with frozen_at(details.incident_at + timedelta(minutes=30)):
                complete_application(officer, case, mobile=f"0712345{case.id:04d}")
                authorisation.submit(officer, case)
        if served_at is not None:
            with frozen_at(served_at - timedelta(minutes=45)):
                authorisation.decide(
                    superintendent, case, authorisation.current_application(case),
                    outcome=DecisionOutcome.AUTHORISE, rationale=DEMO_RATIONALE,
                    answers={item.code: (True, "") for item in regime(case.regime).checklist},
                )
            # Recorded just after service, so the referral made then is created (and audited) then.
            with frozen_at(served_at + timedelta(minutes=10)):
                cases.record_dvpn_served(
                    officer, case, served_at=served_at,
                    window_hours=current_app.config["HEARING_WINDOW_HOURS"], calendar=calendar,
                    referral_settings=current_settings().referrals,
                )
        if perp == SENT_ON_TIME:
            with frozen_at(min(served_at + timedelta(hours=2), now)):
                _complete_and_send(officer, case, services[0], safe_number="07911 123457",
                                   safe_times=[DayPart.MORNING, DayPart.EVENING], calendar=calendar)
    caseworker = next(u for u in made.values() if u.role is Role.CASEWORKER)
    _order_with_breach(officer, superintendent, calendar, now, services[0], caseworker)
    _order_granted_this_morning(officer, superintendent, calendar, now)
    _dapo_awaiting_notification(officer, superintendent, calendar, now)
    _dapo_with_programme(officer, superintendent, calendar, now)
    _order_made_elsewhere(officer, calendar, now)
    devices.register(made[DEMO_USERS[-1][1]], officer, DEMO_DEVICE_NAME, identifier=DEMO_DEVICE_IDENTIFIER)
    return logins, True


# The demo officer's work phone. Its identifier is fixed, as the demo passwords are, so every
# `make run` can print it: a real device's identifier is random and shown once.
DEMO_DEVICE_NAME = "Demo work phone"
DEMO_DEVICE_IDENTIFIER = "demo-work-phone-sam-okafor-4471-not-a-secret"


DEMO_SERVICES = [("Northshire Domestic Abuse Service", None), ("Southgate Women's Aid", "South")]


def _support_services() -> list[SupportService]:
    services = [SupportService(name=name, area=area, active=True, created_at=utcnow()) for name, area in DEMO_SERVICES]
    db.session.add_all(services)
    db.session.commit()
    return services


def _complete_and_send(officer: User, case, service: SupportService, *, safe_number: str, safe_times: list[DayPart],
                       calendar: Calendar):
    """V consents when asked half an hour ago; the referral goes to `service` now (the clock is frozen)."""
    [referral] = referral_queries.referrals_for(case)
    details = referrals.ReferralDetails(
        consent=Consent.CONSENTS, consent_asked_at=utcnow() - timedelta(minutes=30), safe_number=safe_number,
        safe_to_call=True, safe_times=safe_times, safe_times_notes="He is usually out at work until 17:00.",
        language="English", interpreter=False, police_summary=prefill_summary(case),
    )
    referrals.save_details(officer, referral, case, details)
    return referrals.send(officer, referral, case, service.id, calendar)


def _late_referral_with_casework(officer: User, caseworker: User, case, service: SupportService,
                                 calendar: Calendar) -> None:
    """Sent the day after it was due (the sweep flags the breach first), then accepted, two
    withheld calls at different times of day, and a concern for police from the second."""
    [referral] = referral_queries.referrals_for(case)
    sent_day = (referral.due_at + timedelta(days=1)).astimezone(LONDON).date()
    sent_at = london_instant(sent_day, time(11, 15))
    with frozen_at(sent_at):
        referral_sweep.sweep()  # what the scheduler did every 15 minutes: the breach is counted
        referral = _complete_and_send(officer, case, service, safe_number="07911 123456",
                                      safe_times=[DayPart.MORNING, DayPart.AFTERNOON], calendar=calendar)
    with frozen_at(sent_at + timedelta(hours=1, minutes=20)):
        casework.accept(caseworker, referral)
    morning = london_instant(sent_day + timedelta(days=1), time(9, 40))
    with frozen_at(morning + timedelta(minutes=5)):
        casework.log_attempt(caseworker, referral, casework.AttemptDetails(
            morning, ContactMethod.WITHHELD_CALL, ContactOutcome.NO_ANSWER, notes="Rang out; no voicemail left."), calendar)
    afternoon = london_instant(sent_day + timedelta(days=2), time(14, 20))
    with frozen_at(afternoon + timedelta(minutes=10)):
        casework.log_attempt(caseworker, referral, casework.AttemptDetails(
            afternoon, ContactMethod.WITHHELD_CALL, ContactOutcome.NOT_SAFE,
            notes="V answered, said she could not talk and ended the call."), calendar)
    with frozen_at(afternoon + timedelta(minutes=25)):
        casework.report_concern(caseworker, referral, observed_at=afternoon + timedelta(minutes=1),
                                what="P was heard in the background during the call")


def _order_with_breach(officer: User, superintendent: User, calendar: Calendar, now: datetime,
                       service: SupportService, caseworker: User) -> None:
    """A case a fortnight on: order granted, ending soon, and P arrested for breach tonight.
    Its referral was sent late and the caseworker is trying to reach V."""
    incident = now - timedelta(days=13, hours=6)
    details = cases.CaseDetails(
        perpetrator=cases.PersonDetails("Lee Carver", date(1979, 2, 21)),
        victims=[cases.PersonDetails("Dawn Carver", None, Rel.SPOUSE.value)],
        address_line_1="31 Weir Road", town="Southgate", postcode="SG4 7RN",
        incident_at=incident, risk_level=RiskLevel.HIGH, officer_in_case_id=officer.id, area="South",
    )
    with frozen_at(incident + timedelta(minutes=20)):
        case = cases.open_case(officer, details, force_code=current_app.config["FORCE_CODE"])
    with frozen_at(incident + timedelta(minutes=40)):
        complete_application(officer, case, mobile="07123450042")
        authorisation.submit(officer, case)
    with frozen_at(incident + timedelta(hours=1, minutes=10)):
        authorisation.decide(superintendent, case, authorisation.current_application(case), outcome=DecisionOutcome.AUTHORISE,
                             rationale=DEMO_RATIONALE, answers={i.code: (True, "") for i in regime(case.regime).checklist})
    served_at = incident + timedelta(hours=2)
    with frozen_at(served_at + timedelta(minutes=10)):
        cases.record_dvpn_served(officer, case, served_at=served_at,
                                 window_hours=current_app.config["HEARING_WINDOW_HOURS"], calendar=calendar,
                                 address_for_hearing_notice="c/o 12 Mill Lane, Southgate SG2 1AB",
                                 hearing_address_answer=HearingAddressAnswer.GIVEN,
                                 referral_settings=current_settings().referrals)
    with frozen_at(served_at + timedelta(hours=3)):
        for key in ("notice", "complaint", "conditions", "chronology", "prompt_sheet"):
            court.tick(officer, case, key, True)
        hearing = court.list_hearing(officer, case, court_name="Southgate Magistrates' Court",
                                     starts_at=served_at + timedelta(hours=22), late_reason="", calendar=calendar)
    with frozen_at(hearing.starts_at + timedelta(hours=2)):
        court.record_outcome(officer, case, hearing, outcome=HearingOutcome.GRANTED, contested=False, notes="",
                             days=14, made_on=hearing.starts_at.astimezone(LONDON).date(),
                             conditions=[{"kind": "no_molest"}, {"kind": "no_enter"}], calendar=calendar,
                             texts=current_settings().texts, orders=current_settings().orders)
    _order_records_done(officer, case, hearing.starts_at, calendar)
    with frozen_at(hearing.starts_at + timedelta(hours=5, minutes=10)):
        # Live: the order was made more than 72 hours ago (issue 16).
        geofences.set_location(officer, case, latitude="53.480950", longitude="-2.236850")
        geofences.record_wishes(officer, case, wants="yes")
    _late_referral_with_casework(officer, caseworker, case, service, calendar)
    breaches.record_breach(officer, case, occurred_at=now - timedelta(hours=4),
                           description="Seen at the front door by V; left before police arrived.",
                           source=BreachSource.VICTIM, arrested_at=now - timedelta(hours=3), arresting_officer="PC 5521 Osei",
                           calendar=calendar)


def _order_records_done(officer: User, case, hearing_at: datetime, calendar: Calendar) -> None:
    """The notice of the hearing left at the address P gave, the order served on P the
    morning after the grant, and V told of it with a copy (issue 12)."""
    with frozen_at(case.served_at + timedelta(hours=4)):
        order_records.record_hearing_notice(
            officer, case, kind=HearingNoticeKind.GIVEN, at=case.served_at + timedelta(hours=3, minutes=30),
            method=HearingNoticeMethod.LEFT_AT_ADDRESS, details="", by="PC 4410 Brennan", efforts="")
    with frozen_at(hearing_at + timedelta(hours=20)):
        order_records.record_order_served(
            officer, case, served_at=hearing_at + timedelta(hours=19), served_by="PC 4410 Brennan",
            method=OrderServiceMethod.IN_PERSON, details="", calendar=calendar)
        order_records.record_victim_told(
            officer, case, case.victims[0], told_at=hearing_at + timedelta(hours=5), told_by="DC 2290 Akhtar",
            method=VictimToldMethod.IN_PERSON, details="", explained={"conditions", "end", "breach"}, copy_given=True)


def _order_granted_this_morning(officer: User, superintendent: User, calendar: Calendar, now: datetime) -> None:
    """A DVPO granted this morning: P gave no address on service and reasonable efforts were
    recorded; the order is not yet served on P (the practice clock runs) and V not yet told."""
    incident = now - timedelta(days=2, hours=3)
    details = cases.CaseDetails(
        perpetrator=cases.PersonDetails("Craig Pollard", date(1991, 8, 9)),
        victims=[cases.PersonDetails("Shona Pollard", None, Rel.FORMER_COHABITANT.value)],
        address_line_1="7 Orchard Row", town="Eastmoor", postcode="EM2 5TL",
        incident_at=incident, risk_level=RiskLevel.MEDIUM, officer_in_case_id=officer.id, area="East",
    )
    case, served_at = _authorised_and_served(officer, superintendent, details, incident, calendar,
                                             hearing_address_answer=HearingAddressAnswer.REFUSED)
    hearing_at = now - timedelta(hours=5)
    with frozen_at(served_at + timedelta(hours=6)):
        order_records.record_hearing_notice(
            officer, case, kind=HearingNoticeKind.EFFORTS, at=served_at + timedelta(hours=5), method=None, details="",
            by="PC 3012 Lowe", efforts="P refused an address. Phoned P's mobile twice and left the notice with P's "
                                      "brother at his flat; P did not answer the door.")
        court.list_hearing(officer, case, court_name="Eastmoor Magistrates' Court", starts_at=hearing_at,
                           late_reason="The court had no earlier slot.", calendar=calendar)
    with frozen_at(hearing_at + timedelta(hours=1)):
        court.record_outcome(officer, case, court.pending_hearing(case), outcome=HearingOutcome.GRANTED, contested=True,
                             notes="", days=28, made_on=hearing_at.astimezone(LONDON).date(),
                             conditions=[{"kind": "no_molest"}], calendar=calendar,
                             texts=current_settings().texts, orders=current_settings().orders)
        # Waiting to go live: made this morning, live 72 hours after (issue 16).
        geofences.set_location(officer, case, grid_reference="SJ 84150 97950")


def _dapo_with_programme(officer: User, superintendent: User, calendar: Calendar, now: datetime) -> None:
    """A DAPO (DAA 2021) made a week ago until further order, with no contact and a behaviour
    change programme supervised by probation (ss.35-36), and a review date in five days."""
    from app.domain.dapo_requirements import Requirement, RequirementKind
    from app.domain.regimes import RegimeCode

    incident = now - timedelta(days=9)
    details = cases.CaseDetails(
        perpetrator=cases.PersonDetails("Gareth Vaughan", date(1984, 2, 17)),
        victims=[cases.PersonDetails("Nia Vaughan", date(1988, 6, 3), Rel.SPOUSE.value)],
        address_line_1="3 Quarry Close", town="Westbridge", postcode="WB4 1QC",
        incident_at=incident, risk_level=RiskLevel.MEDIUM, officer_in_case_id=officer.id, area="West",
        regime=RegimeCode.DAPN,
    )
    # No mobile: the demo's text-trial task stays Lee Carver's alone (tests/browser/test_texts_journey.py).
    case, served_at = _authorised_and_served(officer, superintendent, details, incident, calendar,
                                             address_for_hearing_notice="c/o 40 Station Road, Westbridge WB1 2SR",
                                             hearing_address_answer=HearingAddressAnswer.GIVEN)
    hearing_at = served_at + timedelta(hours=24)
    with frozen_at(served_at + timedelta(hours=3)):
        court.list_hearing(officer, case, court_name="Westbridge Magistrates' Court", starts_at=hearing_at,
                           late_reason="", calendar=calendar)
    made_on = hearing_at.astimezone(LONDON).date()
    with frozen_at(hearing_at + timedelta(hours=2)):
        court.record_outcome(
            officer, case, court.pending_hearing(case), outcome=HearingOutcome.GRANTED, contested=False, notes="",
            made_on=made_on, until_further_order=True, conditions=[{"kind": "no_molest"}],
            requirements=[
                Requirement(RequirementKind.NO_ABUSE, wording="You must not be abusive towards Nia Vaughan."),
                Requirement(RequirementKind.NO_CONTACT, wording="You must not contact Nia Vaughan, directly or indirectly."),
                Requirement(RequirementKind.BEHAVIOUR_PROGRAMME, wording="You must attend the Northshire behaviour change "
                            "programme as directed.", supervisor="Northshire Probation Service (Westbridge office)",
                            suitability_evidence="The probation officer told the court P was assessed as suitable and a "
                                                 "place is available on the next course; attendance is recorded weekly."),
            ],
            review_dates=[(now + timedelta(days=5)).astimezone(LONDON).date()],
            calendar=calendar, texts=current_settings().texts, orders=current_settings().orders)
    _order_records_done(officer, case, hearing_at, calendar)
    # P attended the police station the next day with names and address (DAA 2021 s.41(2)-(3)).
    _initial_notification(officer, case, hearing_at + timedelta(days=1), "Gareth Vaughan",
                          "14 Mill Street, Westbridge, WB2 7HS", "Westbridge police station", calendar)


def _initial_notification(officer: User, case, at: datetime, names: str, address: str, station: str,
                          calendar: Calendar) -> None:
    from app.domain.notification import NotificationKind, NotificationMethod
    from app.services import notifications

    with frozen_at(at + timedelta(minutes=30)):
        notifications.record_notification(
            officer, case, kind=NotificationKind.INITIAL, exemption=None, names=names, address=address,
            changed_on=None, notified_at=at, method=NotificationMethod.POLICE_STATION, where=station,
            taken_by="PS 1180 Reid", calendar=calendar)



def _authorised_and_served(officer: User, superintendent: User, details, incident: datetime, calendar: Calendar,
                           **served) -> tuple:
    """A notice applied for 40 minutes after the incident (no mobile), authorised at one hour
    and served at two: the demo's usual path to a served case. Returns (case, served_at);
    `served` goes to cases.record_dvpn_served (the address answer for the hearing notice)."""
    with frozen_at(incident + timedelta(minutes=20)):
        case = cases.open_case(officer, details, force_code=current_app.config["FORCE_CODE"])
    with frozen_at(incident + timedelta(minutes=40)):
        complete_application(officer, case, mobile=None)
        authorisation.submit(officer, case)
    with frozen_at(incident + timedelta(hours=1)):
        authorisation.decide(superintendent, case, authorisation.current_application(case), outcome=DecisionOutcome.AUTHORISE,
                             rationale=DEMO_RATIONALE, answers={i.code: (True, "") for i in regime(case.regime).checklist})
    served_at = incident + timedelta(hours=2)
    with frozen_at(served_at + timedelta(minutes=10)):
        cases.record_dvpn_served(officer, case, served_at=served_at, window_hours=current_app.config["HEARING_WINDOW_HOURS"],
                                 calendar=calendar, referral_settings=current_settings().referrals, **served)
    return case, served_at

def _served_at_leaving(hours_left: float, now: datetime, calendar: Calendar, window: int) -> datetime:
    """A service time whose hearing deadline is about `hours_left` from now, whatever the
    day of the week, so the demo always shows a red, an amber and a green clock."""
    target = timedelta(hours=hours_left)
    candidates = (now - timedelta(minutes=15 * step) for step in range(1, 4 * 24 * 6))
    return min(candidates, key=lambda served: abs(hearing_deadline(served, window, calendar) - now - target))


def _dapo_awaiting_notification(officer: User, superintendent: User, calendar: Calendar, now: datetime) -> None:
    """A DAPO made yesterday, until further order: P has not yet notified the police of
    names and home address (DAA 2021 s.41(2)), so the dashboard shows that clock, due at the
    end of tomorrow (the three days beginning with the day the order was made)."""
    incident = now - timedelta(days=2, hours=6)
    details = cases.CaseDetails(
        perpetrator=cases.PersonDetails("Dale Whitcombe", date(1985, 2, 17)),
        victims=[cases.PersonDetails("Nadia Whitcombe", date(1988, 6, 3), Rel.SPOUSE.value)],
        address_line_1="22 Millbrook Close", town="Northfield", postcode="NF4 8QD",
        incident_at=incident, risk_level=RiskLevel.HIGH, officer_in_case_id=officer.id, area="North",
        regime=RegimeCode.DAPN,
    )
    case, served_at = _authorised_and_served(officer, superintendent, details, incident, calendar)
    made_on = (now - timedelta(days=1)).astimezone(LONDON).date()
    hearing_at = max(london_instant(made_on, time(10, 0)), served_at + timedelta(hours=1))
    with frozen_at(served_at + timedelta(minutes=30)):
        court.list_hearing(officer, case, court_name="Northfield Magistrates' Court", starts_at=hearing_at,
                           late_reason="", calendar=calendar)
    with frozen_at(hearing_at + timedelta(hours=1)):
        court.record_outcome(officer, case, court.pending_hearing(case), outcome=HearingOutcome.GRANTED, contested=False,
                             notes="", days=None, until_further_order=True, made_on=made_on,
                             conditions=[{"kind": "no_molest"}], calendar=calendar,
                             texts=current_settings().texts, orders=current_settings().orders)
    # Served on P at court, so the clock the dashboard shows for it is s.41's.
    with frozen_at(hearing_at + timedelta(hours=1, minutes=5)):
        order_records.record_order_served(officer, case, served_at=hearing_at + timedelta(hours=1), served_by="PC 3012 Lowe",
                                          method=OrderServiceMethod.IN_PERSON, details="", calendar=calendar)
def _order_made_elsewhere(officer: User, calendar: Calendar, now: datetime) -> None:
    """A DAPO made by the family court on V's application, until further order (DAA 2021
    s.28(2)(a)), recorded by police a day later: no notice. Served on P and V told; V, who has
    her own support through her solicitor, declined the referral; P has no phone, so no texts.
    It adds no dashboard clock or task."""
    import io

    from app.domain.order_origin import OTHER_REQUIREMENT, OrderRoute, Requirement
    from app.services import orders_elsewhere
    from app.uploads import UploadStore

    made_on = (now - timedelta(days=6)).astimezone(LONDON).date()
    recorded_at = now - timedelta(days=5)
    details = orders_elsewhere.ElsewhereOrder(
        case=cases.CaseDetails(
            perpetrator=cases.PersonDetails("Martin Ashdown", date(1979, 4, 12)),
            victims=[cases.PersonDetails("Helen Ashdown", date(1983, 9, 30), Rel.FORMER_SPOUSE.value)],
            address_line_1="7 Mill Lane", town="Eastbridge", postcode="EB2 7ML", risk_level=RiskLevel.MEDIUM,
            officer_in_case_id=officer.id, area="East"),
        court_name="Northshire Family Court", made_on=made_on, route=OrderRoute.VICTIM, until_further_order=True,
        review_dates=[made_on + timedelta(days=91)],
        requirements=[Requirement("no_contact"), Requirement("no_come_within", 200),
                      Requirement(OTHER_REQUIREMENT, text="Attend a domestic abuse perpetrator programme, supervised by "
                                                          "the probation service.")],
        phone={"has_mobile": False, "no_phone_reason": "none_known"},
    )
    store = UploadStore.from_config(current_app.config)
    pdf = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    with frozen_at(recorded_at):
        copy = store.save(io.BytesIO(pdf), "family-court-order.pdf")
        case = orders_elsewhere.record(officer, details, copy, force_code=current_app.config["FORCE_CODE"],
                                       calendar=calendar, texts=current_settings().texts,
                                       orders=current_settings().orders, referral_settings=current_settings().referrals)
    with frozen_at(recorded_at + timedelta(hours=6)):
        order_records.record_order_served(
            officer, case, served_at=recorded_at + timedelta(hours=5), served_by="PC 4410 Brennan",
            method=OrderServiceMethod.IN_PERSON, details="", calendar=calendar)
        order_records.record_victim_told(
            officer, case, case.victims[0], told_at=recorded_at + timedelta(hours=2), told_by="PC 4471 Okafor",
            method=VictimToldMethod.PHONE, details="", explained={"conditions", "end", "breach"}, copy_given=False)
        referral = referral_queries.referrals_for(case)[0]
        referrals.save_details(officer, referral, case, referrals.ReferralDetails(
            consent=Consent.DECLINES, consent_asked_at=recorded_at + timedelta(hours=2)))
        # Live (made six days ago); V said she does want the extra visits.
        geofences.set_location(officer, case, latitude="53.472300", longitude="-2.298400")
        geofences.record_wishes(officer, case, wants="yes")
    _initial_notification(officer, case, recorded_at + timedelta(hours=26), "Martin Ashdown",
                          "Flat 5, 40 Canal Walk, Eastbury, EB2 6NR", "Eastbury police station", calendar)
