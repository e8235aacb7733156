"""Reminder-text benchmark: dispatching 10,000 due texts through the real `vonage` SDK to the
loopback fake Vonage (HTTPS), and the cost of claiming due rows as the message history grows.

Run from the repository root (`make bench` runs it after the other benchmarks):

    .venv/bin/python -m tests.benchmarks.texts
    BENCH_HISTORY=0,100000 BENCH_TEXTS=2000 .venv/bin/python -m tests.benchmarks.texts

For each history size H it builds a fresh SQLite database (real migrations, demo data),
bulk-inserts H historic texts (delivered, failed, cancelled, expired: nothing to do) and
BENCH_TEXTS texts due now for the demo's order in force, then:

  claim     times claiming one batch (500) of due rows, 20 times (each claim is rolled back
            to planned so every run claims the same rows), and checks the claim's query plan
            uses the (status, wake_at) index, so its cost follows what is due, not history;
  dispatch  sends every due text once through VonageTransport to the fake server with the
            rate limit lifted (Vonage's own limit is 30 per second: this measures our side),
            and checks every text reached the fake exactly once.

The claim's median must not grow more than 3x from the smallest history to the largest, and
the plan must use the index; otherwise the exit status is 1. Results: a table, and
bench-results/texts.json.
"""
from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select, text, update

from app.timeutil import frozen_at
from tests.benchmarks.report import finish
from tests.support import migrated_app

NOW = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)  # a Wednesday noon: inside the sending window
HISTORY_STATUSES = ("delivered", "failed", "cancelled", "expired", "delivered", "delivered")


@dataclass
class TextResult:
    history: int
    due: int
    claim_median_ms: float
    claim_max_ms: float
    claim_uses_index: bool
    dispatch_seconds: float
    texts_per_second: float
    sent_once: bool


def _sizes() -> list[int]:
    return [int(s) for s in os.environ.get("BENCH_HISTORY", "0,1000000").split(",") if s.strip()]


def build(history: int, due: int):
    from app.extensions import db
    from app.models import EnrolmentStatus, ProtectionOrder, TextMessage, TrialEnrolment

    path = tempfile.mkdtemp(prefix="dvpo-bench-texts-")
    app = migrated_app(f"sqlite:///{path}/bench.sqlite3", demo_data=True, CLOCK_STARTS_AT=NOW)
    with app.app_context():
        enrolment = db.session.scalars(select(TrialEnrolment)).first()
        enrolment.status = EnrolmentStatus.TRIAL_OFF
        db.session.execute(update(ProtectionOrder).values(ends_at=NOW + timedelta(days=10)))
        db.session.commit()
        rows = _rows(enrolment, history, due)
        table = TextMessage.__table__
        for start in range(0, len(rows), 50_000):
            db.session.execute(insert(table), rows[start:start + 50_000])
        db.session.commit()
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    return app


def _rows(enrolment, history: int, due: int) -> list[dict]:
    then = NOW - timedelta(days=400)
    common = {"case_id": enrolment.case_id, "enrolment_id": enrolment.id, "kind": "conditions", "deferred": False,
              "attempts": 1, "created_at": then}
    rows = [
        common | {"uuid": str(uuid.uuid4()), "step_key": f"h{n}", "due_at": (then + timedelta(minutes=n % 500_000)),
                  "status": HISTORY_STATUSES[n % len(HISTORY_STATUSES)], "wake_at": None}
        for n in range(history)
    ]
    wake = (NOW - timedelta(minutes=1))
    rows += [common | {"uuid": str(uuid.uuid4()), "step_key": f"d{n}", "due_at": wake, "status": "planned", "wake_at": wake,
                       "attempts": 0} for n in range(due)]
    return rows


def measure_claims(app) -> tuple[list[float], bool]:
    from app.extensions import db
    from app.models import MessageStatus, TextMessage
    from app.services.dispatch import DispatchSettings, claim

    timings = []
    with app.app_context(), frozen_at(NOW):
        for _ in range(20):
            started = time.perf_counter()
            ids = claim(NOW, DispatchSettings(batch_size=500))
            timings.append((time.perf_counter() - started) * 1000)
            db.session.execute(update(TextMessage).where(TextMessage.id.in_(ids))
                               .values(status=MessageStatus.PLANNED, wake_at=NOW - timedelta(minutes=1), attempts=0))
            db.session.commit()
        plan = " ".join(str(row) for row in db.session.execute(text(
            "EXPLAIN QUERY PLAN SELECT id FROM text_message WHERE status = 'planned' AND wake_at <= :now "
            "ORDER BY wake_at LIMIT 500"), {"now": NOW.strftime("%Y-%m-%d %H:%M:%S")}))
    return timings, "ix_text_message_status_wake_at" in plan


def measure_dispatch(app, due: int) -> tuple[float, bool]:
    from app.extensions import db
    from app.models import MessageStatus, TextMessage
    from app.services.dispatch import DispatchSettings, RateLimiter, dispatch_due
    from app.services.reminders import TextSettings
    from app.sms import build_transport
    from tests.fake_vonage import FakeVonage

    with FakeVonage() as fake, app.app_context(), frozen_at(NOW):
        os.environ["REQUESTS_CA_BUNDLE"] = fake.ca_path
        app.config.update(SMS_BACKEND="vonage", VONAGE_API_KEY=fake.api_key, VONAGE_API_SECRET=fake.api_secret,
                          VONAGE_FROM="DemoPolice", VONAGE_REST_HOST=fake.rest_host)
        started = time.perf_counter()
        dispatch_due(build_transport(app.config), TextSettings(), DispatchSettings(), limiter=RateLimiter(1_000_000))
        seconds = time.perf_counter() - started
        sent = db.session.scalar(select(text("count(*)")).select_from(TextMessage).where(TextMessage.status == MessageStatus.SENT))
        counts = fake.accepted_refs()
        once = sent == due and len(counts) == due and set(counts.values()) == {1}
        os.environ.pop("REQUESTS_CA_BUNDLE", None)
    return seconds, once


def run_size(history: int, due: int) -> TextResult:
    print(f"history {history:,}: building...", flush=True)
    app = build(history, due)
    timings, uses_index = measure_claims(app)
    seconds, once = measure_dispatch(app, due) if history == _sizes()[-1] else (0.0, True)
    return TextResult(history=history, due=due, claim_median_ms=round(statistics.median(timings), 2),
                      claim_max_ms=round(max(timings), 2), claim_uses_index=uses_index, dispatch_seconds=round(seconds, 1),
                      texts_per_second=round(due / seconds, 1) if seconds else 0.0, sent_once=once)


def main() -> int:
    due = int(os.environ.get("BENCH_TEXTS", "10000"))
    results = [run_size(h, due) for h in _sizes()]
    print(f"\n{'history':>10} {'due':>7} {'claim median ms':>16} {'claim max ms':>13} {'index':>6} {'dispatch s':>11} {'texts/s':>8} {'once':>5}")
    for r in results:
        print(f"{r.history:>10,} {r.due:>7,} {r.claim_median_ms:>16} {r.claim_max_ms:>13} {str(r.claim_uses_index):>6} "
              f"{r.dispatch_seconds or '-':>11} {r.texts_per_second or '-':>8} {str(r.sent_once):>5}")
    problems = []
    if not all(r.claim_uses_index for r in results):
        problems.append("the claim query does not use ix_text_message_status_wake_at")
    if len(results) > 1 and results[-1].claim_median_ms > 3 * max(results[0].claim_median_ms, 1.0):
        problems.append(f"claiming grew with history: {results[0].claim_median_ms} ms -> {results[-1].claim_median_ms} ms")
    if not all(r.sent_once for r in results):
        problems.append("a due text was not sent exactly once")
    return finish("texts", results, problems, "claiming does not grow with history; every text sent exactly once",
                  due_texts=due)


if __name__ == "__main__":
    sys.exit(main())
