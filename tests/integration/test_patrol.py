"""The patrol page, the visit page and tasking (issue 16): an officer's alerts, acknowledge,
check in, check out with the report; the others told they are not needed; an officer of
another area sees the visit page for their alert only (audited), never the case file; P
present goes to the breach form pre-filled; the trail on the case page."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry, GeofenceAlert, Role
from app.timeutil import utcnow
from tests.integration.alerts_support import HOME, build_scene, go_live, report
from tests.integration.conftest import (
    ClientRequest,
    error_summary,
    flash_messages,
    keep_session_alive,
    login,
    normalize_spaces,
)


@pytest.fixture
def scene(app, make_user):
    return build_scene(make_user)


def officer_client(app, officer) -> ClientRequest:
    client = app.test_client()
    assert login(client, officer).status_code == 302
    return ClientRequest(client)


def alert_of(officer) -> GeofenceAlert:
    db.session.commit()
    return db.session.scalar(select(GeofenceAlert).where(GeofenceAlert.officer_id == officer.id)
                             .order_by(GeofenceAlert.id.desc()))


def alerted(app, client, scene):
    """Both patrols reported inside the live geofence; each officer logged in."""
    go_live(scene)
    report(client, scene.north, HOME)
    report(client, scene.south, HOME)
    north, south = officer_client(app, scene.north.officer), officer_client(app, scene.south.officer)
    for c in (north, south):
        keep_session_alive(c.client, utcnow())
    return north, south


def test_the_journey_alert_check_in_check_out_and_the_other_officer_stood_down(app, client, scene):
    north, south = alerted(app, client, scene)
    page = north.get("/patrol")
    [item] = page.select(".app-patrol-alert")
    assert "A live order near you needs a welfare check" in item.get_text()
    assert page.select_one("#patrol-alerts")["hx-trigger"] == "every 30s"
    alert = alert_of(scene.north.officer)

    visit_page = north.get(f"/patrol/alerts/{alert.id}")
    assert "Beth Testperson" in visit_page.select_one("#visit-victim").get_text()
    assert "1 Test Street" in visit_page.select_one("#visit-address").get_text()
    assert "Adam Testperson" in visit_page.select_one("#visit-perpetrator").get_text()
    assert "molest" in visit_page.select_one("#visit-conditions").get_text()
    assert visit_page.select_one("#across-districts") is None

    north.post(f"/patrol/alerts/{alert.id}/acknowledge", _expected_redirect=f"/patrol/alerts/{alert.id}")
    north.post(f"/patrol/alerts/{alert.id}/check-in", {"from_device": "y"},
               _expected_redirect=f"/patrol/alerts/{alert.id}")
    refused = north.post(f"/patrol/alerts/{alert.id}/check-out", {"spoken_to": "yes"}, _expected_status=200)
    assert error_summary(refused) == ["Say how the victim is (their wellbeing and situation)",
                                      "Say whether the perpetrator was present"]
    done = north.post(f"/patrol/alerts/{alert.id}/check-out",
                      {"spoken_to": "yes", "wellbeing": "Well, feels safe.", "p_present": "no",
                       "concerns": "", "follow_up": "IDVA to call"}, _follow_redirects=True)
    assert "closed for every officer" in " ".join(flash_messages(done))
    assert done.select(".app-patrol-alert") == []

    stood_down = south.get("/patrol/alerts")  # the partial htmx polls
    [closed] = stood_down.select("#closed-alerts li")
    assert closed["data-reason"] == "done_by_another"
    assert "you are not needed" in normalize_spaces(closed.get_text())
    assert south.get("/patrol").select(".app-patrol-alert") == []


def test_an_officer_of_another_area_gets_the_visit_page_only_and_every_view_is_audited(app, client, scene):
    _north, south = alerted(app, client, scene)
    alert = alert_of(scene.south.officer)
    page = south.get(f"/patrol/alerts/{alert.id}")
    assert page.select_one("#across-districts") is not None
    assert "Beth Testperson" in page.select_one("#visit-victim").get_text()
    assert page.find("a", string="Open the case") is None
    south.get(f"/cases/{scene.case.id}", _expected_status=404)
    south.get(f"/cases/{scene.case.id}/court", _expected_status=404)
    south.get(f"/patrol/alerts/{alert.id}")
    views = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "welfare.visit_page_viewed")).all()
    assert [(v.user_id, v.detail["across_districts"]) for v in views] == [(scene.south.officer.id, True)] * 2


def test_an_officer_cannot_open_another_officers_alert(app, client, scene):
    north, _south = alerted(app, client, scene)
    theirs = alert_of(scene.south.officer)
    north.get(f"/patrol/alerts/{theirs.id}", _expected_status=404)
    north.post(f"/patrol/alerts/{theirs.id}/check-in", {}, _expected_status=404)
    north.post(f"/patrol/alerts/{theirs.id}/check-out", {}, _expected_status=404)
    north.post(f"/patrol/alerts/{theirs.id}/acknowledge", {}, _expected_status=404)
    north.get("/patrol/alerts/not-a-number", _expected_status=404)


def test_p_present_goes_to_the_breach_form_pre_filled(app, client, scene):
    north, south = alerted(app, client, scene)
    alert = alert_of(scene.north.officer)
    north.post(f"/patrol/alerts/{alert.id}/check-in", {"latitude": "53.48095", "longitude": "-2.23685"})
    north.post(f"/patrol/alerts/{alert.id}/check-out",
               {"spoken_to": "no", "p_present": "yes", "concerns": "P's car outside."})
    location = north.response.headers["Location"]
    assert location.startswith(f"/cases/{scene.case.id}/breaches/new?visit=")
    form = north.get(location)
    assert "P's car outside." in form.select_one("textarea[name=description]").get_text()
    assert form.select_one("#from-visit") is not None
    assert form.select_one("input[name=source][value=officer_visit]").has_attr("checked")

    # An officer of another area: told what happens, not sent to a case they cannot read.
    theirs = alert_of(scene.south.officer)
    south.post(f"/patrol/alerts/{theirs.id}/check-in", {})
    page = south.post(f"/patrol/alerts/{theirs.id}/check-out", {"spoken_to": "no", "p_present": "yes"},
                      _follow_redirects=True)
    assert "shown to the case's officers on the case page" in " ".join(flash_messages(page))

    # The case page's trail, with the way to the breach form.
    owner = officer_client(app, scene.owner)
    case_page = owner.get(f"/cases/{scene.case.id}")
    rows = case_page.select("#welfare-trail tbody tr")
    assert [r["data-kind"] for r in rows] == ["checked_in", "checked_out", "checked_in", "checked_out"]
    assert "53.48095, -2.23685" in rows[0].get_text() and "no position given" in rows[2].get_text()
    assert case_page.find("a", string="Record the possible breach") is not None

    # The breach printout carries the same trail.
    from app.models import BreachSource
    from app.services.breaches import record_breach
    from app.services.calendar import load_calendar

    breach = record_breach(scene.owner, scene.case, occurred_at=utcnow(), description="P at V's address.",
                           source=BreachSource.OFFICER_VISIT, arrested_at=None, arresting_officer="",
                           calendar=load_calendar())
    printout = owner.get(f"/cases/{scene.case.id}/breaches/{breach.id}/printout")
    assert len(printout.select("#welfare-trail tbody tr")) == 4


def test_the_check_in_refuses_garbage_without_a_500(app, client, scene):
    north, _south = alerted(app, client, scene)
    alert = alert_of(scene.north.officer)
    page = north.post(f"/patrol/alerts/{alert.id}/check-in", {"latitude": "abc", "longitude": "\x00"},
                      _expected_status=200)
    assert error_summary(page)
    page = north.post(f"/patrol/alerts/{alert.id}/check-in", {"latitude": "53.4", "longitude": "-2.2",
                                                              "from_device": "y"}, _expected_status=200)
    assert error_summary(page) == ["Type the position or take the device's, not both"]
    # No CSRF token: refused.
    north.post(f"/patrol/alerts/{alert.id}/acknowledge", {}, _csrf_token=False, _expected_status=400)
    north.post(f"/patrol/alerts/{alert.id}/check-out", {"spoken_to": "x" * 10_000, "p_present": "maybe"},
               _expected_status=200)


def test_tasking_shows_live_geofences_alerts_waiting_and_visits(app, client, scene, make_user):
    go_live(scene)
    report(client, scene.north, HOME)
    supervisor = make_user(Role.SUPERVISOR)
    tasking = officer_client(app, supervisor)
    keep_session_alive(tasking.client, utcnow())
    page = tasking.get("/patrol/tasking")
    assert scene.case.reference in page.select_one("#live-geofences").get_text()
    assert scene.north.officer.display_name in page.select_one("#alerts-waiting").get_text()
    page = tasking.get("/patrol/tasking?days=0")
    assert "Enter a number of days" in page.get_text()
    south_supervisor = officer_client(app, make_user(Role.INSPECTOR, area="South"))
    keep_session_alive(south_supervisor.client, utcnow())
    page = south_supervisor.get("/patrol/tasking")
    assert scene.case.reference not in page.select_one("#live-geofences").get_text()
