"""Figures for supervisors and admins (issue 17): the page, its printout and PDF, the CSV and
spreadsheet exports, and the Home Office's annual counts. Every export is audited."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request, url_for
from flask_login import current_user

from app.domain.calendar import LONDON
from app.domain.timefmt import format_instant
from app.models import Role
from app.printing import pdf_response, render_printout
from app.services import figures as figures_service
from app.timeutil import utcnow
from app.web.figures.filters import parse_filters, parse_year, regime_options
from app.web.presentation import figures_export
from app.web.presentation.charts import chart_img
from app.web.security import roles_required

bp = Blueprint("figures", __name__)
READERS = (Role.SUPERVISOR, Role.ADMIN)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _parsed():
    now = utcnow()
    return parse_filters(request.args, areas=current_app.config["AREAS"], today=now.astimezone(LONDON).date()), now


def _figures(parsed, now):
    return figures_service.figures(parsed.filters, now, tuple(current_app.config["AREAS"]))


def _page(parsed, figures=None, status=200, year=None, year_error=None):
    return render_template(
        "figures/page.html", parsed=parsed, figures=figures, year=year, year_error=year_error,
        options={"area": [(a, a) for a in current_app.config["AREAS"]], "regime": regime_options()},
        force=current_app.config["FORCE_NAME"], chart_img=chart_img), status


@bp.route("/reports/figures")
@roles_required(*READERS)
def page():
    parsed, now = _parsed()
    year, year_error = parse_year(request.args.get("year"), today=now.astimezone(LONDON).date())
    figures = _figures(parsed, now) if parsed.filters else None
    return _page(parsed, figures, year=year or request.args.get("year", ""), year_error=year_error)


def _export(render):
    """Run an export for valid filters (refused with the page and its errors otherwise)."""
    parsed, now = _parsed()
    if parsed.filters is None:
        return _page(parsed, status=400)
    return render(parsed, _figures(parsed, now), now)


def _filename(parsed, extension: str) -> str:
    f = parsed.filters
    return f"figures-{f.period.first_day.isoformat()}-to-{f.period.last_day.isoformat()}.{extension}"


def _download(body, mimetype: str, filename: str) -> Response:
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/reports/figures.csv")
@roles_required(*READERS)
def csv_export():
    def render(parsed, figures, _now):
        text, rows = figures_export.to_csv(figures)
        figures_service.record_export(current_user, "csv", parsed.filters.as_json(), rows)
        return _download(text, "text/csv", _filename(parsed, "csv"))
    return _export(render)


@bp.route("/reports/figures.xlsx")
@roles_required(*READERS)
def xlsx_export():
    def render(parsed, figures, now):
        body, rows = figures_export.to_xlsx(figures, format_instant(now))
        figures_service.record_export(current_user, "xlsx", parsed.filters.as_json(), rows)
        return _download(body, XLSX, _filename(parsed, "xlsx"))
    return _export(render)


@bp.route("/reports/figures/print")
@roles_required(*READERS)
def printout():
    def render(parsed, figures, now):
        return render_printout("figures/print.html", figures=figures, made_at=now, force=current_app.config["FORCE_NAME"],
                               chart_img=chart_img,
                               pdf_url=url_for("figures.pdf", **parsed.url_args()),
                               back_url=url_for("figures.page", **parsed.url_args()))
    return _export(render)


@bp.route("/reports/figures.pdf")
@roles_required(*READERS)
def pdf():
    def render(parsed, figures, now):
        response = pdf_response("figures/print.html", _filename(parsed, "pdf"), figures=figures, made_at=now,
                                force=current_app.config["FORCE_NAME"], chart_img=chart_img)
        figures_service.record_export(current_user, "pdf", parsed.filters.as_json(),
                                      sum(len(s.figures) for s in figures.sections))
        return response
    return _export(render)


@bp.route("/reports/home-office.<any(csv, xlsx):extension>")
@roles_required(*READERS)
def home_office(extension: str):
    parsed, now = _parsed()
    year, error = parse_year(request.args.get("year"), today=now.astimezone(LONDON).date())
    if error:
        return _page(parsed, _figures(parsed, now) if parsed.filters else None, status=400,
                     year=request.args.get("year", "")[:10], year_error=error)
    row = figures_service.home_office_counts(current_app.config["FORCE_NAME"], year)
    figures_service.record_export(current_user, f"home_office_{extension}", {"year_ending_march": year}, 1)
    filename = f"home-office-dvpn-dvpo-year-ending-march-{year}.{extension}"
    if extension == "csv":
        return _download(figures_export.home_office_csv(row), "text/csv", filename)
    return _download(figures_export.home_office_xlsx(row), XLSX, filename)
