"""A clock as HTML (app/web/presentation/clock_markup.py): what the macros drew, each value
escaped."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.domain.clocks import Clock, ClockStatus
from app.web.presentation.clock_markup import clock_cell, clock_tag

DEADLINE = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)  # a Wednesday, GMT


def test_a_running_clock_with_its_countdown():
    clock = Clock("Hearing must begin", DEADLINE, timedelta(hours=3, minutes=20), ClockStatus.RED)
    assert str(clock_cell(clock, countdown=True)) == (
        '<span class="app-clock__name">Hearing must begin</span><br>\n'
        '<strong class="govuk-tag app-clock app-clock--red" data-deadline="1794996000000">3 h 20 min left</strong><br>\n'
        '<span class="app-clock__deadline">Wed 18 Nov 2026, 10:00</span>')


def test_an_overdue_clock_without_a_countdown():
    clock = Clock("Hearing must begin", DEADLINE, timedelta(minutes=-90), ClockStatus.RED)
    assert str(clock_tag(clock)) == '<strong class="govuk-tag app-clock app-clock--red">Overdue by 1 h 30 min</strong>'


def test_no_clock_and_every_value_escaped():
    assert "No clock running" in clock_cell(None)
    clock = Clock("<script>x</script> & co", DEADLINE, timedelta(hours=30), ClockStatus.GREEN)
    html = str(clock_cell(clock))
    assert "<script>" not in html and "&lt;script&gt;x&lt;/script&gt; &amp; co" in html
