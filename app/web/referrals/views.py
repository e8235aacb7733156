"""Victim referrals, police side."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("referrals", __name__)

from app.models import Role  # noqa: E402
from app.web.security import roles_required  # noqa: E402


@bp.route("/referrals/breaches")
@roles_required(Role.OFFICER, Role.SUPERVISOR)
def code_breaches():
    # PLACEHOLDER: replaced by the police-side referral pages.
    return "Referral breaches", 200
