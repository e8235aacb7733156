"""Wording for the notice of the hearing to P, the order served on P and V told of the
order, on the case page, the court page and the court printout. Changes no state."""
from __future__ import annotations

from dataclasses import dataclass

from app.domain.order_records import HearingNoticeKind, address_answer, hearing_notice_basis
from app.domain.timefmt import format_instant
from app.services.order_records import hearing_notice_status
from app.web.presentation.printout_common import excerpt

# Free text on the printout's cover is cut to this many characters (the cover is one page).
_COVER_CHARS = 90


def hearing_address_summary(case) -> str:
    """What P said on service about an address for the notice of the hearing (no address)."""
    answer = address_answer(case.hearing_address_answer, case.address_for_hearing_notice)
    return answer.label if answer else "whether the perpetrator gave an address was not recorded"


@dataclass(frozen=True)
class NoticeLine:
    """The notice of the hearing, in one line for the printout's cover."""

    text: str
    missing: bool  # nothing recorded: printed NOT PROVIDED
    flag: bool  # not given: the court must be satisfied of reasonable efforts


def hearing_notice_line(case) -> NoticeLine:
    answer = address_answer(case.hearing_address_answer, case.address_for_hearing_notice)
    address = excerpt(case.address_for_hearing_notice, _COVER_CHARS) if case.address_for_hearing_notice else ""
    on_service = (answer.label if answer else "Address not recorded") + (f" ({address})" if address else "")
    step = hearing_notice_status(case)
    basis = hearing_notice_basis(case.regime)
    if step is None:
        return NoticeLine(f"{on_service}. Notice of the hearing not recorded as given ({basis}).", True, False)
    if step.kind is HearingNoticeKind.GIVEN:
        how = step.method.label.lower() + (f" ({excerpt(step.method_details, 40)})" if step.method_details else "")
        return NoticeLine(f"{on_service}. Given {format_instant(step.at)}, {how}, by {excerpt(step.by_name, 40)}.",
                          False, False)
    return NoticeLine(
        f"{on_service}. Not given: reasonable efforts, the last {format_instant(step.at)}: "
        f"{excerpt(step.efforts, _COVER_CHARS)} ({basis}).", False, True)
