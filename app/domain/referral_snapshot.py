"""What a support service receives with a referral: the content snapshot, as plain values.

Pure: read from the referral and its case as they stand at `now` (no queries, no clock).
The snapshot holds plain values (ISO instants, enum values) so that what the service
received never changes once stored; app/web/presentation/referral_content puts it into words.
"""
from __future__ import annotations

from datetime import datetime

from app.domain.calendar import LONDON
from app.domain.message_templates import conditions_in_plain_words
from app.domain.people import age_on


def referral_content(referral, case, now: datetime) -> dict:
    """Everything the service receives, as plain values: V, how to reach her safely, the risk,
    the conditions, the hearing, the order's end, children and what police have done.

    For a notice the authorising officer refused there are no conditions and no service:
    `served_at` is None and `notice_refused_at` says when it was refused."""
    victim = referral.victim
    hearing = case.hearings[-1] if case.hearings else None
    order = case.order
    conditions = []
    # A refused notice was never served: its proposed prohibitions bind nobody and are not
    # sent as conditions (the referral is made all the same, seed 003).
    refused_notice = case.served_at is None and order is None
    if order is not None:
        conditions = order.conditions
    elif not refused_notice and case.current_application is not None:
        kinds = case.current_application.section_data.get("prohibitions", {})
        conditions = [{"kind": k, "distance_metres": kinds.get("distance_metres") if k == "no_come_within" else None}
                      for k in kinds.get("kinds", [])]
    try:
        condition_words = conditions_in_plain_words(conditions) if conditions else ""
    except ValueError:
        condition_words = ""
    today = now.astimezone(LONDON).date()
    officer = case.officer_in_case
    return {
        "reference": case.reference,
        "victim_name": victim.full_name,
        "relationship": victim.relationship_to_perpetrator,
        "address": ", ".join(case.address_lines),
        "risk_level": case.risk_level.value,
        "high_risk": referral.high_risk,
        "conditions": condition_words,
        "hearing": {"court": hearing.court_name, "starts_at": hearing.starts_at.isoformat(),
                    "outcome": hearing.outcome.value if hearing.outcome else None} if hearing else None,
        "children": [{"name": c.full_name, "age": age_on(c.date_of_birth, today) if c.date_of_birth else None}
                     for c in case.children],
        "police_summary": referral.police_summary or "",
        "safe_number": referral.safe_number,
        "safe_to_call": referral.safe_to_call,
        "safe_times": list(referral.safe_times or []),
        "safe_times_notes": referral.safe_times_notes,
        "agreed_methods": list(referral.agreed_methods or []),
        "language": referral.language,
        "interpreter": referral.interpreter,
        "other_needs": referral.other_needs,
        "consent_asked_at": referral.consent_asked_at.isoformat() if referral.consent_asked_at else None,
        "officer": {"name": officer.display_name, "email": officer.email} if officer else None,
        "served_at": case.served_at.isoformat() if case.served_at else None,
        # The authorising officer's refusal, which started the Code's clock (referral.trigger_at).
        "notice_refused_at": referral.trigger_at.isoformat() if refused_notice and referral.trigger_at else None,
        "sent_at": now.isoformat(),
    }
