"""The reminder texts to P during an order: which texts, on which days, at what time.

Durham Constabulary's "Operation Tetras" sent short texts to the person an order was made
against: 7 texts over a 14-day order, 13 over a 28-day order, rotating between the
conditions, support services, police activity, motivation and, last, when the order ends.

Pure: no clock is read here. Days are London days and send times London wall-clock times;
every instant returned is aware UTC, so a plan spanning a clock change is still right.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from app.domain.calendar import LONDON, london_midnight
from app.domain.deadlines import dapo_end
from app.domain.timefmt import to_london

MAX_DAY = 365
_ONE_DAY = timedelta(days=1)
_ONE_MICROSECOND = timedelta(microseconds=1)


class ContentKind(enum.StrEnum):
    CONDITIONS = "conditions"
    SUPPORT = "support"
    POLICE_ACTIVITY = "police_activity"
    MOTIVATION = "motivation"
    ORDER_END = "order_end"

    @property
    def label(self) -> str:
        return {
            ContentKind.CONDITIONS: "The conditions in plain words",
            ContentKind.SUPPORT: "Support services",
            ContentKind.POLICE_ACTIVITY: "Police activity",
            ContentKind.MOTIVATION: "Motivation",
            ContentKind.ORDER_END: "When the order ends",
        }[self]


class Anchor(enum.StrEnum):
    """Where a step's day is counted from.

    START: day N after the day the order was made (day 0 is that day). END: N days before
    the order's last day (day 0 is the last day), so the end text follows a variation.
    """

    START = "start"
    END = "end"

    @property
    def label(self) -> str:
        return {Anchor.START: "Days after the order is made", Anchor.END: "Days before the order ends"}[self]


@dataclass(frozen=True)
class PlanStep:
    anchor: Anchor
    day: int
    send_at: time  # London wall clock
    kind: ContentKind

    def __post_init__(self) -> None:
        # Coerced so a step built from stored strings compares and keys like one built in code.
        object.__setattr__(self, "anchor", Anchor(self.anchor))
        object.__setattr__(self, "kind", ContentKind(self.kind))
        if isinstance(self.day, bool) or not isinstance(self.day, int) or not 0 <= self.day <= MAX_DAY:
            raise ValueError(f"day must be a whole number from 0 to {MAX_DAY}, got {self.day!r}")
        if not isinstance(self.send_at, time) or self.send_at.tzinfo is not None:
            raise ValueError("send_at must be a naive time (London wall clock)")

    @property
    def key(self) -> str:
        """'start+7' or 'end-0': the step's identity. A recomputed plan (after a variation)
        keeps the same keys for the same steps, so texts already sent are matched, not resent."""
        sign = "+" if self.anchor is Anchor.START else "-"
        return f"{self.anchor.value}{sign}{self.day}"


def _default_steps() -> tuple[PlanStep, ...]:
    rotation = (ContentKind.CONDITIONS, ContentKind.SUPPORT, ContentKind.POLICE_ACTIVITY, ContentKind.MOTIVATION)
    days = (0, 2, 4, 7, 9, 11, 14, 16, 18, 21, 23, 25)
    # Every third text comes in the early evening: a text always at the same time of day
    # becomes background noise, and some people are only free to read it after work.
    steps = [
        PlanStep(Anchor.START, day, time(17, 30) if i % 3 == 2 else time(10), rotation[i % len(rotation)])
        for i, day in enumerate(days)
    ]
    steps.append(PlanStep(Anchor.END, 0, time(10), ContentKind.ORDER_END))
    return tuple(steps)


DEFAULT_STEPS: tuple[PlanStep, ...] = _default_steps()


@dataclass(frozen=True)
class SendingWindow:
    """Texts are sent only from ``opens`` up to (not including) ``closes``, London time.

    Outside it are quiet hours: a text from the police at night is alarming and, read by
    someone else in the house, can itself cause trouble.
    """

    opens: time = time(9)
    closes: time = time(20)

    def __post_init__(self) -> None:
        if self.opens.tzinfo is not None or self.closes.tzinfo is not None:
            raise ValueError("a sending window is London wall-clock time: give naive times")
        if not self.opens < self.closes:
            raise ValueError("a sending window must open before it closes")

    def contains(self, wall: time) -> bool:
        return self.opens <= wall.replace(tzinfo=None, fold=0) < self.closes


DEFAULT_WINDOW = SendingWindow()


@dataclass(frozen=True)
class PlannedText:
    step_key: str
    kind: ContentKind
    due_at: datetime  # aware UTC
    deferred: bool  # moved out of quiet hours to the next opening of the window


def _wall_to_utc(day: date, at: time) -> datetime:
    """The instant of a London wall time. Unlike local_time.london_instant this never
    refuses: a time skipped in spring is read at the winter offset (01:30 becomes 02:30 BST)
    and a repeated autumn time is its first occurrence (fold=0); a plan must not crash."""
    return datetime.combine(day, at.replace(tzinfo=None, fold=0), tzinfo=LONDON).astimezone(UTC)


def in_window(instant_utc: datetime, window: SendingWindow = DEFAULT_WINDOW) -> bool:
    """Whether a text may be sent at this instant (its London wall time is in the window)."""
    return window.contains(to_london(instant_utc).time())


def next_sending_time(instant_utc: datetime, window: SendingWindow = DEFAULT_WINDOW) -> datetime:
    """The instant itself if it is inside the window, else the window's next opening (aware UTC).

    The opening is found as a wall time on the London calendar, so it is 09:00 London in
    winter and summer alike; an opening that does not exist or comes before the instant
    on a clock-change day is skipped.
    """
    instant = to_london(instant_utc).astimezone(UTC)
    if in_window(instant, window):
        return instant
    day = instant.astimezone(LONDON).date()
    for offset in range(3):
        candidate = _wall_to_utc(day + offset * _ONE_DAY, window.opens)
        if candidate > instant and in_window(candidate, window):
            return candidate
    raise ValueError("the sending window never opens")  # pragma: no cover: needs a window inside a skipped hour


def last_day_in_force(ends_at: datetime) -> date:
    """The London date of the order's last day. ``ends_at`` is the first instant the order is
    no longer in force (00:00 London after the last day, as deadlines.order_end returns), so
    the last day is the day of the instant just before it."""
    instant = to_london(ends_at).astimezone(UTC)
    return (instant - _ONE_MICROSECOND).astimezone(LONDON).date()


def _dated_steps(made_on: date, last_day: date, steps: Sequence[PlanStep]) -> list[tuple[date, PlanStep]]:
    ends = [(last_day - s.day * _ONE_DAY, s) for s in steps if s.anchor is Anchor.END]
    # An end text dated before the order was made (a long lead on a short order) is dropped.
    ends = [(d, s) for d, s in ends if d >= made_on]
    # Start texts stop before the first end text, so a shorter order sends fewer texts
    # rather than a start text and an end text on the same day.
    cutoff = min((d for d, _ in ends), default=date.max)
    starts = [(made_on + s.day * _ONE_DAY, s) for s in steps if s.anchor is Anchor.START]
    return [(d, s) for d, s in starts if d < cutoff] + ends


def _check_keys(steps: Sequence[PlanStep]) -> None:
    keys = [s.key for s in steps]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise ValueError(f"a plan cannot have two steps on the same day: {', '.join(duplicates)}")


def plan_texts(
    *,
    made_on: date,
    ends_at: datetime,
    planned_at: datetime,
    steps: Sequence[PlanStep] = DEFAULT_STEPS,
    window: SendingWindow = DEFAULT_WINDOW,
) -> list[PlannedText]:
    """The texts to send for an order, sorted by (due_at, step_key).

    Rules, and why:

    * The last day is the London date just before ``ends_at``. An END step falls ``day``
      days before it; a START step ``day`` days after ``made_on``, and is kept only if its
      date is strictly before the earliest END step's date. A 14-day order gets 6 start
      texts and the end text (7), 21 days gets 10, 28 days 12 + 1 = 13.
    * A step is due at its London wall time on its date (DST-safe, see ``_wall_to_utc``).
      If that is in quiet hours it moves to the window's next opening and is ``deferred``.
    * Steps already due before ``planned_at`` are dropped: a plan made or remade late must
      not send a burst of stale texts. The exception is the plan's first step (start day 0
      in any normal plan): the first text goes on the day the order is made, once granted,
      so it is due at ``next_sending_time(planned_at)`` (``deferred`` if that moved it out of
      quiet hours). When a plan is recomputed the caller matches steps by key, so a first
      text already sent is not sent again.
    * Nothing is due at or after ``ends_at``, even after deferral: once the order is over
      a text saying it is in force would be false.

    Duplicate step keys raise ValueError.
    """
    if isinstance(made_on, datetime) or not isinstance(made_on, date):
        raise TypeError("made_on must be a date (the London day the order was made)")
    ends_at = to_london(ends_at).astimezone(UTC)
    planned_at = to_london(planned_at).astimezone(UTC)
    _check_keys(steps)
    nominal = [(_wall_to_utc(day, step.send_at), step.key, step.kind)
               for day, step in _dated_steps(made_on, last_day_in_force(ends_at), steps)]
    return schedule(nominal, planned_at=planned_at, ends_at=ends_at, window=window)


def schedule(nominal: Sequence[tuple[datetime, str, ContentKind]], *, planned_at: datetime, ends_at: datetime | None,
             window: SendingWindow = DEFAULT_WINDOW) -> list[PlannedText]:
    """Texts from their nominal instants (key, kind), by plan_texts' rules: quiet hours defer,
    stale texts are dropped except the earliest (the first text goes once the order is made),
    nothing is due at or after ``ends_at`` (None: an order until further order). Shared with
    the cadence for long and open-ended orders (domain/cadence.py)."""
    texts = []
    for index, (at, key, kind) in enumerate(sorted(nominal, key=lambda n: (n[0], n[1]))):
        due = next_sending_time(at, window)
        deferred = due != at
        if due < planned_at:
            if index > 0:
                continue
            due = next_sending_time(planned_at, window)
            deferred = due != planned_at
        if ends_at is None or due < ends_at:
            texts.append(PlannedText(step_key=key, kind=kind, due_at=due, deferred=deferred))
    return sorted(texts, key=lambda t: (t.due_at, t.step_key))


def count_for(days: int, steps: Sequence[PlanStep] = DEFAULT_STEPS) -> int:
    """How many texts an order of ``days`` days gets when planned at 00:00 on the day made,
    for the admin plan editor ("a 14-day order gets 7 texts"). Send times are wall times,
    so the count does not depend on the date; any fixed date will do."""
    made_on = date(2026, 1, 5)
    return len(plan_texts(made_on=made_on, ends_at=dapo_end(made_on, days), planned_at=london_midnight(made_on), steps=steps))


# --------------------------------------------------------------------------------------
# The admin's editable plan table
# --------------------------------------------------------------------------------------

PLAN_ERRORS = -1  # key in validate_steps' errors for problems with the plan as a whole
_TIME = re.compile(r"([0-9]{1,2}):([0-9]{2})")
_DIGITS = re.compile(r"[0-9]{1,6}")
_COLUMNS = ("anchor", "day", "send_at", "kind")


def rows_for(steps: Sequence[PlanStep]) -> list[dict]:
    """Steps as the plan table's rows (and as the plan is stored): validate_steps reads them back."""
    return [{"anchor": s.anchor.value, "day": s.day, "send_at": f"{s.send_at:%H:%M}", "kind": s.kind.value} for s in steps]


def _parse_enum(enum_type: type[enum.StrEnum], value: object) -> enum.StrEnum | None:
    try:
        return enum_type(value.strip()) if isinstance(value, str) else None
    except ValueError:
        return None


def _parse_day(value: object) -> int | None:
    if isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 0 <= value <= MAX_DAY else None


def _parse_time(value: object) -> time | None:
    if isinstance(value, time):
        return value.replace(tzinfo=None, second=0, microsecond=0)
    match = _TIME.fullmatch(value.strip()) if isinstance(value, str) else None
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        return None
    return time(int(match[1]), int(match[2]))


def _is_blank(row: dict) -> bool:
    # The editor offers empty rows for adding steps; an untouched one is not an error.
    return all(row.get(k) is None or (isinstance(row.get(k), str) and not row[k].strip()) for k in _COLUMNS)


def _row_problems(anchor: Anchor | None, day: int | None, send_at: time | None, kind: ContentKind | None,
                  window: SendingWindow) -> list[str]:
    problems = []
    if anchor is None:
        problems.append("Choose whether the day counts from the start or the end of the order")
    if day is None:
        problems.append(f"Day must be a whole number from 0 to {MAX_DAY}")
    if send_at is None:
        problems.append("Enter the send time as hours and minutes, like 10:00")
    elif not window.contains(send_at):
        problems.append(f"Send time must be between {window.opens:%H:%M} and {window.closes:%H:%M}")
    if kind is None:
        problems.append("Choose what the text is about")
    return problems


def _plan_problems(rows: list[tuple]) -> list[str]:
    problems = []
    if not any(anchor is Anchor.START and day == 0 for anchor, day, _, _ in rows):
        problems.append("The plan must start with a text on the day the order is made")
    if not any(anchor is Anchor.END and kind is ContentKind.ORDER_END for anchor, _, _, kind in rows):
        problems.append("The plan must end with a text about when the order ends")
    return problems


def validate_steps(rows: Sequence[dict], window: SendingWindow = DEFAULT_WINDOW) -> tuple[list[PlanStep], dict[int, str]]:
    """Parse the admin's plan table. Returns the valid steps (in row order) and errors keyed by
    row index, with problems of the plan as a whole under ``PLAN_ERRORS``. Never raises.

    A plan must start with a text on the day the order is made (the first text goes once it
    is granted) and end with a text about when it ends; send times must be inside the
    sending window so no text is planned for quiet hours. Blank rows are skipped. The plan
    checks look at what could be read of every row, so one mistyped time does not also
    report the plan as having no first text.
    """
    steps: list[PlanStep] = []
    errors: dict[int, str] = {}
    read: list[tuple] = []
    taken: set[tuple[Anchor, int]] = set()
    for index, row in enumerate(rows if isinstance(rows, Sequence) and not isinstance(rows, str) else ()):
        if not isinstance(row, dict):
            errors[index] = "This row could not be read: fill it in again"
            continue
        if _is_blank(row):
            continue
        fields = (_parse_enum(Anchor, row.get("anchor")), _parse_day(row.get("day")),
                  _parse_time(row.get("send_at")), _parse_enum(ContentKind, row.get("kind")))
        read.append(fields)
        problems = _row_problems(*fields, window)
        if None not in fields[:2]:
            if fields[:2] in taken:
                problems.append("Another row already sends on that day")
            taken.add(fields[:2])
        if problems:
            errors[index] = "; ".join(problems)
        else:
            steps.append(PlanStep(*fields))
    plan_problems = _plan_problems(read)
    if plan_problems:
        errors[PLAN_ERRORS] = ". ".join(plan_problems)
    return steps, errors
