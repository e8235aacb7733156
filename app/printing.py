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
"""
from __future__ import annotations

import logging
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import Response, current_app, render_template, request, url_for

# WeasyPrint logs a WARNING for every GOV.UK Frontend rule it does not support (media
# features such as min-width, @supports, vendor prefixes): hundreds of lines per PDF,
# none actionable, plus INFO progress lines (some while it is imported, hence here).
# ERROR still reports unusable resources, which also fail the render (see below).
logging.getLogger("weasyprint").setLevel(logging.ERROR)

import weasyprint  # noqa: E402 - after the logger is quietened

# Anything outside this set in a Content-Disposition filename is replaced: it keeps
# quotes, CR/LF and path separators out of the header.
_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


def render_printout(template: str, **context) -> str:
    """The printout as an HTML page: toolbar and A4 sheet on screen, paper layout in print."""
    return render_template(template, **{**context, "printing": True})


def pdf_response(template: str, filename: str, **context) -> Response:
    """The same printout rendered to PDF by WeasyPrint, shown inline by the browser.

    Synchronous: under a second for a few pages, most of it parsing GOV.UK's CSS.
    Resources come only from the static folder: see `StaticURLFetcher`.
    """
    html = render_printout(template, **context)
    # base_url resolves root-relative URLs ("/static/print.css") against this request's
    # host; the fetcher then reads them from disk instead of over HTTP.
    document = weasyprint.HTML(string=html, base_url=request.url_root, url_fetcher=static_url_fetcher())
    # presentational_hints: honour HTML attributes (width=, align=, border=...) as browsers do.
    pdf = document.write_pdf(presentational_hints=True)
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{safe_filename(filename)}"'},
    )


def safe_filename(filename: str) -> str:
    """Only [A-Za-z0-9._-], never empty or a dot file, always ending in .pdf."""
    cleaned = _UNSAFE_FILENAME.sub("_", filename).strip("._") or "printout"
    return cleaned if cleaned.lower().endswith(".pdf") else cleaned + ".pdf"


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
        return super().fetch(file.as_uri(), headers)


def static_url_fetcher() -> StaticURLFetcher:
    """The fetcher for the current app and request (which gives the static URL's origin)."""
    return StaticURLFetcher(current_app.static_folder, url_for("static", filename="", _external=True))
