"""A referral's content snapshot (domain.referral_snapshot.referral_content) put into words, for
the police check page and record, and for the caseworker: one reading of the stored values.

The snapshot holds plain values (ISO instants, enum values) so that what the service
received never changes; anything unknown in it is left out rather than shown raw.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from phonenumbers import NumberParseException

from app.domain.phones import display_uk
from app.domain.referrals import ContactMethod, DayPart
from app.domain.risk import RiskLevel
from app.domain.timefmt import format_instant
from app.models import HearingOutcome, Referral
from app.web.fields import chosen
from app.web.presentation.referral_wording import stage_words
from app.web.template_support import relationship_label


def parsed(value) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _instant(iso: str | None) -> str:
    at = parsed(iso)
    return format_instant(at) if at else ""


def _yes_no(value: bool | None) -> str:
    return {True: "Yes", False: "No"}.get(value, "Not recorded")


def labels(enum_cls, values) -> list[str]:
    known = {m.value: m for m in enum_cls}
    return [known[v].label for v in values or [] if v in known]


def read_snapshot(content: dict) -> dict:
    """The snapshot's stored values ready to show: labels for enum values, instants parsed."""
    hearing = content.get("hearing") or {}
    outcome = chosen(HearingOutcome, hearing.get("outcome"))
    risk = chosen(RiskLevel, content.get("risk_level"))
    return {
        "risk": risk.label if risk else "Not recorded",
        "safe_times": labels(DayPart, content.get("safe_times")),
        # A withheld call is always allowed: only what V agreed to beyond it is listed.
        "agreed_methods": [m for m in labels(ContactMethod, content.get("agreed_methods"))
                           if m != ContactMethod.WITHHELD_CALL.label],
        "hearing_at": parsed(hearing.get("starts_at")),
        "hearing_court": hearing.get("court"),
        "hearing_outcome": outcome.label if outcome else None,
        "sent_at": parsed(content.get("sent_at")),
        "served_at": parsed(content.get("served_at")),
        "notice_refused_at": parsed(content.get("notice_refused_at")),
    }


@dataclass(frozen=True)
class ContentRow:
    label: str
    value: str
    lines: bool = False  # keep the text's line breaks


def content_rows(content: dict, referral: Referral, *, preview: bool) -> list[ContentRow]:
    """The referral as the service reads it, one row per thing it carries. `content` is
    domain.referral_snapshot.referral_content's dict (the stored snapshot, or the one about to be sent)."""
    snap = read_snapshot(content)
    number = content.get("safe_number")
    try:
        number_words = display_uk(number) if number else "None recorded"
    except NumberParseException:  # a stored value that does not parse is shown as stored
        number_words = number
    if number:
        number_words += f" (safe to call: {_yes_no(content.get('safe_to_call')).lower()})"
    times = list(snap["safe_times"])
    if content.get("safe_times_notes"):
        times.append(content["safe_times_notes"])
    methods = snap["agreed_methods"]
    methods_words = "Withheld call only" if not methods else "Withheld call, and also: " + ", ".join(methods)
    language = content.get("language") or "Not recorded"
    if content.get("interpreter") is not None:
        language += f"; interpreter needed: {_yes_no(content.get('interpreter')).lower()}"
    refused = snap["notice_refused_at"]
    hearing_words = "None: the notice was refused, so there is no application to the court" if refused else "Not listed yet"
    if snap["hearing_at"]:
        hearing_words = f"{snap['hearing_court']}, {format_instant(snap['hearing_at'])}"
        if snap["hearing_outcome"]:
            hearing_words += f" ({snap['hearing_outcome'].lower()})"
    children = [f"{c['name']}" + (f", aged {c['age']}" if c.get("age") is not None else "") for c in content.get("children") or []]
    officer = content.get("officer")
    victim = content.get("victim_name", "")
    if content.get("relationship"):
        victim += f" ({relationship_label(content['relationship']).lower()})"
    risk = snap["risk"] + (": MARAC and IDVA" if content.get("high_risk") else "")
    rows = [
        ContentRow("Case reference", content.get("reference") or ""),
        ContentRow("Victim", victim),
        ContentRow("Address", content.get("address") or ""),
        ContentRow("Safe contact number", number_words),
        ContentRow("Safe times to call", "; ".join(times) or "Not recorded"),
        ContentRow("Ways to contact", methods_words),
        ContentRow("Language", language),
        ContentRow("Other needs", content.get("other_needs") or "None recorded", lines=True),
        ContentRow("Risk level", risk),
        ContentRow("Conditions", content.get("conditions")
                   or ("None: the notice was refused, so none were imposed" if refused else "None recorded")),
        ContentRow("Hearing", hearing_words),
        ContentRow("Protection", stage_words(referral)),
        ContentRow("Children", "; ".join(children) or "None recorded"),
        ContentRow("What police have done", content.get("police_summary") or "Nothing recorded", lines=True),
        ContentRow("Victim asked", _instant(content.get("consent_asked_at")) or "Not recorded"),
        ContentRow("Notice served", _instant(content.get("served_at")) or (
            f"Not served: the authorising officer refused the notice, {format_instant(refused)}" if refused else "")),
        ContentRow("Officer in the case", f"{officer['name']}, {officer['email']}" if officer else ""),
    ]
    if not preview:
        rows.append(ContentRow("Sent", _instant(content.get("sent_at"))))
    return rows
