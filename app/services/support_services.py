"""The victim support services police refer to, kept by an admin.

A service is never deleted: referrals already sent to it keep pointing at it and its
caseworkers keep their inbox. Deactivating one only stops police choosing it for a new
referral (services.referral_queries.active_services) and admins giving it new caseworkers.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Referral, ReferralStatus, Role, SupportService, User
from app.services import ValidationFailed, audit
from app.services.transaction import commits
from app.timeutil import utcnow

MAX_NAME = 120
# With the service: sent and waiting to be taken on, taken on and in progress, or support
# continuing after the order.
OPEN_STATUSES = (ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.SUPPORTING)
NAME_TAKEN = "A support service with this name already exists"


def _clean_name(name: str | None) -> str:
    return " ".join((name or "").split())


@commits
def add_service(actor: User, name: str | None, area: str | None, *, areas: Iterable[str]) -> SupportService:
    """Add a service covering one of `areas` (the force's configured areas), or the whole
    force when `area` is empty. Names are unique whatever their case."""
    name = _clean_name(name)
    area = (area or "").strip() or None
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Enter the name of the support service"
    elif len(name) > MAX_NAME:
        errors["name"] = f"The name must be {MAX_NAME} characters or fewer"
    elif db.session.scalar(select(SupportService.id).where(func.lower(SupportService.name) == name.lower())):
        errors["name"] = NAME_TAKEN
    if area is not None and area not in set(areas):
        errors["area"] = "Choose an area from the list, or Force-wide"
    if errors:
        raise ValidationFailed(errors)
    service = SupportService(name=name, area=area, active=True, created_at=utcnow())
    db.session.add(service)
    try:
        db.session.flush()
    except IntegrityError:  # another admin added the same name a moment ago
        db.session.rollback()
        raise ValidationFailed({"name": NAME_TAKEN}) from None
    audit.record(actor, "service.added", service=service.id, name=service.name, area=service.area)
    db.session.commit()
    return service


@commits
def set_active(actor: User, service: SupportService, active: bool) -> bool:
    """Deactivate or reactivate a service. Returns False (and records nothing) when it is
    already so: a second tab or a double-click changes nothing."""
    if bool(service.active) == bool(active):
        return False
    row = service_row(service.id)
    service.active = active
    audit.record(actor, "service.reactivated" if active else "service.deactivated", service=service.id,
                 name=service.name, caseworkers=row.caseworkers, open_referrals=row.open_referrals)
    db.session.commit()
    return True


@dataclass(frozen=True)
class ServiceRow:
    service: SupportService
    caseworkers: int  # active caseworker accounts
    open_referrals: int  # sent or accepted, still with the service


def _rows(*where) -> list[ServiceRow]:
    """Services with their counts in one statement, whatever the number of services."""
    caseworkers = (
        select(func.count(User.id))
        .where(User.service_id == SupportService.id, User.role == Role.CASEWORKER, User.active.is_(True))
        .correlate(SupportService).scalar_subquery()
    )
    open_referrals = (
        select(func.count(Referral.id))
        .where(Referral.service_id == SupportService.id, Referral.status.in_(OPEN_STATUSES))
        .correlate(SupportService).scalar_subquery()
    )
    rows = db.session.execute(
        select(SupportService, caseworkers, open_referrals).where(*where)
        .order_by(SupportService.active.desc(), SupportService.name)
    ).all()
    return [ServiceRow(service, n_caseworkers or 0, n_open or 0) for service, n_caseworkers, n_open in rows]


def services_with_counts() -> list[ServiceRow]:
    """Every service, active ones first, each with its caseworkers and open referrals."""
    return _rows()


def service_row(service_id: int) -> ServiceRow:
    [row] = _rows(SupportService.id == service_id)
    return row


def service_names() -> dict[int, str]:
    """Every service's name by id (for showing a caseworker's service)."""
    return dict(db.session.execute(select(SupportService.id, SupportService.name)).tuples().all())
