"""Access logs without query strings, for `flask serve` (Werkzeug) and gunicorn.

Vonage sends delivery receipts by GET when its dashboard says so, with P's number (msisdn)
in the query string; other pages take personal data in their query strings too (filters,
the log-in page's `next`). The access log records the method, the path, the status and the
size, never the query string, for every request: a rule for one route would miss the next.
Nor does it record the Referer, which holds the previous page's query string.
"""
from __future__ import annotations

import os
import re

from werkzeug.serving import WSGIRequestHandler

# A query string inside any text Werkzeug logs (a bad request line is quoted in its error).
_QUERY = re.compile(r"\?[^\s'\"]*")

# gunicorn's default is '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"': %(r)s is
# the request line with its query string and %(f)s the Referer. %(U)s is the path alone.
GUNICORN_ACCESS_LOG_FORMAT = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(a)s" %(M)sms'


def without_query(text: str) -> str:
    return _QUERY.sub("", text)


class AccessLogWithoutQuery(WSGIRequestHandler):
    """Werkzeug's request handler, logging each request's path without its query string."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        path = getattr(self, "path", None)
        if path is None:  # a request line too bad to parse: Werkzeug would log it whole
            self.requestline = without_query(getattr(self, "requestline", ""))
            return super().log_request(code, size)
        self.path = path.split("?", 1)[0]
        try:
            super().log_request(code, size)
        finally:
            self.path = path

    def log(self, type: str, message: str, *args) -> None:  # noqa: A002 - Werkzeug's signature
        super().log(type, without_query(message), *(without_query(a) if isinstance(a, str) else a for a in args))


# ---------------------------------------------------------------- gunicorn's settings
#
# gunicorn.conf.py loads this file by its path, not as `app.serving`: gunicorn's master
# process must not import the `app` package (Flask, SQLAlchemy, the app's code), or workers
# forked after a reload (HUP) would run the old code. Only the standard library and
# Werkzeug (above) are imported here.

class ServingConfigError(ValueError):
    """A GUNICORN_* environment variable that cannot be used; the message says which."""


def _whole_number(environ, name: str, default: int, low: int, high: int) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ServingConfigError(f"{name} must be a whole number from {low} to {high}, got {raw!r}") from None
    if not low <= value <= high:
        raise ServingConfigError(f"{name} must be a whole number from {low} to {high}, got {value}")
    return value


def default_workers(cpus: int) -> int:
    """One worker process per core, at least two (a worker restarting, or busy with a PDF,
    leaves another serving): each process runs Python on one core at a time (the GIL), so
    more processes than cores only add memory; threads overlap the waits on the database."""
    return max(2, cpus)


def gunicorn_settings(environ, cpus: int) -> dict[str, object]:
    """gunicorn's settings for this machine, each overridable by an environment variable
    (README, "Production serving"). Raises ServingConfigError for a value that cannot be used."""
    workers = _whole_number(environ, "GUNICORN_WORKERS", default_workers(cpus), 1, 64)
    max_requests = _whole_number(environ, "GUNICORN_MAX_REQUESTS", 2000, 0, 1_000_000)
    access_log = environ.get("GUNICORN_ACCESS_LOG", "-").strip()
    return {
        "bind": [address.strip() for address in environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
                 if address.strip()],
        "workers": workers,
        # gthread: a request holds a thread, not the process, so a PDF being rendered or a
        # slow query leaves the worker's other threads answering polls. Keep threads at or
        # below SQLAlchemy's pool (5 connections, 10 more on overflow) per process.
        "worker_class": "gthread",
        "threads": _whole_number(environ, "GUNICORN_THREADS", 4, 1, 15),
        # A worker that stops answering its master's heartbeat this long is killed and
        # replaced. Under gthread the heartbeat comes from the worker's main loop, so a long
        # request does not trip it; a process stuck outright does.
        "timeout": _whole_number(environ, "GUNICORN_TIMEOUT", 60, 10, 3600),
        # On SIGTERM (systemctl stop/restart) or a reload, requests in flight get this long.
        "graceful_timeout": _whole_number(environ, "GUNICORN_GRACEFUL_TIMEOUT", 30, 1, 3600),
        # Seconds an idle keep-alive connection from the reverse proxy stays open.
        "keepalive": _whole_number(environ, "GUNICORN_KEEPALIVE", 5, 0, 300),
        # Each worker is replaced after about this many requests (0: never), a guard against
        # slow leaks; the jitter spreads the restarts so the workers never all restart at once.
        "max_requests": max_requests,
        "max_requests_jitter": _whole_number(environ, "GUNICORN_MAX_REQUESTS_JITTER", max_requests // 10, 0, 1_000_000),
        # Each worker imports the app itself (no preload): see gunicorn.conf.py.
        "preload_app": False,
        # The heartbeat file on tmpfs where there is one: a worker never blocks on a slow disk.
        # gunicorn makes its file there with mkstemp and unlinks it at once.
        "worker_tmp_dir": "/dev/shm" if os.path.isdir("/dev/shm") else None,  # noqa: S108
        # "-" is standard output (journald under systemd); empty turns the access log off.
        "accesslog": access_log or None,
        "access_log_format": GUNICORN_ACCESS_LOG_FORMAT,
        "errorlog": environ.get("GUNICORN_ERROR_LOG", "-").strip() or "-",
    }


def warm_renderers(wsgi_app) -> None:
    """In a gunicorn worker as it starts (gunicorn.conf.py's `post_worker_init`): start the
    worker's renderer processes and have them load WeasyPrint in the background
    (app/renderer.py's `warm`). Nothing when the app renders in its own process
    (`RENDER_PROCESSES` 0) or is not a Flask app."""
    config = getattr(wsgi_app, "config", None)
    processes = config.get("RENDER_PROCESSES") if config is not None else 0
    if processes:
        from app import renderer

        renderer.warm(processes)
