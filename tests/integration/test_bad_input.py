"""Whatever a user types or a client sends, the answer is never a 500."""
import io
from datetime import timedelta

import pytest

from app.domain.regimes import RegimeCode
from app.models import BreachSource, Role
from app.services import devices
from app.services.breaches import record_breach
from app.services.calendar import load_calendar
from app.services.casework import report_concern
from app.services.referral_queries import referrals_for
from app.timeutil import utcnow
from tests.integration.alerts_support import HOME, all_alerts, build_scene, east_of, go_live, report, signed_in
from tests.integration.conftest import csrf_from
from tests.integration.factories import granted_case, sent_referral, served_case, submitted_case, support_service
from tests.integration.test_role_matrix import _routes

GARBAGE = [
    "", " ", "0", "-1", "99999999999999999999", "abc", "2026-02-30", "25:61", "\x00", "'; DROP TABLE case_file; --",
    "<script>alert(1)</script>", "é" * 300, "1e309", "None", "true",
]


FIELDS = ["perpetrator_name", "perpetrator_dob", "incident_date", "incident_time", "served_date", "served_time", "conduct",
          "victim_id", "occurred_date", "occurred_time", "score", "risk_level", "kinds", "distance_metres", "has_mobile",
          "mobile", "outcome", "rationale", "contested", "days", "made_on", "conditions", "next_date", "amount", "paid_on",
          "starts_date", "starts_time", "court_name", "arrested", "arrested_date", "fine", "custody_days", "kind",
          "court_date", "new_days", "day", "name", "email", "role", "password", "hearing_id", "done", "source", "page",
          "eligible", "not_eligible_reason", "order_days", "age_band", "reason", "number", "no_phone_reason", "no_phone_other",
          "running", "stratified", "body",
          # Referrals: the police form, the send page, the caseworker's forms, admin services.
          "consent", "consent_asked_date", "consent_asked_time", "safe_number", "safe_to_call", "safe_times",
          "safe_times_notes", "agreed_methods", "language", "interpreter", "other_needs", "police_summary",
          "service_id", "attempted_date", "attempted_time", "method", "call_near_end_agreed", "notes",
          "observed_date", "observed_time", "what", "note", "area", "active",
          # The notice of the hearing, the order served on P, V told of the order.
          "hearing_address_answer", "address_for_hearing_notice", "at_date", "at_time", "details", "by", "efforts",
          "served_by", "told_date", "told_time", "told_by", "explained", "copy_given",
          # A notice shown as lapsed (test_notice_lapse posts these to a lapsed case too).
          "began_date", "began_time", "confirm",
          # A caseworker's follow-up call after the order.
          "follow_up_date",
          # The cadence for long orders; what DAPOs get in the trial.
          "early_every_days", "early_until_day", "later_every_days", "send_at", "review_lead_days",
          "end_lead_days", "horizon_days", "dapo_texts",
          # A DAPO: P's notifications (s.41) and a breach's criminal path (s.39).
          "exemption", "names", "address", "changed_on", "notified_date", "notified_time", "where", "taken_by",
          "step", "charge", "remand", "plea", "verdict", "route", "sentence", "term", "term_unit", "until_date",
          "until_time", "fine",
          # Issues 14-16: corrections of a case, handovers, the same person on several cases, a
          # geofence's place and V's wishes, accounts and one's own password, work devices, a
          # text whose outcome is unknown.
          "full_name", "date_of_birth", "relationship", "address_line_1", "address_line_2", "town", "postcode",
          "officer_id", "leaver_id", "confirmed_count", "person", "other", "decision", "latitude", "longitude",
          "grid_reference", "wants", "collar_number", "rank", "current_password", "new_password",
          "confirm_password", "user_id"]


def post_targets(app, make_user):
    """Every POST route with ids that reach its form (cases in the states each form needs), the
    form field names any of them reads, and the support service a caseworker works for."""
    officer = make_user(Role.OFFICER)
    case = served_case(officer)
    submitted = submitted_case(officer)
    service = support_service("Garbage Support Service")
    # A second served case whose referral is still with police (the first one's goes to the service).
    awaiting_case = served_case(officer)
    _, referral = sent_referral(officer, service, case=case)
    concern = report_concern(make_user(Role.CASEWORKER, service_id=service.id), referral, observed_at=case.served_at,
                             what="P answered the victim's phone.")
    ids = {"referral_id": referral.id, "concern_id": concern.id, "service_id": service.id,
           "case_id": case.id, "holiday_id": 1, "user_id": officer.id, "section": "grounds", "key": "officer_statement",
           "doc_id": 1, "breach_id": 1, "application_id": submitted.applications[-1].id, "kind": "conditions",
           "victim_id": case.victims[0].id, "message_id": 1, "person_id": case.victims[0].id,
           "device_id": devices.register(make_user(Role.ADMIN), officer, "Garbage work phone").device.id}
    awaiting = {**ids, "case_id": awaiting_case.id, "referral_id": referrals_for(awaiting_case)[0].id}
    # Police referral forms again, on a referral still with police, so the garbage reaches the form.
    targets = [(rule, method, ids) for rule, method, _view in _routes(app)]
    targets += [(rule, method, awaiting) for rule, method, _view in _routes(app) if rule.endpoint.startswith("referrals.")]
    # The order's records again, on a case with an order, so the garbage reaches those forms.
    granted = granted_case(officer)
    with_order = {**ids, "case_id": granted.id, "victim_id": granted.victims[0].id}
    targets += [(rule, method, with_order) for rule, method, _view in _routes(app)
                if rule.endpoint in ("court.hearing_notice", "court.order_served", "court.victim_told",
                                     "geofences.location")]  # an order's geofence (issue 16)
    # A DAPO with a breach, so the garbage reaches the notification and criminal-path forms.
    dapo = granted_case(officer, regime=RegimeCode.DAPN)
    dapo_breach = record_breach(officer, dapo, occurred_at=utcnow() - timedelta(minutes=5), description="At the door.",
                                source=BreachSource.VICTIM, arrested_at=utcnow() - timedelta(minutes=1),
                                arresting_officer="PC 1", calendar=load_calendar())
    with_dapo = {**ids, "case_id": dapo.id, "breach_id": dapo_breach.id}
    targets += [(rule, method, with_dapo) for rule, method, _view in _routes(app)
                if rule.endpoint in ("court.new_notification", "court.breach_criminal", "court.breach_outcome")]
    posts = [(rule, values) for rule, method, values in targets
             if method == "POST" and rule.endpoint not in ("auth.logout", "auth.login")]
    return posts, service


def reachable(app, targets: list, role: Role) -> list:
    """The targets whose view `role` may use. The others refuse the role before reading the form
    (test_role_matrix checks every one of them), so garbage posted there would reach nothing."""
    def allowed(rule) -> bool:
        view = app.view_functions[rule.endpoint]
        return getattr(view, "is_public", False) or role in view.allowed_roles

    found = [(rule, values) for rule, values in targets if allowed(rule)]
    assert found, f"no form for {role}"
    return found


@pytest.mark.parametrize("role", [Role.OFFICER, Role.SUPERINTENDENT, Role.ADMIN, Role.CASEWORKER])
def test_garbage_posted_to_every_route_never_gives_a_500(app, client, login_as, make_user, role):
    targets, service = post_targets(app, make_user)
    _, token = login_as(role, **({"service_id": service.id} if role is Role.CASEWORKER else {}))
    for rule, values in reachable(app, targets, role):
        url = rule.build({arg: values.get(arg, 1) for arg in rule.arguments})[1]  # 1: an id this set-up does not make
        for value in GARBAGE:
            data = {name: value for name in FIELDS}
            data["csrf_token"] = token
            data["file"] = (io.BytesIO(value.encode("utf-8", "surrogatepass")), value or "x")
            response = client.post(url, data=data, content_type="multipart/form-data")
            assert response.status_code < 500, (rule.rule, value, response.status_code)


def test_garbage_posted_to_a_patrol_officers_alert_never_gives_a_500(app, client, make_user):
    """The alert's own forms (acknowledge, check in, check out) need an alert of the officer's
    to reach them: the test above posts to alert 1, which its set-up never makes."""
    scene = build_scene(make_user)
    go_live(scene)
    report(client, scene.north, east_of(HOME, 150))
    [alert] = all_alerts()
    officer = signed_in(app, scene.north.officer).client
    token = csrf_from(officer, f"/patrol/alerts/{alert.id}")
    for action in ("acknowledge", "check-in", "check-out"):
        for value in GARBAGE:
            data = {name: value for name in FIELDS + ["from_device", "spoken_to", "wellbeing", "p_present",
                                                       "concerns", "follow_up"]}
            data["csrf_token"] = token
            response = officer.post(f"/patrol/alerts/{alert.id}/{action}", data=data)
            assert response.status_code < 500, (action, value, response.status_code)

