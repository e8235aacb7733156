"""The court printout's chronology: the case's facts in time order, the statutory deadline
and breaches marked as important."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from app.domain.calendar import Calendar
from app.domain.regimes import Conduct
from app.domain.timefmt import format_date, format_instant
from app.models import BreachOutcome, HearingOutcome
from app.services.clock_cache import court_deadline_for
from app.web.presentation.printout_common import LAW, breakable, excerpt, pounds
from app.web.presentation.printout_pages import CHRONOLOGY_WHAT_CHARS, row_mm, text_lines

# Free text quoted in the chronology is cut to this many characters.
_CHRONOLOGY_CHARS = 160


@dataclass(frozen=True)
class ChronologyEntry:
    at: datetime | None
    on: date | None  # shown instead of `at` for facts recorded as a date
    text: str
    important: bool = False
    sort_at: datetime | None = None


def chronology_entries(case, application, decision, deadline: datetime | None, hearing_hours: int,
                       calendar: Calendar, the_regime) -> list[ChronologyEntry]:
    entries: list[ChronologyEntry] = []
    add = entries.append
    data = application.section_data if application else {}
    conduct = data.get("grounds", {}).get("conduct")
    what = f": {Conduct(conduct).label.split(' (')[0].lower()}" if conduct else ""
    add(ChronologyEntry(case.incident_at, None, f"Incident at {', '.join(case.address_lines)}{what}"))
    if application is not None and application.submitted_at:
        by = f" by {application.submitted_by.display_name}" if application.submitted_by else ""
        add(ChronologyEntry(application.submitted_at, None, f"Application for the {the_regime.notice} submitted for authorisation{by}"))
    if decision is not None:
        rank = decision.decided_by_rank or ""
        add(ChronologyEntry(decision.decided_at, None,
                            f"{the_regime.notice} authorised by {' '.join(x for x in (rank, decision.decided_by.full_name) if x)}"))
    if case.served_at:
        by = f" by {case.served_by.display_name}" if case.served_by else ""
        respondent = case.perpetrator.full_name if case.perpetrator else "the respondent"
        add(ChronologyEntry(case.served_at, None, f"{the_regime.notice} served on {respondent}{by}"))
    if deadline is not None:
        add(ChronologyEntry(
            deadline, None,
            f"Statutory deadline: the hearing must begin by this time ({hearing_hours} hours from service, not counting "
            f"Sundays, Christmas Day, Good Friday or bank holidays; {the_regime.act} {LAW[the_regime.code]['application']})",
            important=True,
        ))
    sub = case.submission
    if sub is not None and sub.fee_reference and sub.fee_recorded_at:
        add(ChronologyEntry(None, sub.fee_paid_on, f"Court fee of {pounds(sub.fee_pence)} paid, reference {sub.fee_reference}",
                            sort_at=sub.fee_recorded_at))
    if sub is not None and sub.sent_at:
        how = f" ({sub.sent_how})" if sub.sent_how else ""
        add(ChronologyEntry(sub.sent_at, None, f"Application sent to {sub.court_name}{how}"))
    for number, hearing in enumerate(case.hearings):
        listed = f"Hearing listed at {hearing.court_name} for {format_instant(hearing.starts_at)}"
        if number == 0 and deadline is not None:
            listed += (": within the statutory deadline" if hearing.starts_at <= deadline
                       else ": AFTER the statutory deadline")
        if hearing.late_reason:
            listed += f". Reason: {excerpt(hearing.late_reason, _CHRONOLOGY_CHARS)}"
        add(ChronologyEntry(hearing.listed_at, None, listed, important=bool(hearing.late_reason)))
        if hearing.outcome is not None:
            text = f"Hearing at {hearing.court_name}: {hearing.outcome.label.lower()}"
            if hearing.outcome is HearingOutcome.GRANTED and case.order is not None and case.order.hearing_id == hearing.id:
                order = case.order
                text += (f"; {the_regime.order} made on {format_date(order.made_on)} for {order.days} days, "
                         f"in force until {format_instant(order.ends_at)}" if order.ends_at is not None else
                         f"; {the_regime.order} made on {format_date(order.made_on)}, in force until further order")
            if hearing.outcome_notes:
                text += f". {excerpt(hearing.outcome_notes, _CHRONOLOGY_CHARS)}"
            add(ChronologyEntry(hearing.starts_at, None, text))
    if case.order is not None:
        for event in case.order.events:
            add(ChronologyEntry(None, event.court_date, f"Order {event.kind.value} by the court: "
                                f"{excerpt(event.details, _CHRONOLOGY_CHARS)}", sort_at=event.recorded_at))
    for breach in case.breaches:
        of = the_regime.order if breach.order_id else the_regime.notice
        add(ChronologyEntry(breach.occurred_at, None,
                            f"Breach of the {of} (came to light through {breach.source.label.lower()}): "
                            f"{excerpt(breach.description, _CHRONOLOGY_CHARS)}", important=True))
        if breach.arrested_at:
            due = court_deadline_for(case, breach, calendar)
            add(ChronologyEntry(breach.arrested_at, None,
                                f"Arrested for the breach by {breach.arresting_officer}; to be brought before the court "
                                f"by {format_instant(due)}"))
        if breach.before_court_at is not None and breach.outcome is None:
            add(ChronologyEntry(breach.before_court_at, None, "P before the court for the breach: adjourned"))
        if breach.outcome is BreachOutcome.BROUGHT_BEFORE_COURT:
            add(ChronologyEntry(breach.before_court_at or breach.outcome_at, None,
                                "P before the court for the breach of the notice (weighed at the hearing of the application)"))
        elif breach.outcome is not None and breach.outcome_at:
            add(ChronologyEntry(breach.outcome_at, None, f"Breach before the court: {breach.outcome.label.lower()}"))
    # Remands, for a breach or at an adjourned hearing P was brought to under arrest (DAA 2021
    # s.26(5)-(7), s.29(8); CSA 2010 s.26, s.29, s.30): the court needs to know P's status.
    for remand in case.remands:
        text = f"{remand.kind.label} until {format_instant(remand.until_at)}"
        if remand.bail_requirements:
            text += f"; bail requirements: {excerpt(remand.bail_requirements, _CHRONOLOGY_CHARS)}"
        add(ChronologyEntry(remand.ordered_at, None, text, important=True))
    entries = [ChronologyEntry(e.at, e.on, breakable(e.text), e.important, e.sort_at) for e in entries]
    return sorted(entries, key=lambda e: e.sort_at or e.at)


def chronology_mm(entry: ChronologyEntry) -> float:
    return row_mm(text_lines(entry.text, CHRONOLOGY_WHAT_CHARS))

