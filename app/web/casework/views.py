"""The caseworker's workspace."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("casework", __name__)

from app.models import Role  # noqa: E402
from app.web.security import roles_required  # noqa: E402


@bp.route("/referrals/inbox")
@roles_required(Role.CASEWORKER)
def inbox():
    # PLACEHOLDER: replaced by the caseworker's workspace.
    return "Inbox", 200
