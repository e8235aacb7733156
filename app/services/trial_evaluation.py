"""The reminder-text trial's evaluation (issue 17): the CONSORT flow, outcomes by arm and
subgroup, and the texts with their cost. Read-only.

Definitions (the README's "The trial's evaluation" says the same in words):
- analysed: every allocation not marked "randomised in error", in the arm it was allocated
  to (intention to treat: a case whose texts were stopped stays in the texted arm);
- arrested / any breach: a breach recorded with an arrest / any breach recorded, that
  happened at or after the allocation (as in the analysts' export);
- texts the provider took: sent, delivered, expired, or failed by the network's receipt (a
  text refused at once, or whose outcome is unknown, is not counted); their segments are
  worked out from the exact text sent (app/domain/sms_encoding), and their cost is the
  segments times `SMS_UNIT_PRICE_PENCE`.

Five statements whatever the number of cases: enrolments by status and reason, the
allocations, breaches after allocation by case, and texts by case, status and wording.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import and_, func, or_, select

from app.domain import trial_analysis
from app.domain.phones import NoPhoneReason
from app.domain.randomiser import Arm
from app.domain.sms_encoding import analyse
from app.extensions import db
from app.models import (
    AllocationError,
    Breach,
    EnrolmentStatus,
    MessageStatus,
    OrderStatus,
    ProtectionOrder,
    TextMessage,
    TrialAllocation,
    TrialEnrolment,
)

# What the provider took (and bills): see the module's docstring.
TAKEN = (MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.EXPIRED)
# Orders assessed but not randomised for a reason other than eligibility, in this order.
NOT_RANDOMISED = (EnrolmentStatus.AWAITING_ALLOCATION, EnrolmentStatus.TRIAL_OFF, EnrolmentStatus.OUTSIDE_TRIAL,
                  EnrolmentStatus.NO_TEXTS)


@dataclass
class TextCounts:
    by_status: Counter = field(default_factory=Counter)
    taken: int = 0  # texts the provider took
    segments: int = 0  # their segments

    def __getitem__(self, status: MessageStatus) -> int:
        return self.by_status[status]

    def cost_pence(self, unit_price_pence: Decimal | None) -> Decimal | None:
        return None if unit_price_pence is None else self.segments * unit_price_pence


@dataclass
class ArmFlow:
    arm: Arm
    allocated: int = 0
    in_error: int = 0
    analysed: int = 0
    still_in_force: int = 0  # analysed, order still in force: follow-up not complete
    texts_stopped: int = 0  # analysed, staff stopped the texts (still analysed in this arm)
    received_texts: int = 0  # analysed, at least one text the provider took
    texts: TextCounts = field(default_factory=TextCounts)  # the texts of the analysed cases


@dataclass(frozen=True)
class Flow:
    assessed: int
    no_mobile: list[tuple[str, int]]  # by the reason recorded, most first
    excluded_by_officer: int
    not_randomised: list[tuple[str, int]]  # by status (trial off, DAPOs outside it, waiting)
    randomised: int
    arms: dict[Arm, ArmFlow]

    @property
    def not_eligible(self) -> int:
        return sum(count for _, count in self.no_mobile) + self.excluded_by_officer


@dataclass(frozen=True)
class Evaluation:
    flow: Flow
    outcomes: list[trial_analysis.OutcomeResult]
    subgroups: list[trial_analysis.Subgroups]
    unit_price_pence: Decimal | None

    @property
    def texted(self) -> ArmFlow:
        return self.flow.arms[Arm.INTERVENTION]

    @property
    def control(self) -> ArmFlow:
        return self.flow.arms[Arm.CONTROL]

    @property
    def too_few(self) -> bool:
        return self.outcomes[0].counts.too_few


def _reason_label(reason: str | None) -> str:
    return NoPhoneReason(reason).label if reason in set(NoPhoneReason) else "Phone not recorded"


def _enrolment_counts() -> tuple[int, list[tuple[str, int]], int, list[tuple[str, int]], int]:
    no_mobile: Counter = Counter()
    by_status: Counter = Counter()
    for status, reason, count in db.session.execute(
        select(TrialEnrolment.status, TrialEnrolment.no_phone_reason, func.count())
        .group_by(TrialEnrolment.status, TrialEnrolment.no_phone_reason)
    ):
        by_status[status] += count
        if status is EnrolmentStatus.NOT_ELIGIBLE:
            no_mobile[_reason_label(reason)] += count
    not_randomised = [(status.label, by_status[status]) for status in NOT_RANDOMISED if by_status[status]]
    return (sum(by_status.values()), sorted(no_mobile.items(), key=lambda item: (-item[1], item[0])),
            by_status[EnrolmentStatus.EXCLUDED], not_randomised, by_status[EnrolmentStatus.ALLOCATED])


def _allocations():
    return db.session.execute(
        select(TrialAllocation.case_id, TrialAllocation.arm, TrialAllocation.baseline,
               AllocationError.id.label("error_id"), TrialEnrolment.texts_stopped_at, ProtectionOrder.status)
        .join(TrialEnrolment, TrialEnrolment.id == TrialAllocation.enrolment_id)
        .join(ProtectionOrder, ProtectionOrder.id == TrialEnrolment.order_id)
        .outerjoin(AllocationError, AllocationError.allocation_id == TrialAllocation.id)
    ).all()


def breaches_after_allocation() -> dict[int, tuple[int, int]]:
    """{case id: (breaches, arrests)} recorded at or after each allocated case's allocation."""
    return {case_id: (breaches, arrests) for case_id, breaches, arrests in db.session.execute(
        select(Breach.case_id, func.count(), func.count(Breach.arrested_at))
        .join(TrialAllocation, TrialAllocation.case_id == Breach.case_id)
        .where(Breach.occurred_at >= TrialAllocation.allocated_at)
        .group_by(Breach.case_id)
    )}


def texts_by_case() -> dict[int, TextCounts]:
    """Each allocated case's texts by status, and the segments of those the provider took."""
    taken = or_(TextMessage.status.in_(TAKEN),
                and_(TextMessage.status == MessageStatus.FAILED, TextMessage.receipt_at.is_not(None)))
    counts: dict[int, TextCounts] = {}
    segments_of: dict[str, int] = {}
    for case_id, status, was_taken, body, count in db.session.execute(
        select(TextMessage.case_id, TextMessage.status, taken.label("taken"), TextMessage.body, func.count())
        .join(TrialAllocation, TrialAllocation.case_id == TextMessage.case_id)
        .group_by(TextMessage.case_id, TextMessage.status, taken, TextMessage.body)
    ):
        texts = counts.setdefault(case_id, TextCounts())
        texts.by_status[status] += count
        if was_taken:
            texts.taken += count
            if body not in segments_of:
                segments_of[body] = analyse(body or "").segments
            texts.segments += segments_of[body] * count
    return counts


def _add_texts(total: TextCounts, case: TextCounts) -> None:
    total.by_status.update(case.by_status)
    total.taken += case.taken
    total.segments += case.segments


def evaluate(unit_price_pence: Decimal | None) -> Evaluation:
    """The whole evaluation, from five statements."""
    assessed, no_mobile, excluded, not_randomised, randomised = _enrolment_counts()
    breaches, texts = breaches_after_allocation(), texts_by_case()
    arms = {arm: ArmFlow(arm) for arm in Arm}
    analysed: list[trial_analysis.AnalysedCase] = []
    for row in _allocations():
        flow = arms[row.arm]
        flow.allocated += 1
        if row.error_id is not None:
            flow.in_error += 1
            continue
        flow.analysed += 1
        flow.still_in_force += row.status is OrderStatus.IN_FORCE
        flow.texts_stopped += row.texts_stopped_at is not None
        case_texts = texts.get(row.case_id, TextCounts())
        flow.received_texts += case_texts.taken > 0
        _add_texts(flow.texts, case_texts)
        breach_count, arrest_count = breaches.get(row.case_id, (0, 0))
        baseline = row.baseline or {}
        analysed.append(trial_analysis.AnalysedCase(
            arm=row.arm, order_days=baseline.get("order_days"), risk_level=baseline.get("risk_level"),
            age_band=baseline.get("age_band"), arrested=arrest_count > 0, breached=breach_count > 0,
        ))
    flow = Flow(assessed=assessed, no_mobile=no_mobile, excluded_by_officer=excluded, not_randomised=not_randomised,
                randomised=randomised, arms=arms)
    return Evaluation(flow=flow, outcomes=trial_analysis.outcomes(analysed), subgroups=trial_analysis.subgroups(analysed),
                      unit_price_pence=unit_price_pence)
