"""Geocoders: the victim's address to a latitude and longitude, from a service the force runs
or pays for, never a public one.

`GEOCODER` chooses: `none` (the default: officers enter the coordinates or a grid reference
on the case page), `nominatim` (geopy's Nominatim against the force's own server at
`GEOCODER_URL`) or `os_places` (Ordnance Survey's Places API, `find`, with `GEOCODER_KEY`;
geopy has no OS Places geocoder, so `OSPlaces` below is one, built on geopy's `Geocoder`
base and adapters: same timeouts and errors). OS Places answers in British National Grid
coordinates, converted with pyproj like a typed grid reference (domain/geo).

The scheduler calls the geocoder (services/geofences.geocode_due), never a request: an
officer's page never waits on it. Every failure is `GeocoderUnavailable` (tried again
later); no match is None (the officer enters the location). Addresses are never logged:
geopy logs each URL it requests at DEBUG, so its logger is held at WARNING here.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import partial
from typing import Protocol
from urllib.parse import urlencode, urlsplit

from geopy.exc import GeopyError
from geopy.geocoders import Nominatim
from geopy.geocoders.base import DEFAULT_SENTINEL
from geopy.geocoders.base import Geocoder as GeopyGeocoder
from geopy.location import Location

from app.domain.geo import GridReference, NotAPlace, Point, grid_to_point, in_the_uk

logging.getLogger("geopy").setLevel(logging.WARNING)

USER_AGENT = "dvpo-desk (geofences around protected addresses)"
OS_PLACES_URL = "https://api.os.uk"
OS_PLACES_MIN_MATCH = 0.7  # OS Places' MATCH score: below this the address is not the one asked for


class GeocoderUnavailable(Exception):
    """The geocoder did not answer usefully (down, timed out, refused the key): try later."""


@dataclass(frozen=True)
class GeocoderSettings:
    kind: str = "none"
    url: str = ""
    key: str = ""
    timeout_seconds: int = 10

    @classmethod
    def from_config(cls, config) -> GeocoderSettings:
        return cls(kind=config["GEOCODER"], url=config["GEOCODER_URL"], key=str(config["GEOCODER_KEY"] or ""),
                   timeout_seconds=int(config["GEOCODER_TIMEOUT_SECONDS"]))


class AddressGeocoder(Protocol):
    def locate(self, address: str) -> Point | None:
        """The address's place, None when there is no match; GeocoderUnavailable otherwise."""


class _GeopyAddressGeocoder:
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


def _split(url: str) -> tuple[str, str]:
    """geopy's scheme and "domain" (host, port and any path) from a URL."""
    parts = urlsplit(url)
    return parts.scheme, parts.netloc + parts.path.rstrip("/")


def build_geocoder(settings: GeocoderSettings) -> AddressGeocoder | None:
    if settings.kind == "nominatim":
        scheme, domain = _split(settings.url)
        return _GeopyAddressGeocoder(
            Nominatim(domain=domain, scheme=scheme, user_agent=USER_AGENT, timeout=settings.timeout_seconds),
            country_codes="gb")
    if settings.kind == "os_places":
        scheme, domain = _split(settings.url or OS_PLACES_URL)
        return _GeopyAddressGeocoder(OSPlaces(settings.key, domain=domain, scheme=scheme, user_agent=USER_AGENT,
                                              timeout=settings.timeout_seconds))
    return None


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
