"""The documented production command serves: `gunicorn -c gunicorn.conf.py wsgi:app`, on a
loopback port against a SQLite database in a temp dir, with gthread workers and an access log
that never records a query string."""
from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.support import migrated_app

REPO = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture
def gunicorn(tmp_path):
    yield from _gunicorn(tmp_path, {})


@pytest.fixture
def gunicorn_with_a_renderer(tmp_path):
    # As in production (testing's default is 0): printouts in a renderer process.
    yield from _gunicorn(tmp_path, {"RENDER_PROCESSES": "1", "GUNICORN_WORKERS": "1"})


def _gunicorn(tmp_path, extra_env: dict):
    database_url = f"sqlite:///{tmp_path / 'serving.sqlite3'}"
    app = migrated_app(database_url)
    with app.app_context():
        from app.extensions import db

        db.engine.dispose()
    port = _free_port()
    logs = {"access": tmp_path / "access.log", "error": tmp_path / "error.log"}
    env = {**os.environ, "DVPO_ENV": "testing", "DATABASE_URL": database_url,
           "SECRET_KEY": secrets.token_urlsafe(32), "UPLOAD_FOLDER": str(tmp_path / "uploads"),
           "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "1", "GUNICORN_THREADS": "2",
           "GUNICORN_ACCESS_LOG": str(logs["access"]), "GUNICORN_ERROR_LOG": str(logs["error"])}
    # Even switched on, the scheduler never starts in a gunicorn worker: only `flask serve` starts it.
    env["SCHEDULER_IN_PROCESS"] = "true"
    env.update(extra_env)
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
                               cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if _get(base + "/healthz")[0] in (200, 503):
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not start: {logs['error'].read_text() if logs['error'].exists() else ''}")
            time.sleep(0.2)
        yield base, logs, process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def test_gunicorn_serves_the_app_with_the_repositorys_settings(gunicorn):
    base, logs, _ = gunicorn
    status, body = _get(base + "/healthz")
    assert status == 200 and '"database":"ok"' in body.replace(" ", "")
    status, body = _get(base + "/login?next=%2Fcases%3Fq%3DJonh%2BSmiht")
    assert status == 200 and 'name="csrf_token"' in body
    assert "Using worker: gthread" in logs["error"].read_text()

    time.sleep(0.5)  # gunicorn writes each access line after the response
    access = logs["access"].read_text()
    assert '"GET /healthz HTTP/1.1" 200' in access
    assert '"GET /login HTTP/1.1" 200' in access
    # Never the query string, nor anything in it.
    assert "?" not in access and "Smiht" not in access and "next=" not in access


def test_no_scheduler_runs_in_a_gunicorn_worker(gunicorn):
    """An in-process scheduler beats at once when it starts (app/jobs.py); none has beaten."""
    base, _, _ = gunicorn
    time.sleep(1)
    status, body = _get(base + "/healthz")
    assert status == 200
    assert json.loads(body)["scheduler"] == {}


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def test_a_worker_starts_its_renderer_before_the_first_printout(gunicorn_with_a_renderer):
    """gunicorn.conf.py's post_worker_init: the renderer is started (and loads WeasyPrint)
    as the worker starts, not by the first PDF someone waits for. No PDF is asked for here."""
    base, _, master = gunicorn_with_a_renderer
    assert _get(base + "/healthz")[0] == 200
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        workers = _children(master)
        renderers = [c for w in workers for c in _children(w)]
        if renderers:
            break
        time.sleep(0.2)
    assert len(workers) == 1 and renderers, "the worker started no renderer process"
    assert b"multiprocessing" in Path(f"/proc/{renderers[0]}/cmdline").read_bytes()
