"""The case list's filters from the URL (kept there, so a filtered list can be bookmarked).

A value that cannot be used is left out and said why beside its field; the rest still apply.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from werkzeug.datastructures import MultiDict

from app.domain.regimes import RegimeCode
from app.domain.risk import RiskLevel
from app.domain.search_terms import BadQuery, uk_date
from app.models import CaseState
from app.services.case_list import LIVE, CaseFilters, DateField, SortKey

ARGS = ("state", "area", "regime", "officer", "risk", "dates", "from", "to", "sort", "order")


@dataclass
class ParsedFilters:
    filters: CaseFilters
    errors: dict[str, str] = field(default_factory=dict)
    # What the form shows and the links keep: the args as typed, bad ones included.
    args: dict[str, str] = field(default_factory=dict)

    def url_args(self, **changes) -> dict[str, str]:
        """The args for a link to this list with `changes` (None removes one), empty ones left out."""
        merged = {**{k: v for k, v in self.args.items() if k not in self.errors}, **changes}
        return {k: v for k, v in merged.items() if v not in (None, "")}


def _choice(raw: str, allowed: dict, what: str, errors: dict, name: str):
    if not raw:
        return None
    if raw not in allowed:
        errors[name] = f"Choose {what} from the list"
        return None
    return allowed[raw]


def parse_filters(args: MultiDict, *, areas: list[str], officer_ids: set[int]) -> ParsedFilters:
    raw = {name: (args.get(name) or "").strip()[:40] for name in ARGS}
    errors: dict[str, str] = {}
    states = {LIVE: LIVE, **{s.value: s.value for s in CaseState}}
    state = _choice(raw["state"], states, "a state", errors, "state")
    area = _choice(raw["area"], {a: a for a in areas}, "an area", errors, "area")
    regime = _choice(raw["regime"], {r.value: r for r in RegimeCode}, "DVPO or DAPO", errors, "regime")
    risk = _choice(raw["risk"], {r.value: r for r in RiskLevel}, "a risk level", errors, "risk")
    officer = _choice(raw["officer"], {str(i): i for i in officer_ids}, "an officer", errors, "officer")
    date_field = _choice(raw["dates"], {d.value: d for d in DateField}, "incident or service", errors, "dates")
    sort = _choice(raw["sort"], {s.value: s for s in SortKey}, "a column to sort by", errors, "sort")
    order = _choice(raw["order"], {"asc": False, "desc": True}, "an order", errors, "order")
    dates = {}
    for name in ("from", "to"):
        if raw[name]:
            try:
                dates[name] = uk_date(raw[name])
            except BadQuery as exc:
                errors[name] = str(exc).replace("Enter a date", f"Enter the {'first' if name == 'from' else 'last'} day")
    if "from" in dates and "to" in dates and dates["from"] > dates["to"]:
        errors["to"] = "The last day must be the same as or after the first day"
        del dates["to"]
    filters = CaseFilters(
        state=state, area=area, regime=regime, officer_id=officer, risk=risk,
        date_field=date_field or DateField.INCIDENT, date_from=dates.get("from"), date_to=dates.get("to"),
        sort=sort or SortKey.INCIDENT, descending=True if order is None else order,
    )
    return ParsedFilters(filters=filters, errors=errors, args=raw)
