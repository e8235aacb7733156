"""A referral's protection in words, and what police have done, prefilled for the referral."""
from __future__ import annotations

from app.domain.case_summary import police_actions, protection_words, support_after_order_words
from app.models import Case, Referral, ReferralStatus
from app.services.audit import case_events


def prefill_summary(case: Case) -> str:
    """What police have done, from the case's timeline, one line per step."""
    return "\n".join(police_actions(case_events(case)))


def stage_words(referral: Referral) -> str:
    """The protection, or for a victim still supported after the order, that support continues."""
    if referral.status is ReferralStatus.SUPPORTING:
        return support_after_order_words(referral.protection_stage, referral.order_ends_at)
    return protection_words(referral.protection_stage, referral.order_ends_at)
