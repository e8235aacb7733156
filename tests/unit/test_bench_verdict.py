"""The scale benchmarks' verdicts (tests/benchmarks/verdict.py): ratios of medians within one
run pass or fail against their limit, and the seed's copies are apportioned exactly."""
import pytest

from tests.benchmarks.seed import apportion
from tests.benchmarks.verdict import at_most, limit_from_env, percentile, ratio_verdict


def test_a_ratio_of_medians_passes_at_its_limit_and_fails_above_it():
    bare = [10.0, 11.0, 9.0, 50.0]  # median 10.5: one slow outlier does not move it
    assert ratio_verdict("dash/bare", [21.0, 20.0, 22.0], bare, 2.0).passed  # 21 / 10.5 = 2.0
    failed = ratio_verdict("dash/bare", [22.0, 23.0, 21.5], bare, 2.0)
    assert not failed.passed and failed.measured == 2.1


def test_a_machine_twice_as_busy_does_not_flip_a_ratio():
    dash, bare = [30.0, 31.0, 29.0], [20.0, 21.0, 19.0]
    calm = ratio_verdict("x", dash, bare, 1.6)
    busy = ratio_verdict("x", [2 * t for t in dash], [2 * t for t in bare], 1.6)
    assert calm.passed and busy.passed and calm.measured == busy.measured == 1.5


def test_lenient_and_strict_limits_judge_the_same_figures_differently():
    dash, bare = [95.0, 100.0, 105.0], [10.0, 10.0, 10.0]
    assert ratio_verdict("x", dash, bare, 20.0).passed
    assert not ratio_verdict("x", dash, bare, 2.0).passed
    assert at_most("errors", 0, 0, "count").passed and not at_most("errors", 1, 0, "count").passed


def test_nearest_rank_percentile():
    samples = list(range(1, 101))
    assert percentile(samples, 0.95) == 95 and percentile(samples, 0.5) == 50 and percentile([7.0], 0.95) == 7.0
    with pytest.raises(ValueError):
        percentile([], 0.95)


def test_limits_from_the_environment_are_checked():
    assert limit_from_env({}, "BENCH_LIMIT_BARE", 2.0) == 2.0
    assert limit_from_env({"BENCH_LIMIT_BARE": "50"}, "BENCH_LIMIT_BARE", 2.0) == 50.0
    for bad in ("fast", "0", "-1"):
        with pytest.raises(SystemExit):
            limit_from_env({"BENCH_LIMIT_BARE": bad}, "BENCH_LIMIT_BARE", 2.0)


def test_copies_are_apportioned_by_weight_and_add_up_exactly():
    copies = apportion({1: 8, 2: 3, 3: 1, 4: 0.2}, 9969)
    assert sum(copies.values()) == 9969
    assert copies[1] > copies[2] > copies[3] > copies[4] > 0
    assert apportion({1: 1, 2: 1}, 0) == {1: 0, 2: 0}
