"""Sessions end on the server (issue 14, item 5): log-out, deactivation and a password
change refuse sessions made before them, even a copied cookie; and no session outlives
SESSION_ABSOLUTE_HOURS after log-in, however active."""
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from flask import session
from sqlalchemy import select

from app import timeutil
from app.extensions import db
from app.models import AuditEntry, Role
from app.services import ValidationFailed, users
from app.web.security import session_is_current
from tests.integration.conftest import DEFAULT_NOW, flash_messages, login
from tests.integration.factories import open_case

ENDED = "Your session has ended. Log in again."


def copy_session(source, target) -> None:
    """Give `target` the session cookie `source` holds now (as a thief copying it would)."""
    cookie = source.get_cookie("session")
    assert cookie is not None
    target.set_cookie("session", cookie.value)


def assert_sent_to_login(client, url: str, message: str) -> None:
    response = client.get(url)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert response.headers["Location"].startswith("/login")
    page = BeautifulSoup(client.get(response.headers["Location"]).get_data(as_text=True), "html.parser")
    assert message in flash_messages(page)


def test_a_cookie_copied_before_log_out_no_longer_opens_a_case(app, client, login_as):
    officer, token = login_as(Role.OFFICER)
    case = open_case(officer)
    url = f"/cases/{case.id}"
    thief = app.test_client()
    copy_session(client, thief)
    assert thief.get(url).status_code == 200  # the copy works while the session lives

    assert client.post("/logout", data={"csrf_token": token}).status_code == 302

    assert_sent_to_login(thief, url, ENDED)
    assert client.get(url).status_code == 302


def test_an_old_cookie_replayed_with_htmx_gets_the_htmx_redirect(app, client, login_as):
    _, token = login_as(Role.OFFICER)
    thief = app.test_client()
    copy_session(client, thief)
    client.post("/logout", data={"csrf_token": token})
    response = thief.get("/dashboard/rows", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == "/login"


def test_logging_in_again_after_log_out_works_and_is_not_ended_by_the_old_log_out(app, client, login_as):
    officer, token = login_as(Role.OFFICER)
    client.post("/logout", data={"csrf_token": token})
    assert login(client, officer).status_code == 302
    assert client.get("/account").status_code == 200


def test_log_out_ends_the_users_sessions_on_other_devices_too(app, client, login_as):
    officer, token = login_as(Role.OFFICER)
    other_device = app.test_client()
    assert login(other_device, officer).status_code == 302
    client.post("/logout", data={"csrf_token": token})
    assert other_device.get("/account").status_code == 302


def test_deactivation_ends_a_live_session(app, client, login_as, make_user):
    officer, _ = login_as(Role.OFFICER)
    case = open_case(officer)
    assert client.get(f"/cases/{case.id}").status_code == 200
    admin = make_user(Role.ADMIN)
    generation = officer.session_generation

    users.deactivate(admin, officer)

    # Flask-Login already treats an inactive user as logged out; the generation moves on as
    # well, so a session would stay ended were the account made active again.
    assert officer.session_generation == generation + 1

    assert_sent_to_login(client, f"/cases/{case.id}", ENDED)
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "user.deactivated")).one()
    assert (entry.user_id, entry.detail) == (
        admin.id, {"target_user_id": officer.id, "changes": {"active": {"before": True, "after": False}}})


def test_a_disabled_account_is_refused_even_if_its_generation_was_not_moved_on(client, login_as):
    officer, _ = login_as(Role.OFFICER)
    officer.active = False  # as an older code path or a database edit would leave it
    db.session.commit()
    assert_sent_to_login(client, "/account", ENDED)


def test_the_loader_check_refuses_a_disabled_account_with_a_current_stamp(app, make_user):
    officer = make_user(Role.OFFICER)
    with app.test_request_context("/account"):
        session["session_generation"] = officer.session_generation
        assert session_is_current(officer)
        officer.active = False
        assert not session_is_current(officer)
        session["session_generation"] = True  # not a generation, though True == 1
        officer.active, officer.session_generation = True, 1
        assert not session_is_current(officer)


def test_a_password_change_ends_other_sessions(app, client, login_as):
    officer, _ = login_as(Role.OFFICER)
    other_device = app.test_client()
    assert login(other_device, officer).status_code == 302
    assert other_device.get("/account").status_code == 200

    users.set_password(officer, officer, "a brand new passphrase")

    assert_sent_to_login(other_device, "/account", ENDED)
    assert client.get("/account").status_code == 302
    assert login(other_device, officer).status_code == 200  # the old password is refused
    assert login(other_device, officer, "a brand new passphrase").status_code == 302
    assert other_device.get("/account").status_code == 200


def test_a_password_reset_by_an_administrator_ends_the_users_sessions(client, login_as, make_user):
    officer, _ = login_as(Role.OFFICER)
    users.set_password(make_user(Role.ADMIN), officer, "reset by the administrator")
    assert client.get("/account").status_code == 302
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("user.password%"))).all()
    assert actions == ["user.password_reset"]


def test_a_password_shorter_than_twelve_characters_is_refused_and_sessions_live_on(client, login_as):
    officer, _ = login_as(Role.OFFICER)
    with pytest.raises(ValidationFailed):
        users.set_password(officer, officer, "too short")
    assert client.get("/account").status_code == 200


def test_a_session_stamped_before_this_release_is_refused_not_a_500(client, login_as):
    login_as(Role.OFFICER)
    with client.session_transaction() as session:
        del session["session_generation"]
    assert_sent_to_login(client, "/account", ENDED)


def test_the_absolute_lifetime_refuses_after_twelve_hours_and_not_before(client, login_as):
    login_as(Role.OFFICER)
    minutes = 25  # always active: well within the 30-minute idle limit
    while minutes <= 12 * 60:
        timeutil.set_frozen(DEFAULT_NOW + timedelta(minutes=minutes))
        assert client.get("/account").status_code == 200, f"refused after {minutes} minutes"
        minutes += 25
    timeutil.set_frozen(DEFAULT_NOW + timedelta(hours=12))
    assert client.get("/account").status_code == 200  # exactly 12 hours: not yet
    timeutil.set_frozen(DEFAULT_NOW + timedelta(hours=12, minutes=1))
    assert_sent_to_login(
        client, "/account", "You were logged out because a session lasts at most 12 hours. Log in again."
    )


def test_the_absolute_lifetime_follows_the_setting(app, client, login_as):
    app.config["SESSION_ABSOLUTE_HOURS"] = 1
    login_as(Role.OFFICER)
    timeutil.set_frozen(DEFAULT_NOW + timedelta(minutes=29))
    assert client.get("/account").status_code == 200
    timeutil.set_frozen(DEFAULT_NOW + timedelta(minutes=58))
    assert client.get("/account").status_code == 200
    timeutil.set_frozen(DEFAULT_NOW + timedelta(minutes=61))
    response = client.get("/dashboard/rows", headers={"HX-Request": "true"})
    assert (response.status_code, response.headers["HX-Redirect"]) == (401, "/login")


def test_an_idle_session_tells_the_officer_why_it_ended(client, login_as):
    login_as(Role.OFFICER)
    timeutil.set_frozen(DEFAULT_NOW + timedelta(minutes=31))
    assert_sent_to_login(client, "/account", "You were logged out after 30 minutes without activity. Log in again.")


def test_the_cli_resets_a_password_and_deactivates_ending_sessions(app, client, login_as):
    officer, _ = login_as(Role.OFFICER)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "set-password", "--email", officer.email.upper(),
                                 "--password", "set from the command line"])
    assert result.exit_code == 0, result.output
    assert client.get("/account").status_code == 302
    assert login(client, officer, "set from the command line").status_code == 302

    result = runner.invoke(args=["users", "deactivate", "--email", officer.email])
    assert result.exit_code == 0, result.output
    assert client.get("/account").status_code == 302
    assert login(client, officer, "set from the command line").status_code == 200  # disabled: refused

    result = runner.invoke(args=["users", "deactivate", "--email", "nobody@test.police.uk"])
    assert result.exit_code == 1
    assert "no account" in result.output

