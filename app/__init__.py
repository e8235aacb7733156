"""DVPO Desk: case management for Domestic Violence Protection Notices and Orders."""
from __future__ import annotations

import logging
import os

from flask import Flask, current_app, render_template
from flask_wtf.csrf import CSRFError
from sqlalchemy import event
from werkzeug.middleware.proxy_fix import ProxyFix

from app import cli, timeutil
from app.config import load_settings
from app.extensions import csrf, db, limiter, login_manager, migrate
from app.mailer import mail


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True, template_folder="../templates", static_folder="../static")
    app.config.update(load_settings(app.instance_path, config))
    from app import settings

    settings.init_app(app)  # the typed settings, built once
    _configure_logging()

    from app import models  # noqa: F401 - registers the models with SQLAlchemy
    from app.services import alerts, login_throttle, search_index, users

    db.init_app(app)
    search_index.listen(db.session)  # the search index follows every commit that changes what it holds
    alerts.listen()  # every new position is matched to the live geofences (services/alerts.py)
    _init_sqlite(app)
    _check_database_role(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"))
    csrf.init_app(app)
    if app.config["RATELIMIT_STORAGE_URI"] != login_throttle.STORAGE_URI:  # the scheme importing it registered
        raise RuntimeError("log-in throttling must count in the app's database")
    limiter.init_app(app)  # log-in throttling: app/web/auth/throttle.py
    if app.config["TRUSTED_PROXIES"]:
        # The client's address from X-Forwarded-For, as many hops back as there are proxies
        # that add to it; without proxies the header is ignored (anyone can send it).
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["TRUSTED_PROXIES"])
    mail.init_app(app)  # Flask-Mailman, for EMAIL_BACKEND=smtp (app/mailer.py)
    users.init_app(app)  # Argon2 parameters: cheap under testing only
    _init_login(app)
    _register_blueprints(app)
    _register_templates(app)
    _register_errors(app)
    app.after_request(_security_headers)
    cli.register(app)
    if app.config["CLOCK_STARTS_AT"] is not None:
        timeutil.run_from(app.config["CLOCK_STARTS_AT"])
    if app.config["CLOCK_FILE"] is not None:
        timeutil.follow_file(app.config["CLOCK_FILE"])
    return app


_logging_configured = False


def _configure_logging() -> None:
    """Once per process, however many apps are created in it (the tests create many)."""
    global _logging_configured
    if not _logging_configured:
        logging.basicConfig(level=logging.INFO)
        _logging_configured = True


def _init_sqlite(app: Flask) -> None:
    """This app's engine only, and only on SQLite: other engines in the process are not ours."""
    with app.app_context():
        if db.engine.url.get_backend_name() == "sqlite":
            event.listen(db.engine, "connect", _sqlite_pragmas)


def _check_database_role(app: Flask) -> None:
    """In production on PostgreSQL, refuse to start as a superuser or the tables' owner
    (app/database_roles.py): such a role could disable the append-only triggers."""
    from app import database_roles

    if app.config["DVPO_ENV"] == "production":
        with app.app_context():
            database_roles.check_runtime_role(db.engine)


def _sqlite_pragmas(dbapi_connection, connection_record):  # noqa: ARG001
    # SQLite ignores foreign keys unless asked, and WAL lets the scheduler write while the
    # web process reads.
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()


def _init_login(app: Flask) -> None:
    from app.models import User
    from app.web.security import (
        enforce_session_limits,
        require_password_change,
        session_is_current,
        unauthorized_response,
    )

    login_manager.init_app(app)
    login_manager.session_protection = "strong"
    login_manager.unauthorized_handler(unauthorized_response)

    @login_manager.user_loader
    def load_user(user_id: str):
        try:
            user = db.session.get(User, int(user_id))
        except (TypeError, ValueError):
            return None
        # A session the server has ended (log-out, deactivation, password change) is refused
        # here, so no view ever sees it as logged in.
        return user if user is not None and session_is_current(user) else None

    app.before_request(enforce_session_limits)
    app.before_request(require_password_change)  # after the limits: only a live session is sent on


def _register_blueprints(app: Flask) -> None:
    from app.web import (
        admin,
        auth,
        authorisation,
        cases,
        casework,
        corrections,
        court,
        elsewhere,
        figures,
        geofences,
        handovers,
        health,
        lapse,
        loaders,
        locations,
        patrol,
        people,
        referrals,
        search,
        texts,
        texts_admin,
        trial_evaluation,
    )

    app.url_value_preprocessor(loaders.pull_ids)
    for module in (auth, cases, search, people, elsewhere, authorisation, court, lapse, texts, referrals, casework, admin, texts_admin,
                   trial_evaluation, health, corrections, handovers, locations, geofences, patrol, figures):
        app.register_blueprint(module.bp)


def _register_templates(app: Flask) -> None:
    from app.web import template_support

    template_support.register(app)


def _register_errors(app: Flask) -> None:
    def page(template: str, status: int):
        return lambda _error: (render_template(template), status)

    app.register_error_handler(403, page("errors/403.html", 403))
    app.register_error_handler(404, page("errors/404.html", 404))
    app.register_error_handler(405, page("errors/405.html", 405))
    app.register_error_handler(413, page("errors/413.html", 413))

    @app.errorhandler(CSRFError)
    def csrf_error(_error):
        return render_template("errors/csrf.html"), 400

    @app.errorhandler(500)
    def server_error(_error):
        db.session.rollback()
        return render_template("errors/500.html"), 500


# Two years, the preload list's figure; at least one year is what HSTS guidance asks for.
HSTS_VALUE = "max-age=63072000; includeSubDomains"


def _security_headers(response):
    if current_app.config["HSTS"]:
        # On every response (documents, errors, static files too) outside development.
        response.headers["Strict-Transport-Security"] = HSTS_VALUE
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    )
    # Case pages hold personal data: never keep them in a shared browser's cache.
    response.headers.setdefault("Cache-Control", "no-store")
    return response
