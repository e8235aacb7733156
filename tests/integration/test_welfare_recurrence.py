"""The recurrence per order (issue 16: "a supervisor's tasking view ... and the recurrence per
order changed by risk"; practice, not law): a supervisor sets, from tasking, how many days
after a visit an order's geofence re-arms, proposed from the case's risk, with a reason,
audited and shown on the case page; the alerts follow it. Who may set it, and CSRF."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.domain.risk import RiskLevel
from app.extensions import db
from app.models import AuditEntry, GeofenceAlert, Role
from app.services import welfare_visits
from app.timeutil import set_frozen, utcnow
from tests.integration.alerts_support import HOME, build_scene, go_live, report, signed_in
from tests.integration.conftest import error_summary


@pytest.fixture
def scene(app, make_user):
    return build_scene(make_user)


def url(scene) -> str:
    return f"/cases/{scene.case.id}/welfare-recurrence"


def test_a_supervisor_sets_the_recurrence_proposed_from_the_risk_with_a_reason(app, client, scene, make_user):
    scene.case.risk_level = RiskLevel.HIGH
    db.session.commit()
    go_live(scene)
    supervisor = make_user(Role.SUPERVISOR)
    browser = signed_in(app, supervisor)
    board = browser.get("/patrol/tasking")
    [row] = board.select("#live-geofences tbody tr")
    assert "7 days (the force's setting)" in " ".join(row.get_text().split())
    assert "High risk proposes 3 days" in " ".join(row.get_text().split())
    assert row.find("a", href=url(scene)) is not None

    form = browser.get(url(scene))
    assert form.select_one("input[name=days]")["value"] == "3"  # proposed for high risk
    assert "3 days" in form.select_one("#proposed-recurrence").get_text()

    # Refused: what was typed comes back with the errors, nothing changes.
    refused = browser.post(url(scene), {"days": "ninety", "reason": "  "}, _expected_status=200)
    assert error_summary(refused) == ["Enter a whole number of days from 1 to 60",
                                      "Say why the recurrence is changed (for example: risk reassessed as high at MARAC)"]
    assert refused.select_one("input[name=days]")["value"] == "ninety"
    refused = browser.post(url(scene), {"days": "3", "reason": ""}, _expected_status=200)
    assert refused.select_one("input[name=days]")["value"] == "3"
    db.session.expire_all()
    assert scene.case.order.welfare_recurrence_days is None

    browser.post(url(scene), {"days": "3", "reason": "High risk: MARAC asked for visits twice a week."},
                 _expected_redirect="/patrol/tasking")
    db.session.expire_all()
    assert scene.case.order.welfare_recurrence_days == 3
    [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "welfare.recurrence_changed")).all()
    assert (entry.user_id, entry.case_id) == (supervisor.id, scene.case.id)
    assert entry.detail == {"order": scene.case.order.id, "before": None, "after": 3,
                            "reason": "High risk: MARAC asked for visits twice a week."}
    [row] = browser.get("/patrol/tasking").select("#live-geofences tbody tr")
    assert "3 days (set for this order)" in " ".join(row.get_text().split())

    # The case page says so, with who and why; the timeline too.
    page = browser.get(f"/cases/{scene.case.id}")
    shown = " ".join(page.select_one("#welfare-recurrence").get_text().split())
    assert "3 days after a visit" in shown and supervisor.display_name in shown
    assert "MARAC asked for visits twice a week" in shown
    assert any("Welfare visit recurrence changed (High risk" in li.get_text() for li in page.select(".app-timeline__item"))
    # The same number again changes nothing and says so.
    again = browser.post(url(scene), {"days": "3", "reason": "again"}, _expected_status=200)
    assert "already re-arms 3 days" in error_summary(again)[0]


def _visit_done(scene) -> None:
    [alert] = db.session.scalars(select(GeofenceAlert).where(GeofenceAlert.officer_id == scene.north.officer.id)).all()
    welfare_visits.check_in(scene.north.officer, alert)
    welfare_visits.check_out(scene.north.officer, alert, spoken_to="yes", wellbeing="Well.", p_present="no",
                             concerns="", follow_up="")


def _alerts_of(officer) -> int:
    db.session.commit()
    return len(db.session.scalars(select(GeofenceAlert).where(GeofenceAlert.officer_id == officer.id,
                                                              GeofenceAlert.closed_at.is_(None))).all())


@pytest.mark.parametrize(("order_days", "re_armed_after"), [(None, 7), (3, 3), (14, 14)])
def test_the_orders_recurrence_decides_when_its_geofence_alerts_again(app, client, scene, make_user, order_days,
                                                                       re_armed_after):
    from app.services import welfare_recurrence

    if order_days is not None:
        welfare_recurrence.set_recurrence(make_user(Role.SUPERVISOR), scene.case, days=str(order_days),
                                          reason="Risk reviewed.")
    go_live(scene)
    report(client, scene.north, HOME)
    _visit_done(scene)
    done_at = utcnow()
    set_frozen(done_at + timedelta(days=re_armed_after) - timedelta(hours=1))
    report(client, scene.north, HOME)
    assert _alerts_of(scene.north.officer) == 0  # still snoozed
    set_frozen(done_at + timedelta(days=re_armed_after, minutes=1))
    report(client, scene.north, HOME)
    assert _alerts_of(scene.north.officer) == 1  # re-armed


def test_only_supervisors_set_it_and_every_post_needs_the_csrf_token(app, scene, make_user):
    go_live(scene)
    for role in Role:
        browser = signed_in(app, make_user(role, **({"area": "North"} if role is Role.OFFICER else {})))
        allowed = role is Role.SUPERVISOR
        browser.get(url(scene), _expected_status=200 if allowed else 403)
        if allowed:
            browser.post(url(scene), {"days": "5", "reason": "r"}, _csrf_token=False, _expected_status=400)
            browser.post(url(scene), {"days": "5", "reason": "Risk reviewed."}, _expected_redirect="/patrol/tasking")
        else:
            browser.post(url(scene), {"days": "5", "reason": "Risk reviewed."}, _expected_status=403)
    db.session.expire_all()
    assert scene.case.order.welfare_recurrence_days == 5
    assert len(db.session.scalars(select(AuditEntry).where(AuditEntry.action == "welfare.recurrence_changed")).all()) == 1


def test_no_order_in_force_no_recurrence_and_no_500(app, scene, make_user):
    from app.models import ProtectionOrder

    browser = signed_in(app, make_user(Role.SUPERVISOR))
    browser.get("/cases/999999/welfare-recurrence", _expected_status=404)
    order = db.session.get(ProtectionOrder, scene.case.order.id)
    from app.models import OrderStatus
    order.status = OrderStatus.DISCHARGED
    db.session.commit()
    browser.get(url(scene), _expected_status=404)
    browser.post(url(scene), {"days": "5", "reason": "r"}, _expected_status=404)
