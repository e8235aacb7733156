"""Geofence alerts and welfare visits (issue 16, "Alerts, visits and the audit trail"):
raised by reports through /locations/osmand only inside live geofences, one open alert per
geofence and officer, none within 7 days of a visit done, closed for everyone by one
officer's visit; the check-in and check-out trail is append-only."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import AlertClosedReason, AuditEntry, GeofenceAlert, OrderEventKind, VisitEventKind, WelfareVisitEvent
from app.services import ValidationFailed, court, welfare_trail, welfare_visits
from app.services.calendar import load_calendar
from app.services.reminders import TextSettings
from app.timeutil import set_frozen, utcnow
from tests.integration.alerts_support import HOME, all_alerts, build_scene, east_of, go_live, report
from tests.integration.conftest import assert_append_only


@pytest.fixture
def scene(app, make_user):
    return build_scene(make_user)


def actions(case) -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.case_id == case.id)
                                   .order_by(AuditEntry.id)))


def visit_done(officer, alert, **answers):
    welfare_visits.check_in(officer, alert, from_device=True)
    report_answers = {"spoken_to": "yes", "wellbeing": "Well; feels safer with the order.", "p_present": "no",
                      "concerns": "", "follow_up": ""} | answers
    return welfare_visits.check_out(officer, alert, **report_answers)


def test_an_alert_only_inside_a_live_geofence_and_only_one_per_officer(client, scene):
    near, far = east_of(HOME, 150), east_of(HOME, 260)
    set_frozen(scene.fence.live_from - timedelta(minutes=5))
    report(client, scene.north, near)
    assert all_alerts() == []  # not live yet: 72 hours after the order was made

    go_live(scene)
    report(client, scene.north, far, at=utcnow() - timedelta(seconds=6))
    assert all_alerts() == []  # outside the 200 m
    report(client, scene.north, near)
    [alert] = all_alerts()
    assert (alert.officer_id, alert.geofence_id, alert.case_id) == (scene.north.officer.id, scene.fence.id, scene.case.id)
    assert alert.raised_at == utcnow() - timedelta(seconds=5) and alert.closed_at is None
    for seconds in (4, 3, 2):  # more reports inside: no alert storm
        report(client, scene.north, near, at=utcnow() - timedelta(seconds=seconds))
    assert len(all_alerts()) == 1
    assert actions(scene.case).count("welfare.alert_raised") == 1


def test_a_mock_location_raises_no_alert(client, scene):
    go_live(scene)
    report(client, scene.north, HOME, mock="true")
    assert all_alerts() == []


def test_the_database_refuses_a_second_open_alert_for_the_same_officer(client, scene):
    go_live(scene)
    report(client, scene.north, HOME)
    [alert] = all_alerts()
    twin = GeofenceAlert(geofence_id=alert.geofence_id, case_id=alert.case_id, officer_id=alert.officer_id,
                         device_id=alert.device_id, raised_at=utcnow(), latitude=1.0, longitude=1.0)
    db.session.add(twin)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    # Closed alerts do not count: a closed one and an open one may sit side by side.
    db.session.add(GeofenceAlert(geofence_id=alert.geofence_id, case_id=alert.case_id, officer_id=alert.officer_id,
                                 device_id=alert.device_id, raised_at=utcnow(), latitude=1.0, longitude=1.0,
                                 closed_at=utcnow(), closed_reason=AlertClosedReason.GEOFENCE_ENDED))
    db.session.commit()


def test_one_officers_visit_closes_the_alert_for_everyone_and_snoozes_it_for_7_days(client, scene):
    go_live(scene)
    report(client, scene.north, HOME)
    report(client, scene.south, east_of(HOME, 100))
    mine, theirs = all_alerts()
    visit = visit_done(scene.north.officer, mine)
    assert visit.done and visit.check_in_source == "device"
    db.session.refresh(mine)
    db.session.refresh(theirs)
    assert (mine.closed_reason, theirs.closed_reason) == (AlertClosedReason.VISIT_DONE, AlertClosedReason.DONE_BY_ANOTHER)
    assert mine.closed_at == theirs.closed_at == utcnow()
    assert [e.kind for e in db.session.scalars(select(WelfareVisitEvent).order_by(WelfareVisitEvent.id))] == [
        VisitEventKind.CHECKED_IN, VisitEventKind.CHECKED_OUT]
    with pytest.raises(welfare_visits.AlertClosed):
        welfare_visits.check_in(scene.south.officer, theirs)

    done_at = utcnow()
    set_frozen(done_at + timedelta(days=7) - timedelta(minutes=1))
    report(client, scene.south, HOME)
    assert len(all_alerts()) == 2  # snoozed: a visit was done less than 7 days ago
    set_frozen(done_at + timedelta(days=7) + timedelta(minutes=1))
    report(client, scene.south, HOME)
    assert len(all_alerts()) == 3 and all_alerts()[-1].officer_id == scene.south.officer.id  # re-armed


def test_a_visit_without_v_spoken_to_keeps_the_alerts_open_and_p_present_is_a_possible_breach(client, scene):
    go_live(scene)
    report(client, scene.north, HOME)
    report(client, scene.south, HOME)
    mine, theirs = all_alerts()
    welfare_visits.check_in(scene.north.officer, mine, latitude="53.48095", longitude="-2.23685")
    visit = welfare_visits.check_out(scene.north.officer, mine, spoken_to="no", wellbeing="", p_present="yes",
                             concerns="P's car outside; no answer at the door.", follow_up="")
    assert not visit.done and visit.p_present and visit.check_in_source == "typed"
    db.session.refresh(mine)
    db.session.refresh(theirs)
    assert mine.closed_at is None and theirs.closed_at is None
    assert "welfare.possible_breach" in actions(scene.case)
    assert welfare_trail.visit_of(scene.case, str(visit.id)) == visit


def test_the_report_must_answer_the_questions(client, scene):
    go_live(scene)
    report(client, scene.north, HOME)
    [alert] = all_alerts()
    with pytest.raises(ValidationFailed) as refused:
        welfare_visits.check_out(scene.north.officer, alert, spoken_to="yes", wellbeing="", p_present="yes",
                         concerns="", follow_up="")
    assert "Check in" in str(refused.value)
    with pytest.raises(ValidationFailed, match="latitude"):
        welfare_visits.check_in(scene.north.officer, alert, latitude="91", longitude="0")
    welfare_visits.check_in(scene.north.officer, alert)
    with pytest.raises(ValidationFailed) as refused:
        welfare_visits.check_out(scene.north.officer, alert, spoken_to="maybe", wellbeing="x" * 5000, p_present=None,
                         concerns="", follow_up="")
    assert set(refused.value.errors) == {"spoken_to", "p_present", "wellbeing"}
    with pytest.raises(PermissionError):
        welfare_visits.acknowledge(scene.south.officer, alert)


def test_the_order_discharged_closes_its_alerts(client, scene):
    go_live(scene)
    report(client, scene.north, HOME, at=utcnow() - timedelta(seconds=9))
    court.change_order(scene.owner, scene.case, kind=OrderEventKind.DISCHARGED, court_date=utcnow().date(),
                       details="Discharged", new_days=None, calendar=load_calendar(), texts=TextSettings())
    [alert] = all_alerts()
    assert alert.closed_reason is AlertClosedReason.GEOFENCE_ENDED
    report(client, scene.north, HOME, at=utcnow() - timedelta(seconds=1))
    assert len(all_alerts()) == 1


def test_check_ins_and_check_outs_are_append_only(client, scene):
    go_live(scene)
    report(client, scene.north, HOME)
    visit_done(scene.north.officer, all_alerts()[0])
    assert_append_only("UPDATE welfare_visit_event SET at = at")
    assert_append_only("DELETE FROM welfare_visit_event")


@pytest.mark.parametrize("days", [0, 61])
def test_the_snooze_setting_is_checked(tmp_path, days):
    from app.config import ConfigError, load_settings

    with pytest.raises(ConfigError, match="WELFARE_VISIT_SNOOZE_DAYS"):
        load_settings(str(tmp_path), {"DVPO_ENV": "testing", "SECRET_KEY": "k" * 43 + "abcdefgh",
                                      "WELFARE_VISIT_SNOOZE_DAYS": days})


def test_the_snooze_is_the_setting(tmp_path):
    from app.config import load_settings
    from app.services.locations import LocationSettings

    config = load_settings(str(tmp_path), {"DVPO_ENV": "testing", "SECRET_KEY": "k" * 43 + "abcdefgh",
                                           "WELFARE_VISIT_SNOOZE_DAYS": "3"})
    assert LocationSettings.from_config(config).welfare_snooze == timedelta(days=3)
