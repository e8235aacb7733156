"""Throttling log-in guesses with Flask-Limiter, counters in the app's database.

Two limits on POST /login, both counting failed log-ins only (and one on the change-password
page, counting wrong current passwords per user: `password_change_throttled`):

- per client address and e-mail as typed (normalised as the account lookup does):
  `LOGIN_LIMIT_PER_ACCOUNT`, "5 per 15 minutes" by default;
- per client address, whatever the e-mail: `LOGIN_LIMIT_PER_ADDRESS`, "50 per 15 minutes".

Nothing is ever locked: the right password from an address that is not throttled always
gets in, so no one can keep a user out from elsewhere. A throttled attempt gets the same
answer whether or not the account exists, before any password is checked.

Each attempt is counted *before* the password is checked (an atomic increment in the
storage), and given back when it turns out not to be a failure: a log-in clears its
(address, e-mail) count and gives back its address hit; a form with nothing to check gives
both back. Flask-Limiter's `deduct_when` would instead check first and count after the
response, so requests sent at the same moment would all pass the check before any of them
counted; counting first, the sixth of six simultaneous guesses is refused.

The keys are keyed hashes (HMAC with the app's secret key) of the address and e-mail, so
neither reaches the storage or Flask-Limiter's log line for a breach.
"""
from __future__ import annotations

import hashlib
import hmac
import math
from datetime import UTC, datetime

from flask import current_app, make_response, render_template, request
from flask_limiter import RequestLimit

from app.domain.timefmt import format_instant
from app.extensions import limiter
from app.services.users import normalise_email

ACCOUNT_SCOPE = "account"
ADDRESS_SCOPE = "address"
PASSWORD_CHANGE_SCOPE = "password-change"  # noqa: S105 - a limit's scope, not a password


def _digest(*parts: str) -> str:
    secret = current_app.secret_key
    secret = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(secret, "\0".join(("login-throttle", *parts)).encode(), hashlib.sha256).hexdigest()[:32]


def client_address() -> str:
    """The address the request came from (the proxy's choice of it where TRUSTED_PROXIES is set)."""
    return request.remote_addr or "unknown"


def address_key() -> str:
    return _digest(ADDRESS_SCOPE, client_address())


def account_key() -> str:
    return _digest(ACCOUNT_SCOPE, client_address(), normalise_email(request.form.get("email", "")))


def throttled_page(request_limit: RequestLimit):
    """The answer to a throttled attempt: the log-in page again, with 429. It depends only on
    the limit's window, never on the account, so a real and an unknown e-mail get the same."""
    from app.web.auth.forms import LoginForm

    reset = datetime.fromtimestamp(math.ceil(request_limit.window.reset_time / 60) * 60, UTC)
    message = f"Too many failed log-in attempts. Wait until {format_instant(reset)}, then try again."
    return make_response(render_template("auth/login.html", form=LoginForm(), error=message), 429)


def _limit(setting: str, key_func, scope: str):
    return limiter.limit(
        lambda: current_app.config[setting], key_func=key_func, scope=scope, methods=["POST"],
        on_breach=throttled_page,
    )


def login_throttled(view):
    """The view's POSTs count against both limits (the per-account one is checked first)."""
    return _limit("LOGIN_LIMIT_PER_ADDRESS", address_key, ADDRESS_SCOPE)(
        _limit("LOGIN_LIMIT_PER_ACCOUNT", account_key, ACCOUNT_SCOPE)(view)
    )


def password_change_key() -> str:
    from flask_login import current_user

    return _digest(PASSWORD_CHANGE_SCOPE, str(current_user.id))


def throttled_password_change(request_limit: RequestLimit):
    """The change-password page again, with 429: too many wrong current passwords."""
    from flask_login import current_user

    from app.services.users import MIN_PASSWORD_LENGTH
    from app.web.auth.forms import ChangePasswordForm

    reset = datetime.fromtimestamp(math.ceil(request_limit.window.reset_time / 60) * 60, UTC)
    form = ChangePasswordForm()
    form.current_password.errors = [f"Too many wrong current passwords. Wait until {format_instant(reset)}, "
                                    "then try again."]
    return make_response(render_template("auth/change_password.html", form=form, min_length=MIN_PASSWORD_LENGTH,
                                         forced=current_user.must_change_password), 429)


def password_change_throttled(view):
    """A logged-in session that guesses its user's current password on the change-password
    page (a stolen session, say) is held to `LOGIN_LIMIT_PER_ACCOUNT`, counted per user:
    only wrong current passwords count (the view gives back every other attempt with
    `not_a_failure`). Put inside the role check, so only a logged-in user reaches the key."""
    return limiter.limit(
        lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], key_func=password_change_key,
        scope=PASSWORD_CHANGE_SCOPE, methods=["POST"], on_breach=throttled_password_change,
    )(view)


def not_a_failure(*, logged_in: bool) -> None:
    """This request's attempt did not fail: give back what it counted. A log-in also clears
    its (address, e-mail) count, as a user who gets in after mistyping starts afresh."""
    for counted in limiter.current_limits:
        if logged_in and counted.request_args[-1].endswith(f":{ACCOUNT_SCOPE}"):
            limiter.limiter.clear(counted.limit, *counted.request_args)
        else:
            limiter.storage.refund(counted.key)
