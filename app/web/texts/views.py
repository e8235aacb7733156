"""A case's reminder texts and trial allocation; Vonage's delivery-receipt webhook."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.domain.phones import NoPhoneReason
from app.domain.reminders import next_sending_time
from app.domain.risk import RiskLevel
from app.extensions import csrf
from app.models import EnrolmentStatus, MessageStatus, Role
from app.services import ValidationFailed
from app.services import reminders as reminder_service
from app.services import trial as trial_service
from app.services.access import CASE_READER_ROLES
from app.services.dispatch import record_receipt
from app.settings import current_settings
from app.sms.receipts import BadReceipt, parse_receipt, signature_ok
from app.timeutil import utcnow
from app.web.fields import chosen, yes_no_value
from app.web.forms_support import TEXTS_PAGES, form_page
from app.web.loaders import load_case
from app.web.security import public, roles_required
from app.web.texts.forms import AllocationForm, ConfirmForm, MobileForm, ReasonForm

bp = Blueprint("texts", __name__)


def _settings() -> reminder_service.TextSettings:
    return current_settings().texts


def _enrolment_or_404(case):
    enrolment = reminder_service.enrolment_for(case)
    if enrolment is None:
        abort(404)
    return enrolment


@bp.route("/cases/<int:case_id>/texts")
@roles_required(*CASE_READER_ROLES)
def case_texts():
    case = load_case()
    enrolment = reminder_service.enrolment_for(case)
    messages = reminder_service.messages_for(case) if enrolment else []
    return render_template(
        "texts/case.html", case=case, enrolment=enrolment, messages=messages, trial=trial_service.state(),
        can_edit=current_user.role is Role.OFFICER, now=utcnow(), window=_settings().window,
        counts={s: sum(1 for m in messages if m.status is s) for s in MessageStatus}, MessageStatus=MessageStatus,
        no_phone_label=_no_phone_label,
    )


def _no_phone_label(enrolment) -> str:
    if enrolment.no_phone_reason in set(NoPhoneReason):
        reason = NoPhoneReason(enrolment.no_phone_reason)
        return enrolment.no_phone_other if reason is NoPhoneReason.OTHER and enrolment.no_phone_other else reason.label
    return "not recorded"


@bp.route("/cases/<int:case_id>/texts/allocate", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
def allocate():
    case = load_case()
    enrolment = _enrolment_or_404(case)
    if enrolment.status is not EnrolmentStatus.AWAITING_ALLOCATION:
        flash("This case is not waiting for allocation.", "info")
        return redirect(url_for("texts.case_texts", case_id=case.id))
    form = AllocationForm()
    if request.method == "GET":
        suggested = trial_service.suggested_baseline(case, utcnow())
        form.order_days.data, form.risk_level.data, form.age_band.data = (
            suggested.order_days, suggested.risk_level.value, suggested.age_band)

    def save():
        eligible = yes_no_value(form.eligible.data)
        risk = chosen(RiskLevel, form.risk_level.data)
        if eligible and risk is None:
            raise ValidationFailed({"risk_level": "Choose the risk level"})
        baseline = trial_service.Baseline(order_days=form.order_days.data, risk_level=risk, age_band=form.age_band.data or "")
        done = trial_service.allocate(current_user, case, eligible=eligible, not_eligible_reason=form.not_eligible_reason.data or "",
                                      baseline=baseline if eligible else None, seed=current_app.config["TRIAL_SEED"],
                                      settings=_settings())
        if done.status is EnrolmentStatus.EXCLUDED:
            return "Recorded as not eligible for the trial. No texts will be sent."
        arm = done.allocation.arm
        if arm.value == "intervention":
            return "Allocated to the intervention group: reminder texts are planned below."
        return "Allocated to the control group: business as usual, no texts."

    return form_page(TEXTS_PAGES, "texts/allocate.html", form, save)


@bp.route("/cases/<int:case_id>/texts/stop", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
def stop():
    case = load_case()
    _enrolment_or_404(case)
    form = ReasonForm()

    def save():
        cancelled = reminder_service.stop_texts(current_user, case, form.reason.data or "")
        return f"Texts stopped: {cancelled} unsent {'text' if cancelled == 1 else 'texts'} cancelled."

    return form_page(TEXTS_PAGES, "texts/stop.html", form, save)


@bp.route("/cases/<int:case_id>/texts/send-now", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
def send_now():
    case = load_case()
    _enrolment_or_404(case)
    form = ConfirmForm()
    planned = [m for m in reminder_service.messages_for(case) if m.status is MessageStatus.PLANNED]
    when = next_sending_time(utcnow(), _settings().window)

    def save():
        message = reminder_service.send_next_now(current_user, case, _settings())
        if message.deferred:
            return "It is quiet hours: the next text will go when they end."
        return "The next text will be sent within a minute."

    return form_page(TEXTS_PAGES, "texts/send_now.html", form, save, next_text=planned[0] if planned else None, when=when,
                     now=utcnow())


@bp.route("/cases/<int:case_id>/texts/mobile", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
def mobile():
    case = load_case()
    enrolment = _enrolment_or_404(case)
    form = MobileForm()

    def save():
        trial_service.change_mobile(
            current_user, case, has_mobile=yes_no_value(form.has_mobile.data), number=form.number.data or "",
            no_phone_reason=form.no_phone_reason.data or "", no_phone_other=form.no_phone_other.data or "",
            settings=_settings(),
        )
        return "P's mobile number is updated. Unsent texts have been re-planned."

    return form_page(TEXTS_PAGES, "texts/mobile.html", form, save, enrolment=enrolment)


@bp.route("/cases/<int:case_id>/texts/in-error", methods=["GET", "POST"])
@roles_required(Role.OFFICER, Role.SUPERVISOR)
def in_error():
    case = load_case()
    enrolment = _enrolment_or_404(case)
    if enrolment.allocation is None:
        abort(404)
    form = ReasonForm()

    def save():
        trial_service.mark_in_error(current_user, case, form.reason.data or "")
        return "The allocation is marked as randomised in error. It stays in the trial's records."

    return form_page(TEXTS_PAGES, "texts/in_error.html", form, save, allocation=enrolment.allocation)


# -- Vonage delivery receipts ------------------------------------------------------------------

@bp.route("/webhooks/vonage/delivery", methods=["GET", "POST"])
@public
@csrf.exempt
def delivery_receipt():
    """Vonage's DLR webhook: answers fast, changes nothing unless the receipt parses and, when
    a signature secret is set, its signature checks out. Repeats are harmless (idempotent)."""
    params = _receipt_params()
    cfg = current_app.config
    if cfg["VONAGE_SIGNATURE_SECRET"] and not signature_ok(
        params, api_key=cfg["VONAGE_API_KEY"], signature_secret=cfg["VONAGE_SIGNATURE_SECRET"],
        method=cfg["VONAGE_SIGNATURE_METHOD"], now=utcnow(),
    ):
        return "signature missing or wrong", 401
    try:
        receipt = parse_receipt(params)
    except BadReceipt as exc:
        return str(exc), 400
    record_receipt(receipt, utcnow(), expire_after=current_settings().dispatch.expire_after)
    return "", 204


def _receipt_params() -> dict[str, str]:
    if request.method == "GET":
        return {k: v for k, v in request.args.items()}
    if request.is_json:
        body = request.get_json(silent=True)
        if isinstance(body, dict):
            return {str(k): str(v) for k, v in body.items() if isinstance(v, str | int | float)}
        return {}
    return {k: v for k, v in request.form.items()}

