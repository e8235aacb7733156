"""Migration 13f0window48: a case served under the unlawful 72-hour window is held to the
statutory 48 hours (CSA 2010 s.27(3); DAA 2021 s.29(2)), and `flask clocks refresh` re-sorts it."""
from __future__ import annotations

from datetime import timedelta

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import text

from app.domain.deadlines import hearing_deadline
from app.extensions import db
from app.models import Case, Role
from app.services.calendar import load_calendar
from tests.integration.factories import served_case


def test_the_migration_holds_72_hour_cases_to_48_and_refresh_resorts_them(app, make_user):
    officer = make_user(Role.OFFICER)
    case = served_case(officer)
    case_id, served = case.id, case.served_at
    # As the app stored such a case before issue 12: 72 hours, the urgency from that deadline.
    late = hearing_deadline(served, 72, load_calendar())
    db.session.execute(text("UPDATE case_file SET hearing_window_hours = 72, urgency_at = :at WHERE id = :id"),
                       {"at": late, "id": case_id})
    db.session.commit()
    config = app.extensions["migrate"].migrate.get_config()
    # Step back to just before the correction (and what came after it), then up to the head.
    before = ScriptDirectory.from_config(config).get_revision("13f0window48").down_revision
    command.downgrade(config, before)
    command.upgrade(config, "head")
    db.session.expire_all()
    case = db.session.get(Case, case_id)
    assert (case.hearing_window_hours, case.hearing_window_corrected_from) == (48, 72)
    result = app.test_cli_runner().invoke(args=["clocks", "refresh"])
    assert "recomputed: " in result.output, result.output
    db.session.expire_all()
    case = db.session.get(Case, case_id)
    assert case.urgency_at == hearing_deadline(served, 48, load_calendar()) == late - timedelta(hours=24)
