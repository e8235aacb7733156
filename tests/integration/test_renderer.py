"""PDFs and charts made by renderer processes (app/renderer.py, RENDER_PROCESSES), so a web
process never loads WeasyPrint or matplotlib (issue 18: a web process under 150 MB)."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap

from app import renderer
from app.models import Role
from app.printing import EXTENSION_KEY
from tests.integration.test_figures import _hearings

CHART = re.compile(r"data:image/svg\+xml;base64,[A-Za-z0-9+/=]+")
PERIOD = {"from": "2026-11-01", "to": "2026-11-16"}


def _made_with(app, client_request, processes: int, monkeypatch) -> tuple[bytes, str]:
    """The figures' PDF and page, made with `processes` renderers (a fresh Printouts for the setting)."""
    monkeypatch.setitem(app.config, "RENDER_PROCESSES", processes)
    app.extensions.pop(EXTENSION_KEY, None)
    pdf = client_request.client.get(client_request.url("figures.pdf", **PERIOD))
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    page = client_request.client.get(client_request.url("figures.page", **PERIOD))
    assert page.status_code == 200
    app.extensions.pop(EXTENSION_KEY, None)
    return pdf.data, page.get_data(as_text=True)


def test_a_renderer_process_makes_the_same_pdf_and_charts(app, client_request, make_user, monkeypatch):
    client_request.login_as(Role.SUPERVISOR)
    _hearings(make_user(Role.OFFICER), granted=3, refused=1)
    from app.web.presentation import charts

    charts._chart_svg.cache_clear()
    here_pdf, here_page = _made_with(app, client_request, 0, monkeypatch)
    charts._chart_svg.cache_clear()
    handed, run = [], renderer.run

    def recorded(function, *args, processes):
        handed.append((function.__name__, processes))
        return run(function, *args, processes=processes)

    monkeypatch.setattr(renderer, "run", recorded)
    there_pdf, there_page = _made_with(app, client_request, 1, monkeypatch)
    assert {("pdf_with_static_files", 1), ("bar_chart_svg", 1)} <= set(handed), handed
    pids = renderer.renderer_pids()
    assert len(pids) == 1 and os.getpid() not in pids
    assert there_pdf == here_pdf
    charts_here, charts_there = CHART.findall(here_page), CHART.findall(there_page)
    assert charts_there == charts_here and charts_here


def test_a_renderer_that_dies_is_replaced(monkeypatch):
    import signal

    from app.printing import safe_filename

    assert renderer.run(safe_filename, "a b.pdf", processes=1) == "a_b.pdf"
    for pid in renderer.renderer_pids():
        os.kill(pid, signal.SIGKILL)
    assert renderer.run(safe_filename, "c d.pdf", processes=1) == "c_d.pdf"


SCRIPT = textwrap.dedent("""
    import sys
    from app import renderer
    from app.printing import pdf_with_static_files
    from app.services.figures import Chart
    from app.web.presentation.charts import bar_chart_svg
    pdf, files = renderer.run(pdf_with_static_files, "<p>Hello</p>", "http://localhost/", "static",
                              "http://localhost/static/", processes=1)
    svg = renderer.run(bar_chart_svg, CHART, processes=1)
    assert pdf.startswith(b"%PDF") and svg.lstrip().startswith("<?xml"), (pdf[:8], svg[:40])
    print(sorted(name for name in ("weasyprint", "matplotlib", "numpy") if name in sys.modules))
""")


def test_the_calling_process_never_imports_weasyprint_or_matplotlib():
    script = SCRIPT.replace("CHART", 'Chart(title="Hearings", labels=("Granted", "Refused"), values=(3.0, 1.0))')
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                          cwd=os.getcwd(), env={**os.environ, "PYTHONPATH": os.getcwd()})
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]", done.stdout
