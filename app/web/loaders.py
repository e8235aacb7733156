"""The case and the referral a URL names, loaded once per request and only if this user may read them.

A URL value preprocessor takes `case_id` and `referral_id` out of the URL's values, so views
never look them up themselves; `load_case()` and `load_referral()` load them on first use
(once per request, kept on flask.g), through access.visible_cases and
access.visible_referrals, and answer 404 for one this user may not read (no hint that it
exists). Loading waits until the view asks, so the view's @roles_required check runs first:
a user without the role gets 403, never 404. They return the ORM objects themselves, not a
proxy, because services compare and attach them.
"""
from __future__ import annotations

from flask import abort, g
from flask_login import current_user

from app.extensions import db
from app.models import Case, Referral
from app.services.access import visible_cases, visible_referrals

URL_IDS = ("case_id", "referral_id")


def pull_ids(_endpoint: str | None, values: dict | None) -> None:
    """url_value_preprocessor: move the URL's case_id and referral_id onto flask.g (nothing is loaded yet)."""
    if values:
        for name in URL_IDS:
            if name in values:
                setattr(g, f"url_{name}", values.pop(name))


def case_or_404(case_id: int) -> Case:
    """The case with this id if the current user may read it; otherwise 404 (also for cases that exist)."""
    case = db.session.scalar(visible_cases(current_user).where(Case.id == case_id))
    if case is None:
        abort(404)
    return case


def load_case() -> Case:
    """The case named by the URL, loaded once per request."""
    if "case" not in g:
        case_id = g.get("url_case_id")
        if case_id is None:
            raise LookupError("this URL names no case")
        g.case = case_or_404(case_id)
    return g.case


def load_referral() -> Referral:
    """The referral named by the URL, loaded once per request.

    Under a case's URL it must be one of that case's referrals (and the case readable first);
    on its own (the caseworker's pages) it must be visible to the user, e.g. sent to their service.
    """
    if "referral" not in g:
        referral_id = g.get("url_referral_id")
        if referral_id is None:
            raise LookupError("this URL names no referral")
        query = visible_referrals(current_user).where(Referral.id == referral_id)
        if g.get("url_case_id") is not None:
            query = query.where(Referral.case_id == load_case().id)
        referral = db.session.scalar(query)
        if referral is None:
            abort(404)
        g.referral = referral
    return g.referral


def url_case() -> Case | None:
    """The case the URL names, or None if it names none."""
    return load_case() if g.get("url_case_id") is not None else None


def url_referral() -> Referral | None:
    """The referral the URL names, or None if it names none."""
    return load_referral() if g.get("url_referral_id") is not None else None
