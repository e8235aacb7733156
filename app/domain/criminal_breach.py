"""Breach of a DAPO: the criminal path, or contempt, never both. Pure: no Flask, no database.

Checked against legislation.gov.uk (DAA 2021 s.39, revised text):

- s.39(1): failing without reasonable excuse to comply with any requirement of a DAPO is
  an offence. After an arrest (PACE 1984 s.24, by s.40(9)) P is in police custody and is
  charged or released (PACE s.41(1): 24 hours without charge): the charging decision.
- s.39(3): once P "is convicted of an offence under this section in respect of any
  behaviour, that behaviour is not punishable as a contempt of court".
- s.39(4): P "may not be convicted of an offence under this section in respect of any
  behaviour which has been punished as a contempt of court". A DAPO made by a family or
  civil court (s.31) may be enforced by contempt there: the app records either route, and
  refuses the second once one has punished the breach.
- s.39(5): (a) on summary conviction, imprisonment not exceeding "the general limit in a
  magistrates' court" (or 6 months for an offence before 2 May 2022), or a fine, or both;
  (b) on indictment, imprisonment not exceeding 5 years, or a fine, or both. The fine has
  no statutory cap on either route.
- s.39(6): "it is not open to the court ... to make ... an order under section 80 of the
  Sentencing Code (conditional discharge)".

The general limit in a magistrates' court is 12 months for every DAPO: DAPOs exist only
from 27 November 2024 (the pilot), after the limit went back to 12 months; the text of the
order restoring it was not read here (docs/law.md). The civil contempt caps of the
Magistrates' Courts Act 1980 s.63(3) (£5,000, 2 months) never apply to a DAPO.
"""
from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from app.domain.calendar import LONDON

SUMMARY_MAX_MONTHS = 12  # the general limit in a magistrates' court (s.39(5)(a)(i))
INDICTMENT_MAX_MONTHS = 60  # 5 years (s.39(5)(b))
BEFORE_GENERAL_LIMIT = date(2022, 5, 2)  # an offence before this: 6 months on summary conviction
EARLIER_SUMMARY_MAX_MONTHS = 6


class Step(enum.StrEnum):
    CUSTODY = "custody"
    CHARGE = "charge"
    REMAND = "remand"
    PLEA = "plea"
    VERDICT = "verdict"
    SENTENCE = "sentence"
    CONTEMPT = "contempt"

    @property
    def label(self) -> str:
        return {
            "custody": "P in police custody", "charge": "Charging decision", "remand": "Remanded by the court",
            "plea": "Plea", "verdict": "Verdict", "sentence": "Sentence",
            "contempt": "Punished as a contempt of court (the order's court, not a prosecution)",
        }[self.value]


class ChargeDecision(enum.StrEnum):
    CHARGED = "charged"
    NFA = "nfa"
    RUI = "rui"
    BAIL = "bail"

    @property
    def label(self) -> str:
        return {"charged": "Charged", "nfa": "No further action", "rui": "Released under investigation",
                "bail": "Released on police bail (not charged)"}[self.value]


class Plea(enum.StrEnum):
    GUILTY = "guilty"
    NOT_GUILTY = "not_guilty"

    @property
    def label(self) -> str:
        return {"guilty": "Guilty", "not_guilty": "Not guilty"}[self.value]


class Verdict(enum.StrEnum):
    CONVICTED = "convicted"
    ACQUITTED = "acquitted"

    @property
    def label(self) -> str:
        return {"convicted": "Convicted", "acquitted": "Acquitted (or the case dropped)"}[self.value]


class Route(enum.StrEnum):
    SUMMARY = "summary"
    INDICTMENT = "indictment"

    @property
    def label(self) -> str:
        return {"summary": "Summary conviction (magistrates' court)",
                "indictment": "Conviction on indictment (Crown Court)"}[self.value]


class Sentence(enum.StrEnum):
    IMPRISONMENT = "imprisonment"
    SUSPENDED = "suspended"
    COMMUNITY = "community"
    FINE = "fine"
    ABSOLUTE_DISCHARGE = "absolute_discharge"
    OTHER = "other"
    # Never open to the court (s.39(6)): kept so that a request for it is refused by name.
    CONDITIONAL_DISCHARGE = "conditional_discharge"

    @property
    def label(self) -> str:
        return {
            "imprisonment": "Imprisonment", "suspended": "Suspended sentence of imprisonment",
            "community": "Community order", "fine": "Fine only", "absolute_discharge": "Absolute discharge",
            "other": "Another sentence (say what)", "conditional_discharge": "Conditional discharge",
        }[self.value]

    @property
    def has_term(self) -> bool:
        return self in (Sentence.IMPRISONMENT, Sentence.SUSPENDED)


SENTENCES_OFFERED = [s for s in Sentence if s is not Sentence.CONDITIONAL_DISCHARGE]


class TermUnit(enum.StrEnum):
    WEEKS = "weeks"
    MONTHS = "months"


@dataclass(frozen=True)
class StepFact:
    """A step already recorded, as the rules need it."""

    step: Step
    value: str | None
    at: datetime
    route: str | None = None


@dataclass(frozen=True)
class StepInput:
    step: Step | None
    at: datetime | None
    value: str | None = None  # the charge decision, plea, verdict or sentence
    route: Route | None = None
    until: datetime | None = None
    term: int | None = None
    term_unit: TermUnit | None = None
    fine_pence: int | None = None
    details: str = ""


def max_months(route: Route, occurred_on: date) -> int:
    """The longest term of imprisonment for the offence by route (s.39(5))."""
    if route is Route.INDICTMENT:
        return INDICTMENT_MAX_MONTHS
    return EARLIER_SUMMARY_MAX_MONTHS if occurred_on < BEFORE_GENERAL_LIMIT else SUMMARY_MAX_MONTHS


def term_within(term: int, unit: TermUnit, months: int) -> bool:
    """A term in weeks or months within `months`. Weeks count as 7 days against 365 days
    a year: 52 weeks fit in 12 months and 53 do not; 260 fit in 60 months and 261 do not."""
    if unit is TermUnit.MONTHS:
        return term <= months
    return term * 7 <= months * 365 // 12


def _value(steps: Sequence[StepFact], step: Step) -> list[StepFact]:
    return [s for s in steps if s.step is step]


def step_errors(
    new: StepInput, steps: Sequence[StepFact], *, occurred_at: datetime, arrested_at: datetime | None, now: datetime,
) -> dict[str, str]:
    """Why the step typed cannot be recorded for a DAPO breach (field to message; empty
    when it can), given the steps already recorded (`steps`)."""
    if new.step is None:
        return {"step": "Choose what to record"}
    errors: dict[str, str] = {}
    charges = _value(steps, Step.CHARGE)
    charged = any(c.value == ChargeDecision.CHARGED for c in charges)
    nfa = any(c.value == ChargeDecision.NFA for c in charges)
    verdicts = _value(steps, Step.VERDICT)
    convicted = next((v for v in verdicts if v.value == Verdict.CONVICTED), None)
    contempt = _value(steps, Step.CONTEMPT)

    if new.at is None:
        errors["at_date"] = "Enter when it happened"
    elif new.at > now:
        errors["at_date"] = "It cannot be in the future"
    elif new.at < (arrested_at or occurred_at):
        errors["at_date"] = "It cannot be before the breach (or the arrest)"

    step = new.step
    if nfa and step is not Step.CONTEMPT:
        errors[""] = "No further action was decided: nothing more follows on the criminal path"
    if step is Step.CUSTODY:
        if arrested_at is None:
            errors["step"] = "P was not arrested for this breach"
        elif _value(steps, Step.CUSTODY):
            errors["step"] = "P's arrival in custody is already recorded"
        if not new.details.strip():
            errors["details"] = "Enter the police station"
    elif step is Step.CHARGE:
        if new.value not in set(ChargeDecision):
            errors["value"] = "Choose the charging decision"
        if charged:
            errors["step"] = "P has already been charged"
        if new.value == ChargeDecision.BAIL:
            if new.until is None:
                errors["until_date"] = "Enter when P must answer bail"
            elif new.at is not None and new.until <= new.at:
                errors["until_date"] = "P answers bail after release"
    elif step is Step.REMAND:
        if not charged:
            errors["step"] = "The court remands P once P has been charged"
        if new.value not in ("custody", "bail"):
            errors["value"] = "Choose custody or bail"
        if new.until is None:
            errors["until_date"] = "Enter when P is remanded until (the next hearing)"
        elif new.at is not None and new.until <= new.at:
            errors["until_date"] = "The remand must run to a time after it was made"
        if new.details.strip() and new.value != "bail":
            errors["details"] = "Bail conditions go with a remand on bail"
    elif step is Step.PLEA:
        if not charged:
            errors["step"] = "P pleads once charged"
        if new.value not in set(Plea):
            errors["value"] = "Choose the plea"
    elif step is Step.VERDICT:
        if not charged:
            errors["step"] = "A verdict follows a charge"
        elif verdicts:
            errors["step"] = "The verdict is already recorded"
        if new.value not in set(Verdict):
            errors["value"] = "Choose the verdict"
        elif new.value == Verdict.CONVICTED:
            if contempt:
                errors["value"] = ("This breach has been punished as a contempt of court: P may not also be "
                                   "convicted of the offence for it (DAA 2021 s.39(4))")
            if new.route is None:
                errors["route"] = "Say whether the conviction was summary or on indictment"
    elif step is Step.SENTENCE:
        errors.update(_sentence_errors(new, convicted, bool(_value(steps, Step.SENTENCE)), occurred_at))
    elif step is Step.CONTEMPT:
        if convicted is not None:
            errors["step"] = ("P has been convicted of the offence for this breach: it is not punishable as a contempt "
                              "of court (DAA 2021 s.39(3))")
        elif contempt:
            errors["step"] = "The contempt is already recorded"
        if not new.details.strip():
            errors["details"] = "Enter the court and what it ordered for the contempt"
    return errors


def _sentence_errors(new: StepInput, convicted: StepFact | None, sentenced: bool, occurred_at: datetime) -> dict[str, str]:
    errors: dict[str, str] = {}
    if convicted is None:
        return {"step": "A sentence follows a conviction"}
    if sentenced:
        return {"step": "The sentence is already recorded"}
    if new.value == Sentence.CONDITIONAL_DISCHARGE:
        return {"value": "A conditional discharge is not open to the court for this offence (DAA 2021 s.39(6))"}
    if new.value not in set(Sentence):
        return {"value": "Choose the sentence"}
    sentence = Sentence(new.value)
    route = Route(convicted.route) if convicted.route else Route.SUMMARY
    limit = max_months(route, occurred_at.astimezone(LONDON).date())
    if sentence.has_term:
        if new.term is None or new.term_unit is None:
            errors["term"] = "Enter the term of imprisonment, in weeks or months"
        elif new.term <= 0:
            errors["term"] = "The term must be more than nothing"
        elif not term_within(new.term, new.term_unit, limit):
            where = ("on summary conviction: the general limit in a magistrates' court (DAA 2021 s.39(5)(a))"
                     if route is Route.SUMMARY else "on indictment (DAA 2021 s.39(5)(b))")
            errors["term"] = f"Imprisonment for this offence is at most {limit} months {where}"
    elif new.term is not None:
        errors["term"] = "A term of imprisonment goes with imprisonment or a suspended sentence"
    if new.fine_pence is not None and new.fine_pence <= 0:
        errors["fine"] = "Enter the fine in pounds, more than nothing"
    if sentence is Sentence.FINE and new.fine_pence is None:
        errors["fine"] = "Enter the fine"
    if sentence is Sentence.ABSOLUTE_DISCHARGE and new.fine_pence is not None:
        errors["fine"] = "An absolute discharge comes without a fine"
    if sentence is Sentence.OTHER and not new.details.strip():
        errors["details"] = "Say what the sentence was"
    return errors


def settles(step: Step, value: str | None) -> str | None:
    """The breach's outcome a step settles ("proved" / "not_proved"), or None."""
    if step is Step.VERDICT:
        return "proved" if value == Verdict.CONVICTED else "not_proved"
    if step is Step.CONTEMPT:
        return "proved"
    if step is Step.CHARGE and value == ChargeDecision.NFA:
        return "not_proved"
    return None


def ends_detention(step: Step, value: str | None) -> bool:
    """A charging decision ends detention without charge (PACE 1984 s.41): the clock stops."""
    return step is Step.CHARGE and value in set(ChargeDecision)
