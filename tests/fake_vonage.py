"""A loopback fake of Vonage's SMS API over real HTTPS, for driving the real `vonage` SDK.

The SDK always speaks HTTPS to `rest_host`, so the fake serves TLS with a certificate for
127.0.0.1/localhost from a throwaway `trustme` CA; point requests at it with
REQUESTS_CA_BUNDLE=fake.ca_path.  It answers POST /sms/json the way Vonage does (a form
body, Basic auth or api_key/api_secret form fields) and can be scripted to throttle,
refuse, fail, hang after taking a message, hold it until the test releases it, or drop the
connection after taking it.

It also answers Vonage's Reports API synchronous records search, GET /v2/reports/records
(developer.vonage.com/en/api/reports, "Load records synchronously"): an SMS record for every
message it accepted (`account_id`, `message_id`, `client_ref`, `direction`, `from`, `to`,
`date_received`, `status`), searched by `date_start` (inclusive) and `date_end` (exclusive,
at most 24 hours apart), `to`, `from`, `status`, or by `id` (message ids, up to 20, not with
dates; the missing ones in `ids_not_found`), paged with `cursor` and `iv` and a `_links.next`.
It refuses what the real one refuses (no Basic auth 401; missing `product`, `account_id` or,
for SMS, `direction`, a parameter it does not know, dates more than 24 hours apart, `id` with
dates: 422), and its records can lag behind the sends (`records_lag`), as Vonage's do.

    with FakeVonage() as fake:
        fake.script("throttle", ("status", "7", "Number barred"), "hang")
        ...
        assert fake.accepted_refs()[client_ref] == 1

Thread-safe and quick: each client connection gets one keep-alive server thread, and
every shared structure is touched under one lock.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import ssl
import tempfile
import threading
import time
import uuid
from collections import Counter, deque
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import trustme
from vonage_http_client import Auth

from app.timeutil import utcnow

THROTTLE_TEXT = "Throughput Rate Exceeded - please wait [ 1000 ] and retry"
NAMED_BEHAVIOURS = frozenset({"accept", "throttle", "http500", "http429", "hang", "hold", "drop"})
REPORTS_PATH = "/v2/reports/records"
REPORTS_PARAMS = frozenset({"product", "account_id", "date_start", "date_end", "cursor", "iv", "id", "direction", "status",
                            "from", "to", "country", "network", "include_message", "show_concatenated", "account_ref"})
LONGEST_SEARCH = timedelta(hours=24)


class FakeVonage:
    """The fake server; see the module docstring.  `received` holds every request, each with
    `received_at` (time.monotonic() once its body is read, before it is answered)."""

    def __init__(self, *, api_key: str = "fake-key-1234", api_secret: str = "fake-secret-5678abcd", hang_seconds: float = 3.0,
                 records_lag: timedelta = timedelta(0), page_size: int = 100):
        self.api_key = api_key
        self.api_secret = api_secret
        self.hang_seconds = hang_seconds
        self.records_lag = records_lag  # a record is searchable this long after its message was accepted
        self.page_size = page_size
        self.received: list[dict[str, Any]] = []
        self.report_requests: list[dict[str, str]] = []  # the query of every records search
        self.holding = threading.Event()  # set while a "hold" request is waiting
        self._released = threading.Event()
        self.rest_host = ""
        self.ca_path = ""
        self._lock = threading.Lock()
        self._script: deque[Any] = deque()
        self._accepted: dict[str, dict[str, Any]] = {}  # client_ref -> the latest accepted request
        self._connections: set[ssl.SSLSocket] = set()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._tmp: tempfile.TemporaryDirectory | None = None

    def __enter__(self) -> FakeVonage:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def start(self) -> None:
        """Listen on a free loopback port, serving from a daemon thread."""
        ca = trustme.CA()
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
        self._tmp = tempfile.TemporaryDirectory(prefix="fake-vonage-")
        self.ca_path = str(Path(self._tmp.name) / "ca.pem")
        ca.cert_pem.write_to_path(self.ca_path)
        self._server = _Server(self, context)
        self.rest_host = f"127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-vonage", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop serving, end hangs, holds and open connections, delete the CA file."""
        self._stopping.set()
        self._released.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        with self._lock:
            connections = list(self._connections)
        for connection in connections:
            try:  # the plain socket's shutdown: leave the TLS object to its own thread
                socket.socket.shutdown(connection, socket.SHUT_RDWR)
            except OSError:
                pass
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._tmp is not None:
            self._tmp.cleanup()

    # -- the test's view ------------------------------------------------------------------

    def script(self, *behaviours: Any) -> None:
        """Queue behaviours, one per request, before the default "accept".

        "accept", "throttle", "http500", "http429", "hang", "drop", ("status", code, text),
        ("http", status) and ("parts", status, status, ...) for a multi-part answer. "hold"
        takes the message and answers only when the test calls `release()` (or after 30 s).
        """
        for behaviour in behaviours:
            name = behaviour[0] if isinstance(behaviour, tuple) else behaviour
            if name not in NAMED_BEHAVIOURS | {"status", "http", "parts"}:
                raise ValueError(f"unknown behaviour {behaviour!r}")
        with self._lock:
            self._script.extend(behaviours)

    def release(self) -> None:
        """Let every "hold" request answer."""
        self._released.set()

    def accepted_refs(self) -> Counter[str]:
        """How many times each client-ref was accepted (exactly-once checks)."""
        with self._lock:
            return Counter(record["client_ref"] for record in self.received if record["accepted"])

    def accepted_since(self, seen: int) -> tuple[list[str], int]:
        """The client-refs accepted in requests after the first `seen`, and how many requests
        there are now (the next call's `seen`): for sending receipts as messages are taken."""
        with self._lock:
            new = [record["client_ref"] for record in self.received[seen:] if record["accepted"]]
            return new, len(self.received)

    @property
    def request_count(self) -> int:
        with self._lock:
            return len(self.received)

    def receipt(
        self,
        client_ref: str,
        status: str = "delivered",
        *,
        signature_secret: str | None = None,
        method: str = "md5",
        now: datetime | None = None,
        err_code: str = "0",
    ) -> dict[str, str]:
        """The DLR parameters Vonage would send for the message accepted as `client_ref`.

        With `signature_secret`, 'sig' is added as Vonage computes it for `method`:
        "md5hash" (MD5 of the "&name=value" string then the secret, lowercase) or an HMAC
        "md5"/"sha1"/"sha256"/"sha512" (the SDK's `Auth.sign_params`, uppercased as
        Vonage sends HMAC signatures).
        """
        with self._lock:
            record = self._accepted.get(client_ref)
        if record is None:
            raise LookupError("the fake accepted no message with that client-ref")
        moment = now or utcnow()  # the clock the app under test reads
        params = {
            "msisdn": record["to"], "to": record["from"], "network-code": "23410",
            "messageId": record["message_id"], "price": "0.04000000", "status": status,
            "scts": moment.strftime("%y%m%d%H%M"), "err-code": err_code, "api-key": self.api_key,
            "client-ref": client_ref, "message-timestamp": moment.strftime("%Y-%m-%d %H:%M:%S"),
            "timestamp": str(int(moment.timestamp())), "nonce": str(uuid.uuid4()),
        }
        if signature_secret:
            params["sig"] = sign_params(params, signature_secret, method, api_key=self.api_key)
        return params

    # -- serving --------------------------------------------------------------------------

    def _track(self, connection: ssl.SSLSocket, open_: bool) -> None:
        with self._lock:
            if open_:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)

    def _credentials_ok(self, form: dict[str, str], authorization: str) -> bool:
        """Basic auth (what the SDK sends) or the api_key/api_secret form fields."""
        if authorization.startswith("Basic "):
            try:
                key, _, secret = base64.b64decode(authorization[6:]).decode().partition(":")
            except (ValueError, UnicodeDecodeError):
                return False
        else:
            key, secret = form.get("api_key", ""), form.get("api_secret", "")
        return hmac.compare_digest(key, self.api_key) and hmac.compare_digest(secret, self.api_secret)

    def _serve(self, handler: _Handler, form: dict[str, str]) -> None:
        """Answer one POST /sms/json according to the script."""
        if not self._credentials_ok(form, handler.headers.get("Authorization", "")):
            self._record(form, "bad-credentials", accepted=False)
            handler.reply(200, _status_body("4", "Bad Credentials"))
            return
        with self._lock:
            behaviour = self._script.popleft() if self._script else "accept"
        name = behaviour[0] if isinstance(behaviour, tuple) else behaviour
        if name in ("accept", "hang", "hold", "drop"):
            record = self._record(form, name, accepted=True)
            if name == "drop":  # took it, then the line goes dead: no answer at all
                handler.close_connection = True
                socket.socket.shutdown(handler.connection, socket.SHUT_RDWR)
                return
            if name == "hang" and self._stopping.wait(self.hang_seconds):
                return
            if name == "hold":
                self.holding.set()
                self._released.wait(30)
                if self._stopping.is_set():
                    return
            handler.reply(200, _accept_body([record["message_id"]], record))
        elif name == "throttle":
            self._record(form, name, accepted=False)
            handler.reply(200, _status_body("1", THROTTLE_TEXT))
        elif name == "status":
            self._record(form, f"status {behaviour[1]}", accepted=False)
            handler.reply(200, _status_body(behaviour[1], behaviour[2]))
        elif name == "parts":
            self._parts(handler, form, behaviour[1:])
        else:
            status = {"http500": 500, "http429": 429}.get(name) or int(behaviour[1])
            self._record(form, f"http {status}", accepted=False)
            handler.reply(status, {"type": "https://developer.vonage.com/api-errors", "title": f"HTTP {status}"})

    def _parts(self, handler: _Handler, form: dict[str, str], statuses: tuple[str, ...]) -> None:
        """A multi-part answer: one entry per part with the given statuses."""
        record = self._record(form, "parts", accepted="0" in statuses)
        body: dict[str, Any] = {"message-count": str(len(statuses)), "messages": []}
        for status in statuses:
            if status == "0":
                body["messages"].extend(_accept_body([uuid.uuid4().hex], record)["messages"])
            else:
                body["messages"].extend(_status_body(status, "Refused")["messages"])
        handler.reply(200, body)

    def _record(self, form: dict[str, str], behaviour: str, *, accepted: bool) -> dict[str, Any]:
        record = {
            "to": form.get("to"), "from": form.get("from"), "text": form.get("text"),
            "client_ref": form.get("client-ref"), "type": form.get("type"),
            "callback": form.get("callback"), "status_report_req": form.get("status-report-req"),
            "message_id": uuid.uuid4().hex if accepted else None,
            "accepted": accepted, "behaviour": behaviour,
            "received_at": time.monotonic(),  # when the request was read, before any answer
            "date_received": utcnow(),  # the same moment on the app's clock, for the records search
        }
        with self._lock:
            self.received.append(record)
            if accepted and record["client_ref"]:
                self._accepted[record["client_ref"]] = record
        return record


    # -- the Reports API --------------------------------------------------------------------

    def _reports(self, handler: _Handler, query: dict[str, list[str]]) -> None:
        """Answer GET /v2/reports/records as Vonage's synchronous records search does."""
        if not self._basic_auth_ok(handler.headers.get("Authorization", "")):
            handler.reply(401, _problem("You did not provide correct credentials."))
            return
        params = {key: values[0] for key, values in query.items()}
        with self._lock:
            self.report_requests.append(params)
        problem = _reports_problem(params)
        if problem:
            handler.reply(422, _problem(problem))
            return
        if params["account_id"] != self.api_key:
            handler.reply(403, _problem("You may not read that account's records."))
            return
        now = utcnow()
        with self._lock:
            accepted = [r for r in self.received if r["accepted"] and r["date_received"] + self.records_lag <= now]
        if "id" in params:
            wanted = params["id"].split(",")
            found = [r for r in accepted if r["message_id"] in wanted]
            body = self._records_body(params, found, 0)
            missing = [i for i in wanted if i not in {r["message_id"] for r in found}]
            if missing:
                body["ids_not_found"] = ",".join(missing)
            handler.reply(200, body)
            return
        start, end = _instant(params.get("date_start")) or now - timedelta(days=7), _instant(params.get("date_end")) or now
        matching = [r for r in accepted if start <= r["date_received"] < end and params["direction"] == "outbound"
                    and params.get("to", r["to"]) == r["to"] and params.get("from", r["from"]) == r["from"]
                    and params.get("status", "accepted") == "accepted"]
        offset = int(base64.urlsafe_b64decode(params["cursor"]).decode()) if "cursor" in params else 0
        handler.reply(200, self._records_body(params, matching, offset))

    def _basic_auth_ok(self, authorization: str) -> bool:
        if not authorization.startswith("Basic "):
            return False
        try:
            key, _, secret = base64.b64decode(authorization[6:]).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return False
        return hmac.compare_digest(key, self.api_key) and hmac.compare_digest(secret, self.api_secret)

    def _records_body(self, params: dict[str, str], records: list[dict[str, Any]], offset: int) -> dict[str, Any]:
        page = records[offset:offset + self.page_size]
        query = {k: v for k, v in params.items() if k not in ("cursor", "iv")}
        body: dict[str, Any] = {
            "request_id": str(uuid.uuid4()), "request_status": "SUCCESS", "received_at": _iso(utcnow()),
            "items_count": len(page), "product": "SMS",
            "_links": {"self": {"href": f"https://{self.rest_host}{REPORTS_PATH}?{urlencode(params)}"}},
            "records": [self._sms_record(r, params.get("include_message") == "true") for r in page],
        }
        if offset + self.page_size < len(records):
            cursor = base64.urlsafe_b64encode(str(offset + self.page_size).encode()).decode()
            iv = str(uuid.uuid4())
            body |= {"cursor": cursor, "iv": iv}
            body["_links"]["next"] = {"href": f"https://{self.rest_host}{REPORTS_PATH}?{urlencode(query | {'cursor': cursor, 'iv': iv})}"}
        return body

    def _sms_record(self, record: dict[str, Any], include_message: bool) -> dict[str, Any]:
        out = {
            "account_id": self.api_key, "message_id": record["message_id"], "client_ref": record["client_ref"] or "",
            "direction": "outbound", "from": record["from"], "to": record["to"], "network": "23410",
            "country": "GB", "date_received": _iso(record["date_received"]), "status": "accepted", "error_code": "0",
            "currency": "", "total_price": "0.04", "id": record["message_id"],
        }
        if include_message:
            out["message_body"] = record["text"]
        return out


def _reports_problem(params: dict[str, str]) -> str | None:
    """Why the real records search would refuse this query (422), or None."""
    unknown = set(params) - REPORTS_PARAMS
    if unknown:
        return f"Unknown parameter(s): {', '.join(sorted(unknown))}"
    for required in ("product", "account_id"):
        if not params.get(required):
            return f"{required} is required"
    if params["product"] != "SMS":
        return "this fake knows only product SMS"
    if params.get("direction") not in ("inbound", "outbound"):
        return "direction is required for SMS: inbound or outbound"
    if "id" in params:
        if set(params) & {"date_start", "date_end", "status", "to", "from", "cursor"}:
            return "with id only product, account_id, direction, include_message and show_concatenated are accepted"
        if len(params["id"].split(",")) > 20:
            return "at most 20 ids"
        return None
    start, end = params.get("date_start"), params.get("date_end")
    for name, value in (("date_start", start), ("date_end", end)):
        if value is not None and _instant(value) is None:
            return f"{name} must be an ISO 8601 instant with a zone"
    if start and end and _instant(end) - _instant(start) > LONGEST_SEARCH:
        return "date_start and date_end may be at most 24 hours apart"
    if ("cursor" in params) != ("iv" in params):
        return "cursor and iv go together"
    if "cursor" in params:
        try:
            int(base64.urlsafe_b64decode(params["cursor"]).decode())
        except (ValueError, UnicodeDecodeError):
            return "invalid cursor"
    return None


def _instant(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else None


def _iso(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def _problem(title: str) -> dict[str, str]:
    return {"type": "https://developer.vonage.com/api-errors", "title": title, "instance": str(uuid.uuid4())}


def sign_params(params: dict[str, str], signature_secret: str, method: str, *, api_key: str) -> str:
    """Vonage's signature over `params` (which must not hold 'sig'); see FakeVonage.receipt."""
    if method == "md5hash":
        hasher = hashlib.md5()  # Vonage's legacy "MD5 hash" scheme
        for key in sorted(params):
            value = params[key].replace("&", "_").replace("=", "_")
            hasher.update(f"&{key}={value}".encode())
        hasher.update(signature_secret.encode())
        return hasher.hexdigest()
    signer = Auth(api_key=api_key, signature_secret=signature_secret, signature_method=method)
    return signer.sign_params(dict(params)).upper()


def _accept_body(message_ids: list[str], record: dict[str, Any]) -> dict[str, Any]:
    messages = [
        {"to": record["to"], "message-id": message_id, "status": "0", "remaining-balance": "10.0",
         "message-price": "0.04", "network": "23410", "client-ref": record["client_ref"]}
        for message_id in message_ids
    ]
    return {"message-count": str(len(messages)), "messages": messages}


def _status_body(status: str, error_text: str) -> dict[str, Any]:
    return {"message-count": "1", "messages": [{"status": status, "error-text": error_text}]}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as Vonage and the SDK's pool expect
    wbufsize = -1  # headers and body leave in one write when the request is done
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path != REPORTS_PATH:
            self.reply(404, {"title": "Not found"})
            return
        self.server.fake._reports(self, parse_qs(url.query, keep_blank_values=True))

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        if len(raw) < length:  # the client went away mid-request (a killed dispatcher): Vonage takes nothing
            self.close_connection = True
            return
        body = raw.decode()
        if self.path.split("?", 1)[0] != "/sms/json":
            self.reply(404, {"title": "Not found"})
            return
        form = {key: values[0] for key, values in parse_qs(body, keep_blank_values=True).items()}
        self.server.fake._serve(self, form)

    def reply(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class _Server(ThreadingHTTPServer):
    """TLS per connection, in the connection's own thread (a slow handshake blocks no one)."""

    daemon_threads = True

    def __init__(self, fake: FakeVonage, context: ssl.SSLContext):
        self.fake = fake
        self.context = context
        super().__init__(("127.0.0.1", 0), _Handler)

    def finish_request(self, request: socket.socket, client_address: Any) -> None:
        request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        request.settimeout(10)  # for the handshake only
        try:
            connection = self.context.wrap_socket(request, server_side=True)
        except OSError:  # e.g. a client that does not trust our CA
            return
        connection.settimeout(None)
        self.fake._track(connection, True)
        try:
            self.RequestHandlerClass(connection, client_address, self)
        finally:
            self.fake._track(connection, False)
            connection.close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that time out or hang up are part of the tests: stay quiet."""
