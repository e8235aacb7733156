"""The arithmetic of the figures (app/domain/figures.py) and the charts' determinism."""
from datetime import UTC, date, datetime

import pytest

from app.domain.figures import (
    Period,
    financial_year,
    format_percent,
    median_hours,
    month_spans,
    percent,
    ratio,
    year_ending_march,
)


def test_published_rates():
    assert percent(255, 280) == 91.07  # Thames Valley, 2023
    assert percent(29, 54) == 53.7  # Victim Support's project
    assert format_percent(percent(255, 280)) == "91.07%"
    assert format_percent(percent(29, 54)) == "53.7%"
    assert format_percent(100.0) == "100%" and format_percent(0.0) == "0%"
    assert percent(0, 0) is None and format_percent(None) == "no cases"
    assert ratio(3, 4) == 0.75 and ratio(1, 0) is None
    with pytest.raises(ValueError):
        percent(-1, 3)


def test_a_period_is_whole_london_days_across_a_clock_change():
    summer_to_winter = Period(date(2026, 10, 25), date(2026, 10, 25))  # BST ends at 02:00
    assert summer_to_winter.start == datetime(2026, 10, 24, 23, 0, tzinfo=UTC)
    assert summer_to_winter.end == datetime(2026, 10, 26, 0, 0, tzinfo=UTC)  # a 25-hour day
    assert Period(date(2026, 1, 1), date(2026, 12, 31)).days == 365
    with pytest.raises(ValueError, match="same as or after"):
        Period(date(2026, 1, 2), date(2026, 1, 1))
    with pytest.raises(ValueError, match="ten years"):
        Period(date(2000, 1, 1), date(2026, 1, 1))


def test_financial_years_are_named_by_their_march():
    assert financial_year(2024) == Period(date(2023, 4, 1), date(2024, 3, 31))
    assert year_ending_march(date(2026, 3, 31)) == 2026 and year_ending_march(date(2026, 4, 1)) == 2027


def test_medians_and_months():
    assert median_hours([1, 2, 10]) == 2 and median_hours([1.0, 2.0]) == 1.5 and median_hours([]) is None
    period = Period(date(2026, 3, 15), date(2026, 5, 2))
    # April starts at 00:00 BST on the 1st, 23:00 UTC on 31 March: the spans follow one another
    # from the period's first instant to its end (00:00 London on 3 May).
    assert month_spans(period) == [
        ("Mar 2026", datetime(2026, 3, 15, 0, 0, tzinfo=UTC), datetime(2026, 3, 31, 23, 0, tzinfo=UTC)),
        ("Apr 2026", datetime(2026, 3, 31, 23, 0, tzinfo=UTC), datetime(2026, 4, 30, 23, 0, tzinfo=UTC)),
        ("May 2026", datetime(2026, 4, 30, 23, 0, tzinfo=UTC), datetime(2026, 5, 2, 23, 0, tzinfo=UTC)),
    ]
    assert month_spans(Period(date(2026, 10, 25), date(2026, 10, 25))) == [
        ("Oct 2026", datetime(2026, 10, 24, 23, 0, tzinfo=UTC), datetime(2026, 10, 26, 0, 0, tzinfo=UTC))]


def test_charts_are_the_same_bytes_every_time_and_carry_nothing_the_csp_refuses_inline():
    from app.services.figures import Chart
    from app.web.presentation import charts

    chart = Chart("Hearing outcomes", ("Granted", "Refused"), (255, 25))
    first = charts.bar_chart_svg(chart)
    charts.bar_chart_svg.cache_clear()
    assert charts.bar_chart_svg(chart) == first
    assert "<dc:date>" not in first and "<text" not in first  # no date; text drawn as paths
    from flask import Flask

    bare = Flask(__name__)
    bare.config["RENDER_PROCESSES"] = 0  # drawn here (app/renderer.py)
    with bare.app_context():
        img = charts.chart_img(chart, "255 of 280 granted <91%>")
    assert img.startswith('<img class="app-chart" src="data:image/svg+xml;base64,')
    assert 'alt="Hearing outcomes: 255 of 280 granted &lt;91%&gt;"' in img


def test_the_web_app_loads_matplotlib_and_openpyxl_only_when_it_draws_or_exports():
    import subprocess
    import sys

    code = ("import sys, app.web.figures.views, app.figures_cli; "
            "print(sorted(m for m in ('matplotlib', 'openpyxl') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert out.strip() == "[]"
