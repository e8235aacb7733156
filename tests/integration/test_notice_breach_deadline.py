"""A person arrested for breach of the notice is due before the court within 24 hours or, if
earlier, at the hearing of the application (DAA 2021 s.26(2)(a) and (b); CSA 2010 s.26(1)(a)
and (b)). The stored deadline, the dashboard's clock and the breach printout agree, and they
follow the hearing when it is listed, moved or adjourned. A breach of the order keeps the
24 hours (CSA 2010 s.29(1)).

Times are in November, when London is on GMT, so UTC below is London wall-clock time.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.domain.clocks import BREACH_CLOCK
from app.domain.deadlines import breach_court_deadline
from app.domain.timefmt import format_instant
from app.extensions import db
from app.models import BreachSource, Hearing, HearingOutcome, OrderEventKind, Role
from app.services import breaches, court
from app.services.calendar import load_calendar
from app.services.clock_cache import breach_hearing_at, clocks_for
from app.services.order_records import OrderSettings
from app.services.reminders import TextSettings
from app.timeutil import frozen_at, set_frozen, utcnow
from app.web.presentation.breach_printout import breach_context
from tests.integration.conftest import login
from tests.integration.factories import granted_case, served_case

SERVED = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)  # Mon; the hearing must begin by Wed 18 Nov 09:00
HEARING_DEADLINE = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)
ARRESTED = datetime(2026, 11, 16, 20, 0, tzinfo=UTC)  # Mon evening: 24 hours end Tue 17 Nov 20:00
WITHIN_24_HOURS = datetime(2026, 11, 17, 20, 0, tzinfo=UTC)
NEXT_MORNING = datetime(2026, 11, 17, 10, 0, tzinfo=UTC)


def _arrest(officer, case, arrested_at=ARRESTED):
    return breaches.record_breach(
        officer, case, occurred_at=arrested_at - timedelta(minutes=30), description="Came to the house.",
        source=BreachSource.VICTIM, arrested_at=arrested_at, arresting_officer="PC 123 Jones", calendar=load_calendar(),
    )


def _arrested_the_evening_before_a_listed_hearing(login_as):
    """A served notice, its hearing listed for next morning, then P arrested for breach."""
    officer, _ = login_as(Role.OFFICER)
    case = served_case(officer, served_at=SERVED)
    _list(officer, case, NEXT_MORNING)
    return officer, case, _arrest(officer, case)


def _list(officer, case, starts_at):
    return court.list_hearing(officer, case, court_name="Northfield Magistrates", starts_at=starts_at, late_reason="",
                              calendar=load_calendar())


def _adjourn(officer, case, next_starts_at):
    court.record_outcome(officer, case, court.pending_hearing(case), outcome=HearingOutcome.ADJOURNED, contested=False,
                         notes="", next_starts_at=next_starts_at, p_brought=False, calendar=load_calendar(),
                         texts=TextSettings(), orders=OrderSettings())


def _stored(breach) -> datetime:
    db.session.expire(breach)
    return breach.court_deadline_at


def _dashboard_row(client, case) -> str:
    html = client.get("/dashboard").get_data(as_text=True)
    table = html[html.index("<table"):]
    at = table.index(case.reference)
    return table[table.rfind("<tr", 0, at):table.index("</tr>", at)]


def _everywhere(client, case, breach) -> dict:
    """The breach's deadline as stored, on the dashboard (the clock and the row) and on the printout."""
    calendar = load_calendar()
    [clock] = [c for c in clocks_for(case, utcnow(), calendar) if c.name == BREACH_CLOCK]
    db.session.refresh(case)
    return {
        "stored": _stored(breach),
        "urgency": case.urgency_at,
        "clock": clock.deadline,
        "printout": breach_context(case, breach, calendar)["court_deadline"],
    } | {"dashboard row": _dashboard_row(client, case)}


def _assert_deadline(client, case, breach, expected: datetime) -> None:
    seen = _everywhere(client, case, breach)
    row = seen.pop("dashboard row")
    assert all(value == expected for value in seen.values()), (expected, seen)
    assert BREACH_CLOCK in row and format_instant(expected) in row, row


def test_arrested_the_evening_before_a_hearing_next_morning_is_due_at_the_hearing(client, login_as):
    with frozen_at(ARRESTED + timedelta(hours=1)):
        officer, case, breach = _arrested_the_evening_before_a_listed_hearing(login_as)

        _assert_deadline(client, case, breach, NEXT_MORNING)
        assert breach_court_deadline(ARRESTED) == WITHIN_24_HOURS  # what the 24 hours alone would say
        context = breach_context(case, breach, load_calendar())
        assert context["deadline_reason"] == "hearing" and context["within_24_hours"] == WITHIN_24_HOURS
        html = client.get(f"/cases/{case.id}/breaches/{breach.id}/printout").get_data(as_text=True)
        assert f"<strong>{format_instant(NEXT_MORNING)}</strong>, at the hearing of the application" in html
        assert format_instant(WITHIN_24_HOURS) in html  # the 24 hours, for comparison


def test_before_a_listing_the_hearing_deadline_counts_and_listing_moves_the_breach_deadline(client, login_as):
    arrested = datetime(2026, 11, 17, 10, 0, tzinfo=UTC)  # Tue: 24 hours end Wed 10:00, after the hearing deadline
    with frozen_at(arrested + timedelta(minutes=30)):
        officer, _ = login_as(Role.OFFICER)
        case = served_case(officer, served_at=SERVED)
        breach = _arrest(officer, case, arrested)
        _assert_deadline(client, case, breach, HEARING_DEADLINE)
        assert breach_context(case, breach, load_calendar())["deadline_reason"] == "hearing_deadline"

        listed = datetime(2026, 11, 17, 15, 0, tzinfo=UTC)
        _list(officer, case, listed)
        _assert_deadline(client, case, breach, listed)


def test_a_hearing_listed_after_the_24_hours_leaves_them_in_charge(client, login_as):
    with frozen_at(ARRESTED + timedelta(hours=1)):
        officer, _ = login_as(Role.OFFICER)
        case = served_case(officer, served_at=SERVED)
        breach = _arrest(officer, case)
        _assert_deadline(client, case, breach, WITHIN_24_HOURS)
        _list(officer, case, HEARING_DEADLINE)  # Wed 09:00, after Tue 20:00
        _assert_deadline(client, case, breach, WITHIN_24_HOURS)
        assert breach_context(case, breach, load_calendar())["deadline_reason"] == "24h"


def test_moving_the_hearing_before_it_sits_moves_the_breach_deadline_both_ways(client, login_as):
    with frozen_at(ARRESTED + timedelta(hours=1)):
        officer, case, breach = _arrested_the_evening_before_a_listed_hearing(login_as)
        _assert_deadline(client, case, breach, NEXT_MORNING)

        # The court moves Tuesday's 10:00 listing to 14:00 before it sits (recorded as an adjournment).
        afternoon = datetime(2026, 11, 17, 14, 0, tzinfo=UTC)
        _adjourn(officer, case, afternoon)
        _assert_deadline(client, case, breach, afternoon)
        # And then to Wednesday, after the 24 hours end: the 24 hours are the deadline again.
        _adjourn(officer, case, datetime(2026, 11, 18, 10, 0, tzinfo=UTC))
        _assert_deadline(client, case, breach, WITHIN_24_HOURS)


def test_arrest_during_the_hearing_then_adjournment_moves_the_breach_deadline(client, make_user):
    sitting = datetime(2026, 11, 16, 14, 0, tzinfo=UTC)
    arrested = datetime(2026, 11, 16, 14, 15, tzinfo=UTC)  # 24 hours end Tue 14:15
    officer = make_user(Role.OFFICER)
    with frozen_at(SERVED + timedelta(hours=1)):
        case = served_case(officer, served_at=SERVED)
        _list(officer, case, sitting)
    set_frozen(arrested + timedelta(minutes=10))
    assert login(client, officer).status_code == 302
    breach = _arrest(officer, case, arrested)
    # The hearing is under way and has no outcome: P is due before it at once.
    _assert_deadline(client, case, breach, arrested)
    assert breach_context(case, breach, load_calendar())["deadline_reason"] == "at_once"

    set_frozen(arrested + timedelta(minutes=35))
    _adjourn(officer, case, NEXT_MORNING)  # sooner than Tue 14:15
    _assert_deadline(client, case, breach, NEXT_MORNING)


def test_a_breach_of_the_order_keeps_the_24_hours(client, login_as):
    officer, _ = login_as(Role.OFFICER)
    case = granted_case(officer)
    arrested = utcnow() - timedelta(minutes=20)
    breach = _arrest(officer, case, arrested)
    assert breach.order_id == case.order.id
    # A hearing starting after the arrest (as the hearing of an application would) changes nothing for an
    # order: straight to the table, as no service lists one after the order is made.
    case.hearings.append(Hearing(court_name="Northfield Magistrates", starts_at=arrested + timedelta(hours=2),
                                 listed_by_id=officer.id, listed_at=utcnow()))
    db.session.commit()
    assert breach_hearing_at(case, breach, load_calendar()) is None
    court.change_order(officer, case, kind=OrderEventKind.VARIED, court_date=utcnow().date(),
                       details="Distance reworded.", new_days=21, calendar=load_calendar(), texts=TextSettings())
    _assert_deadline(client, case, breach, breach_court_deadline(arrested))
