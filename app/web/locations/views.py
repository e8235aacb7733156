"""Where officers' work devices are: positions sent by Traccar Client over the OsmAnd protocol.

`/locations/osmand` takes a report as Traccar Client and the OsmAnd protocol send it (see
app/domain/osmand.py for what was checked in their sources): GET or POST with query
parameters, a form POST, or Traccar Client 9's JSON body. It is a device API: no session, no
cookie and no CSRF token (it is the one route exempt from CSRF), authenticated by the
device's identifier alone, which only a registered, unrevoked device of an active officer
has. The answers are Traccar's: 200 with an empty body when the report is taken; 4xx with a
short reason, and nothing stored, when it is not. Nothing here is logged: the access log
leaves out query strings (app/serving.py), and no reason repeats a value sent.
"""
from __future__ import annotations

import json
from urllib.parse import parse_qs

from flask import Blueprint, request

from app.domain.osmand import MAX_FIELDS, BadReport, LocationReport, parse_json, parse_params
from app.extensions import csrf
from app.services import devices, locations
from app.settings import current_settings
from app.web.security import public

bp = Blueprint("locations", __name__)

# One report is a few hundred bytes (Traccar Client 9's JSON about 600): anything much larger
# is not a report, and is cut off by Werkzeug (413) before it is read.
MAX_BODY_BYTES = 16 * 1024


@bp.route(devices.OSMAND_PATH, methods=["GET", "POST"])
@public
@csrf.exempt
def osmand():
    request.max_content_length = MAX_BODY_BYTES
    try:
        report = _report()
    except BadReport as exc:
        return _refused(400, str(exc))
    device = devices.reporting_device(report.identifier)
    if device is None:
        # The same answer for an identifier never registered, a revoked device and a
        # deactivated officer's device.
        return _refused(403, "unknown or revoked device")
    try:
        locations.record(device, report, current_settings().locations)
    except locations.ReportRefused as exc:
        return _refused(400, str(exc))
    except locations.PastRetention:
        pass  # taken, so the device sends it no more; older than the retention period, so not kept
    return "", 200


def _report() -> LocationReport:
    """The report in the request, read as the Traccar server reads it: JSON when the
    Content-Type says so, else the query string, else the body as a query string."""
    if request.mimetype == "application/json":
        try:
            body = json.loads(request.get_data(cache=False))
        except (ValueError, RecursionError):
            raise BadReport("the body is not JSON") from None
        return parse_json(body)
    if request.args:
        return parse_params(request.args.to_dict(flat=False))
    try:
        text = request.get_data(cache=False).decode("utf-8")
        params = parse_qs(text, keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except ValueError:  # not UTF-8, or too many fields
        raise BadReport("the body is not a report's parameters") from None
    return parse_params(params)


def _refused(status: int, reason: str):
    return reason, status, {"Content-Type": "text/plain; charset=utf-8"}
