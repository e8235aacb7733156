"""Integration fixtures: the real app on a real, migrated database.

Every test runs on SQLite and, when TEST_DATABASE_URL is set, on PostgreSQL too. Under
CI=true a missing PostgreSQL fails the run instead of skipping it.

On PostgreSQL the roles are production's (app/database_roles.py): the app connects as
TEST_DATABASE_URL's role, which owns nothing; the migrations run as the owner,
TEST_MIGRATION_DATABASE_URL. TEST_SUPERUSER_DATABASE_URL, where set, creates each worker's
database and empties its tables between tests with no trigger firing (else the owner does
both: it needs CREATEDB, and empties the tables with TRUNCATE, which is slower). The tests
themselves never connect as the superuser. scripts/with-postgres sets all three.
"""
from __future__ import annotations

import copy
import itertools
import os
import re
import shutil
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

import pytest
from bs4 import BeautifulSoup
from flask import Flask, current_app, url_for
from flask.ctx import RequestContext
from flask.testing import EnvironBuilder, FlaskClient
from flask_wtf.csrf import generate_csrf
from sqlalchemy import create_engine, event, make_url, text
from sqlalchemy.exc import DatabaseError

from app import create_app, settings, timeutil
from app.extensions import db
from app.models import Role
from app.services import trial, users
from tests.fake_vonage import FakeVonage
from tests.integration.factories import granted_case, support_service
from tests.support import migrated_app

PG_URL = os.environ.get("TEST_DATABASE_URL", "")  # the app's role
PG_OWNER_URL = os.environ.get("TEST_MIGRATION_DATABASE_URL") or PG_URL
PG_SUPERUSER_URL = os.environ.get("TEST_SUPERUSER_DATABASE_URL") or PG_OWNER_URL
IN_CI = os.environ.get("CI") == "true"
BACKENDS = ["sqlite", "postgresql"]
PASSWORD = "correct horse battery"
# A Monday morning in November, away from any bank holiday: tests that need another
# moment say so.
DEFAULT_NOW = datetime(2026, 11, 16, 10, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """One SQLite file migrated once; each test gets a copy (fast, and DELETE-free)."""
    path = tmp_path_factory.mktemp("db") / "template.sqlite3"
    app = migrated_app(f"sqlite:///{path}")
    with app.app_context():
        db.engine.dispose()
    return path


OWNER_ENGINE = "tests.owner_engine"  # app.extensions: the tables' owner's engine (PostgreSQL)


class PostgresDatabase(NamedTuple):
    url: str  # the app's role
    owner_url: str  # the tables' owner: migrations and emptying tables
    # A superuser's connection to the same database, where one was given: it empties the
    # tables between tests without firing their triggers (SessionApp.empty_postgres).
    superuser_url: str | None = None


@pytest.fixture(scope="session")
def postgres_migrated() -> PostgresDatabase:
    if not PG_URL:
        message = "TEST_DATABASE_URL is not set: PostgreSQL integration tests are SKIPPED"
        if IN_CI:
            pytest.fail(f"{message}, which CI does not allow")
        print(f"\n!!! {message} !!!", file=sys.stderr)
        pytest.skip(message)
    database = _worker_database(PG_URL, PG_OWNER_URL, PG_SUPERUSER_URL)
    owner = create_engine(database.owner_url)
    try:
        with owner.begin() as conn:  # a clean schema, whatever an earlier run left
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    finally:
        owner.dispose()
    app = migrated_app(database.url, migration_url=database.owner_url)
    with app.app_context():
        db.engine.dispose()
    return database


def _worker_database(url: str, owner_url: str, admin_url: str) -> PostgresDatabase:
    """Under pytest-xdist each worker gets a database of its own on the same server
    (dvpo_test_gw0, dvpo_test_gw1, ...), owned by the owner's role and made by `admin_url`'s;
    without xdist, the database of the URLs."""
    superuser = None if admin_url == owner_url else make_url(admin_url)
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return PostgresDatabase(url, owner_url, _rendered(superuser, make_url(url).database))
    app, owner = make_url(url), make_url(owner_url)
    name = f"{app.database}_{worker}"
    engine = create_engine(make_url(admin_url), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(text(f'CREATE DATABASE "{name}" OWNER "{owner.username}"'))
    finally:
        engine.dispose()
    return PostgresDatabase(*(_rendered(u, name) for u in (app, owner, superuser)))


def _rendered(url, database: str) -> str | None:
    return None if url is None else url.set(database=database).render_as_string(hide_password=False)


class SessionApp:
    """One app per database backend for the whole session, reset before each test.

    Building an app per test cost more than most tests themselves: registering the
    blueprints, compiling the URL map, and compiling every template the test rendered.
    Each test still gets a fresh database (a copy of the migrated SQLite file, or truncated
    PostgreSQL tables), pristine settings and app attributes, and its own upload folder.
    """

    def __init__(self, url: str, sqlite_template=None, owner_url: str | None = None, superuser_url: str | None = None):
        self.sqlite_template = sqlite_template
        self.app = create_app({"DVPO_ENV": "testing", "DATABASE_URL": url, "MIGRATION_DATABASE_URL": owner_url or url,
                               "SCHEDULER_IN_PROCESS": "false"})
        # PostgreSQL: the owner's connection that empties the tables before each test.
        self.owner_engine = create_engine(owner_url, pool_size=1) if owner_url else None
        self.app.extensions[OWNER_ENGINE] = self.owner_engine
        self.superuser_engine = create_engine(superuser_url, pool_size=1) if superuser_url else None
        self._truncate_triggers: list | None = None
        self._which_hold_rows: str | None = None  # the statement naming the tables with a row
        self.app.test_client_class = RequestScopedClient
        self.app.jinja_env  # noqa: B018 - made now, so the attribute snapshot keeps it (and its templates)
        if sqlite_template is not None:
            with self.app.app_context():
                # No fsync per commit: a test's database is thrown away, and waiting for the
                # disk was a large share of the suite's wall time on a busy machine.
                event.listen(db.engine, "connect", _sqlite_without_fsync)
        self.config = copy.deepcopy(dict(self.app.config))
        self.attributes = dict(self.app.__dict__)

    def reset(self, upload_folder: str) -> Flask:
        app = self.app
        app.config.clear()
        app.config.update(copy.deepcopy(self.config))
        app.config["UPLOAD_FOLDER"] = upload_folder
        # What a test set on the app itself (a template loader, say) goes too.
        for name in set(app.__dict__) - set(self.attributes):
            del app.__dict__[name]
        app.__dict__.update(self.attributes)
        settings.init_app(app)  # the typed settings are rebuilt from the pristine config
        if self.sqlite_template is not None:
            with app.app_context():
                db.engine.dispose()  # every connection to the last test's file is closed
                path = Path(db.engine.url.database)
            for leftover in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                leftover.unlink(missing_ok=True)
            fresh = path.with_name(path.name + ".new")
            shutil.copy(self.sqlite_template, fresh)
            os.replace(fresh, path)  # a new file: a connection left open elsewhere keeps the old one
        return app

    def empty_postgres(self) -> None:
        """Empty every table and start every sequence again at 1.

        With a superuser's connection: DELETE from the tables that hold a row (asking which
        is one statement), with `session_replication_role = replica` for this transaction,
        so no trigger fires, neither the append-only tables' refusals nor the foreign keys'
        checks. About 7 ms a test, where TRUNCATE of all 55 tables cost 35 to 70 ms and made
        every connection reload what it knew of each table. Without one, as the owner:
        TRUNCATE, the append-only tables' TRUNCATE triggers suspended for the transaction
        (migration 14b0truncate0), which the app's role, owning nothing, never can."""
        if self.superuser_engine is None:
            self._truncate_as_owner()
            return
        with self.superuser_engine.begin() as conn:
            if self._which_hold_rows is None:
                tables = conn.execute(text(
                    "SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = current_schema() "
                    "AND tablename <> 'alembic_version' ORDER BY tablename")).scalars()
                self._which_hold_rows = " UNION ALL ".join(
                    f"SELECT '{table}' WHERE EXISTS (SELECT 1 FROM {table})" for table in tables)
            written = list(conn.exec_driver_sql(self._which_hold_rows).scalars())
            conn.exec_driver_sql(";\n".join(
                ["SET LOCAL session_replication_role = replica"]
                + [f"DELETE FROM {table}" for table in written]
                + [RESTART_SEQUENCES]))

    def _truncate_as_owner(self) -> None:
        tables = ", ".join(t.name for t in db.metadata.sorted_tables)
        with self.owner_engine.begin() as conn:
            if self._truncate_triggers is None:
                # Bit 32 of tgtype is TRUNCATE.
                self._truncate_triggers = conn.execute(text(
                    "SELECT quote_ident(c.relname), quote_ident(t.tgname) FROM pg_trigger t "
                    "JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE n.nspname = current_schema() AND (t.tgtype & 32) <> 0 AND NOT t.tgisinternal")).all()
            triggers = self._truncate_triggers
            conn.exec_driver_sql(";\n".join(
                [f"ALTER TABLE {table} DISABLE TRIGGER {trigger}" for table, trigger in triggers]
                + [f"TRUNCATE {tables} RESTART IDENTITY CASCADE"]
                + [f"ALTER TABLE {table} ENABLE TRIGGER {trigger}" for table, trigger in triggers]))


# A sequence moves on even when its rows are rolled back or deleted: every one starts again.
RESTART_SEQUENCES = ("SELECT setval(c.oid, 1, false) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                     "WHERE c.relkind = 'S' AND n.nspname = current_schema()")


def _sqlite_without_fsync(dbapi_connection, _connection_record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=OFF")
    cursor.close()


@pytest.fixture(scope="session")
def sqlite_session_app(sqlite_template, tmp_path_factory) -> SessionApp:
    path = tmp_path_factory.mktemp("live") / "test.sqlite3"
    shutil.copy(sqlite_template, path)
    return SessionApp(f"sqlite:///{path}", sqlite_template)


@pytest.fixture(scope="session")
def postgresql_session_app(postgres_migrated) -> SessionApp:
    shared = SessionApp(postgres_migrated.url, owner_url=postgres_migrated.owner_url,
                        superuser_url=postgres_migrated.superuser_url)
    yield shared
    shared.owner_engine.dispose()
    if shared.superuser_engine is not None:
        shared.superuser_engine.dispose()


def keep_session_alive(client, now) -> None:
    """A test that jumps the frozen clock ahead is testing something else: the jump is neither
    idleness nor the session's age, so the session is stamped as if the officer had just
    logged in again (tests/integration/test_sessions_end.py tests the limits themselves)."""
    from app.web.security import SESSION_LOGIN_KEY, SESSION_SEEN_KEY

    with client.session_transaction() as session:
        session[SESSION_SEEN_KEY] = session[SESSION_LOGIN_KEY] = now.isoformat()


def owner_engine(app: Flask):
    """The engine connected as the tables' owner (PostgreSQL only): for what the app's role may
    not do, such as testing that the append-only triggers refuse even the owner."""
    engine = app.extensions.get(OWNER_ENGINE)
    assert engine is not None, "the owner's engine exists on PostgreSQL only"
    return engine


def assert_append_only(statement: str) -> None:
    """`statement`, an UPDATE or DELETE of committed rows of an append-only table, is refused
    by the database, and changes nothing.

    SQLite: the row triggers refuse it. PostgreSQL: the app's role has no UPDATE or DELETE on
    the table at all (app/database_roles.py), and behind that the row triggers refuse even the
    table's owner, who has: both are tried.
    """
    app = current_app
    postgresql = db.engine.dialect.name == "postgresql"
    with pytest.raises(DatabaseError, match="permission denied" if postgresql else "append-only"):
        db.session.execute(text(statement))
        db.session.flush()
    db.session.rollback()
    if postgresql:
        with pytest.raises(DatabaseError, match="append-only"), owner_engine(app).begin() as conn:
            result = conn.execute(text(statement))
            pytest.fail(f"the owner's {statement!r} was not refused ({result.rowcount} rows): were they committed?")


class RequestScopedClient(FlaskClient):
    """A test client whose requests each get a fresh app context, as in production.

    The fixture keeps an app context open for the test body; without this, requests would
    share its `g` (Flask reuses a pushed context), which hides per-request state bugs.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.expire_all()  # the test's own session then sees what the request committed
        return response


@pytest.fixture(params=BACKENDS)
def app(request, tmp_path):
    shared = request.getfixturevalue(f"{request.param}_session_app")
    application = shared.reset(upload_folder=str(tmp_path / "uploads"))
    with application.app_context():
        if request.param == "postgresql":
            shared.empty_postgres()
        with timeutil.frozen_at(DEFAULT_NOW):
            yield application
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_user(app):
    counter = itertools.count(1)

    def make(role: Role, email: str | None = None, area: str | None = None, **kwargs):
        n = next(counter)
        if role is Role.CASEWORKER and "service_id" not in kwargs:
            kwargs["service_id"] = support_service(f"Test Support Service {n}").id
        return users.create_user(
            email=email or f"{role.value}{n}@test.police.uk",
            full_name=kwargs.pop("full_name", f"Test {role.label} {n}"),
            role=role,
            password=PASSWORD,
            area=area,
            **kwargs,
        )

    return make


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client) -> str:
    """The CSRF token a page would carry for the client's session, without loading a page.

    Flask-WTF keeps a random value in the session and signs it into each token: this does
    what rendering a form would, in a request context bound to the client's own session,
    which is then saved back into the client's cookie.
    """
    application = client.application
    builder = EnvironBuilder(application)
    try:
        environ = builder.get_environ()
    finally:
        builder.close()
    # A fresh app context too: generate_csrf caches its token in `g`, which must not outlive
    # this call (the session, and so the token, changes at log-in).
    with client.session_transaction() as session, application.app_context(), \
            RequestContext(application, environ, session=session):
        return generate_csrf()


def csrf_from(client, url: str = "/login") -> str:
    """Load `url` and read the CSRF token from its form (the page must carry one)."""
    html = client.get(url).get_data(as_text=True)
    match = CSRF_RE.search(html)
    assert match, f"no csrf_token on {url}"
    return match.group(1)


def login(client, user, password: str = PASSWORD):
    """Post the log-in form (one request: the token comes from the session, not a page)."""
    token = csrf_token(client)
    return client.post("/login", data={"email": user.email, "password": password, "csrf_token": token})


@pytest.fixture
def login_as(client, make_user):
    """Log in a new user with `role`; returns (user, csrf_token for later POSTs)."""

    def do(role: Role, **kwargs):
        user = make_user(role, **kwargs)
        response = login(client, user)
        assert response.status_code == 302, response.get_data(as_text=True)
        return user, csrf_token(client)  # log-in starts a new session, so a new token

    return do


# ------------------------------------------------------------------ parsed pages


def normalize_spaces(text: str) -> str:
    """Text with every run of whitespace (newlines from templates too) made one space."""
    return " ".join(text.split())


class ClientRequest:
    """Requests through the test client that check the status and return the parsed page.

    `target` is a URL ("/dashboard?page=2") or an endpoint ("cases.dashboard") built with
    url_for from the keyword arguments. Arguments for the request itself start with "_".
    """

    def __init__(self, client, login_as=None):
        self.client = client
        self._login_as = login_as
        self.response = None  # the last response, for headers

    def login_as(self, role: Role, **kwargs):
        """Log in a new user with `role` (see the login_as fixture); returns the user."""
        user, _token = self._login_as(role, **kwargs)
        return user

    def url(self, target: str, **kwargs) -> str:
        if target.startswith("/"):
            assert not kwargs, f"{target} is a URL: keyword arguments {kwargs} would be ignored"
            return target
        with self.client.application.test_request_context():
            return url_for(target, **kwargs)

    def get(self, target: str, _expected_status: int = 200, _headers: dict | None = None,
            _follow_redirects: bool = False, **kwargs) -> BeautifulSoup:
        url = self.url(target, **kwargs)
        response = self.client.get(url, headers=_headers, follow_redirects=_follow_redirects)
        return self._page(response, f"GET {url}", _expected_status)

    def post(self, target: str, _data: dict | None = None, _expected_status: int | None = None,
             _expected_redirect: str | None = None, _headers: dict | None = None,
             _follow_redirects: bool = False, _csrf_token: bool = True, **kwargs) -> BeautifulSoup:
        """POST `_data` with the session's CSRF token added (unless _csrf_token=False or _data
        has one). Expects a redirect (302) unless told otherwise or following redirects (200);
        `_expected_redirect` checks its Location."""
        if _expected_status is None:
            _expected_status = 200 if _follow_redirects else 302
        url = self.url(target, **kwargs)
        data = dict(_data or {})
        if _csrf_token:
            data.setdefault("csrf_token", csrf_token(self.client))
        response = self.client.post(url, data=data, headers=_headers, follow_redirects=_follow_redirects)
        page = self._page(response, f"POST {url}", _expected_status)
        if _expected_redirect is not None:
            assert response.headers.get("Location") == _expected_redirect, (
                f"POST {url} redirected to {response.headers.get('Location')!r}, not {_expected_redirect!r}"
            )
        return page

    def _page(self, response, what: str, expected_status: int) -> BeautifulSoup:
        self.response = response
        html = response.get_data(as_text=True)
        assert response.status_code == expected_status, (
            f"{what} answered {response.status_code}, not {expected_status}:\n{html[:2000]}"
        )
        return BeautifulSoup(html, "html.parser")


def error_summary(page) -> list[str]:
    """The messages in the page's error summary, in order ([] when there is none)."""
    return [normalize_spaces(li.get_text()) for li in page.select(".govuk-error-summary__list li")]


def flash_messages(page) -> list[str]:
    """The messages flashed at the top of the page, in order."""
    return [normalize_spaces(p.get_text()) for p in page.select("main .govuk-notification-banner__heading")]


def heading(page) -> str:
    """The page's h1."""
    [h1] = page.find_all("h1")
    return normalize_spaces(h1.get_text())


def table_rows(table) -> list[dict[str, str]]:
    """A table's body rows as {column heading: cell text}, whitespace normalised."""
    headings = [normalize_spaces(th.get_text()) for th in table.select("thead th")]
    rows = []
    for tr in table.select("tbody tr"):
        cells = [normalize_spaces(td.get_text()) for td in tr.find_all(["td", "th"])]
        rows.append(dict(zip(headings, cells, strict=True)))
    return rows


@pytest.fixture
def client_request(client, login_as) -> ClientRequest:
    """Like notifications-admin's: client_request.get(...) and .post(...) return BeautifulSoup."""
    return ClientRequest(client, login_as)


# -- reminder texts through the loopback fake Vonage ---------------------------------------------

VONAGE_SIGNATURE = "dlr-signature-secret-0123456789"


@pytest.fixture
def fake(app, monkeypatch):
    with FakeVonage(hang_seconds=2) as server:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", server.ca_path)
        app.config.update(SMS_BACKEND="vonage", VONAGE_API_KEY=server.api_key, VONAGE_API_SECRET=server.api_secret,
                          VONAGE_FROM="DemoPolice", VONAGE_REST_HOST=server.rest_host, VONAGE_API_HOST=server.rest_host,
                          VONAGE_TIMEOUT_SECONDS=1,
                          VONAGE_SIGNATURE_SECRET=VONAGE_SIGNATURE, VONAGE_SIGNATURE_METHOD="md5hash")
        yield server


@pytest.fixture
def texting_case(app, make_user):
    trial.switch(make_user(Role.ADMIN), running=False, stratified=False, reason="Texts for everyone eligible")
    return granted_case(make_user(Role.OFFICER), days=14)
