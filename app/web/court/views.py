"""The DVPO officer's court page: bundle, hearing and order, breaches, and the printouts."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, flash, render_template, request, url_for
from flask_login import current_user

from app.domain.breach_law import BreachOf, law_for
from app.domain.bundle import ITEM_BY_KEY, ItemKind, progress
from app.domain.calendar import LONDON
from app.domain.prohibitions import available as available_provisions
from app.domain.prohibitions import label as prohibition_label
from app.domain.regimes import regime
from app.extensions import db
from app.models import Breach, BreachSource, Document, HearingOutcome, OrderEventKind, RemandKind, Role
from app.printing import pdf_response, render_printout
from app.services import ValidationFailed, court_bundle, order_requirements, referral_queries, welfare_trail
from app.services import breaches as breach_service
from app.services import court as court_service
from app.services.access import CASE_READER_ROLES
from app.services.clock_cache import hearing_deadline_for
from app.settings import current_settings
from app.uploads import UploadRejected, UploadStore, send_stored
from app.web.court.forms import (
    BreachAppearanceForm,
    BreachForm,
    FeeForm,
    ListingForm,
    OrderChangeForm,
    OutcomeForm,
    SentForm,
    UploadForm,
)
from app.web.fields import chosen, combine_london, yes_no_value
from app.web.forms_support import COURT_PAGES, field_errors_flashed, flash_field_errors, form_page
from app.web.loaders import case_or_404, load_case
from app.web.presentation.breach_printout import breach_context
from app.web.presentation.court_printout import court_context
from app.web.request_cache import request_calendar
from app.web.security import is_htmx, redirect_to, roles_required

bp = Blueprint("court", __name__)


def _calendar():
    return request_calendar()


def _store() -> UploadStore:
    return UploadStore.from_config(current_app.config)


def _back(case):
    return redirect_to(url_for("court.show", case_id=case.id))


@bp.route("/cases/<int:case_id>/court")
@roles_required(*CASE_READER_ROLES)
def show():
    return _court_page(load_case())


def _court_page(case):
    """The court page. A refused upload comes back (after the redirect) as a field error,
    shown beside the file input that chose it (forms_support.field_errors_flashed)."""
    people = court_bundle.preload_people(case)  # noqa: F841 - kept alive while the page renders
    items = court_bundle.bundle(case)
    done, total = progress({i.key for i in items if i.done})
    deadline = hearing_deadline_for(case, _calendar()) if case.served_at else None
    return render_template(
        "court/show.html", case=case, items=items, done=done, total=total, deadline=deadline,
        regime=regime(case.regime), pending=court_service.pending_hearing(case), upload_form=UploadForm(),
        can_edit=current_user.role is Role.OFFICER, counts=court_service.breaches_counted(case),
        late=any(h.late_reason for h in case.hearings),
        requirement_lines=order_requirements.requirements_for_papers(case.order) if case.order_kind == "dapo" else [],
        review_dates=[date.fromisoformat(d) for d in (case.order.review_dates or [])] if case.order else [],
        upload_errors=field_errors_flashed(),
    )


@bp.route("/cases/<int:case_id>/court/items/<key>/tick", methods=["POST"])
@roles_required(Role.OFFICER)
def tick(key: str):
    case = load_case()
    if key not in ITEM_BY_KEY or ITEM_BY_KEY[key].kind is not ItemKind.GENERATED:
        abort(404)
    form = UploadForm()  # carries only the CSRF token here
    if form.validate_on_submit():
        try:
            court_service.tick(current_user, case, key, request.form.get("done") == "yes")
        except ValidationFailed as exc:
            flash(next(iter(exc.errors.values())), "error")
    if is_htmx():
        items = court_bundle.bundle(case)
        done, total = progress({i.key for i in items if i.done})
        item = next(i for i in items if i.key == key)
        return render_template("court/partials/item.html", case=case, item=item, can_edit=True,
                               upload_form=UploadForm(), done=done, total=total, oob_progress=True)
    return _back(case)


@bp.route("/cases/<int:case_id>/court/items/<key>/upload", methods=["POST"])
@roles_required(Role.OFFICER)
def upload(key: str):
    case = load_case()
    if key not in ITEM_BY_KEY or ITEM_BY_KEY[key].kind is not ItemKind.UPLOAD:
        abort(404)
    form = UploadForm()
    if form.validate_on_submit():
        try:
            _save_upload(case, key, form.file.data, field=f"file-{key}")
        except ValidationFailed as exc:
            return _back_to_field(case, exc)
    return _back(case)


BREACH_UPLOADS = {"breach_statement": "Arresting officer's statement", "breach_evidence": "Breach evidence"}


@bp.route("/cases/<int:case_id>/breaches/<int:breach_id>/upload/<key>", methods=["POST"])
@roles_required(Role.OFFICER)
def breach_upload(breach_id: int, key: str):
    """The breach's own short bundle: the arresting officer's statement and the evidence."""
    case = load_case()
    breach = _breach_or_404(case, breach_id)
    if key not in BREACH_UPLOADS:
        abort(404)
    form = UploadForm()
    if form.validate_on_submit():
        try:
            _save_upload(case, key, form.file.data, breach=breach, field=f"breach-{breach.id}-{key}")
        except ValidationFailed as exc:
            return _back_to_field(case, exc)
    return _back(case)


def _back_to_field(case, exc: ValidationFailed):
    """Back to the court page (POST/redirect/GET), at the file input whose upload was refused,
    with the message beside it."""
    field = flash_field_errors(exc.errors)
    return redirect_to(url_for("court.show", case_id=case.id, _anchor=field))


def _save_upload(case, key, file, *, field: str, breach=None, announce=True) -> Document:
    """Store a chosen file and add it to the bundle; ValidationFailed on `field` (the file
    input's id) if none was chosen or it is refused."""
    if file is None or not getattr(file, "filename", ""):
        raise ValidationFailed({field: "Choose a file to upload"})
    try:
        stored = _store().save(file.stream, file.filename)
    except UploadRejected as exc:
        raise ValidationFailed({field: f"{file.filename}: {exc}"}) from None
    try:
        doc = court_service.add_document(current_user, case, key, stored, breach=breach)
    except Exception:
        _store().delete(stored.stored_name)
        raise
    if announce:
        flash(f"{stored.original_name} added to the bundle.", "success")
    return doc


def _document_or_404(doc_id: int) -> tuple:
    doc = db.session.get(Document, doc_id) or abort(404)
    case = case_or_404(doc.case_id)  # scoped: 404 for a case this user may not read
    return case, doc


@bp.route("/documents/<int:doc_id>")
@roles_required(*CASE_READER_ROLES)
def document(doc_id: int):
    case, doc = _document_or_404(doc_id)
    court_service.record_document_viewed(current_user._get_current_object(), case, doc)
    try:
        return send_stored(_store(), doc, as_attachment=False)
    except (FileNotFoundError, ValueError):
        abort(404)


@bp.route("/documents/<int:doc_id>/remove", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
def remove_document(doc_id: int):
    case, doc = _document_or_404(doc_id)
    form = UploadForm()
    if request.method == "POST" and form.validate_on_submit():
        court_service.remove_document(current_user, case, doc)
        flash(f"{doc.original_name} removed from the bundle.", "success")
        return _back(case)
    return render_template("court/remove_document.html", case=case, doc=doc, form=form)


def _required_instant(date_field, time_field, message: str):
    """The London instant of a date and time field pair, or ValidationFailed on the date field."""
    instant = combine_london(date_field, time_field)
    if instant is None:
        raise ValidationFailed({date_field.name: date_field.errors[-1] if date_field.errors else message})
    return instant


@bp.route("/cases/<int:case_id>/court/fee", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
def fee():
    case = load_case()
    form = FeeForm()
    cfg = current_app.config
    if request.method == "GET" and case.submission and case.submission.fee_pence:
        sub = case.submission
        form.amount.data, form.reference.data, form.paid_on.data = sub.fee_pence, sub.fee_reference, sub.fee_paid_on
        form.contested.data = "yes" if sub.fee_contested else "no"

    def save():
        contested = yes_no_value(form.contested.data)
        pence = court_service.fee_to_record(
            entered_pence=form.amount.data, contested=contested, paid_on=form.paid_on.data,
            uncontested_pence=cfg["COURT_FEE_UNCONTESTED_PENCE"], contested_pence=cfg["COURT_FEE_CONTESTED_PENCE"])
        receipt = (_save_upload(case, "fee_receipt", form.receipt.data, field="receipt", announce=False)
                   if form.receipt.data else None)
        court_service.record_fee(current_user, case, pence=pence, contested=contested,
                                 reference=form.reference.data or "", paid_on=form.paid_on.data, receipt=receipt)
        return "Court fee recorded."

    return form_page(COURT_PAGES, "court/fee.html", form, save,
                     fees=(cfg["COURT_FEE_UNCONTESTED_PENCE"], cfg["COURT_FEE_CONTESTED_PENCE"]))


@bp.route("/cases/<int:case_id>/court/sent", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
def sent():
    case = load_case()
    form = SentForm()

    def save():
        sent_at = _required_instant(form.sent_date, form.sent_time, "Enter when it was sent")
        court_service.record_sent(current_user, case, court_name=form.court_name.data or "", sent_at=sent_at, how=form.how.data or "")
        return "Sending to court recorded."

    return form_page(COURT_PAGES, "court/sent.html", form, save)


@bp.route("/cases/<int:case_id>/court/listing", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
def listing():
    case = load_case()
    form = ListingForm()
    if case.served_at is None:
        flash("The hearing can be listed once the notice has been served.", "error")
        return _back(case)
    deadline = hearing_deadline_for(case, _calendar())

    def save():
        starts_at = _required_instant(form.starts_date, form.starts_time, "Enter the date and time of the hearing")
        court_service.list_hearing(current_user, case, court_name=form.court_name.data or "", starts_at=starts_at,
                                   late_reason=form.late_reason.data or "", calendar=_calendar())
        return "Hearing listed."

    return form_page(COURT_PAGES, "court/listing.html", form, save, deadline=deadline)


@bp.route("/cases/<int:case_id>/court/outcome", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
def outcome():
    case = load_case()
    hearing = court_service.pending_hearing(case)
    if hearing is None and not case.hearings:
        return render_template("court/no_hearing_listed.html", case=case, regime=regime(case.regime))
    if hearing is None:
        # Shown here, not flashed: a second tab must not pick up the first tab's message.
        return render_template("court/nothing_pending.html", case=case,
                               message="The outcome of this hearing has already been recorded.")
    form = OutcomeForm()
    # The regime's provisions only: "may not contact" is a DAPO's (DAA 2021 s.23(1)(a), s.35).
    form.conditions.choices = [(k.value, prohibition_label(k, regime(case.regime))) for k in available_provisions(regime(case.regime))]
    proposed = case.current_application.section_data.get("prohibitions", {}) if case.current_application else {}
    if request.method == "GET":
        form.hearing_id.data = str(hearing.id)
        form.conditions.data = proposed.get("kinds", ["no_molest"])
        form.distance_metres.data = proposed.get("distance_metres")
        form.made_on.data = hearing.starts_at.astimezone(LONDON).date()
        if case.order_kind == "dapo":
            _prefill_requirements(form, case)

    def save():
        if form.hearing_id.data != str(hearing.id):
            raise ValidationFailed({"": "This form was for an earlier hearing, whose outcome is already recorded"})
        outcome_chosen = chosen(HearingOutcome, form.outcome.data)
        conditions = [{"kind": k, "distance_metres": form.distance_metres.data if k == "no_come_within" else None}
                      for k in (form.conditions.data or [])]
        dapo = case.order_kind == "dapo"
        indices = [i for i, row in enumerate(form.requirements.entries) if row.form.requirement() is not None]
        # A DAPO posted without requirement rows (the DVPO-style conditions only) keeps those conditions.
        requirements = ([form.requirements.entries[i].form.requirement() for i in indices]
                        if dapo and form.requirements.entries else None)
        try:
            _record_outcome(form, case, hearing, outcome_chosen, conditions, requirements)
        except ValidationFailed as exc:
            from app.web.court.requirements import raise_row_errors

            raise_row_errors(exc, form.requirements.entries, indices)
        return f"Outcome recorded: {outcome_chosen.label.lower()}."

    return form_page(COURT_PAGES, "court/outcome.html", form, save, hearing=hearing, proposed=proposed,
                     under_arrest=court_service.arrested_for_notice_breach(case), dapo=case.order_kind == "dapo")


def _prefill_requirements(form, case) -> None:
    """A DAPO's grant form: the notice's provisions as requirements, then empty rows."""
    for req in order_requirements.prefill(case):
        form.requirements.append_entry()
        form.requirements.entries[-1].form.fill(req)
    while len(form.requirements.entries) < len(order_requirements.prefill(case)) + 3:
        form.requirements.append_entry()


def _record_outcome(form, case, hearing, outcome_chosen, conditions, requirements) -> None:
    court_service.record_outcome(
        current_user, case, hearing, outcome=outcome_chosen, contested=yes_no_value(form.contested.data),
        notes=form.notes.data or "", days=form.days.data, made_on=form.made_on.data, conditions=conditions,
        until_further_order=bool(form.until_further_order.data),
        next_starts_at=combine_london(form.next_date, form.next_time), next_court=form.next_court.data or "",
        p_brought=yes_no_value(form.p_brought.data), remand=chosen(RemandKind, form.remand.data),
        bail_requirements=form.bail_requirements.data or "", calendar=_calendar(), texts=current_settings().texts,
        orders=current_settings().orders, requirements=requirements, review_dates=form.review_dates.data or [],
    )


@bp.route("/cases/<int:case_id>/court/order", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
def change_order():
    case = load_case()
    if case.order_kind == "dapo":
        from app.web.court.requirements import dapo_change_order

        return dapo_change_order(case)
    form = OrderChangeForm()

    def save():
        court_service.change_order(current_user, case, kind=chosen(OrderEventKind, form.kind.data), court_date=form.court_date.data,
                                   details=form.details.data or "", new_days=form.new_days.data, calendar=_calendar(),
                                   texts=current_settings().texts)
        return "The court's decision on the order is recorded."

    return form_page(COURT_PAGES, "court/order_change.html", form, save)


@bp.route("/cases/<int:case_id>/breaches/new", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
def new_breach():
    case = load_case()
    form = BreachForm()
    concern = referral_queries.open_concern_on(case, request.args.get("concern"))
    if request.method == "GET" and concern is not None:
        _prefill_from_concern(form, concern)
    visit = welfare_trail.visit_of(case, request.args.get("visit")) if concern is None else None
    if request.method == "GET" and visit is not None:
        _prefill_from_visit(form, visit)

    def save():
        arrested = yes_no_value(form.arrested.data)
        arrested_at = combine_london(form.arrested_date, form.arrested_time) if arrested else None
        if arrested and arrested_at is None:
            raise ValidationFailed({"arrested_date": "Enter the date and time of the arrest"})
        breach_service.record_breach(
            current_user, case, occurred_at=combine_london(form.occurred_date, form.occurred_time),
            description=form.description.data or "", source=chosen(BreachSource, form.source.data),
            arrested_at=arrested_at, arresting_officer=form.arresting_officer.data or "", calendar=_calendar(),
        )
        message = "Breach recorded." + (" The 24-hour court clock is running." if arrested else "")
        if concern is None:
            return message
        return (f"{message} Now say what was done about the caseworker's concern.",
                url_for("referrals.concern", case_id=case.id, referral_id=concern.referral_id, concern_id=concern.id))

    return form_page(COURT_PAGES, "court/breach.html", form, save, concern=concern, visit=visit)


def _prefill_from_concern(form: BreachForm, concern) -> None:
    """What the caseworker reported: when it happened, what happened, and that it came from them."""
    observed = concern.observed_at.astimezone(LONDON)
    form.occurred_date.data, form.occurred_time.data = observed.date(), observed.time().replace(second=0, microsecond=0)
    form.description.data = concern.what
    form.source.data = BreachSource.CASEWORKER.value


def _prefill_from_visit(form: BreachForm, visit) -> None:
    """A welfare visit at which P was present: when the officer checked in, and what they reported."""
    arrived = visit.checked_in_at.astimezone(LONDON)
    form.occurred_date.data, form.occurred_time.data = arrived.date(), arrived.time().replace(second=0, microsecond=0)
    form.description.data = " ".join(filter(None, [
        "The perpetrator was present at the victim's address during a welfare visit.", visit.concerns or ""]))
    form.source.data = BreachSource.OFFICER_VISIT.value


def _breach_or_404(case, breach_id: int) -> Breach:
    breach = next((b for b in case.breaches if b.id == breach_id), None)
    return breach or abort(404)


@bp.route("/cases/<int:case_id>/breaches/<int:breach_id>/outcome", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
def breach_outcome(breach_id: int):
    case = load_case()
    breach = _breach_or_404(case, breach_id)
    if breach.outcome is not None:
        return render_template("court/nothing_pending.html", case=case,
                               message="The court's decision on this breach has already been recorded.")
    law = law_for(case.breach_of(breach))
    if law.of is BreachOf.DAPO:  # an offence: its own criminal path (app/web/court/dapo_views.py)
        return redirect_to(url_for("court.breach_criminal", case_id=case.id, breach_id=breach.id))
    form = BreachAppearanceForm()
    form.decision.choices = list(law.decision_labels.items())

    def save():
        breach_service.record_appearance(
            current_user, case, breach, decision=form.decision.data or None,
            appeared_at=combine_london(form.appeared_date, form.appeared_time),
            remand=chosen(RemandKind, form.remand.data),
            remand_until=combine_london(form.remand_until_date, form.remand_until_time),
            bail_requirements=form.bail_requirements.data or "", fine_pence=form.fine.data,
            custody_days=form.custody_days.data, notes=form.notes.data or "", calendar=_calendar(),
        )
        return "The court's decision on the breach is recorded."

    return form_page(COURT_PAGES, "court/breach_outcome.html", form, save, breach=breach, law=law)


@bp.route("/cases/<int:case_id>/court/printout")
@roles_required(*CASE_READER_ROLES)
def printout():
    case = load_case()
    return render_printout("court/printout.html", **court_context(case, _calendar()),
                           pdf_url=url_for("court.printout_pdf", case_id=case.id), back_url=url_for("court.show", case_id=case.id))


@bp.route("/cases/<int:case_id>/court/printout.pdf")
@roles_required(*CASE_READER_ROLES)
def printout_pdf():
    case = load_case()
    return pdf_response("court/printout.html", f"court-{case.reference}.pdf", **court_context(case, _calendar()))


@bp.route("/cases/<int:case_id>/breaches/<int:breach_id>/printout")
@roles_required(*CASE_READER_ROLES)
def breach_printout(breach_id: int):
    case = load_case()
    breach = _breach_or_404(case, breach_id)
    return render_printout(
        "court/breach_printout.html", **breach_context(case, breach, _calendar()),
        pdf_url=url_for("court.breach_printout_pdf", case_id=case.id, breach_id=breach.id),
        back_url=url_for("court.show", case_id=case.id),
    )


@bp.route("/cases/<int:case_id>/breaches/<int:breach_id>/printout.pdf")
@roles_required(*CASE_READER_ROLES)
def breach_printout_pdf(breach_id: int):
    case = load_case()
    breach = _breach_or_404(case, breach_id)
    return pdf_response("court/breach_printout.html", f"breach-{case.reference}-{breach.id}.pdf",
                        **breach_context(case, breach, _calendar()))


