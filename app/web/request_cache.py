"""What a request loads once and every view in it shares (flask.g)."""
from __future__ import annotations

from flask import g

from app.domain.calendar import Calendar
from app.services.calendar import load_calendar


def request_calendar() -> Calendar:
    """The bank-holiday calendar, loaded at most once per request."""
    if "calendar" not in g:
        g.calendar = load_calendar()
    return g.calendar
