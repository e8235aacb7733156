"""Breach of a DAPO (DAA 2021 s.39): the criminal path, contempt instead but never both,
imprisonment within s.39(5), and no conditional discharge (s.39(6))."""
from datetime import UTC, datetime, timedelta

import pytest

from app.domain.criminal_breach import (
    ChargeDecision,
    Route,
    Sentence,
    Step,
    StepFact,
    StepInput,
    TermUnit,
    Verdict,
    ends_detention,
    max_months,
    settles,
    step_errors,
    term_within,
)

BREACH = datetime(2026, 11, 21, 21, 30, tzinfo=UTC)
ARREST = BREACH + timedelta(minutes=30)
NOW = BREACH + timedelta(days=60)
T = BREACH + timedelta(days=1)

CHARGED = StepFact(Step.CHARGE, ChargeDecision.CHARGED.value, T)
CONVICTED_SUMMARY = StepFact(Step.VERDICT, Verdict.CONVICTED.value, T, Route.SUMMARY.value)
CONVICTED_INDICTMENT = StepFact(Step.VERDICT, Verdict.CONVICTED.value, T, Route.INDICTMENT.value)
CONTEMPT = StepFact(Step.CONTEMPT, None, T)


def errs(new, *steps, arrested_at=ARREST):
    return step_errors(new, list(steps), occurred_at=BREACH, arrested_at=arrested_at, now=NOW)


def sentence(value, **kw):
    return StepInput(step=Step.SENTENCE, at=T + timedelta(days=2), value=value, **kw)


def test_no_conditional_discharge():
    assert "s.39(6)" in errs(sentence(Sentence.CONDITIONAL_DISCHARGE.value), CHARGED, CONVICTED_SUMMARY)["value"]


def test_contempt_then_conviction_is_refused():
    convict = StepInput(step=Step.VERDICT, at=T + timedelta(days=1), value=Verdict.CONVICTED.value, route=Route.SUMMARY)
    assert "s.39(4)" in errs(convict, CHARGED, CONTEMPT)["value"]
    acquit = StepInput(step=Step.VERDICT, at=T + timedelta(days=1), value=Verdict.ACQUITTED.value)
    assert errs(acquit, CHARGED, CONTEMPT) == {}


def test_conviction_then_contempt_is_refused():
    contempt = StepInput(step=Step.CONTEMPT, at=T + timedelta(days=1), details="Family court: committed 28 days")
    assert "s.39(3)" in errs(contempt, CHARGED, CONVICTED_SUMMARY)["step"]
    assert errs(contempt) == {}  # the civil route, with no prosecution
    assert "already" in errs(contempt, CONTEMPT)["step"]


@pytest.mark.parametrize(("conviction", "term", "unit", "ok"), [
    (CONVICTED_SUMMARY, 12, TermUnit.MONTHS, True),  # the general limit in a magistrates' court
    (CONVICTED_SUMMARY, 13, TermUnit.MONTHS, False),
    (CONVICTED_SUMMARY, 52, TermUnit.WEEKS, True),
    (CONVICTED_SUMMARY, 53, TermUnit.WEEKS, False),
    (CONVICTED_INDICTMENT, 60, TermUnit.MONTHS, True),  # 5 years (s.39(5)(b))
    (CONVICTED_INDICTMENT, 61, TermUnit.MONTHS, False),
    (CONVICTED_INDICTMENT, 260, TermUnit.WEEKS, True),
    (CONVICTED_INDICTMENT, 261, TermUnit.WEEKS, False),
    (CONVICTED_SUMMARY, 0, TermUnit.WEEKS, False),
])
def test_imprisonment_within_s39_5(conviction, term, unit, ok):
    result = errs(sentence(Sentence.IMPRISONMENT.value, term=term, term_unit=unit), CHARGED, conviction)
    assert (result == {}) is ok, result


def test_a_fine_has_no_civil_cap_and_goes_with_imprisonment():
    # The £5,000 contempt cap (MCA 1980 s.63(3)) never applies to a DAPO.
    assert errs(sentence(Sentence.FINE.value, fine_pence=20_000_00), CHARGED, CONVICTED_SUMMARY) == {}
    both = sentence(Sentence.IMPRISONMENT.value, term=26, term_unit=TermUnit.WEEKS, fine_pence=500_00)
    assert errs(both, CHARGED, CONVICTED_SUMMARY) == {}
    assert "fine" in errs(sentence(Sentence.FINE.value), CHARGED, CONVICTED_SUMMARY)
    assert "term" in errs(sentence(Sentence.IMPRISONMENT.value), CHARGED, CONVICTED_SUMMARY)
    assert "term" in errs(sentence(Sentence.COMMUNITY.value, term=4, term_unit=TermUnit.WEEKS), CHARGED, CONVICTED_SUMMARY)


def test_order_of_steps():
    at = T + timedelta(hours=1)
    assert "step" in errs(sentence(Sentence.FINE.value, fine_pence=100), CHARGED)  # no conviction yet
    assert "step" in errs(StepInput(step=Step.PLEA, at=at, value="guilty"))  # not charged
    assert "step" in errs(StepInput(step=Step.VERDICT, at=at, value="acquitted"))
    assert "step" in errs(StepInput(step=Step.REMAND, at=at, value="custody", until=at + timedelta(days=1)))
    assert "step" in errs(StepInput(step=Step.CHARGE, at=at, value="charged"), CHARGED)
    assert "step" in errs(StepInput(step=Step.VERDICT, at=at, value="acquitted"), CHARGED, CONVICTED_SUMMARY)
    nfa = StepFact(Step.CHARGE, ChargeDecision.NFA.value, T)
    assert "" in errs(StepInput(step=Step.CHARGE, at=at, value="charged"), nfa)
    assert "route" in errs(StepInput(step=Step.VERDICT, at=at, value="convicted"), CHARGED)
    assert "until_date" in errs(StepInput(step=Step.CHARGE, at=at, value="bail"))
    assert errs(StepInput(step=Step.CHARGE, at=at, value="bail", until=at + timedelta(days=28))) == {}
    assert errs(StepInput(step=Step.CHARGE, at=at, value="rui")) == {}
    assert "step" in errs(StepInput(step=Step.CUSTODY, at=at, details="Northfield"), arrested_at=None)
    assert "at_date" in errs(StepInput(step=Step.CHARGE, at=BREACH - timedelta(minutes=1), value="rui"))
    assert "at_date" in errs(StepInput(step=Step.CHARGE, at=NOW + timedelta(minutes=1), value="rui"))
    assert "step" in errs(StepInput(step=None, at=at))


def test_settles_and_stops_the_pace_clock():
    assert settles(Step.VERDICT, "convicted") == "proved" and settles(Step.VERDICT, "acquitted") == "not_proved"
    assert settles(Step.CONTEMPT, None) == "proved" and settles(Step.CHARGE, "nfa") == "not_proved"
    assert settles(Step.CHARGE, "charged") is None and settles(Step.PLEA, "guilty") is None
    assert all(ends_detention(Step.CHARGE, c.value) for c in ChargeDecision)
    assert not ends_detention(Step.CUSTODY, None)


def test_limits():
    assert max_months(Route.SUMMARY, datetime(2026, 1, 1).date()) == 12
    assert max_months(Route.SUMMARY, datetime(2022, 5, 1).date()) == 6  # before 2 May 2022
    assert max_months(Route.INDICTMENT, datetime(2026, 1, 1).date()) == 60
    assert term_within(12, TermUnit.MONTHS, 12) and not term_within(53, TermUnit.WEEKS, 12)
