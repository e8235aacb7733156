"""Administration of the reminder texts: the message plan, the wording, the outbox and the trial."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict

from app.domain import cadence as cadence_rules
from app.domain.deadlines import order_end
from app.domain.message_templates import PLACEHOLDERS, TemplateError, render
from app.domain.randomiser import Arm
from app.domain.reminders import Anchor, ContentKind, PlanStep, count_for, rows_for
from app.domain.sms_encoding import GSM7, TextInfo, analyse
from app.domain.timefmt import to_london
from app.extensions import db
from app.models import Case, DapoTexts, EnrolmentStatus, Role, TextMessage, TextTemplate
from app.services import ValidationFailed, reminders, text_outcomes
from app.services import cadence as cadence_service
from app.services import trial as trial_service
from app.settings import current_settings
from app.timeutil import utcnow
from app.web.fields import yes_no_text, yes_no_value
from app.web.forms_support import apply_errors
from app.web.security import roles_required
from app.web.texts_admin.forms import BLANK_ROWS, CadenceForm, PlanForm, TemplateForm, TrialSwitchForm, UnknownDecisionForm

bp = Blueprint("texts_admin", __name__, url_prefix="/admin/texts")

OUTBOX_PAGE_SIZE = 50
OUTBOX = "outbox"
# The sample order every preview is rendered for.
SAMPLE_DAYS = 28
SAMPLE_CONDITIONS = ({"kind": "no_molest"}, {"kind": "no_enter"})


# -- overview ---------------------------------------------------------------------------------

@bp.route("/")
@roles_required(Role.ADMIN)
def index():
    steps = reminders.current_plan()
    templates = reminders.current_templates()
    wording = [(kind, templates[kind], _preview(templates[kind].body)) for kind in ContentKind]
    cadence = cadence_service.current_cadence()
    return render_template(
        "texts_admin/index.html", steps=_in_order(steps), counts=_counts(steps), wording=wording,
        backend=current_app.config["SMS_BACKEND"], when=when_words,
        unknown=text_outcomes.unknown_count(current_settings().dispatch, utcnow()),
        cadence=cadence, cadence_year=cadence_rules.texts_in_first_year(cadence),
    )


def _in_order(steps) -> list[PlanStep]:
    """Start steps by day, then end steps counting down to the last day."""
    return sorted(steps, key=lambda s: (s.anchor is Anchor.END, -s.day if s.anchor is Anchor.END else s.day, s.send_at))


def _counts(steps) -> tuple[int, int]:
    return count_for(14, steps), count_for(28, steps)


def when_words(step: PlanStep) -> str:
    if step.anchor is Anchor.START:
        return "Day 0: the day the order is made" if step.day == 0 else f"Day {step.day} after the order is made"
    if step.day == 0:
        return "The order's last day"
    return f"{step.day} day{'s' if step.day != 1 else ''} before the order's last day"


# -- the message plan -------------------------------------------------------------------------

@bp.route("/plan", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def plan():
    if request.method == "POST":
        form = PlanForm(formdata=_readable_rows(request.form))
    else:
        rows = rows_for(_in_order(reminders.current_plan()))
        form = PlanForm(data={"rows": rows + [{} for _ in range(BLANK_ROWS)]})
    if form.validate_on_submit():
        kept = [(number, entry.form) for number, entry in enumerate(form.rows.entries, 1) if not entry.form.remove.data]
        try:
            reminders.save_plan(current_user, [row.row() for _, row in kept])
        except ValidationFailed as exc:
            _plan_errors(form, kept, exc.errors)
        else:
            fourteen, twenty_eight = _counts(reminders.current_plan())
            flash(f"Message plan saved: a 14-day order gets {fourteen} texts; a 28-day order gets {twenty_eight}. "
                  "It applies to orders granted from now on.", "success")
            return redirect(url_for("texts_admin.index"))
    return render_template("texts_admin/plan.html", form=form, counts=_counts(reminders.current_plan()))


def _readable_rows(formdata: MultiDict) -> MultiDict:
    """The form data without row keys whose index is not plain ASCII digits: WTForms would try
    int() on anything str.isdigit() accepts, and int("²") raises."""
    kept = MultiDict()
    for key, value in formdata.items(multi=True):
        if key.startswith("rows-"):
            index = key[len("rows-"):].split("-", 1)[0]
            if not (index.isascii() and index.isdigit() and len(index) < 6):
                continue
        kept.add(key, value)
    return kept


# A row's problems come joined with "; "; each goes under the field it is about.
_PROBLEM_FIELDS = (
    ("Choose whether the day counts", "anchor"),
    ("Day must", "day"),
    ("Another row", "day"),
    ("Enter the send time", "send_at"),
    ("Send time", "send_at"),
    ("Choose what the text", "kind"),
)


def _plan_errors(form: PlanForm, kept: list, errors: dict[str, str]) -> None:
    for key, message in errors.items():
        index = _row_index(key)
        if index is None or not 0 <= index < len(kept):
            form.form_errors.append(message)
            continue
        number, row = kept[index]
        for problem in (p.strip() for p in message.split("; ") if p.strip()):
            name = next((field for prefix, field in _PROBLEM_FIELDS if problem.startswith(prefix)), "anchor")
            field = getattr(row, name)
            field.errors = [*field.errors, f"Row {number}: {problem}"]


def _row_index(key: str) -> int | None:
    if not key.startswith("row-"):
        return None
    try:
        return int(key[len("row-"):])
    except ValueError:
        return None


# -- the cadence for long and open-ended orders ------------------------------------------------

@bp.route("/cadence", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def cadence():
    current = cadence_service.current_cadence()
    form = CadenceForm(data=current.as_stored() if request.method == "GET" else None)
    if form.validate_on_submit():
        window = current_settings().texts.window
        if not form.confirmed():
            # Every problem at once: the typed values are checked too, before the confirmation.
            _cadence, errors = cadence_rules.validate_cadence(form.values(), window)
            apply_errors(form, errors | {"confirm": "Confirm that you understand what the change does"})
        else:
            try:
                cadence_service.save_cadence(current_user, form.values(), window)
            except ValidationFailed as exc:
                apply_errors(form, exc.errors)
            else:
                saved = cadence_service.current_cadence()
                flash(f"Cadence saved: an order until further order now gets {cadence_rules.texts_in_first_year(saved)} "
                      "texts in its first year. It applies to texts planned from now on.", "success")
                return redirect(url_for("texts_admin.index", _anchor="cadence"))
    version = cadence_service.current_version()
    return render_template("texts_admin/cadence.html", form=form, current=current, version=version,
                           year=cadence_rules.texts_in_first_year(current), limits=cadence_rules.LIMITS,
                           longest=cadence_rules.DURHAM_MAX_DAYS)


# -- wording ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Preview:
    text: str | None
    info: TextInfo | None
    problems: list[str]

    @property
    def gsm7(self) -> bool:
        return self.info is not None and self.info.encoding == GSM7


def _sample_values() -> dict[str, str]:
    made_on = to_london(utcnow()).date()
    return current_settings().texts.placeholder_values(list(SAMPLE_CONDITIONS), order_end(made_on, SAMPLE_DAYS))


def _preview(body: str) -> Preview:
    try:
        text = render(body, _sample_values())
    except TemplateError as exc:
        return Preview(None, None, exc.errors)
    return Preview(text, analyse(text), [])


def _content_kind(kind: str) -> ContentKind:
    try:
        return ContentKind(kind)
    except ValueError:
        abort(404)


@bp.route("/templates/<kind>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def template(kind: str):
    content_kind = _content_kind(kind)
    current = reminders.current_templates()[content_kind]
    form = TemplateForm(data={"body": current.body} if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            saved = reminders.save_template(current_user, content_kind, form.body.data or "")
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        else:
            flash(f"{content_kind.label}: the new wording is saved as version {saved.version}. "
                  "Texts not yet sent will use it.", "success")
            return redirect(url_for("texts_admin.template", kind=content_kind.value))
    form.body.render_kw = {
        "hx-post": url_for("texts_admin.preview", kind=content_kind.value),
        "hx-trigger": "input changed delay:400ms",
        "hx-target": "#wording-preview",
        "hx-swap": "outerHTML",
        "spellcheck": "true",
    }
    history = db.session.scalars(
        select(TextTemplate).where(TextTemplate.kind == content_kind)
        .options(selectinload(TextTemplate.created_by)).order_by(TextTemplate.version.desc())
    ).all()
    return render_template(
        "texts_admin/template.html", form=form, kind=content_kind, current=current, history=history,
        preview=_preview(form.body.data or ""), placeholders=PLACEHOLDERS, sample=_sample_values(),
    )


@bp.route("/templates/<kind>/preview", methods=["POST"])
@roles_required(Role.ADMIN)
def preview(kind: str):
    _content_kind(kind)
    body = request.form.get("body", "")
    return render_template("texts_admin/partials/preview.html", preview=_preview(body))


# -- the outbox -------------------------------------------------------------------------------

@dataclass(frozen=True)
class OutboxRow:
    message: TextMessage
    reference: str
    case_url: str | None
    number: str
    last_digits: str


def mask_number(e164: str | None) -> tuple[str, str]:
    """P's number with all but its last 3 digits hidden ("07••• •••123"), and those 3 digits."""
    digits = "".join(ch for ch in e164 or "" if ch.isdigit())
    if len(digits) < 3:
        return ("Not recorded", "") if not digits else ("•••", "")
    last = digits[-3:]
    if (e164 or "").startswith("+447") and len(digits) == 12:
        return f"07••• •••{last}", last
    return f"••• •••{last}", last


def _case_texts_url(case_id: int) -> str | None:
    """The case's texts page, or None when the viewer's role may not open it (no dead link)."""
    view = current_app.view_functions.get("texts.case_texts")
    if view is None:
        return f"/cases/{case_id}/texts"
    allowed = getattr(view, "allowed_roles", None)
    if allowed is not None and current_user.role not in allowed:
        return None
    return url_for("texts.case_texts", case_id=case_id)


@bp.route("/outbox")
@roles_required(Role.ADMIN)
def outbox():
    requested = request.args.get("page", 1, type=int) or 1
    total = db.session.scalar(select(func.count(TextMessage.id)).where(TextMessage.transport == OUTBOX)) or 0
    pages = max(1, -(-total // OUTBOX_PAGE_SIZE))
    page = requested if 1 <= requested <= pages else 1
    found = db.session.execute(
        select(TextMessage, Case.reference).join(Case, Case.id == TextMessage.case_id)
        .where(TextMessage.transport == OUTBOX)
        .order_by(func.coalesce(TextMessage.sent_at, TextMessage.created_at).desc(), TextMessage.id.desc())
        .limit(OUTBOX_PAGE_SIZE).offset((page - 1) * OUTBOX_PAGE_SIZE)
    ).all()
    rows = [
        OutboxRow(message, reference or f"Case {message.case_id}", _case_texts_url(message.case_id),
                  *mask_number(message.to_e164))
        for message, reference in found
    ]
    return render_template("texts_admin/outbox.html", rows=rows, page=page, pages=pages, total=total,
                           backend=current_app.config["SMS_BACKEND"])


# -- texts whose outcome is unknown -----------------------------------------------------------

@bp.route("/unknown")
@roles_required(Role.ADMIN, Role.SUPERVISOR)
def unknown():
    settings = current_settings().dispatch
    rows = text_outcomes.unknown_texts(settings, utcnow())
    return render_template("texts_admin/unknown.html", rows=[(row, *mask_number(row.message.to_e164)) for row in rows],
                           settings=settings, backend=current_app.config["SMS_BACKEND"])


@bp.route("/unknown/<int:message_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN, Role.SUPERVISOR)
def decide_unknown(message_id: int):
    message = text_outcomes.unknown_text(message_id)
    if message is None:
        flash("That text is not waiting for a decision: it has been settled.", "info")
        return redirect(url_for("texts_admin.unknown"))
    settings, now = current_settings().dispatch, utcnow()
    form = UnknownDecisionForm()
    if form.validate_on_submit():
        try:
            text_outcomes.decide(current_user, message, form.decision.data, form.reason.data or "", settings, now)
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        else:
            flash("Decision saved: the text will be sent again within a minute." if form.decision.data == "send_again"
                  else "Decision saved: the text is marked not sent and will not be sent.", "success")
            return redirect(url_for("texts_admin.unknown"))
    return render_template("texts_admin/decide_unknown.html", form=form, message=message,
                           reference=message.case.reference or f"Case {message.case_id}", number=mask_number(message.to_e164),
                           decide_from=message.unknown_since + settings.decide_after,
                           due=text_outcomes.decision_due(message, settings, now))


# -- the trial --------------------------------------------------------------------------------

@bp.route("/trial", methods=["GET"])
@roles_required(Role.ADMIN, Role.SUPERVISOR)
def trial():
    state = trial_service.state()
    form = TrialSwitchForm(data={"running": yes_no_text(state.running), "stratified": yes_no_text(state.stratified),
                                 "dapo_texts": state.dapo_texts.value})
    return _trial_page(form)


@bp.route("/trial", methods=["POST"])
@roles_required(Role.ADMIN)
def switch_trial():
    form = TrialSwitchForm()
    if form.validate_on_submit():
        running, stratified = yes_no_value(form.running.data), yes_no_value(form.stratified.data)
        try:
            trial_service.switch(current_user, running=running, stratified=stratified, reason=form.reason.data or "",
                                 dapo_texts=DapoTexts(form.dapo_texts.data) if form.dapo_texts.data else None)
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        else:
            flash("The trial is now " + ("running" if running else "switched off: every eligible case gets texts")
                  + (", randomised separately by order length." if running and stratified else ".")
                  + f" DAPOs: {trial_service.state().dapo_texts.label.lower()}.", "success")
            return redirect(url_for("texts_admin.trial"))
    return _trial_page(form)


def _trial_page(form: TrialSwitchForm):
    counts = trial_service.arm_counts()
    arms = [(arm, counts.get(arm.value, 0)) for arm in Arm]
    return render_template(
        "texts_admin/trial.html", form=form, state=trial_service.state(), arms=arms, allocated=sum(counts.values()),
        not_randomised=[(label, n) for label, n in trial_service.attrition() if label != EnrolmentStatus.ALLOCATED.label],
        can_switch=current_user.role is Role.ADMIN,
    )


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """A value for a spreadsheet: text that a spreadsheet would run as a formula is defused."""
    if value is None:
        return ""
    if isinstance(value, str):
        return "'" + value if value.startswith(_FORMULA_STARTS) else value
    return str(value)


@bp.route("/trial/export.csv")
@roles_required(Role.ADMIN, Role.SUPERVISOR)
def export_trial():
    rows = trial_service.export_rows()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(trial_service.EXPORT_COLUMNS)
    for row in rows:
        writer.writerow([csv_cell(row.get(column)) for column in trial_service.EXPORT_COLUMNS])
    trial_service.record_export(current_user, len(rows))
    filename = f"trial-allocations-{to_london(utcnow()).date().isoformat()}.csv"
    response = current_app.response_class(buffer.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
