"""Comparing two proportions, for the reminder-text trial's evaluation (issue 17).

Pure: no Flask, no database. scipy is used for Fisher's exact test only; the intervals are
closed-form and computed here, so each can be checked by hand against the published
examples (tests/unit/test_statistics.py).

- Wilson's score interval for one proportion, without continuity correction (Newcombe 1998,
  method 3; E. B. Wilson, JASA 22:209-212, 1927).
- The risk difference's interval: Newcombe's hybrid score interval, method 10 of R. G.
  Newcombe, "Interval estimation for the difference between independent proportions:
  comparison of eleven methods", Statistics in Medicine 17:873-890 (1998). It combines the
  two Wilson intervals, behaves at 0 and 1 events, and never leaves [-1, 1].
- The risk ratio's interval: the log method (Katz et al., Biometrics 34:469-474, 1978):
  exp(ln RR +- z * sqrt(1/a - 1/n1 + 1/b - 1/n2)).
- Fisher's exact test, two-sided, as scipy.stats.fisher_exact computes it (the tables no
  more probable than the one observed).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

CONFIDENCE = 0.95
Z = NormalDist().inv_cdf(1 - (1 - CONFIDENCE) / 2)  # 1.959963984540054

# Fewer analysed cases than this in either arm and the page says plainly that nothing can be
# concluded yet, whatever the intervals say: at 25 a arm, one case moves a rate by 4 points,
# and a single misrecorded arrest can carry an interval across zero.
MIN_ANALYSED_PER_ARM = 30


@dataclass(frozen=True)
class Comparison:
    """Arm a against arm b: rates, a minus b, a over b, with 95% intervals, and Fisher's p."""

    a_events: int
    a_total: int
    b_events: int
    b_total: int
    a_rate: float
    b_rate: float
    risk_difference: float
    rd_ci: tuple[float, float]
    risk_ratio: float | None
    rr_ci: tuple[float, float] | None
    fisher_p: float

    @property
    def rd_interval_includes_zero(self) -> bool:
        low, high = self.rd_ci
        return low <= 0 <= high


def _check_counts(events: int, total: int, name: str) -> None:
    for value, what in ((events, "events"), (total, "total")):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{name} {what} must be a whole number, got {value!r}")
    if total <= 0:
        raise ValueError(f"{name} total must be at least 1, got {total}: a rate of nothing has no meaning")
    if events < 0:
        raise ValueError(f"{name} events must not be negative, got {events}")
    if events > total:
        raise ValueError(f"{name} events ({events}) cannot be more than its total ({total})")


def wilson_interval(events: int, total: int, z: float = Z) -> tuple[float, float]:
    """Wilson's score interval for events/total (no continuity correction), clipped to [0, 1]
    only against rounding: (2np + z^2 +- z sqrt(z^2 + 4npq)) / (2(n + z^2))."""
    _check_counts(events, total, "the")
    p = events / total
    centre = 2 * total * p + z * z
    spread = z * math.sqrt(z * z + 4 * total * p * (1 - p))
    denominator = 2 * (total + z * z)
    low = 0.0 if events == 0 else (centre - spread) / denominator
    high = 1.0 if events == total else (centre + spread) / denominator
    return max(0.0, low), min(1.0, high)


def newcombe_interval(a_events: int, a_total: int, b_events: int, b_total: int, z: float = Z) -> tuple[float, float]:
    """Newcombe's hybrid score interval (1998, method 10) for a_rate - b_rate:
    low = d - sqrt((p1 - l1)^2 + (u2 - p2)^2), high = d + sqrt((u1 - p1)^2 + (p2 - l2)^2)."""
    p1, p2 = a_events / a_total, b_events / b_total
    l1, u1 = wilson_interval(a_events, a_total, z)
    l2, u2 = wilson_interval(b_events, b_total, z)
    difference = p1 - p2
    low = difference - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = difference + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return max(-1.0, low), min(1.0, high)


def katz_interval(a_events: int, a_total: int, b_events: int, b_total: int, z: float = Z) -> tuple[float, float] | None:
    """The log-method interval for a_rate / b_rate, or None where it is undefined.

    With no events in either arm the logarithm (and the 1/events in its standard error) is
    undefined. The usual patch adds 0.5 to every cell (Haldane), but that changes the
    estimate the interval is around and its choice is arbitrary; the trial's protocol does not
    ask for it. So None is returned, and the page says why: Newcombe's interval for the
    difference and Fisher's test, which are defined at zero events, still answer.
    """
    if a_events == 0 or b_events == 0:
        return None
    log_ratio = math.log((a_events / a_total) / (b_events / b_total))
    se = math.sqrt(1 / a_events - 1 / a_total + 1 / b_events - 1 / b_total)
    return math.exp(log_ratio - z * se), math.exp(log_ratio + z * se)


def fisher_exact_p(a_events: int, a_total: int, b_events: int, b_total: int) -> float:
    """Two-sided p of Fisher's exact test on [[a, a_total - a], [b, b_total - b]] (scipy)."""
    from scipy.stats import fisher_exact  # imported when used: scipy.stats takes a second to load

    result = fisher_exact([[a_events, a_total - a_events], [b_events, b_total - b_events]], alternative="two-sided")
    return min(1.0, float(result.pvalue))


def compare_proportions(a_events: int, a_total: int, b_events: int, b_total: int) -> Comparison:
    """Arm a against arm b, with 95% intervals.

    `risk_difference` is a minus b with Newcombe's hybrid score interval (method 10).
    `risk_ratio` is a over b: None where b has no events (a ratio over zero), and 0.0 where only
    a has none. `rr_ci` is the log (Katz) interval: None whenever either arm has no events
    (see `katz_interval` for why no 0.5 correction). `fisher_p` is two-sided.

    A total of zero or less, negative events or more events than the total: ValueError.
    """
    _check_counts(a_events, a_total, "a")
    _check_counts(b_events, b_total, "b")
    a_rate, b_rate = a_events / a_total, b_events / b_total
    return Comparison(
        a_events=a_events, a_total=a_total, b_events=b_events, b_total=b_total,
        a_rate=a_rate, b_rate=b_rate,
        risk_difference=a_rate - b_rate,
        rd_ci=newcombe_interval(a_events, a_total, b_events, b_total),
        risk_ratio=None if b_events == 0 else a_rate / b_rate,
        rr_ci=katz_interval(a_events, a_total, b_events, b_total),
        fisher_p=fisher_exact_p(a_events, a_total, b_events, b_total),
    )


def too_few_to_conclude(a_total: int, b_total: int, minimum: int | None = None) -> bool:
    """Whether either arm has fewer analysed cases than `minimum` (by default
    MIN_ANALYSED_PER_ARM): nothing can be concluded."""
    return min(a_total, b_total) < (MIN_ANALYSED_PER_ARM if minimum is None else minimum)
