"""Loopback fakes of the geocoders a force may run, over real HTTP, for driving geopy.

`FakeNominatim` answers `GET /search` as a Nominatim server does (`q`, `format=json`,
`limit`, `countrycodes`): a JSON array of places with `lat`, `lon` (strings) and
`display_name`, or `[]` when nothing matches. `FakeOSPlaces` answers `GET
/search/places/v1/find` (`query`, `maxresults`, `key`) with `results[].DPA` records carrying
`X_COORDINATE`/`Y_COORDINATE` (British National Grid) and `MATCH`; a wrong key is 401. Either
can be told to fail (`down`: 503) or to take too long (`slow_seconds`). Every request is kept.

    with FakeNominatim({"1 High Street, Town, AB1 2CD": (53.48, -2.24)}) as fake:
        build_geocoder(GeocoderSettings("nominatim", fake.url))...
"""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class _Fake:
    path = "/"

    def __init__(self, places: dict | None = None):
        self.places = dict(places or {})
        self.requests: list[dict] = []
        self.down = False
        self.slow_seconds = 0.0
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the stdlib's name
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                fake.requests.append({"path": parts.path, "query": query, "user_agent": self.headers.get("User-Agent")})
                if fake.slow_seconds:
                    time.sleep(fake.slow_seconds)
                status, body = fake.answer(parts.path, query)
                payload = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args):  # quiet: the requests hold addresses
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()

    def answer(self, path: str, query: dict) -> tuple[int, object]:
        raise NotImplementedError


class FakeNominatim(_Fake):
    def answer(self, path, query):
        if path != "/search" or query.get("format") != "json":
            return 404, {"error": "not found"}
        if self.down:
            return 503, {"error": "Service Unavailable"}
        place = self.places.get(query.get("q", ""))
        if place is None:
            return 200, []
        lat, lon = place
        return 200, [{"place_id": 1, "lat": str(lat), "lon": str(lon), "display_name": query["q"],
                      "class": "building", "type": "house"}]


class FakeOSPlaces(_Fake):
    """`places` maps an address to (easting, northing, match)."""

    def __init__(self, places: dict | None = None, key: str = "test-key"):
        super().__init__(places)
        self.key = key

    def answer(self, path, query):
        if path != "/search/places/v1/find":
            return 404, {"error": {"statuscode": 404, "message": "Not found"}}
        if query.get("key") != self.key:
            return 401, {"fault": {"faultstring": "Invalid ApiKey"}}
        if self.down:
            return 503, {"error": "Service Unavailable"}
        header = {"query": query.get("query", ""), "totalresults": 0}
        place = self.places.get(query.get("query", ""))
        if place is None:
            return 200, {"header": header}
        easting, northing, match = place
        header["totalresults"] = 1
        return 200, {"header": header, "results": [{"DPA": {
            "UPRN": "100000000001", "ADDRESS": query["query"].upper(), "X_COORDINATE": easting,
            "Y_COORDINATE": northing, "MATCH": match, "MATCH_DESCRIPTION": "EXACT" if match == 1 else "GOOD"}}]}
