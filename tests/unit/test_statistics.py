"""app.domain.statistics against published worked examples and hand formulas (issue 17).

Newcombe's examples are Table II of R. G. Newcombe, Statistics in Medicine 17:873-890
(1998), method 10 (the hybrid score interval), to the 4 decimals printed there. The
formula was also checked against an independent implementation (the R package
contingencytables, Newcombe_hybrid_score_CI_2x2.R: the same squares of the Wilson limits).
The trial's figures (7 of 25 arrested in the control arm, 1 of 25 texted) are worked here
with the formulas written out again, not by calling the module under test.
"""
from __future__ import annotations

import math
from fractions import Fraction

import pytest

from app.domain import statistics
from app.domain.statistics import MIN_ANALYSED_PER_ARM, compare_proportions, too_few_to_conclude, wilson_interval

Z = 1.959963984540054  # the 97.5th centile of the standard normal


def hand_wilson(x: int, n: int) -> tuple[float, float]:
    p, q = x / n, 1 - x / n
    root = Z * math.sqrt(Z * Z + 4 * n * p * q)
    return (2 * n * p + Z * Z - root) / (2 * (n + Z * Z)), (2 * n * p + Z * Z + root) / (2 * (n + Z * Z))


def hand_fisher_two_sided(a: int, n1: int, b: int, n2: int) -> float:
    """Sum of the hypergeometric probabilities of the tables with the same margins that are no
    more probable than the one observed, in exact fractions."""
    events, total = a + b, n1 + n2

    def probability(x: int) -> Fraction:
        return Fraction(math.comb(n1, x) * math.comb(n2, events - x), math.comb(total, events))

    observed = probability(a)
    tables = range(max(0, events - n2), min(events, n1) + 1)
    return float(sum(p for p in map(probability, tables) if p <= observed))


# (a, n1, b, n2, published method-10 lower, upper): Newcombe 1998, Table II, examples (a)-(h).
NEWCOMBE_TABLE_II = [
    (56, 70, 48, 80, 0.0524, 0.3339),
    (9, 10, 3, 10, 0.1705, 0.8090),
    (6, 7, 2, 7, 0.0582, 0.8062),
    (5, 56, 0, 29, -0.0381, 0.1926),
    (0, 10, 0, 20, -0.1611, 0.2775),
    (0, 10, 0, 10, -0.2775, 0.2775),
    (10, 10, 0, 20, 0.6791, 1.0000),
    (10, 10, 0, 10, 0.6075, 1.0000),
]


@pytest.mark.parametrize(("a", "n1", "b", "n2", "low", "high"), NEWCOMBE_TABLE_II)
def test_the_difference_interval_matches_newcombes_table_ii(a, n1, b, n2, low, high):
    result = compare_proportions(a, n1, b, n2)
    assert result.risk_difference == pytest.approx(a / n1 - b / n2)
    assert round(result.rd_ci[0], 4) == low and round(result.rd_ci[1], 4) == high


def test_newcombes_first_example_in_full():
    """56/70 against 48/80: rates 0.8 and 0.6, difference 0.2000 (0.0524 to 0.3339)."""
    result = compare_proportions(56, 70, 48, 80)
    assert (result.a_rate, result.b_rate) == (0.8, 0.6)
    assert round(result.risk_difference, 4) == 0.2
    assert result.risk_ratio == pytest.approx(0.8 / 0.6)
    se = math.sqrt(1 / 56 - 1 / 70 + 1 / 48 - 1 / 80)
    assert result.rr_ci == pytest.approx((0.8 / 0.6 * math.exp(-Z * se), 0.8 / 0.6 * math.exp(Z * se)))


def test_wilson_interval_by_hand_and_at_the_edges():
    assert wilson_interval(7, 25) == pytest.approx(hand_wilson(7, 25))
    assert wilson_interval(0, 10)[0] == 0.0 and wilson_interval(10, 10)[1] == 1.0
    # Wilson's interval for 0/10 reaches up to z^2 / (n + z^2).
    assert wilson_interval(0, 10)[1] == pytest.approx(Z * Z / (10 + Z * Z))


def test_fisher_matches_known_tables():
    # Fisher's lady tasting tea: 3 of 4 right each way, two-sided p = 34/70.
    assert compare_proportions(3, 4, 1, 4).fisher_p == pytest.approx(34 / 70)
    # scipy's documented example (8 whales and 1 shark against 2 whales and 5 sharks): 0.0349650...
    assert compare_proportions(8, 9, 2, 7).fisher_p == pytest.approx(0.03496503496503495)
    assert compare_proportions(8, 9, 2, 7).fisher_p == pytest.approx(hand_fisher_two_sided(8, 9, 2, 7))
    assert compare_proportions(0, 10, 0, 20).fisher_p == 1.0


def test_the_issues_trial_seven_of_25_control_against_one_of_25_texted():
    """Durham's headline shape: 28% of the control arm arrested against 4% of those texted.

    By hand: control 7/25 = 0.28, Wilson 0.1428 to 0.4758; texted 1/25 = 0.04, Wilson 0.0071
    to 0.1954; difference 0.24, Newcombe 0.0327 to 0.4385; ratio 7.0, Katz 0.928 to 52.80
    (it crosses 1 while the difference's interval does not cross 0: the log interval is wide
    with one event); Fisher's two-sided p 0.0488.
    """
    result = compare_proportions(7, 25, 1, 25)
    (l1, u1), (l2, u2) = hand_wilson(7, 25), hand_wilson(1, 25)
    assert (round(l1, 4), round(u1, 4), round(l2, 4), round(u2, 4)) == (0.1428, 0.4758, 0.0071, 0.1954)
    low = 0.24 - math.sqrt((0.28 - l1) ** 2 + (u2 - 0.04) ** 2)
    high = 0.24 + math.sqrt((u1 - 0.28) ** 2 + (0.04 - l2) ** 2)
    assert (round(low, 4), round(high, 4)) == (0.0327, 0.4385)
    assert (result.a_rate, result.b_rate) == (0.28, 0.04)
    assert result.risk_difference == pytest.approx(0.24)
    assert result.rd_ci == pytest.approx((low, high))
    assert result.risk_ratio == pytest.approx(7.0)
    se = math.sqrt(1 / 7 - 1 / 25 + 1 / 1 - 1 / 25)
    assert result.rr_ci == pytest.approx((7 * math.exp(-Z * se), 7 * math.exp(Z * se)))
    assert (round(result.rr_ci[0], 3), round(result.rr_ci[1], 2)) == (0.928, 52.80)
    assert result.fisher_p == pytest.approx(hand_fisher_two_sided(7, 25, 1, 25))
    assert round(result.fisher_p, 4) == 0.0488
    assert not result.rd_interval_includes_zero


def test_the_other_way_round_mirrors_the_difference():
    forward, backward = compare_proportions(7, 25, 1, 25), compare_proportions(1, 25, 7, 25)
    assert backward.rd_ci == pytest.approx((-forward.rd_ci[1], -forward.rd_ci[0]))
    assert backward.risk_ratio == pytest.approx(1 / 7) and backward.fisher_p == pytest.approx(forward.fisher_p)


def test_the_risk_ratio_where_an_arm_has_no_events():
    none_in_b = compare_proportions(5, 56, 0, 29)
    assert none_in_b.risk_ratio is None and none_in_b.rr_ci is None
    none_in_a = compare_proportions(0, 29, 5, 56)
    assert none_in_a.risk_ratio == 0.0 and none_in_a.rr_ci is None
    assert compare_proportions(0, 10, 0, 10).risk_ratio is None


@pytest.mark.parametrize(("counts", "message"), [
    ((0, 0, 1, 10), "a total must be at least 1"), ((1, 10, 0, 0), "b total must be at least 1"),
    ((-1, 10, 1, 10), "must not be negative"), ((1, 10, -1, 10), "must not be negative"),
    ((11, 10, 1, 10), "cannot be more than"), ((1, 10, 11, 10), "cannot be more than"),
    ((1.5, 10, 1, 10), "whole number"), ((True, 10, 1, 10), "whole number"), ((1, -5, 1, 10), "at least 1"),
])
def test_impossible_counts_raise_value_error(counts, message):
    with pytest.raises(ValueError, match=message):
        compare_proportions(*counts)


def test_too_few_to_conclude_below_the_minimum_in_either_arm():
    assert MIN_ANALYSED_PER_ARM == 30
    assert too_few_to_conclude(25, 25) and too_few_to_conclude(29, 300) and too_few_to_conclude(300, 29)
    assert not too_few_to_conclude(30, 30)


def test_z_is_the_975th_centile():
    assert statistics.Z == pytest.approx(Z, abs=1e-12)


# -- the trial's analysis (app/domain/trial_analysis.py) ------------------------------------------

def _case(arm, *, arrested=False, breached=False, days=28, risk="high", age="25-34"):
    from app.domain.trial_analysis import AnalysedCase

    return AnalysedCase(arm=arm, order_days=days, risk_level=risk, age_band=age, arrested=arrested,
                        breached=breached or arrested)


def test_the_analysis_compares_texted_with_control():
    from app.domain.randomiser import Arm
    from app.domain.trial_analysis import outcomes

    cases = ([_case(Arm.CONTROL, arrested=n < 7) for n in range(25)]
             + [_case(Arm.INTERVENTION, arrested=n < 1, breached=n < 2) for n in range(25)])
    arrests, breaches = outcomes(cases)
    assert (arrests.counts.texted_events, arrests.counts.control_events) == (1, 7)
    assert arrests.counts.comparison.risk_difference == pytest.approx(-0.24)  # texted minus control
    assert (breaches.counts.texted_events, breaches.counts.control_events) == (2, 7)
    assert arrests.counts.too_few


def test_an_arm_with_no_cases_has_no_comparison():
    from app.domain.randomiser import Arm
    from app.domain.trial_analysis import compare

    counts = compare([_case(Arm.CONTROL, arrested=True)])
    assert counts.comparison is None and (counts.control_events, counts.control_total, counts.texted_total) == (1, 1, 0)


@pytest.mark.parametrize(("days", "band"), [
    (1, "14 days or fewer"), (14, "14 days or fewer"), (15, "15 to 21 days"), (21, "15 to 21 days"),
    (22, "22 days or more"), (365, "22 days or more"), (None, "Until further order"),
])
def test_order_length_bands_are_the_trials_strata(days, band):
    from app.domain.trial_analysis import length_band

    assert length_band(days) == band


def test_subgroups_in_order_with_small_ones_marked():
    from app.domain.randomiser import Arm
    from app.domain.trial_analysis import subgroups

    cases = ([_case(Arm.CONTROL, age="55 or over", risk="standard") for _ in range(10)]
             + [_case(Arm.INTERVENTION, age="55 or over", risk="standard") for _ in range(10)]
             + [_case(Arm.CONTROL, age="18-24", days=None, risk=None), _case(Arm.INTERVENTION, age=None, days=14)])
    ages, lengths, risks = subgroups(cases)
    assert [row.label for row in ages.rows] == ["18-24", "55 or over", "Age not known"]
    assert [row.small for row in ages.rows] == [True, False, True]
    assert [row.label for row in lengths.rows] == ["14 days or fewer", "22 days or more", "Until further order"]
    assert [row.label for row in risks.rows] == ["Standard", "High", "Risk not recorded"]
