"""Distances, the cell index's cover, OS grid references and typed coordinates (app/domain/geo)."""
from __future__ import annotations

import h3
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod

from app.domain import geo
from app.domain.geo import GridReference, NotAPlace, Point

WGS84 = Geod(ellps="WGS84")


def test_distance_known_values():
    # One degree of latitude at the equator is 110,574 m on WGS84; from 53 to 54 N, 111,295 m
    # (the meridian radius of curvature at 53.5 N, a(1 - e²) / (1 - e² sin² φ)^1.5, times π/180).
    assert geo.distance_metres(Point(0, 0), Point(1, 0)) == pytest.approx(110_574, abs=1)
    assert geo.distance_metres(Point(53, -2), Point(54, -2)) == pytest.approx(111_295, abs=2)
    a, b = Point(53.4808, -2.2426), Point(53.4794, -2.2453)
    assert geo.distance_metres(a, b) == pytest.approx(geo.distance_metres(b, a))
    assert geo.distance_metres(a, a) == 0


def test_within_includes_the_edge_and_not_beyond():
    centre = Point(53.4808, -2.2426)
    lon, lat, _ = WGS84.fwd(centre.longitude, centre.latitude, 90, 199.9)
    assert geo.within(centre, 200, Point(lat, lon))
    lon, lat, _ = WGS84.fwd(centre.longitude, centre.latitude, 90, 200.1)
    assert not geo.within(centre, 200, Point(lat, lon))


def _point_at(centre: Point, bearing: float, metres: float) -> Point:
    lon, lat, _ = WGS84.fwd(centre.longitude, centre.latitude, bearing, metres)
    return Point(lat, lon)


@settings(max_examples=300, deadline=None)
@given(lat=st.floats(49.9, 60.8), lon=st.floats(-8.5, 1.8), radius=st.integers(geo.MIN_RADIUS_METRES, 2000),
       bearing=st.floats(0, 360), fraction=st.floats(0, 1))
def test_cover_is_complete(lat, lon, radius, bearing, fraction):
    """Every point within the radius falls in a cell of the cover: found by the index."""
    centre = Point(lat, lon)
    point = _point_at(centre, bearing, radius * fraction * 0.999_999)  # on the edge, less rounding
    assert geo.within(centre, radius, point)
    assert geo.cell_of(point) in geo.cover(centre, radius)


def test_cover_is_complete_on_the_circle_itself():
    centre = Point(53.4808, -2.2426)
    cells = geo.cover(centre, 200)
    for bearing in range(0, 360, 2):
        assert geo.cell_of(_point_at(centre, bearing, 200)) in cells


def test_cover_stays_near_the_circle():
    """A 200 m circle is held by a few dozen cells, none of them far away: a lookup reads
    only nearby geofences."""
    centre = Point(53.4808, -2.2426)
    cells = geo.cover(centre, 200)
    assert 3 <= len(cells) <= 40
    for cell in cells:
        lat, lon = h3.cell_to_latlng(cell)
        assert geo.distance_metres(centre, Point(lat, lon)) < 200 + 2 * 200 * 1.5


def test_cover_refuses_radii_out_of_range():
    with pytest.raises(ValueError):
        geo.cover(Point(53, -2), 10)
    with pytest.raises(ValueError):
        geo.cover(Point(53, -2), 5000)


# -- Grid references ----------------------------------------------------------------------


def test_caister_water_tower():
    """Ordnance Survey's worked example (A guide to coordinate systems in Great Britain):
    National Grid 651409.903, 313177.270 is 52 39 28.8282 N, 1 42 57.8663 E (ETRS89). PROJ's
    default transformation without the OSTN15 grid is good to a few metres."""
    point = geo.grid_to_point(GridReference(651409.903, 313177.270, ""))
    expected = Point(52 + 39 / 60 + 28.8282 / 3600, 1 + 42 / 60 + 57.8663 / 3600)
    assert geo.distance_metres(point, expected) < 10


def test_lettered_references():
    ref = geo.parse_grid_reference("SJ 84150 97950")
    assert (ref.easting, ref.northing, ref.text) == (384150.5, 397950.5, "SJ 84150 97950")
    assert geo.parse_grid_reference("sj8415097950") == ref
    # Six digits name a 100 m square: its centre.
    coarse = geo.parse_grid_reference("SJ 841 979")
    assert (coarse.easting, coarse.northing) == (384150, 397950)
    # TG: the Caister example in letters.
    tg = geo.parse_grid_reference("TG 51409 13177")
    assert (tg.easting, tg.northing) == (651409.5, 313177.5)
    assert geo.distance_metres(geo.grid_to_point(tg), Point(52.658008, 1.716074)) < 10
    # Manchester city centre.
    assert geo.distance_metres(geo.grid_to_point(ref), Point(53.4780, -2.2403)) < 50


def test_easting_and_northing():
    ref = geo.parse_grid_reference("384150, 397950")
    assert (ref.easting, ref.northing) == (384150, 397950)
    assert geo.parse_grid_reference("384150 397950").easting == 384150


@pytest.mark.parametrize("typed, message", [
    ("", "Enter the grid reference"),
    ("SI 123 456", "no letter I"),
    ("SJ 1234 567", "even number of digits"),
    ("SJ 123456789012", "even number of digits"),
    ("XX 123 456", "not a square of the National Grid"),
    ("hello", "Enter a grid reference like"),
    ("800000, 100000", "An easting is 0 to 699999"),
])
def test_bad_grid_references_are_refused_with_a_reason(typed, message):
    with pytest.raises(NotAPlace, match=message):
        geo.parse_grid_reference(typed)


# -- Typed degrees -------------------------------------------------------------------------


def test_degrees():
    assert geo.parse_degrees(" 53.4808 ", "-2.2426") == Point(53.4808, -2.2426)


@pytest.mark.parametrize("lat, lon, message", [
    ("", "-2.2", "Enter both"),
    ("53.4", "", "Enter both"),
    ("53,4808", "-2.2426", "decimal degrees"),
    ("nan", "-2", "decimal degrees"),
    ("1e3", "-2", "decimal degrees"),
    ("-2.2426", "53.4808", "the wrong way round"),
    ("40.7128", "-74.0060", "not in the UK"),
])
def test_bad_degrees_are_refused_with_a_reason(lat, lon, message):
    with pytest.raises(NotAPlace, match=message):
        geo.parse_degrees(lat, lon)
