"""Three records the Acts and practice require around the hearing and the order (issue 12).

Pure: no Flask, no database, no clock reads (`now` is an argument).

1. **Notice of the hearing to P.** DAA 2021 s.25(3)-(4): the notice is served on P
   personally by a constable, who "must ask P for an address at which P may be given the
   notice of the hearing". DAA 2021 s.29(4)-(6): "P must be given a notice of the hearing";
   it "is to be treated as having been given if it has been left at the address given by P
   under section 25(4)"; "but if the notice has not been given because P did not give an
   address under section 25(4), the court may hear the application if satisfied that the
   chief officer of police has made reasonable efforts to give P the notice". (Read on
   legislation.gov.uk.) The CSA 2010 says the same for the DVPN in s.25 and s.27, as
   docs/law.md cites them; the CSA's own text could not be retrieved when this was written,
   so its subsection numbers are not given here.
2. **The order served on P.** Not statute: Greater Manchester's practice is to serve every
   order on P within 24 hours of the grant (seed 002). The target is the setting
   ORDER_SERVICE_HOURS, plain elapsed hours from the start of the hearing at which the order
   was made (no days disregarded: it is a practice target, not a statutory clock).
3. **V told of the order.** Not statute: Greater Manchester tells V the order's details
   (seed 002); the London caseworker project found V needs the conditions, the end date and
   what to do if it is breached (seed 003). Recorded with whether V was given a copy.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.domain.regimes import RegimeCode

DEFAULT_ORDER_SERVICE_HOURS = 24  # Greater Manchester's practice (seed 002)


class HearingAddressAnswer(enum.StrEnum):
    """What P said when asked, on service of the notice, for an address for the notice of
    the hearing (DAA 2021 s.25(4); CSA 2010 s.25)."""

    GIVEN = "given"
    REFUSED = "refused"
    NONE_GIVEN = "none_given"

    @property
    def label(self) -> str:
        return {
            "given": "Address given",
            "refused": "Refused to give an address",
            "none_given": "No address given (had none, or could not say)",
        }[self.value]


def address_answer(recorded: HearingAddressAnswer | None, address: str | None) -> HearingAddressAnswer | None:
    """The answer as recorded, or for a case served before the answer was asked for, GIVEN
    when an address was written down; None when nothing says either way."""
    if recorded is not None:
        return recorded
    return HearingAddressAnswer.GIVEN if (address or "").strip() else None


def service_address_errors(answer: HearingAddressAnswer | None, address: str) -> dict[str, str]:
    """The answer and the address written down on service must agree."""
    if answer is HearingAddressAnswer.GIVEN and not address.strip():
        return {"address_for_hearing_notice": "Enter the address P gave for the notice of the hearing"}
    if answer in (HearingAddressAnswer.REFUSED, HearingAddressAnswer.NONE_GIVEN) and address.strip():
        return {"address_for_hearing_notice": "P gave no address: leave the address empty, or choose that P gave one"}
    return {}


class HearingNoticeKind(enum.StrEnum):
    GIVEN = "given"  # the notice of the hearing was given to P
    EFFORTS = "efforts"  # not given; the reasonable efforts made (DAA 2021 s.29(6))

    @property
    def label(self) -> str:
        return {"given": "Notice of the hearing given to P",
                "efforts": "Not given: reasonable efforts made"}[self.value]


class HearingNoticeMethod(enum.StrEnum):
    IN_PERSON = "in_person"
    LEFT_AT_ADDRESS = "left_at_address"
    POST_TO_ADDRESS = "post_to_address"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "in_person": "Handed to P in person",
            "left_at_address": "Left at the address given on service",
            "post_to_address": "Sent by post to the address given on service",
            "other": "Another way",
        }[self.value]

    @property
    def to_address_given(self) -> bool:
        return self in (HearingNoticeMethod.LEFT_AT_ADDRESS, HearingNoticeMethod.POST_TO_ADDRESS)


def hearing_notice_errors(
    *, kind: HearingNoticeKind | None, answer: HearingAddressAnswer | None, at: datetime | None,
    method: HearingNoticeMethod | None, details: str, by: str, efforts: str, served_at: datetime | None,
    now: datetime,
) -> dict[str, str]:
    """What is wrong with a record of the notice of the hearing, field by field.

    - Given: when, how and by whom; "left at" or "sent to" the address P gave needs P to
      have given one (s.29(5) deems notice left at that address given); "another way" says
      which.
    - Not given: the reasonable efforts, which the court may accept only where P gave no
      address on service (s.29(6)); where P gave one, the notice is to be left there.
    - Never before the notice was served, never in the future.
    """
    errors: dict[str, str] = {}
    if kind is None:
        return {"kind": "Say whether the notice of the hearing was given to P"}
    if at is None:
        errors["at_date"] = "Enter the date and time" + (" it was given" if kind is HearingNoticeKind.GIVEN
                                                           else " of the last effort")
    elif at > now:
        errors["at_date"] = "This cannot be in the future"
    elif served_at is not None and at < served_at:
        errors["at_date"] = "This cannot be before the notice was served on P"
    if not by.strip():
        errors["by"] = "Enter who " + ("gave it" if kind is HearingNoticeKind.GIVEN else "made the efforts")
    if kind is HearingNoticeKind.GIVEN:
        if method is None:
            errors["method"] = "Choose how the notice of the hearing was given"
        elif method.to_address_given and answer is not HearingAddressAnswer.GIVEN:
            errors["method"] = "P gave no address on service: choose how else the notice was given"
        elif method is HearingNoticeMethod.OTHER and not details.strip():
            errors["details"] = "Say how the notice of the hearing was given"
    else:
        if answer is HearingAddressAnswer.GIVEN:
            errors["kind"] = ("P gave an address on service: the notice of the hearing is given by leaving it "
                              "there (reasonable efforts count only where P gave no address)")
        elif not efforts.strip():
            errors["efforts"] = "Describe the efforts made to give P the notice of the hearing"
    return errors


def hearing_notice_basis(regime: RegimeCode) -> str:
    """The provisions the notice of the hearing comes from, as pages and printouts cite them."""
    if regime is RegimeCode.DAPN:
        return "Domestic Abuse Act 2021, s.25(4) and s.29(4)-(6)"
    return "Crime and Security Act 2010, s.25 and s.27"


class OrderServiceMethod(enum.StrEnum):
    IN_PERSON = "in_person"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {"in_person": "In person", "other": "Another way"}[self.value]


def order_service_due(granted_at: datetime, hours: int) -> datetime:
    """The practice target for serving the order on P: `hours` elapsed hours from the grant
    (seed 002: Greater Manchester, 24 hours). Not a statutory deadline: no days disregarded."""
    if granted_at.tzinfo is None:
        raise ValueError("granted_at must be timezone-aware")
    if hours < 1:
        raise ValueError("the target must be at least 1 hour")
    return granted_at + timedelta(hours=hours)


def order_service_errors(
    *, at: datetime | None, by: str, method: OrderServiceMethod | None, details: str, made_at: datetime,
    now: datetime,
) -> dict[str, str]:
    """`made_at`: the start of the London day the order was made (the earliest it can be served)."""
    errors: dict[str, str] = {}
    if at is None:
        errors["served_date"] = "Enter the date and time the order was served"
    elif at > now:
        errors["served_date"] = "This cannot be in the future"
    elif at < made_at:
        errors["served_date"] = "The order cannot have been served before the day it was made"
    if not by.strip():
        errors["served_by"] = "Enter who served the order"
    if method is None:
        errors["method"] = "Choose how the order was served"
    elif method is OrderServiceMethod.OTHER and not details.strip():
        errors["details"] = "Say how the order was served"
    return errors


class VictimToldMethod(enum.StrEnum):
    IN_PERSON = "in_person"
    PHONE = "phone"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {"in_person": "In person", "phone": "By phone", "other": "Another way"}[self.value]


@dataclass(frozen=True)
class Explained:
    key: str
    label: str


# What V is told (seeds 002 and 003): every one must be explained before it is recorded.
EXPLAINED = (
    Explained("conditions", "The order's conditions"),
    Explained("end", "When the order ends"),
    Explained("breach", "What to do if the order is breached (call 999 in an emergency; P can be arrested)"),
)


def victim_told_errors(
    *, at: datetime | None, by: str, method: VictimToldMethod | None, details: str,
    explained: set[str], copy_given: bool | None, made_at: datetime, now: datetime,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if at is None:
        errors["told_date"] = "Enter the date and time V was told"
    elif at > now:
        errors["told_date"] = "This cannot be in the future"
    elif at < made_at:
        errors["told_date"] = "V cannot have been told of the order before the day it was made"
    if not by.strip():
        errors["told_by"] = "Enter who told V"
    if method is None:
        errors["method"] = "Choose how V was told"
    elif method is VictimToldMethod.OTHER and not details.strip():
        errors["details"] = "Say how V was told"
    missing = [e.label.split(" (")[0].lower() for e in EXPLAINED if e.key not in explained]
    if missing:
        errors["explained"] = "V must be told all three before this is recorded: " + "; ".join(missing)
    if copy_given is None:
        errors["copy_given"] = "Say whether V was given a copy of the order"
    return errors
