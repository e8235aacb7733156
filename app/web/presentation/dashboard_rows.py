"""What the dashboard's rows need besides their data: the templates' version for the ETag,
and instants as the milliseconds the countdown script (static/dashboard.js) counts from."""
from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from flask import current_app

# The templates a row is drawn from: a new release that changes one changes every ETag.
ROW_TEMPLATES = ("cases/partials/case_rows.html", "cases/_clock.html")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def rows_template_version() -> str:
    """A digest of the rows' templates, read once per process (per template change in debug)."""
    cache = current_app.extensions.setdefault("dashboard_rows_version", {})
    key = current_app.debug or "fixed"
    if key is True or key not in cache:
        loader = current_app.jinja_env.loader
        sources = "".join(loader.get_source(current_app.jinja_env, name)[0] for name in ROW_TEMPLATES)
        cache[key] = hashlib.sha256(sources.encode()).hexdigest()[:12]
    return cache[key]


def epoch_ms(value: datetime | timedelta) -> int:
    """An instant as milliseconds since 1970 (a span as milliseconds), rounded down."""
    if isinstance(value, timedelta):
        return value // timedelta(milliseconds=1)
    return (value - _EPOCH) // timedelta(milliseconds=1)
