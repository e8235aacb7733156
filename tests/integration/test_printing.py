"""Printouts (app/printing.py, templates/print.html): the HTML page and its PDF.

No test route is added to the app (the role matrix would rightly refuse one): the
functions are called inside a request context, with a test-only template folder
(tests/printing_templates/) added to the app's Jinja loader.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from jinja2 import ChoiceLoader, DictLoader, FileSystemLoader
from weasyprint.urls import FatalURLFetchingError

from app.printing import pdf_response, render_printout, static_url_fetcher
from tests.support import pdf_pages

TEST_TEMPLATES = Path(__file__).resolve().parent.parent / "printing_templates"
SAMPLE = {"reference": "24/0173", "paragraphs": 8, "rows": 20}  # three A4 pages
EXTRA_TEMPLATES = {
    "remote_image.html": '{% extends "print.html" %}{% block document %}'
    '<img src="http://example.com/logo.png" alt="">{% endblock %}',
    "flags.html": '{% extends "print.html" %}{% block marking %}OFFICIAL{% endblock %}'
    '{% block document %}<p>printing={{ printing }}</p>{% endblock %}',
}


@pytest.fixture
def print_app(app):
    app.jinja_loader = ChoiceLoader([app.jinja_loader, FileSystemLoader(TEST_TEMPLATES), DictLoader(EXTRA_TEMPLATES)])
    with app.test_request_context("/cases/1/notice.pdf"):
        yield app




def test_pdf_is_a_pdf_named_safely_and_shown_inline(print_app):
    response = pdf_response("sample_notice.html", 'DVPN 24/0173 "final".pdf', **SAMPLE)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'inline; filename="DVPN_24_0173_final_.pdf"'
    assert response.get_data().startswith(b"%PDF-")


def test_every_pdf_page_carries_marking_reference_and_page_number(print_app, tmp_path):
    response = pdf_response("sample_notice.html", "notice.pdf", pdf_url="/cases/1/notice.pdf", back_url="/cases/1", **SAMPLE)
    pages = pdf_pages(response.get_data(), tmp_path)

    assert len(pages) == 3
    for number, page in enumerate(pages, start=1):
        # Top and bottom of every page (Government Security Classifications).
        assert page.count("OFFICIAL-SENSITIVE") == 2, page
        lines = [line for line in page.splitlines() if line.strip()]
        assert "OFFICIAL-SENSITIVE" in lines[0] and "Case 24/0173" in lines[0], lines[0]
        assert "OFFICIAL-SENSITIVE" in lines[-2] and f"Page {number} of 3" in lines[-1], lines[-2:]
    assert "Page 2 of 3" in pages[1]
    # The long table splits between pages and repeats its headings; the page break
    # puts the signatures on a page of their own.
    assert re.search(r"^\s*When\s+What\s*$", pages[1], re.MULTILINE)
    assert "Timeline entry 20" in pages[1]
    assert "Signatures" in pages[2] and "Timeline entry" not in pages[2]
    # The on-screen toolbar is not printed.
    for toolbar_text in ("Download PDF", "Back", "Print"):
        assert toolbar_text not in "".join(pages)


def test_a_pdf_is_set_in_the_printouts_own_typeface_whatever_the_machine_has(print_app, tmp_path):
    """The PDF's text is set in the Liberation Sans files shipped in static/vendor/fonts
    (print.css's @font-face), read through the static files' fetcher, not in a sans-serif
    the server happens to have installed, and the fonts are embedded in the PDF."""
    import subprocess

    from flask import request, url_for

    from app.printing import pdf_with_static_files

    html = render_printout("sample_notice.html", **SAMPLE)
    pdf, files = pdf_with_static_files(html, request.url_root, print_app.static_folder,
                                       url_for("static", filename="", _external=True))
    fonts = Path(print_app.static_folder, "vendor", "fonts").resolve()
    assert {f.name for f in files if f.parent == fonts} >= {"LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"}
    path = tmp_path / "notice.pdf"
    path.write_bytes(pdf)
    listed = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    embedded = [line for line in listed.splitlines()[2:] if line.strip()]
    # Embedded, and only those: WeasyPrint names each after its @font-face family.
    assert embedded and all("DVPO-Print-Sans" in line and " yes " in line for line in embedded), listed


def test_fetcher_reads_static_files_from_disk(print_app):
    fetcher = static_url_fetcher()
    css = Path(print_app.static_folder, "print.css").resolve()
    for url in ("http://localhost/static/print.css", css.as_uri()):
        response = fetcher(url)
        try:
            assert response.content_type == "text/css"
            assert b"@page" in response.read()
        finally:
            response.close()


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/x.css",
        "file:///etc/passwd",
        "http://example.com/static/print.css",  # our path on someone else's host
        "https://localhost/static/print.css",  # another origin than the request's
        "http://localhost/static/../app/__init__.py",
        "http://localhost/static/%2e%2e/app/__init__.py",
        "http://localhost/static/missing.css",
        "http://localhost/login",
        "ftp://localhost/static/print.css",
    ],
)
def test_fetcher_refuses_everything_else(print_app, url):
    with pytest.raises(ValueError):
        static_url_fetcher()(url)


def test_a_refused_resource_fails_the_pdf_rather_than_dropping_it(print_app):
    with pytest.raises(FatalURLFetchingError):
        pdf_response("remote_image.html", "x.pdf")


def test_html_printout_has_the_toolbar_and_links(print_app):
    html = render_printout("sample_notice.html", pdf_url="/cases/1/notice.pdf", back_url="/cases/1", **SAMPLE)

    assert 'class="app-print-toolbar app-no-print"' in html
    assert re.search(r'<button type="button" id="print-button"[^>]*>Print</button>', html)
    assert re.search(r'<a href="/cases/1/notice.pdf"[^>]*>Download PDF</a>', html)
    assert re.search(r'<a href="/cases/1"[^>]*>Back</a>', html)
    assert '<script src="/static/print.js" defer></script>' in html
    for sheet in ("vendor/govuk-frontend-", "app.css", "print.css"):
        assert re.search(rf'<link rel="stylesheet" href="/static/{re.escape(sheet)}[^"]*" media="all">', html), sheet
    # Running header and footer, with the default marking and the reference.
    assert re.search(r'class="print-running-header">\s*<span class="print-marking">OFFICIAL-SENSITIVE</span>\s*'
                     r'<span class="print-reference">Case 24/0173</span>', html)
    assert re.search(r'class="print-running-footer">\s*<span class="print-marking">OFFICIAL-SENSITIVE</span>', html)
    # The CSP (script-src 'self'; style-src 'self') allows no inline code; no htmx or nav.
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert "<style" not in html and " style=" not in html and " on" + "click=" not in html
    assert "htmx" not in html and "<nav" not in html


def test_toolbar_links_are_optional_and_marking_can_change(print_app):
    html = render_printout("flags.html")
    assert "Download PDF" not in html and ">Back</a>" not in html
    assert 'id="print-button"' in html
    assert "OFFICIAL-SENSITIVE" not in html
    assert html.count('<span class="print-marking">OFFICIAL</span>') == 2
    assert "printing=True" in html


def test_print_js_is_served_and_binds_the_button(client):
    response = client.get("/static/print.js")
    assert response.status_code == 200
    script = response.get_data(as_text=True)
    assert 'getElementById("print-button")' in script and "window.print()" in script
