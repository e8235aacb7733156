"""An admin administers accounts (issue 15, section 3): details, role and access,
deactivating and reactivating, resetting a password; at least one active admin always
remains; every change is audited with the values before and after."""
from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from app import timeutil
from app.extensions import db
from app.models import AuditEntry, Role, User
from app.services import ValidationFailed, accounts, users
from tests.integration.conftest import (
    DEFAULT_NOW,
    PASSWORD,
    ClientRequest,
    error_summary,
    flash_messages,
    heading,
    login,
    normalize_spaces,
    table_rows,
)
from tests.integration.factories import support_service
from tests.integration.test_sessions_end import ENDED, assert_sent_to_login, copy_session

ONLY_ADMIN = "This is the only active admin account: make another account an admin first"


def audit_entries(action: str) -> list[AuditEntry]:
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)).all()


def logged_in(app, user, password: str = PASSWORD):
    """A second browser with `user` logged in."""
    other = app.test_client()
    assert login(other, user, password).status_code == 302
    return other


# ------------------------------------------------------------------ the pages


def test_the_users_list_links_each_account_to_its_page(client_request, make_user):
    officer = make_user(Role.OFFICER, full_name="Pat Constable", rank="PC", collar_number="1234")
    users.deactivate(None, make_user(Role.SUPERVISOR, email="gone@test.police.uk"))
    client_request.login_as(Role.ADMIN)
    page = client_request.get("admin.users")
    rows = {row["Email"]: row for row in table_rows(page.select_one("table"))}
    assert rows["gone@test.police.uk"]["Status"] == "Deactivated"
    assert rows[officer.email]["Status"] == "Active"
    link = page.find("a", string="PC Pat Constable (1234)")
    assert link["href"] == f"/admin/users/{officer.id}"
    # Each cell carries its column heading, which labels it when the rows stack on a phone.
    first_row = page.select_one("table tbody tr")
    assert [td.get("data-label") for td in first_row.find_all("td")][1:] == [
        "Email", "Role", "Area", "Support service", "Last log-in", "Status"]

    account = client_request.get("admin.user", user_id=officer.id)
    assert heading(account) == "PC Pat Constable (1234)"
    assert [a.get_text(" ", strip=True) for a in account.select("main .govuk-button")] == [
        "Reset password", "Deactivate account"]


def test_an_unknown_or_huge_user_id_is_a_404_not_a_500(client_request):
    client_request.login_as(Role.ADMIN)
    client_request.get("/admin/users/999999", _expected_status=404)
    client_request.get("/admin/users/99999999999/details", _expected_status=404)


def test_admin_corrects_details_and_the_audit_has_before_and_after(client_request, make_user):
    officer = make_user(Role.OFFICER, full_name="Pat Constabel", rank="PC")
    admin = client_request.login_as(Role.ADMIN)
    page = client_request.get("admin.user_details", user_id=officer.id)
    assert page.select_one("input#full_name")["value"] == "Pat Constabel"

    client_request.post("admin.user_details", user_id=officer.id, _expected_redirect=f"/admin/users/{officer.id}",
                        _data={"full_name": "Pat Constable", "rank": "DC", "collar_number": "77",
                               "email": "  Pat.Constable@Test.Police.UK "})
    db.session.refresh(officer)
    assert (officer.full_name, officer.rank, officer.collar_number, officer.email) == (
        "Pat Constable", "DC", "77", "pat.constable@test.police.uk")
    [entry] = audit_entries("user.updated")
    assert entry.user_id == admin.id
    assert entry.detail == {"target_user_id": officer.id, "changes": {
        "full_name": {"before": "Pat Constabel", "after": "Pat Constable"},
        "rank": {"before": "PC", "after": "DC"},
        "collar_number": {"before": None, "after": "77"},
        "email": {"before": "officer1@test.police.uk", "after": "pat.constable@test.police.uk"},
    }}
    # The officer logs in with the new address.
    assert login(client_request.client.application.test_client(), officer).status_code == 302


def test_bad_details_come_back_with_errors_and_what_was_typed(client_request, make_user):
    officer = make_user(Role.OFFICER)
    taken = make_user(Role.SUPERVISOR)
    client_request.login_as(Role.ADMIN)
    page = client_request.post("admin.user_details", user_id=officer.id, _expected_status=200,
                               _data={"full_name": "  ", "email": "not an address"})
    assert error_summary(page) == [
        "Enter the person's full name",
        "Enter an email address in the correct format, like name@force.police.uk",
    ]
    assert page.select_one("input#email")["value"] == "not an address"
    page = client_request.post("admin.user_details", user_id=officer.id, _expected_status=200,
                               _data={"full_name": "Someone", "email": taken.email.upper()})
    assert error_summary(page) == ["Another account has this email address"]
    db.session.refresh(officer)
    assert officer.full_name.startswith("Test Officer")
    assert audit_entries("user.updated") == []


def test_saving_unchanged_details_changes_and_audits_nothing(client_request, make_user):
    officer = make_user(Role.OFFICER)
    client_request.login_as(Role.ADMIN)
    page = client_request.post("admin.user_details", user_id=officer.id, _follow_redirects=True,
                               _data={"full_name": officer.full_name, "email": officer.email})
    assert flash_messages(page) == ["Nothing was changed."]
    assert audit_entries("user.updated") == []


# ------------------------------------------------------------------ role and access


def test_admin_makes_an_officer_a_caseworker_of_a_service(client_request, make_user):
    officer = make_user(Role.OFFICER, area="North")
    service = support_service("Eastshire Refuge")
    admin = client_request.login_as(Role.ADMIN)
    page = client_request.post("admin.user_access", user_id=officer.id, _expected_status=200,
                               _data={"role": "caseworker", "area": "North", "service_id": ""})
    assert error_summary(page) == ["Choose the support service the caseworker works for"]
    client_request.post("admin.user_access", user_id=officer.id,
                        _data={"role": "caseworker", "area": "", "service_id": str(service.id)})
    db.session.refresh(officer)
    assert (officer.role, officer.area, officer.service_id) == (Role.CASEWORKER, None, service.id)
    [entry] = audit_entries("user.access_changed")
    assert entry.user_id == admin.id
    assert entry.detail["changes"] == {"role": {"before": "officer", "after": "caseworker"},
                                       "area": {"before": "North", "after": None},
                                       "service_id": {"before": None, "after": service.id}}

    # Back to an officer: the service goes with the role.
    client_request.post("admin.user_access", user_id=officer.id,
                        _data={"role": "officer", "area": "South", "service_id": str(service.id)})
    db.session.refresh(officer)
    assert (officer.role, officer.area, officer.service_id) == (Role.OFFICER, "South", None)


def test_access_refuses_an_inactive_service_an_unknown_area_and_a_service_for_a_non_caseworker(
        client_request, make_user):
    officer = make_user(Role.OFFICER)
    closed = support_service("Closed Service")
    closed.active = False
    db.session.commit()
    client_request.login_as(Role.ADMIN)
    page = client_request.post("admin.user_access", user_id=officer.id, _expected_status=200,
                               _data={"role": "caseworker", "area": "Atlantis", "service_id": str(closed.id)})
    assert error_summary(page) == ["Choose one of the force's areas, or force-wide",
                                   "Choose the support service the caseworker works for"]
    with pytest.raises(ValidationFailed) as refused:
        accounts.change_access(officer, officer, accounts.AccountAccess(Role.OFFICER, service_id=closed.id),
                               areas=["North"])
    assert refused.value.errors == {"service_id": "Only caseworkers belong to a support service"}
    db.session.refresh(officer)
    assert (officer.role, officer.service_id) == (Role.OFFICER, None)


def test_a_role_change_applies_from_the_users_next_request(app, client_request, make_user):
    supervisor = make_user(Role.SUPERVISOR)
    their_browser = logged_in(app, supervisor)
    assert their_browser.get("/dashboard").status_code == 200
    client_request.login_as(Role.ADMIN)
    client_request.post("admin.user_access", user_id=supervisor.id, _data={"role": "admin", "area": ""})
    assert their_browser.get("/dashboard").status_code == 403
    assert their_browser.get("/admin/users").status_code == 200


# ------------------------------------------------------------------ deactivating


def test_deactivating_asks_first_then_ends_the_users_sessions_at_once(app, client_request, make_user):
    officer = make_user(Role.OFFICER)
    their_browser = logged_in(app, officer)
    thief, later_thief = app.test_client(), app.test_client()
    copy_session(their_browser, thief)  # cookies copied before the deactivation
    copy_session(their_browser, later_thief)  # (this one is tried only after the reactivation)
    assert thief.get("/account").status_code == 200
    admin = client_request.login_as(Role.ADMIN)

    page = client_request.get("admin.deactivate_user", user_id=officer.id)
    assert heading(page) == "Deactivate this account?"
    assert normalize_spaces(page.select_one("main form button[type=submit]").get_text()) == "Yes, deactivate the account"
    db.session.refresh(officer)
    assert officer.active  # asking changes nothing

    page = client_request.post("admin.deactivate_user", user_id=officer.id, _follow_redirects=True)
    assert flash_messages(page) == [f"{officer.full_name}'s account is deactivated and their sessions have ended."]
    db.session.refresh(officer)
    assert not officer.active
    assert_sent_to_login(thief, "/account", ENDED)
    assert their_browser.get("/account").status_code == 302
    refused = app.test_client()
    assert login(refused, officer).status_code == 200  # the right password, refused
    [entry] = audit_entries("user.deactivated")
    assert (entry.user_id, entry.detail["changes"]) == (admin.id, {"active": {"before": True, "after": False}})

    # Reactivating asks too; then the password works again, but the old cookie stays ended.
    page = client_request.get("admin.reactivate_user", user_id=officer.id)
    assert heading(page) == "Reactivate this account?"
    client_request.post("admin.reactivate_user", user_id=officer.id)
    db.session.refresh(officer)
    assert officer.active
    assert login(app.test_client(), officer).status_code == 302
    assert_sent_to_login(later_thief, "/account", ENDED)
    [entry] = audit_entries("user.reactivated")
    assert (entry.user_id, entry.detail) == (
        admin.id, {"target_user_id": officer.id, "changes": {"active": {"before": False, "after": True}}})


def test_the_only_active_admin_cannot_deactivate_or_demote_themselves(client_request, make_user):
    admin = client_request.login_as(Role.ADMIN)
    users.deactivate(None, make_user(Role.ADMIN))  # a deactivated admin does not count
    page = client_request.post("admin.deactivate_user", user_id=admin.id, _expected_status=200)
    assert error_summary(page) == [ONLY_ADMIN]
    page = client_request.post("admin.user_access", user_id=admin.id, _expected_status=200,
                               _data={"role": "officer", "area": ""})
    assert error_summary(page) == [ONLY_ADMIN]
    db.session.refresh(admin)
    assert (admin.active, admin.role) == (True, Role.ADMIN)
    assert audit_entries("user.access_changed") == [] and len(audit_entries("user.deactivated")) == 1
    client_request.get("admin.users")  # still an admin, still logged in


def test_with_another_admin_one_may_step_down_and_the_last_is_then_kept(app, client_request, make_user):
    admin = client_request.login_as(Role.ADMIN)
    other = make_user(Role.ADMIN)
    client_request.post("admin.user_access", user_id=admin.id, _expected_redirect="/",
                        _data={"role": "supervisor", "area": ""})
    client_request.get("admin.users", _expected_status=403)  # no longer an admin
    their_browser = ClientRequest(logged_in(app, other))
    page = their_browser.post("admin.deactivate_user", user_id=other.id, _expected_status=200)
    assert error_summary(page) == [ONLY_ADMIN]
    with pytest.raises(ValidationFailed):
        users.deactivate(None, other)


def test_an_admin_deactivating_their_own_account_is_logged_out(client_request, make_user):
    admin = client_request.login_as(Role.ADMIN)
    make_user(Role.ADMIN)
    client_request.post("admin.deactivate_user", user_id=admin.id, _expected_redirect="/login")
    client_request.get("auth.account", _expected_status=302)


# ------------------------------------------------------------------ resetting a password


def test_reset_shows_a_temporary_password_once_and_stores_only_its_hash(app, client_request, make_user, caplog):
    caplog.set_level(logging.DEBUG)
    officer = make_user(Role.OFFICER)
    their_browser = logged_in(app, officer)
    admin = client_request.login_as(Role.ADMIN)
    page = client_request.get("admin.reset_password", user_id=officer.id)
    assert heading(page) == "Reset the password?"
    assert "72 hours" in normalize_spaces(page.select_one("main").get_text())

    page = client_request.post("admin.reset_password", user_id=officer.id, _expected_status=200)
    temporary = page.select_one("#temporary-password").get_text(strip=True)
    assert len(temporary) >= 12
    assert client_request.response.headers["Cache-Control"].startswith("no-store")
    db.session.refresh(officer)
    assert officer.must_change_password
    assert officer.temporary_password_expires_at == DEFAULT_NOW + timedelta(hours=72)
    assert temporary not in officer.password_hash
    assert users.password_hasher().verify(officer.password_hash, temporary)
    [entry] = audit_entries("user.password_reset")
    assert entry.user_id == admin.id and temporary not in str(entry.detail)
    assert entry.detail == {"target_user_id": officer.id, "temporary": True,
                            "expires_at": (DEFAULT_NOW + timedelta(hours=72)).isoformat()}
    # Never in the logs, nor in the session cookie (flashed messages live there).
    assert temporary not in caplog.text
    with client_request.client.session_transaction() as session:
        assert temporary not in str(dict(session))
    # The user's sessions end; the old password no longer works.
    assert_sent_to_login(their_browser, "/account", ENDED)
    assert login(app.test_client(), officer).status_code == 200
    # A second reset gives another password; the first stops working.
    again = client_request.post("admin.reset_password", user_id=officer.id, _expected_status=200)
    assert again.select_one("#temporary-password").get_text(strip=True) != temporary
    assert login(app.test_client(), officer, temporary).status_code == 200


def test_an_admin_cannot_reset_their_own_password(client_request):
    admin = client_request.login_as(Role.ADMIN)
    page = client_request.post("admin.reset_password", user_id=admin.id, _expected_status=200)
    assert error_summary(page) == ["Change your own password from your account page, not by resetting it"]
    db.session.refresh(admin)
    assert not admin.must_change_password


def reset_by_admin(officer) -> str:
    admin = db.session.scalar(select(User).where(User.role == Role.ADMIN)) or users.create_user(
        email="resetting.admin@test.police.uk", full_name="Resetting Admin", role=Role.ADMIN, password=PASSWORD)
    return accounts.reset_password(admin, officer, lifetime_hours=72)


def test_logging_in_with_the_temporary_password_leads_only_to_changing_it(app, client, make_user):
    officer = make_user(Role.OFFICER)
    temporary = reset_by_admin(officer)
    assert login(client, officer, temporary).status_code == 302
    for url in ("/dashboard", "/account", "/admin/users", "/no-such-page"):
        response = client.get(url)
        assert (response.status_code, response.headers.get("Location")) == (302, "/account/password"), url
    htmx = client.get("/dashboard/rows", headers={"HX-Request": "true"})
    assert (htmx.status_code, htmx.headers["HX-Redirect"]) == (204, "/account/password")
    page = ClientRequest(client).get("auth.change_password")
    assert "An administrator reset your password" in normalize_spaces(page.get_text())
    assert page.select_one(".govuk-back-link") is None

    ClientRequest(client).post("auth.change_password", _expected_redirect="/dashboard", _data={
        "current_password": temporary, "new_password": "my own new passphrase",
        "confirm_password": "my own new passphrase"})
    db.session.refresh(officer)
    assert (officer.must_change_password, officer.temporary_password_expires_at) == (False, None)
    assert client.get("/dashboard").status_code == 200
    assert login(app.test_client(), officer, temporary).status_code == 200
    assert login(app.test_client(), officer, "my own new passphrase").status_code == 302


def test_a_temporary_password_stops_working_after_its_lifetime(app, client, make_user):
    app.config["TEMPORARY_PASSWORD_HOURS"] = 72
    officer = make_user(Role.OFFICER)
    temporary = reset_by_admin(officer)
    timeutil.set_frozen(DEFAULT_NOW + timedelta(hours=71, minutes=59))
    assert login(client, officer, temporary).status_code == 302
    assert client.get("/account/password").status_code == 200

    # A session made just before the end ends with it.
    timeutil.set_frozen(DEFAULT_NOW + timedelta(hours=72))
    assert_sent_to_login(client, "/account/password",
                         "Your temporary password has expired. Ask an administrator to reset your password again.")
    response = login(app.test_client(), officer, temporary)
    assert response.status_code == 200
    assert "This temporary password has expired" in response.get_data(as_text=True)
    assert [e.user_id for e in audit_entries("user.login_refused_temporary_expired")] == [officer.id]


def test_the_cli_set_password_clears_a_temporary_password(app, client, make_user):
    officer = make_user(Role.OFFICER)
    reset_by_admin(officer)
    result = app.test_cli_runner().invoke(args=["users", "set-password", "--email", officer.email,
                                                "--password", "chosen at the console"])
    assert result.exit_code == 0, result.output
    db.session.refresh(officer)
    assert not officer.must_change_password
    assert login(client, officer, "chosen at the console").status_code == 302
    assert client.get("/dashboard").status_code == 200


# ------------------------------------------------------------------ who may, and CSRF

ADMIN_POSTS = ["admin.user_details", "admin.user_access", "admin.deactivate_user", "admin.reactivate_user",
               "admin.reset_password"]


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.ADMIN])
def test_nobody_but_an_admin_reaches_an_account_page(client_request, make_user, role):
    officer = make_user(Role.OFFICER)
    client_request.login_as(role)
    for endpoint in ["admin.user", *ADMIN_POSTS]:
        client_request.get(endpoint, user_id=officer.id, _expected_status=403)
    for endpoint in ADMIN_POSTS:
        client_request.post(endpoint, user_id=officer.id, _expected_status=403,
                            _data={"full_name": "Hijacked", "email": "x@test.police.uk", "role": "admin"})
    db.session.refresh(officer)
    assert (officer.full_name.startswith("Test"), officer.role, officer.active, officer.must_change_password) == (
        True, Role.OFFICER, True, False)


def test_every_account_post_needs_the_csrf_token(client_request, make_user):
    officer = make_user(Role.OFFICER)
    users.deactivate(None, inactive := make_user(Role.SUPERVISOR))
    client_request.login_as(Role.ADMIN)
    for endpoint in ADMIN_POSTS:
        target = inactive if endpoint == "admin.reactivate_user" else officer
        client_request.post(endpoint, user_id=target.id, _csrf_token=False, _expected_status=400,
                            _data={"full_name": "Forged", "email": "forged@test.police.uk", "role": "admin", "area": ""})
    client_request.post("auth.change_password", _csrf_token=False, _expected_status=400,
                        _data={"current_password": PASSWORD, "new_password": "forged new password",
                               "confirm_password": "forged new password"})
    db.session.refresh(officer)
    db.session.refresh(inactive)
    assert (officer.full_name.startswith("Test"), officer.role, officer.active, officer.must_change_password,
            inactive.active) == (True, Role.OFFICER, True, False, False)
    assert db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("user.%")
                                                               & ~AuditEntry.action.in_(["user.created", "user.login",
                                                                                         "user.deactivated"]))).all() == []
