"""Allocation to the reminder-text trial, in the manner of the Cambridge Randomiser.

Each eligible order is allocated to business as usual (control) or to reminder texts
(intervention) by permuted blocks of random size 2 or 4, generated separately for each
stratum from a secret seed.

Allocation concealment: the sequence is never shown in the app, not even to
administrators; an allocation's arm is revealed only after it has been saved, so nobody
enrolling a case can know or influence the next arm. For audit, the whole sequence can be
regenerated from the seed (by the trial's analysts too, in any language with HMAC-SHA256):

* Byte stream for a stratum: HMAC-SHA256(key=seed, msg=DOMAIN || len(s) as 4 bytes big-endian
  || s || counter as 8 bytes big-endian), for counter = 0, 1, 2, ..., where s is the
  stratum in UTF-8; the 32-byte outputs are concatenated.
* Draw a number below n: take the next 4 bytes as a big-endian unsigned integer x; if
  x < 2**32 - (2**32 mod n) the number is x mod n, else discard x and draw again
  (rejection sampling, so every number is equally likely: no modulo bias).
* Each block: draw below 2; 0 gives size 2, 1 gives size 4. Start from [control,
  intervention] repeated size/2 times, then shuffle (Fisher-Yates): for i from size-1
  down to 1, draw j below i+1 and swap items i and j.

Python's ``random`` module is not used: its output is not promised to stay the same across
versions, and the analysts must get the same sequence from the seed.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
from collections.abc import Iterator

MIN_SEED_BYTES = 16
MAX_POSITION = 1_000_000  # far beyond any trial; stops a typo regenerating millions of blocks
DOMAIN = b"dvpo-desk randomiser v1\x00"
_UINT32 = 2**32


class Arm(enum.StrEnum):
    CONTROL = "control"
    INTERVENTION = "intervention"

    @property
    def label(self) -> str:
        return {Arm.CONTROL: "Business as usual (no texts)", Arm.INTERVENTION: "Reminder texts"}[self]


ALL = "all"
SHORT = "14 days or fewer"
MEDIUM = "15 to 21 days"
LONG = "22 days or more"
# DAPOs, when an admin puts them in the trial, are randomised in sequences of their own, so
# the DVPO trial's sequence is exactly what it would have been without them, and an order
# until further order (DAA 2021 s.38), which has no length, still has a stratum.
DAPO = "dapo"
DAPO_WITH_END = "DAPO with an end"
DAPO_OPEN_ENDED = "DAPO until further order"
STRATA = (ALL, SHORT, MEDIUM, LONG, DAPO, DAPO_WITH_END, DAPO_OPEN_ENDED)


def stratum_for(order_days: int | None, stratified: bool, order_kind: str = "dvpo") -> str:
    """The stratum an order is randomised in.

    Stratified by order length because it is the design's main prognostic factor: a longer
    order gives more days in which to breach it, and more texts. Randomising within each
    length band keeps the arms balanced on it even in a small trial.

    A DAPO (``order_kind="dapo"``) has strata of its own: "dapo" unstratified; stratified,
    with an end or until further order (``order_days`` None), because a DAPO's length has
    no maximum and Durham's length bands (14 to 28 days) do not describe it.
    """
    if order_kind == "dapo":
        if order_days is not None and (isinstance(order_days, bool) or not isinstance(order_days, int) or order_days < 1):
            raise ValueError(f"order_days must be a whole number of days, at least 1, or None, got {order_days!r}")
        if not stratified:
            return DAPO
        return DAPO_OPEN_ENDED if order_days is None else DAPO_WITH_END
    if order_kind != "dvpo":
        raise ValueError(f"order_kind must be 'dvpo' or 'dapo', got {order_kind!r}")
    if isinstance(order_days, bool) or not isinstance(order_days, int) or order_days < 1:
        raise ValueError(f"order_days must be a whole number of days, at least 1, got {order_days!r}")
    if not stratified:
        return ALL
    if order_days <= 14:
        return SHORT
    if order_days <= 21:
        return MEDIUM
    return LONG


class _Stream:
    """The stratum's HMAC-SHA256 counter-mode byte stream, read 4 bytes at a time."""

    def __init__(self, seed: bytes, stratum: str) -> None:
        label = stratum.encode("utf-8")
        self._key = bytes(seed)
        self._prefix = DOMAIN + len(label).to_bytes(4, "big") + label
        self._counter = 0
        self._buffer = b""

    def _uint32(self) -> int:
        if len(self._buffer) < 4:
            message = self._prefix + self._counter.to_bytes(8, "big")
            self._buffer += hmac.new(self._key, message, hashlib.sha256).digest()
            self._counter += 1
        value, self._buffer = int.from_bytes(self._buffer[:4], "big"), self._buffer[4:]
        return value

    def below(self, n: int) -> int:
        """A uniformly chosen whole number from 0 to n-1."""
        limit = _UINT32 - _UINT32 % n
        while True:
            value = self._uint32()
            if value < limit:
                return value % n


def _check(seed: bytes, stratum: str) -> None:
    if not isinstance(seed, bytes | bytearray):
        raise TypeError("seed must be bytes")
    if len(seed) < MIN_SEED_BYTES:
        raise ValueError(f"seed must be at least {MIN_SEED_BYTES} bytes")
    if not isinstance(stratum, str) or not stratum:
        raise ValueError("stratum must be a non-empty string")


def _check_count(value: int, name: str, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= MAX_POSITION:
        raise ValueError(f"{name} must be a whole number from {minimum} to {MAX_POSITION}, got {value!r}")


def _blocks(seed: bytes, stratum: str) -> Iterator[list[Arm]]:
    stream = _Stream(seed, stratum)
    while True:
        size = 2 if stream.below(2) == 0 else 4
        block = [Arm.CONTROL, Arm.INTERVENTION] * (size // 2)
        for i in range(size - 1, 0, -1):
            j = stream.below(i + 1)
            block[i], block[j] = block[j], block[i]
        yield block


def blocks(seed: bytes, stratum: str, upto_position: int) -> list[list[Arm]]:
    """The stratum's blocks, as far as the block holding ``upto_position`` (whole blocks, so
    the last may run past it). For the audit report only: never shown before allocation."""
    _check(seed, stratum)
    _check_count(upto_position, "upto_position", 0)
    result: list[list[Arm]] = []
    covered = 0
    generator = _blocks(seed, stratum)
    while covered < upto_position:
        block = next(generator)
        result.append(block)
        covered += len(block)
    return result


def sequence(seed: bytes, stratum: str, length: int) -> list[Arm]:
    """The first ``length`` arms of the stratum's sequence."""
    _check_count(length, "length", 0)
    return [arm for block in blocks(seed, stratum, length) for arm in block][:length]


def allocate(seed: bytes, stratum: str, position: int) -> Arm:
    """The arm at ``position`` (1-based) in the stratum's sequence."""
    _check_count(position, "position", 1)
    return sequence(seed, stratum, position)[position - 1]
