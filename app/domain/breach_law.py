"""What the law lets a court do about a breach, by what was breached. Pure: no Flask, no database.

Three different things can be breached, and the law treats each differently:

- **a notice** (DVPN or DAPN) is neither an offence nor a contempt. A person arrested for
  breaching it is held in custody and brought before the magistrates' court within 24
  hours (Sundays and holidays disregarded) or, if earlier, at the hearing of the
  application (DAA 2021 s.26(2), (4); CSA 2010 s.26(2), (4)). Brought in within the 24
  hours, the court "may remand the person" (DAA 2021 s.26(5)), on bail with any
  requirement needed to stop P interfering with witnesses or obstructing justice (s.26(7));
  brought to the hearing, it may remand P if it adjourns the hearing (s.29(8)); CSA 2010
  s.26 and s.30 are to the same effect for a DVPN. There is no finding and no sanction: the
  breach is weighed at the hearing of the application.
- **a DVPO** is a court order whose breach is dealt with as a contempt under the
  Magistrates' Courts Act 1980 s.63(3) (applied by CSA 2010 s.29): a sum not exceeding
  £50 for every day in default or not exceeding £5,000, or committal to custody for a
  period not exceeding 2 months; where the court adjourns, it may remand P (CSA 2010
  s.29, s.30). The arrested person is brought before the court within 24 hours, days
  disregarded as for the hearing (CSA 2010 s.29).
- **a DAPO**: breach without reasonable excuse is an offence (DAA 2021 s.39(1)), and the
  constable's power to arrest without warrant is the ordinary one for an offence (DAA
  2021 s.40(9): "see section 24 of the Police and Criminal Evidence Act 1984"). The
  clock is therefore PACE's, not a Sunday-skipping one: a person "shall not be kept in
  police detention for more than 24 hours without being charged" (PACE 1984 s.41(1)),
  counted from "the relevant time" (s.41(2)), which is never before the arrest. The
  civil contempt limits of MCA 1980 s.63(3) do not apply, so they are not recordable;
  the criminal outcome is the next piece of work (issue 13).

Checked against legislation.gov.uk: DAA 2021 s.26, s.29(2)-(8), s.39, s.40(9); PACE 1984
s.41(1)-(2). CSA 2010 s.26, s.29 and s.30 are cited from the Home Office's DVPO guidance
(Appendix A, the Act's text), as legislation.gov.uk's text of those sections could not be
read here; MCA 1980 s.63(3)'s limits are as the issue and that guidance state them.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta


class BreachOf(enum.StrEnum):
    NOTICE = "notice"
    DVPO = "dvpo"
    DAPO = "dapo"


def breach_of(order_kind: str | None) -> BreachOf:
    """What a breach was of: the order's kind ("dvpo" or "dapo") when it was a breach of an
    order, None when it was a breach of the notice."""
    if order_kind is None:
        return BreachOf.NOTICE
    return BreachOf(order_kind)


class BreachOutcome(enum.StrEnum):
    """The court's final disposal of a breach. An adjournment is not one: it is an
    appearance (with or without remand) after which the breach still awaits the court."""

    PROVED = "proved"
    NOT_PROVED = "not_proved"
    ADJOURNED = "adjourned"  # recorded before remand existed: read, never newly recorded
    BROUGHT_BEFORE_COURT = "brought_before_court"

    @property
    def label(self) -> str:
        return {
            "proved": "Proved",
            "not_proved": "Not proved",
            "adjourned": "Adjourned",
            "brought_before_court": "Brought before the court (weighed at the hearing of the application)",
        }[self.value]


class RemandKind(enum.StrEnum):
    CUSTODY = "custody"
    BAIL = "bail"
    NONE = "none"

    @property
    def label(self) -> str:
        return {"custody": "Remanded in custody", "bail": "Remanded on bail", "none": "Not remanded"}[self.value]


# What the court did at an appearance for a breach, as the form offers it. ADJOURN is not an
# outcome: the breach stays with the court.
ADJOURN = "adjourn"


@dataclass(frozen=True)
class BreachLaw:
    of: BreachOf
    # What may be recorded at an appearance: outcome values, and ADJOURN where the court may adjourn.
    decisions: tuple[str, ...]
    decision_labels: dict[str, str]
    # The civil contempt limits, where they apply (None: no fine or custody may be recorded).
    max_fine_pence: int | None
    max_custody_days: int | None
    arrest_clock: str  # what the clock of an open arrest means
    remand_basis: str
    sanction_basis: str

    def may_adjourn(self) -> bool:
        return ADJOURN in self.decisions

    @property
    def allows_sanction(self) -> bool:
        return self.max_fine_pence is not None or self.max_custody_days is not None


# MCA 1980 s.63(3): "a sum not exceeding £5,000" or "custody ... for a period not exceeding 2
# months". Two calendar months are at most 62 days, so 62 is the most that can be recorded.
CONTEMPT_MAX_FINE_PENCE = 5000_00
CONTEMPT_MAX_CUSTODY_DAYS = 62

LAWS: dict[BreachOf, BreachLaw] = {
    BreachOf.NOTICE: BreachLaw(
        of=BreachOf.NOTICE,
        decisions=(BreachOutcome.BROUGHT_BEFORE_COURT.value,),
        decision_labels={BreachOutcome.BROUGHT_BEFORE_COURT.value: "Brought before the court"},
        max_fine_pence=None,
        max_custody_days=None,
        arrest_clock="before the court within 24 hours (Sundays and holidays disregarded), or at the hearing of the "
                     "application if that is earlier",
        remand_basis="The court may remand P in custody or on bail, with requirements (DAA 2021 s.26(5)-(7) and "
                     "s.29(8); CSA 2010 s.26 and s.30).",
        sanction_basis="A breach of the notice is not an offence or a contempt: the court cannot fine or commit for "
                       "it. It is weighed at the hearing of the application.",
    ),
    BreachOf.DVPO: BreachLaw(
        of=BreachOf.DVPO,
        decisions=(BreachOutcome.PROVED.value, BreachOutcome.NOT_PROVED.value, ADJOURN),
        decision_labels={BreachOutcome.PROVED.value: "Breach proved", BreachOutcome.NOT_PROVED.value: "Breach not proved",
                         ADJOURN: "Adjourned"},
        max_fine_pence=CONTEMPT_MAX_FINE_PENCE,
        max_custody_days=CONTEMPT_MAX_CUSTODY_DAYS,
        arrest_clock="before the court within 24 hours (Sundays and holidays disregarded)",
        remand_basis="If the court adjourns, it may remand P in custody or on bail (CSA 2010 s.29 and s.30).",
        sanction_basis="Contempt under the Magistrates' Courts Act 1980 s.63(3): a fine of up to £50 a day in default "
                       "or up to £5,000, or committal to custody for up to 2 months.",
    ),
    BreachOf.DAPO: BreachLaw(
        of=BreachOf.DAPO,
        decisions=(BreachOutcome.PROVED.value, BreachOutcome.NOT_PROVED.value, ADJOURN),
        decision_labels={BreachOutcome.PROVED.value: "Convicted of the offence", BreachOutcome.NOT_PROVED.value:
                         "Not convicted, or no further action", ADJOURN: "Adjourned"},
        max_fine_pence=None,
        max_custody_days=None,
        arrest_clock="charged or released within 24 hours of the arrest, under PACE 1984 s.41 (no days disregarded)",
        remand_basis="An offence: bail or remand follow the criminal process (Bail Act 1976).",
        sanction_basis="Breach of a DAPO is an offence (DAA 2021 s.39): the sentence is recorded with the criminal "
                       "case, not as a civil contempt.",
    ),
}


def law_for(of: BreachOf | str) -> BreachLaw:
    return LAWS[BreachOf(of)]


PACE_DETENTION = timedelta(hours=24)


def pace_detention_limit(arrested_at: datetime) -> datetime:
    """The latest P arrested for an offence (breach of a DAPO, DAA 2021 s.39) may be held
    without charge: "a person shall not be kept in police detention for more than 24 hours
    without being charged" (PACE 1984 s.41(1)). The 24 hours run from "the relevant time"
    (s.41(2)): arrival at the police station, never before the arrest; counting from the
    arrest is therefore never later than the law's limit. Real elapsed hours: PACE
    disregards no day. Extensions (s.42, s.43) are decisions, recorded elsewhere.
    """
    if not isinstance(arrested_at, datetime) or arrested_at.tzinfo is None or arrested_at.utcoffset() is None:
        raise ValueError("arrested_at must be a timezone-aware datetime")
    return (arrested_at.astimezone(UTC) + PACE_DETENTION).astimezone(arrested_at.tzinfo)


def appearance_errors(
    law: BreachLaw, *, decision: str | None, appeared_at: datetime | None, arrested_at: datetime | None,
    occurred_at: datetime, now: datetime, remand: RemandKind | None, remand_until: datetime | None,
    bail_requirements: str, fine_pence: int | None, custody_days: int | None,
) -> dict[str, str]:
    """Why what was typed about P's appearance before the court for a breach cannot be
    recorded (field name to message; empty when it can).

    - only the decisions the law allows for what was breached (`law.decisions`);
    - a fine or custody only for a proved DVPO breach and within MCA 1980 s.63(3);
      never for a notice (no offence, no contempt) or a DAPO (an offence: criminal
      sentence, not contempt limits);
    - remand only where the court may remand: a notice breach (DAA 2021 s.26(5), s.29(8);
      CSA 2010 s.26) or an adjournment (CSA 2010 s.29, DAA 2021 s.29(8)), and a remand
      until a time after the appearance; bail requirements only with bail (s.26(7));
    - the appearance after the arrest (or the breach) and not in the future;
    - a breach of the notice without an arrest never comes before the court by itself
      (DAA 2021 s.26(2) brings only an arrested person): nothing to record.
    """
    errors: dict[str, str] = {}
    if law.of is BreachOf.NOTICE and arrested_at is None:
        return {"": "P was not arrested for this breach of the notice, so P is not brought before the court for it: "
                    "it is weighed at the hearing of the application"}
    if decision is None or decision not in law.decisions:
        errors["decision"] = "Choose what the court did"
    if appeared_at is None:
        errors["appeared_date"] = "Enter when P was before the court"
    elif appeared_at > now:
        errors["appeared_date"] = "The appearance cannot be in the future"
    elif arrested_at is not None and appeared_at < arrested_at:
        errors["appeared_date"] = "P cannot have been before the court before the arrest"
    elif appeared_at < occurred_at:
        errors["appeared_date"] = "P cannot have been before the court for a breach before it happened"

    proved = decision == BreachOutcome.PROVED.value
    if fine_pence is not None or custody_days is not None:
        if not law.allows_sanction:
            errors["fine"] = law.sanction_basis
        elif not proved:
            errors["fine"] = "A fine or custody can only follow a breach found proved"
        else:
            if fine_pence is not None and not 0 < fine_pence <= law.max_fine_pence:
                errors["fine"] = "A fine for breach of the order is at most £5,000 (Magistrates' Courts Act 1980 s.63(3))"
            if custody_days is not None and not 0 < custody_days <= law.max_custody_days:
                errors["custody_days"] = (f"Committal for breach of the order is at most 2 months ({law.max_custody_days} "
                                          "days) (Magistrates' Courts Act 1980 s.63(3))")
            if fine_pence and custody_days:
                errors["custody_days"] = "The court may fine or commit to custody for the contempt, not both (s.63(3))"

    may_remand = law.of is BreachOf.NOTICE or (decision == ADJOURN and law.of is BreachOf.DVPO)
    if decision == ADJOURN and law.of is BreachOf.DVPO and remand is None:
        errors["remand"] = "Say whether the court remanded P"
    if law.of is BreachOf.NOTICE and remand is None:
        errors["remand"] = "Say whether the court remanded P"
    if remand in (RemandKind.CUSTODY, RemandKind.BAIL):
        if not may_remand:
            errors["remand"] = ("The court remands P only when it adjourns" if law.of is BreachOf.DVPO
                                else law.remand_basis)
        elif remand_until is None:
            errors["remand_until_date"] = "Enter when P is remanded until (the next listing)"
        elif appeared_at is not None and remand_until <= appeared_at:
            errors["remand_until_date"] = "The remand must run to a time after the appearance"
    if bail_requirements.strip() and remand is not RemandKind.BAIL:
        errors["bail_requirements"] = "Bail requirements go with a remand on bail"
    return errors
