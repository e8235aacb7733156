"""A referral's protection in words, and what police have done, prefilled for the referral."""
from __future__ import annotations

from app.domain.case_summary import police_actions, protection_words
from app.models import Case, Referral
from app.services.audit import case_events


def prefill_summary(case: Case) -> str:
    """What police have done, from the case's timeline, one line per step."""
    return "\n".join(police_actions(case_events(case)))


def stage_words(referral: Referral) -> str:
    return protection_words(referral.protection_stage, referral.order_ends_at)
