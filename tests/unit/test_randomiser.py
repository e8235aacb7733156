"""Trial allocation (app/domain/randomiser.py): permuted blocks of 2 or 4 per stratum from an
HMAC-SHA256 stream, reproducible from the seed and independent between strata."""
from __future__ import annotations

import hashlib
import hmac
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.randomiser import (
    ALL,
    DOMAIN,
    LONG,
    MAX_POSITION,
    MEDIUM,
    SHORT,
    STRATA,
    Arm,
    allocate,
    blocks,
    sequence,
    stratum_for,
)

SEED = bytes(range(32))
OTHER_SEED = bytes(range(1, 33))
SEEDS = st.binary(min_size=16, max_size=64)
STRATUM_NAMES = st.one_of(st.sampled_from(STRATA), st.text(min_size=1, max_size=20))


def test_arms_and_labels():
    assert [a.value for a in Arm] == ["control", "intervention"]
    assert Arm.CONTROL.label == "Business as usual (no texts)"
    assert Arm.INTERVENTION.label == "Reminder texts"


def test_reproducible_for_a_seed():
    assert sequence(SEED, ALL, 200) == sequence(SEED, ALL, 200)
    assert sequence(bytearray(SEED), ALL, 50) == sequence(SEED, ALL, 50)


def test_different_seeds_and_strata_give_different_sequences():
    base = sequence(SEED, ALL, 100)
    assert sequence(OTHER_SEED, ALL, 100) != base
    assert sequence(SEED, SHORT, 100) != base
    assert sequence(SEED, MEDIUM, 100) != sequence(SEED, LONG, 100)
    # Length-prefixing the stratum keeps "ab" + counter apart from "a" + a counter starting "b".
    assert sequence(SEED, "ab", 100) != sequence(SEED, "a", 100)


def test_a_longer_sequence_extends_a_shorter_one():
    assert sequence(SEED, ALL, 1000)[:37] == sequence(SEED, ALL, 37)


@pytest.mark.parametrize("position", [1, 2, 3, 4, 5, 17, 100, 333])
def test_allocate_is_the_sequence_at_that_position(position):
    assert allocate(SEED, ALL, position) == sequence(SEED, ALL, position)[position - 1]
    assert allocate(SEED, ALL, position) == sequence(SEED, ALL, 400)[position - 1]


def test_blocks_cover_the_position_in_whole_blocks():
    bs = blocks(SEED, ALL, 10)
    covered = sum(map(len, bs))
    assert covered >= 10 and covered - len(bs[-1]) < 10
    assert [arm for b in bs for arm in b][:10] == sequence(SEED, ALL, 10)
    assert blocks(SEED, ALL, 0) == [] and sequence(SEED, ALL, 0) == []


def test_ten_thousand_allocations():
    arms = sequence(SEED, ALL, 10_000)
    counts = Counter(arms)
    # Block randomisation: the totals can differ by at most 2 at any point.
    assert abs(counts[Arm.CONTROL] - counts[Arm.INTERVENTION]) <= 2
    assert 4900 <= counts[Arm.CONTROL] <= 5100
    bs = blocks(SEED, ALL, 10_000)
    sizes = Counter(len(b) for b in bs)
    assert set(sizes) == {2, 4}
    assert 0.45 < sizes[2] / len(bs) < 0.55  # sizes are chosen with equal chance
    # Each arrangement of a block of 4 (6 of them) turns up about equally often.
    arrangements = Counter(tuple(b) for b in bs if len(b) == 4)
    assert len(arrangements) == 6
    assert max(arrangements.values()) / min(arrangements.values()) < 1.3


def test_every_block_balanced_and_running_imbalance_at_most_two():
    for stratum in STRATA:
        for block in blocks(SEED, stratum, 2000):
            assert len(block) in (2, 4)
            assert block.count(Arm.CONTROL) == block.count(Arm.INTERVENTION)
        running = 0
        for arm in sequence(SEED, stratum, 2000):
            running += 1 if arm is Arm.CONTROL else -1
            assert abs(running) <= 2


@settings(max_examples=100, deadline=None)
@given(SEEDS, STRATUM_NAMES, st.integers(1, 300))
def test_block_properties_for_any_seed(seed, stratum, upto):
    bs = blocks(seed, stratum, upto)
    assert all(len(b) in (2, 4) and b.count(Arm.CONTROL) * 2 == len(b) for b in bs)
    arms = sequence(seed, stratum, upto)
    assert len(arms) == upto and arms == [a for b in bs for a in b][:upto]
    assert allocate(seed, stratum, upto) == arms[-1]
    balance = 0
    for arm in arms:
        balance += 1 if arm is Arm.CONTROL else -1
        assert abs(balance) <= 2


def _reference_first_block(seed: bytes, stratum: str) -> list[str]:
    """The algorithm as the module docstring states it, written out independently, so the
    analysts' description and the code cannot drift apart."""
    label = stratum.encode()
    stream = b"".join(
        hmac.new(seed, DOMAIN + len(label).to_bytes(4, "big") + label + i.to_bytes(8, "big"), hashlib.sha256).digest()
        for i in range(4)
    )
    words = [int.from_bytes(stream[i:i + 4], "big") for i in range(0, len(stream), 4)]

    def below(n: int) -> int:
        while True:
            x = words.pop(0)
            if x < 2**32 - 2**32 % n:
                return x % n

    size = 2 if below(2) == 0 else 4
    block = ["control", "intervention"] * (size // 2)
    for i in range(size - 1, 0, -1):
        j = below(i + 1)
        block[i], block[j] = block[j], block[i]
    return block


@pytest.mark.parametrize("seed", [SEED, OTHER_SEED, b"\x00" * 16, b"\xff" * 40])
@pytest.mark.parametrize("stratum", STRATA)
def test_the_documented_algorithm(seed, stratum):
    assert [a.value for a in blocks(seed, stratum, 1)[0]] == _reference_first_block(seed, stratum)


KNOWN_ANSWER = "ICCICICICIICIICCIICCCIII"


def test_known_answer():
    # Pinned so that a change to the algorithm (which would unblind or corrupt a running
    # trial's audit) fails loudly. Recompute only with the trial statistician.
    assert "".join("C" if a is Arm.CONTROL else "I" for a in sequence(SEED, ALL, 24)) == KNOWN_ANSWER


@pytest.mark.parametrize(("seed", "stratum", "position", "error"), [
    (b"short", ALL, 1, ValueError),
    (b"x" * 15, ALL, 1, ValueError),
    ("a string seed long enough", ALL, 1, TypeError),
    (None, ALL, 1, TypeError),
    (SEED, "", 1, ValueError),
    (SEED, None, 1, ValueError),
    (SEED, ALL, 0, ValueError),
    (SEED, ALL, -1, ValueError),
    (SEED, ALL, 1.0, ValueError),
    (SEED, ALL, True, ValueError),
    (SEED, ALL, "1", ValueError),
    (SEED, ALL, MAX_POSITION + 1, ValueError),
])
def test_bad_arguments(seed, stratum, position, error):
    with pytest.raises(error):
        allocate(seed, stratum, position)


def test_bad_lengths():
    for bad in (-1, 1.5, None, MAX_POSITION + 1):
        with pytest.raises(ValueError):
            sequence(SEED, ALL, bad)
        with pytest.raises(ValueError):
            blocks(SEED, ALL, bad)


@pytest.mark.parametrize(("days", "stratified", "stratum"), [
    (14, False, "all"), (28, False, "all"), (365, False, "all"),
    (1, True, "14 days or fewer"), (14, True, "14 days or fewer"),
    (15, True, "15 to 21 days"), (21, True, "15 to 21 days"),
    (22, True, "22 days or more"), (28, True, "22 days or more"), (365, True, "22 days or more"),
])
def test_stratum_for(days, stratified, stratum):
    assert stratum_for(days, stratified) == stratum
    assert stratum in STRATA


@pytest.mark.parametrize("bad", [0, -14, 14.0, "14", None, True])
def test_stratum_for_refuses_nonsense(bad):
    with pytest.raises(ValueError):
        stratum_for(bad, True)


@pytest.mark.parametrize(("days", "stratified", "stratum"), [
    (None, False, "dapo"), (90, False, "dapo"), (14, False, "dapo"),
    (None, True, "DAPO until further order"), (90, True, "DAPO with an end"), (14, True, "DAPO with an end"),
])
def test_a_dapo_has_strata_of_its_own_even_until_further_order(days, stratified, stratum):
    assert stratum_for(days, stratified, "dapo") == stratum
    assert stratum in STRATA and stratum not in (stratum_for(14, stratified), stratum_for(28, stratified))


@pytest.mark.parametrize(("days", "kind"), [(0, "dapo"), (True, "dapo"), ("90", "dapo"), (None, "dvpo"), (28, "dvpn")])
def test_stratum_for_refuses_nonsense_for_either_order(days, kind):
    with pytest.raises(ValueError):
        stratum_for(days, True, kind)
