"""Filters and globals the templates use. Times are formatted here, never computed."""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from flask import Flask
from flask_login import current_user

from app.domain.application import SECTIONS
from app.domain.order_records import hearing_notice_basis
from app.domain.phones import display_uk
from app.domain.referrals import ContactOutcome
from app.domain.referrals import marac_status as marac_words
from app.domain.regimes import regime
from app.domain.timefmt import format_birth_date, format_date, format_instant, format_remaining, format_soon
from app.models import AssociatedRelationship, AuditEntry
from app.web.navigation import may_search, nav_items
from app.web.presentation.application_summary import summarise
from app.web.presentation.clock_markup import clock_cell, clock_tag
from app.web.presentation.dashboard_rows import case_path, epoch_ms
from app.web.presentation.order_records import hearing_address_summary

TIMELINE_WORDING = {
    "case.opened": "Case opened",
    "case.dvpn_served": "Notice served on the perpetrator",
    "case.order_made_elsewhere_recorded": "Case opened with an order made elsewhere",
    "case.service_person_recorded": "Perpetrator's service status recorded",
    "case.notice_lapsed": "Notice closed as lapsed: the hearing did not begin in time",
    "court.hearing_began_recorded": "Recorded that the hearing began in time",
    "application.started": "Application started",
    "application.section_saved": "Application section saved",
    "application.submitted": "Application submitted for authorisation",
    "application.withdrawn": "Application withdrawn",
    "application.authorised": "Notice authorised",
    "application.refused": "Application refused",
    "application.returned": "Application returned for more information",
    "referral.created": "Victim referral to support created (Victims' Code clock started)",
    "referral.details_saved": "Victim referral: details recorded with the victim",
    "referral.declined": "Victim referral: the victim declined, recorded and not sent",
    "referral.sent": "Victim referral sent to the support service",
    "referral.code_breach": "Victim referral overdue: a breach of the Victims' Code",
    "referral.order_updated": "Victim referral: the order's end updated",
    "referral.accepted": "Victim referral accepted by the support service",
    "referral.attempt_logged": "Support service: contact attempt",
    "referral.follow_up_done": "Support service: follow-up call made",
    "referral.concern_reported": "Support service reported a concern to police",
    "referral.concern_actioned": "Concern from the support service acted on",
    "referral.returned": "Victim referral returned to police",
    "referral.return_acknowledged": "Returned referral acknowledged",
    "referral.closed": "Victim referral closed: the order ended after contact",
    "referral.marac_recorded": "MARAC referral recorded",
    "hearing_notice.recorded": "Notice of the hearing to the perpetrator recorded",
    "order.served_on_p": "Order served on the perpetrator",
    "order.victim_told": "Victim told of the order",
    "person.corrected": "Details of a person corrected",
    "person.added": "Person added to the case",
    "person.removed": "Person removed from the case",
    "case.address_corrected": "Address to be protected corrected",
    "case.area_corrected": "Area corrected",
    "case.served_at_corrected": "Time of service corrected: the hearing deadline recomputed",
    "case.handed_over": "Case handed over to another officer",
    "person.linked": "A person linked as the same person on another case",
    "person.match_rejected": "A suggested match recorded as not the same person",
    "person.unlinked": "A person unlinked from the same person on other cases",
    "welfare.recurrence_changed": "Welfare visit recurrence changed",
}
# Corrections say why on the timeline (the values before and after are in the audit detail).
REASONED = {"person.corrected", "person.added", "person.removed", "case.address_corrected", "case.area_corrected",
            "case.served_at_corrected", "welfare.recurrence_changed"}


SECTION_TITLES = {s.key: s.title.split(":")[0].lower() for s in SECTIONS}


def describe_entry(entry: AuditEntry) -> str:
    text = TIMELINE_WORDING.get(entry.action, entry.action.replace(".", ": ").replace("_", " ").capitalize())
    section = (entry.detail or {}).get("section")
    if entry.action == "application.section_saved" and section:
        text += f": {SECTION_TITLES.get(section, section)}"
    served_at = (entry.detail or {}).get("served_at")
    if entry.action == "case.dvpn_served" and served_at:
        text += f" at {format_instant(datetime.fromisoformat(served_at))}"
    reason = (entry.detail or {}).get("reason")
    if entry.action in REASONED and isinstance(reason, str):
        text += f" ({reason})"
    outcome = (entry.detail or {}).get("outcome")
    if entry.action == "referral.attempt_logged" and outcome in set(ContactOutcome):
        text += f": {ContactOutcome(outcome).label.lower()}"
    return text


def relationship_label(value: str | None) -> str:
    if not value:
        return ""
    try:
        return AssociatedRelationship(value).label
    except ValueError:
        return value


def marac_status(referral) -> str:
    """Police's MARAC referral, the same words on the police and the caseworker's side."""
    return marac_words(referral.high_risk, referral.marac_done_at)


def _vendor_file(static_folder: str, pattern: str) -> str:
    """The one vendored file matching `pattern`: its version lives in its name."""
    matches = sorted(Path(static_folder, "vendor").glob(pattern))
    if len(matches) != 1:
        raise RuntimeError(f"expected one static/vendor/{pattern}, found {len(matches)}")
    return "vendor/" + matches[0].name


def other_requirements(conditions) -> list[str]:
    from app.domain.order_origin import other_requirements as texts

    return texts(conditions)


def order_copy(case):
    from app.services.orders_elsewhere import order_copy as copy_of

    return copy_of(case)


def service_person_summary(case) -> str:
    from app.web.presentation.service_person import service_person_summary as summary

    return summary(case)


def register(app: Flask) -> None:
    assets = {
        "htmx": _vendor_file(app.static_folder, "htmx-*.min.js"),
        "govuk_css": _vendor_file(app.static_folder, "govuk-frontend-*.min.css"),
        "govuk_js": _vendor_file(app.static_folder, "govuk-frontend-*.min.js"),
    }

    @app.template_filter("instant")
    def instant(value: datetime | None) -> str:
        return format_instant(value) if value else ""

    @app.template_filter("soon")
    def soon(value: datetime | None, now: datetime) -> str:
        return format_soon(value, now) if value else ""

    @app.template_filter("day")
    def day(value: date | None) -> str:
        return format_date(value) if value else ""

    @app.template_filter("birth_date")
    def birth_date(value: date | None) -> str:
        # A date of birth needs no weekday: "14 Mar 1990".
        return format_birth_date(value) if value else ""

    @app.template_filter("uk_mobile")
    def uk_mobile(value: str | None) -> str:
        return display_uk(value) if value else ""

    @app.template_filter("hearing_basis")
    def hearing_basis(case, hours: int | None = None) -> str:
        """The law the case's hearing window comes from (before service: the window `hours`
        it will get). A window kept from a past configuration whose enactment is no longer
        named says so rather than cite nothing."""
        try:
            return regime(case.regime).hearing_basis(hours or case.hearing_window, app.config["HEARING_WINDOW_LEGAL_BASIS"])
        except ValueError:
            return "no enactment is named for this window: the Acts say 48 hours"

    @app.template_filter("remaining")
    def remaining(value) -> str:
        return format_remaining(value)

    app.add_template_filter(epoch_ms, "epoch_ms")  # the dashboard's countdown (static/dashboard.js)
    app.add_template_global(case_path, "case_path")  # the dashboard's links, one url_for a request
    app.add_template_global(clock_tag, "clock_tag_html")  # a clock's markup (templates/cases/_clock.html)
    app.add_template_global(clock_cell, "clock_cell_html")

    @app.context_processor
    def globals_():
        return {
            "force_name": app.config["FORCE_NAME"],
            "assets": assets,
            "describe_entry": describe_entry,
            "relationship_label": relationship_label,
            "marac_status": marac_status,
            "summarise": summarise,
            "current_user": current_user,
            "nav_items": nav_items,
            "may_search": may_search,
            "hearing_notice_basis": hearing_notice_basis,
            "hearing_address_summary": hearing_address_summary,
            "order_copy": order_copy,
            "other_requirements": other_requirements,
            "service_person_summary": service_person_summary,
        }
