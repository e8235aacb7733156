"""APScheduler wiring: the scheduler is a clock; each job is a thin call into a service.

In development `flask serve` runs a background scheduler inside the web process; in
production exactly one `flask scheduler` process runs the same jobs.  Jobs must be
idempotent anyway: a restart may run one twice.
"""
from __future__ import annotations

import functools
import logging
import random
import time
from collections.abc import Callable

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

from app.extensions import db
from app.services import system

log = logging.getLogger(__name__)

# PostgreSQL's SQLSTATEs for a transaction it rolled back to resolve a conflict with another:
# deadlock_detected and serialization_failure. Jobs run side by side in the scheduler's
# threads (`make simulate` found sweep_referrals and expire_orders deadlocking on referrals
# at an order's end; both now lock the cases they change first, in id order:
# services/case_locks.py; send_pushes claims alerts skipping locked rows, services/push.py);
# the whole job is run again, as PostgreSQL's documentation advises for these two codes,
# instead of waiting for its next interval (15 minutes for the Victims' Code sweep).
RETRY_SQLSTATES = frozenset({"40P01", "40001"})
JOB_ATTEMPTS = 3


def _sqlstate(error: BaseException) -> str | None:
    orig = getattr(error, "orig", None)
    return getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)


def retrying(job: Callable[[Flask], None], *, sleep: Callable[[float], None] = time.sleep) -> Callable[[Flask], None]:
    """`job`, run again (up to JOB_ATTEMPTS in all) when PostgreSQL rolled it back for a
    deadlock or a serialization failure. Safe because jobs are idempotent (module docstring)
    and a rolled-back transaction left nothing; each attempt opens a new session (every job
    removes its own). Any other error, or the last attempt's, is raised as before."""
    @functools.wraps(job)
    def run(app: Flask) -> None:
        from sqlalchemy.exc import DBAPIError

        for attempt in range(1, JOB_ATTEMPTS + 1):
            try:
                return job(app)
            except DBAPIError as error:
                code = _sqlstate(error)
                if code not in RETRY_SQLSTATES or attempt == JOB_ATTEMPTS:
                    raise
                # The job's name and the code only: never the statement or its parameters.
                log.warning("job %s rolled back by the database (SQLSTATE %s); attempt %d of %d",
                            job.__name__, code, attempt + 1, JOB_ATTEMPTS)
                sleep(random.uniform(0.05, 0.25) * attempt)  # noqa: S311 (jitter, not a secret)
        return None
    return run


def heartbeat(app: Flask) -> None:
    with app.app_context():
        try:
            system.record_heartbeat()
        finally:
            db.session.remove()


def expire_orders(app: Flask) -> None:
    """Orders whose end has passed stop being in force, and their cases close."""
    from app.services.calendar import load_calendar
    from app.services.court import expire_orders as expire
    from app.settings import settings_for

    with app.app_context():
        try:
            expired = expire(load_calendar(), settings_for(app).texts)
            if expired:
                log.info("orders expired: %d", expired)
        finally:
            db.session.remove()


def dispatch_texts(app: Flask) -> None:
    """Send the reminder texts that are due (the database is the queue; this is the clock)."""
    from app.services.dispatch import dispatch_due
    from app.settings import settings_for
    from app.sms import build_transport

    with app.app_context():
        try:
            settings = settings_for(app)
            report = dispatch_due(build_transport(app.config), settings.texts, settings.dispatch)
            if report.claimed or report.reclaimed or report.became_unknown or report.expired:
                log.info("texts: %s", report)
        finally:
            db.session.remove()


def reconcile_texts(app: Flask) -> None:
    """Settle texts whose outcome is unknown from the provider's records (Vonage's Reports API,
    or the outbox's own note); never sends anything (services/text_outcomes.py)."""
    from app.services.text_outcomes import reconcile_unknown
    from app.settings import settings_for
    from app.sms import build_reconciler, build_transport
    from app.timeutil import utcnow

    with app.app_context():
        try:
            receipts = getattr(build_transport(app.config), "sends_receipts", True)
            report = reconcile_unknown(build_reconciler(app.config), settings_for(app).dispatch, utcnow(), receipts=receipts)
            if report.searched:
                log.info("texts reconciled: %s", report)
        finally:
            db.session.remove()


def extend_text_plans(app: Flask) -> None:
    """Plan the next texts of orders longer than 28 days or until further order, which are
    planned only a horizon ahead (services/cadence.extend_plans)."""
    from app.services.cadence import extend_plans
    from app.settings import settings_for

    with app.app_context():
        try:
            added = extend_plans(settings_for(app).texts.window)
            if added:
                log.info("texts planned for long orders: %d", added)
        finally:
            db.session.remove()


def sweep_referrals(app: Flask) -> None:
    """Flag referrals overdue under the Victims' Code and hand back those with no contact by the order's end."""
    from app.services.referral_sweep import sweep

    with app.app_context():
        try:
            report = sweep()
            if report.flagged or report.returned or report.closed or report.continuing:
                log.info("referrals: %s", report)
        finally:
            db.session.remove()


def purge_login_throttles(app: Flask) -> None:
    """Delete log-in throttle counters whose window has ended (services/login_throttle)."""
    from app.services.login_throttle import purge_expired

    with app.app_context():
        try:
            purge_expired()
        finally:
            db.session.remove()


def purge_positions(app: Flask) -> None:
    """Delete the positions of officers' devices whose retention has ended
    (services/locations.purge_expired: batches from the oldest end of an index)."""
    from app.services.locations import purge_expired
    from app.settings import settings_for

    with app.app_context():
        try:
            removed = purge_expired(settings_for(app).locations)
            if removed:
                log.info("device positions past retention deleted: %d", removed)
        finally:
            db.session.remove()


def dispatch_emails(app: Flask) -> None:
    """Send the queued emails to staff, retrying those the SMTP server did not take."""
    from app.mailer import build_mailer
    from app.services.email_dispatch import dispatch_due
    from app.settings import settings_for

    with app.app_context():
        try:
            report = dispatch_due(build_mailer(app.config), settings_for(app).emails)
            if report.claimed or report.reclaimed:
                log.info("emails: %s", report)
        finally:
            db.session.remove()


def geocode_geofences(app: Flask) -> None:
    """Find the coordinates of geofences still without them, with the force's geocoder."""
    from app.geocoding import build_geocoder
    from app.services.geofences import geocode_due
    from app.settings import settings_for

    with app.app_context():
        try:
            geocoder = build_geocoder(settings_for(app).geocoder)
            if geocoder is not None:
                report = geocode_due(geocoder)
                if report.located or report.not_found or report.unavailable:
                    log.info("geofences geocoded: %s", report)
        finally:
            db.session.remove()


def send_pushes(app: Flask) -> None:
    """Web Push for new geofence alerts still open, and "not needed" for those another
    officer's visit closed (services/push.send_due: claimed before sending, so never sent
    twice, and never waiting for the expiry closing them)."""
    from app.services.push import send_due
    from app.settings import settings_for

    with app.app_context():
        try:
            report = send_due(settings_for(app).push)
            if report.alerts or report.stood_down:
                log.info("web pushes: %d alerts, %d stood down, %d sent, %d failed, %d gone", report.alerts,
                         report.stood_down, report.sent, report.failed, report.gone)
        finally:
            db.session.remove()


def build_scheduler(app: Flask, *, blocking: bool = False) -> BaseScheduler:
    scheduler_cls = BlockingScheduler if blocking else BackgroundScheduler
    scheduler = scheduler_cls(timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1})
    scheduler.add_job(
        retrying(heartbeat), "interval", minutes=1, args=[app], id="heartbeat",
        replace_existing=True, next_run_time=None,
    )
    scheduler.add_job(retrying(expire_orders), "interval", minutes=1, args=[app], id="expire_orders", replace_existing=True)
    scheduler.add_job(retrying(dispatch_texts), "interval", minutes=1, args=[app], id="dispatch_texts", replace_existing=True)
    scheduler.add_job(retrying(dispatch_emails), "interval", minutes=1, args=[app], id="dispatch_emails", replace_existing=True)
    scheduler.add_job(retrying(reconcile_texts), "interval", minutes=1, args=[app], id="reconcile_texts", replace_existing=True)
    scheduler.add_job(retrying(extend_text_plans), "interval", hours=6, args=[app], id="extend_text_plans", replace_existing=True)
    if app.config["GEOCODER"] != "none":
        scheduler.add_job(retrying(geocode_geofences), "interval", minutes=1, args=[app], id="geocode_geofences",
                          replace_existing=True)
    scheduler.add_job(retrying(sweep_referrals), "interval", minutes=15, args=[app], id="sweep_referrals", replace_existing=True)
    scheduler.add_job(retrying(purge_login_throttles), "interval", minutes=15, args=[app], id="purge_login_throttles",
                      replace_existing=True)
    scheduler.add_job(retrying(purge_positions), "interval", minutes=15, args=[app], id="purge_positions", replace_existing=True)
    scheduler.add_job(retrying(send_pushes), "interval", minutes=1, args=[app], id="send_pushes", replace_existing=True)
    return scheduler


def start_in_process(app: Flask) -> BaseScheduler | None:
    """Start the background scheduler for a development server, once.

    Under the Werkzeug reloader the parent process only watches files; starting there too
    would run every job twice.
    """
    from werkzeug.serving import is_running_from_reloader

    if app.extensions.get("dvpo_scheduler") is not None:
        return app.extensions["dvpo_scheduler"]
    if app.debug and not is_running_from_reloader():
        return None
    scheduler = build_scheduler(app)
    scheduler.start()
    # First beat now, so /healthz shows a live scheduler straight away.
    scheduler.modify_job("heartbeat", next_run_time=_now())
    app.extensions["dvpo_scheduler"] = scheduler
    log.info("scheduler started in-process")
    return scheduler


def _now():
    from app.timeutil import utcnow

    return utcnow()
