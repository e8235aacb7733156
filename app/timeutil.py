"""The one place the application reads the wall clock.

Domain code never reads the clock (time is an argument); services and views ask here, so
tests can fix the time with `frozen_at`.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

_frozen: datetime | None = None


def utcnow() -> datetime:
    return _frozen if _frozen is not None else datetime.now(UTC)


@contextmanager
def frozen_at(instant: datetime) -> Iterator[None]:
    """Make utcnow() return `instant` (aware) inside the block. For tests and replays."""
    global _frozen
    if instant.tzinfo is None:
        raise ValueError("frozen_at needs an aware datetime")
    previous, _frozen = _frozen, instant.astimezone(UTC)
    try:
        yield
    finally:
        _frozen = previous


def set_frozen(instant: datetime | None) -> None:
    """Move a frozen clock (tests that step time forward)."""
    global _frozen
    _frozen = instant.astimezone(UTC) if instant is not None else None
