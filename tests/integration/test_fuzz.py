"""Hypothesis fuzzing: every form and the delivery-receipt webhook, with whatever a user could type
or a client could send, never get a server error (issue 14's proof).

`test_bad_input.py` posts a fixed list of nasty values to every field name the forms use; this
draws the values (any text, numbers, dates near and far, control characters, huge strings) and
which fields get them, per route, from each form's own field names as its page shows them, so a
form added later is fuzzed without being listed here. Examples are derandomised: a failure
repeats, and the run costs the same every time.
"""
from __future__ import annotations

import io
import json

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.models import Role
from tests.integration.test_bad_input import FIELDS, GARBAGE, post_targets, reachable

FUZZ = settings(max_examples=120, derandomize=True, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])
PER_FORM = settings(FUZZ, max_examples=2)  # every form, every role: a few drawn posts each

# What people and clients really send into a form field: short and long text in any script,
# numbers that do not fit, dates and times in every shape, and the values parsers trip on.
values = st.one_of(
    st.sampled_from(GARBAGE),
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=200, max_size=5000),
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.dates().map(lambda d: d.isoformat()),
    st.dates().map(lambda d: d.strftime("%d/%m/%Y")),
    st.times().map(lambda t: t.strftime("%H:%M")),
    st.from_regex(r"\A[0-9]{1,3}:[0-9]{1,3}\Z"),
)


def _form_fields(client, url: str) -> list[str]:
    """The names of the inputs on the page at `url` (its own forms), or [] if it has none."""
    response = client.get(url)
    if response.status_code != 200 or "html" not in response.content_type:
        return []
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return sorted({tag["name"] for tag in soup.select("form input[name], form select[name], form textarea[name]")
                   if tag["name"] != "csrf_token"})


@pytest.mark.parametrize("role", [Role.OFFICER, Role.SUPERVISOR, Role.ADMIN, Role.CASEWORKER])
def test_every_form_survives_fuzzed_input(app, client, login_as, make_user, role):
    targets, service = post_targets(app, make_user)
    _, token = login_as(role, **({"service_id": service.id} if role is Role.CASEWORKER else {}))
    urls = sorted({rule.build({arg: ids.get(arg, 1) for arg in rule.arguments})[1]
                   for rule, ids in reachable(app, targets, role)})
    # A page's own field names first; the shared list reaches forms whose page the role cannot open.
    names = {url: _form_fields(client, url) or FIELDS for url in urls}
    posted = []

    def fuzz(url):
        @PER_FORM
        @given(data=st.data())
        def post_anything(data):
            fields = data.draw(st.lists(st.sampled_from(names[url]), unique=True, max_size=len(names[url])))
            form = {name: data.draw(values) for name in fields}
            form["csrf_token"] = token
            if data.draw(st.booleans()):
                body = data.draw(st.binary(max_size=2000))
                form["file"] = (io.BytesIO(body), data.draw(st.text(min_size=1, max_size=60)))
            response = client.post(url, data=form, content_type="multipart/form-data")
            posted.append(url)
            assert response.status_code < 500, (url, form, response.status_code)

        post_anything()

    for url in urls:
        fuzz(url)
    assert set(posted) == set(urls) and len(posted) == PER_FORM.max_examples * len(urls)


json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=60))
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=12), inner, max_size=4), max_leaves=12)
RECEIPT_KEYS = ["msisdn", "to", "network-code", "messageId", "price", "status", "scts", "err-code", "api-key",
                "message-timestamp", "client-ref", "timestamp", "nonce", "sig"]
receipt_params = st.dictionaries(st.one_of(st.sampled_from(RECEIPT_KEYS), st.text(max_size=12)),
                                 st.one_of(values, st.sampled_from(["delivered", "failed", "expired", "accepted",
                                                                    "buffered", "rejected", "unknown"])), max_size=14)


@pytest.mark.parametrize("signed", [False, True], ids=["no-secret", "signature-secret"])
def test_the_delivery_receipt_webhook_survives_anything(app, client, signed):
    if signed:
        app.config["VONAGE_SIGNATURE_SECRET"] = "fuzzing-secret"
    answers = []

    @FUZZ
    @given(how=st.sampled_from(["get", "form", "json", "raw"]), params=receipt_params, body=json_values,
           raw=st.binary(max_size=3000))
    def send(how, params, body, raw):
        url = "/webhooks/vonage/delivery"
        if how == "get":
            response = client.get(url, query_string=params)
        elif how == "form":
            response = client.post(url, data=params)
        elif how == "json":
            response = client.post(url, data=json.dumps(body if body is not None else params),
                                   content_type="application/json")
        else:
            response = client.post(url, data=raw, content_type="application/json")
        answers.append(response.status_code)
        assert response.status_code < 500, (how, params, body, response.status_code)

    send()
    assert len(answers) == FUZZ.max_examples
    assert set(answers) <= {204, 400, 401}, set(answers)
