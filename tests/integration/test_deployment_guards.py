"""Issue 14, items 7-9 over HTTP: HSTS outside development, uploaded documents served so a
browser never treats them as HTML, zip bombs refused, and access logs without query strings
(a GET delivery receipt carries P's number)."""
from __future__ import annotations

import io
import logging
import runpy
import threading
import time
import urllib.error
import urllib.request
import zipfile
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import select
from werkzeug.serving import WSGIRequestHandler, make_server

from app import create_app
from app.config import ConfigError
from app.extensions import db
from app.models import Document, Role
from app.serving import AccessLogWithoutQuery
from tests.integration.factories import served_case
from tests.integration.test_court import PDF, upload

ROOT = Path(__file__).resolve().parents[2]
KEY = "tY8kQ2vN-r5xW0pLz7Hc_3mJfA9eUbKd6gSoVi1nEqR"
NUMBER = "447700900123"
RECEIPT_QUERY = f"msisdn={NUMBER}&to=DVPODesk&messageId=0A000000123ABCD1&status=delivered&client-ref=abc"

CONTENT_TYPES_DOCX = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)


def docx(extra: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES_DOCX)
        archive.writestr("word/document.xml", "<w:document/>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def hsts_is_strict(value: str | None) -> bool:
    if not value:
        return False
    parts = [part.strip().lower() for part in value.split(";")]
    max_age = next(int(p.split("=", 1)[1]) for p in parts if p.startswith("max-age="))
    return max_age >= 365 * 24 * 3600 and "includesubdomains" in parts


# -- HSTS ------------------------------------------------------------------------------------

def test_every_response_outside_development_carries_hsts(client, login_as):
    assert hsts_is_strict(client.get("/login").headers.get("Strict-Transport-Security"))
    assert hsts_is_strict(client.get("/no-such-page").headers.get("Strict-Transport-Security"))
    assert hsts_is_strict(client.get("/health").headers.get("Strict-Transport-Security"))
    officer, token = login_as(Role.OFFICER)
    case = served_case(officer)
    upload(client, token, case, "officer_statement")
    doc = db.session.scalar(select(Document))
    assert hsts_is_strict(client.get(f"/documents/{doc.id}").headers.get("Strict-Transport-Security"))


def test_production_sends_hsts_and_development_does_not(tmp_path):
    settings = {"SECRET_KEY": KEY, "TRIAL_SEED": "ab" * 16, "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3"}
    production = create_app({"DVPO_ENV": "production", **settings})
    development = create_app({"DVPO_ENV": "development", **settings})
    response = production.test_client().get("/login", base_url="https://localhost")
    assert hsts_is_strict(response.headers.get("Strict-Transport-Security"))
    assert "Strict-Transport-Security" not in development.test_client().get("/login").headers


def test_production_on_postgresql_that_cannot_check_its_role_does_not_start():
    """The role check (app/database_roles.py, tests in test_database_roles.py) cannot be
    skipped by a database that does not answer: start-up stops with the reason."""
    settings = {"SECRET_KEY": KEY, "TRIAL_SEED": "ab" * 16, "DATABASE_URL": "postgresql://dvpo_app@127.0.0.1:1/dvpo"}
    with pytest.raises(ConfigError, match="could not check the database role DATABASE_URL connects as"):
        create_app({"DVPO_ENV": "production", **settings})
    create_app({"DVPO_ENV": "development", **settings})  # development does not check


# -- serving uploaded documents --------------------------------------------------------------

def test_a_pdf_named_html_is_stored_and_served_as_a_pdf_never_as_html(client, login_as, app):
    officer, token = login_as(Role.OFFICER)
    case = served_case(officer)
    upload(client, token, case, "officer_statement", PDF, "statement.html")
    doc = db.session.scalar(select(Document))
    assert doc.stored_name.endswith(".pdf") and doc.content_type == "application/pdf"
    assert doc.original_name == "statement.html.pdf"
    assert sorted(p.suffix for p in Path(app.config["UPLOAD_FOLDER"]).iterdir()) == [".pdf"]
    response = client.get(f"/documents/{doc.id}")
    assert response.status_code == 200 and response.data == PDF
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    # The court page opens PDFs and images in the browser; the sandbox keeps them harmless.
    assert response.headers["Content-Disposition"] == "inline; filename=statement.html.pdf"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_a_word_document_is_always_a_download(client, login_as):
    officer, token = login_as(Role.OFFICER)
    case = served_case(officer)
    upload(client, token, case, "officer_statement", docx(), "MG11.docx")
    doc = db.session.scalar(select(Document))
    response = client.get(f"/documents/{doc.id}")
    assert response.headers["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert response.headers["Content-Disposition"] == "attachment; filename=MG11.docx"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_a_zip_bomb_dressed_as_a_word_document_is_refused(client, login_as, app):
    officer, token = login_as(Role.OFFICER)
    case = served_case(officer)
    app.config["UPLOAD_DOCX_MAX_UNPACKED_BYTES"] = 1024 * 1024  # the setting, small for the test
    bomb = docx({"word/media/padding.bin": bytes(2 * 1024 * 1024)})  # 2 MiB of zeros: about 2 KB packed
    assert len(bomb) < 10_000
    upload(client, token, case, "officer_statement", bomb, "statement.docx")
    assert "unpacks to more than 1 MB" in client.get(f"/cases/{case.id}/court").get_data(as_text=True)
    assert db.session.scalar(select(Document)) is None
    assert list(Path(app.config["UPLOAD_FOLDER"]).iterdir()) == []


# -- access logs -----------------------------------------------------------------------------

def access_log_lines(app, handler, caplog) -> list[str]:  # noqa: ARG001 - caplog kept for the callers
    """Serve `app` on a real Werkzeug server with `handler`, send it a GET receipt, and return
    the access-log lines about it. The lines are collected by a handler on werkzeug's own
    logger: an app configured earlier in the same process (logging.config, which disables the
    loggers that already exist) must not hide them from the test."""
    logger = logging.getLogger("werkzeug")
    collected: list[logging.LogRecord] = []
    collect = logging.Handler(logging.INFO)
    collect.emit = collected.append
    saved = (logger.level, logger.disabled)
    logger.addHandler(collect)
    logger.setLevel(logging.INFO)
    logger.disabled = False
    app.config["VONAGE_SIGNATURE_SECRET"] = "not-this-one"  # answered 401 before any database work
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def lines() -> list[str]:
        return [r.getMessage() for r in collected if "/webhooks/vonage/delivery" in r.getMessage()]

    try:
        url = f"http://127.0.0.1:{server.server_port}/webhooks/vonage/delivery?{RECEIPT_QUERY}"
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(url, timeout=10)  # noqa: S310 - our own test server
        assert refused.value.code == 401
        # The server's thread logs the request after it has sent the answer: wait for the line.
        deadline = time.monotonic() + 10
        while not lines() and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        logger.removeHandler(collect)
        logger.setLevel(saved[0])
        logger.disabled = saved[1]
    return lines()


def test_the_serve_access_log_leaves_out_a_get_receipts_query_string(app, caplog):
    lines = access_log_lines(app, AccessLogWithoutQuery, caplog)
    assert len(lines) == 1 and "GET /webhooks/vonage/delivery HTTP/1.1" in lines[0] and " 401 " in lines[0]
    assert NUMBER not in lines[0] and "?" not in lines[0] and "msisdn" not in lines[0]


def test_werkzeugs_own_access_log_would_have_logged_the_number(app, caplog):
    # The check above can fail: the stock handler logs the query string with P's number.
    lines = access_log_lines(app, WSGIRequestHandler, caplog)
    assert len(lines) == 1 and NUMBER in lines[0]


def test_flask_serve_uses_the_handler_without_query_strings(app, monkeypatch):
    called = {}
    monkeypatch.setattr("app.cli.run_simple", lambda *args, **kwargs: called.update(kwargs))
    result = app.test_cli_runner().invoke(args=["serve", "--port", "5999"])
    assert result.exit_code == 0, result.output
    assert called["request_handler"] is AccessLogWithoutQuery


def test_gunicorns_access_log_format_leaves_out_the_query_string_and_referer():
    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    namespace = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    cfg = Config()
    for name, value in namespace.items():
        if name in cfg.settings:
            cfg.set(name, value)
    environ = {
        "REQUEST_METHOD": "GET", "RAW_URI": f"/webhooks/vonage/delivery?{RECEIPT_QUERY}",
        "PATH_INFO": "/webhooks/vonage/delivery", "QUERY_STRING": RECEIPT_QUERY, "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.9", "HTTP_USER_AGENT": "Vonage", "HTTP_REFERER": f"https://x/cases?q={NUMBER}",
    }
    response = SimpleNamespace(status="204 No Content", sent=0, headers=[])
    logger = Logger(cfg)
    atoms = logger.atoms_wrapper_class(logger.atoms(response, SimpleNamespace(headers=[]), environ, timedelta(0)))
    line = cfg.access_log_format % atoms  # what Logger.access writes
    assert '"GET /webhooks/vonage/delivery HTTP/1.1" 204' in line
    assert NUMBER not in line and "msisdn" not in line
    # gunicorn's default format, for contrast, logs the number.
    assert NUMBER in Config().access_log_format % atoms
