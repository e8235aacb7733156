"""Location reports as Traccar Client sends them (the OsmAnd protocol), read and checked.

Pure: no Flask, no database, no clock reads (the instant a report arrived is an argument).

What was checked, and where:

- The Traccar server's own decoder, traccar/traccar
  `src/main/java/org/traccar/protocol/OsmAndProtocolDecoder.java` (2013-2025) and its test
  `OsmAndProtocolDecoderTest.java`. A request whose Content-Type starts with
  `application/json` is JSON; anything else is parameters, from the query string or, when the
  URL has none, from the body read as a query string (a form POST). Parameters: `id` or
  `deviceid`; `lat` and `lon`, or `location=lat,lon`; `timestamp` as a whole number (seconds
  below 2^31 - 1, otherwise milliseconds), or a date with a `T` (ISO 8601), or
  `yyyy-MM-dd HH:mm:ss` in the server's own time zone; `speed` in knots; `bearing` or
  `heading`; `altitude`; `accuracy`; `batt` (per cent); `charge`; `hdop`, `cell`, `wifi`,
  `valid`, `driverUniqueId`, `notificationToken` and any other name as an attribute. No
  timestamp means "now". The server answers 200 with an empty body, and 400 (parameters) or
  404 (JSON) for an unknown device.
- Traccar Client 9 (traccar/traccar-client, Flutter, `lib/preferences.dart` at v9.7.20; the
  flutter_background_geolocation plugin posts `{"location": {...}, "device_id": "..."}` as
  `application/json`, one location per request, `params` merged into the root). Its
  `locationTemplate`: `timestamp` (ISO 8601 in UTC, with milliseconds and `Z`), `coords`
  (`latitude`, `longitude`, `accuracy`, `speed` in m/s, `heading`, `altitude`; -1 for speed
  or heading not known), `is_moving`, `odometer`, `event`, `battery` (`level` 0 to 1, -1
  not known; `is_charging`), `activity.type`, `extras` (`{"heartbeat": true}` for a
  heartbeat) and `"_"`, a string of `&id=...&lat=...&lon=...&timestamp=...&` that lets an
  old server read the body as parameters. The server's tests add `mock`, `uuid`, `age`,
  `floor: null` and `speed_accuracy`. Traccar Client 10 moved to Traccar's own SDK
  (traccar_client_sdk), whose source could not be read here; it is written for the same
  server decoder, which reads only the fields above.
- Traccar Client for Android before 9 (traccar/traccar-client-android,
  `ProtocolFormatter.kt`, `RequestManager.kt`): a POST with everything in the query string
  and no body: `id`, `timestamp` (seconds), `lat`, `lon`, `speed` (knots), `bearing`,
  `altitude`, `accuracy`, `batt`, and `charge=true`, `mock=true`, `alarm=...` when so.

Differences from the server, on purpose: a date without a time zone (the server reads
`yyyy-MM-dd HH:mm:ss` in its own zone) is refused, as the instant it means cannot be known;
a report with no coordinates is refused (the server reuses the last position); latitude 0
with longitude 0 (a receiver with no fix) is refused; `mock` is kept (a position a mock
location app made is not evidence of where an officer was).
"""
from __future__ import annotations

import enum
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

KNOT_IN_MPS = 1852 / 3600  # the query's speed is in knots (the server's convertSpeed "kn")
SECONDS_LIMIT = 2**31 - 1  # the server: a whole-number timestamp below this is seconds, else milliseconds
MAX_IDENTIFIER = 200
MAX_TEXT = 64  # any one number or date as text
MAX_FIELDS = 60  # parameters in one request (the Android client sends 12)
# A device clock a little ahead of the server's is normal; more is a wrong clock.
MAX_AHEAD = timedelta(minutes=10)
# Older than this is no real report: a broken clock (1970, a GPS week rollover).
ABSURDLY_OLD = timedelta(days=31)

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,3})?")
_DIGITS = re.compile(r"\d{1,17}")


class BadReport(ValueError):
    """The request is not a location report we can store; the message says why, in words
    that name the field and never repeat its value (no coordinates or identifiers in answers
    or logs)."""


@dataclass(frozen=True)
class LocationReport:
    identifier: str
    recorded_at: datetime | None  # the device's time of the fix; None: not sent (the time it arrived is used)
    latitude: float
    longitude: float
    accuracy_m: float | None = None
    speed_mps: float | None = None
    heading_deg: float | None = None
    altitude_m: float | None = None
    battery_percent: float | None = None
    charging: bool | None = None
    moving: bool | None = None
    mock: bool = False


class TimeVerdict(enum.StrEnum):
    KEEP = "keep"
    PAST_RETENTION = "past_retention"  # real, but older than the retention period: nothing to keep
    AHEAD = "ahead"  # later than the server's clock allows
    ABSURD = "absurd"  # older than any real report


def judge_time(recorded_at: datetime, received_at: datetime, retention: timedelta) -> TimeVerdict:
    """Whether a report made at `recorded_at` and received at `received_at` is kept.

    A position older than the retention period would be deleted by the next purge, so it is
    not stored at all; one more than `ABSURDLY_OLD` old, or more than `MAX_AHEAD` in the
    future, comes from a device whose clock is wrong."""
    if recorded_at > received_at + MAX_AHEAD:
        return TimeVerdict.AHEAD
    age = received_at - recorded_at
    if age > max(ABSURDLY_OLD, retention):
        return TimeVerdict.ABSURD
    if age > retention:
        return TimeVerdict.PAST_RETENTION
    return TimeVerdict.KEEP


# ------------------------------------------------------------------ parameters (GET, form POST)


def parse_params(params: Mapping[str, list[str]]) -> LocationReport:
    """A report from query or form parameters, name -> values (the first value counts)."""
    if sum(len(values) for values in params.values()) > MAX_FIELDS:
        raise BadReport("too many parameters")

    def first(*names: str) -> str | None:
        for name in names:
            values = params.get(name)
            if values:
                return values[0]
        return None

    identifier = _identifier(first("id", "deviceid"))
    lat_text, lon_text = first("lat"), first("lon")
    if lat_text is None and lon_text is None and (location := first("location")) is not None:
        parts = location.split(",")
        if len(parts) != 2:
            raise BadReport("location must be latitude,longitude")
        lat_text, lon_text = parts
    latitude, longitude = _coordinates(_number(lat_text, "lat"), _number(lon_text, "lon"))
    timestamp = first("timestamp")
    speed = _optional_number(first("speed"), "speed")
    return LocationReport(
        identifier=identifier,
        recorded_at=None if timestamp is None else _timestamp(timestamp),
        latitude=latitude,
        longitude=longitude,
        accuracy_m=_accuracy(_optional_number(first("accuracy"), "accuracy")),
        speed_mps=_speed(None if speed is None else speed * KNOT_IN_MPS),
        heading_deg=_heading(_optional_number(first("bearing", "heading"), "bearing")),
        altitude_m=_altitude(_optional_number(first("altitude"), "altitude")),
        battery_percent=_battery(_optional_number(first("batt"), "batt"), 1.0),
        charging=_optional_flag(first("charge"), "charge"),
        mock=bool(_optional_flag(first("mock"), "mock")),
    )


# ------------------------------------------------------------------ JSON (Traccar Client 9 and later)


def parse_json(body: object) -> LocationReport:
    """A report from the JSON body `{"location": {...}, "device_id": "..."}`."""
    if not isinstance(body, dict):
        raise BadReport("the body must be a JSON object")
    device_id = body.get("device_id")
    if isinstance(device_id, int) and not isinstance(device_id, bool):
        device_id = str(device_id)
    identifier = _identifier(device_id if isinstance(device_id, str) else None)
    location = body.get("location")
    if isinstance(location, list):
        raise BadReport("send one location per request")
    if not isinstance(location, dict):
        raise BadReport("location must be an object")
    coords = location.get("coords")
    if not isinstance(coords, dict):
        raise BadReport("location.coords is missing")
    latitude, longitude = _coordinates(_number(_json_number(coords, "latitude"), "latitude"),
                                       _number(_json_number(coords, "longitude"), "longitude"))
    if "timestamp" not in location:
        raise BadReport("location.timestamp is missing")
    battery = location.get("battery")
    if battery is not None and not isinstance(battery, dict):
        raise BadReport("location.battery must be an object")
    battery = battery or {}
    return LocationReport(
        identifier=identifier,
        recorded_at=_timestamp(location.get("timestamp")),
        latitude=latitude,
        longitude=longitude,
        accuracy_m=_accuracy(_optional_number(_json_number(coords, "accuracy"), "accuracy")),
        speed_mps=_speed(_optional_number(_json_number(coords, "speed"), "speed")),
        heading_deg=_heading(_optional_number(_json_number(coords, "heading"), "heading")),
        altitude_m=_altitude(_optional_number(_json_number(coords, "altitude"), "altitude")),
        battery_percent=_battery(_optional_number(_json_number(battery, "level"), "battery.level"), 100.0),
        charging=_optional_flag(battery.get("is_charging"), "battery.is_charging"),
        moving=_optional_flag(location.get("is_moving"), "is_moving"),
        mock=bool(_optional_flag(location.get("mock"), "mock")),
    )


# ------------------------------------------------------------------ fields


def _identifier(value: str | None) -> str:
    if value is None or value == "":
        raise BadReport("the device identifier (id) is missing")
    if len(value) > MAX_IDENTIFIER:
        raise BadReport("the device identifier is too long")
    return value


def _json_number(mapping: dict, key: str) -> object:
    """`mapping[key]`, which in JSON must be a JSON number, as the server's getJsonNumber
    wants: never a string. None when absent."""
    value = mapping.get(key)
    if isinstance(value, str):
        raise BadReport(f"{key} must be a JSON number")
    return value


def _number(value: object, name: str) -> float:
    if value is None or value == "":
        raise BadReport(f"{name} is missing")
    number = _optional_number(value, name)
    assert number is not None
    return number


def _optional_number(value: object, name: str) -> float | None:
    """A finite number from a JSON number or a decimal string; None when absent.

    Python's float() would also take "nan", "inf", "1_0" and spaces: only plain decimals are."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise BadReport(f"{name} must be a number")
    if not (isinstance(value, int | float) or (isinstance(value, str) and len(value) <= MAX_TEXT
                                                and _NUMBER.fullmatch(value))):
        raise BadReport(f"{name} must be a number")
    try:
        number = float(value)
    except OverflowError:  # a JSON integer with hundreds of digits
        raise BadReport(f"{name} is out of range") from None
    if not math.isfinite(number):
        raise BadReport(f"{name} must be a finite number")
    return number


def _coordinates(latitude: float, longitude: float) -> tuple[float, float]:
    if not -90 <= latitude <= 90:
        raise BadReport("latitude must be between -90 and 90")
    if not -180 <= longitude <= 180:
        raise BadReport("longitude must be between -180 and 180")
    if latitude == 0 and longitude == 0:
        raise BadReport("latitude 0, longitude 0 is a receiver with no fix")
    return latitude, longitude


def _accuracy(value: float | None) -> float | None:
    if value is None or value < 0:  # -1: not known
        return None
    if value > 1_000_000:
        raise BadReport("accuracy is out of range")
    return value


def _speed(value: float | None) -> float | None:
    if value is None or value < 0:  # -1: not known
        return None
    if value > 1000:
        raise BadReport("speed is out of range")
    return value


def _heading(value: float | None) -> float | None:
    if value is None or value < 0:  # -1: not known
        return None
    if value > 360:
        raise BadReport("heading must be 0 to 360 degrees")
    return value % 360


def _altitude(value: float | None) -> float | None:
    if value is not None and not -20_000 <= value <= 100_000:
        raise BadReport("altitude is out of range")
    return value


def _battery(value: float | None, to_percent: float) -> float | None:
    if value is None or value < 0:  # -1: not known
        return None
    percent = value * to_percent
    if percent > 100:
        raise BadReport("the battery level is out of range")
    return round(percent, 1)


def _optional_flag(value: object, name: str) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if value in ("true", "1"):
        return True
    if value in ("false", "0"):
        return False
    raise BadReport(f"{name} must be true or false")


def _timestamp(value: object) -> datetime:
    """Seconds or milliseconds since 1970 (the server's rule: below 2^31 - 1 is seconds), or an
    ISO 8601 date with its time zone."""
    if isinstance(value, bool) or value is None:
        raise BadReport("timestamp must be a number or an ISO 8601 date")
    if isinstance(value, str) and _DIGITS.fullmatch(value):
        value = int(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        if value <= 0:
            raise BadReport("timestamp is out of range")
        seconds = value if value < SECONDS_LIMIT else value / 1000
        try:
            return datetime.fromtimestamp(seconds, UTC)
        except (OverflowError, OSError, ValueError):
            raise BadReport("timestamp is out of range") from None
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        raise BadReport("timestamp must be a number or an ISO 8601 date")
    try:
        instant = datetime.fromisoformat(value)
    except ValueError:
        raise BadReport("timestamp must be a number or an ISO 8601 date") from None
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise BadReport("timestamp needs a time zone (Z or an offset)")
    return instant.astimezone(UTC)
