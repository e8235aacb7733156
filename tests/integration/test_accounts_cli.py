"""`flask users`: creating a caseworker with their support service, reactivating, and the
last active admin kept (issue 15, section 3)."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Role, User
from app.services import users
from tests.integration.conftest import login
from tests.integration.factories import support_service

PASSWORD = "a long enough password"


def create(app, *extra):
    return app.test_cli_runner().invoke(args=["users", "create", "--email", "cw@test.police.uk", "--name", "Cas Worker",
                                              "--password", PASSWORD, *extra])


def test_a_caseworker_is_created_with_their_service_by_name_or_id(app, client):
    service = support_service("Northshire Domestic Abuse Service")
    result = create(app, "--role", "caseworker", "--service", "northshire domestic abuse SERVICE")
    assert result.exit_code == 0, result.output
    assert "Created caseworker account cw@test.police.uk at Northshire Domestic Abuse Service" in result.output
    user = db.session.scalars(select(User).where(User.email == "cw@test.police.uk")).one()
    assert (user.role, user.service_id) == (Role.CASEWORKER, service.id)
    assert login(client, user, PASSWORD).status_code == 302
    assert client.get("/referrals/inbox").status_code == 200

    result = app.test_cli_runner().invoke(args=["users", "create", "--email", "cw2@test.police.uk", "--name", "Two",
                                                "--role", "caseworker", "--service", str(service.id),
                                                "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User.service_id).where(User.email == "cw2@test.police.uk")) == service.id


def test_a_caseworker_needs_an_active_service_and_only_caseworkers_get_one(app):
    support_service("Open Service")
    closed = support_service("Closed Service")
    closed.active = False
    db.session.commit()
    result = create(app, "--role", "caseworker")
    assert result.exit_code == 1
    assert "Choose the support service the caseworker works for" in result.output
    result = create(app, "--role", "caseworker", "--service", "Closed Service")
    assert result.exit_code == 1
    assert "Choose the support service the caseworker works for" in result.output
    result = create(app, "--role", "caseworker", "--service", "No Such Service")
    assert result.exit_code == 1
    assert "no support service called 'No Such Service'. Active services: Open Service" in result.output
    result = create(app, "--role", "officer", "--service", "Open Service")
    assert result.exit_code == 1
    assert "Only caseworkers belong to a support service" in result.output
    assert db.session.scalar(select(User)) is None


def test_reactivate_lets_a_deactivated_account_log_in_again(app, client, make_user):
    officer = make_user(Role.OFFICER)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["users", "deactivate", "--email", officer.email]).exit_code == 0
    assert login(client, officer, "correct horse battery").status_code == 200
    result = runner.invoke(args=["users", "reactivate", "--email", officer.email.upper()])
    assert result.exit_code == 0, result.output
    assert f"Reactivated {officer.email}" in result.output
    assert login(client, officer, "correct horse battery").status_code == 302
    result = runner.invoke(args=["users", "reactivate", "--email", officer.email])
    assert "already active" in result.output
    assert runner.invoke(args=["users", "reactivate", "--email", "nobody@test.police.uk"]).exit_code == 1


def test_the_cli_will_not_deactivate_the_last_active_admin(app, make_user):
    admin = make_user(Role.ADMIN)
    result = app.test_cli_runner().invoke(args=["users", "deactivate", "--email", admin.email])
    assert result.exit_code == 1
    assert "only active admin" in result.output
    db.session.refresh(admin)
    assert admin.active
    second = make_user(Role.ADMIN)
    users.deactivate(None, second)
    assert app.test_cli_runner().invoke(args=["users", "deactivate", "--email", admin.email]).exit_code == 1
