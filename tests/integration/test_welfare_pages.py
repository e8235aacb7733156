"""The welfare pages at two sizes of data (no N+1: the statements one page runs do not grow
with the alerts, visits and orders), and P's description (issue 16, "Across districts": the
visit page gives P's description): entered when the case is opened or through the usual
correction of P, audited, on the case page and the visit page, never in a push or a log."""
from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry, GeofenceAlert, Role
from app.services import geofences, welfare_visits
from app.timeutil import set_frozen, utcnow
from tests.integration.alerts_support import HOME, P_DESCRIPTION, build_scene, east_of, go_live, report, signed_in
from tests.integration.conftest import error_summary, keep_session_alive
from tests.integration.factories import granted_case
from tests.support import count_queries


@pytest.fixture
def scene(app, make_user):
    return build_scene(make_user)


def more_orders(scene, how_many: int) -> tuple[list, list]:
    """More orders with geofences, 2 km apart east of V's address (made before go_live, so
    they go live together): their cases and places."""
    cases, places = [], []
    for n in range(1, how_many + 1):
        case = granted_case(scene.owner, area="North")
        place = east_of(HOME, 2000 * n)
        geofences.set_location(scene.owner, case, latitude=f"{place.latitude}", longitude=f"{place.longitude}")
        cases.append(case)
        places.append(place)
    return cases, places


def alerted_everywhere(client, scene, places) -> None:
    """Both officers alerted at each of `places`; the north officer visits each new alert (V
    not spoken to: the alerts stay open, the visits are listed)."""
    from app.models import WelfareVisit

    for n, place in enumerate(places):
        at = utcnow() - timedelta(seconds=60 - n)  # a new fix each (the same time is the same report)
        report(client, scene.north, place, at)
        report(client, scene.south, place, at)
    unvisited = select(GeofenceAlert).where(GeofenceAlert.officer_id == scene.north.officer.id,
                                            ~select(WelfareVisit.id).where(WelfareVisit.alert_id == GeofenceAlert.id)
                                            .exists())
    for alert in db.session.scalars(unvisited).all():
        welfare_visits.check_in(scene.north.officer, alert, from_device=True)
        welfare_visits.check_out(scene.north.officer, alert, spoken_to="no", wellbeing="", p_present="no",
                                 concerns="No answer at the door.", follow_up="")
    set_frozen(utcnow() + timedelta(minutes=1))


def _counts(app, scene, supervisor) -> dict[str, int]:
    north = signed_in(app, scene.north.officer)
    boss = signed_in(app, supervisor)
    first = db.session.scalar(select(GeofenceAlert).where(GeofenceAlert.officer_id == scene.north.officer.id)
                              .order_by(GeofenceAlert.id))
    return {"/patrol": count_queries(north.client, "/patrol"),
            "/patrol/alerts": count_queries(north.client, "/patrol/alerts"),
            "visit page": count_queries(north.client, f"/patrol/alerts/{first.id}"),
            "/patrol/tasking": count_queries(boss.client, "/patrol/tasking")}


def test_the_welfare_pages_run_the_same_statements_however_many_alerts_visits_and_orders(app, client, scene,
                                                                                      make_user):
    """/patrol, its htmx list, the visit page and tasking: counted with 2 orders alerted and
    visited, then with 6 (and twice the alerts, visits and live geofences): the same."""
    cases, places = more_orders(scene, 5)
    for case in cases[1:]:  # not live until V says yes
        geofences.record_wishes(scene.owner, case, wants="no")
    go_live(scene)
    supervisor = make_user(Role.SUPERVISOR)
    alerted_everywhere(client, scene, [HOME, places[0]])
    board = signed_in(app, supervisor).get("/patrol/tasking")
    assert len(board.select("#live-geofences tbody tr")) == 2
    small = _counts(app, scene, supervisor)
    for case in cases[1:]:
        geofences.record_wishes(scene.owner, case, wants="yes")
    alerted_everywhere(client, scene, places[1:])
    board = signed_in(app, supervisor).get("/patrol/tasking")
    assert len(board.select("#live-geofences tbody tr")) == 6
    assert len(board.select("#visits-done tbody tr")) == 6
    assert len(board.select("#alerts-waiting tbody tr")) == 12
    assert _counts(app, scene, supervisor) == small


def test_ps_description_is_corrected_audited_and_shown_on_the_case_and_visit_pages(app, client, scene, make_user,
                                                                                  caplog):
    caplog.set_level(logging.DEBUG)
    p = scene.case.perpetrator
    owner = signed_in(app, scene.owner)
    page = owner.get(f"/cases/{scene.case.id}")
    assert P_DESCRIPTION in page.select_one("#perpetrator-description").get_text()
    form_url = f"/cases/{scene.case.id}/people/{p.id}/change"
    assert owner.get(form_url).select_one("textarea[name=description]").get_text().strip() == P_DESCRIPTION
    # A victim has no description field.
    victim = scene.case.victims[0]
    assert owner.get(f"/cases/{scene.case.id}/people/{victim.id}/change").select_one("textarea[name=description]") is None

    fields = {"full_name": p.full_name, "date_of_birth": p.date_of_birth.isoformat()}
    too_long = owner.post(form_url, {**fields, "description": "y" * 1001, "reason": "PNC"}, _expected_status=200)
    assert "Keep the description under 1,000 characters" in error_summary(too_long)
    assert too_long.select_one("textarea[name=description]").get_text().strip() == "y" * 1001
    from app.services import ValidationFailed, corrections

    with pytest.raises(ValidationFailed) as refused:  # the service checks it too, not only the form
        corrections.correct_person(scene.owner, scene.case, p, corrections.PersonFacts(
            p.full_name, p.date_of_birth, None, "y" * 1001), reason="PNC")
    assert refused.value.errors == {"description": "Keep the description under 1,000 characters"}
    no_reason = owner.post(form_url, {**fields, "description": "Short, beard"}, _expected_status=200)
    assert error_summary(no_reason) == ["Say why this is being changed"]
    assert no_reason.select_one("textarea[name=description]").get_text().strip() == "Short, beard"

    new = "Short, grey beard, walks with a stick"
    owner.post(form_url, {**fields, "description": new, "reason": "Seen at the breach arrest."},
               _expected_redirect=f"/cases/{scene.case.id}")
    db.session.expire_all()
    assert p.description == new
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "person.corrected")).one()
    assert entry.detail["before"]["description"] == P_DESCRIPTION and entry.detail["after"]["description"] == new
    assert new in owner.get(f"/cases/{scene.case.id}").select_one("#perpetrator-description").get_text()

    # The visit page of an officer of another area shows it (and nothing of the case file).
    go_live(scene)
    report(client, scene.south, HOME)
    alert = db.session.scalar(select(GeofenceAlert).where(GeofenceAlert.officer_id == scene.south.officer.id))
    visit = signed_in(app, scene.south.officer).get(f"/patrol/alerts/{alert.id}")
    assert visit.select_one("#across-districts") is not None
    assert visit.select_one("#visit-perpetrator-description").get_text().strip() == new
    keep_session_alive(owner.client, utcnow())
    # Cleared: the visit page says none is recorded.
    owner.post(form_url, {**fields, "description": "", "reason": "Wrong person described."},
               _expected_redirect=f"/cases/{scene.case.id}")
    db.session.expire_all()
    assert p.description is None
    visit = signed_in(app, scene.south.officer).get(f"/patrol/alerts/{alert.id}")
    assert visit.select_one("#visit-perpetrator-description").get_text().strip() == "No description recorded"
    # Never in the logs.
    assert "beard" not in caplog.text and "swallow" not in caplog.text


def test_ps_description_is_entered_when_the_case_is_opened(client, client_request, login_as):
    from app.models import Case
    from tests.integration.test_cases import new_case_form

    officer, token = login_as(Role.OFFICER)
    assert client_request.get("/cases/new").select_one("textarea[name=perpetrator_description]") is not None
    too_long = client.post("/cases/new", data=new_case_form(token, officer, perpetrator_description="z" * 1001))
    assert too_long.status_code == 200 and db.session.scalars(select(Case)).first() is None
    response = client.post("/cases/new", data=new_case_form(token, officer,
                                                            perpetrator_description="  Slim, ginger hair  "))
    assert response.status_code == 302
    case = db.session.scalars(select(Case)).one()
    assert case.perpetrator.description == "Slim, ginger hair"
    assert all(v.description is None for v in case.victims)
