"""PDFs without holding up everyone else (app/printing.py): the cache of PDFs already made and
the bound on PDFs made at once. Output stays what a fresh render gives."""
from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from jinja2 import ChoiceLoader, FileSystemLoader

from app import printing

TEST_TEMPLATES = Path(__file__).resolve().parent.parent / "printing_templates"
SAMPLE = {"reference": "24/0173", "paragraphs": 1, "rows": 2}


@pytest.fixture
def print_app(app):
    app.jinja_loader = ChoiceLoader([app.jinja_loader, FileSystemLoader(TEST_TEMPLATES)])
    app.extensions.pop(printing.EXTENSION_KEY, None)  # the app outlives a test: start with no PDFs made
    yield app
    app.extensions.pop(printing.EXTENSION_KEY, None)


def _pdf(app, **context):
    with app.test_request_context("/cases/1/notice.pdf"):
        return printing.pdf_response("sample_notice.html", "notice.pdf", **{**SAMPLE, **context})


def _counting_renders(monkeypatch) -> list[str]:
    renders: list[str] = []
    real = printing.render_pdf

    def render(html, base_url, fetcher):
        renders.append(html)
        return real(html, base_url, fetcher)

    monkeypatch.setattr(printing, "render_pdf", render)
    return renders


def test_the_same_printout_again_is_the_same_pdf_without_rendering(print_app, monkeypatch):
    renders = _counting_renders(monkeypatch)
    first = _pdf(print_app).get_data()
    again = _pdf(print_app)
    assert again.status_code == 200 and again.mimetype == "application/pdf"
    assert again.get_data() == first
    assert len(renders) == 1
    # ...and it is what a fresh render gives: the cache changes no byte.
    printing.printouts(print_app).cache = printing.PdfCache(16 * 1024 * 1024)
    assert _pdf(print_app).get_data() == first
    assert len(renders) == 2


def test_a_change_in_the_content_is_rendered_again(print_app, monkeypatch):
    renders = _counting_renders(monkeypatch)
    first = _pdf(print_app).get_data()
    changed = _pdf(print_app, reference="24/0174").get_data()
    assert changed != first and len(renders) == 2


def test_no_more_pdfs_are_made_at_once_than_the_bound(print_app, monkeypatch):
    print_app.extensions[printing.EXTENSION_KEY] = printing.Printouts(
        cache_bytes=0, renders_at_once=2, wait_seconds=30)
    lock, active, most = threading.Lock(), [0], [0]

    def slow_render(html, base_url, fetcher):
        with lock:
            active[0] += 1
            most[0] = max(most[0], active[0])
        time.sleep(0.2)
        with lock:
            active[0] -= 1
        return b"%PDF-" + html[-20:].encode()

    monkeypatch.setattr(printing, "render_pdf", slow_render)
    statuses: list[int] = []

    def request(n: int) -> None:
        statuses.append(_pdf(print_app, reference=f"24/{n:04d}").status_code)

    threads = [threading.Thread(target=request, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert statuses == [200] * 6
    assert most[0] == 2


def test_a_pdf_that_cannot_start_in_time_gets_a_503_saying_so(print_app, monkeypatch):
    printouts = printing.Printouts(cache_bytes=0, renders_at_once=1, wait_seconds=0.2)
    print_app.extensions[printing.EXTENSION_KEY] = printouts
    monkeypatch.setattr(printing, "render_pdf", lambda html, base_url, fetcher: b"%PDF-")
    assert printouts._renders.acquire(timeout=1)  # another request is making its PDF
    try:
        response = _pdf(print_app)
    finally:
        printouts._renders.release()
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert "Printouts are busy" in response.get_data(as_text=True)
    assert _pdf(print_app).status_code == 200  # free again
