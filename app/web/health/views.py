from flask import Blueprint, jsonify

from app.services.system import health
from app.web.security import public

bp = Blueprint("health", __name__)


@bp.route("/healthz")
@public
def healthz():
    """Liveness and database status for load balancers and monitoring; no personal data."""
    report = health()
    return jsonify(report), (200 if report["database"] == "ok" else 503)
