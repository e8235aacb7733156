"""Settings: embedded defaults, overridden by instance/config.py, then by the environment.

With no configuration at all the app runs in development on SQLite in instance/, with the
outbox SMS transport and the scheduler inside the web process.  Outside development a
missing SECRET_KEY stops start-up, because a guessable key lets anyone forge a session.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path


class ConfigError(RuntimeError):
    """The configuration cannot be used; the message says what to set."""


DEFAULTS: dict[str, object] = {
    "DVPO_ENV": "development",
    "FORCE_NAME": "Demo Constabulary",
    "FORCE_CODE": "DC",
    "HEARING_WINDOW_HOURS": 48,
    "REGIME": "dvpn",  # the force's regime: dvpn (CSA 2010) or dapn (DAA 2021)
    "DAPN_PILOT": False,  # where a pilot runs, the officer chooses the regime per case
    "AREAS": "North,South,East,West",
    "SMS_BACKEND": "outbox",
    "SCHEDULER_IN_PROCESS": None,  # None: on in development, off elsewhere
    "SESSION_IDLE_MINUTES": 30,
    "LOGIN_MAX_FAILURES": 5,
    "LOGIN_LOCK_MINUTES": 15,
    "DASHBOARD_PAGE_SIZE": 100,
    "UPLOAD_MAX_MB": 20,
    "COURT_FEE_UNCONTESTED_PENCE": 500_00,  # research: about £500 uncontested, £700 contested
    "COURT_FEE_CONTESTED_PENCE": 700_00,
    "ORDER_ENDING_SOON_DAYS": 3,
    "CLOCK_AMBER_HOURS": 12,
    "CLOCK_RED_HOURS": 4,
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session, which idles out
}

_INT_SETTINGS = {
    "UPLOAD_MAX_MB", "COURT_FEE_UNCONTESTED_PENCE", "COURT_FEE_CONTESTED_PENCE", "ORDER_ENDING_SOON_DAYS",
    "HEARING_WINDOW_HOURS", "SESSION_IDLE_MINUTES", "LOGIN_MAX_FAILURES",
    "LOGIN_LOCK_MINUTES", "DASHBOARD_PAGE_SIZE", "CLOCK_AMBER_HOURS", "CLOCK_RED_HOURS",
}
_ENV_SETTINGS = set(DEFAULTS) | {"DATABASE_URL", "SECRET_KEY"}


def _as_bool(value: object) -> bool:
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


def load_settings(instance_path: str, overrides: dict | None = None) -> dict:
    """Build the settings dict for create_app.

    Order of precedence (last wins): embedded defaults, instance/config.py, environment
    variables, explicit overrides (tests).
    """
    settings: dict[str, object] = dict(DEFAULTS)
    settings.update(_read_instance_file(instance_path))
    settings.update({k: v for k, v in os.environ.items() if k in _ENV_SETTINGS})
    settings.update(overrides or {})

    for key in _INT_SETTINGS:
        try:
            settings[key] = int(settings[key])  # type: ignore[arg-type]
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"{key} must be a whole number, got {settings[key]!r}") from exc
    if settings["HEARING_WINDOW_HOURS"] not in (48, 72):
        raise ConfigError("HEARING_WINDOW_HOURS must be 48 or 72 (Crime and Security Act 2010 s.27)")

    env = str(settings["DVPO_ENV"])
    if env not in {"development", "testing", "production"}:
        raise ConfigError("DVPO_ENV must be development, testing or production")
    development = env == "development"

    if isinstance(settings["AREAS"], str):
        settings["AREAS"] = [a.strip() for a in str(settings["AREAS"]).split(",") if a.strip()]

    settings["SQLALCHEMY_DATABASE_URI"] = _database_url(settings, instance_path)
    settings["SECRET_KEY"] = _secret_key(settings, instance_path, development)

    if settings["REGIME"] not in ("dvpn", "dapn"):
        raise ConfigError("REGIME must be dvpn or dapn")
    settings["DAPN_PILOT"] = _as_bool(settings["DAPN_PILOT"])

    if settings["SCHEDULER_IN_PROCESS"] is None:
        settings["SCHEDULER_IN_PROCESS"] = development
    else:
        settings["SCHEDULER_IN_PROCESS"] = _as_bool(settings["SCHEDULER_IN_PROCESS"])

    settings.setdefault("SESSION_COOKIE_HTTPONLY", True)
    settings.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    settings.setdefault("SESSION_COOKIE_SECURE", env == "production")
    settings.setdefault("REMEMBER_COOKIE_HTTPONLY", True)
    settings.setdefault("REMEMBER_COOKIE_SECURE", env == "production")
    settings["TESTING"] = env == "testing" or bool(settings.get("TESTING"))
    settings.setdefault("UPLOAD_FOLDER", str(Path(instance_path) / "uploads"))
    settings.setdefault("UPLOAD_MAX_BYTES", settings["UPLOAD_MAX_MB"] * 1024 * 1024)
    # Requests a little over the upload limit are cut off by Werkzeug before they are read.
    settings["MAX_CONTENT_LENGTH"] = (settings["UPLOAD_MAX_MB"] + 1) * 1024 * 1024
    return settings


def _read_instance_file(instance_path: str) -> dict:
    path = Path(instance_path) / "config.py"
    if not path.exists():
        return {}
    namespace: dict[str, object] = {}
    exec(compile(path.read_text(), str(path), "exec"), namespace)  # noqa: S102 - operator's own file
    return {k: v for k, v in namespace.items() if k.isupper()}


def _database_url(settings: dict, instance_path: str) -> str:
    url = str(settings.get("DATABASE_URL") or "")
    if not url:
        return "sqlite:///" + str(Path(instance_path) / "dvpo.sqlite3")
    # Heroku-style URLs name the old driver; we ship psycopg 3.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def _secret_key(settings: dict, instance_path: str, development: bool) -> str:
    key = settings.get("SECRET_KEY")
    if key:
        return str(key)
    if settings["DVPO_ENV"] == "testing":
        return secrets.token_hex(32)
    if not development:
        raise ConfigError(
            "SECRET_KEY is not set. Outside development DVPO Desk needs a SECRET_KEY from the "
            "environment (for example: export SECRET_KEY=$(python3 -c 'import secrets; "
            "print(secrets.token_hex(32))'))."
        )
    # Development only: generate once and keep it, so sessions survive restarts.
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
