"""Staff at their browsers, over real HTTP to the simulation's gunicorn: a form is fetched,
its fields (the page's own defaults, the CSRF token) filled in with what the person types,
and posted; a session the virtual clock idled out logs in again."""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

import requests
from bs4 import BeautifulSoup

PASSWORD = "simulated staff password 2026"


class ActionFailed(AssertionError):
    """The app refused an action the simulation expected to succeed."""


def send(session: requests.Session, method: str, url: str, **kwargs) -> requests.Response:
    """One request, sent again once if the connection failed before an answer: gunicorn closes
    a keep-alive connection after 5 idle seconds and replaces a worker after about 2,000
    requests (app/serving.py), and a browser or Traccar Client reusing such a connection
    sends again on a fresh one, as this does."""
    try:
        return session.request(method, url, **kwargs)
    except requests.ConnectionError:
        return session.request(method, url, **kwargs)


@dataclass
class Stats:
    requests: int = 0
    logins: int = 0
    seconds: float = 0.0
    by_action: dict = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, action: str, seconds: float) -> None:
        with self.lock:
            self.requests += 1
            self.seconds += seconds
            count, total = self.by_action.get(action, (0, 0.0))
            self.by_action[action] = (count + 1, total + seconds)


def form_fields(html: str, action: str | None = None) -> dict[str, list[str]]:
    """The values a browser would submit for the page's form posting to `action` (the first
    POST form if None): text and hidden inputs, checked boxes and radios, selected options,
    text areas."""
    soup = BeautifulSoup(html, "html.parser")
    forms = [f for f in soup.find_all("form") if (f.get("method") or "").lower() == "post"]
    if action is not None:
        forms = [f for f in forms if (f.get("action") or "").split("?")[0] in ("", action)] or forms
    if not forms:
        raise ActionFailed("no form on the page")
    values: dict[str, list[str]] = {}
    for element in forms[0].find_all(["input", "select", "textarea"]):
        name = element.get("name")
        if not name:
            continue
        kind = (element.get("type") or "text").lower()
        if element.name == "input" and kind in ("checkbox", "radio"):
            if element.has_attr("checked"):
                values.setdefault(name, []).append(element.get("value", "on"))
        elif element.name == "input" and kind in ("submit", "button", "file"):
            continue
        elif element.name == "select":
            chosen = element.find("option", selected=True)
            values[name] = [chosen.get("value", "")] if chosen else []
        elif element.name == "textarea":
            values[name] = [element.text]
        else:
            values.setdefault(name, []).append(element.get("value", ""))
    return values


def error_text(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    summary = soup.select_one(".govuk-error-summary")
    return " ".join(summary.get_text(" ", strip=True).split()) if summary else ""


class Staff:
    """One person's browser: a requests session with its cookies. A person does one thing at
    a time (the lock): two threads sharing one session would log in over each other and post
    forms with the other's CSRF token."""

    def __init__(self, base_url: str, email: str, stats: Stats):
        self.base_url, self.email, self.stats = base_url, email, stats
        self.session = requests.Session()
        self.busy = threading.RLock()

    def _timed(self, action: str, method: str, path: str, **kwargs) -> requests.Response:
        import time

        started = time.perf_counter()
        response = send(self.session, method, self.base_url + path, allow_redirects=False, timeout=60, **kwargs)
        self.stats.add(action, time.perf_counter() - started)
        if response.status_code >= 500:
            raise ActionFailed(f"{method} {path}: HTTP {response.status_code}")
        return response

    def log_in(self) -> None:
        page = self._timed("login", "GET", "/login")
        data = form_fields(page.text) | {"email": [self.email], "password": [PASSWORD]}
        response = self._timed("login", "POST", "/login", data=data)
        if response.status_code != 302:
            raise ActionFailed(f"log-in refused for a simulated user: {error_text(response.text)}")
        with self.stats.lock:
            self.stats.logins += 1

    def get(self, path: str, action: str = "page") -> requests.Response:
        with self.busy:
            return self._get(path, action)

    def _get(self, path: str, action: str) -> requests.Response:
        response = self._timed(action, "GET", path)
        if response.status_code == 302 and "/login" in response.headers.get("Location", ""):
            self.log_in()
            response = self._timed(action, "GET", path)
        if response.status_code != 200:
            raise ActionFailed(f"GET {path}: HTTP {response.status_code}")
        return response

    def submit(self, path: str, values: dict[str, str | list[str]], action: str, *, form_path: str | None = None) -> str:
        """Fetch the form at `form_path` (default `path`), fill in `values`, post it to `path`;
        returns where the app redirected to. A page back with errors is a failure."""
        with self.busy:
            return self._submit(path, values, action, form_path)

    def _submit(self, path: str, values: dict[str, str | list[str]], action: str, form_path: str | None) -> str:
        page = self._get(form_path or path, action)
        data = form_fields(page.text, path)
        for name, value in values.items():
            data[name] = value if isinstance(value, list) else [value]
        response = self._timed(action, "POST", path, data=data)
        if response.status_code != 302:
            problem = error_text(response.text) or f"HTTP {response.status_code}"
            raise ActionFailed(f"{action} at {path}: {problem}")
        return response.headers.get("Location", "")


CASE_ID = re.compile(r"/cases/(\d+)")
