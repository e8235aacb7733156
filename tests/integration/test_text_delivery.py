"""Sending through the real `vonage` SDK to a loopback fake Vonage over HTTPS; delivery
receipts; and exactly-once under retries, crashes, restarts, hangs and two dispatchers (issues 5
and 14). Each exactly-once test forces its race deterministically, so it fails on SQLite and on
PostgreSQL alike when the guard it is about is broken (see the issue 14 notes)."""
from __future__ import annotations

import threading
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app import timeutil
from app.extensions import db
from app.jobs import dispatch_texts
from app.models import MessageStatus, Role, TextMessage
from app.services import reminders
from app.services.dispatch import DispatchSettings, RateLimiter, dispatch_due, sweep
from app.services.reminders import TextSettings
from app.services.text_outcomes import reconcile_unknown
from app.sms import Outcome, build_reconciler, build_transport
from tests.integration.conftest import VONAGE_SIGNATURE as SECRET

NO_WAIT = RateLimiter(10_000, sleep=lambda _s: None)


def first_text(case) -> TextMessage:
    message = reminders.messages_for(case)[0]
    db.session.refresh(message)
    return message


def run(app, **settings):
    return dispatch_due(build_transport(app.config), TextSettings(), DispatchSettings(**settings), limiter=NO_WAIT)


def test_a_text_goes_through_vonage_and_its_signed_receipt_settles_it(app, client, fake, texting_case):
    dispatch_texts(app)  # the scheduler's job, as it runs every minute
    message = first_text(texting_case)
    assert message.status is MessageStatus.SENT
    [sent] = fake.received
    assert sent["client_ref"] == message.uuid and sent["text"] == message.body and sent["to"] == "447123456789"
    assert sent["from"] == "DemoPolice" and message.provider_id == sent["message_id"]

    receipt = fake.receipt(message.uuid, "delivered", signature_secret=SECRET, method="md5hash", now=timeutil.utcnow())
    unsigned = {k: v for k, v in receipt.items() if k != "sig"}
    assert client.get("/webhooks/vonage/delivery", query_string=unsigned).status_code == 401
    assert client.post("/webhooks/vonage/delivery", data={**receipt, "status": "failed"}).status_code == 401  # tampered
    assert first_text(texting_case).status is MessageStatus.SENT  # nothing changed

    assert client.get("/webhooks/vonage/delivery", query_string=receipt).status_code == 204
    delivered = first_text(texting_case)
    assert delivered.status is MessageStatus.DELIVERED and delivered.receipt_status == "delivered"
    # Vonage repeats receipts it thinks were lost: a repeat is harmless.
    assert client.post("/webhooks/vonage/delivery", data=receipt).status_code == 204
    assert client.post("/webhooks/vonage/delivery", json=receipt).status_code == 204
    assert first_text(texting_case).status is MessageStatus.DELIVERED


@pytest.mark.parametrize("params", [{}, {"sig": "zz"}, {"messageId": "x" * 500}])
def test_garbage_receipts_get_4xx_and_change_nothing(app, client, params):
    response = client.get("/webhooks/vonage/delivery", query_string=params)
    assert 400 <= response.status_code < 500


def test_an_unsigned_receipt_is_accepted_when_no_secret_is_configured(app, client, fake, texting_case):
    app.config["VONAGE_SIGNATURE_SECRET"] = ""
    dispatch_texts(app)
    message = first_text(texting_case)
    bad = fake.receipt(message.uuid, "delivered") | {"status": "teleported"}
    assert client.post("/webhooks/vonage/delivery", data=bad).status_code == 400
    assert client.post("/webhooks/vonage/delivery", data=fake.receipt(message.uuid, "failed", err_code="1")).status_code == 204
    failed = first_text(texting_case)
    assert failed.status is MessageStatus.FAILED and "code 1" in failed.error


def test_throttling_and_server_errors_are_retried_and_sent_once(app, fake, texting_case):
    fake.script("throttle", "http500")
    run(app)
    message = first_text(texting_case)
    assert message.status is MessageStatus.PLANNED and message.attempts == 1 and "status 1" in message.error.lower()
    timeutil.set_frozen(message.wake_at)
    run(app)
    message = first_text(texting_case)
    assert message.status is MessageStatus.PLANNED and message.attempts == 2
    timeutil.set_frozen(message.wake_at)
    run(app)
    assert first_text(texting_case).status is MessageStatus.SENT
    assert fake.accepted_refs()[message.uuid] == 1 and fake.request_count == 3


def test_a_permanent_failure_fails_at_once_and_shows_as_a_task(app, client, login_as, fake, texting_case):
    fake.script(("status", "7", "Number barred"))
    run(app)
    message = first_text(texting_case)
    assert message.status is MessageStatus.FAILED and message.attempts == 1
    login_as(Role.OFFICER)
    assert "could not be delivered" in client.get(f"/cases/{texting_case.id}/texts").get_data(as_text=True)


def test_a_timeout_is_never_resent_and_its_receipt_settles_it(app, fake, texting_case):
    """The provider took the text but we never heard: it is unknown, never sent again by any
    later pass however long it waits, and the receipt settles it. No duplicate."""
    fake.script("hang")
    report = run(app)
    assert report.unknown == 1
    message = first_text(texting_case)
    assert message.status is MessageStatus.UNKNOWN and message.body and message.handed_at  # the exact text is kept
    for minutes in (1, 11, 60, 24 * 60):  # past the claim, the searches, the decision time
        timeutil.set_frozen(message.unknown_since + timedelta(minutes=minutes))
        run(app)
    assert fake.request_count == 1 and first_text(texting_case).status is MessageStatus.UNKNOWN
    record_receipt_via_service(fake.receipt(message.uuid, "delivered"))
    run(app)
    assert first_text(texting_case).status is MessageStatus.DELIVERED and fake.accepted_refs()[message.uuid] == 1


def record_receipt_via_service(params):
    from app.services.dispatch import record_receipt
    from app.sms.receipts import parse_receipt

    record_receipt(parse_receipt(params), timeutil.utcnow())


class CrashAfter:
    """A transport that dies (like a killed process) after the provider accepted `n` texts."""

    def __init__(self, inner, n):
        self.inner, self.n, self.name = inner, n, inner.name

    def send(self, **kwargs):
        result = self.inner.send(**kwargs)
        self.n -= 1
        if self.n <= 0:
            raise SystemExit("dispatcher killed")
        return result


def due_texts(case, count):
    """Extra texts due now for the case (a busy minute), besides its plan."""
    enrolment = reminders.enrolment_for(case)
    now = timeutil.utcnow()
    for n in range(count):
        db.session.add(TextMessage(uuid=str(uuid.uuid4()), case_id=case.id, enrolment_id=enrolment.id, step_key=f"extra{n}",
                                   kind=reminders.messages_for(case)[0].kind, due_at=now, wake_at=now, created_at=now))
    db.session.commit()


def reconcile(app):
    return reconcile_unknown(build_reconciler(app.config), DispatchSettings(), timeutil.utcnow())


def test_a_crash_mid_batch_then_restart_sends_every_text_exactly_once(app, fake, texting_case):
    """Killed after Vonage took the second text and before its answer was stored: when the
    claims run out the four texts never handed over are planned again and sent, and the one
    handed over is unknown, never resent, and settled from Vonage's records (no receipt)."""
    due_texts(texting_case, 5)  # 6 due: the plan's first text and 5 more
    started = timeutil.utcnow()
    with pytest.raises(SystemExit):
        dispatch_due(CrashAfter(build_transport(app.config), 2), TextSettings(), DispatchSettings(), limiter=NO_WAIT)
    db.session.rollback()
    accepted = list(fake.accepted_refs())
    assert len(accepted) == 2
    # Restart once the claims have run out.
    timeutil.set_frozen(timeutil.utcnow() + timedelta(minutes=11))
    report = run(app)
    assert (report.reclaimed, report.became_unknown, report.sent) == (4, 1, 4)
    [unknown] = db.session.scalars(select(TextMessage).where(TextMessage.status == MessageStatus.UNKNOWN)).all()
    assert unknown.uuid == accepted[1]
    timeutil.set_frozen(timeutil.utcnow() + timedelta(minutes=10))  # the records are searched
    assert reconcile(app).found == 1
    run(app)
    counts = fake.accepted_refs()
    due = db.session.scalars(select(TextMessage).where(TextMessage.due_at <= started)).all()
    assert len(due) == 6 and all(counts[m.uuid] == 1 for m in due)
    assert [m.status for m in due] == [MessageStatus.SENT] * 6
    settled = db.session.get(TextMessage, unknown.id)
    assert settled.provider_id == fake.received[1]["message_id"] and settled.attempts == 1


class Barrier:
    """Holds each dispatcher's first claim between selecting due rows and claiming them until
    both have selected: on SQLite (and on PostgreSQL without the row locks) both then hold the
    same due ids, and only the claim's status compare-and-set gives each row to one of them."""

    def __init__(self, parties=2):
        self.barrier, self.seen, self.local = threading.Barrier(parties, timeout=20), [], threading.local()

    def __call__(self, ids):
        if getattr(self.local, "waited", False):
            return
        self.local.waited = True
        self.seen.append(list(ids))
        self.barrier.wait()


def test_two_dispatchers_at_once_never_send_a_text_twice(app, fake, texting_case):
    due_texts(texting_case, 59)
    errors, barrier, reports = [], Barrier(), []

    def dispatcher():
        try:
            with app.app_context():
                reports.append(dispatch_due(build_transport(app.config), TextSettings(), DispatchSettings(batch_size=8),
                                            limiter=NO_WAIT, after_select=barrier))
                db.session.remove()
        except Exception as exc:  # noqa: BLE001 - surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=dispatcher) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    if app.config["DATABASE_URL"].startswith("sqlite"):
        assert barrier.seen[0] == barrier.seen[1] and len(barrier.seen[0]) == 8  # the race was really run
    assert sum(r.claimed for r in reports) == 60  # each row claimed by one dispatcher only
    counts = fake.accepted_refs()
    assert len(counts) == 60 and set(counts.values()) == {1}
    assert db.session.scalar(select(func.count()).where(TextMessage.status == MessageStatus.SENT)) == 60


def test_a_claim_is_handed_to_vonage_once_even_by_two_dispatchers_holding_it(app, fake, texting_case):
    """Two dispatchers holding the same claim (one whose claim ran out and was given to the
    other, say): the hand-over's compare-and-set from claimed to sending lets one send."""
    from app.services import dispatch

    settings, report = DispatchSettings(), dispatch.DispatchReport()
    ids = dispatch.claim(timeutil.utcnow(), settings)
    first, second = dispatch._load(ids, TextSettings()), dispatch._load(ids, TextSettings())
    templates = {kind: (t.id, t.body) for kind, t in reminders.current_templates().items()}
    transport = build_transport(app.config)
    for job in (*first, *second):
        dispatch._send_one(job, transport, TextSettings(), settings, report, timeutil.utcnow, NO_WAIT, templates)
    assert report.sent == 1 and fake.request_count == 1
    assert first_text(texting_case).status is MessageStatus.SENT


def test_a_send_that_hangs_past_its_claim_is_not_resent_by_another_dispatcher(app, fake, texting_case):
    """Dispatcher A hands a text to Vonage, which takes it and keeps A waiting; the claim
    runs out and dispatcher B sweeps: the text is unknown, and B does not send it. A's answer
    then settles it as sent."""
    app.config["VONAGE_TIMEOUT_SECONDS"] = 20
    fake.script("hold")
    errors = []

    def dispatcher_a():
        try:
            with app.app_context():
                run(app)
                db.session.remove()
        except Exception as exc:  # noqa: BLE001 - surfaced below
            errors.append(exc)

    a = threading.Thread(target=dispatcher_a)
    a.start()
    assert fake.holding.wait(20)  # A's text is with Vonage, A is waiting for the answer
    timeutil.set_frozen(timeutil.utcnow() + timedelta(minutes=11))
    report = run(app)  # B
    assert report.became_unknown == 1 and report.sent == 0
    assert first_text(texting_case).status is MessageStatus.UNKNOWN
    fake.release()
    a.join(timeout=30)
    assert not errors
    message = first_text(texting_case)
    assert fake.accepted_refs()[message.uuid] == 1 and fake.request_count == 1
    assert message.status is MessageStatus.SENT and message.provider_id == fake.received[0]["message_id"]


def test_sent_texts_without_a_receipt_expire_after_72_hours(app, fake, texting_case):
    run(app)
    message = first_text(texting_case)
    timeutil.set_frozen(message.sent_at + timedelta(hours=72))
    sweep(timeutil.utcnow())
    assert first_text(texting_case).status is MessageStatus.EXPIRED


class RecordingLimiter(RateLimiter):
    """The real limiter on the real clock, noting when it granted each send (monotonic)."""

    def __init__(self, per_second):
        super().__init__(per_second)
        self.granted: list[float] = []

    def acquire(self) -> float:
        granted = super().acquire()
        self.granted.append(granted)
        return granted


def busiest_second(times: list[float], window: float = 1.0) -> int:
    """The most of `times` in any window [t, t + window), over every t (a window holding the
    most always starts at one of the times, so checking those checks them all)."""
    times, most, end = sorted(times), 0, 0
    for start, moment in enumerate(times):
        while end < len(times) and times[end] - moment < window:
            end += 1
        most = max(most, end - start)
    return most


def steady_rate(times: list[float], cap: int) -> float:
    """Sends per second after the first full second's worth, which may leave at once."""
    times = sorted(times)
    return (len(times) - cap) / (times[-1] - times[cap - 1])


def test_a_thousand_texts_never_exceed_the_cap_in_any_second_through_the_real_sdk(app, fake):
    """Issue 14: at a cap, no sliding 1-second window of what Vonage receives holds more than
    the cap, with three senders sharing one limiter, and texts still go at 95% of the cap.

    The senders call the transport under the limiter exactly as `_send_one` does, without the
    database around it: `dispatch_due` on SQLite manages only about 80-100 texts a second on a
    loaded 2-core machine, so through it we would measure the database, not the limiter. The
    cap is 100/s (about 10 s) rather than 200/s because, loaded, this process (SDK, TLS and the
    fake's server threads under one GIL) cannot itself send 200 a second."""
    cap, total, senders = 100, 1000, 3
    transport, limiter, errors = build_transport(app.config), RecordingLimiter(cap), []
    refs = iter([str(uuid.uuid4()) for _ in range(total)])
    take = threading.Lock()

    def sender():
        try:
            while True:
                with take:
                    ref = next(refs, None)
                if ref is None:
                    return
                with limiter.slot():
                    result = transport.send(to="+447123456789", text="Reminder: your order is in force.", client_ref=ref,
                                            unicode=False)
                assert result.outcome is Outcome.ACCEPTED, result
        except Exception as exc:  # noqa: BLE001 - surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=sender) for _ in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    assert len(fake.accepted_refs()) == total and set(fake.accepted_refs().values()) == {1}

    received = [r["received_at"] for r in fake.received]
    most = busiest_second(received)
    # The rate is judged at the limiter's grants: the fake's read times add the loaded
    # machine's scheduling noise (a handler thread waiting for a core) to the limiter's timing.
    rate, rate_received = steady_rate(limiter.granted, cap), steady_rate(received, cap)
    print(f"\n{total} texts, {senders} senders, cap {cap}/s: at most {most} received in any 1-second window; "
          f"rate {rate:.1f}/s at the limiter ({rate / cap:.3f} of the cap), {rate_received:.1f}/s as received; "
          f"{max(received) - min(received):.2f} s in all")
    assert most <= cap
    assert rate >= 0.95 * cap
