"""The simulation's scheduler process: the real jobs of app/jobs.py, each at its own interval
(read from `build_scheduler`, the production wiring), on the virtual clock.

APScheduler fires on the wall clock, which a simulated year cannot wait for, so this process
fires the same jobs itself: on each "tick" line from the driver it runs every job whose
interval has passed on the virtual clock since it last ran (coalesced, as the production
scheduler's job defaults say), then answers one JSON line with the clock's reading.

The send rate cap is the real one (SMS_RATE_PER_SECOND through `dispatch.shared_limiter`),
counted in virtual seconds: the limiter's waits move this process's clock forward, so 165
texts due at 10:00 go out over 5.5 virtual seconds, as Vonage would take them.
"""
from __future__ import annotations

import json
import logging
import sys
import time
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
    for line in sys.stdin:
        command = line.strip()
        if command == "stop":
            break
        clock.waited = 0.0
        ran = []
        for job_id, func, args, interval in jobs:
            now = clock.now()
            if job_id in last_run and now - last_run[job_id] < interval:
                continue
            started = time.perf_counter()
            func(*args)
            busy[job_id] += time.perf_counter() - started
            last_run[job_id] = now
            ran.append(job_id)
        print(json.dumps({"now": clock.now().isoformat(), "ran": ran}), flush=True)
    print(json.dumps({"busy_seconds": {k: round(v, 2) for k, v in busy.items()}}), flush=True)


if __name__ == "__main__":
    main()
