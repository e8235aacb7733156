"""Bar charts of the figures, drawn on the server as SVG by matplotlib (issue 17).

matplotlib is imported inside `bar_chart_svg`, not at the top, and that runs in a renderer
process (`RENDER_PROCESSES`, app/renderer.py) unless set to 0: a web process that never draws
a chart never loads it (tens of megabytes). It draws with the Agg backend and a fixed style,
so the same figures give the same bytes on every machine and run:

- `svg.hashsalt` fixed (the ids of clip paths and glyphs are hashes salted with it, by
  default a random salt per process) and no `Date` in the metadata;
- text as paths (`svg.fonttype: path`), in DejaVu Sans, which matplotlib ships: the SVG
  needs no font on the reader's machine, and WeasyPrint's PDF shows it as drawn;
- fixed sizes, colours and resolution; no tight bounding box that moves with the labels.

The page shows the SVG as an `<img>` with a `data:` URL. Not inline: matplotlib's SVG
carries a `<style>` element and `style` attributes, which the app's Content Security
Policy (`style-src 'self'`, app/__init__.py) refuses in the page, while `img-src 'self'
data:` allows the image (an SVG image's own styles are its own document's). The chart's
text alternative is its one-line summary, and its data table sits beside it.
"""
from __future__ import annotations

import base64
import functools
import io

from flask import current_app
from markupsafe import Markup

from app import renderer
from app.services.figures import Chart

WIDTH_INCHES, HEIGHT_INCHES = 6.4, 3.2
BAR_COLOUR = "#1d70b8"  # GOV.UK Frontend's blue: 4.5:1 against white
TEXT_COLOUR = "#0b0c0c"
_STYLE = {
    "svg.hashsalt": "dvpo-desk-figures",
    "svg.fonttype": "path",
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.edgecolor": TEXT_COLOUR,
    "axes.labelcolor": TEXT_COLOUR,
    "xtick.color": TEXT_COLOUR,
    "ytick.color": TEXT_COLOUR,
    "text.color": TEXT_COLOUR,
    "figure.dpi": 72,
    "savefig.dpi": 72,
    "path.simplify": False,
}


@functools.lru_cache(maxsize=128)
def bar_chart_svg(chart: Chart) -> str:
    """The chart as an SVG document (text). The same chart draws the same bytes, so the last
    few drawn are kept (a reload or the PDF after the page draws nothing again)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    with matplotlib.rc_context(_STYLE):
        figure = Figure(figsize=(WIDTH_INCHES, HEIGHT_INCHES))
        axes = figure.add_subplot()
        positions = range(len(chart.labels))
        many = len(chart.labels) > 8  # months: labels turned, values left to the table beside
        bars = axes.bar(positions, chart.values, color=BAR_COLOUR, width=0.6)
        if not many:
            axes.bar_label(bars, labels=[_value(v, chart.unit) for v in chart.values], padding=2)
        step = -(-len(chart.labels) // 24)  # at most 24 labels shown: every step-th
        labels = [label if i % step == 0 else "" for i, label in enumerate(chart.labels)]
        axes.set_xticks(list(positions), labels=labels, rotation=90 if many else 0,
                        fontsize=8 if many else 10)
        axes.yaxis.set_major_locator(MaxNLocator(integer=chart.unit == "count"))
        axes.set_ylim(0, max([*chart.values, 1]) * 1.2)
        axes.spines[["top", "right"]].set_visible(False)
        axes.set_title(chart.title)
        figure.subplots_adjust(left=0.09, right=0.98, top=0.88, bottom=0.3 if many else 0.12)
        out = io.StringIO()
        figure.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    return out.getvalue()


def _value(value: float, unit: str) -> str:
    text = f"{value:g}"
    return text + "%" if unit == "percent" else text


@functools.lru_cache(maxsize=128)
def _chart_svg(chart: Chart, processes: int) -> str:
    """bar_chart_svg, drawn by a renderer process (app/renderer.py) unless `processes` is 0, so
    the web process never imports matplotlib; the last few kept here too."""
    return renderer.run(bar_chart_svg, chart, processes=processes)


def chart_img(chart: Chart, summary: str) -> Markup:
    """An `<img>` showing the chart, its summary as the text alternative."""
    data = base64.b64encode(_chart_svg(chart, current_app.config["RENDER_PROCESSES"]).encode()).decode("ascii")
    return Markup('<img class="app-chart" src="data:image/svg+xml;base64,{}" alt="{}">').format(
        data, f"{chart.title}: {summary}")  # both escaped by format; base64 has nothing to escape
