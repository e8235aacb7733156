"""The one place the application reads the wall clock.

Domain code never reads the clock (time is an argument); services and views ask here, so
tests control the time in one of two ways:

- `frozen_at(instant)`: the clock stands still at `instant` (unit and integration tests);
- `run_from(instant)`: the clock starts at `instant` and runs forward at the real rate (the
  browser suite's live server, whose pages, htmx polls and redirects need time to pass).
  `create_app` starts it from the `CLOCK_STARTS_AT` setting, which only the testing
  configuration accepts (app/config.py), so production always reads the real clock.

- `follow_file(path)`: the clock reads the instant written in a file, so several processes
  share one virtual clock that jumps forward (`make simulate`: a driver moves it, the web
  workers and the scheduler follow). `create_app` follows the `CLOCK_FILE` setting, which,
  like `CLOCK_STARTS_AT`, only the testing configuration accepts.

A frozen clock wins over a followed one, which wins over a running one; all are
process-wide: the live server runs in a thread of the test process, so the test and the app
read the same clock.
"""
from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

_frozen: datetime | None = None
# (the instant the running clock started at, time.monotonic() at that moment)
_running: tuple[datetime, float] | None = None
# A function giving the instant (follow_file's reader, or a simulation's own).
_following: Callable[[], datetime] | None = None


def utcnow() -> datetime:
    if _frozen is not None:
        return _frozen
    if _following is not None:
        return _following()
    if _running is not None:
        start, started = _running
        return start + timedelta(seconds=time.monotonic() - started)
    return datetime.now(UTC)


def _aware(instant: datetime, who: str) -> datetime:
    if instant.tzinfo is None:
        raise ValueError(f"{who} needs an aware datetime")
    return instant.astimezone(UTC)


@contextmanager
def frozen_at(instant: datetime) -> Iterator[None]:
    """Make utcnow() return `instant` (aware) inside the block. For tests and replays."""
    global _frozen
    previous, _frozen = _frozen, _aware(instant, "frozen_at")
    try:
        yield
    finally:
        _frozen = previous


def set_frozen(instant: datetime | None) -> None:
    """Move a frozen clock (tests that step time forward)."""
    global _frozen
    _frozen = _aware(instant, "set_frozen") if instant is not None else None


def run_from(instant: datetime | None) -> None:
    """Start the clock at `instant` and let it run forward from there; None: the real clock.

    Calling it again moves the running clock to another moment (a test that needs one).
    """
    global _running
    _running = (_aware(instant, "run_from"), time.monotonic()) if instant is not None else None



def follow(reader: Callable[[], datetime] | None) -> None:
    """Read the time from `reader()` (an aware datetime) from now on; None: stop following."""
    global _following
    _following = reader


def follow_file(path: str | os.PathLike) -> None:
    """Follow the clock file at `path` (see `write_clock_file`): every utcnow() reads it."""
    follow(lambda: read_clock_file(path))


def read_clock_file(path: str | os.PathLike) -> datetime:
    """The instant in a clock file: whole microseconds since the Unix epoch, in ASCII."""
    with open(path, "rb") as file:
        micros = int(file.read(32))
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=micros)


def write_clock_file(path: str | os.PathLike, instant: datetime) -> None:
    """Move a clock file to `instant`: written aside then renamed over it, so a reader never
    sees half an instant."""
    micros = (_aware(instant, "write_clock_file") - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)
    aside = f"{os.fspath(path)}.{os.getpid()}.tmp"
    with open(aside, "wb") as file:
        file.write(str(micros).encode())
    os.replace(aside, path)
