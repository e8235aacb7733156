"""The admin's Emails page: every email to staff, newest first, as the texts' Outbox page.

With EMAIL_BACKEND=outbox (the embedded default) this is where emails go instead of an SMTP
server; with smtp it shows what was sent, what is waiting to be retried and what failed."""
from __future__ import annotations

from flask import current_app, render_template, request
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import OutgoingEmail, Role
from app.web.admin.views import bp
from app.web.security import roles_required

PAGE_SIZE = 50


@bp.route("/emails")
@roles_required(Role.ADMIN)
def emails():
    requested = request.args.get("page", 1, type=int) or 1
    total = db.session.scalar(select(func.count(OutgoingEmail.id))) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = requested if 1 <= requested <= pages else 1
    rows = db.session.scalars(
        select(OutgoingEmail).options(selectinload(OutgoingEmail.recipient))
        .order_by(func.coalesce(OutgoingEmail.sent_at, OutgoingEmail.created_at).desc(), OutgoingEmail.id.desc())
        .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).all()
    return render_template("admin/emails.html", rows=rows, page=page, pages=pages, total=total,
                           backend=current_app.config["EMAIL_BACKEND"])
