"""The simulation's other processes: gunicorn with two workers serving the app, and the
scheduler (tests/simulation/scheduler.py), each following the clock file; their peak memory."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class WebServer:
    """gunicorn, `workers` sync workers (the production command's worker class)."""

    def __init__(self, env: dict, workers: int = 2):
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{self.port}",
             "--timeout", "120", "--log-level", "warning", "tests.simulation.webapp:app"],
            cwd=ROOT, env=env)
        deadline = time.monotonic() + 120
        while True:
            try:
                if requests.get(self.base_url + "/login", timeout=30).status_code == 200:
                    return
            except (requests.ConnectionError, requests.Timeout):
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.2)

    def pids(self) -> list[int]:
        return [self.process.pid, *children(self.process.pid)]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


class SchedulerProcess:
    def __init__(self, env: dict):
        self.process = subprocess.Popen([sys.executable, "-m", "tests.simulation.scheduler"], cwd=ROOT, env=env,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.busy: dict = {}
        self.rolled_back: dict = {}  # job -> rollbacks for a deadlock or serialization failure

    def tick(self) -> datetime:
        self.process.stdin.write("tick\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the scheduler process died")
        return datetime.fromisoformat(json.loads(line)["now"])

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        try:
            self.process.stdin.write("stop\n")
            self.process.stdin.flush()
            line = self.process.stdout.readline()
            if line:
                last = json.loads(line)
                self.busy, self.rolled_back = last.get("busy_seconds", {}), last.get("rolled_back", {})
            self.process.wait(timeout=30)
        except (OSError, ValueError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def peak_memory_mb(pid: int) -> float | None:
    """The process's peak resident memory (VmHWM), in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def child_env(extra: dict) -> dict:
    env = dict(os.environ)
    env.update(extra)
    env["PYTHONPATH"] = str(ROOT)
    return env
