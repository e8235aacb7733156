from datetime import timedelta

import pytest
from argon2 import PasswordHasher, extract_parameters
from bs4 import BeautifulSoup

from app import create_app, timeutil
from app.extensions import db
from app.models import Role
from app.services import users
from tests.integration.conftest import DEFAULT_NOW, PASSWORD, csrf_token, error_summary, heading, login


@pytest.mark.parametrize(
    "role, landing",
    [
        (Role.OFFICER, "/dashboard"),
        (Role.SUPERINTENDENT, "/authorisations"),
        (Role.INSPECTOR, "/authorisations"),
        (Role.SUPERVISOR, "/dashboard"),
        (Role.ADMIN, "/admin/"),
        (Role.CASEWORKER, "/referrals/inbox"),
    ],
)
def test_each_role_lands_on_its_home_page(client, make_user, role, landing):
    user = make_user(role)
    response = login(client, user)
    assert response.status_code == 302
    assert response.headers["Location"] == landing
    assert client.get(landing).status_code == 200


REFUSED = "Enter a correct email address and password"


def refused_login(client_request, email: str, password: str):
    """Post the log-in form expecting the page again (a refusal), parsed."""
    return client_request.post("auth.login", _data={"email": email, "password": password}, _expected_status=200)


def test_wrong_password_is_refused_with_a_clear_message_and_keeps_the_email(client, client_request, make_user):
    user = make_user(Role.OFFICER)
    page = refused_login(client_request, user.email, "wrong password!")
    assert error_summary(page) == [REFUSED]
    assert page.select_one("form input#email")["value"] == user.email
    assert client.get("/dashboard").status_code == 302  # still not logged in


def test_unknown_email_gets_the_same_message_as_a_wrong_password(client_request):
    form = client_request.get("auth.login").select_one("form")
    page = client_request.post("auth.login", _expected_status=200, _data={
        "email": "nobody@test.police.uk", "password": "x" * 12,
        "csrf_token": form.select_one("input[name=csrf_token]")["value"],  # as the page gave it
    })
    assert error_summary(page) == [REFUSED]


def test_four_failures_then_success_resets_the_count(client, make_user):
    user = make_user(Role.OFFICER)
    for _ in range(4):
        login(client, user, "wrong password!")
    assert login(client, user).status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    for _ in range(4):
        login(client, user, "wrong password!")
    assert login(client, user).status_code == 302  # not locked: the count restarted


def test_login_without_csrf_token_is_refused(client, client_request, make_user):
    user = make_user(Role.OFFICER)
    page = client_request.post("auth.login", _data={"email": user.email, "password": PASSWORD},
                               _csrf_token=False, _expected_status=400)
    assert heading(page) == "Your form could not be sent"
    assert client.get("/dashboard").status_code == 302


def test_session_cookie_is_httponly_and_samesite_lax(client, make_user):
    response = login(client, make_user(Role.OFFICER))
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_logout_needs_post_and_ends_the_session(client, login_as):
    _, token = login_as(Role.OFFICER)
    assert client.get("/logout").status_code == 405
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 302
    assert client.get("/dashboard").status_code == 302


def test_next_parameter_only_redirects_within_the_site(client_request, make_user):
    user = make_user(Role.OFFICER)
    client_request.post("/login?next=https://evil.example/", _data={"email": user.email, "password": PASSWORD},
                        _expected_redirect="/dashboard")


def test_idle_session_expires_and_polling_does_not_keep_it_alive(client, login_as):
    login_as(Role.OFFICER)
    timeutil.set_frozen(DEFAULT_NOW + timedelta(minutes=20))
    assert client.get("/dashboard/rows", headers={"HX-Request": "true"}).status_code == 200
    timeutil.set_frozen(DEFAULT_NOW + timedelta(minutes=31))
    response = client.get("/dashboard/rows", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == "/login"
    assert client.get("/dashboard").status_code == 302


def test_activity_keeps_the_session_alive(client, login_as):
    login_as(Role.OFFICER)
    timeutil.set_frozen(DEFAULT_NOW + timedelta(minutes=20))
    assert client.get("/dashboard").status_code == 200
    timeutil.set_frozen(DEFAULT_NOW + timedelta(minutes=45))
    assert client.get("/dashboard").status_code == 200


def test_unauthenticated_page_request_redirects_to_login_with_next(client):
    response = client.get("/dashboard")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/dashboard")


def test_disabled_account_cannot_log_in_and_is_refused_as_a_wrong_password_is(client, client_request, make_user):
    user = make_user(Role.OFFICER)
    user.active = False
    db.session.commit()
    page = refused_login(client_request, user.email, PASSWORD)
    assert error_summary(page) == [REFUSED]  # saying "disabled" would tell a guesser the account exists
    assert client.get("/dashboard").status_code == 302


def test_a_password_hashed_with_other_argon2_parameters_still_logs_in_and_is_rehashed(client, make_user):
    user = make_user(Role.OFFICER)
    strong = PasswordHasher.from_parameters(users.STRONG_HASH_PARAMETERS)
    user.password_hash = strong.hash(PASSWORD)  # as made by a production app
    db.session.commit()
    assert login(client, user).status_code == 302
    db.session.refresh(user)
    made = extract_parameters(user.password_hash)
    assert (made.time_cost, made.memory_cost, made.parallelism) == (1, 8, 1)  # now the testing app's own
    assert users.password_hasher().verify(user.password_hash, PASSWORD)


def test_a_production_app_logs_in_a_cheaply_hashed_password_and_strengthens_it(app, make_user):
    user = make_user(Role.OFFICER)  # hashed by the testing app: cheap parameters
    assert extract_parameters(user.password_hash).memory_cost == 8
    production = create_app({
        "DVPO_ENV": "production", "SECRET_KEY": "tY8kQ2vN-r5xW0pLz7Hc_3mJfA9eUbKd6gSoVi1nEqR", "TRIAL_SEED": "ab" * 16,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "UPLOAD_FOLDER": app.config["UPLOAD_FOLDER"],
    })
    try:
        with production.app_context():
            browser = production.test_client()  # production cookies are Secure: use https
            login_page = BeautifulSoup(browser.get("/login", base_url="https://localhost").get_data(as_text=True),
                                       "html.parser")
            token = login_page.select_one("form input[name=csrf_token]")["value"]
            response = browser.post(
                "/login", base_url="https://localhost", headers={"Referer": "https://localhost/login"},
                data={"email": user.email, "password": PASSWORD, "csrf_token": token},
            )
            assert response.status_code == 302 and response.headers["Location"] == "/dashboard"
    finally:
        with production.app_context():
            db.session.remove()
            db.engine.dispose()
    db.session.refresh(user)
    made = extract_parameters(user.password_hash)
    assert (made.time_cost, made.memory_cost, made.parallelism) == (3, 65536, 4)
