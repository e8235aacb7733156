"""Shared by the integration, browser and benchmark suites: a real app on a migrated database."""
from __future__ import annotations

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


def migrated_app(database_url: str, *, demo_data: bool = False, **settings) -> Flask:
    """An app in testing mode whose database has been built by the real migrations."""
    import tempfile

    settings.setdefault("UPLOAD_FOLDER", tempfile.mkdtemp(prefix="dvpo-uploads-"))
    app = create_app({"DVPO_ENV": "testing", "DATABASE_URL": database_url, "SCHEDULER_IN_PROCESS": "false", **settings})
    with app.app_context():
        upgrade()
        if demo_data:
            from app.demo import seed

            seed()
    return app


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
