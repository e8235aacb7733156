"""gunicorn's settings for DVPO Desk, sized for the machine it runs on.

    gunicorn -c gunicorn.conf.py wsgi:app

(gunicorn also reads ./gunicorn.conf.py by itself when started from the repository root.)
The values come from app/serving.py's `gunicorn_settings`, each overridable by an
environment variable (README, "Production serving"; docs/production.md):

    GUNICORN_BIND              127.0.0.1:8000 (several addresses separated by commas)
    GUNICORN_WORKERS           one per core, at least 2
    GUNICORN_THREADS           4 per worker (gthread)
    GUNICORN_TIMEOUT           60 s: a worker silent this long is replaced
    GUNICORN_GRACEFUL_TIMEOUT  30 s for requests in flight on stop or reload
    GUNICORN_KEEPALIVE         5 s
    GUNICORN_MAX_REQUESTS      2000 requests, then the worker is replaced (0: never)
    GUNICORN_MAX_REQUESTS_JITTER  a tenth of that, at random, so workers restart apart
    GUNICORN_ACCESS_LOG        - (standard output); empty: no access log
    GUNICORN_ERROR_LOG         - (standard error)

The access log leaves out query strings and the Referer: Vonage's GET delivery receipts
carry P's phone number in the query string, and other pages take personal data in theirs.
See app/serving.py, and keep its format if you set another.

No preload (`preload_app = False`): each worker imports and creates the app after the fork.
  - The app opens database connections while it is created (in production on PostgreSQL
    it checks its role: app/database_roles.py). Created in the master, those connections
    would be inherited by every worker, several processes talking on one socket.
  - A reload (`systemctl reload`, HUP) then starts workers on the code now on disk. For
    the same reason this file loads app/serving.py by its path and never imports the `app`
    package into the master.
  - What preloading would save is small: CPython's reference counting writes to the pages
    of every object it touches, so memory shared after the fork soon becomes each worker's
    own. A worker's memory is measured by scripts/measure-web-memory.
The scheduler never runs in a gunicorn worker (only `flask serve` starts it in-process):
run it as its own process, `flask --app wsgi scheduler`, exactly one.
"""
import importlib.util
import os
import sys
from pathlib import Path


def _load_serving():
    path = Path(__file__).resolve().parent / "app" / "serving.py"
    spec = importlib.util.spec_from_file_location("dvpo_gunicorn_serving", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the cores this process may use (containers, taskset)
    except AttributeError:
        return os.cpu_count() or 1


_serving = _load_serving()
try:
    _settings = _serving.gunicorn_settings(os.environ, _cpus())
except _serving.ServingConfigError as exc:
    sys.exit(f"gunicorn.conf.py: {exc}")

bind = _settings["bind"]
workers = _settings["workers"]
worker_class = _settings["worker_class"]
threads = _settings["threads"]
timeout = _settings["timeout"]
graceful_timeout = _settings["graceful_timeout"]
keepalive = _settings["keepalive"]
max_requests = _settings["max_requests"]
max_requests_jitter = _settings["max_requests_jitter"]
preload_app = _settings["preload_app"]
worker_tmp_dir = _settings["worker_tmp_dir"]
accesslog = _settings["accesslog"]
access_log_format = _settings["access_log_format"]
errorlog = _settings["errorlog"]


def post_worker_init(worker):
    """In each worker once it has loaded the app (never in the master): start its renderer
    now, so the first printout after a start or a max_requests restart does not wait for
    WeasyPrint to load (app/serving.py, `warm_renderers`)."""
    _serving.warm_renderers(worker.wsgi)
