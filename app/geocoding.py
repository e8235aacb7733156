"""Geocoders: the victim's address to a latitude and longitude, from a service the force runs
or pays for, never a public one.

`GEOCODER` chooses: `none` (the default: officers enter the coordinates or a grid reference
on the case page), `nominatim` (geopy's Nominatim against the force's own server at
`GEOCODER_URL`) or `os_places` (Ordnance Survey's Places API, `find`, with `GEOCODER_KEY`;
geopy has no OS Places geocoder, so `OSPlaces` in app/geocoders_geopy.py is one, built on geopy's `Geocoder`
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
from typing import Protocol
from urllib.parse import urlsplit

from app.domain.geo import Point

# geopy (with aiohttp and requests, tens of MB) is imported only by build_geocoder, from
# app/geocoders_geopy.py: the scheduler geocodes, web workers never do.
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


def _split(url: str) -> tuple[str, str]:
    """geopy's scheme and "domain" (host, port and any path) from a URL."""
    parts = urlsplit(url)
    return parts.scheme, parts.netloc + parts.path.rstrip("/")


def build_geocoder(settings: GeocoderSettings) -> AddressGeocoder | None:
    if settings.kind not in ("nominatim", "os_places"):
        return None
    from geopy.geocoders import Nominatim

    from app.geocoders_geopy import GeopyAddressGeocoder, OSPlaces

    if settings.kind == "nominatim":
        scheme, domain = _split(settings.url)
        return GeopyAddressGeocoder(
            Nominatim(domain=domain, scheme=scheme, user_agent=USER_AGENT, timeout=settings.timeout_seconds),
            country_codes="gb")
    if settings.kind == "os_places":
        scheme, domain = _split(settings.url or OS_PLACES_URL)
        return GeopyAddressGeocoder(OSPlaces(settings.key, domain=domain, scheme=scheme, user_agent=USER_AGENT,
                                              timeout=settings.timeout_seconds))
    return None
