"""The geopy side of app/geocoding.py: imported only when a geocoder is built (the scheduler),
so web workers never load geopy and the HTTP libraries under it."""
from __future__ import annotations

from functools import partial
from urllib.parse import urlencode

from geopy.exc import GeopyError
from geopy.geocoders.base import DEFAULT_SENTINEL
from geopy.geocoders.base import Geocoder as GeopyGeocoder
from geopy.location import Location

from app.domain.geo import GridReference, NotAPlace, Point, grid_to_point, in_the_uk
from app.geocoding import OS_PLACES_MIN_MATCH, GeocoderUnavailable


class GeopyAddressGeocoder:
    def __init__(self, geocoder: GeopyGeocoder, **options):
        self._geocoder = geocoder
        self._options = options

    def locate(self, address: str) -> Point | None:
        try:
            found = self._geocoder.geocode(address, exactly_one=True, **self._options)
        except GeopyError as exc:
            raise GeocoderUnavailable(type(exc).__name__) from None
        if found is None:
            return None
        try:
            return in_the_uk(Point(round(found.latitude, 6), round(found.longitude, 6)))
        except NotAPlace:
            return None  # a match abroad is not this address


class OSPlaces(GeopyGeocoder):
    """Ordnance Survey's Places API, `find` (free-text address search of AddressBase), as a
    geopy geocoder: `GET {domain}/search/places/v1/find?query=...&maxresults=1&key=...`.
    Each result's DPA record carries `X_COORDINATE`/`Y_COORDINATE` (British National Grid,
    the API's default output) and `MATCH` (0 to 1)."""

    path = "/search/places/v1/find"

    def __init__(self, api_key: str, *, domain: str = "api.os.uk", scheme: str | None = None,
                 timeout=DEFAULT_SENTINEL, user_agent: str | None = None):
        super().__init__(scheme=scheme, timeout=timeout, user_agent=user_agent)
        self.api_key = api_key
        self.api = f"{self.scheme}://{domain.strip('/')}{self.path}"

    def geocode(self, query: str, *, exactly_one: bool = True, timeout=DEFAULT_SENTINEL,
                min_match: float = OS_PLACES_MIN_MATCH):
        params = {"query": query, "maxresults": 1 if exactly_one else 10, "key": self.api_key}
        url = "?".join((self.api, urlencode(params)))
        return self._call_geocoder(url, partial(self._parse, exactly_one=exactly_one, min_match=min_match),
                                   timeout=timeout)

    @staticmethod
    def _parse(page: dict, *, exactly_one: bool, min_match: float):
        places = []
        for result in (page or {}).get("results") or []:
            record = result.get("DPA") or result.get("LPI") or {}
            try:
                match = float(record.get("MATCH", 0))
                easting, northing = float(record["X_COORDINATE"]), float(record["Y_COORDINATE"])
                point = grid_to_point(GridReference(easting, northing, ""))
            except (KeyError, TypeError, ValueError):
                continue
            if match >= min_match:
                places.append(Location(record.get("ADDRESS", ""), (point.latitude, point.longitude), record))
        if not places:
            return None
        return places[0] if exactly_one else places
