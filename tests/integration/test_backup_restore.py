"""scripts/backup-restore-check: pg_dump, restored into a scratch database, every table's rows
counted on both sides (docs/production.md, "Backups"). PostgreSQL only."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from app.models import Role
from tests.integration.factories import granted_case

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "backup-restore-check"


def test_a_backup_restores_with_every_row(app, make_user, tmp_path):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("pg_dump backs up PostgreSQL")
    granted_case(make_user(Role.OFFICER))  # rows in dozens of tables, append-only ones too
    admin = os.environ.get("TEST_SUPERUSER_DATABASE_URL") or app.config["MIGRATION_DATABASE_URI"]
    dump = tmp_path / "dvpo.dump"
    result = subprocess.run(
        [str(SCRIPT), str(dump)], capture_output=True, text=True, timeout=300,
        env={"PATH": os.environ["PATH"], "BACKUP_SOURCE_URL": app.config["MIGRATION_DATABASE_URI"],
             "BACKUP_ADMIN_URL": admin},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Restore checked:" in result.stdout
    assert dump.stat().st_size > 0  # kept where asked
    tables, rows = (int(word) for word in result.stdout.split("Restore checked: ")[1].replace(",", "").split()[0:3:2])
    assert tables > 50 and rows > 20
