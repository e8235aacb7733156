"""The figures' filters from the URL (a GET form, so a set of figures can be bookmarked).

Dates are London days, typed as on the case list (3/4/2026 or 2026-04-03). With no dates
the period is the financial year so far (1 April to today, London). A value that cannot be
used is said why beside its field and nothing is counted until it is put right; what was
typed stays in the form.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from werkzeug.datastructures import MultiDict

from app.domain.figures import Period, year_ending_march
from app.domain.regimes import RegimeCode
from app.domain.search_terms import BadQuery, uk_date
from app.services.figures import REGIME_LABELS, Filters

ARGS = ("from", "to", "area", "regime")


@dataclass
class ParsedFilters:
    filters: Filters | None
    errors: dict[str, str] = field(default_factory=dict)
    args: dict[str, str] = field(default_factory=dict)  # as typed, for the form and the export links

    def url_args(self) -> dict[str, str]:
        return {k: v for k, v in self.args.items() if v}


def regime_options() -> list[tuple[str, str]]:
    return [(code.value, label) for code, label in REGIME_LABELS.items()]


def parse_filters(args: MultiDict, *, areas: list[str], today: date) -> ParsedFilters:
    raw = {name: (args.get(name) or "").strip()[:40] for name in ARGS}
    errors: dict[str, str] = {}
    area = raw["area"] or None
    if area is not None and area not in areas:
        errors["area"] = "Choose an area from the list"
    regime = None
    if raw["regime"]:
        try:
            regime = RegimeCode(raw["regime"])
        except ValueError:
            errors["regime"] = "Choose DVPN/DVPO or DAPN/DAPO"
    defaults = {"from": date(year_ending_march(today) - 1, 4, 1), "to": today}
    days = {}
    for name, which in (("from", "first"), ("to", "last")):
        if not raw[name]:
            days[name] = defaults[name]
            continue
        try:
            days[name] = uk_date(raw[name])
        except BadQuery as exc:
            errors[name] = str(exc).replace("Enter a date like", f"Enter the {which} day as a date like")
    period = None
    if "from" in days and "to" in days:
        try:
            period = Period(days["from"], days["to"])
        except ValueError as exc:
            errors["to"] = str(exc)[0].upper() + str(exc)[1:]
    if not raw["from"] and not raw["to"] and not errors:
        raw["from"], raw["to"] = days["from"].isoformat(), days["to"].isoformat()
    filters = None if errors else Filters(period, area, regime)
    return ParsedFilters(filters, errors, raw)


def parse_year(raw: str | None, *, today: date) -> tuple[int | None, str | None]:
    """The Home Office year asked for (the year of its 31 March), or an error."""
    text = (raw or "").strip()
    if not text:
        return year_ending_march(today), None
    if not text.isdigit() or len(text) != 4 or not 2011 <= int(text) <= year_ending_march(today) + 1:
        return None, f"Enter the year the financial year ends in, from 2011 to {year_ending_march(today) + 1}, like 2026"
    return int(text), None
