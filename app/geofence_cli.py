"""`flask geofences list [--json]`: the live and pending geofences."""
from __future__ import annotations

import json

import click

from app.domain.timefmt import format_instant
from app.services import geofences
from app.timeutil import utcnow


@click.group("geofences", help="Geofences around victims' addresses while orders are in force.")
def geofences_cli():
    pass


@geofences_cli.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON array, instants in UTC (ISO 8601).")
def list_geofences(as_json: bool):
    """The geofences live now or waiting to go live (not ended, not past the order's end)."""
    now = utcnow()
    pairs = geofences.live_and_pending(now)
    rows = [_row(fence, reference, now) for fence, reference in pairs]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        click.echo("No live or pending geofences.")
        return
    click.echo(f"{'id':>5}  {'case':<16} {'state':<16} {'latitude':>10} {'longitude':>11} {'radius':>7}  "
               f"{'live from':<24} live until")
    for row, (fence, _) in zip(rows, pairs, strict=True):
        click.echo(f"{row['id']:>5}  {row['case_reference']:<16} {row['state']:<16} "
                   f"{_degrees(row['latitude']):>10} {_degrees(row['longitude']):>11} {row['radius_metres']:>6}m  "
                   f"{format_instant(fence.live_from):<24} "
                   f"{format_instant(fence.live_until) if fence.live_until else 'until further order'}")


def _row(fence, reference: str, now) -> dict:
    return {
        "id": fence.id, "case_reference": reference, "state": fence.state_at(now).value,
        "latitude": fence.latitude, "longitude": fence.longitude, "radius_metres": fence.radius_metres,
        "live_from": fence.live_from.isoformat(), "live_until": fence.live_until.isoformat() if fence.live_until else None,
    }


def _degrees(value: float | None) -> str:
    return "-" if value is None else f"{value:.6f}"
