"""A perpetrator who is a service person living in service accommodation: telling the
commanding officer of a DAPN. Read on legislation.gov.uk, DAA 2021 s.25(5)-(7):

  (5) Subsection (6) applies where (a) a senior police officer gives a domestic abuse
  protection notice to a person ("P") who the officer believes is a person subject to
  service law in accordance with sections 367 to 369 of the Armed Forces Act 2006, (b) the
  notice includes provision by virtue of section 23(2) prohibiting P from entering premises,
  or requiring P to leave premises, and (c) the officer believes that the premises are
  relevant service accommodation.
  (6) The officer must make reasonable efforts to inform P's commanding officer of the
  giving of the notice.
  (7) "commanding officer": Armed Forces Act 2006 s.360; "relevant service accommodation":
  premises within paragraph (a) of "service living accommodation" in s.96(1) of that Act.

The duty is the notice's (DAA 2021 only: `Regime.commanding_officer_rule`); nothing here
is said about the CSA 2010, whose text on this was not checked (docs/law.md).
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from app.domain.prohibitions import ProhibitionKind
from app.domain.regimes import Regime

# s.25(5)(b): provision under s.23(2) "prohibiting P from entering premises, or requiring P
# to leave premises" (s.23(2)(b) and (c)); not eviction (s.23(2)(a)) nor the distance (s.23(1)(b)).
TRIGGERING_PROVISIONS = frozenset({ProhibitionKind.NO_ENTER.value, ProhibitionKind.LEAVE.value})
CITATION = "Domestic Abuse Act 2021 s.25(5)-(6)"


def commanding_officer_duty(regime: Regime, *, service_person: bool | None, service_accommodation: bool | None,
                            provisions: Iterable[str]) -> bool:
    """Whether the officer must make reasonable efforts to inform P's commanding officer
    (s.25(6)): a DAPN; P believed subject to service law (s.25(5)(a)); the notice prohibits
    entering or requires leaving premises (s.25(5)(b)); those premises believed relevant
    service accommodation (s.25(5)(c)). All three, or no duty."""
    if not regime.commanding_officer_rule:
        return False
    chosen = {str(p) for p in provisions}
    return service_person is True and service_accommodation is True and bool(chosen & TRIGGERING_PROVISIONS)


def service_person_errors(regime: Regime, *, service_person: bool | None, service_accommodation: bool | None,
                          provisions: Iterable[str], informed_at: datetime | None, how: str,
                          not_before: datetime | None, now: datetime) -> dict[str, str]:
    """What must be recorded about P's service status. The two beliefs are answered; where
    the duty applies (`commanding_officer_duty`), when and how the commanding officer was
    informed, or the reasonable efforts made (s.25(6)), not in the future nor before the
    notice (`not_before`); where it does not, nothing about a commanding officer is kept."""
    if not regime.commanding_officer_rule:
        return {"": f"Telling a commanding officer is a {CITATION} duty: it applies to a DAPN only"}
    errors: dict[str, str] = {}
    if service_person is None:
        errors["service_person"] = "Say whether you believe the perpetrator is subject to service law"
    elif service_person and service_accommodation is None:
        errors["service_accommodation"] = "Say whether you believe the premises are service living accommodation"
    if errors:
        return errors
    duty = commanding_officer_duty(regime, service_person=service_person, service_accommodation=service_accommodation,
                                   provisions=provisions)
    if not duty:
        if informed_at is not None or how.strip():
            errors["informed_date"] = ("The commanding officer is told only where the notice keeps a service person out of, "
                                       "or requires them to leave, service accommodation: leave this blank")
        return errors
    if informed_at is None:
        errors["informed_date"] = "Enter when the commanding officer was informed, or when the last effort was made"
    elif informed_at > now:
        errors["informed_date"] = "This cannot be in the future"
    elif not_before is not None and informed_at < not_before:
        errors["informed_date"] = "This cannot be before the notice was authorised"
    if not how.strip():
        errors["informed_how"] = "Say how the commanding officer was informed, or the reasonable efforts made"
    elif len(how.strip()) > 2000:
        errors["informed_how"] = "Keep this to 2000 characters"
    return errors
