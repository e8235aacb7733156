"""`flask` commands: users, demo data, the server and the scheduler."""
from __future__ import annotations

from typing import NoReturn

import click
from flask import Flask, current_app
from sqlalchemy import func, select
from werkzeug.serving import run_simple

from app.extensions import db
from app.models import Role, SupportService, User
from app.services import ValidationFailed
from app.services import users as user_service


def register(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(seed_demo)
    app.cli.add_command(serve)
    app.cli.add_command(scheduler)
    app.cli.add_command(referrals_cli)
    app.cli.add_command(clocks_cli)
    app.cli.add_command(search_cli)
    app.cli.add_command(devices_cli)
    from app.geofence_cli import geofences_cli

    app.cli.add_command(geofences_cli)
    from app.figures_cli import reports_cli

    app.cli.add_command(reports_cli)


@click.group("users", help="Manage accounts.")
def users_cli():
    pass


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", "full_name", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--area", default=None, help="Officers: the area whose cases they see (default: force-wide).")
@click.option("--rank", default=None)
@click.option("--collar-number", default=None)
@click.option("--service", default=None,
              help="Caseworkers (required for them): the support service they work for, by its name or id.")
@click.password_option(help="At least 12 characters. Prompted for if not given.")
def create_user(email, full_name, role, area, rank, collar_number, service, password):
    """Create an account."""
    try:
        user = user_service.create_user(
            email=email, full_name=full_name, role=Role(role), password=password,
            area=area, rank=rank, collar_number=collar_number, service_id=_service_id(service),
        )
    except ValidationFailed as exc:
        _fail(exc)
    service = db.session.get(SupportService, user.service_id) if user.service_id else None
    click.echo(f"Created {user.role.value} account {user.email}" + (f" at {service.name}" if service else ""))


def _service_id(chosen: str | None) -> int | None:
    """The support service named by `--service` (its id, or its name in any case); whether a
    caseworker may have it (one, active) is create_user's rule."""
    if chosen is None or not chosen.strip():
        return None
    chosen = chosen.strip()
    if chosen.isdigit() and len(chosen) < 10 and db.session.get(SupportService, int(chosen)) is not None:
        return int(chosen)
    service_id = db.session.scalar(select(SupportService.id).where(func.lower(SupportService.name) == chosen.lower()))
    if service_id is None:
        names = db.session.scalars(select(SupportService.name).where(SupportService.active.is_(True))
                                   .order_by(SupportService.name)).all()
        click.echo(f"Error: no support service called {chosen!r}. Active services: "
                   + (", ".join(names) if names else "none (an admin adds them on the Support services page)"), err=True)
        raise SystemExit(1)
    return service_id


def _fail(exc: ValidationFailed) -> NoReturn:
    for message in exc.errors.values():
        click.echo(f"Error: {message}", err=True)
    raise SystemExit(1) from None


def _account(email: str):
    user = db.session.scalar(select(User).where(User.email == user_service.normalise_email(email)))
    if user is None:
        click.echo(f"Error: no account with the email address {email}", err=True)
        raise SystemExit(1)
    return user


@users_cli.command("deactivate")
@click.option("--email", required=True)
def deactivate_user(email):
    """Disable an account: it cannot log in, and its sessions end now."""
    user = _account(email)
    try:
        user_service.deactivate(None, user)
    except ValidationFailed as exc:
        _fail(exc)
    click.echo(f"Deactivated {user.email}; its sessions have ended")


@users_cli.command("reactivate")
@click.option("--email", required=True)
def reactivate_user(email):
    """Let a deactivated account log in again."""
    from app.services import accounts

    user = _account(email)
    if accounts.reactivate(None, user):
        click.echo(f"Reactivated {user.email}; it can log in with its password")
    else:
        click.echo(f"{user.email} is already active")


@users_cli.command("set-password")
@click.option("--email", required=True)
@click.password_option(help="At least 12 characters. Prompted for if not given.")
def set_password(email, password):
    """Reset an account's password: every session it has ends."""
    user = _account(email)
    try:
        user_service.set_password(None, user, password)
    except ValidationFailed as exc:
        _fail(exc)
    click.echo(f"Set a new password for {user.email}; its sessions have ended")


@users_cli.command("clear-throttles")
def clear_throttles():
    """End every log-in throttle now (audited). Throttles end by themselves when their window
    does; this is for users all throttled behind one address, such as a proxy before
    TRUSTED_PROXIES was set."""
    from app.services import login_throttle

    cleared = login_throttle.clear_all(None)
    click.echo(f"Cleared the log-in throttles ({cleared} in force)")


@click.command("seed-demo")
def seed_demo():
    """Create demo users (one per role) and fictional demo cases. Development only."""
    from app.demo import seed

    if current_app.config["DVPO_ENV"] == "production":
        raise click.ClickException("seed-demo refuses to run in production")
    logins, created = seed()
    click.echo("Demo log-ins (development only):" if created else "Demo data already present. Log-ins:")
    for role, email, password in logins:
        click.echo(f"  {role:<15} {email:<32} {password}")
    _echo_demo_device()


def _echo_demo_device() -> None:
    from app.demo import DEMO_DEVICE_IDENTIFIER, DEMO_DEVICE_NAME
    from app.services import devices

    url = devices.server_url(current_app.config["BASE_URL"])
    click.echo(f"The demo officer's work device ({DEMO_DEVICE_NAME}): Traccar Client with Server URL {url} and "
               f"Device identifier {DEMO_DEVICE_IDENTIFIER}; or by hand:")
    click.echo(f"  curl -d 'id={DEMO_DEVICE_IDENTIFIER}&lat=53.4794&lon=-2.2453' {url}")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def serve(host, port):
    """Serve the app, with the scheduler in-process when SCHEDULER_IN_PROCESS is on."""
    from app.jobs import start_in_process
    from app.serving import AccessLogWithoutQuery

    if current_app.config["SCHEDULER_IN_PROCESS"]:
        start_in_process(current_app._get_current_object())
    # app.run() refuses to run under the flask CLI; run_simple is what it would call.
    # The access log leaves out query strings: a GET delivery receipt carries P's number.
    run_simple(host, port, current_app._get_current_object(), use_reloader=False, threaded=True,
               request_handler=AccessLogWithoutQuery)


@click.command("scheduler")
def scheduler():
    """Run the background jobs in this process (production: run exactly one)."""
    from app.jobs import build_scheduler

    click.echo("Scheduler running; Ctrl+C to stop.")
    sched = build_scheduler(current_app._get_current_object(), blocking=True)
    sched.start()


@click.group("referrals", help="Victim referrals.")
def referrals_cli():
    pass


@referrals_cli.command("sweep")
def sweep_referrals():
    """Run the Victims' Code sweep now (the scheduler runs it every 15 minutes)."""
    from app.services.referral_sweep import sweep

    report = sweep()
    click.echo(f"Overdue under the Victims' Code, newly flagged: {report.flagged}")
    click.echo(f"Due within the warning (working hours): {report.due_soon}")
    click.echo(f"Returned to police, no contact by the order's end: {report.returned}")
    click.echo(f"Closed, the order ended and the victim had declined support: {report.closed}")
    click.echo(f"Support continuing, the order ended with the victim engaged: {report.continuing}")


@click.group("clocks", help="The statutory clocks the dashboard sorts by.")
def clocks_cli():
    pass


@clocks_cli.command("refresh")
def refresh_clocks():
    """Recompute every live case's cached clocks (the dashboard's order and open breach
    deadlines): after an upgrade whose migration changed a clock fact, such as 13f0window48."""
    from app.services.calendar import load_calendar
    from app.services.clock_refresh import refresh_live_cases

    click.echo(f"Live cases whose clocks were recomputed: {refresh_live_cases(load_calendar())}")


@click.group("search", help="The index the search for cases reads.")
def search_cli():
    pass


@search_cli.command("rebuild")
def rebuild_search_index():
    """Make the search index again from the cases (it follows every change by itself; this is
    for after rows were written outside the app, or after the indexing rules change)."""
    from app.services.search_index import rebuild_index

    click.echo(f"Cases indexed: {rebuild_index()}")


@click.group("devices", help="Officers' work devices, which report where they are (Traccar Client).")
def devices_cli():
    pass


@devices_cli.command("register")
@click.option("--email", required=True, help="The officer's account.")
@click.option("--name", required=True, help="The device's name, e.g. 'Work phone, Samsung A54'.")
def register_device(email, name):
    """Register a work device for an officer and print its identifier, once (audited)."""
    from app.services import devices

    officer = _account(email)
    try:
        registered = devices.register(None, officer, name)
    except ValidationFailed as exc:
        _fail(exc)
    base_url = current_app.config["BASE_URL"]
    click.echo(f"Registered device {registered.device.id}, {registered.device.name}, for {officer.email}")
    click.echo(f"Device identifier (shown this once; only its hash is kept): {registered.identifier}")
    click.echo("Traccar Client settings:")
    click.echo(f"  Server URL:        {devices.server_url(base_url)}")
    click.echo(f"  Device identifier: {registered.identifier}")
    click.echo(f"Or open on the phone: {devices.setup_link(base_url, registered.identifier)}")


@devices_cli.command("list")
def list_devices():
    """Every work device: id, officer, name, registered, latest position kept, status."""
    from app.domain.timefmt import format_instant
    from app.services import devices

    rows = devices.device_rows()
    if not rows:
        click.echo("No work devices are registered.")
    for row in rows:
        status = ("revoked " + format_instant(row.device.revoked_at)) if row.device.revoked else (
            "active" if row.officer.active else "account deactivated")
        last = format_instant(row.last_report_at) if row.last_report_at else "none kept"
        click.echo(f"{row.device.id:>5}  {row.officer.email:<32} {row.device.name:<30} "
                   f"registered {format_instant(row.device.registered_at)}; latest position {last}; {status}")


@devices_cli.command("revoke")
@click.option("--id", "device_id", required=True, type=int, help="The device's id, from `flask devices list`.")
def revoke_device(device_id):
    """Refuse a work device's positions from now on (audited)."""
    from app.models import WorkDevice
    from app.services import devices

    device = db.session.get(WorkDevice, device_id) if 0 < device_id < 2**31 else None
    if device is None:
        click.echo(f"Error: no work device with the id {device_id}", err=True)
        raise SystemExit(1)
    if devices.revoke(None, device):
        click.echo(f"Revoked device {device.id}, {device.name}: its positions are refused from now on")
    else:
        click.echo(f"Device {device.id}, {device.name}, was already revoked")
