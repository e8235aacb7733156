"""Sending the reminder texts: the scheduler's dispatcher and the delivery receipts.

The message table is the queue (app/models/message.py). One pass:
1. sweep: a claim that ran out before its text was handed to the provider goes back to
   planned (certainly never sent); one that ran out after the hand-over becomes "unknown"
   (perhaps sent) and is NEVER sent again automatically; sent texts with no receipt for 72
   hours become expired;
2. claim due rows: select them (``FOR UPDATE SKIP LOCKED`` on PostgreSQL), then mark them
   claimed only where they are still planned (a compare-and-set: a second dispatcher that
   selected the same rows claims none of them; on SQLite, which has no row locks, this is
   the whole guard);
3. for each: re-check the order and the window, then, in one compare-and-set from claimed
   to sending, store the exact text and the moment of the hand-over (committed before the
   request), send with the row's UUID as ``client_ref``, and record the answer only if the
   row is still that attempt's.

A crash between the provider's acceptance and step 3's record leaves the row sending; when
its claim runs out it becomes unknown, and a delivery receipt (matched by ``client_ref``),
Vonage's records (services/text_outcomes.py) or a person settle it. So does an answer that
never came (Outcome.UNKNOWN).
"""
from __future__ import annotations

import logging
import threading
import time as walltime
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from app.domain.message_templates import TemplateError, render
from app.domain.reminders import in_window, next_sending_time
from app.domain.sms_encoding import is_gsm7
from app.extensions import db
from app.models import Case, MessageStatus, TextMessage, TrialEnrolment
from app.services.reminders import TextSettings, current_templates
from app.services.transaction import commits
from app.sms import Outcome, SendResult, Transport
from app.sms.receipts import Receipt, ReceiptStatus
from app.timeutil import utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DispatchSettings:
    claim: timedelta = timedelta(minutes=10)
    expire_after: timedelta = timedelta(hours=72)
    max_attempts: int = 8
    batch_size: int = 500
    rate_per_second: int = 30
    reconcile_every: timedelta = timedelta(minutes=10)  # an unknown text's records: first search, then as often
    decide_after: timedelta = timedelta(hours=24)  # unknown this long with no answer: a person decides

    @classmethod
    def from_config(cls, config) -> DispatchSettings:
        return cls(claim=timedelta(minutes=config["SMS_CLAIM_MINUTES"]), expire_after=timedelta(hours=config["SMS_EXPIRE_HOURS"]),
                   max_attempts=config["SMS_MAX_ATTEMPTS"], batch_size=config["SMS_BATCH_SIZE"],
                   rate_per_second=config["SMS_RATE_PER_SECOND"],
                   reconcile_every=timedelta(minutes=config["SMS_RECONCILE_MINUTES"]),
                   decide_after=timedelta(hours=config["SMS_UNKNOWN_DECIDE_HOURS"]))


@dataclass
class DispatchReport:
    claimed: int = 0
    sent: int = 0
    retrying: int = 0
    unknown: int = 0
    failed: int = 0
    cancelled: int = 0
    deferred: int = 0
    reclaimed: int = 0  # claims that ran out before the hand-over: planned again
    became_unknown: int = 0  # claims that ran out after the hand-over
    expired: int = 0


class RateLimiter:
    """At most `per_second` sends in any sliding 1-second window, as the provider counts them.

    A true sliding window, not a schedule: it remembers when each of the last sends ended and
    lets a new send start only when fewer than `per_second` sends are in flight or ended less
    than `window` seconds ago. A send's slot is held from its start until its answer (not
    just from its start) because the provider receives it somewhere in between: the send
    that starts when the oldest slot turns 1 second old therefore reaches the provider more
    than 1 second after that oldest one did, however the network's delay varies. There is
    no "catching up" after oversleeping: every decision re-reads the clock.

    Thread-safe, so dispatchers in one process share one (see `shared_limiter`). The clock
    (monotonic seconds) and sleep are injectable, so unit tests run on a fake clock.
    Over a long run one sequential sender gets `per_second / (1 + latency)` sends a second.
    """

    def __init__(self, per_second: int, clock=walltime.monotonic, sleep=walltime.sleep, *, window: float = 1.0):
        if per_second < 1:
            raise ValueError("per_second must be at least 1")
        self.per_second, self.window, self.clock, self.sleep = per_second, window, clock, sleep
        self._ended: deque[float] = deque()  # when recent sends ended, oldest first
        self._in_flight = 0
        self._changed = threading.Condition()

    def acquire(self) -> float:
        """Wait for a slot and take it; returns the (monotonic) moment it was granted."""
        with self._changed:
            while True:
                now = self.clock()
                # The same sum as `until` below: with `now - ended >= window`, rounding could
                # keep a slot whose wait `until - now` came out as 0.0.
                while self._ended and self._ended[0] + self.window <= now:
                    self._ended.popleft()
                if self._in_flight + len(self._ended) < self.per_second:
                    self._in_flight += 1
                    return now
                if not self._ended:  # every slot is a send still waiting for its answer
                    self._changed.wait()
                    continue
                until = self._ended[0] + self.window
                self._changed.release()  # others may finish sends while we sleep
                try:
                    self.sleep(until - now)
                finally:
                    self._changed.acquire()

    def release(self) -> None:
        """The send that took a slot has been answered (or failed): its second starts now."""
        with self._changed:
            self._in_flight -= 1
            self._ended.append(self.clock())
            self._changed.notify()

    @contextmanager
    def slot(self) -> Iterator[float]:
        """`with limiter.slot(): send(...)`: a slot for one send, held until it returns or raises."""
        granted = self.acquire()
        try:
            yield granted
        finally:
            self.release()


_shared: dict[int, RateLimiter] = {}
_shared_lock = threading.Lock()


def shared_limiter(per_second: int) -> RateLimiter:
    """The process's one limiter for this rate: every dispatcher pass and thread uses it, so the
    cap holds across consecutive passes and concurrent dispatchers. (Production runs exactly
    one scheduler process; separate processes would not share it.)"""
    with _shared_lock:
        if per_second not in _shared:
            _shared[per_second] = RateLimiter(per_second)
        return _shared[per_second]


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff from 30 seconds, doubling per attempt, capped at 30 minutes."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 1800))


def dispatch_due(transport: Transport, texts: TextSettings, settings: DispatchSettings, *,
                 now_fn=utcnow, limiter: RateLimiter | None = None, max_batches: int | None = None,
                 after_select: Callable[[list[int]], None] | None = None) -> DispatchReport:
    """One dispatcher pass: sweep, then claim and send due texts batch by batch.

    `after_select` (tests only) runs between selecting due rows and claiming them, so a test
    can make two dispatchers select the same rows before either claims them."""
    report = DispatchReport()
    sweep(now_fn(), report)
    limiter = limiter or shared_limiter(settings.rate_per_second)
    batches = 0
    while max_batches is None or batches < max_batches:
        ids = claim(now_fn(), settings, after_select=after_select)
        if not ids:
            break
        batches += 1
        report.claimed += len(ids)
        templates = {kind: (t.id, t.body) for kind, t in current_templates().items()}
        for job in _load(ids, texts):
            _send_one(job, transport, texts, settings, report, now_fn, limiter, templates)
    return report


@commits
def sweep(now: datetime, report: DispatchReport | None = None) -> None:
    """Claims that ran out, and sent texts whose receipt never came."""
    report = report or DispatchReport()
    # Never handed to the provider (the hand-over is committed before the request): the
    # attempt did not happen, so planning it again cannot send it twice.
    report.reclaimed += db.session.execute(
        update(TextMessage).where(TextMessage.status == MessageStatus.CLAIMED, TextMessage.wake_at <= now)
        .values(status=MessageStatus.PLANNED, wake_at=now, attempts=TextMessage.attempts - 1,
                error="The dispatcher stopped before sending it: planned again")
    ).rowcount
    # Handed over with no answer recorded: perhaps sent. Never sent again automatically.
    report.became_unknown += db.session.execute(
        update(TextMessage).where(TextMessage.status == MessageStatus.SENDING, TextMessage.wake_at <= now)
        .values(status=MessageStatus.UNKNOWN, unknown_since=now, wake_at=now,
                error="No answer from the provider: perhaps sent, so not sent again until settled")
    ).rowcount
    report.expired += db.session.execute(
        update(TextMessage).where(TextMessage.status == MessageStatus.SENT, TextMessage.wake_at <= now)
        .values(status=MessageStatus.EXPIRED, wake_at=None, error="No delivery receipt within the expiry time")
    ).rowcount
    db.session.commit()


@commits
def claim(now: datetime, settings: DispatchSettings, *, after_select: Callable[[list[int]], None] | None = None) -> list[int]:
    """Claim up to a batch of due planned texts; returns the ids this call claimed. The claim
    runs out at now + settings.claim (see sweep).

    Two steps in one transaction: select the due rows (locked and skipping locked rows on
    PostgreSQL; SQLite ignores the locking clause), then claim them only where they are still
    planned. Another dispatcher may have selected the same rows (always possible on SQLite);
    the status compare-and-set gives each row to exactly one of them."""
    due = db.session.scalars(
        select(TextMessage.id)
        .where(TextMessage.status == MessageStatus.PLANNED, TextMessage.wake_at <= now)
        .order_by(TextMessage.wake_at)
        .limit(settings.batch_size)
        .with_for_update(skip_locked=True)
    ).all()
    if after_select is not None:
        after_select(list(due))
    if not due:
        db.session.commit()
        return []
    ids = db.session.scalars(
        update(TextMessage)
        .where(TextMessage.id.in_(due), TextMessage.status == MessageStatus.PLANNED)
        .values(status=MessageStatus.CLAIMED, wake_at=now + settings.claim, attempts=TextMessage.attempts + 1)
        .returning(TextMessage.id)
        .execution_options(synchronize_session=False)
    ).all()
    db.session.commit()
    return sorted(ids)


@dataclass(frozen=True)
class _Job:
    """What sending one claimed text needs, read once: sessions expire objects on every commit."""

    id: int
    uuid: str
    attempt: int  # the row's attempts once claimed: which attempt this is
    kind: object
    mobile: str | None
    gets_texts: bool
    order_in_force: bool
    ends_at: datetime | None
    values: dict


@commits
def _load(ids: list[int], texts: TextSettings) -> list[_Job]:
    messages = db.session.scalars(select(TextMessage).where(TextMessage.id.in_(ids)).order_by(TextMessage.wake_at, TextMessage.id)).all()
    enrolments = {e.id: e for e in db.session.scalars(
        select(TrialEnrolment).where(TrialEnrolment.id.in_({m.enrolment_id for m in messages}))
        .options(selectinload(TrialEnrolment.allocation))
    )}
    cases = {c.id: c for c in db.session.scalars(
        select(Case).where(Case.id.in_({m.case_id for m in messages})).options(selectinload(Case.order))
    )}
    jobs = []
    for message in messages:
        case, enrolment = cases[message.case_id], enrolments[message.enrolment_id]
        order = case.order
        in_force = case.order_in_force is not None
        jobs.append(_Job(id=message.id, uuid=message.uuid, attempt=message.attempts, kind=message.kind, mobile=enrolment.mobile_e164,
                         gets_texts=enrolment.gets_texts, order_in_force=in_force, ends_at=order.ends_at if order else None,
                         values=texts.placeholder_values(order.conditions, order.ends_at) if in_force else {}))
    db.session.commit()
    return jobs


@commits
def _claimed_update(job: _Job, *, held: tuple[MessageStatus, ...] = (MessageStatus.CLAIMED,), **values) -> bool:
    """Change a row only if it is still this attempt's, in one of the `held` statuses: a
    receipt may have settled it, or the sweep moved it on, meanwhile."""
    done = db.session.execute(
        update(TextMessage).where(TextMessage.id == job.id, TextMessage.status.in_(held), TextMessage.attempts == job.attempt)
        .values(**values).execution_options(synchronize_session=False)
    ).rowcount == 1
    db.session.commit()
    return done


# An answer is recorded while the row is sending, or already unknown because the claim ran
# out while the provider kept us waiting: the answer is better knowledge than the sweep's.
ANSWERED = (MessageStatus.SENDING, MessageStatus.UNKNOWN)


def _finish(job: _Job, report: DispatchReport, counter: str, *, held: tuple[MessageStatus, ...] = (MessageStatus.CLAIMED,),
            **values) -> None:
    if _claimed_update(job, held=held, **values):
        setattr(report, counter, getattr(report, counter) + 1)


def _send_one(job: _Job, transport: Transport, texts: TextSettings, settings: DispatchSettings,
              report: DispatchReport, now_fn, limiter: RateLimiter, templates) -> None:
    now = now_fn()
    ended = job.ends_at is not None and now >= job.ends_at  # None: until further order
    if not (job.order_in_force and job.gets_texts and job.mobile) or ended:
        _finish(job, report, "cancelled", status=MessageStatus.CANCELLED, wake_at=None,
                cancelled_reason="The order is no longer in force, or texts were stopped")
        return
    if not in_window(now, texts.window):
        later = next_sending_time(now, texts.window)
        if job.ends_at is not None and later >= job.ends_at:
            _finish(job, report, "cancelled", status=MessageStatus.CANCELLED, wake_at=None,
                    cancelled_reason="Quiet hours last until after the order ends")
        else:
            _finish(job, report, "deferred", status=MessageStatus.PLANNED, wake_at=later, deferred=True,
                    attempts=TextMessage.attempts - 1)
        return
    template_id, wording = templates[job.kind]
    try:
        body = render(wording, job.values)
    except TemplateError as exc:
        _finish(job, report, "failed", status=MessageStatus.FAILED, wake_at=None, error=f"Template: {exc}"[:200])
        return
    # The hand-over, committed before the request: from here on the text is perhaps sent. The
    # exact text, number and wording version are stored with it, so the record of what went
    # out survives a crash between the provider's acceptance and our reply.
    if not _claimed_update(job, status=MessageStatus.SENDING, handed_at=now_fn(), body=body, to_e164=job.mobile,
                           template_id=template_id, transport=transport.name):
        return
    with limiter.slot():
        result = transport.send(to=job.mobile, text=body, client_ref=job.uuid, unicode=not is_gsm7(body))
    _record(job, result, now_fn(), settings, report, receipts=getattr(transport, "sends_receipts", True))


def _record(job: _Job, result: SendResult, now: datetime, settings: DispatchSettings, report: DispatchReport, *,
            receipts: bool = True) -> None:
    if result.outcome is Outcome.ACCEPTED:
        _finish(job, report, "sent", held=ANSWERED, status=MessageStatus.SENT, provider_id=result.provider_id, sent_at=now,
                wake_at=now + settings.expire_after if receipts else None, error=None, unknown_since=None)
    elif result.outcome is Outcome.REJECTED:
        _finish(job, report, "failed", held=ANSWERED, status=MessageStatus.FAILED, wake_at=None, error=result.error,
                unknown_since=None)
    elif result.outcome is Outcome.UNKNOWN:
        # Perhaps accepted: never sent again automatically. A receipt, the provider's records
        # (searched from `reconcile_every` on) or, in the end, a person settle it.
        _finish(job, report, "unknown", held=ANSWERED, status=MessageStatus.UNKNOWN, unknown_since=now,
                wake_at=now + settings.reconcile_every, provider_id=result.provider_id,
                error=f"{result.error}: perhaps sent, so not sent again until settled"[:200])
    elif job.attempt >= settings.max_attempts:  # RETRY: certainly not taken
        _finish(job, report, "failed", held=ANSWERED, status=MessageStatus.FAILED, wake_at=None, unknown_since=None,
                error=f"{result.error} (gave up after {job.attempt} attempts)"[:200])
    else:
        _finish(job, report, "retrying", held=ANSWERED, status=MessageStatus.PLANNED, unknown_since=None,
                wake_at=now + retry_delay(job.attempt), error=result.error)


# -- delivery receipts ----------------------------------------------------------------------

# Not yet sent, or perhaps sent: what a receipt (the provider took it) can settle.
RECEIPT_CAN_SEND = (MessageStatus.PLANNED, MessageStatus.CLAIMED, MessageStatus.SENDING, MessageStatus.UNKNOWN)
RECEIPT_CAN_SETTLE = (*RECEIPT_CAN_SEND, MessageStatus.SENT, MessageStatus.EXPIRED)


@commits
def record_receipt(receipt: Receipt, now: datetime, expire_after: timedelta = DispatchSettings.expire_after) -> bool:
    """Apply a delivery receipt to the text whose UUID is its client_ref. Idempotent: a repeat,
    or a receipt for a text already settled, changes nothing. Returns whether anything changed."""
    values: dict = {"provider_id": receipt.provider_id, "receipt_at": receipt.reported_at or now,
                    "receipt_status": receipt.status.value}
    if receipt.status is ReceiptStatus.DELIVERED:
        values |= {"status": MessageStatus.DELIVERED, "wake_at": None, "error": None}
    elif receipt.status in (ReceiptStatus.FAILED, ReceiptStatus.REJECTED):
        values |= {"status": MessageStatus.FAILED, "wake_at": None,
                   "error": f"The network reported the text {receipt.status.value} (code {receipt.error_code or 'none'})"}
    elif receipt.status is ReceiptStatus.EXPIRED:
        values |= {"status": MessageStatus.EXPIRED, "wake_at": None, "error": "The network could not deliver it in time"}
    else:
        # Accepted or buffered: the provider has it. A planned, claimed, sending or unknown row is settled as sent.
        values |= {"status": MessageStatus.SENT}
    settles = RECEIPT_CAN_SETTLE if values["status"] is not MessageStatus.SENT else RECEIPT_CAN_SEND
    values["unknown_since"] = None
    changed = db.session.execute(
        update(TextMessage).where(TextMessage.uuid == receipt.client_ref, TextMessage.status.in_(settles))
        .values(**values).execution_options(synchronize_session=False)
    ).rowcount
    if changed and values["status"] is MessageStatus.SENT:
        db.session.execute(
            update(TextMessage).where(TextMessage.uuid == receipt.client_ref, TextMessage.sent_at.is_(None))
            .values(sent_at=receipt.reported_at or now, wake_at=now + expire_after)
            .execution_options(synchronize_session=False)
        )
    db.session.commit()
    if not changed:
        log.info("delivery receipt changed nothing (repeat, late, or not ours)")
    return bool(changed)
