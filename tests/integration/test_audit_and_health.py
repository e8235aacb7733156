import pytest
from sqlalchemy import select

from app.extensions import db
from app.jobs import build_scheduler, heartbeat
from app.models import AuditEntry, Role
from app.models.audit import AppendOnlyError
from app.services import audit
from tests.integration.conftest import DEFAULT_NOW, assert_append_only
from tests.integration.factories import open_case


def test_audit_helper_records_who_what_when_and_case(make_user):
    officer = make_user(Role.OFFICER)
    case = open_case(officer)
    audit.record(officer, "case.note_added", case, words=3)
    db.session.commit()
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "case.note_added")).one()
    assert (entry.user_id, entry.case_id, entry.at, entry.detail) == (officer.id, case.id, DEFAULT_NOW, {"words": 3})


def test_audit_entries_cannot_be_changed_through_the_orm(make_user):
    officer = make_user(Role.OFFICER)
    entry = db.session.scalars(select(AuditEntry)).first()
    entry.action = "tampered"
    with pytest.raises(AppendOnlyError):
        db.session.commit()
    db.session.rollback()
    with pytest.raises(AppendOnlyError):
        db.session.delete(db.session.scalars(select(AuditEntry)).first())
        db.session.commit()
    db.session.rollback()
    assert officer.id


@pytest.mark.parametrize("statement", ["UPDATE audit_entry SET action = 'tampered'", "DELETE FROM audit_entry"])
def test_audit_entries_cannot_be_changed_in_the_database(make_user, statement):
    make_user(Role.OFFICER)
    assert_append_only(statement)
    assert db.session.scalar(select(AuditEntry.action)) == "user.created"


def test_healthz_reports_database_and_scheduler(app, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["scheduler"] == {}
    heartbeat(app)
    body = client.get("/healthz").get_json()
    assert body["scheduler"] == {"scheduler": DEFAULT_NOW.isoformat()}
    heartbeat(app)  # idempotent: one row per scheduler, overwritten
    assert list(client.get("/healthz").get_json()["scheduler"]) == ["scheduler"]


def test_scheduler_has_the_heartbeat_job(app):
    scheduler = build_scheduler(app)
    assert [job.id for job in scheduler.get_jobs()] == ["heartbeat", "expire_orders", "dispatch_texts", "dispatch_emails",
                                                       "reconcile_texts", "extend_text_plans", "sweep_referrals",
                                                       "purge_login_throttles", "purge_positions", "send_pushes"]


def test_security_headers_on_every_page(client):
    headers = client.get("/login").headers
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cache-Control"] == "no-store"
