"""Log-in throttling instead of an account lock-out (issue 14, item 6).

Failed log-ins are throttled per (client address, e-mail as typed) and per address, with
counters in the database on the controlled clock; the right password from an address that
is not throttled always gets in; a real and an unknown e-mail get the same answer for the
same work; the user is told of failures at their next log-in.
"""
from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from app import create_app, timeutil
from app.extensions import db
from app.models import AuditEntry, LoginThrottle, Role, User
from app.services import login_throttle
from tests.integration.conftest import (
    DEFAULT_NOW,
    PASSWORD,
    csrf_token,
    error_summary,
    flash_messages,
    keep_session_alive,
)

REFUSED = "Enter a correct email address and password"
ATTACKER = "203.0.113.66"
USERS_DESK = "198.51.100.7"
UNKNOWN = "nobody.here@test.police.uk"


def throttled_until(when: str) -> str:
    return f"Too many failed log-in attempts. Wait until {when}, then try again."


def client_from(app, address: str):
    """A browser whose requests come from `address`."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def attempt(client, email: str, password: str, **headers):
    return client.post("/login", data={"email": email, "password": password, "csrf_token": csrf_token(client)},
                       headers=headers)


def errors_of(response) -> list[str]:
    from bs4 import BeautifulSoup

    return error_summary(BeautifulSoup(response.get_data(as_text=True), "html.parser"))


@pytest.fixture
def verifications(monkeypatch):
    """How many Argon2 verifications the requests made (counted at the hasher, not timed)."""
    calls = []
    real = PasswordHasher.verify

    def counting(self, hash, password):  # noqa: A002 - argon2's own parameter name
        calls.append(1)
        return real(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting)
    return calls


def test_five_anonymous_failures_no_longer_keep_the_right_password_out(app, make_user):
    superintendent = make_user(Role.SUPERINTENDENT)
    attacker, desk = client_from(app, ATTACKER), client_from(app, USERS_DESK)
    for minute in range(0, 60, 15):  # the attack repeated every window, for an hour
        timeutil.set_frozen(DEFAULT_NOW + timedelta(minutes=minute))
        for _ in range(6):
            attempt(attacker, superintendent.email, "guess guess guess")
        assert attempt(attacker, superintendent.email, PASSWORD).status_code == 429  # the attacker's address waits
        response = attempt(desk, superintendent.email, PASSWORD)
        assert response.status_code == 302 and response.headers["Location"] == "/authorisations"
        desk.post("/logout", data={"csrf_token": csrf_token(desk)})


def test_per_account_throttle_starts_at_the_limit_and_ends_with_its_window(app, make_user):
    user = make_user(Role.OFFICER)
    attacker = client_from(app, ATTACKER)
    timeutil.set_frozen(DEFAULT_NOW + timedelta(seconds=30))  # the window: 10:00:30 to 10:15:30
    for n in range(5):
        response = attempt(attacker, user.email, f"wrong password {n}")
        assert response.status_code == 200 and errors_of(response) == [REFUSED]
    # The same e-mail typed differently is the same account, and the same count.
    response = attempt(attacker, f"  {user.email.upper()} ", PASSWORD)
    assert response.status_code == 429
    assert errors_of(response) == [throttled_until("Mon 16 Nov 2026, 10:16")]
    # Another e-mail from the same address is its own count (until the address's limit).
    assert errors_of(attempt(attacker, UNKNOWN, "wrong")) == [REFUSED]

    timeutil.set_frozen(DEFAULT_NOW + timedelta(minutes=15, seconds=29))
    assert attempt(attacker, user.email, PASSWORD).status_code == 429
    timeutil.set_frozen(DEFAULT_NOW + timedelta(minutes=15, seconds=30))
    assert attempt(attacker, user.email, PASSWORD).status_code == 302


def test_throttled_attempts_do_not_extend_the_window(app, make_user):
    user = make_user(Role.OFFICER)
    attacker = client_from(app, ATTACKER)
    for _ in range(5):
        attempt(attacker, user.email, "wrong")
    for minute in range(1, 15):  # hammering through the window
        timeutil.set_frozen(DEFAULT_NOW + timedelta(minutes=minute))
        assert attempt(attacker, user.email, "wrong").status_code == 429
    timeutil.set_frozen(DEFAULT_NOW + timedelta(minutes=15))
    assert attempt(attacker, user.email, PASSWORD).status_code == 302


def test_unknown_emails_are_throttled_like_real_ones(app):
    attacker = client_from(app, ATTACKER)
    for _ in range(5):
        assert errors_of(attempt(attacker, UNKNOWN, "wrong")) == [REFUSED]
    response = attempt(attacker, UNKNOWN, "wrong")
    assert response.status_code == 429
    assert errors_of(response) == [throttled_until("Mon 16 Nov 2026, 10:15")]


def test_per_address_throttle_counts_failures_across_emails(app, make_user):
    app.config["LOGIN_LIMIT_PER_ADDRESS"] = "8 per 10 minutes"
    user = make_user(Role.OFFICER)
    attacker = client_from(app, ATTACKER)
    for n in range(8):  # a different e-mail each time: no per-account count reaches its limit
        assert attempt(attacker, f"spray{n}@test.police.uk", "Winter2026!").status_code == 200
    response = attempt(attacker, user.email, PASSWORD)  # even the right password, from there
    assert response.status_code == 429 and errors_of(response) == [throttled_until("Mon 16 Nov 2026, 10:10")]
    assert attempt(client_from(app, USERS_DESK), user.email, PASSWORD).status_code == 302  # elsewhere: in

    timeutil.set_frozen(DEFAULT_NOW + timedelta(minutes=10))
    assert attempt(attacker, user.email, PASSWORD).status_code == 302


def test_only_failures_count_and_a_log_in_starts_the_count_afresh(app, make_user):
    user = make_user(Role.OFFICER)
    desk = client_from(app, USERS_DESK)
    for _ in range(20):  # forms with nothing to check are not guesses
        assert desk.post("/login", data={"email": user.email, "password": "",
                                         "csrf_token": csrf_token(desk)}).status_code == 200
    for _ in range(2):
        for _ in range(4):
            assert attempt(desk, user.email, "mistyped").status_code == 200
        assert attempt(desk, user.email, PASSWORD).status_code == 302
        desk.post("/logout", data={"csrf_token": csrf_token(desk)})
    assert attempt(desk, user.email, "mistyped").status_code == 200  # 1 of 5, not 5 of 5


def test_many_logins_from_one_address_are_not_throttled(app, make_user):
    """A station behind one address: successes never count against it."""
    app.config["LOGIN_LIMIT_PER_ADDRESS"] = "3 per 15 minutes"
    station = client_from(app, USERS_DESK)
    for _ in range(6):
        assert attempt(station, make_user(Role.OFFICER).email, PASSWORD).status_code == 302
        station.post("/logout", data={"csrf_token": csrf_token(station)})


def test_simultaneous_guesses_are_counted_before_any_password_is_checked(app, make_user, verifications):
    """Twelve guesses sent at once from one address: five are checked, seven throttled."""
    email = make_user(Role.OFFICER).email
    clients = [client_from(app, ATTACKER) for _ in range(12)]
    tokens = [csrf_token(c) for c in clients]
    start = threading.Barrier(len(clients))
    statuses: list[int] = []

    def guess(client, token):
        with app.app_context():  # the test client's own bookkeeping needs one; each request has its own
            start.wait()
            statuses.append(client.post("/login", data={"email": email, "password": "guess",
                                                        "csrf_token": token}).status_code)

    threads = [threading.Thread(target=guess, args=pair) for pair in zip(clients, tokens, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] * 5 + [429] * 7
    assert len(verifications) == 5


def _normalised(response, email: str) -> str:
    """The page with the e-mail typed and the session's CSRF token (the form's and htmx's) blanked."""
    html = response.get_data(as_text=True)
    [token] = set(re.findall(r'name="csrf_token" type="hidden" value="([^"]+)"', html))
    return html.replace(token, "CSRF-TOKEN").replace(email, "EMAIL")


def test_real_and_unknown_accounts_get_identical_answers_for_the_same_work(app, make_user, verifications):
    active, disabled = make_user(Role.SUPERINTENDENT), make_user(Role.OFFICER)
    disabled.active = False
    db.session.commit()
    addresses = (f"192.0.2.{n}" for n in range(1, 50))

    def answer(email: str, password: str, failures_before: int = 0):
        client = client_from(app, next(addresses))
        for _ in range(failures_before):
            attempt(client, email, "wrong")
        verifications.clear()
        response = attempt(client, email, password)
        return response.status_code, _normalised(response, email), len(verifications)

    unknown_refused = answer(UNKNOWN, PASSWORD)
    assert unknown_refused[0] == 200 and unknown_refused[2] == 1
    assert REFUSED in unknown_refused[1]
    for refused in (answer(active.email, "wrong password"), answer(disabled.email, PASSWORD),
                    answer(disabled.email, "wrong password")):
        assert refused == unknown_refused

    unknown_throttled = answer(UNKNOWN, PASSWORD, failures_before=5)
    assert unknown_throttled[0] == 429 and unknown_throttled[2] == 0
    for throttled in (answer(active.email, PASSWORD, failures_before=5),
                      answer(disabled.email, PASSWORD, failures_before=5)):
        assert throttled == unknown_throttled


def test_the_user_is_told_of_failed_attempts_at_their_next_log_in(app, make_user):
    user = make_user(Role.OFFICER)
    attempt(client_from(app, ATTACKER), user.email, "guess one")
    timeutil.set_frozen(DEFAULT_NOW + timedelta(minutes=20))
    attempt(client_from(app, "192.0.2.9"), user.email, "guess two")
    attempt(client_from(app, "192.0.2.9"), user.email, "guess three")

    timeutil.set_frozen(DEFAULT_NOW + timedelta(hours=1))
    desk = client_from(app, USERS_DESK)
    landing = desk.get(attempt(desk, user.email, PASSWORD).headers["Location"])
    from bs4 import BeautifulSoup

    assert flash_messages(BeautifulSoup(landing.get_data(as_text=True), "html.parser")) == [
        "3 failed log-in attempts on your account since you last logged in, the last on Mon 16 Nov 2026, 10:20. "
        "If that was not you, tell your administrator."
    ]
    failed = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "user.login_failed")).all()
    assert [(e.user_id, e.detail) for e in failed] == [
        (None, {"target_user_id": user.id, "reason": "wrong password"})] * 3  # no password, no address
    login = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "user.login")).one()
    assert login.user_id == user.id
    assert login.detail == {"failed_logins_since_last": 3, "last_failed_at": "2026-11-16T10:20:00+00:00"}

    desk.post("/logout", data={"csrf_token": csrf_token(desk)})
    keep_session_alive(desk, DEFAULT_NOW + timedelta(hours=1))
    landing = desk.get(attempt(desk, user.email, PASSWORD).headers["Location"])
    assert flash_messages(BeautifulSoup(landing.get_data(as_text=True), "html.parser")) == []  # told once


def test_failures_on_unknown_emails_leave_no_record_of_the_email_or_address(app, make_user):
    make_user(Role.OFFICER)
    audit_before = db.session.scalar(select(func.count(AuditEntry.id)))
    attacker = client_from(app, ATTACKER)
    for _ in range(3):
        attempt(attacker, UNKNOWN, "wrong")
    assert db.session.scalar(select(func.count(AuditEntry.id))) == audit_before
    assert db.session.scalar(select(func.count(User.id))) == 1
    keys = db.session.scalars(select(LoginThrottle.key)).all()
    assert len(keys) == 2 and all(re.fullmatch(r"[0-9a-f]{64}", key) for key in keys)  # (address, e-mail), address
    assert [row.hits for row in db.session.scalars(select(LoginThrottle))] == [3, 3]


def test_behind_a_proxy_each_forwarded_client_has_its_own_throttle(app, make_user):
    user = make_user(Role.OFFICER)
    proxy = client_from(app, "10.0.0.1")
    # Without TRUSTED_PROXIES the header is ignored: an attacker cannot dodge by forging it.
    for n in range(5):
        attempt(proxy, user.email, "wrong", **{"X-Forwarded-For": f"192.0.2.{n}"})
    assert attempt(proxy, user.email, PASSWORD, **{"X-Forwarded-For": "192.0.2.99"}).status_code == 429

    proxied = create_app({"DVPO_ENV": "testing", "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
                          "UPLOAD_FOLDER": app.config["UPLOAD_FOLDER"], "TRUSTED_PROXIES": "1"})
    try:
        with proxied.app_context():
            browser = client_from(proxied, "10.0.0.1")
            for _ in range(5):
                attempt(browser, user.email, "wrong", **{"X-Forwarded-For": "192.0.2.200"})
            assert attempt(browser, user.email, PASSWORD, **{"X-Forwarded-For": "192.0.2.200"}).status_code == 429
            response = attempt(browser, user.email, PASSWORD, **{"X-Forwarded-For": "192.0.2.201"})
            assert response.status_code == 302
    finally:
        with proxied.app_context():
            db.session.remove()
            db.engine.dispose()


def test_the_storage_counts_atomically_and_follows_the_controlled_clock(app):
    storage = login_throttle.DatabaseStorage()
    results: list[int] = []
    start = threading.Barrier(10)

    def hit():
        with app.app_context():
            start.wait()
            results.append(storage.incr("some key", 600))

    threads = [threading.Thread(target=hit) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == list(range(1, 11))  # every hit counted once
    assert storage.get("some key") == 10
    assert storage.get_expiry("some key") == (DEFAULT_NOW + timedelta(minutes=10)).timestamp()
    timeutil.set_frozen(DEFAULT_NOW + timedelta(minutes=10))
    assert storage.get("some key") == 0
    assert storage.incr("some key", 600) == 1  # a new window
    assert storage.get_expiry("some key") == (DEFAULT_NOW + timedelta(minutes=20)).timestamp()


def test_expired_throttles_are_purged_and_an_operator_can_clear_them_all(app):
    attacker = client_from(app, ATTACKER)
    for _ in range(6):
        attempt(attacker, UNKNOWN, "wrong")
    timeutil.set_frozen(DEFAULT_NOW + timedelta(minutes=5))
    attempt(client_from(app, USERS_DESK), UNKNOWN, "wrong")
    assert db.session.scalar(select(func.count()).select_from(LoginThrottle)) == 4

    timeutil.set_frozen(DEFAULT_NOW + timedelta(minutes=15))
    from app.jobs import purge_login_throttles

    purge_login_throttles(app)
    assert db.session.scalar(select(func.count()).select_from(LoginThrottle)) == 2  # the later window's

    for _ in range(5):
        attempt(attacker, UNKNOWN, "wrong")
    assert attempt(attacker, UNKNOWN, "wrong").status_code == 429
    result = app.test_cli_runner().invoke(args=["users", "clear-throttles"])
    assert result.exit_code == 0 and "Cleared the log-in throttles (4 in force)" in result.output
    assert attempt(attacker, UNKNOWN, "wrong").status_code == 200
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "login_throttles.cleared")).one()
    assert entry.user_id is None and entry.detail == {"live": 4}
