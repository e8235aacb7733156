"""Finding a case: the search (also the header's box) and the list of every case."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user

from app.domain.regimes import RegimeCode
from app.domain.risk import RiskLevel
from app.domain.search_terms import EXAMPLE, MAX_QUERY_LENGTH, BadQuery, parse_query
from app.models import CaseState
from app.services import case_list as case_list_service
from app.services import search as search_service
from app.services.access import CASE_READER_ROLES
from app.services.case_list import DateField
from app.web.search.filters import parse_filters
from app.web.security import roles_required

bp = Blueprint("search", __name__)


def _page() -> int:
    return max(1, min(request.args.get("page", 1, type=int) or 1, 100_000))


@bp.route("/search")
@roles_required(*CASE_READER_ROLES)
def search():
    typed = request.args.get("q", "")
    results, error = None, None
    if typed.strip():
        try:
            query = parse_query(typed)
        except BadQuery as exc:
            error = str(exc)
        else:
            results = search_service.search(current_user, query, page=_page())
    page = render_template("search/results.html", typed=typed[:MAX_QUERY_LENGTH * 2], results=results, error=error,
                           example=EXAMPLE)
    if results is not None:
        # Recorded once the page is made (committing first would expire what it shows), and
        # before it is sent: no search is shown unrecorded.
        search_service.record_search(current_user, results)
    return page, 400 if error else 200


@bp.route("/cases")
@roles_required(*CASE_READER_ROLES)
def case_list():
    officers = case_list_service.officers_on_cases(current_user)
    parsed = parse_filters(request.args, areas=current_app.config["AREAS"], officer_ids={o.id for o in officers})
    page = case_list_service.case_list(current_user, parsed.filters, page=_page())
    options = {
        "state": [(case_list_service.LIVE, "Live (not closed)")] + [(s.value, s.label) for s in CaseState],
        "area": [(a, a) for a in current_app.config["AREAS"]],
        "regime": [(RegimeCode.DVPN.value, "DVPN/DVPO"), (RegimeCode.DAPN.value, "DAPN/DAPO")],
        "officer": [(str(o.id), o.display_name) for o in officers],
        "risk": [(r.value, r.label) for r in RiskLevel],
        "dates": [(DateField.SERVED.value, "Notice served")],
    }
    return render_template("search/cases.html", page=page, parsed=parsed, options=options), \
        (400 if parsed.errors else 200)
