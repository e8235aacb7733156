"""Geofences from the order (issue 16): made at the grant, live 72 hours later until the
order ends, varied or discharged; V's wishes; coordinates from the force's geocoder (a
loopback fake over real HTTP), typed degrees or an OS grid reference; the cell index."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from app.config import ConfigError, load_settings
from app.domain import geo
from app.domain.geofence_rules import EndReason, GeofenceState
from app.extensions import db
from app.geocoding import GeocoderSettings, build_geocoder
from app.models import AuditEntry, Geofence, GeofenceCell, Hearing, OrderEventKind, Role
from app.services import ValidationFailed, corrections, court, geofences
from app.services.calendar import load_calendar
from app.services.reminders import TextSettings
from app.timeutil import frozen_at, set_frozen, utcnow
from tests.fake_geocoders import FakeNominatim, FakeOSPlaces
from tests.integration.conftest import error_summary, flash_messages, keep_session_alive, normalize_spaces
from tests.integration.factories import granted_case

HOME = geo.Point(53.480950, -2.236850)
ADDRESS = "14 Acacia Avenue, Northfield, NF1 2AB"


def _fence(case) -> Geofence:
    return geofences.open_geofence(case)


def _located(officer, **kwargs):
    case = granted_case(officer, **kwargs)
    geofences.set_location(officer, case, latitude=f"{HOME.latitude}", longitude=f"{HOME.longitude}")
    return case


def _actions(case) -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.case_id == case.id)
                                   .order_by(AuditEntry.id)))


def _east_of(point: geo.Point, metres: float) -> geo.Point:
    from pyproj import Geod

    lon, lat, _ = Geod(ellps="WGS84").fwd(point.longitude, point.latitude, 90, metres)
    return geo.Point(lat, lon)


# -- Made with the order, live 72 hours later ------------------------------------------------


def test_a_granted_order_gets_a_geofence_live_72_hours_after_it_was_made(app, make_user):
    officer = make_user(Role.OFFICER)
    case = granted_case(officer)
    fence = _fence(case)
    hearing = db.session.get(Hearing, case.order.hearing_id)
    assert fence.order_id == case.order.id and fence.radius_metres == 200
    assert fence.live_from == hearing.starts_at + timedelta(hours=72)
    assert fence.live_until == case.order.ends_at
    assert fence.address == ", ".join(case.address_lines)
    assert fence.state_at(utcnow()) is GeofenceState.NEEDS_LOCATION
    assert "geofence.made" in _actions(case)

    geofences.set_location(officer, case, latitude=f"{HOME.latitude}", longitude=f"{HOME.longitude}")
    assert db.session.scalar(select(func.count()).select_from(GeofenceCell)
                             .where(GeofenceCell.geofence_id == fence.id)) == len(geo.cover(HOME, 200))
    near, far = _east_of(HOME, 150), _east_of(HOME, 260)
    assert geofences.live_containing(near.latitude, near.longitude, fence.live_from - timedelta(seconds=1)) == []
    assert geofences.live_containing(near.latitude, near.longitude, fence.live_from) == [fence]
    assert geofences.live_containing(far.latitude, far.longitude, fence.live_from) == []
    assert geofences.live_containing(near.latitude, near.longitude, case.order.ends_at) == []


def test_the_radius_and_start_are_the_settings_fixed_at_the_grant(app, make_user):
    from app.services.order_records import OrderSettings

    officer = make_user(Role.OFFICER)
    case = granted_case(officer)
    hearing = db.session.get(Hearing, case.order.hearing_id)
    fence = _fence(case)
    assert fence.live_from - hearing.starts_at == timedelta(hours=72)
    settings = OrderSettings.from_config({"ORDER_SERVICE_HOURS": 24, "GEOFENCE_RADIUS_METRES": 350,
                                          "GEOFENCE_START_HOURS": 24})
    assert (settings.geofence_radius_metres, settings.geofence_start_hours) == (350, 24)


def test_a_made_order_without_settings_is_refused(app, make_user):
    from app.services.order_change import after_order_change

    case = granted_case(make_user(Role.OFFICER))
    with pytest.raises(ValueError, match="order settings"):
        after_order_change(case, calendar=load_calendar(), texts=TextSettings(), now=utcnow(), order_made=True)
    db.session.rollback()


# -- Ended or moved with the order ---------------------------------------------------------


def test_discharge_ends_the_geofence_and_empties_its_cells(app, make_user):
    officer = make_user(Role.OFFICER)
    case = _located(officer)
    fence = _fence(case)
    court.change_order(officer, case, kind=OrderEventKind.DISCHARGED, court_date=utcnow().date(),
                       details="Discharged on V's application", new_days=None, calendar=load_calendar(),
                       texts=TextSettings())
    db.session.refresh(fence)
    assert fence.ended_at == utcnow() and fence.end_reason is EndReason.ORDER_DISCHARGED
    assert db.session.scalar(select(func.count()).select_from(GeofenceCell)) == 0
    assert geofences.live_containing(HOME.latitude, HOME.longitude, fence.live_from) == []
    assert _fence(case) is None and "geofence.ended" in _actions(case)


def test_expiry_ends_the_geofence(app, make_user):
    officer = make_user(Role.OFFICER)
    case = _located(officer, days=14)
    fence = _fence(case)
    set_frozen(case.order.ends_at + timedelta(minutes=1))
    assert court.expire_orders(load_calendar(), TextSettings()) == 1
    db.session.refresh(fence)
    assert fence.end_reason is EndReason.ORDER_EXPIRED
    assert geofences.live_containing(HOME.latitude, HOME.longitude, fence.live_from) == []


def test_a_variation_moves_the_geofences_end(app, make_user):
    officer = make_user(Role.OFFICER)
    case = _located(officer, days=28)
    fence = _fence(case)
    court.change_order(officer, case, kind=OrderEventKind.VARIED, court_date=utcnow().date(),
                       details="Shortened to 14 days", new_days=14, calendar=load_calendar(), texts=TextSettings())
    db.session.refresh(fence)
    assert fence.ended_at is None and fence.live_until == case.order.ends_at
    inside = _east_of(HOME, 50)
    assert geofences.live_containing(inside.latitude, inside.longitude,
                                     case.order.ends_at - timedelta(minutes=1)) == [fence]
    assert geofences.live_containing(inside.latitude, inside.longitude, case.order.ends_at) == []


def test_a_corrected_address_ends_the_geofence_and_makes_another_to_locate(app, make_user):
    officer = make_user(Role.OFFICER)
    case = _located(officer)
    old = _fence(case)
    corrections.correct_address(officer, case, address_line_1="2 New Street", address_line_2="", town="Northfield",
                                postcode="NF1 9ZZ", reason="V has moved to a refuge address")
    db.session.refresh(old)
    new = _fence(case)
    assert old.end_reason is EndReason.ADDRESS_CHANGED and new.id != old.id
    assert new.address == "2 New Street, Northfield, NF1 9ZZ" and not new.located
    assert (new.live_from, new.radius_metres, new.order_id) == (old.live_from, old.radius_metres, old.order_id)
    assert geofences.live_containing(HOME.latitude, HOME.longitude, old.live_from) == []


# -- The victim's wishes -------------------------------------------------------------------


def test_no_live_geofence_when_the_victim_does_not_want_visits(app, make_user):
    officer = make_user(Role.OFFICER)
    case = _located(officer)
    fence = _fence(case)
    geofences.record_wishes(officer, case, wants="no")
    assert case.welfare_visits_wanted is False and case.welfare_wishes_by_id == officer.id
    assert case.welfare_wishes_at == utcnow()
    assert geofences.live_containing(HOME.latitude, HOME.longitude, fence.live_from) == []
    assert fence.state_at(fence.live_from) is GeofenceState.VISITS_DECLINED
    geofences.record_wishes(officer, case, wants="yes")
    assert geofences.live_containing(HOME.latitude, HOME.longitude, fence.live_from) == [fence]
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.case_id == case.id,
                                                          AuditEntry.action == "case.welfare_wishes_recorded")
                                 .order_by(AuditEntry.id)).all()
    assert [(e.detail["before"], e.detail["after"]) for e in entries] == [("not_asked", "no"), ("no", "yes")]
    with pytest.raises(ValidationFailed):
        geofences.record_wishes(officer, case, wants="maybe")


def test_wishes_recorded_before_the_order_hold_for_its_geofence(app, make_user):
    from tests.integration.factories import heard_case

    officer = make_user(Role.OFFICER)
    case = heard_case(officer)
    geofences.record_wishes(officer, case, wants="no")
    court.record_outcome(officer, case, court.pending_hearing(case), outcome=court.HearingOutcome.GRANTED,
                         contested=False, notes="", days=28, made_on=utcnow().date(),
                         conditions=[{"kind": "no_molest"}], calendar=load_calendar(), texts=TextSettings(),
                         orders=__import__("app.services.order_records", fromlist=["OrderSettings"]).OrderSettings())
    assert _fence(case).visits_declined is True


# -- The geocoder, over real HTTP ------------------------------------------------------------


def test_nominatim_locates_the_address_from_the_scheduler(app, make_user):
    case = granted_case(make_user(Role.OFFICER))
    fence = _fence(case)
    with FakeNominatim({fence.address: (53.48095, -2.23685)}) as fake:
        report = geofences.geocode_due(build_geocoder(GeocoderSettings("nominatim", fake.url + "/")))
    assert report.located == 1
    db.session.refresh(fence)
    assert (fence.latitude, fence.longitude, fence.location_source) == (53.48095, -2.23685, "geocoder")
    assert fence.geocode_after is None
    [request] = fake.requests
    assert request["path"] == "/search" and request["query"]["countrycodes"] == "gb"
    assert request["query"]["q"] == fence.address and request["user_agent"].startswith("dvpo-desk")
    assert geofences.live_containing(53.48095, -2.23685, fence.live_from) == [fence]
    audit = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "geofence.located")).one()
    assert audit.detail == {"geofence": fence.id, "source": "geocoder", "corrected": False}


def test_nominatim_behind_a_path(app, make_user):
    case = granted_case(make_user(Role.OFFICER))
    with FakeNominatim({_fence(case).address: (53.5, -2.2)}) as fake:
        fake_path_url = fake.url + "/nominatim"
        geofences.geocode_due(build_geocoder(GeocoderSettings("nominatim", fake_path_url)))
    assert fake.requests[0]["path"] == "/nominatim/search"


def test_no_match_leaves_it_to_the_officer_and_a_dashboard_task(app, client_request):
    officer = client_request.login_as(Role.OFFICER)
    case = granted_case(officer)
    fence = _fence(case)
    with FakeNominatim({}) as fake:
        report = geofences.geocode_due(build_geocoder(GeocoderSettings("nominatim", fake.url)))
        assert report.not_found == 1
        assert geofences.geocode_due(build_geocoder(GeocoderSettings("nominatim", fake.url))).not_found == 0
    db.session.refresh(fence)
    assert (fence.geocode_outcome, fence.geocode_after, fence.located) == ("not_found", None, False)
    page = client_request.get("cases.tasks")
    [line] = page.select("#geofence-tasks li")
    assert "Geofence needs a location: the force's geocoder found no match" in normalize_spaces(line.get_text())
    assert line.select_one(f"a[href='/cases/{case.id}/geofence/location']").get_text().startswith("Enter the location")


def test_a_geocoder_that_is_down_is_tried_again_later_and_never_blocks(app, make_user):
    case = granted_case(make_user(Role.OFFICER))
    fence = _fence(case)
    with FakeNominatim({fence.address: (53.5, -2.2)}) as fake:
        fake.down = True
        geocoder = build_geocoder(GeocoderSettings("nominatim", fake.url))
        assert geofences.geocode_due(geocoder).unavailable == 1
        db.session.refresh(fence)
        assert (fence.geocode_attempts, fence.geocode_outcome) == (1, "unavailable")
        assert fence.geocode_after == utcnow() + timedelta(minutes=1)
        assert geofences.geocode_due(geocoder).unavailable == 0  # not due yet
        fake.down = False
        set_frozen(utcnow() + timedelta(minutes=1))
        assert geofences.geocode_due(geocoder).located == 1


def test_a_geocoder_that_times_out_is_unavailable(app, make_user):
    case = granted_case(make_user(Role.OFFICER))
    with FakeNominatim({_fence(case).address: (53.5, -2.2)}) as fake:
        fake.slow_seconds = 2
        report = geofences.geocode_due(build_geocoder(GeocoderSettings("nominatim", fake.url, timeout_seconds=1)))
    assert report.unavailable == 1


def test_the_officers_place_wins_over_a_late_geocoder_answer(app, make_user):
    officer = make_user(Role.OFFICER)
    case = granted_case(officer)
    fence = _fence(case)

    class Late:
        def locate(self, address):
            # The officer saves a place while the geocoder is still answering.
            geofences.set_location(officer, case, grid_reference="SJ 84150 97950")
            return geo.Point(51.5, -0.1)

    assert geofences.geocode_due(Late()).located == 0
    db.session.refresh(fence)
    assert fence.location_source == "grid_reference" and fence.grid_reference == "SJ 84150 97950"


def test_os_places_from_british_national_grid(app, make_user):
    case = granted_case(make_user(Role.OFFICER))
    fence = _fence(case)
    with FakeOSPlaces({fence.address: (384150, 397950, 1.0)}) as fake:
        report = geofences.geocode_due(build_geocoder(GeocoderSettings("os_places", fake.url, key="test-key")))
    assert report.located == 1
    db.session.refresh(fence)
    assert geo.distance_metres(geo.Point(fence.latitude, fence.longitude), geo.Point(53.4780, -2.2403)) < 50
    assert fake.requests[0]["query"]["maxresults"] == "1"


def test_os_places_weak_match_or_wrong_key(app, make_user):
    case = granted_case(make_user(Role.OFFICER))
    fence = _fence(case)
    with FakeOSPlaces({fence.address: (384150, 397950, 0.4)}) as fake:
        assert geofences.geocode_due(build_geocoder(GeocoderSettings("os_places", fake.url, key="test-key"))
                                     ).not_found == 1
    case2 = granted_case(make_user(Role.OFFICER))
    with FakeOSPlaces({_fence(case2).address: (384150, 397950, 1.0)}) as fake:
        assert geofences.geocode_due(build_geocoder(GeocoderSettings("os_places", fake.url, key="wrong"))
                                     ).unavailable == 1


@pytest.mark.parametrize("settings, message", [
    ({"GEOCODER": "nominatim"}, "needs GEOCODER_URL"),
    ({"GEOCODER": "nominatim", "GEOCODER_URL": "https://nominatim.openstreetmap.org"}, "force's own"),
    ({"GEOCODER": "nominatim", "GEOCODER_URL": "ftp://x"}, "http or https"),
    ({"GEOCODER": "os_places"}, "GEOCODER_KEY"),
    ({"GEOCODER": "google"}, "none, nominatim or os_places"),
    ({"GEOFENCE_RADIUS_METRES": 5}, "GEOFENCE_RADIUS_METRES"),
    ({"GEOFENCE_START_HOURS": -1}, "GEOFENCE_START_HOURS"),
])
def test_geocoder_settings_are_checked(tmp_path, settings, message):
    with pytest.raises(ConfigError, match=message):
        load_settings(str(tmp_path), {"DVPO_ENV": "testing", "SECRET_KEY": "k" * 43 + "abcdefgh", **settings})


def test_no_geocoder_by_default(tmp_path):
    config = load_settings(str(tmp_path), {"DVPO_ENV": "testing", "SECRET_KEY": "k" * 43 + "abcdefgh"})
    assert config["GEOCODER"] == "none" and build_geocoder(GeocoderSettings.from_config(config)) is None


# -- The case page ---------------------------------------------------------------------------


def test_entering_degrees_on_the_case_page_keeps_what_was_typed_when_refused(app, client_request):
    officer = client_request.login_as(Role.OFFICER)
    case = granted_case(officer)
    page = client_request.get("cases.show", case_id=case.id)
    section = normalize_spaces(page.select_one("#geofence-state").get_text())
    assert "Needs a location" in section and "Geofence live from" in section
    assert page.select_one("#geofence-location a")["href"].endswith(f"/cases/{case.id}/geofence/location")

    page = client_request.post("geofences.location", case_id=case.id, _expected_status=200,
                               _data={"latitude": "-2.236850", "longitude": "53.480950", "grid_reference": ""})
    assert error_summary(page) == ["That is not in the UK: are the latitude and longitude the wrong way round?"]
    assert page.select_one("#latitude")["value"] == "-2.236850"
    assert page.select_one("#longitude")["value"] == "53.480950"
    assert not _fence(case).located

    page = client_request.post("geofences.location", case_id=case.id, _follow_redirects=True,
                               _data={"latitude": "53.480950", "longitude": "-2.236850"})
    assert flash_messages(page) == ["Geofence located at 53.480950, -2.236850."]
    assert "53.480950, -2.236850, 200 metres around" in normalize_spaces(page.select_one("#geofence-location").get_text())


def test_entering_a_grid_reference_on_the_case_page(app, client_request):
    officer = client_request.login_as(Role.OFFICER)
    case = granted_case(officer)
    page = client_request.post("geofences.location", case_id=case.id, _expected_status=200,
                               _data={"grid_reference": "SI 841 979"})
    assert error_summary(page) == ["SI is not a grid square: the National Grid has no letter I"]
    assert page.select_one("#grid_reference")["value"] == "SI 841 979"
    page = client_request.post("geofences.location", case_id=case.id, _expected_status=200,
                               _data={"grid_reference": "SJ 841 979", "latitude": "53.4"})
    assert error_summary(page) == ["Enter the latitude and longitude or a grid reference, not both"]
    page = client_request.post("geofences.location", case_id=case.id, _expected_status=200, _data={})
    assert error_summary(page) == ["Enter the latitude and longitude, or a grid reference"]
    client_request.post("geofences.location", case_id=case.id, _data={"grid_reference": "sj 84150 97950"})
    fence = _fence(case)
    assert (fence.location_source, fence.grid_reference) == ("grid_reference", "SJ 84150 97950")
    page = client_request.get("cases.show", case_id=case.id)
    assert "From grid reference SJ 84150 97950" in page.select_one("#geofence-location").get_text()


def test_the_page_and_court_page_show_when_it_goes_live(app, client_request):
    officer = client_request.login_as(Role.OFFICER)
    case = _located(officer)
    fence = _fence(case)
    from app.domain.timefmt import format_instant

    page = client_request.get("cases.show", case_id=case.id)
    assert f"Geofence live from {format_instant(fence.live_from)}" in normalize_spaces(
        page.select_one("#geofence-state").get_text())
    court_page = client_request.get("court.show", case_id=case.id)
    assert f"Geofence live from {format_instant(fence.live_from)}" in normalize_spaces(
        court_page.select_one("#court-geofence").get_text())
    set_frozen(fence.live_from)
    keep_session_alive(client_request.client, fence.live_from)
    page = client_request.get("cases.show", case_id=case.id)
    assert "Live since" in page.select_one("#geofence-state").get_text()


def test_recording_wishes_on_the_case_page(app, client_request):
    officer = client_request.login_as(Role.OFFICER)
    case = _located(officer)
    page = client_request.post("geofences.wishes", case_id=case.id, _expected_status=200, _data={})
    assert error_summary(page) == ["Choose whether the victim wants extra welfare visits"]
    page = client_request.post("geofences.wishes", case_id=case.id, _follow_redirects=True, _data={"wants": "no"})
    assert "Not live" in page.select_one("#geofence-state").get_text()
    wishes = normalize_spaces(page.select_one("#welfare-wishes").get_text())
    assert wishes.startswith("Victim wants extra welfare visits No Recorded") and officer.display_name in wishes
    page = client_request.get("geofences.wishes", case_id=case.id)
    assert page.select_one("input[name=wants][value=no]").has_attr("checked")


@pytest.mark.parametrize("role, status", [
    (Role.OFFICER, 200), (Role.SUPERVISOR, 200), (Role.INSPECTOR, 403), (Role.SUPERINTENDENT, 403),
    (Role.CASEWORKER, 403), (Role.ADMIN, 403),
])
def test_who_may_locate_and_record_wishes(app, client_request, make_user, role, status):
    case = granted_case(make_user(Role.OFFICER))
    client_request.login_as(role)
    client_request.get("geofences.location", case_id=case.id, _expected_status=status)
    client_request.get("geofences.wishes", case_id=case.id, _expected_status=status)
    client_request.post("geofences.wishes", case_id=case.id, _data={"wants": "no"},
                        _expected_status=302 if status == 200 else status)


def test_another_areas_officer_gets_a_404(app, client_request, make_user):
    case = granted_case(make_user(Role.OFFICER), area="North")
    client_request.login_as(Role.OFFICER, area="South")
    client_request.get("geofences.location", case_id=case.id, _expected_status=404)
    client_request.post("geofences.location", case_id=case.id, _data={"grid_reference": "SJ 841 979"},
                        _expected_status=404)
    assert not _fence(case).located


def test_readers_who_may_not_change_it_see_no_change_links(app, client_request, make_user):
    case = granted_case(make_user(Role.OFFICER))
    client_request.login_as(Role.INSPECTOR)
    page = client_request.get("cases.show", case_id=case.id)
    assert page.select_one("#geofence-state") and not page.select("#geofence-location a, #welfare-wishes a")


def test_a_post_without_csrf_is_refused(app, client_request):
    officer = client_request.login_as(Role.OFFICER)
    case = granted_case(officer)
    client_request.post("geofences.wishes", case_id=case.id, _data={"wants": "no"}, _csrf_token=False,
                        _expected_status=400)
    assert case.welfare_visits_wanted is None


def test_no_location_page_without_an_order_in_force(app, client_request):
    from tests.integration.factories import served_case

    officer = client_request.login_as(Role.OFFICER)
    case = served_case(officer)
    client_request.get("geofences.location", case_id=case.id, _expected_status=404)


# -- The command -----------------------------------------------------------------------------


def test_flask_geofences_list_json(app, make_user):
    officer = make_user(Role.OFFICER)
    live = _located(officer)
    pending = granted_case(officer)
    ended = _located(officer)
    court.change_order(officer, ended, kind=OrderEventKind.DISCHARGED, court_date=utcnow().date(), details="x",
                       new_days=None, calendar=load_calendar(), texts=TextSettings())
    set_frozen(_fence(live).live_from)
    result = app.test_cli_runner().invoke(args=["geofences", "list", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [(r["case_reference"], r["state"]) for r in rows] == [(live.reference, "live"),
                                                                (pending.reference, "needs_location")]
    row = rows[0]
    assert set(row) == {"id", "case_reference", "state", "latitude", "longitude", "radius_metres", "live_from",
                        "live_until"}
    assert (row["latitude"], row["longitude"], row["radius_metres"]) == (HOME.latitude, HOME.longitude, 200)
    assert row["live_from"] == _fence(live).live_from.isoformat()
    assert row["live_until"] == live.order.ends_at.isoformat()
    table = app.test_cli_runner().invoke(args=["geofences", "list"])
    assert live.reference in table.output and "needs_location" in table.output and ended.reference not in table.output


# -- The index's cost ------------------------------------------------------------------------


def _bulk_fences(officer, centres, at):
    """Geofences over a granted order, written straight to the tables (as many as needed)."""
    case = granted_case(officer)
    for centre in centres:
        fence = Geofence(case_id=case.id, order_id=case.order.id, address="x", radius_metres=200,
                         live_from=at - timedelta(days=1), live_until=None, visits_declined=False,
                         latitude=centre.latitude, longitude=centre.longitude, location_source="demo",
                         geocode_attempts=0, created_at=at)
        db.session.add(fence)
        db.session.flush()
        db.session.execute(sa.insert(GeofenceCell), [{"cell": c, "geofence_id": fence.id}
                                                     for c in geo.cover(centre, 200)])
    db.session.commit()


def _statements(fn) -> tuple[int, object]:
    seen = []

    def note(conn, cursor, statement, *args):
        seen.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", note)
    try:
        result = fn()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", note)
    return len(seen), result


def test_live_containing_is_one_statement_however_many_geofences(app, make_user):
    officer = make_user(Role.OFFICER)
    at = utcnow()
    # Geofences 1 km apart along a line; the point is beside the first.
    line = [_east_of(HOME, 1000 * i) for i in range(80)]
    _bulk_fences(officer, line[:3], at)
    db.session.expire_all()
    few, found = _statements(lambda: geofences.live_containing(HOME.latitude, HOME.longitude, at))
    assert len(found) == 1
    _bulk_fences(officer, line[3:], at)
    db.session.expire_all()
    many, found = _statements(lambda: geofences.live_containing(HOME.latitude, HOME.longitude, at))
    assert few == many == 1 and len(found) == 1


def test_the_lookup_starts_from_the_cell_index(app):
    """The planner must find the cell's rows first (its index), never walk the geofences."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's; PostgreSQL's plan depends on its statistics")
    captured = []

    def note(conn, cursor, statement, params, *args):
        captured.append((statement, params))

    sa.event.listen(db.engine, "before_cursor_execute", note)
    try:
        geofences.live_containing(HOME.latitude, HOME.longitude, utcnow())
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", note)
    [(statement, params)] = captured
    plan = [row[3] for row in db.session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params)]
    assert plan[0].startswith("SEARCH geofence_cell USING") and "(cell=?" in plan[0], plan
    assert "INTEGER PRIMARY KEY" in plan[1], plan


def test_geofences_made_with_the_demo_data(app):
    from app.demo import seed

    with frozen_at(utcnow()):
        seed()
    now = utcnow()
    states = [fence.state_at(now) for fence, _ in geofences.live_and_pending(now)]
    assert GeofenceState.LIVE in states and GeofenceState.PENDING in states
    assert GeofenceState.NEEDS_LOCATION in states
