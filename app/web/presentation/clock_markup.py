"""A clock as HTML: its name, the time left as a coloured tag and its deadline.

Written here rather than as Jinja macros because the dashboard draws one for each of its
100 rows on every poll: its rows took 2.5 ms to render with two macro calls a row and 2.1 ms
with these (measured on 2 December 2026). The macros in templates/cases/_clock.html call
these, so every page draws a clock the same way.
The dashboard rows' ETag covers this file's source as it does the rows' templates
(presentation/dashboard_rows.ROW_SOURCES).
"""
from __future__ import annotations

from markupsafe import Markup, escape

from app.domain.clocks import Clock
from app.domain.timefmt import format_instant, format_remaining
from app.web.presentation.dashboard_rows import epoch_ms

_NONE = Markup('<span class="govuk-hint govuk-!-margin-0">No clock running</span>')


def _tag(clock: Clock, countdown: bool) -> str:
    # f-strings with escape() on each value: Markup.format, which escapes through Python's
    # string.Formatter, took longer than the Jinja macros it replaced.
    left = f"Overdue by {format_remaining(-clock.remaining)}" if clock.overdue else \
        f"{format_remaining(clock.remaining)} left"
    deadline = f' data-deadline="{epoch_ms(clock.deadline)}"' if countdown else ""
    return f'<strong class="govuk-tag app-clock app-clock--{escape(clock.status.value)}"{deadline}>{escape(left)}</strong>'


def clock_tag(clock: Clock, countdown: bool = False) -> Markup:
    """The time left (or overdue) as a tag coloured by the clock's status; `countdown`: the
    tag carries its deadline (ms since 1970, an integer) for static/dashboard.js to count
    down from."""
    return Markup(_tag(clock, countdown))  # noqa: S704 (each value escaped in _tag)


def clock_cell(clock: Clock | None, countdown: bool = False) -> Markup:
    """A table cell's clock: its name, the tag and the deadline as a day and time; or that
    no clock is running."""
    if clock is None:
        return _NONE
    return Markup(f'<span class="app-clock__name">{escape(clock.name)}</span><br>\n{_tag(clock, countdown)}<br>\n'  # noqa: S704
                  f'<span class="app-clock__deadline">{escape(format_instant(clock.deadline))}</span>')
