"""`flask reports figures --from YYYY-MM-DD --to YYYY-MM-DD [--area A] [--regime R] [--json]`:
the figures the supervisors' page shows (services/figures), as a table or as JSON."""
from __future__ import annotations

import json
from datetime import date

import click
from flask import current_app

from app.domain.figures import Period
from app.domain.regimes import RegimeCode
from app.services import figures as figures_service
from app.timeutil import utcnow


@click.group("reports", help="Figures for supervisors and admins.")
def reports_cli():
    pass


def _day(_ctx, param, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date: use YYYY-MM-DD, like 2026-04-01", param=param) from None


@reports_cli.command("figures")
@click.option("--from", "first_day", required=True, callback=_day, help="The first London day, YYYY-MM-DD.")
@click.option("--to", "last_day", required=True, callback=_day, help="The last London day (included), YYYY-MM-DD.")
@click.option("--area", default=None, help="One of the force's areas (AREAS); default all.")
@click.option("--regime", type=click.Choice([r.value for r in RegimeCode]), default=None,
              help="dvpn (DVPN/DVPO) or dapn (DAPN/DAPO); default both.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object (the keys are in the README, \"Figures\").")
def figures_command(first_day: date, last_day: date, area: str | None, regime: str | None, as_json: bool):
    """The figures for a period of London days, the first and last included."""
    areas = current_app.config["AREAS"]
    if area is not None and area not in areas:
        raise click.BadParameter(f"{area!r} is not one of the force's areas: {', '.join(areas)}", param_hint="--area")
    try:
        period = Period(first_day, last_day)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--to") from None
    filters = figures_service.Filters(period, area, RegimeCode(regime) if regime else None)
    found = figures_service.figures(filters, utcnow(), tuple(areas))
    if as_json:
        click.echo(json.dumps(found.as_json(), indent=2))
        return
    click.echo(f"Figures: {filters.describe()}")
    for section in found.sections:
        click.echo(f"\n{section.title}\n  {section.summary}")
        for figure in section.figures:
            click.echo(f"  {figure.label:<90} {figure.shown}")
