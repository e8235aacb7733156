"""What each email to staff says. Only the case's reference and a link: an email leaves the
force's systems (mail servers, phones, inboxes shared with a team), so it names no victim,
perpetrator, child or address, and carries no reason or note typed on the case. The reader
follows the link and logs in to see the rest.
"""
from __future__ import annotations

from dataclasses import dataclass

APPLICATION_WAITING = "application_waiting"
DECISION_MADE = "decision_made"
CONCERN_REPORTED = "concern_reported"
REFERRAL_RETURNED = "referral_returned"
CASE_HANDED_OVER = "case_handed_over"

_DECISIONS = {
    "authorise": "authorised",
    "refuse": "refused",
    "return": "returned for more information",
}


@dataclass(frozen=True)
class Wording:
    subject: str
    body: str


def compose(kind: str, *, reference: str, url: str, force: str, outcome: str | None = None) -> Wording:
    """The subject and plain-text body of an email of `kind` about case `reference`."""
    if kind == APPLICATION_WAITING:
        subject = f"{reference}: an application is waiting for your decision"
        lead = f"An application for a notice on case {reference} is waiting for a decision by an authorising officer."
    elif kind == DECISION_MADE:
        decided = _DECISIONS[outcome or ""]
        subject = f"{reference}: your application was {decided}"
        lead = f"Your application for a notice on case {reference} was {decided}. The decision and its reasons are on the case."
    elif kind == CONCERN_REPORTED:
        subject = f"{reference}: a caseworker reported a concern"
        lead = f"A support service caseworker reported a possible breach on case {reference}. Act on it within 24 hours."
    elif kind == REFERRAL_RETURNED:
        subject = f"{reference}: a victim referral was returned"
        lead = f"A support service returned a victim referral on case {reference} to police."
    elif kind == CASE_HANDED_OVER:
        subject = f"{reference}: this case was handed over to you"
        lead = (f"Case {reference} was handed over to you: you are now its officer in the case. "
                "The handover note is on the case.")
    else:
        raise ValueError(f"unknown email kind {kind!r}")
    body = (f"{lead}\n\nOpen it in DVPO Desk (log in first):\n{url}\n\n"
            f"This email was sent by DVPO Desk for {force}. It holds no personal details: they are in the app.\n")
    return Wording(subject, body)
