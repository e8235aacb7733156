"""The reminder-text trial: assessing each order, allocating to an arm, correcting errors,
the admin's switch, and the analysts' export.

Allocation follows the Cambridge Randomiser's method: the officer confirms eligibility and
the baseline first; the arm comes from a concealed sequence (app/domain/randomiser.py) and
is revealed only once the allocation is saved. Allocations are never edited or deleted.
"""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.domain import randomiser
from app.domain.people import AGE_BANDS, AGE_UNKNOWN, age_band
from app.domain.phones import NoPhoneReason
from app.domain.regimes import RegimeCode
from app.domain.risk import RiskLevel
from app.extensions import db
from app.models import (
    AllocationError,
    Case,
    DapoTexts,
    EnrolmentStatus,
    MessageStatus,
    OrderStatus,
    ProtectionOrder,
    TrialAllocation,
    TrialEnrolment,
    TrialSwitch,
    User,
)
from app.services import ValidationFailed, audit
from app.services.reminders import TextSettings, plan_for
from app.services.transaction import commits, in_callers_transaction
from app.timeutil import utcnow

NOT_RECORDED = "not_recorded"  # orders granted with no phone section saved (older cases)


@dataclass(frozen=True)
class TrialState:
    running: bool
    stratified: bool
    changed: TrialSwitch | None
    # Whether DAPOs enter the trial: by default they do not (Durham's trial is of DVPOs,
    # seed 000) and get texts outside it.
    dapo_texts: DapoTexts = DapoTexts.OUTSIDE_TRIAL


def state() -> TrialState:
    """The newest switch; with none, the trial runs unstratified (it is what the texts are for)."""
    latest = db.session.scalars(select(TrialSwitch).order_by(TrialSwitch.id.desc()).limit(1)).first()
    if latest is None:
        return TrialState(running=True, stratified=False, changed=None)
    return TrialState(running=latest.running, stratified=latest.stratified, changed=latest,
                      dapo_texts=latest.dapo_texts or DapoTexts.OUTSIDE_TRIAL)


@commits
def switch(actor: User, *, running: bool, stratified: bool, reason: str,
           dapo_texts: DapoTexts | None = None) -> TrialSwitch:
    """An admin turns the trial on or off (off: everyone eligible gets texts), and says whether
    DAPOs enter it (None: as it was). Orders already assessed keep their status."""
    current = state()
    dapo_texts = current.dapo_texts if dapo_texts is None else dapo_texts
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = "Say why the trial is being changed"
    if stratified != current.stratified and db.session.scalar(select(func.count(TrialAllocation.id))):
        errors["stratified"] = "Stratification cannot change once cases have been allocated: it would break the sequence"
    if running == current.running and stratified == current.stratified and dapo_texts == current.dapo_texts:
        errors[""] = "Nothing has changed"
    if errors:
        raise ValidationFailed(errors)
    row = TrialSwitch(running=running, stratified=stratified, dapo_texts=dapo_texts, reason=reason.strip(),
                      changed_by_id=actor.id, changed_at=utcnow())
    db.session.add(row)
    audit.record(actor, "trial.switched", running=running, stratified=stratified, dapo_texts=dapo_texts.value,
                 reason=reason.strip())
    db.session.commit()
    return row


def phone_facts(case: Case) -> tuple[str | None, str | None, str | None]:
    """P's mobile (E.164) or why there is none, from the authorised application's phone section
    (or, for an order made elsewhere, with no application, what the officer recorded with it)."""
    application = case.current_application
    data = application.section_data.get("phone") if application else case.origin_phone
    if not data:
        return None, NOT_RECORDED, None
    if data.get("has_mobile") is True and data.get("mobile_e164"):
        return data["mobile_e164"], None, None
    return None, data.get("no_phone_reason") or NOT_RECORDED, data.get("no_phone_other")


@in_callers_transaction
def assess(case: Case, now: datetime, settings: TextSettings) -> TrialEnrolment:
    """When an order is granted: eligible if P has a UK mobile. Called in the court service's
    transaction, so the order and its assessment commit together."""
    mobile, reason, other = phone_facts(case)
    status = EnrolmentStatus.NOT_ELIGIBLE if mobile is None else status_with_mobile(case)
    enrolment = TrialEnrolment(case_id=case.id, order_id=case.order.id, status=status, assessed_at=now,
                               mobile_e164=mobile, no_phone_reason=reason, no_phone_other=other)
    db.session.add(enrolment)
    db.session.flush()
    planned = plan_for(enrolment, case, now, settings) if enrolment.gets_texts else 0
    audit.record(None, "trial.assessed", case, eligible=mobile is not None, status=status.value,
                 no_phone_reason=reason, texts_planned=planned)
    return enrolment


def status_with_mobile(case: Case) -> EnrolmentStatus:
    """What an order with a number for P is: a DVPO waits for allocation while the trial runs
    and gets texts when it is off; a DAPO follows the admin's DapoTexts setting."""
    current = state()
    if case.order_kind == "dapo" and current.dapo_texts is not DapoTexts.TRIAL:
        return EnrolmentStatus.OUTSIDE_TRIAL if current.dapo_texts is DapoTexts.OUTSIDE_TRIAL else EnrolmentStatus.NO_TEXTS
    return EnrolmentStatus.AWAITING_ALLOCATION if current.running else EnrolmentStatus.TRIAL_OFF


@dataclass(frozen=True)
class Baseline:
    order_days: int | None  # None: a DAPO until further order
    risk_level: RiskLevel
    age_band: str


def suggested_baseline(case: Case, now: datetime) -> Baseline:
    perpetrator = case.perpetrator
    return Baseline(order_days=case.order.days, risk_level=case.risk_level,
                    age_band=age_band(perpetrator.date_of_birth if perpetrator else None, now.date()))


@commits
def allocate(actor: User, case: Case, *, eligible: bool | None, not_eligible_reason: str, baseline: Baseline | None,
             seed: str, settings: TextSettings) -> TrialEnrolment:
    """Confirm eligibility and baseline, then allocate from the concealed sequence (write-once)."""
    enrolment = _enrolment(case)
    if enrolment.status is not EnrolmentStatus.AWAITING_ALLOCATION:
        raise ValidationFailed({"": "This case is not waiting for allocation"})
    errors = _allocation_errors(case, eligible, not_eligible_reason, baseline)
    if errors:
        raise ValidationFailed(errors)
    now = utcnow()
    if not eligible:
        enrolment.status, enrolment.excluded_reason = EnrolmentStatus.EXCLUDED, not_eligible_reason.strip()
        audit.record(actor, "trial.excluded", case, reason=not_eligible_reason.strip())
        db.session.commit()
        return enrolment
    stratum = randomiser.stratum_for(baseline.order_days, state().stratified, case.order_kind)
    for _attempt in range(5):
        position = (db.session.scalar(select(func.max(TrialAllocation.position)).where(TrialAllocation.stratum == stratum)) or 0) + 1
        allocation = TrialAllocation(
            enrolment_id=enrolment.id, case_id=case.id, stratum=stratum, position=position,
            arm=randomiser.allocate(bytes.fromhex(seed), stratum, position),
            baseline={"order_days": baseline.order_days, "risk_level": baseline.risk_level.value, "age_band": baseline.age_band},
            pseudonym=pseudonym(seed, case.id), allocated_by_id=actor.id, allocated_at=now,
        )
        db.session.add(allocation)
        try:
            db.session.flush()
            break
        except IntegrityError:
            # Another officer took this position at the same moment: take the next one.
            db.session.rollback()
            enrolment = _enrolment(case)
            if enrolment.status is not EnrolmentStatus.AWAITING_ALLOCATION:
                raise ValidationFailed({"": "This case has already been allocated"}) from None
    else:
        raise ValidationFailed({"": "The allocation could not be saved: try again"})
    enrolment.status = EnrolmentStatus.ALLOCATED
    db.session.flush()
    db.session.refresh(enrolment)
    planned = plan_for(enrolment, case, now, settings)
    audit.record(actor, "trial.allocated", case, stratum=stratum, position=position, arm=allocation.arm.value,
                 baseline=allocation.baseline, texts_planned=planned)
    db.session.commit()
    return enrolment


def _allocation_errors(case: Case, eligible, reason: str, baseline: Baseline | None) -> dict[str, str]:
    if eligible is None:
        return {"eligible": "Confirm whether the case is eligible for the trial"}
    if not eligible:
        return {} if (reason or "").strip() else {"not_eligible_reason": "Say why the case is not eligible"}
    errors = {}
    if baseline is not None and case.order.days is None:
        if baseline.order_days is not None:
            return {"order_days": "The order is until further order: leave its length empty"}
    elif baseline is None or baseline.order_days is None:
        return {"order_days": "Enter the order's length in days"}
    elif baseline.order_days != case.order.days:
        errors["order_days"] = f"The order is recorded as {case.order.days} days: correct the order first if that is wrong"
    if baseline.age_band not in (*AGE_BANDS, AGE_UNKNOWN):
        errors["age_band"] = "Choose P's age band"
    return errors


@commits
def mark_in_error(actor: User, case: Case, reason: str) -> AllocationError:
    """Record that a case was randomised in error. The allocation itself stays as it was."""
    enrolment = _enrolment(case)
    allocation = enrolment.allocation
    if allocation is None:
        raise ValidationFailed({"": "This case has not been allocated"})
    if allocation.error is not None:
        raise ValidationFailed({"": "This allocation is already marked as randomised in error"})
    if not (reason or "").strip():
        raise ValidationFailed({"reason": "Say why the case was randomised in error"})
    error = AllocationError(allocation_id=allocation.id, reason=reason.strip(), marked_by_id=actor.id, marked_at=utcnow())
    db.session.add(error)
    audit.record(actor, "trial.randomised_in_error", case, position=allocation.position, stratum=allocation.stratum,
                 reason=reason.strip())
    db.session.commit()
    return error


def _enrolment(case: Case) -> TrialEnrolment:
    enrolment = db.session.scalars(select(TrialEnrolment).where(TrialEnrolment.case_id == case.id)).first()
    if enrolment is None:
        raise ValidationFailed({"": "This case has no order assessed for the trial"})
    return enrolment


def pseudonym(seed: str, case_id: int) -> str:
    """A stable id for the analysts that does not reveal the case (HMAC of its id under the seed)."""
    digest = hmac.new(bytes.fromhex(seed), f"case:{case_id}".encode(), hashlib.sha256).hexdigest()
    return "T" + digest[:10].upper()


def attrition() -> list[tuple[str, int]]:
    """Orders not randomised, by reason: the figure the Durham trial most needed."""
    rows = db.session.execute(
        select(TrialEnrolment.status, TrialEnrolment.no_phone_reason, func.count())
        .group_by(TrialEnrolment.status, TrialEnrolment.no_phone_reason)
    ).all()
    counts: dict[str, int] = {}
    for status, reason, count in rows:
        if status is EnrolmentStatus.NOT_ELIGIBLE:
            label = NoPhoneReason(reason).label if reason in set(NoPhoneReason) else "Phone not recorded"
        else:
            label = status.label
        counts[label] = counts.get(label, 0) + count
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


EXPORT_COLUMNS = (
    "pseudonym", "allocated_on", "stratum", "position", "arm", "order_days", "risk_level", "age_band",
    "randomised_in_error", "texts_sent", "texts_delivered", "breaches_after_allocation", "arrests_after_allocation",
    # Added with issue 13, after the others so existing analyses keep their columns: "dvpo"
    # (Crime and Security Act 2010) or "dapo" (Domestic Abuse Act 2021).
    "regime",
    # Added with issue 17, the measures the evaluation page uses (services/trial_evaluation).
    "analysed", "arrested_for_breach", "any_breach", "texts_failed", "texts_expired", "texts_taken", "text_segments",
    "texts_stopped", "order_in_force",
)


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def export_rows() -> list[dict]:
    """One row per allocated case for the trial's analysts: pseudonymous ids, the baseline,
    the arm and the outcome measures (breaches and arrests after allocation, texts). No names,
    numbers, addresses or free text. Five statements whatever the number of cases."""
    from app.services.trial_evaluation import breaches_after_allocation, texts_by_case

    allocations = db.session.execute(
        select(TrialAllocation, Case.regime, TrialEnrolment.texts_stopped_at, ProtectionOrder.status,
               AllocationError.id.label("error_id"))
        .join(TrialEnrolment, TrialEnrolment.id == TrialAllocation.enrolment_id)
        .join(Case, Case.id == TrialAllocation.case_id)
        .join(ProtectionOrder, ProtectionOrder.id == TrialEnrolment.order_id)
        .outerjoin(AllocationError, AllocationError.allocation_id == TrialAllocation.id)
        .order_by(TrialAllocation.stratum, TrialAllocation.position)
    ).all()
    breaches, texts = breaches_after_allocation(), texts_by_case()
    rows = []
    for allocation, regime_code, texts_stopped_at, order_status, error_id in allocations:
        breach_count, arrest_count = breaches.get(allocation.case_id, (0, 0))
        case_texts = texts.get(allocation.case_id)
        by_status = case_texts.by_status if case_texts else {}
        rows.append({
            "pseudonym": allocation.pseudonym,
            "allocated_on": allocation.allocated_at.date().isoformat(),
            "stratum": allocation.stratum,
            "position": allocation.position,
            "arm": allocation.arm.value,
            "order_days": allocation.baseline.get("order_days"),
            "risk_level": allocation.baseline.get("risk_level"),
            "age_band": allocation.baseline.get("age_band"),
            "randomised_in_error": _yes_no(error_id is not None),
            "texts_sent": sum(by_status.get(s, 0) for s in (MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.EXPIRED)),
            "texts_delivered": by_status.get(MessageStatus.DELIVERED, 0),
            "breaches_after_allocation": breach_count,
            "arrests_after_allocation": arrest_count,
            "regime": "dapo" if regime_code is RegimeCode.DAPN else "dvpo",
            "analysed": _yes_no(error_id is None),
            "arrested_for_breach": _yes_no(arrest_count > 0),
            "any_breach": _yes_no(breach_count > 0),
            "texts_failed": by_status.get(MessageStatus.FAILED, 0),
            "texts_expired": by_status.get(MessageStatus.EXPIRED, 0),
            "texts_taken": case_texts.taken if case_texts else 0,
            "text_segments": case_texts.segments if case_texts else 0,
            "texts_stopped": _yes_no(texts_stopped_at is not None),
            "order_in_force": _yes_no(order_status is OrderStatus.IN_FORCE),
        })
    return rows


def arm_counts() -> dict[str, int]:
    return {arm.value: count for arm, count in db.session.execute(
        select(TrialAllocation.arm, func.count()).group_by(TrialAllocation.arm))}


@commits
def change_mobile(actor: User, case: Case, *, has_mobile: bool | None, number: str, no_phone_reason: str,
                  no_phone_other: str, settings: TextSettings) -> TrialEnrolment:
    """P's number changed (or was lost, or found). Unsent texts are cancelled and re-planned
    for the new number in the same transaction; with no number they are only cancelled.
    A case that was not eligible for want of a number becomes eligible."""
    from app.domain.phones import InvalidMobile, uk_mobile_e164
    from app.services.reminders import cancel_unsent

    enrolment = _enrolment(case)
    if has_mobile is None:
        raise ValidationFailed({"has_mobile": "Say whether P has a mobile number"})
    if has_mobile:
        try:
            mobile = uk_mobile_e164(number)
        except InvalidMobile as exc:
            raise ValidationFailed({"number": str(exc)}) from None
        if mobile == enrolment.mobile_e164:
            raise ValidationFailed({"number": "That is the number already recorded"})
        reason = other = None
    else:
        mobile = None
        if no_phone_reason not in set(NoPhoneReason):
            raise ValidationFailed({"no_phone_reason": "Choose why there is no number"})
        if no_phone_reason == NoPhoneReason.OTHER and not (no_phone_other or "").strip():
            raise ValidationFailed({"no_phone_other": "Describe the reason"})
        reason, other = no_phone_reason, (no_phone_other or "").strip() or None
    now = utcnow()
    enrolment.mobile_e164, enrolment.no_phone_reason, enrolment.no_phone_other = mobile, reason, other
    if mobile and enrolment.status is EnrolmentStatus.NOT_ELIGIBLE:
        enrolment.status = status_with_mobile(case)
    cancelled = cancel_unsent(case, "P's number changed" if mobile else "P has no number now")
    db.session.flush()
    planned = plan_for(enrolment, case, now, settings)
    # Never the number itself in the audit log: it is personal data and the log is widely read.
    audit.record(actor, "trial.mobile_changed", case, has_mobile=bool(mobile), no_phone_reason=reason,
                 cancelled=cancelled, planned=planned, status=enrolment.status.value)
    db.session.commit()
    return enrolment


@commits
def record_export(actor: User, rows: int) -> None:
    """The analysts' export was downloaded: audited with how many rows it held."""
    audit.record(actor, "trial.exported", rows=rows)
    db.session.commit()
