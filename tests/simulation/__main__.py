"""`make simulate`: run a national year and report; exit 1 unless every check holds.

    scripts/with-postgres .venv/bin/python -m tests.simulation

SIM_SCALE (default 1.0) scales the year's volume (0.1: about 500 notices); SIM_SEED picks
the year's draw. Results go to bench-results/simulate-<scale>-<time>.json.
"""
from __future__ import annotations

import contextlib
import json
import logging
import os
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from app import create_app
from app.domain.calendar import LONDON
from app.extensions import db
from app.models import Role, SupportService
from app.services import devices, users
from app.settings import settings_for
from app.timeutil import write_clock_file
from tests.fake_vonage import FakeVonage
from tests.simulation import checks
from tests.simulation.http import PASSWORD, Staff, Stats
from tests.simulation.plan import AREAS, plan_year
from tests.simulation.processes import ROOT, SchedulerProcess, WebServer, child_env, peak_memory_mb
from tests.simulation.settings import VONAGE_SIGNATURE, app_config
from tests.simulation.year import Account, CaseState, Year

# The financial year 2026/27, London time: both clock changes (25 Oct 2026, 28 Mar 2027),
# Christmas, and Easter 2027 (26-29 March) inside it.
YEAR_STARTS = datetime(2026, 4, 1, tzinfo=LONDON)
YEAR_ENDS = datetime(2027, 4, 1, tzinfo=LONDON)
log = logging.getLogger("simulation")


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    scale = float(os.environ.get("SIM_SCALE", "1.0"))
    seed = int(os.environ.get("SIM_SEED", "2026"))
    url, owner_url = os.environ.get("TEST_DATABASE_URL"), os.environ.get("TEST_MIGRATION_DATABASE_URL")
    if not url or not url.startswith("postgresql"):
        print("make simulate needs PostgreSQL: run it under scripts/with-postgres (the Makefile does)", file=sys.stderr)
        return 2
    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="dvpo-sim-"))
    clock_file = work / "clock"
    write_clock_file(clock_file, YEAR_STARTS - timedelta(days=1))
    (work / "uploads").mkdir()
    _empty_schema(owner_url or url)

    with FakeVonage() as vonage:
        env = {"SIM_DATABASE_URL": url, "SIM_MIGRATION_DATABASE_URL": owner_url or url, "SIM_CLOCK_FILE": str(clock_file),
               "SIM_UPLOAD_FOLDER": str(work / "uploads"), "SIM_VONAGE_KEY": vonage.api_key,
               "SIM_VONAGE_SECRET": vonage.api_secret, "SIM_VONAGE_HOST": vonage.rest_host,
               "REQUESTS_CA_BUNDLE": vonage.ca_path}
        os.environ.update(env)
        app = create_app(app_config())
        with app.app_context():
            upgrade()
            people_users, service_id, phones = _staff()
        children_env = child_env(env)
        with contextlib.ExitStack() as stack:
            web = WebServer(children_env)
            stack.callback(web.stop)
            scheduler = SchedulerProcess(children_env)
            stack.callback(scheduler.stop)
            found = _run(app, scale, seed, clock_file, web, scheduler, vonage, people_users, service_id, phones)
    year, plans, stats, memory, simulated, texts, code, welfare, size_mb = found
    figures = _figures(app)
    result = _report(scale, seed, len(plans), year, texts, code, welfare, figures, memory, size_mb, stats,
                     scheduler, simulated, time.perf_counter() - started)
    return 0 if result["passed"] else 1


def _run(app, scale, seed, clock_file, web, scheduler, vonage, people_users, service_id, phones):
    stats = Stats()
    people = {key: Staff(web.base_url, user.email, stats) for key, user in people_users.items()}
    plans = plan_year(scale, YEAR_STARTS, seed=seed)
    log.info("simulating %d notices from %s (scale %s)", len(plans), YEAR_STARTS.date(), scale)
    simulated = time.perf_counter()
    with app.app_context():
        year = Year(app, clock_file=str(clock_file), scheduler=scheduler, people=people, users=people_users,
                    service_id=service_id, end=YEAR_ENDS.astimezone(UTC), devices=phones, vonage=vonage,
                    base_url=web.base_url, signature_secret=VONAGE_SIGNATURE)
        year.run([CaseState(plan) for plan in plans])
    simulated = time.perf_counter() - simulated
    memory = {"web_master": peak_memory_mb(web.process.pid),
              "web_workers": [peak_memory_mb(pid) for pid in web.pids()[1:]],
              "scheduler": peak_memory_mb(scheduler.process.pid),
              "driver": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}
    scheduler.stop()
    web.stop()
    accepted = vonage.accepted_refs()
    with app.app_context():
        texts_settings = settings_for(app).texts
        texts = checks.text_checks(accepted, texts_settings.window, app.config["SMS_RATE_PER_SECOND"], year.now)
        code = checks.victims_code_checks(year.now)
        welfare = checks.welfare_checks(year.tally.alerts_expected)
        size_mb = round(db.session.scalar(text("SELECT pg_database_size(current_database())")) / 2**20, 1)
        db.session.remove()
    return year, plans, stats, memory, simulated, texts, code, welfare, size_mb


def _empty_schema(owner_url: str) -> None:
    engine = create_engine(owner_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()


def _staff() -> tuple[dict, int, dict[str, str]]:
    service = SupportService(name="Simshire Victim Support", area=None, active=True,
                             created_at=YEAR_STARTS.astimezone(UTC) - timedelta(days=1))
    db.session.add(service)
    db.session.commit()
    made = {}
    for area in AREAS:
        made[f"officer-{area}"] = users.create_user(email=f"officer.{area.lower()}@sim.police.uk", full_name=f"Officer {area}",
                                                    role=Role.OFFICER, password=PASSWORD, area=area, rank="PC",
                                                    collar_number=f"{len(made) + 100}")
    made["superintendent"] = users.create_user(email="supt@sim.police.uk", full_name="Superintendent Sim",
                                               role=Role.SUPERINTENDENT, password=PASSWORD, rank="Supt")
    made["supervisor"] = users.create_user(email="supervisor@sim.police.uk", full_name="Supervisor Sim",
                                           role=Role.SUPERVISOR, password=PASSWORD)
    made["caseworker"] = users.create_user(email="caseworker@sim.example.org", full_name="Caseworker Sim",
                                           role=Role.CASEWORKER, password=PASSWORD, service_id=service.id)
    # Each area officer's work phone, registered as an admin would (services/devices), for the
    # patrols' location reports; the identifier is what Traccar Client is set up with.
    phones = {area: devices.register(None, made[f"officer-{area}"], "Work phone").identifier for area in AREAS}
    return {key: Account(user.id, user.email) for key, user in made.items()}, service.id, phones


def _figures(app) -> dict:
    """The year's figures from the `flask reports figures --json` command (the supervisors'
    page reads the same service), on the year's last day."""
    first, last = YEAR_STARTS.date(), (YEAR_ENDS - timedelta(days=1)).date()
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["reports", "figures", "--from", first.isoformat(), "--to", last.isoformat(),
                                                    "--json"])
    if result.exit_code != 0:
        raise RuntimeError(f"flask reports figures failed: {result.output} {result.exception!r}")
    return json.loads(result.output)


def _report(scale, seed, notices, year, texts, code, welfare, figures, memory, size_mb, stats, scheduler, simulated,
            wall) -> dict:
    counts = year.tally.counts
    counts["alerts_expected"] = len(year.tally.alerts_expected)
    sections = figures["sections"]
    compared = _compare_figures(counts, sections)
    problems = []
    for key in ("duplicates", "lost", "in_quiet_hours", "after_order_ended"):
        if texts[key]:
            problems.append(f"texts {key}: {texts[key]}")
    if texts["over_rate_cap"]:
        problems.append(f"texts over the rate cap: {texts['busiest_second']} in one second")
    if texts["stuck_unsettled"]:
        problems.append(f"texts due and never settled: {texts['stuck_unsettled']}")
    if code["unflagged"]:
        problems.append(f"Victims' Code breaches not flagged: {code['unflagged']}")
    if year.tally.deadline_misses:
        problems.append(f"deadlines not on the dashboard 12 hours ahead: {len(year.tally.deadline_misses)}")
    if welfare["unexpected"] or welfare["missing"]:
        problems.append(f"geofence alerts: {welfare['missing']} missing, {welfare['unexpected']} raised where no patrol "
                        "was inside a live geofence")
    problems += year.tally.patrol_problems[:20]
    if texts["delivered"] != texts["accepted_by_provider"]:
        problems.append(f"texts delivered {texts['delivered']}, but the provider took {texts['accepted_by_provider']} "
                        "and sent a receipt for each")
    problems += year.tally.receipt_problems[:20]
    if year.tally.failures:
        problems.append(f"actions the app refused: {len(year.tally.failures)}")
    if scheduler.rolled_back:  # retried, so no work was lost, but two jobs' lock orders crossed
        problems.append(f"jobs rolled back by the database (deadlock or serialization failure): {scheduler.rolled_back}")
    problems += [f"figure {k}: figures say {v['figures']}, the simulation did {v['simulated']}"
                 for k, v in compared.items() if v["figures"] != v["simulated"]]
    result = {
        "kind": "simulate", "scale": scale, "seed": seed, "notices_planned": notices,
        "year": [YEAR_STARTS.date().isoformat(), (YEAR_ENDS - timedelta(days=1)).date().isoformat()],
        "wall_seconds": round(wall, 1), "simulation_seconds": round(simulated, 1),
        "peak_memory_mb": memory, "database_mb": size_mb,
        "did": {k: v for k, v in sorted(counts.items())}, "texts": texts, "victims_code": code,
        "deadline_checks": year.tally.deadline_checks, "deadline_misses": year.tally.deadline_misses[:20],
        "dashboard_page_found_on": dict(sorted(year.tally.dashboard_pages.items())),
        "welfare": welfare, "receipts_posted": year.tally.receipts_posted,
        "failures": year.tally.failures[:20], "figures_compared": compared,
        "http": {"requests": stats.requests, "logins": stats.logins, "seconds": round(stats.seconds, 1),
                 "by_action": {k: {"count": c, "mean_ms": round(1000 * s / c, 1)} for k, (c, s) in sorted(stats.by_action.items())}},
        "scheduler": {"ticks": year.tally.ticks, "side_by_side": os.environ.get("SIM_JOBS_SIDE_BY_SIDE", "1") != "0",
                      "busy_seconds": scheduler.busy, "rolled_back": scheduler.rolled_back},
        "driver_seconds": {k: round(v, 1) for k, v in sorted(year.tally.seconds.items())},
        "problems": problems, "passed": not problems, "goal_seconds": 300,
    }
    out = ROOT / "bench-results"
    out.mkdir(exist_ok=True)
    path = out / f"simulate-{scale:g}-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"  # noqa: DTZ005 - the file's own name
    path.write_text(json.dumps(result, indent=2))
    print(json.dumps({k: result[k] for k in ("notices_planned", "wall_seconds", "peak_memory_mb", "database_mb", "did",
                                              "texts", "victims_code", "deadline_checks", "welfare", "figures_compared",
                                              "http", "scheduler", "driver_seconds", "problems")},
                     indent=2))
    print(f"{'PASSED' if result['passed'] else 'FAILED'}: results in {path.relative_to(ROOT)}")
    return result


FIGURES_AGAINST_COUNTS = {
    # figure (section.key): what the simulation counted (summed over its keys)
    "notices.authorised": ("authorised_dvpn", "authorised_dapn"),
    "notices.served": ("served_dvpn", "served_dapn"),
    "hearings.listed": ("hearings_listed",),
    "hearings.granted": ("orders_granted",),
    "hearings.refused": ("orders_refused",),
    "orders.made": ("orders_granted",),
    "breaches.total": ("breaches",),
    "breaches.of_orders": ("breaches",),
    "referrals.sent": ("referrals_sent",),
    "referrals.late": ("referrals_sent_late",),
    "contact.engaged": ("victims_engaged",),
    "breaches.arrests": ("arrests",),
    "welfare.geofences": ("orders_granted",),
    "welfare.alerts": ("alerts_expected",),
    "welfare.visits": ("visits_done",),
    "welfare.visits_done": ("visits_done",),
}


def _compare_figures(counts, sections) -> dict:
    """The figures (`flask reports figures --json`, what the supervisors' page shows) against
    what the simulation did."""
    compared = {}
    for name, keys in FIGURES_AGAINST_COUNTS.items():
        section, key = name.split(".")
        compared[name] = {"figures": sections.get(section, {}).get(key), "simulated": sum(counts[k] for k in keys)}
    return compared


if __name__ == "__main__":
    sys.exit(main())
