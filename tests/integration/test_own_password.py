"""Everyone changes their own password (issue 15, section 3): the current password, the new
one twice under the password policy; their other sessions end, this one continues."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry, Role
from tests.integration.conftest import PASSWORD, ClientRequest, csrf_token, error_summary, flash_messages, login
from tests.integration.test_sessions_end import ENDED, assert_sent_to_login, copy_session

NEW = "a fresh and long passphrase"


def change(client_request, current=PASSWORD, new=NEW, confirm=NEW, **kwargs):
    return client_request.post("auth.change_password", _data={
        "current_password": current, "new_password": new, "confirm_password": confirm}, **kwargs)


@pytest.mark.parametrize("role", list(Role))
def test_every_role_finds_the_page_from_the_header_and_the_account_page(client_request, role):
    client_request.login_as(role)
    account = client_request.get("auth.account")
    assert account.select_one("header a[href='/account/password']").get_text() == "Change password"
    assert account.select_one("main a[href='/account/password']").get_text() == "Change your password"
    page = client_request.get("auth.change_password")
    assert [i["autocomplete"] for i in page.select("form input[type=password]")] == [
        "current-password", "new-password", "new-password"]


def test_the_change_ends_other_sessions_and_this_one_continues(app, client, client_request):
    officer = client_request.login_as(Role.OFFICER)
    other_device = app.test_client()
    assert login(other_device, officer).status_code == 302
    thief = app.test_client()
    copy_session(client, thief)  # a copy of this very session, taken before the change

    page = change(client_request, _follow_redirects=True)
    assert flash_messages(page) == ["Your password has been changed. You have been logged out on any other device."]
    assert client.get("/account").status_code == 200  # this session goes on
    assert_sent_to_login(other_device, "/account", ENDED)
    assert_sent_to_login(thief, "/account", ENDED)
    assert login(app.test_client(), officer).status_code == 200  # the old password is refused
    assert login(app.test_client(), officer, NEW).status_code == 302
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.user_id == officer.id)).all()
    assert "user.password_changed" in actions
    assert NEW not in str(db.session.scalars(select(AuditEntry.detail)).all())


def test_the_page_refuses_a_wrong_current_password_and_audits_it(client, client_request):
    officer = client_request.login_as(Role.OFFICER)
    page = change(client_request, current="not my password", _expected_status=200)
    assert error_summary(page) == ["Your current password is not correct"]
    assert not page.select_one("input#current_password").get("value")  # never sent back
    refused = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "user.password_change_refused")).all()
    assert [e.user_id for e in refused] == [officer.id]
    assert client.get("/account").status_code == 200
    assert login(client.application.test_client(), officer).status_code == 302  # unchanged


@pytest.mark.parametrize(("new", "confirm", "errors"), [
    ("short one", "short one", ["Your new password must be at least 12 characters"]),
    (PASSWORD, PASSWORD, ["Your new password must be different from your current one"]),
    (NEW, NEW + "!", ["The new passwords do not match"]),
    ("", "", ["Enter a new password", "Enter the new password again"]),
])
def test_the_policy_and_the_two_typings_are_checked(client, client_request, new, confirm, errors):
    officer = client_request.login_as(Role.OFFICER)
    page = change(client_request, new=new, confirm=confirm, _expected_status=200)
    assert error_summary(page) == errors
    assert login(client.application.test_client(), officer).status_code == 302  # unchanged


def test_a_password_of_exactly_twelve_characters_is_accepted(client, client_request):
    officer = client_request.login_as(Role.OFFICER)
    change(client_request, new="twelve chars", confirm="twelve chars")
    assert login(client.application.test_client(), officer, "twelve chars").status_code == 302


def test_the_new_session_still_needs_a_csrf_token_and_it_works_for_the_next_post(client, client_request):
    client_request.login_as(Role.OFFICER)
    change(client_request)
    # The session was started afresh: the token the client holds now is the new one.
    ClientRequest(client).post("auth.change_password", _expected_status=200,
                               _data={"current_password": NEW, "new_password": "x", "confirm_password": "x"})


def test_wrong_current_passwords_are_throttled_per_user_and_nothing_else_counts(app, client, client_request,
                                                                               make_user):
    """A session that guesses its user's current password (a stolen one, say) gets five tries in
    15 minutes, as a log-in does; then even the right password waits. Other refusals (a short
    new password, a mismatch) checked the right current password and cost nothing."""
    officer = client_request.login_as(Role.OFFICER)
    for _ in range(6):  # right current password, new ones refused: never counted
        change(client_request, new="short one", confirm="short one", _expected_status=200)
    for _ in range(5):
        change(client_request, current="not my password", _expected_status=200)
    page = change(client_request, _expected_status=429)
    assert error_summary(page)[0].startswith("Too many wrong current passwords. Wait until ")
    assert login(app.test_client(), officer, NEW).status_code == 200  # nothing changed
    other = app.test_client()  # another user, same address: not held up
    assert login(other, make_user(Role.OFFICER)).status_code == 302
    answer = other.post("/account/password", data={"current_password": PASSWORD, "new_password": NEW,
                                                   "confirm_password": NEW, "csrf_token": csrf_token(other)})
    assert answer.status_code == 302
