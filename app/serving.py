"""Access logs without query strings, for `flask serve` (Werkzeug) and gunicorn.

Vonage sends delivery receipts by GET when its dashboard says so, with P's number (msisdn)
in the query string; other pages take personal data in their query strings too (filters,
the log-in page's `next`). The access log records the method, the path, the status and the
size, never the query string, for every request: a rule for one route would miss the next.
Nor does it record the Referer, which holds the previous page's query string.
"""
from __future__ import annotations

import re

from werkzeug.serving import WSGIRequestHandler

# A query string inside any text Werkzeug logs (a bad request line is quoted in its error).
_QUERY = re.compile(r"\?[^\s'\"]*")

# gunicorn's default is '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"': %(r)s is
# the request line with its query string and %(f)s the Referer. %(U)s is the path alone.
GUNICORN_ACCESS_LOG_FORMAT = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(a)s" %(M)sms'


def without_query(text: str) -> str:
    return _QUERY.sub("", text)


class AccessLogWithoutQuery(WSGIRequestHandler):
    """Werkzeug's request handler, logging each request's path without its query string."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        path = getattr(self, "path", None)
        if path is None:  # a request line too bad to parse: Werkzeug would log it whole
            self.requestline = without_query(getattr(self, "requestline", ""))
            return super().log_request(code, size)
        self.path = path.split("?", 1)[0]
        try:
            super().log_request(code, size)
        finally:
            self.path = path

    def log(self, type: str, message: str, *args) -> None:  # noqa: A002 - Werkzeug's signature
        super().log(type, without_query(message), *(without_query(a) if isinstance(a, str) else a for a in args))
