"""Settings: embedded defaults, overridden by instance/config.py, then by the environment.

With no configuration at all the app runs in development on SQLite in instance/, with the
outbox SMS transport and the scheduler inside the web process.  Outside development a
missing or short SECRET_KEY stops start-up, because a guessable key lets anyone forge a
session; so does the Vonage SMS backend without a signature secret for its delivery receipts.
In production on PostgreSQL `create_app` also refuses a database role that could alter tables
or their triggers (app/database_roles.py): the migrations use MIGRATION_DATABASE_URL instead.

"Outside development" includes the testing configuration: the suites create their apps with
DVPO_ENV=testing and a generated 64-character key, and set SMS settings on app.config after
start-up, so nothing in them needs these guards relaxed (and HSTS sent over plain HTTP to a
browser test is ignored by the browser, RFC 6797 s.8.1).
"""
from __future__ import annotations

import os
import secrets
from datetime import datetime
from pathlib import Path


class ConfigError(RuntimeError):
    """The configuration cannot be used; the message says what to set."""


DEFAULTS: dict[str, object] = {
    "DVPO_ENV": "development",
    "FORCE_NAME": "Demo Constabulary",
    "FORCE_CODE": "DC",
    "HEARING_WINDOW_HOURS": 48,
    # Both Acts say 48 hours; another window needs the enactment that changed them named here.
    "HEARING_WINDOW_LEGAL_BASIS": "",
    "REGIME": "dvpn",  # the force's regime: dvpn (CSA 2010) or dapn (DAA 2021)
    "DAPN_PILOT": False,  # where a pilot runs, the officer chooses the regime per case
    "AREAS": "North,South,East,West",
    "SMS_BACKEND": "outbox",  # outbox (records, sends nothing) or vonage
    "VONAGE_API_KEY": "",
    "VONAGE_API_SECRET": "",
    "VONAGE_FROM": "",
    "VONAGE_SIGNATURE_SECRET": "",  # when set, delivery receipts must be signed with it
    "VONAGE_SIGNATURE_METHOD": "md5hash",  # Vonage dashboard default; or md5 (HMAC), sha1, sha256, sha512
    "VONAGE_REST_HOST": "rest.nexmo.com",
    "VONAGE_API_HOST": "api.nexmo.com",  # the Reports API's host, searched to settle texts whose outcome is unknown
    "VONAGE_TIMEOUT_SECONDS": 10,
    "VONAGE_CALLBACK_URL": "",  # the delivery-receipt webhook, if not set in Vonage's dashboard
    "SMS_WINDOW_OPENS": "09:00",  # texts go only between these London times (quiet hours outside)
    "SMS_WINDOW_CLOSES": "20:00",
    "SMS_RATE_PER_SECOND": 30,  # Vonage's default throughput per account
    "SMS_CLAIM_MINUTES": 10,  # a claim this old with no answer: planned again if never handed over, else unknown
    "SMS_RECONCILE_MINUTES": 10,  # an unknown text's records are searched after this long (they lag), then as often
    "SMS_UNKNOWN_DECIDE_HOURS": 24,  # an unknown text neither receipt nor records settle by then: a person decides
    "SMS_EXPIRE_HOURS": 72,  # sent but no delivery receipt this long: expired
    "SMS_MAX_ATTEMPTS": 8,
    "SMS_BATCH_SIZE": 500,
    # What one SMS segment costs the force, in pence (decimals allowed, e.g. 3.5): the trial's
    # evaluation shows the texts' cost as segments times this. Empty: the cost is not shown.
    "SMS_UNIT_PRICE_PENCE": "",
    "SMS_HELPLINE": "the Respect Phoneline on 0808 802 4040",
    "POLICE_CONTACT": "101",
    "EMAIL_BACKEND": "outbox",  # outbox (records on the admin Emails page, sends nothing) or smtp
    "MAIL_SERVER": "localhost",
    "MAIL_PORT": 25,
    "MAIL_USE_TLS": False,  # STARTTLS on MAIL_PORT (usually 587)
    "MAIL_USE_SSL": False,  # TLS from the start (usually port 465)
    "MAIL_USERNAME": "",
    "MAIL_PASSWORD": "",
    "MAIL_DEFAULT_SENDER": "",  # required with EMAIL_BACKEND=smtp
    "MAIL_TIMEOUT": 10,  # seconds to wait for the SMTP server
    "EMAIL_MAX_ATTEMPTS": 8,  # sends tried before an email is failed
    "BASE_URL": "",  # e.g. https://dvpo.example.police.uk: emails' links; required with smtp outside development
    "SCHEDULER_IN_PROCESS": None,  # None: on in development, off elsewhere
    "SESSION_IDLE_MINUTES": 30,
    "SESSION_ABSOLUTE_HOURS": 12,  # a session ends this long after log-in, however active
    # Failed log-ins allowed from one client address for one e-mail as typed, and from one
    # address for all e-mails together, before that address waits for the window to end.
    "LOGIN_LIMIT_PER_ACCOUNT": "5 per 15 minutes",
    "LOGIN_LIMIT_PER_ADDRESS": "50 per 15 minutes",
    # Reverse proxies in front of the app that append the client's address to X-Forwarded-For
    # (werkzeug's ProxyFix x_for); 0: the address the connection came from.
    "TRUSTED_PROXIES": 0,
    "TEMPORARY_PASSWORD_HOURS": 72,  # a password an administrator reset stops working this long after
    "DASHBOARD_PAGE_SIZE": 100,
    # Lines the dashboard shows of each task group; a group with more links to its own page.
    "DASHBOARD_TASK_LINES": 5,
    "UPLOAD_MAX_MB": 20,
    # PDFs of printouts (app/printing.py), per web process: the memory kept for PDFs already
    # made (0: none kept), how many are made at once, and how long a request waits to start one.
    "PDF_CACHE_MB": 16,
    "PDF_RENDERS_AT_ONCE": 1,
    "PDF_WAIT_SECONDS": 20,
    # Renderer processes each web process hands PDFs and charts to (app/renderer.py), so it
    # never loads WeasyPrint or matplotlib itself; 0: render in the web process. Unset: 1,
    # except in the test suites (0).
    "RENDER_PROCESSES": None,
    "UPLOAD_DOCX_MAX_UNPACKED_MB": 50,  # a Word document that unpacks to more is refused (zip bombs)
    "COURT_FEE_UNCONTESTED_PENCE": 500_00,  # research: about £500 uncontested, £700 contested
    "COURT_FEE_CONTESTED_PENCE": 700_00,
    "ORDER_ENDING_SOON_DAYS": 3,
    # Practice, not statute: Greater Manchester serves every order on P within 24 hours of the grant.
    "ORDER_SERVICE_HOURS": 24,
    # Practice, not statute (seed 002): a geofence around V's address for every order, live
    # this many hours after the order is made (the district visits first) until it ends.
    "GEOFENCE_RADIUS_METRES": 200,
    "GEOFENCE_START_HOURS": 72,
    # Where the geofence's coordinates come from: none (officers enter them), nominatim (the
    # force's own server at GEOCODER_URL) or os_places (Ordnance Survey, GEOCODER_KEY).
    "GEOCODER": "none",
    "GEOCODER_URL": "",
    "GEOCODER_KEY": "",
    "GEOCODER_TIMEOUT_SECONDS": 10,
    "REFERRAL_WORKING_DAYS": 2,  # Victims' Code Right 4: 2 working days for enhanced rights (5 otherwise)
    "REFERRAL_WARN_HOURS": 4,  # "due soon" within this many working hours (09:00-17:00) of the due time
    # Positions reported by officers' work devices are personal data: kept this long, then deleted.
    "LOCATION_RETENTION_HOURS": 72,
    # Practice, not statute (seed 002): no alert for a geofence within this many days of a
    # welfare visit at which V was seen and spoken to; the geofence re-arms after them.
    "WELFARE_VISIT_SNOOZE_DAYS": 7,
    # Web Push to officers' work phones (services/push.py): the VAPID private key (the raw
    # 32-byte P-256 key, base64url, as py-vapid writes it; generated into instance/ in
    # development; none in production means no pushes, the patrol page still lists alerts)
    # and the contact the push services are given (mailto: or https:).
    "WEBPUSH_VAPID_PRIVATE_KEY": "",
    "WEBPUSH_VAPID_SUBJECT": "",
    "WEBPUSH_TIMEOUT_SECONDS": 10,
    "CLOCK_AMBER_HOURS": 12,
    "CLOCK_RED_HOURS": 4,
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session, which idles out
}

_INT_SETTINGS = {
    "UPLOAD_MAX_MB", "UPLOAD_DOCX_MAX_UNPACKED_MB", "COURT_FEE_UNCONTESTED_PENCE", "COURT_FEE_CONTESTED_PENCE",
    "ORDER_ENDING_SOON_DAYS", "HEARING_WINDOW_HOURS", "SESSION_IDLE_MINUTES", "SESSION_ABSOLUTE_HOURS", "TRUSTED_PROXIES",
    "DASHBOARD_PAGE_SIZE", "DASHBOARD_TASK_LINES", "CLOCK_AMBER_HOURS", "CLOCK_RED_HOURS",
    "VONAGE_TIMEOUT_SECONDS", "SMS_RATE_PER_SECOND", "SMS_CLAIM_MINUTES", "SMS_EXPIRE_HOURS", "SMS_MAX_ATTEMPTS",
    "SMS_BATCH_SIZE", "REFERRAL_WORKING_DAYS", "REFERRAL_WARN_HOURS", "ORDER_SERVICE_HOURS",
    "TEMPORARY_PASSWORD_HOURS", "LOCATION_RETENTION_HOURS", "WELFARE_VISIT_SNOOZE_DAYS", "WEBPUSH_TIMEOUT_SECONDS",
    "MAIL_PORT", "MAIL_TIMEOUT", "EMAIL_MAX_ATTEMPTS",
    "SMS_RECONCILE_MINUTES", "SMS_UNKNOWN_DECIDE_HOURS",
    "GEOFENCE_RADIUS_METRES", "GEOFENCE_START_HOURS", "GEOCODER_TIMEOUT_SECONDS",
    "PDF_CACHE_MB", "PDF_RENDERS_AT_ONCE", "PDF_WAIT_SECONDS",
}
_ENV_SETTINGS = set(DEFAULTS) | {"DATABASE_URL", "MIGRATION_DATABASE_URL", "SECRET_KEY", "TRIAL_SEED"}


def _render_processes(value, env: str) -> int:
    """RENDER_PROCESSES (app/renderer.py): 0 to 8; unset, 1 outside the test suites."""
    if value is None or value == "":
        return 0 if env == "testing" else 1
    try:
        processes = int(value)
    except (TypeError, ValueError):
        processes = -1
    if not 0 <= processes <= 8:
        raise ConfigError("RENDER_PROCESSES must be 0 to 8 (renderer processes per web process; 0 renders in it)")
    return processes


def _check_pdfs(settings: dict) -> None:
    """PDF_* (app/printing.py): bounded, so a typing error cannot let PDFs take a process."""
    if not 0 <= settings["PDF_CACHE_MB"] <= 1024:
        raise ConfigError("PDF_CACHE_MB must be 0 to 1024 (MB of PDFs each web process keeps; 0 keeps none)")
    if not 1 <= settings["PDF_RENDERS_AT_ONCE"] <= 16:
        raise ConfigError("PDF_RENDERS_AT_ONCE must be 1 to 16 (PDFs made at once in one web process)")
    if not 1 <= settings["PDF_WAIT_SECONDS"] <= 300:
        raise ConfigError("PDF_WAIT_SECONDS must be 1 to 300 (seconds a request waits to start its PDF)")


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
    if not 1 <= settings["REFERRAL_WORKING_DAYS"] <= 5:
        raise ConfigError("REFERRAL_WORKING_DAYS must be 1 to 5 (the Victims' Code: 2 for enhanced rights)")
    if not 1 <= settings["REFERRAL_WARN_HOURS"] <= 24:
        raise ConfigError("REFERRAL_WARN_HOURS must be 1 to 24")
    if not 10 <= settings["DASHBOARD_PAGE_SIZE"] <= 500:
        # Each page is one keyset query and its rows; 0 or less would show nothing, or (a
        # negative LIMIT on SQLite) every live case at once.
        raise ConfigError("DASHBOARD_PAGE_SIZE must be 10 to 500 (live cases on each page of the dashboard)")
    if not 1 <= settings["DASHBOARD_TASK_LINES"] <= 50:
        raise ConfigError("DASHBOARD_TASK_LINES must be 1 to 50 (lines the dashboard shows of each task group)")
    if not 1 <= settings["ORDER_SERVICE_HOURS"] <= 168:
        raise ConfigError("ORDER_SERVICE_HOURS must be 1 to 168 (a practice target for serving the order on P)")
    _check_geofences(settings)
    if settings["HEARING_WINDOW_HOURS"] not in (48, 72):
        raise ConfigError("HEARING_WINDOW_HOURS must be 48 or 72 (Crime and Security Act 2010 s.27)")
    settings["HEARING_WINDOW_LEGAL_BASIS"] = str(settings["HEARING_WINDOW_LEGAL_BASIS"] or "").strip()
    if settings["HEARING_WINDOW_HOURS"] != 48 and not settings["HEARING_WINDOW_LEGAL_BASIS"]:
        # CSA 2010 s.27(3) and DAA 2021 s.29(2): 48 hours. 72 was a recommendation, never
        # enacted: without a named enactment every deadline shown would be 24 hours late.
        raise ConfigError(
            "HEARING_WINDOW_HOURS=72 needs HEARING_WINDOW_LEGAL_BASIS: both Acts say the hearing must "
            "begin within 48 hours (Crime and Security Act 2010 s.27(3); Domestic Abuse Act 2021 s.29(2)). "
            "Name the enactment that changed this, or leave HEARING_WINDOW_HOURS at 48."
        )

    if settings["SESSION_IDLE_MINUTES"] < 1:
        raise ConfigError("SESSION_IDLE_MINUTES must be at least 1")
    if not 1 <= settings["SESSION_ABSOLUTE_HOURS"] <= 24 * 7:
        raise ConfigError("SESSION_ABSOLUTE_HOURS must be 1 to 168 (a session ends this long after log-in)")
    if not 1 <= settings["TEMPORARY_PASSWORD_HOURS"] <= 24 * 30:
        raise ConfigError("TEMPORARY_PASSWORD_HOURS must be 1 to 720 (a reset password stops working this long after)")

    if not 1 <= settings["LOCATION_RETENTION_HOURS"] <= 24 * 30:
        raise ConfigError("LOCATION_RETENTION_HOURS must be 1 to 720 (positions of officers' devices are kept this long)")
    if not 1 <= settings["WELFARE_VISIT_SNOOZE_DAYS"] <= 60:
        raise ConfigError("WELFARE_VISIT_SNOOZE_DAYS must be 1 to 60 (days without alerts after a welfare visit)")

    _check_login_limits(settings)
    _check_pdfs(settings)

    env = str(settings["DVPO_ENV"])
    if env not in {"development", "testing", "production"}:
        raise ConfigError("DVPO_ENV must be development, testing or production")
    development = env == "development"

    if isinstance(settings["AREAS"], str):
        settings["AREAS"] = [a.strip() for a in str(settings["AREAS"]).split(",") if a.strip()]

    settings["SQLALCHEMY_DATABASE_URI"] = _database_url(settings, instance_path)
    settings["SQLALCHEMY_ENGINE_OPTIONS"] = _engine_options(settings)
    # The migrations connect as the tables' owner; the app as a role that owns nothing
    # (app/database_roles.py). One URL where there are no roles (SQLite, development).
    settings["MIGRATION_DATABASE_URI"] = _migration_url(settings)
    settings["SECRET_KEY"] = _secret_key(settings, instance_path, development)
    settings["TRIAL_SEED"] = _trial_seed(settings, instance_path, development)
    _check_sms(settings, development)
    _check_email(settings, development)
    _check_webpush(settings, instance_path, env)

    if settings["REGIME"] not in ("dvpn", "dapn"):
        raise ConfigError("REGIME must be dvpn or dapn")
    settings["DAPN_PILOT"] = _as_bool(settings["DAPN_PILOT"])
    settings["CLOCK_STARTS_AT"] = _clock_starts_at(settings.get("CLOCK_STARTS_AT"), env)
    settings["CLOCK_FILE"] = _clock_file(settings.get("CLOCK_FILE"), env)

    settings["RENDER_PROCESSES"] = _render_processes(settings.get("RENDER_PROCESSES"), env)

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
    settings.setdefault("UPLOAD_DOCX_MAX_UNPACKED_BYTES", settings["UPLOAD_DOCX_MAX_UNPACKED_MB"] * 1024 * 1024)
    # Browsers reached over HTTPS must never again try plain HTTP (cookies, personal data).
    settings["HSTS"] = not development
    # Requests a little over the upload limit are cut off by Werkzeug before they are read.
    settings["MAX_CONTENT_LENGTH"] = (settings["UPLOAD_MAX_MB"] + 1) * 1024 * 1024
    return settings


# Public geocoders: a victim's address must not leave the force for a service it does not run.
_PUBLIC_GEOCODER_HOSTS = ("nominatim.openstreetmap.org",)


def _check_geofences(settings: dict) -> None:
    """GEOFENCE_* and GEOCODER* (app/geocoding.py, services/geofences.py)."""
    from urllib.parse import urlsplit

    if not 25 <= settings["GEOFENCE_RADIUS_METRES"] <= 2000:
        raise ConfigError("GEOFENCE_RADIUS_METRES must be 25 to 2000 (metres around the victim's address)")
    if not 0 <= settings["GEOFENCE_START_HOURS"] <= 336:
        raise ConfigError("GEOFENCE_START_HOURS must be 0 to 336 (hours after the order is made)")
    if not 1 <= settings["GEOCODER_TIMEOUT_SECONDS"] <= 60:
        raise ConfigError("GEOCODER_TIMEOUT_SECONDS must be 1 to 60")
    kind = str(settings["GEOCODER"] or "none").strip().lower()
    settings["GEOCODER"] = kind
    url = str(settings["GEOCODER_URL"] or "").strip()
    settings["GEOCODER_URL"] = url
    if kind not in ("none", "nominatim", "os_places"):
        raise ConfigError("GEOCODER must be none, nominatim or os_places")
    if kind == "none":
        return
    if kind == "nominatim" and not url:
        raise ConfigError("GEOCODER=nominatim needs GEOCODER_URL: the force's own Nominatim server, "
                          "e.g. https://nominatim.internal.example.police.uk")
    if kind == "os_places" and not str(settings["GEOCODER_KEY"] or "").strip():
        raise ConfigError("GEOCODER=os_places needs GEOCODER_KEY: the force's OS Data Hub API key")
    if url:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigError(f"GEOCODER_URL must be an http or https address, got {url!r}")
        if (parts.hostname or "").lower() in _PUBLIC_GEOCODER_HOSTS:
            raise ConfigError("GEOCODER_URL must be the force's own Nominatim server: the public one is not for "
                              "victims' addresses (and its usage policy forbids systematic use)")


# The account lock-out's settings, gone with it (migration 14d0throttle0).
_LOCK_OUT_SETTINGS = ("LOGIN_MAX_FAILURES", "LOGIN_LOCK_MINUTES")


def _check_login_limits(settings: dict) -> None:
    """The log-in throttle's limits, and Flask-Limiter's fixed settings (app/web/auth/throttle.py)."""
    import limits

    stale = [key for key in _LOCK_OUT_SETTINGS if key in settings or key in os.environ]
    if stale:
        raise ConfigError(
            f"{', '.join(stale)}: accounts are no longer locked after failed log-ins. Set LOGIN_LIMIT_PER_ACCOUNT "
            "and LOGIN_LIMIT_PER_ADDRESS instead (for example '5 per 15 minutes' and '50 per 15 minutes')."
        )
    for key in ("LOGIN_LIMIT_PER_ACCOUNT", "LOGIN_LIMIT_PER_ADDRESS"):
        value = str(settings[key]).strip()
        try:
            items = limits.parse_many(value)
        except ValueError:
            items = []
        if not items or any(item.amount < 1 for item in items):
            raise ConfigError(f"{key} must be a limit like '5 per 15 minutes', got {settings[key]!r}")
        settings[key] = value
    if not 0 <= settings["TRUSTED_PROXIES"] <= 5:
        raise ConfigError("TRUSTED_PROXIES must be 0 to 5: how many proxies in front of the app set X-Forwarded-For")
    # Not settings: counters in the app's own database, fixed windows (the storage supports
    # that strategy only), no rate-limit headers (they would tell a guesser its allowance).
    settings["RATELIMIT_ENABLED"] = True
    settings["RATELIMIT_STORAGE_URI"] = "dvpo-database://"  # app/services/login_throttle.py
    settings["RATELIMIT_STRATEGY"] = "fixed-window"
    settings["RATELIMIT_HEADERS_ENABLED"] = False


def _clock_starts_at(value: object, env: str) -> datetime | None:
    """The instant a test's live app starts its clock at (app/timeutil.run_from).

    Only the testing configuration takes it: a clock that is not the real one would show
    officers wrong statutory deadlines, so anywhere else it stops start-up.
    """
    if value in (None, ""):
        return None
    if env != "testing":
        raise ConfigError("CLOCK_STARTS_AT is for the test suites only (DVPO_ENV=testing)")
    try:
        instant = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    except ValueError:
        raise ConfigError(f"CLOCK_STARTS_AT must be an ISO 8601 instant, got {value!r}") from None
    if instant.tzinfo is None:
        raise ConfigError("CLOCK_STARTS_AT needs a UTC offset or zone, e.g. 2026-11-17T10:00:00+00:00")
    return instant


def _clock_file(value: object, env: str) -> str | None:
    """A clock file the app's clock follows (app/timeutil.follow_file): `make simulate`'s
    virtual clock, shared by its web workers and scheduler. Testing only, as CLOCK_STARTS_AT."""
    if value in (None, ""):
        return None
    if env != "testing":
        raise ConfigError("CLOCK_FILE is for the test suites only (DVPO_ENV=testing)")
    if not Path(str(value)).is_file():
        raise ConfigError(f"CLOCK_FILE {value!r} is not a file")
    return str(value)


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
    return _driver_url(url)


def _engine_options(settings: dict) -> dict:
    """The engine's options; on PostgreSQL each connection's TimeZone is UTC, whatever the
    server's default (Debian's is the machine's zone, often Europe/London): instants come
    back from psycopg in UTC, which is how they are used (models/types.UTCDateTime), rather
    than in a zone converted row by row. No SQL here reads the session's zone: London's
    days are worked out in Python (domain/calendar.py)."""
    options = dict(settings["SQLALCHEMY_ENGINE_OPTIONS"])
    if settings["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        connect_args = dict(options.get("connect_args") or {})
        connect_args["options"] = f"{connect_args.get('options', '')} -c TimeZone=UTC".strip()
        options["connect_args"] = connect_args
    return options


def _migration_url(settings: dict) -> str:
    """The owner's URL for the migrations: the same database as DATABASE_URL, another user."""
    from sqlalchemy import make_url

    app_url = settings["SQLALCHEMY_DATABASE_URI"]
    url = str(settings.get("MIGRATION_DATABASE_URL") or "")
    if not url:
        return app_url
    url = _driver_url(url)
    try:
        owner, app = make_url(url), make_url(app_url)
    except ValueError:
        raise ConfigError("MIGRATION_DATABASE_URL is not a database URL") from None
    where = lambda u: (u.get_backend_name(), u.host, u.port, u.database)  # noqa: E731
    if where(owner) != where(app):
        raise ConfigError(
            "MIGRATION_DATABASE_URL must name the same database as DATABASE_URL (the same host, port and "
            "database; only the user differs): the migrations grant the app's role its privileges there")
    return url


def _driver_url(url: str) -> str:
    # Heroku-style URLs name the old driver; we ship psycopg 3.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


# secrets.token_urlsafe(32), 32 random bytes, is 43 characters; token_hex(32) is 64.
SECRET_KEY_MIN_LENGTH = 43
SECRET_KEY_MIN_DISTINCT = 8
_MAKE_A_KEY = "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"


def _secret_key(settings: dict, instance_path: str, development: bool) -> str:
    key = _secret(settings, "SECRET_KEY", "secret_key", instance_path, development,
                  why="a guessable key lets anyone forge a session")
    if development:
        return key
    # A length check on the raw value cannot prove randomness; it refuses the short and the
    # padded (SECRET_KEY=x, or one character repeated) that a person types by hand.
    if len(key) < SECRET_KEY_MIN_LENGTH or len(set(key)) < SECRET_KEY_MIN_DISTINCT:
        raise ConfigError(
            f"SECRET_KEY is too short or not random ({len(key)} characters): outside development it must be "
            f"at least {SECRET_KEY_MIN_LENGTH} characters of random text, 32 random bytes, because a guessable "
            f"key lets anyone forge a session. Make one with: {_MAKE_A_KEY}"
        )
    return key


def _trial_seed(settings: dict, instance_path: str, development: bool) -> str:
    seed = _secret(settings, "TRIAL_SEED", "trial_seed", instance_path, development,
                   why="the trial's allocation sequence must stay concealed and reproducible")
    try:
        if len(bytes.fromhex(seed)) < 16:
            raise ValueError
    except ValueError:
        raise ConfigError("TRIAL_SEED must be at least 32 hexadecimal characters") from None
    return seed


def _secret(settings: dict, key: str, filename: str, instance_path: str, development: bool, *, why: str) -> str:
    value = settings.get(key)
    if value:
        return str(value)
    if settings["DVPO_ENV"] == "testing":
        return secrets.token_hex(32)
    if not development:
        raise ConfigError(
            f"{key} is not set, and {why}. Outside development DVPO Desk needs {key} from the "
            f"environment (for example: export {key}=$(python3 -c 'import secrets; "
            "print(secrets.token_hex(32))'))."
        )
    # Development only: generate once and keep it, so it survives restarts.
    path = Path(instance_path) / filename
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _check_webpush(settings: dict, instance_path: str, env: str) -> None:
    """WEBPUSH_*: a key that is a P-256 private key, and a subject to go with it. Development
    generates a key once into instance/webpush_vapid_private_key (as SECRET_KEY); testing
    makes a fresh one; production has pushes only when the force sets the key."""
    key = str(settings.get("WEBPUSH_VAPID_PRIVATE_KEY") or "").strip()
    if not key and env != "production":
        key = _vapid_key(instance_path, generate_into_instance=env == "development")
    if key:
        from py_vapid import Vapid

        try:
            Vapid.from_string(key)
        except Exception:  # noqa: BLE001 - py-vapid raises several kinds for a bad key
            raise ConfigError("WEBPUSH_VAPID_PRIVATE_KEY is not a P-256 private key (base64url, raw or DER)") from None
    subject = str(settings.get("WEBPUSH_VAPID_SUBJECT") or "").strip()
    if key and not subject:
        if env == "production":
            raise ConfigError("WEBPUSH_VAPID_PRIVATE_KEY needs WEBPUSH_VAPID_SUBJECT: a mailto: or https: address "
                              "the push services can contact, e.g. mailto:dvpo-desk@example.police.uk")
        subject = "mailto:dvpo-desk@localhost"
    if subject and not subject.startswith(("mailto:", "https://")):
        raise ConfigError("WEBPUSH_VAPID_SUBJECT must start with mailto: or https://")
    if not 1 <= settings["WEBPUSH_TIMEOUT_SECONDS"] <= 60:
        raise ConfigError("WEBPUSH_TIMEOUT_SECONDS must be 1 to 60")
    settings["WEBPUSH_VAPID_PRIVATE_KEY"], settings["WEBPUSH_VAPID_SUBJECT"] = key, subject


def _vapid_key(instance_path: str, *, generate_into_instance: bool) -> str:
    from cryptography.hazmat.primitives.asymmetric import ec
    from py_vapid.utils import b64urlencode

    def fresh() -> str:
        number = ec.generate_private_key(ec.SECP256R1()).private_numbers().private_value
        return b64urlencode(number.to_bytes(32, "big"))

    if not generate_into_instance:
        return fresh()
    path = Path(instance_path) / "webpush_vapid_private_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(fresh())
        path.chmod(0o600)
    return path.read_text().strip()


def _sms_unit_price(value: object):
    """SMS_UNIT_PRICE_PENCE as a Decimal of pence (0 to 100), or None when not set."""
    from decimal import Decimal, InvalidOperation

    text = str(value if value is not None else "").strip()
    if not text:
        return None
    try:
        price = Decimal(text)
    except InvalidOperation:
        price = None
    if price is None or not price.is_finite() or not 0 <= price <= 100:
        raise ConfigError(f"SMS_UNIT_PRICE_PENCE must be a number of pence from 0 to 100 (e.g. 3.5), got {text!r}")
    return price


def _check_sms(settings: dict, development: bool) -> None:
    settings["SMS_UNIT_PRICE_PENCE"] = _sms_unit_price(settings.get("SMS_UNIT_PRICE_PENCE"))
    if settings["SMS_BACKEND"] not in ("outbox", "vonage"):
        raise ConfigError("SMS_BACKEND must be outbox or vonage")
    if settings["SMS_BACKEND"] == "vonage":
        missing = [k for k in ("VONAGE_API_KEY", "VONAGE_API_SECRET", "VONAGE_FROM") if not settings.get(k)]
        if missing:
            raise ConfigError(f"SMS_BACKEND=vonage needs {', '.join(missing)}")
        if not development and not str(settings.get("VONAGE_SIGNATURE_SECRET") or "").strip():
            # Unsigned, anyone who finds the webhook can mark P's texts delivered or failed.
            raise ConfigError(
                "SMS_BACKEND=vonage needs VONAGE_SIGNATURE_SECRET outside development: without it anyone who "
                "finds the delivery-receipt webhook can mark texts delivered or failed. Turn on signed "
                "webhooks in the Vonage dashboard (Settings, API settings) and set VONAGE_SIGNATURE_SECRET "
                "and VONAGE_SIGNATURE_METHOD to match."
            )
    for key in ("SMS_WINDOW_OPENS", "SMS_WINDOW_CLOSES"):
        try:
            hours, minutes = (int(part) for part in str(settings[key]).split(":"))
            if not (0 <= hours < 24 and 0 <= minutes < 60):
                raise ValueError
        except ValueError:
            raise ConfigError(f"{key} must be a time like 09:00, got {settings[key]!r}") from None
    if settings["VONAGE_SIGNATURE_METHOD"] not in ("md5hash", "md5", "sha1", "sha256", "sha512"):
        raise ConfigError("VONAGE_SIGNATURE_METHOD must be md5hash, md5, sha1, sha256 or sha512")
    if settings["SMS_RATE_PER_SECOND"] < 1:
        raise ConfigError("SMS_RATE_PER_SECOND must be at least 1")
    if not 1 <= settings["SMS_RECONCILE_MINUTES"] <= 1440:
        raise ConfigError("SMS_RECONCILE_MINUTES must be 1 to 1440")
    if not 1 <= settings["SMS_UNKNOWN_DECIDE_HOURS"] <= 168:
        raise ConfigError("SMS_UNKNOWN_DECIDE_HOURS must be 1 to 168")


DEVELOPMENT_BASE_URL = "http://127.0.0.1:5000"


def _check_email(settings: dict, development: bool) -> None:
    """EMAIL_BACKEND and the SMTP settings Flask-Mailman reads (MAIL_*), and BASE_URL, the
    start of every link an email carries (emails are sent by the scheduler, outside any request)."""
    backend = str(settings["EMAIL_BACKEND"] or "outbox").strip().lower()
    if backend not in ("outbox", "smtp"):
        raise ConfigError("EMAIL_BACKEND must be outbox or smtp")
    settings["EMAIL_BACKEND"] = backend
    # Flask-Mailman's own backend setting: our outbox never calls it, and smtp is smtp (its
    # default under TESTING would be an in-memory backend that sends nothing).
    settings["MAIL_BACKEND"] = "smtp"
    for key in ("MAIL_USE_TLS", "MAIL_USE_SSL"):
        settings[key] = _as_bool(settings[key])
    if settings["MAIL_USE_TLS"] and settings["MAIL_USE_SSL"]:
        raise ConfigError("MAIL_USE_TLS and MAIL_USE_SSL cannot both be on: STARTTLS (587) or TLS from the start (465)")
    if not 1 <= settings["MAIL_PORT"] <= 65535:
        raise ConfigError("MAIL_PORT must be 1 to 65535")
    if settings["MAIL_TIMEOUT"] < 1 or settings["EMAIL_MAX_ATTEMPTS"] < 1:
        raise ConfigError("MAIL_TIMEOUT and EMAIL_MAX_ATTEMPTS must be at least 1")
    base = str(settings["BASE_URL"] or "").strip().rstrip("/")
    if base and not base.startswith(("https://", "http://")):
        raise ConfigError(f"BASE_URL must start with https:// (or http://), got {base!r}")
    if backend == "smtp":
        if not str(settings["MAIL_DEFAULT_SENDER"] or "").strip():
            raise ConfigError("EMAIL_BACKEND=smtp needs MAIL_DEFAULT_SENDER, e.g. DVPO Desk <dvpo-desk@force.police.uk>")
        if not base and not development and settings["DVPO_ENV"] != "testing":
            raise ConfigError("EMAIL_BACKEND=smtp needs BASE_URL outside development: the address staff open the "
                              "app at, e.g. https://dvpo.example.police.uk, for the links in emails")
    settings["BASE_URL"] = base or DEVELOPMENT_BASE_URL
    settings["MAIL_DEFAULT_SENDER"] = str(settings["MAIL_DEFAULT_SENDER"] or "").strip() or "DVPO Desk <dvpo-desk@localhost>"
