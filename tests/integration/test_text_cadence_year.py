"""A year of a DAPO until further order, run by the scheduler's own jobs on a frozen clock
(issue 13): never expired, texted by the cadence, the referral in step; then the court sets
an end, and the order expires at it, the texts stop and the referral moves on."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from app import timeutil
from app.domain.cadence import texts_in_first_year
from app.domain.regimes import RegimeCode
from app.domain.timefmt import to_london
from app.extensions import db
from app.jobs import dispatch_texts, expire_orders, extend_text_plans, sweep_referrals
from app.models import CaseState, HearingOutcome, MessageStatus, OrderEventKind, OrderStatus, Referral, Role, TextMessage
from app.services import court
from app.services.calendar import load_calendar
from app.services.order_records import OrderSettings
from app.services.reminders import TextSettings
from tests.integration.conftest import DEFAULT_NOW
from tests.integration.factories import heard_case

ONE_DAY = timedelta(days=1)


def run_every_job(app) -> None:
    for job in (expire_orders, extend_text_plans, dispatch_texts, sweep_referrals):
        job(app)


def next_wake(now: datetime) -> datetime:
    """The next moment a job has something to do: the next text's wake time, or a day on
    (so the expiry, extension and referral jobs run at least daily)."""
    wake = db.session.scalar(select(func.min(TextMessage.wake_at)).where(TextMessage.status == MessageStatus.PLANNED))
    return max(now + timedelta(seconds=1), min(wake, now + ONE_DAY)) if wake else now + ONE_DAY


def count(status: MessageStatus, case_id: int) -> int:
    return db.session.scalar(select(func.count()).where(TextMessage.case_id == case_id, TextMessage.status == status))


def run_until(app, case_id: int, start: datetime, until: datetime, check=lambda: None) -> datetime:
    now = start
    while now < until:
        timeutil.set_frozen(now)
        run_every_job(app)
        db.session.expire_all()
        check()
        now = next_wake(now)
    return now


def test_a_year_of_a_dapo_until_further_order_then_an_end(app, make_user):
    officer = make_user(Role.OFFICER)
    case = heard_case(officer, regime=RegimeCode.DAPN)
    court.record_outcome(officer, case, court.pending_hearing(case), outcome=HearingOutcome.GRANTED, contested=False,
                         notes="", made_on=DEFAULT_NOW.date(), conditions=[{"kind": "no_molest"}], until_further_order=True,
                         calendar=load_calendar(), texts=TextSettings(), orders=OrderSettings())
    case_id, order = case.id, case.order
    referral = db.session.scalars(select(Referral).where(Referral.case_id == case_id)).first()
    most_planned = []

    def in_step():
        assert order.status is OrderStatus.IN_FORCE and order.ends_at is None
        assert (referral.protection_stage, referral.order_ends_at) == ("order", None)
        most_planned.append(count(MessageStatus.PLANNED, case_id))

    a_year_on = DEFAULT_NOW + 365 * ONE_DAY
    now = run_until(app, case_id, DEFAULT_NOW, a_year_on, in_step)

    # Never expired; texts by the cadence: weekly in the first 4 weeks, then every 4 weeks.
    assert db.session.get(type(case), case_id).state is CaseState.ORDER_IN_FORCE
    sent = db.session.scalars(select(TextMessage).where(TextMessage.case_id == case_id, TextMessage.status == MessageStatus.SENT)
                              .order_by(TextMessage.sent_at)).all()
    assert len(sent) == texts_in_first_year() == 17
    days = [(to_london(m.sent_at).date() - DEFAULT_NOW.date()).days for m in sent]
    assert days == [0, 7, 14, 21] + list(range(28, 365, 28))
    assert all(to_london(m.sent_at).hour == 10 and m.body and m.to_e164 for m in sent)
    # The plan never ran away: a rolling horizon of 56 days holds at most a handful of texts.
    assert max(most_planned) <= 5

    # The court sets an end: 400 days from the day made (the last day is day 399).
    timeutil.set_frozen(now)
    court.change_order(officer, case, kind=OrderEventKind.VARIED, court_date=to_london(now).date(),
                       details="The order now ends on a date.", new_days=400, calendar=load_calendar(), texts=TextSettings())
    ends_at = order.ends_at
    assert ends_at is not None and (referral.protection_stage, referral.order_ends_at) == ("order", ends_at)
    run_until(app, case_id, now, ends_at + 3 * ONE_DAY)

    assert order.status is OrderStatus.EXPIRED and order.ended_at >= ends_at
    assert order.ended_at - ends_at < ONE_DAY  # expired at its end, by the job
    after = db.session.scalars(select(TextMessage).where(TextMessage.case_id == case_id, TextMessage.status == MessageStatus.SENT,
                                                         TextMessage.sent_at > a_year_on).order_by(TextMessage.sent_at)).all()
    assert [m.step_key for m in after] == ["start+392", "end-0"]
    assert all(m.sent_at < ends_at for m in after)
    assert count(MessageStatus.PLANNED, case_id) == 0
    assert referral.protection_stage == "ended" and referral.order_ends_at == ends_at
    assert ends_at == datetime(2027, 12, 21, 0, 0, tzinfo=UTC)  # midnight London (GMT) after day 399
