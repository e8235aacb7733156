"""The reminder-text trial's evaluation (issue 17): one read-only page for supervisors and
admins, beside the trial's page. The figures come from services/trial_evaluation, the
wording and the flow diagram's layout from web/presentation/trial_evaluation."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template

from app.domain.statistics import MIN_ANALYSED_PER_ARM
from app.domain.trial_analysis import SUBGROUP_MIN_PER_ARM
from app.models import Role
from app.services import trial_evaluation
from app.web.presentation import trial_evaluation as wording
from app.web.security import roles_required

bp = Blueprint("trial_evaluation", __name__, url_prefix="/admin/texts/trial")


@bp.route("/evaluation")
@roles_required(Role.ADMIN, Role.SUPERVISOR)
def evaluation():
    result = trial_evaluation.evaluate(current_app.config["SMS_UNIT_PRICE_PENCE"])
    return render_template("trial_evaluation/evaluation.html", ev=result, diagram=wording.consort_diagram(result.flow),
                           w=wording, minimum=MIN_ANALYSED_PER_ARM, subgroup_minimum=SUBGROUP_MIN_PER_ARM)
