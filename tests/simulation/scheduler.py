"""The simulation's scheduler process: the real jobs of app/jobs.py, each at its own interval
(read from `build_scheduler`, the production wiring), on the virtual clock.

APScheduler fires on the wall clock, which a simulated year cannot wait for, so this process
fires the same jobs itself: on each "tick" line from the driver it runs every job whose
interval has passed on the virtual clock since it last ran (coalesced, as the production
scheduler's job defaults say), then answers one JSON line with the clock's reading. The jobs due
at one tick run side by side in a pool of 10 threads, as APScheduler's default executor (the
production scheduler's) runs jobs that fall due together (SIM_JOBS_SIDE_BY_SIDE=0: one after
another). Side by side, on 2 December 2026, a year found sweep_referrals deadlocked on referral
rows with expire_orders at an order's end (PostgreSQL's DeadlockDetected; README, "Simulating
a national year"); both now lock the cases they change first, in id order (app/services/
case_locks.py), and send_pushes, which could deadlock with the expiry on geofence alerts,
claims skipping locked rows (app/services/push.py). The jobs' `retrying` would run a job
rolled back for a deadlock again and hide it: this process counts every such rollback (the
warning app/jobs.py logs) and reports them, and the simulation fails on any.

The send rate cap is the real one (SMS_RATE_PER_SECOND through `dispatch.shared_limiter`),
counted in virtual seconds: the limiter's waits move this process's clock forward, so 165
texts due at 10:00 go out over 5.5 virtual seconds, as Vonage would take them.
"""
from __future__ import annotations

import json
import logging
import os
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from app import create_app, timeutil
from app.jobs import build_scheduler
from app.services import dispatch
from tests.simulation.settings import app_config


class VirtualClock:
    """The clock file's instant plus this process's own waits since the last tick."""

    def __init__(self, path: str):
        self.path, self.waited = path, 0.0

    def now(self) -> datetime:
        return timeutil.read_clock_file(self.path) + timedelta(seconds=self.waited)

    def seconds(self) -> float:
        return self.now().timestamp()

    def sleep(self, seconds: float) -> None:
        self.waited += max(seconds, 0.0)


class RolledBack(logging.Handler):
    """Counts, by job, the rollbacks for a deadlock or a serialization failure that
    app/jobs.retrying logs before it runs the job again (its arguments: the job's name first)."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.jobs: Counter = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg.startswith("job %s rolled back by the database"):
            self.jobs[record.args[0]] += 1


def main() -> None:
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    config = app_config()
    app = create_app(config)
    clock = VirtualClock(config["CLOCK_FILE"])
    timeutil.follow(clock.now)
    rate = app.config["SMS_RATE_PER_SECOND"]
    dispatch._shared[rate] = dispatch.RateLimiter(rate, clock=clock.seconds, sleep=clock.sleep)
    jobs = [(job.id, job.func, job.args, job.trigger.interval) for job in build_scheduler(app).get_jobs()]
    last_run: dict[str, datetime] = {}
    busy: dict[str, float] = {job_id: 0.0 for job_id, *_ in jobs}
    side_by_side = os.environ.get("SIM_JOBS_SIDE_BY_SIDE", "1") != "0"
    rolled_back = RolledBack()
    logging.getLogger("app.jobs").addHandler(rolled_back)
    pool = ThreadPoolExecutor(max_workers=10 if side_by_side else 1)  # APScheduler's default executor's size

    def run(job_id, func, args) -> None:
        started = time.perf_counter()
        func(*args)
        busy[job_id] += time.perf_counter() - started

    for line in sys.stdin:
        command = line.strip()
        if command == "stop":
            break
        clock.waited = 0.0
        now = clock.now()
        due = [(job_id, func, args) for job_id, func, args, interval in jobs
               if job_id not in last_run or now - last_run[job_id] >= interval]
        for future in [pool.submit(run, *job) for job in due]:
            future.result()  # a job that raises stops the simulation, loudly
        for job_id, *_ in due:
            last_run[job_id] = now
        print(json.dumps({"now": clock.now().isoformat(), "ran": [job_id for job_id, *_ in due]}), flush=True)
    print(json.dumps({"busy_seconds": {k: round(v, 2) for k, v in busy.items()},
                      "rolled_back": dict(rolled_back.jobs)}), flush=True)


if __name__ == "__main__":
    if os.environ.get("SIM_PROFILE_SCHEDULER"):  # a cProfile of the jobs, to this file, at the end
        import cProfile

        cProfile.run("main()", os.environ["SIM_PROFILE_SCHEDULER"])
    else:
        main()
