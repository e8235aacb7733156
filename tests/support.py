"""Shared by the integration, browser and benchmark suites: a real app on a migrated database."""
from __future__ import annotations

import functools
import os
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade

from app import create_app
from app.domain.calendar import LONDON

# The browser suite's and the benchmarks' clock starts here unless told otherwise: a Tuesday
# morning in November, a working day away from any bank holiday.
ORDINARY_MOMENT = datetime(2026, 11, 17, 10, 0, tzinfo=LONDON)


def migrated_app(database_url: str, *, migration_url: str | None = None, demo_data: bool = False,
                 **settings) -> Flask:
    """An app in testing mode whose database has been built by the real migrations.

    On PostgreSQL the app connects with `database_url` (the role that owns nothing) and the
    migrations with `migration_url` (the tables' owner), which then grants the app's role
    its privileges (app/database_roles.py); without it both are `database_url`.
    A new SQLite file is a copy of one this process migrated earlier (the migrations run
    once per process, not once per browser test); any other database is migrated in place.
    """
    import tempfile

    settings.setdefault("UPLOAD_FOLDER", tempfile.mkdtemp(prefix="dvpo-uploads-"))
    config = {"DVPO_ENV": "testing", "DATABASE_URL": database_url, "MIGRATION_DATABASE_URL": migration_url or database_url,
              "SCHEDULER_IN_PROCESS": "false", **settings}
    sqlite_file = _new_sqlite_file(database_url)
    if sqlite_file is not None and demo_data:
        # Seeding the demo takes seconds (Argon2 hashes, dozens of services): each process
        # seeds once per set of settings and copies the result, uploads and all. The new
        # app's clock then starts where the seeding's clock ended, as if it had just seeded.
        template, uploads, seeded_until = _demo_sqlite_template(tuple(sorted(
            (key, repr(value)) for key, value in settings.items() if key != "UPLOAD_FOLDER")), settings)
        shutil.copy(template, sqlite_file)
        shutil.copytree(uploads, settings["UPLOAD_FOLDER"], dirs_exist_ok=True)
        if settings.get("CLOCK_STARTS_AT") is not None:
            config["CLOCK_STARTS_AT"] = seeded_until
        return create_app(config)
    if sqlite_file is not None:
        shutil.copy(_migrated_sqlite_template(), sqlite_file)
    app = create_app(config)
    with app.app_context():
        if sqlite_file is None:
            upgrade()
        if demo_data:
            from app.demo import seed

            seed()
    return app


_demo_templates: dict[tuple, tuple[Path, Path, object]] = {}


def _demo_sqlite_template(key: tuple, settings: dict) -> tuple[Path, Path, object]:
    """A SQLite file (and its uploads folder) seeded with the demo data under `settings`,
    once per process: (database file, uploads folder, the clock's reading when seeding ended)."""
    if key not in _demo_templates:
        import tempfile

        from app import timeutil

        folder = Path(tempfile.mkdtemp(prefix="dvpo-demo-"))
        uploads = folder / "uploads"
        app = migrated_app(f"sqlite:///{folder / 'demo.sqlite3'}", demo_data=False,
                           **{**settings, "UPLOAD_FOLDER": str(uploads)})
        with app.app_context():
            from app.demo import seed
            from app.extensions import db

            seed()
            seeded_until = timeutil.utcnow()
            db.engine.dispose()  # closed: the file is complete, with no write-ahead log beside it
        uploads.mkdir(exist_ok=True)
        _demo_templates[key] = (folder / "demo.sqlite3", uploads, seeded_until)
    return _demo_templates[key]


def _new_sqlite_file(database_url: str) -> Path | None:
    """The path of a SQLite URL's file when it is absolute and does not exist yet, else None
    (Flask-SQLAlchemy reads relative paths from the instance folder)."""
    prefix = "sqlite:///"
    if not database_url.startswith(prefix) or "?" in database_url:
        return None
    path = Path(database_url[len(prefix):])
    if not path.is_absolute() or path.name == ":memory:" or path.exists():
        return None
    return path


@functools.cache
def _migrated_sqlite_template() -> Path:
    """A SQLite file built by the real migrations, once per process."""
    import tempfile

    path = Path(tempfile.mkdtemp(prefix="dvpo-migrated-")) / "template.sqlite3"
    url = f"sqlite:///{path}"
    app = create_app({"DVPO_ENV": "testing", "DATABASE_URL": url, "MIGRATION_DATABASE_URL": url, "SCHEDULER_IN_PROCESS": "false",
                      "UPLOAD_FOLDER": str(path.parent / "uploads")})
    with app.app_context():
        upgrade()
        from app.extensions import db

        db.engine.dispose()  # closed: the file is complete, with no write-ahead log beside it
    return path


def pdf_pages(pdf: bytes, tmp_path: Path) -> list[str]:
    """The text of each page of a PDF (poppler's pdftotext). Missing pdftotext skips, or fails under CI."""
    if not shutil.which("pdftotext"):
        message = "pdftotext (poppler-utils) is not installed: PDF text checks are SKIPPED"
        if os.environ.get("CI") == "true":
            pytest.fail(message + ", which CI does not allow")
        pytest.skip(message)
    path = tmp_path / "printout.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return text.split("\f")[:-1]  # pdftotext ends every page, the last too, with a form feed


def count_queries(client, url: str) -> int:
    """How many SQL statements one GET of `url` runs (the page must answer 200)."""
    from sqlalchemy import event

    from app.extensions import db

    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)
