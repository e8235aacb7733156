"""Places on the ground: distances, the cells that index a circle, OS grid references.

Pure: no Flask, no database, no clock. The only third-party imports are `h3` (the spatial
index's cells) and `pyproj` (the WGS84 ellipsoid for distances, and the British National
Grid, EPSG:27700, to latitude and longitude, EPSG:4326).

**Distance** is the geodesic on the WGS84 ellipsoid (`pyproj.Geod`, Karney's algorithm):
exact to well under a millimetre, where haversine on a sphere is off by up to 0.5%.

**The index.** A geofence is a circle; it is stored with every H3 cell at `CELL_RESOLUTION`
that could hold a point inside it (`cover`). A point looks up the one cell it falls in
(`cell_of`) and gets the geofences listed under that cell: the nearby ones, never all of
them. Then the exact distance decides. `cover` is complete: a point within the radius lies
in a cell whose centre is at most radius + that cell's circumradius from the circle's
centre (the triangle inequality), so every such cell is kept (with a margin), ring by ring
outwards from the centre's cell until a whole ring is beyond reach.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

import h3

# pyproj (about 10 MB of a process's memory) is imported on first use, by the first distance
# or grid reference a process works out: web workers that never match a position stay smaller.

# Resolution 9: hexagons about 174 m across an edge (0.1 km²); a 200 m circle is about 20.
CELL_RESOLUTION = 9
MIN_RADIUS_METRES = 25
MAX_RADIUS_METRES = 2000
# A little more than any difference between the H3 library's own geometry and the ellipsoid.
_COVER_MARGIN_METRES = 5.0
_COVER_MARGIN_RATIO = 1.01


@lru_cache(maxsize=1)
def _wgs84():
    from pyproj import Geod

    return Geod(ellps="WGS84")


# Where a place in England and Wales (or anywhere a force's officers travel in the UK) can be:
# anything outside is a typing error, such as latitude and longitude swapped.
UK_LATITUDES = (49.8, 61.0)
UK_LONGITUDES = (-8.7, 2.0)


@dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float


def distance_metres(a: Point, b: Point) -> float:
    """The geodesic distance between two points on the WGS84 ellipsoid, in metres."""
    _, _, metres = _wgs84().inv(a.longitude, a.latitude, b.longitude, b.latitude)
    return metres


def within(centre: Point, radius_metres: float, point: Point) -> bool:
    """Is `point` inside (or on the edge of) the circle?"""
    return distance_metres(centre, point) <= radius_metres


def cell_of(point: Point) -> str:
    """The index cell a point falls in."""
    return h3.latlng_to_cell(point.latitude, point.longitude, CELL_RESOLUTION)


def _circumradius(cell: str, centre: Point) -> float:
    return max(distance_metres(centre, Point(lat, lon)) for lat, lon in h3.cell_to_boundary(cell))


def _may_reach(cell: str, centre: Point, radius_metres: float) -> bool:
    lat, lon = h3.cell_to_latlng(cell)
    cell_centre = Point(lat, lon)
    reach = (radius_metres + _circumradius(cell, cell_centre)) * _COVER_MARGIN_RATIO + _COVER_MARGIN_METRES
    return distance_metres(centre, cell_centre) <= reach


def cover(centre: Point, radius_metres: float) -> frozenset[str]:
    """Every cell at CELL_RESOLUTION that a point within `radius_metres` of `centre` can fall in."""
    if not MIN_RADIUS_METRES <= radius_metres <= MAX_RADIUS_METRES:
        raise ValueError(f"radius must be {MIN_RADIUS_METRES} to {MAX_RADIUS_METRES} metres")
    origin = cell_of(centre)
    cells = {origin}
    k = 1
    while True:
        reached = {cell for cell in h3.grid_ring(origin, k) if _may_reach(cell, centre, radius_metres)}
        if not reached:
            return frozenset(cells)
        cells |= reached
        k += 1


# -- Typed coordinates ------------------------------------------------------------------


class NotAPlace(ValueError):
    """What was typed is not a place: the message says why, for the officer."""


_NUMBER = re.compile(r"^[+-]?\d{1,3}(\.\d+)?$")


def parse_degrees(latitude: str, longitude: str) -> Point:
    """Latitude and longitude typed in decimal degrees (53.4808, -2.2426), checked to be in the UK."""
    lat_text, lon_text = (latitude or "").strip(), (longitude or "").strip()
    if not lat_text or not lon_text:
        raise NotAPlace("Enter both the latitude and the longitude")
    if not _NUMBER.match(lat_text) or not _NUMBER.match(lon_text):
        raise NotAPlace("Enter the latitude and longitude in decimal degrees, like 53.4808 and -2.2426")
    return in_the_uk(Point(float(lat_text), float(lon_text)))


def in_the_uk(point: Point) -> Point:
    if not (UK_LATITUDES[0] <= point.latitude <= UK_LATITUDES[1]
            and UK_LONGITUDES[0] <= point.longitude <= UK_LONGITUDES[1]):
        if UK_LATITUDES[0] <= point.longitude <= UK_LATITUDES[1]:
            raise NotAPlace("That is not in the UK: are the latitude and longitude the wrong way round?")
        raise NotAPlace("That is not in the UK: the latitude is about 50 to 60 and the longitude about -8 to 2")
    return point


# -- OS grid references (British National Grid, EPSG:27700) -----------------------------

_GRID_LETTERS = re.compile(r"^([A-Za-z]{2})\s*(\d+)\s*(\d*)$")
_EASTING_NORTHING = re.compile(r"^(\d{1,7}(?:\.\d+)?)\s*[, ]\s*(\d{1,7}(?:\.\d+)?)$")
# The National Grid: 700 km east, 1,300 km north of its false origin.
_MAX_EASTING, _MAX_NORTHING = 700_000, 1_300_000


@dataclass(frozen=True)
class GridReference:
    easting: float
    northing: float
    text: str  # as it will be shown: "SJ 84150 97950" or "384150, 397950"


def parse_grid_reference(typed: str) -> GridReference:
    """An OS grid reference ("SJ 84150 97950", "SJ8415097950", "SJ 841 979") or an easting and
    northing in metres ("384150, 397950"). A reference names a square (100 m for six digits,
    1 m for ten): the place is taken as the square's centre."""
    text = re.sub(r"\s+", " ", (typed or "").strip())
    if not text:
        raise NotAPlace("Enter the grid reference")
    if m := _GRID_LETTERS.match(text):
        return _lettered(m.group(1).upper(), m.group(2) + m.group(3))
    if m := _EASTING_NORTHING.match(text):
        easting, northing = float(m.group(1)), float(m.group(2))
        if not (0 <= easting < _MAX_EASTING and 0 <= northing < _MAX_NORTHING):
            raise NotAPlace("An easting is 0 to 699999 and a northing 0 to 1299999, in metres")
        return GridReference(easting, northing, f"{m.group(1)}, {m.group(2)}")
    raise NotAPlace("Enter a grid reference like SJ 84150 97950, or an easting and northing like 384150, 397950")


def _lettered(letters: str, digits: str) -> GridReference:
    if "I" in letters:
        raise NotAPlace(f"{letters} is not a grid square: the National Grid has no letter I")
    if len(digits) not in (2, 4, 6, 8, 10):
        raise NotAPlace("A grid reference has two letters then an even number of digits (up to 10), "
                        "like SJ 84150 97950")
    first, second = (ord(c) - ord("A") for c in letters)
    first, second = first - (first > 7), second - (second > 7)  # no letter I
    east_100k = ((first - 2) % 5) * 5 + second % 5
    north_100k = (19 - (first // 5) * 5) - second // 5
    if not (0 <= east_100k * 100_000 < _MAX_EASTING and 0 <= north_100k * 100_000 < _MAX_NORTHING):
        raise NotAPlace(f"{letters} is not a square of the National Grid")
    half = len(digits) // 2
    square = 10 ** (5 - half)  # the size of the square the digits name, in metres
    easting = east_100k * 100_000 + int(digits[:half]) * square + square / 2
    northing = north_100k * 100_000 + int(digits[half:]) * square + square / 2
    return GridReference(easting, northing, f"{letters} {digits[:half]} {digits[half:]}")


@lru_cache(maxsize=1)
def _grid_to_wgs84():
    from pyproj import Transformer

    # always_xy: easting, northing in; longitude, latitude out. PROJ's default operation
    # (a Helmert transformation, good to a few metres) unless the OSTN15 grid is installed.
    return Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)


def grid_to_point(ref: GridReference) -> Point:
    """The latitude and longitude (WGS84) of a National Grid position."""
    longitude, latitude = _grid_to_wgs84().transform(ref.easting, ref.northing)
    if not (math.isfinite(latitude) and math.isfinite(longitude)):
        raise NotAPlace("That grid reference could not be converted")
    return in_the_uk(Point(round(latitude, 6), round(longitude, 6)))
