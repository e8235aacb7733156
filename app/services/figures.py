"""Figures for supervisors and admins (issue 17): what the force did in a period, for an
area and a regime, from what the app records. The queries are in services/figures_queries
(a fixed number of statements, however many cases), the arithmetic in domain/figures; the
page, the printout, the exports and `flask reports figures --json` all read one `Figures`.

Each figure has a key (its JSON name, `sections.<section>.<key>`), a label and a value. A
figure the records cannot give honestly has the value None and says why (`not_recorded`),
rather than a guess.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from app.domain import figures as rules
from app.domain.figures import Period, format_percent
from app.domain.regimes import RegimeCode
from app.extensions import db
from app.services import audit
from app.services import figures_queries as q
from app.services.transaction import commits

REGIME_LABELS = {RegimeCode.DVPN: "DVPN/DVPO", RegimeCode.DAPN: "DAPN/DAPO"}


@dataclass(frozen=True)
class Filters:
    period: Period
    area: str | None = None
    regime: RegimeCode | None = None

    def as_json(self) -> dict:
        return {"from": self.period.first_day.isoformat(), "to": self.period.last_day.isoformat(),
                "area": self.area, "regime": self.regime.value if self.regime else None}

    def describe(self) -> str:
        return ", ".join([f"{self.period.first_day.isoformat()} to {self.period.last_day.isoformat()}",
                          self.area or "all areas", REGIME_LABELS[self.regime] if self.regime else "both regimes"])


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: int | float | None
    unit: str = "count"  # count, percent, hours, per_order
    not_recorded: str | None = None  # why there is no value

    @property
    def shown(self) -> str:
        if self.not_recorded:
            return "Not recorded"
        if self.unit == "percent":
            return format_percent(self.value)
        if self.value is None:
            return "no cases"
        if self.unit == "hours":
            return f"{self.value:g} hours"
        return f"{self.value:g}" if isinstance(self.value, float) else f"{self.value:,}"


@dataclass(frozen=True)
class Chart:
    """A bar chart of some of a section's figures: drawn by web/presentation/charts."""
    title: str
    labels: tuple[str, ...]
    values: tuple[float, ...]
    unit: str = "count"


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    summary: str  # one line, beside the chart and above the table
    figures: tuple[Figure, ...]
    chart: Chart | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    def figure(self, key: str) -> Figure:
        return next(f for f in self.figures if f.key == key)


@dataclass(frozen=True)
class Figures:
    filters: Filters
    sections: tuple[Section, ...]

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    def as_json(self) -> dict:
        return {**self.filters.as_json(),
                "sections": {s.key: {f.key: f.value for f in s.figures} for s in self.sections},
                "not_recorded": {f"{s.key}.{f.key}": f.not_recorded for s in self.sections for f in s.figures
                                 if f.not_recorded}}


def figures(filters: Filters, now: datetime, areas: tuple[str, ...] = ()) -> Figures:
    """Every section for `filters`; `now` decides which unsent referrals are already late;
    `areas` are the force's areas, each shown in the breaches by area even with none."""
    from app.services import figures_sections as build

    decisions, referrals = q.decisions(filters), q.referrals(filters, now)
    return Figures(filters, (
        build.notices(filters, decisions), build.risk(decisions), build.hearings(filters),
        build.breaches(filters, tuple(areas)), build.orders(filters), build.dapo(filters),
        build.referrals(referrals), build.contact(referrals), build.welfare(filters), build.repeats(filters),
    ))


# -- The Home Office's annual counts ------------------------------------------------------

HOME_OFFICE_COLUMNS = ("Police force area", "DVPNs issued", "DVPOs applied for", "DVPOs granted",
                       "DVPOs granted as a percentage of those applied for")


@dataclass(frozen=True)
class HomeOfficeRow:
    force: str
    year_ending: int
    issued: int
    applied: int
    granted: int

    @property
    def granted_percent(self) -> float | None:
        return rules.percent(self.granted, self.applied)

    def cells(self) -> list:
        return [self.force, self.issued, self.applied, self.granted, self.granted_percent]


def home_office_counts(force: str, year_ending: int) -> HomeOfficeRow:
    """The force's DVPN/DVPO counts for the year ending 31 March `year_ending`, as the Home
    Office's tables count them by force (README, "Figures")."""
    issued, applied, granted = q.home_office(rules.financial_year(year_ending))
    return HomeOfficeRow(force, year_ending, issued, applied, granted)



@commits
def record_export(actor, kind: str, filters: dict, rows: int) -> None:
    """Audit an export of the figures (who, what, with which filters, how many rows)."""
    audit.record(actor, "figures.exported", format=kind, filters=filters, rows=rows)
    db.session.commit()
