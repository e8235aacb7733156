"""Geofences around the victim's address, driven by the order (issue 16; seed 002).

- `sync_with_order` (from order_change.after_order_change, and after the address or V's
  wishes change): the order in force has one open geofence for the address to be
  protected, live from GEOFENCE_START_HOURS after the order was made (fixed when it is made)
  until the order's end; an address corrected ends it and makes another (its coordinates to
  find again); an order that ends (expiry, discharge) ends it; V not wanting extra visits
  keeps it from going live.
- its coordinates: the force's geocoder, by the scheduler (`geocode_due`), or an officer
  (`set_location`: latitude and longitude, or an OS grid reference);
- `live_containing(latitude, longitude, at)`: the live geofences around a point, found
  through the cell index (one SELECT whatever the number of geofences), then by the exact
  distance (domain/geo).

The rules are in domain/geofence_rules and domain/geo.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.orm import joinedload, selectinload

from app.domain import geo
from app.domain.geofence_rules import EndReason, GeofenceState, geocode_retry_after, live_from
from app.extensions import db
from app.models import (
    AlertClosedReason,
    Case,
    Geofence,
    GeofenceAlert,
    GeofenceCell,
    Hearing,
    OrderStatus,
    ProtectionOrder,
    Role,
    User,
)
from app.services import ValidationFailed, audit
from app.services.access import case_is
from app.services.order_records import OrderSettings
from app.services.transaction import commits, in_callers_transaction
from app.timeutil import utcnow

log = logging.getLogger(__name__)

# Who may locate a geofence and record V's wishes: as for correcting a case (officers, on
# the cases they may read, and supervisors).
EDITOR_ROLES = (Role.OFFICER, Role.SUPERVISOR)
GEOCODE_MAX_ATTEMPTS = 10
WISHES = {"yes": True, "no": False, "not_asked": None}


def address_of(case: Case) -> str:
    return ", ".join(case.address_lines)


def open_geofence(case: Case) -> Geofence | None:
    """The case's geofence that has not ended (at most one)."""
    return db.session.scalar(select(Geofence).where(Geofence.case_id == case.id, Geofence.ended_at.is_(None))
                             .order_by(Geofence.id.desc()).limit(1))


def for_case(case: Case) -> list[Geofence]:
    """Every geofence the case has had, newest first."""
    return list(db.session.scalars(select(Geofence).where(Geofence.case_id == case.id)
                                   .options(selectinload(Geofence.located_by)).order_by(Geofence.id.desc())))


# -- Following the order -------------------------------------------------------------------


def _order_made_at(order: ProtectionOrder) -> datetime:
    """The start of the hearing at which the order was made (as for serving it on P:
    order_records.start_order_service); an order made elsewhere, the start of its day."""
    return db.session.get(Hearing, order.hearing_id).starts_at


def _end_reason(case: Case) -> EndReason:
    status = case.order.status if case.order is not None else None
    return {OrderStatus.EXPIRED: EndReason.ORDER_EXPIRED,
            OrderStatus.DISCHARGED: EndReason.ORDER_DISCHARGED}.get(status, EndReason.ORDER_ENDED)


def _end(fence: Geofence, case: Case, reason: EndReason, now: datetime, actor: User | None) -> None:
    fence.ended_at, fence.end_reason, fence.geocode_after = now, reason, None
    db.session.execute(delete(GeofenceCell).where(GeofenceCell.geofence_id == fence.id))
    # Its open alerts close with it (services/alerts reads the same rows).
    db.session.execute(update(GeofenceAlert).where(GeofenceAlert.geofence_id == fence.id,
                                                   GeofenceAlert.closed_at.is_(None))
                       .values(closed_at=now, closed_reason=AlertClosedReason.GEOFENCE_ENDED))
    audit.record(actor, "geofence.ended", case, geofence=fence.id, reason=reason.value)


@in_callers_transaction
def sync_with_order(case: Case, now: datetime, *, orders: OrderSettings | None, actor: User | None) -> Geofence | None:
    """Bring the case's geofence into step with its order, address and V's wishes, in the
    caller's transaction. `orders` (the radius and start hours to fix on a new geofence) is
    needed when the order has just been made; a geofence re-made for a corrected address
    keeps the radius and start of the one it replaces. Returns the open geofence, if any."""
    db.session.flush()
    open_fences = list(db.session.scalars(select(Geofence).where(Geofence.case_id == case.id,
                                                                 Geofence.ended_at.is_(None))))
    order = case.order_in_force
    if order is None:
        for fence in open_fences:
            _end(fence, case, _end_reason(case), now, actor)
        return None
    address = address_of(case)
    current = None
    for fence in open_fences:
        if current is None and fence.order_id == order.id and fence.address == address:
            current = fence
        else:
            _end(fence, case, EndReason.ADDRESS_CHANGED if fence.order_id == order.id else EndReason.ORDER_ENDED,
                 now, actor)
    if current is None:
        current = _make(case, order, address, now, orders, actor)
        if current is None:
            return None
    current.live_until = order.ends_at
    current.visits_declined = case.welfare_visits_wanted is False
    return current


def _make(case: Case, order: ProtectionOrder, address: str, now: datetime, orders: OrderSettings | None,
          actor: User | None) -> Geofence | None:
    previous = db.session.scalar(select(Geofence).where(Geofence.order_id == order.id)
                                 .order_by(Geofence.id.desc()).limit(1))
    if previous is not None:
        radius, starts = previous.radius_metres, previous.live_from
    elif orders is not None:
        radius, starts = orders.geofence_radius_metres, live_from(_order_made_at(order), orders.geofence_start_hours)
    else:
        # An order in force with no geofence and no settings to make one: not a grant
        # (the migration gave orders from before geofences theirs). Nothing to follow.
        return None
    fence = Geofence(case_id=case.id, order_id=order.id, address=address, radius_metres=radius, live_from=starts,
                     live_until=order.ends_at, visits_declined=case.welfare_visits_wanted is False,
                     geocode_after=now, geocode_attempts=0, created_at=now)
    db.session.add(fence)
    db.session.flush()
    audit.record(actor, "geofence.made", case, geofence=fence.id, radius_metres=radius,
                 live_from=starts.isoformat(), live_until=order.ends_at.isoformat() if order.ends_at else None)
    return fence


# -- Coordinates -----------------------------------------------------------------------------


def _write_cells(fence: Geofence, centre: geo.Point) -> None:
    db.session.execute(delete(GeofenceCell).where(GeofenceCell.geofence_id == fence.id))
    db.session.execute(insert(GeofenceCell), [{"cell": cell, "geofence_id": fence.id}
                                              for cell in sorted(geo.cover(centre, fence.radius_metres))])


def _place(latitude: str, longitude: str, grid_reference: str) -> tuple[geo.Point, str, str | None]:
    """The place the officer typed, where it came from, and the grid reference as shown."""
    degrees = bool((latitude or "").strip() or (longitude or "").strip())
    grid = bool((grid_reference or "").strip())
    if degrees and grid:
        raise ValidationFailed({"grid_reference": "Enter the latitude and longitude or a grid reference, not both"})
    if not degrees and not grid:
        raise ValidationFailed({"latitude": "Enter the latitude and longitude, or a grid reference"})
    try:
        if degrees:
            return geo.parse_degrees(latitude, longitude), "officer", None
        ref = geo.parse_grid_reference(grid_reference)
        return geo.grid_to_point(ref), "grid_reference", ref.text
    except geo.NotAPlace as exc:
        raise ValidationFailed({"latitude" if degrees else "grid_reference": str(exc)}) from None


@commits
def set_location(actor: User, case: Case, *, latitude: str = "", longitude: str = "",
                 grid_reference: str = "") -> Geofence:
    """An officer gives (or corrects) the geofence's place: decimal degrees or an OS grid
    reference. The audit says how it was given, never the coordinates."""
    if actor.role not in EDITOR_ROLES:
        raise PermissionError("only officers and supervisors locate geofences")
    fence = open_geofence(case)
    if fence is None:
        raise ValidationFailed({"": "There is no geofence to locate: the case has no order in force"})
    point, source, grid_text = _place(latitude, longitude, grid_reference)
    now = utcnow()
    corrected = fence.located
    fence.latitude, fence.longitude, fence.location_source, fence.grid_reference = (
        point.latitude, point.longitude, source, grid_text)
    fence.located_by_id, fence.located_at, fence.geocode_after, fence.geocode_outcome = actor.id, now, None, None
    _write_cells(fence, point)
    audit.record(actor, "geofence.located", case, geofence=fence.id, source=source, corrected=corrected)
    db.session.commit()
    return fence


@commits
def record_wishes(actor: User, case: Case, *, wants: str | None) -> None:
    """V's wishes about extra welfare visits: yes, no or not asked; who recorded them and
    when. "No" keeps the geofence from going live; the audit has every answer."""
    if actor.role not in EDITOR_ROLES:
        raise PermissionError("only officers and supervisors record the victim's wishes")
    if wants not in WISHES:
        raise ValidationFailed({"wants": "Choose whether the victim wants extra welfare visits"})
    before = case.welfare_visits_wanted
    case.welfare_visits_wanted = WISHES[wants]
    case.welfare_wishes_by_id, case.welfare_wishes_at = actor.id, utcnow()
    sync_with_order(case, utcnow(), orders=None, actor=actor)
    audit.record(actor, "case.welfare_wishes_recorded", case, before=_wish_word(before), after=wants)
    db.session.commit()


def _wish_word(value: bool | None) -> str:
    return next(word for word, v in WISHES.items() if v is value)


# -- The geocoder, from the scheduler ---------------------------------------------------------


@dataclass
class GeocodeReport:
    located: int = 0
    not_found: int = 0
    unavailable: int = 0


@commits
def geocode_due(geocoder, *, limit: int = 20) -> GeocodeReport:
    """Ask the geocoder for open geofences with no place whose try is due. No transaction is
    held while it answers; each answer is written only if the geofence is still open, unlocated
    and for the same address (an officer may have given the place meanwhile)."""
    now = utcnow()
    due = db.session.execute(
        select(Geofence.id, Geofence.address, Geofence.geocode_attempts)
        .where(Geofence.geocode_after <= now, Geofence.ended_at.is_(None), Geofence.latitude.is_(None))
        .order_by(Geofence.geocode_after).limit(limit)
    ).all()
    db.session.commit()
    report = GeocodeReport()
    for fence_id, address, attempts in due:
        try:
            point = geocoder.locate(address)
        except Exception as exc:  # noqa: BLE001 - any failure of the service: try again later
            log.warning("geocoder unavailable for geofence %s: %s", fence_id, type(exc).__name__)
            _unavailable(fence_id, attempts + 1)
            report.unavailable += 1
            continue
        if point is None:
            report.not_found += _not_found(fence_id, address)
        else:
            report.located += _located(fence_id, address, point)
    return report


def _still_waiting(fence_id: int, address: str):
    return (Geofence.id == fence_id, Geofence.ended_at.is_(None), Geofence.latitude.is_(None),
            Geofence.address == address)


@commits
def _located(fence_id: int, address: str, point: geo.Point) -> int:
    now = utcnow()
    changed = db.session.execute(update(Geofence).where(*_still_waiting(fence_id, address)).values(
        latitude=point.latitude, longitude=point.longitude, location_source="geocoder", grid_reference=None,
        located_by_id=None, located_at=now, geocode_after=None, geocode_outcome=None)).rowcount
    if changed:
        fence = db.session.get(Geofence, fence_id)
        _write_cells(fence, point)
        audit.record(None, "geofence.located", db.session.get(Case, fence.case_id), geofence=fence_id,
                     source="geocoder", corrected=False)
    db.session.commit()
    return changed


@commits
def _not_found(fence_id: int, address: str) -> int:
    changed = db.session.execute(update(Geofence).where(*_still_waiting(fence_id, address)).values(
        geocode_after=None, geocode_outcome="not_found")).rowcount
    if changed:
        fence = db.session.get(Geofence, fence_id)
        audit.record(None, "geofence.not_geocoded", db.session.get(Case, fence.case_id), geofence=fence_id)
    db.session.commit()
    return changed


@commits
def _unavailable(fence_id: int, attempts: int) -> None:
    again = None if attempts >= GEOCODE_MAX_ATTEMPTS else utcnow() + geocode_retry_after(attempts)
    db.session.execute(update(Geofence).where(Geofence.id == fence_id, Geofence.latitude.is_(None)).values(
        geocode_attempts=attempts, geocode_after=again, geocode_outcome="unavailable"))
    db.session.commit()


# -- Reading ----------------------------------------------------------------------------------


def live_containing(latitude: float, longitude: float, at: datetime) -> list[Geofence]:
    """The geofences live at `at` whose circle holds the point. One SELECT of the geofences
    indexed under the point's cell (the nearby ones: cells are kept only for open, located
    geofences), by the cell alone, so both databases' planners start from the cell's index
    and never from the geofences; then whether each is live and the exact distance."""
    point = geo.Point(latitude, longitude)
    candidates = db.session.scalars(
        select(Geofence).join(GeofenceCell, GeofenceCell.geofence_id == Geofence.id)
        .where(GeofenceCell.cell == geo.cell_of(point))
    ).all()
    return [fence for fence in candidates if fence.state_at(at) is GeofenceState.LIVE
            and geo.within(geo.Point(fence.latitude, fence.longitude), fence.radius_metres, point)]


def live_and_pending(at: datetime) -> list[tuple[Geofence, str]]:
    """Geofences not ended and not past their end, with their case's reference, soonest live first."""
    return list(db.session.execute(
        select(Geofence, Case.reference).join(Case, Case.id == Geofence.case_id)
        .where(Geofence.ended_at.is_(None), or_(Geofence.live_until.is_(None), Geofence.live_until > at))
        .order_by(Geofence.live_from, Geofence.id)
    ).tuples())


def location_tasks(case_query, limit: int = 50) -> list[tuple[Case, Geofence]]:
    """Cases the user may read whose open geofence has no place yet, oldest first, with the
    perpetrator the line names (one query and its eager load, whatever the number)."""
    # Read in order from ix_geofence_ended_at_latitude (SQLite) or ix_geofence_unlocated
    # (PostgreSQL), stopping after `limit`: the case is joined by its key and tested by a
    # correlated EXISTS, so the planner does not start from the cases and sort every
    # unlocated geofence.
    return list(db.session.execute(
        select(Case, Geofence).select_from(Geofence).join(Case, Case.id == Geofence.case_id)
        .where(Geofence.ended_at.is_(None), Geofence.latitude.is_(None), case_is(case_query, Geofence.case_id))
        .options(joinedload(Case.perpetrator))
        .order_by(Geofence.created_at, Geofence.id).limit(limit)
    ).tuples())
