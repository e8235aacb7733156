"""Chaos (issue 14, item 2): a dispatcher process killed with SIGKILL at random moments while
1,000 texts are due, restarted again and again, through the real `vonage` SDK to the loopback
fake Vonage. In the end every text was taken by Vonage exactly once: 0 duplicates, 0 lost.

The dispatcher is a forked child of the test process running the scheduler's own jobs
(`jobs.dispatch_texts`, then `jobs.reconcile_texts`) on the test's database (a SQLite file in
tmp, or PostgreSQL): forked rather than started afresh, because building the app in a new
interpreter takes seconds on a loaded machine, and the point is many kills. SIGKILL lands
anywhere: between claiming and handing over (planned again when the claim runs out), after
the hand-over was committed but before Vonage read the request (unknown, not in Vonage's
records: a person decides, here "send it again"), after Vonage took it and before its answer
was stored (unknown, found in Vonage's records by the reconciliation job: sent). Each restart
runs 11 minutes later on the frozen clock, so the last run's claims have run out.

The seed is printed (CHAOS_SEED chooses it), with the counts.
"""
from __future__ import annotations

import multiprocessing
import os
import random
import time
import uuid
from collections import Counter
from datetime import timedelta

from sqlalchemy import func, insert, select

from app import timeutil
from app.extensions import db
from app.jobs import dispatch_texts, reconcile_texts
from app.models import AuditEntry, MessageStatus, Role, TextMessage
from app.services import reminders, text_outcomes, trial
from app.services.dispatch import DispatchSettings
from app.settings import EXTENSION_KEY, Settings
from tests.fake_vonage import FakeVonage
from tests.integration.factories import granted_case

TEXTS = 1000
KILLS = 12
UNSETTLED = (MessageStatus.PLANNED, MessageStatus.CLAIMED, MessageStatus.SENDING)


def _dispatcher(app, now, ready):
    """The child process: its own clock, a high rate, the scheduler's two jobs, then exit."""
    timeutil.set_frozen(now)
    app.config.update(SMS_RATE_PER_SECOND=1000, SMS_BATCH_SIZE=100)
    app.extensions[EXTENSION_KEY] = Settings.from_config(app.config)
    ready.set()
    dispatch_texts(app)
    reconcile_texts(app)


def run_dispatcher(app, rng, fake, *, kill: bool) -> bool:
    """Fork a dispatcher at the test's frozen instant; with `kill`, SIGKILL it at a random
    moment while it sends: after Vonage has received a random 1 to 100 more requests, and a
    random 0 to 30 ms after that (a send takes about that long here), so the kill falls
    anywhere in a send's cycle. Returns whether it was killed while running."""
    db.session.remove()
    db.engine.dispose()  # no connection of ours may be shared with the child
    context = multiprocessing.get_context("fork")
    ready = context.Event()
    child = context.Process(target=_dispatcher, args=(app, timeutil.utcnow(), ready))
    started_at = time.monotonic()
    child.start()
    assert ready.wait(30), "the dispatcher did not start"
    killed, forked = False, time.monotonic()
    if kill:
        target = fake.request_count + rng.randint(1, 100)
        while child.is_alive() and fake.request_count < target:
            time.sleep(0.001)
        time.sleep(rng.uniform(0, 0.03))
        if child.is_alive():
            child.kill()  # SIGKILL: no cleanup, no rollback by us, mid-whatever
            killed = True
    child.join(120)
    print(f"  run at {timeutil.utcnow():%H:%M}: {'killed' if killed else 'finished'} after {time.monotonic() - forked:.2f} s, "
          f"{time.monotonic() - started_at:.2f} s")
    assert not child.is_alive(), "the dispatcher did not finish"
    assert killed or child.exitcode == 0, f"the dispatcher failed (exit code {child.exitcode})"
    return killed


def add_due_texts(case, count: int) -> None:
    """`count` more texts due now for the case, in one statement."""
    first = reminders.messages_for(case)[0]
    now = timeutil.utcnow()
    db.session.execute(insert(TextMessage), [
        {"uuid": str(uuid.uuid4()), "case_id": case.id, "enrolment_id": first.enrolment_id, "step_key": f"chaos{n}",
         "kind": first.kind, "due_at": now, "wake_at": now, "created_at": now, "status": MessageStatus.PLANNED,
         "attempts": 0, "deferred": False}
        for n in range(count)
    ])
    db.session.commit()


def step_clock(minutes: int = 11) -> None:
    timeutil.set_frozen(timeutil.utcnow() + timedelta(minutes=minutes))


def count(texts, *statuses) -> int:
    return db.session.scalar(select(func.count()).where(TextMessage.uuid.in_(texts), TextMessage.status.in_(statuses)))


def test_a_dispatcher_killed_at_random_sends_every_text_exactly_once(app, make_user, monkeypatch):
    seed = int(os.environ.get("CHAOS_SEED") or random.SystemRandom().randrange(1_000_000))
    rng = random.Random(seed)
    print(f"\nchaos seed {seed} (CHAOS_SEED={seed} repeats this run)")
    started = time.monotonic()
    with FakeVonage() as fake:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", fake.ca_path)
        app.config.update(SMS_BACKEND="vonage", VONAGE_API_KEY=fake.api_key, VONAGE_API_SECRET=fake.api_secret,
                          VONAGE_FROM="DemoPolice", VONAGE_REST_HOST=fake.rest_host, VONAGE_API_HOST=fake.rest_host,
                          VONAGE_TIMEOUT_SECONDS=5, VONAGE_SIGNATURE_SECRET="chaos-signature-secret-0123456789")
        trial.switch(make_user(Role.ADMIN), running=False, stratified=False, reason="Texts for everyone eligible")
        case = granted_case(make_user(Role.OFFICER), days=14)
        begin = timeutil.utcnow()
        print(f"  set up {time.monotonic() - started:.1f} s")
        add_due_texts(case, TEXTS - 1)
        print(f"  texts {time.monotonic() - started:.1f} s")
        texts = db.session.scalars(select(TextMessage.uuid).where(TextMessage.due_at <= begin)).all()
        assert len(texts) == TEXTS

        kills = 0
        for _ in range(KILLS):
            kills += run_dispatcher(app, rng, fake, kill=True)
            step_clock()
        runs = 0
        while count(texts, *UNSETTLED) and runs < 10:  # restarted, left to finish
            run_dispatcher(app, rng, fake, kill=False)
            step_clock()
            runs += 1
        assert count(texts, *UNSETTLED) == 0

        # What neither a receipt nor Vonage's records settle (killed after the hand-over was
        # stored, before Vonage read the request) waits for a person: here, "send it again".
        settings = DispatchSettings()
        timeutil.set_frozen(timeutil.utcnow() + settings.decide_after)
        run_dispatcher(app, rng, fake, kill=False)  # the last searches, then the searches stop
        supervisor = make_user(Role.SUPERVISOR)
        waiting = [row.message for row in text_outcomes.unknown_texts(settings, timeutil.utcnow())]
        for message in waiting:
            assert fake.accepted_refs()[message.uuid] == 0  # a person's decision, but the test knows
            text_outcomes.decide(supervisor, message, "send_again", "Vonage has no record of it", settings,
                                 timeutil.utcnow())
        step_clock()
        run_dispatcher(app, rng, fake, kill=False)

        accepted = fake.accepted_refs()
        duplicates = sum(n - 1 for n in accepted.values() if n > 1)
        lost = sum(1 for ref in texts if accepted[ref] == 0)
        statuses = Counter(db.session.scalars(select(TextMessage.status).where(TextMessage.uuid.in_(texts))).all())
        reconciled = db.session.scalar(select(func.count()).where(AuditEntry.action == "texts.reconciled"))
        print(f"chaos ({app.config['DATABASE_URL'].split(':')[0]}): {TEXTS} texts, {kills} kills, {fake.request_count} sends, "
              f"{duplicates} duplicates, {lost} lost, {reconciled} reconciled from Vonage's records, {len(waiting)} decided by "
              f"a person (killed before Vonage read them), statuses {dict(statuses)}, {time.monotonic() - started:.1f} s")
        for ref in (r for r, n in accepted.items() if n > 1):
            row = db.session.scalar(select(TextMessage).where(TextMessage.uuid == ref))
            print(f"duplicate {ref}: {row.status if row else 'no such text'}, attempts {row.attempts if row else '-'}")
    assert kills >= KILLS // 2, "too few kills landed while the dispatcher was running"
    assert duplicates == 0 and lost == 0
    assert all(accepted[ref] == 1 for ref in texts)
    assert statuses == {MessageStatus.SENT: TEXTS}

