"""Printouts: one template gives the HTML page the browser prints and the PDF.

A printout template extends ``print.html`` (blocks ``title``, ``reference``, ``marking``,
``document``; variables ``pdf_url`` and ``back_url``: see that file). A view returns either

    render_printout("cases/notice_print.html", case=case, pdf_url=..., back_url=...)
    pdf_response("cases/notice_print.html", f"DVPN-{case.reference}.pdf", case=case)

and both get ``printing=True`` in the template context. The PDF is rendered here by
WeasyPrint from the same HTML and the same ``static/print.css`` (WeasyPrint applies
``@media print`` and ignores the on-screen toolbar), so paper and PDF match.

Fonts are the system's: WeasyPrint finds them through fontconfig/Pango (no web fonts
are loaded) and embeds the subsets it uses in the PDF. The stylesheets ask for Arial; on Debian fontconfig
substitutes the metric-compatible Liberation Sans (fonts-liberation), so text measures
as it would in Arial.

Making a PDF takes about half a second of CPU, so it must not hold up everyone else's polls:
  - the same HTML gives the same PDF, so each web process keeps the PDFs it made in memory,
    keyed by the HTML (app/pdf_cache.py, `PDF_CACHE_MB`): printing a printout again that
    has not changed costs the HTML only;
  - at most `PDF_RENDERS_AT_ONCE` PDFs are made at once in a process (1 by default: the
    render is CPU-bound and one process uses one core at a time); under gunicorn's gthread
    workers a PDF holds one of the worker's threads, the others go on answering. A request
    that cannot start its render within `PDF_WAIT_SECONDS` gets a 503 page saying so,
    with Retry-After, rather than queueing without end.
WeasyPrint (about 25 MB of a process's memory, more once it has drawn) is imported by the
first PDF a process makes, not when the app starts; with `RENDER_PROCESSES` above 0 that
process is a renderer (app/renderer.py), never the web process.
"""
from __future__ import annotations

import functools
import logging
import posixpath
import re
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import Flask, Response, current_app, render_template, request, url_for

from app import renderer
from app.pdf_cache import PdfCache, cache_key

# WeasyPrint logs a WARNING for every GOV.UK Frontend rule it does not support (media
# features such as min-width, @supports, vendor prefixes): hundreds of lines per PDF,
# none actionable, plus INFO progress lines (some while it is imported, hence before it).
# ERROR still reports unusable resources, which also fail the render (see below).
logging.getLogger("weasyprint").setLevel(logging.ERROR)

EXTENSION_KEY = "dvpo_pdfs"

# Anything outside this set in a Content-Disposition filename is replaced: it keeps
# quotes, CR/LF and path separators out of the header.
_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


def render_printout(template: str, **context) -> str:
    """The printout as an HTML page: toolbar and A4 sheet on screen, paper layout in print."""
    return render_template(template, **{**context, "printing": True})


def pdf_response(template: str, filename: str, **context) -> Response:
    """The same printout rendered to PDF by WeasyPrint, shown inline by the browser.

    Resources come only from the static folder: see `StaticURLFetcher`. A PDF made before
    from the same HTML comes from the cache; otherwise it waits its turn (module docstring).
    """
    html = render_printout(template, **context)
    try:
        pdf = printouts(current_app).pdf(html, request.url_root)
    except PrintoutsBusy:
        busy = Response(render_template("errors/printouts_busy.html"), status=503)
        busy.headers["Retry-After"] = "30"
        return busy
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{safe_filename(filename)}"'},
    )


class PrintoutsBusy(Exception):
    """No render could start within PDF_WAIT_SECONDS."""


class Printouts:
    """One per app: the PDFs already made (by their HTML) and the bound on renders at once."""

    def __init__(self, *, cache_bytes: int, renders_at_once: int, wait_seconds: float, processes: int = 0):
        self.cache = PdfCache(cache_bytes)
        self._processes = processes  # RENDER_PROCESSES (app/renderer.py); 0: here
        self._renders = threading.BoundedSemaphore(renders_at_once)
        self._wait_seconds = wait_seconds

    def pdf(self, html: str, base_url: str) -> bytes:
        key = cache_key(html, base_url)
        pdf = self.cache.get(key)
        if pdf is not None:
            return pdf
        if not self._renders.acquire(timeout=self._wait_seconds):
            raise PrintoutsBusy
        try:
            pdf = self.cache.get(key)  # made by the request this one waited behind
            if pdf is None:
                pdf, files_read = renderer.run(
                    pdf_with_static_files, html, base_url, current_app.static_folder,
                    url_for("static", filename="", _external=True), processes=self._processes)
                self.cache.put(key, pdf, files_read)
            return pdf
        finally:
            self._renders.release()


_printouts_lock = threading.Lock()


def printouts(app: Flask) -> Printouts:
    with _printouts_lock:
        if EXTENSION_KEY not in app.extensions:
            app.extensions[EXTENSION_KEY] = Printouts(
                cache_bytes=app.config["PDF_CACHE_MB"] * 1024 * 1024,
                renders_at_once=app.config["PDF_RENDERS_AT_ONCE"],
                wait_seconds=app.config["PDF_WAIT_SECONDS"],
                processes=app.config["RENDER_PROCESSES"],
            )
        return app.extensions[EXTENSION_KEY]


def pdf_with_static_files(html: str, base_url: str, static_folder: str, static_base_url: str) -> tuple[bytes, list[Path]]:
    """The PDF and the static files it read: what a renderer process (app/renderer.py) sends back."""
    fetcher = _fetcher_class()(static_folder, static_base_url)
    return render_pdf(html, base_url, fetcher), list(fetcher.files_read)


def render_pdf(html: str, base_url: str, fetcher) -> bytes:
    """WeasyPrint's PDF of the HTML. base_url resolves root-relative URLs ("/static/print.css")
    against this request's host; the fetcher then reads them from disk instead of over HTTP."""
    import weasyprint

    document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    # presentational_hints: honour HTML attributes (width=, align=, border=...) as browsers do.
    return document.write_pdf(presentational_hints=True)


def safe_filename(filename: str) -> str:
    """Only [A-Za-z0-9._-], never empty or a dot file, always ending in .pdf."""
    cleaned = _UNSAFE_FILENAME.sub("_", filename).strip("._") or "printout"
    return cleaned if cleaned.lower().endswith(".pdf") else cleaned + ".pdf"


@functools.cache
def _fetcher_class():
    """StaticURLFetcher, defined on first use: it subclasses WeasyPrint's URLFetcher, and
    WeasyPrint is imported only when a process makes its first PDF."""
    import weasyprint

    class StaticURLFetcher(weasyprint.URLFetcher):
        """WeasyPrint's URL fetcher for printouts: our static files from disk, nothing else.

        An HTTP request back to our own server would deadlock a single-threaded dev server
        and cannot work in tests, and a printout must never reach the network or read other
        local files, whatever its content says. So the only URLs allowed are:
          - those under the app's static URL on this request's origin
            ("http://host/static/print.css"), read from app.static_folder;
          - file:// URLs of files inside the static folder;
          - data: URLs.
        Anything else raises ValueError.

        WeasyPrint 70 replaced the old ``default_url_fetcher`` function with this class; its
        own ``fetch`` does the reading (urllib's file and data handlers), limited here to those
        two protocols as a second line of defence.

        ``fail_on_errors=True``: a refused or missing resource stops the render (a 500)
        rather than giving a PDF that silently lacks print.css, and with it the markings.
        """

        def __init__(self, static_folder: str, static_base_url: str):
            super().__init__(allowed_protocols=("file", "data"), fail_on_errors=True)
            self.files_read: list[Path] = []  # what the render loaded: the cache's fingerprint
            self._root = Path(static_folder).resolve()
            base = urlsplit(static_base_url)  # e.g. http://localhost/static/
            self._origin = (base.scheme, base.netloc)
            self._prefix = base.path if base.path.endswith("/") else base.path + "/"

        def fetch(self, url: str, headers=None):
            parts = urlsplit(url)
            if parts.scheme == "data":
                return super().fetch(url, headers)
            if parts.scheme in ("http", "https"):
                path = posixpath.normpath(unquote(parts.path))  # "/static/../x" -> "/x"
                if (parts.scheme, parts.netloc) != self._origin or not path.startswith(self._prefix):
                    raise ValueError(f"printouts may only load files under {self._prefix}, not {url!r}")
                file = (self._root / path[len(self._prefix):]).resolve()
            elif parts.scheme == "file":
                file = Path(unquote(parts.path)).resolve()
            else:
                raise ValueError(f"printouts may not load {url!r}")
            if not file.is_relative_to(self._root) or not file.is_file():
                raise ValueError(f"printouts may only load files in the static folder, not {url!r}")
            self.files_read.append(file)
            return super().fetch(file.as_uri(), headers)

    return StaticURLFetcher


def static_url_fetcher():
    """A StaticURLFetcher for the current app and request (which gives the static URL's origin)."""
    return _fetcher_class()(current_app.static_folder, url_for("static", filename="", _external=True))
