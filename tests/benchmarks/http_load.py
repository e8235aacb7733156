"""The app over HTTP, through gunicorn, on PostgreSQL, with 50 concurrent users (issue 18).

    make bench-http
    scripts/with-postgres .venv/bin/python -m tests.benchmarks.http_load     (what it runs)

Settings (environment): BENCH_HTTP_CASES (10000), BENCH_HTTP_USERS (50), BENCH_HTTP_SECONDS
(60), BENCH_HTTP_THINK_S (5.0: each person's mean think time between pages, see 4.),
BENCH_HTTP_WORKERS and BENCH_HTTP_THREADS (unset: whatever gunicorn.conf.py says, the
documented production command), BENCH_HTTP_P95_MS (150), BENCH_LIMIT_BARE (2).

1. Seeds the throwaway PostgreSQL database scripts/with-postgres started (migrated with the
   owner's URL, the app on its runtime role, as in production) with the realistic seed
   (tests/benchmarks/seed.py) at BENCH_HTTP_CASES cases.
2. Starts `gunicorn -c gunicorn.conf.py tests.benchmarks.bench_wsgi:app` on a free loopback
   port: wsgi.py's app plus the bare render of the dashboard's rows (tests/benchmarks/bare.py).
3. One user, one request at a time, interleaved, rotating: /dashboard, /dashboard/rows, the
   bare render and a case page. Verdicts: dashboard and poll within BENCH_LIMIT_BARE times
   the bare render (ratios of medians, so a busy machine slows both alike).
4. The load: BENCH_HTTP_USERS users, each logged in with its own session and connection,
   for BENCH_HTTP_SECONDS, each behaving as a browser with a person at it. The person moves
   from page to page after a think time drawn from an exponential distribution with mean
   BENCH_HTTP_THINK_S (5 s: a heavy user; an officer reading a case page takes longer):
   the dashboard (55%, followed at once by its task list, /dashboard/tasks, which htmx
   fetches as the dashboard loads), a case page of a live case in any state (40%) or the
   bare render (5%, the run's reference). While a page is open its browser polls it every
   POLL_EVERY_S (30 s, the `hx-trigger="every 30s"` of the templates): the dashboard's
   rows with the ETag of the last answer, as static/dashboard.js sends it; a case page's
   clocks. One user also fetches a court printout PDF a minute. Verdicts: no errors
   (anything but the expected answer, or no answer within 30 s) and the p95 of the app's
   requests under BENCH_HTTP_P95_MS (the goal is stated as an absolute time; the bare
   render's p95 under the same load is recorded beside it, to tell a slow app from a busy
   machine). Also recorded: p50/p95/max per kind, requests/s, 304s, and the peak resident
   memory of gunicorn's processes. BENCH_HTTP_THINK_S=1 gives the old stress run (each
   person clicking every second), whose p95 measures saturation rather than service.

Exit status 1 when a verdict fails. Results: a table, and bench-results/http.json.
"""
from __future__ import annotations

import http.client
import json
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urlencode

from tests.benchmarks import seed
from tests.benchmarks.bare import BARE_PATH
from tests.benchmarks.verdict import REPO_ROOT, at_most, limit_from_env, print_verdicts, ratio_verdict, summary, write

OFFICER = ("officer@demo.police.uk", "officer-demo-2026")
TIMEOUT_S = 30
MIX = (("dashboard", 0.55), ("case page", 0.40), ("bare", 0.05))  # where a person goes next
APP_SERIES = ("dashboard", "poll", "case page", "case clocks", "pdf")
PDF_EVERY_S = 60
POLL_EVERY_S = 30  # the templates' hx-trigger="every 30s"


def settings() -> dict:
    env = os.environ
    if not env.get("TEST_DATABASE_URL") or not env.get("TEST_MIGRATION_DATABASE_URL"):
        raise SystemExit("bench-http needs PostgreSQL: run it as `make bench-http` "
                         "(scripts/with-postgres .venv/bin/python -m tests.benchmarks.http_load)")
    return {
        "url": env["TEST_DATABASE_URL"], "owner_url": env["TEST_MIGRATION_DATABASE_URL"],
        "cases": int(env.get("BENCH_HTTP_CASES", "10000")), "users": int(env.get("BENCH_HTTP_USERS", "50")),
        "seconds": float(env.get("BENCH_HTTP_SECONDS", "60")), "think_s": float(env.get("BENCH_HTTP_THINK_S", "5.0")),
        "workers": env.get("BENCH_HTTP_WORKERS", "").strip(), "threads": env.get("BENCH_HTTP_THREADS", "").strip(),
        "rounds": int(env.get("BENCH_HTTP_ROUNDS", "20")),
        "p95_ms": limit_from_env(env, "BENCH_HTTP_P95_MS", 150.0),
        "limit_bare": limit_from_env(env, "BENCH_LIMIT_BARE", 2.0),
    }


# ------------------------------------------------------------------ the database and gunicorn


def seed_database(s: dict, uploads: str):
    from sqlalchemy import inspect

    from app import create_app
    from tests.support import ORDINARY_MOMENT, migrated_app

    base = {"DVPO_ENV": "testing", "SCHEDULER_IN_PROCESS": "false", "UPLOAD_FOLDER": uploads}
    owner_app = create_app({**base, "DATABASE_URL": s["owner_url"], "MIGRATION_DATABASE_URL": s["owner_url"]})
    with owner_app.app_context():
        from app.extensions import db

        if inspect(db.engine).has_table("case_file"):
            raise SystemExit("bench-http seeds a new database and this one has tables: "
                             "run it under scripts/with-postgres, which starts an empty one")
    app = migrated_app(s["url"], migration_url=s["owner_url"], demo_data=True, CLOCK_STARTS_AT=ORDINARY_MOMENT,
                       UPLOAD_FOLDER=uploads)
    report = seed.build(app, s["cases"], owner_app=owner_app)
    with app.app_context():
        from sqlalchemy import select

        from app.extensions import db
        from app.models import Case, CaseState, ProtectionOrder

        live = db.session.scalars(select(Case.id).where(Case.state.in_(CaseState.live())).order_by(Case.id)).all()
        pdf_case = db.session.scalar(select(ProtectionOrder.case_id).order_by(ProtectionOrder.case_id).limit(1))
        db.session.remove()
        db.engine.dispose()
    with owner_app.app_context():
        db.engine.dispose()
    step = max(1, len(live) // 200)
    return report, live[::step], pdf_case


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(s: dict, port: int, app_config: dict, log: Path) -> tuple[subprocess.Popen, list[str]]:
    command = [str(REPO_ROOT / ".venv" / "bin" / "gunicorn"), "-c", "gunicorn.conf.py", "-b", f"127.0.0.1:{port}"]
    command += ["-w", s["workers"]] if s["workers"] else []
    command += ["--threads", s["threads"]] if s["threads"] else []
    command.append("tests.benchmarks.bench_wsgi:app")
    env = {**os.environ, "DVPO_BENCH_APP_CONFIG": json.dumps(app_config)}
    process = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn stopped at start-up (exit {process.returncode}): see {log}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/login")
            if conn.getresponse().status == 200:
                conn.close()
                return process, command
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise SystemExit(f"gunicorn did not answer within 90 s: see {log}")


class MemorySampler(threading.Thread):
    """The peak resident memory of gunicorn's master and of each worker, sampled twice a second."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peaks, self.stop = pid, {}, threading.Event()

    def run(self):
        while not self.stop.wait(0.5):
            for pid in [self.pid, *self._children()]:
                rss = self._rss_mb(pid)
                if rss is not None:
                    self.peaks[pid] = max(self.peaks.get(pid, 0.0), rss)

    def _children(self) -> list[int]:
        try:
            return [int(p) for p in Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text().split()]
        except OSError:
            return []

    @staticmethod
    def _rss_mb(pid: int) -> float | None:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return round(int(line.split()[1]) / 1024, 1)
        except OSError:
            return None
        return None


# ------------------------------------------------------------------ a user


class User:
    """One person's browser: a connection, a session cookie, the ETag of the last poll."""

    def __init__(self, port: int):
        self.port, self.cookies, self.etag = port, {}, None
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT_S)

    def request(self, method: str, path: str, body: str | None = None, headers: dict | None = None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            response, data = self._exchange(method, path, body, headers)
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            # The server closed the idle keep-alive connection (gunicorn's keepalive, 5 s)
            # as the request went out, before any answer: a browser sends it again on a new
            # connection, and so does this user, once. A second failure is an error.
            self._reconnect()
            response, data = self._exchange(method, path, body, headers)
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response, data

    def _exchange(self, method: str, path: str, body, headers: dict):
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            return response, response.read()
        except (OSError, http.client.HTTPException):
            self._reconnect()
            raise

    def _reconnect(self) -> None:
        self.conn.close()
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT_S)

    def log_in(self) -> None:
        _, page = self.request("GET", "/login")
        token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page)
        response, _ = self.request("POST", "/login", urlencode({
            "email": OFFICER[0], "password": OFFICER[1], "csrf_token": token.group(1).decode() if token else ""}),
            {"Content-Type": "application/x-www-form-urlencoded"})
        if response.status != 302:
            raise RuntimeError(f"log-in failed: HTTP {response.status}")

    def get(self, series: str, path: str) -> tuple[float, str | None, int]:
        """(milliseconds, an error or None, status) for one request of `series`."""
        headers = {"HX-Request": "true"} if series in ("poll", "case clocks", "tasks") else {}
        if series == "poll" and self.etag:
            headers["If-None-Match"] = self.etag
        started = time.perf_counter()
        try:
            response, data = self.request("GET", path, headers=headers)
        except (OSError, http.client.HTTPException) as exc:
            return (time.perf_counter() - started) * 1000, type(exc).__name__, 0
        elapsed = (time.perf_counter() - started) * 1000
        if series == "poll":
            self.etag = response.headers.get("ETag") or self.etag
            if response.status == 304:
                return elapsed, None, 304
        if response.status != 200:
            return elapsed, f"HTTP {response.status}", response.status
        if series == "pdf" and not data.startswith(b"%PDF"):
            return elapsed, "not a PDF", 200
        if series == "dashboard" and b"live case" not in data:
            return elapsed, "dashboard without its cases", 200
        return elapsed, None, 200


# The dashboard's task list, which htmx fetches as the dashboard loads.
TASKS_PATH = "/dashboard/tasks"


def path_for(series: str, rng: random.Random, case_ids: list[int], pdf_case: int) -> str:
    return {"dashboard": "/dashboard", "poll": "/dashboard/rows", "bare": BARE_PATH,
            "pdf": f"/cases/{pdf_case}/court/printout.pdf"}.get(series) or f"/cases/{rng.choice(case_ids)}"


def poll_for(series: str, path: str) -> tuple[str, str] | None:
    """(series, path) of the poll an open page makes every POLL_EVERY_S, or None."""
    if series == "dashboard":
        return "poll", "/dashboard/rows"
    if series == "case page":
        return "case clocks", f"{path}/clocks"
    return None


# ------------------------------------------------------------------ the two phases


def sequential(port: int, rounds: int, case_ids: list[int], pdf_case: int) -> dict[str, list[float]]:
    """One user, one request at a time, the four kinds interleaved in a rotating order."""
    user, rng = User(port), random.Random(18)
    user.log_in()
    kinds = ["dashboard", "poll", "bare", "case page"]
    timings: dict[str, list[float]] = defaultdict(list)
    for r in range(3 + rounds):
        shift = r % len(kinds)
        for series in kinds[shift:] + kinds[:shift]:
            user.etag = None  # the rows re-rendered, as when something changed
            ms, error, _ = user.get(series, path_for(series, rng, case_ids, pdf_case))
            if error:
                raise RuntimeError(f"{series}: {error}")
            if r >= 3:
                timings[series].append(ms)
    return timings


def load(s: dict, port: int, case_ids: list[int], pdf_case: int):
    users = [User(port) for _ in range(s["users"])]
    for user in users:
        user.log_in()
    timings: dict[str, list[float]] = defaultdict(list)
    errors: Counter = Counter()
    statuses: Counter = Counter()
    lock = threading.Lock()
    start = threading.Barrier(len(users) + 1)
    names, weights = zip(*MIX, strict=True)
    ends_at = [0.0]

    def record(series: str, ms: float, error: str | None, status: int) -> None:
        with lock:
            timings[series].append(ms)
            statuses[f"{series} {status}"] += 1
            if error:
                errors[f"{series}: {error}"] += 1

    def run(index: int, user: User):
        """A browser: a page open, its poll every POLL_EVERY_S, the next page after a think time."""
        rng = random.Random(index)
        start.wait()
        now = time.monotonic()
        next_pdf = now if index == 0 else float("inf")
        next_page, poll, next_poll = now + rng.uniform(0, 2 * s["think_s"]), None, float("inf")
        while True:
            due = min(next_page, next_poll, next_pdf)
            if due >= ends_at[0]:
                break
            time.sleep(max(0.0, due - time.monotonic()))
            if due == next_pdf:
                record("pdf", *user.get("pdf", path_for("pdf", rng, case_ids, pdf_case)))
                next_pdf += PDF_EVERY_S
            elif due == next_poll:
                record(poll[0], *user.get(*poll))
                next_poll += POLL_EVERY_S
            else:
                series = rng.choices(names, weights)[0]
                path = path_for(series, rng, case_ids, pdf_case)
                user.etag = None  # a new page: its first poll carries the ETag of none yet
                record(series, *user.get(series, path))
                if series == "dashboard":  # as the browser does when it loads: htmx fetches the tasks
                    record("tasks", *user.get("tasks", TASKS_PATH))
                poll = poll_for(series, path)
                next_poll = time.monotonic() + POLL_EVERY_S if poll else float("inf")
                next_page = time.monotonic() + rng.expovariate(1 / s["think_s"])

    threads = [threading.Thread(target=run, args=(i, u), daemon=True) for i, u in enumerate(users)]
    for thread in threads:
        thread.start()
    began = time.monotonic()
    ends_at[0] = began + s["seconds"]
    start.wait()
    for thread in threads:
        thread.join(s["seconds"] + TIMEOUT_S + 5)
    elapsed = time.monotonic() - began
    return timings, errors, statuses, elapsed


def main() -> int:
    s = settings()
    uploads = tempfile.mkdtemp(prefix="dvpo-bench-http-uploads-")
    print(f"seeding PostgreSQL with {s['cases']} cases", file=sys.stderr, flush=True)
    report, case_ids, pdf_case = seed_database(s, uploads)
    print(f"{report.cases} cases ({report.live_cases} live) in {report.seconds:.1f} s; "
          f"{report.verified} checked against the services", file=sys.stderr, flush=True)
    app_config = {"DVPO_ENV": "testing", "DATABASE_URL": s["url"], "MIGRATION_DATABASE_URL": s["owner_url"],
                  "SECRET_KEY": secrets.token_hex(32), "TRIAL_SEED": secrets.token_hex(16),
                  "SCHEDULER_IN_PROCESS": "false", "UPLOAD_FOLDER": uploads,
                  # As in production (testing's default is 0): PDFs in a renderer process.
                  "RENDER_PROCESSES": "1", "CLOCK_STARTS_AT": report.now.isoformat()}
    port = free_port()
    log = REPO_ROOT / "bench-results" / "http-gunicorn.log"
    log.parent.mkdir(exist_ok=True)
    process, command = start_gunicorn(s, port, app_config, log)
    sampler = MemorySampler(process.pid)
    sampler.start()
    try:
        print(f"gunicorn: {' '.join(command[1:])}", file=sys.stderr, flush=True)
        seq = sequential(port, s["rounds"], case_ids, pdf_case)
        print(f"load: {s['users']} users for {s['seconds']:.0f} s", file=sys.stderr, flush=True)
        timings, errors, statuses, elapsed = load(s, port, case_ids, pdf_case)
    finally:
        sampler.stop.set()
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
    app_samples = [ms for series in APP_SERIES for ms in timings.get(series, [])]
    requests = sum(len(v) for v in timings.values())
    overall_p95 = summary(app_samples)["p95_ms"] if app_samples else float("inf")
    verdicts = [
        ratio_verdict(f"dashboard / bare render, one user, {s['cases']} cases", seq["dashboard"], seq["bare"],
                      s["limit_bare"]),
        ratio_verdict(f"poll / bare render, one user, {s['cases']} cases", seq["poll"], seq["bare"], s["limit_bare"]),
        at_most(f"errors under load ({s['users']} users)", sum(errors.values()), 0, "count"),
        at_most(f"p95 of the app's requests under load ({s['users']} users)", overall_p95, s["p95_ms"], "p95 ms"),
    ]
    print(f"\n{'phase':<10} {'series':<10} {'n':>6} {'median ms':>10} {'p95 ms':>8} {'max ms':>8}")
    for phase, table in (("one user", seq), ("load", timings)):
        for series, samples in sorted(table.items()):
            x = summary(samples)
            print(f"{phase:<10} {series:<10} {x['n']:>6} {x['median_ms']:>10.2f} {x['p95_ms']:>8.2f} {x['max_ms']:>8.2f}")
    print(f"\n{requests / elapsed:.1f} requests/s under load; errors: {dict(errors) or 'none'}")
    print(f"gunicorn peak memory (MB, per process): {sorted(sampler.peaks.values(), reverse=True)}")
    path = write(
        "http", verdicts, database="postgresql", server=" ".join(command[1:]), seed=report.facts(),
        users=s["users"], seconds=round(elapsed, 1), think_s=s["think_s"], mix=dict(MIX), pdf_every_s=PDF_EVERY_S, poll_every_s=POLL_EVERY_S,
        requests=requests, requests_per_s=round(requests / elapsed, 1), errors=dict(errors), statuses=dict(statuses),
        app_p95_ms=overall_p95, bare_p95_ms_under_load=summary(timings["bare"])["p95_ms"] if timings.get("bare") else None,
        one_user={k: summary(v) for k, v in sorted(seq.items())},
        under_load={k: summary(v) for k, v in sorted(timings.items())},
        memory_peak_mb=sorted(sampler.peaks.values(), reverse=True),
    )
    print(f"\nwritten {path.relative_to(REPO_ROOT)}\n")
    return print_verdicts(verdicts)


if __name__ == "__main__":
    sys.exit(main())
