"""Whatever a user types or a client sends, the answer is never a 500."""
import io

import pytest

from app.models import Role
from tests.integration.factories import served_case, submitted_case
from tests.integration.test_role_matrix import _routes

GARBAGE = [
    "", " ", "0", "-1", "99999999999999999999", "abc", "2026-02-30", "25:61", "\x00", "'; DROP TABLE case_file; --",
    "<script>alert(1)</script>", "é" * 300, "1e309", "None", "true",
]


@pytest.mark.parametrize("role", [Role.OFFICER, Role.SUPERINTENDENT, Role.ADMIN])
def test_garbage_posted_to_every_route_never_gives_a_500(app, client, login_as, make_user, role):
    officer = make_user(Role.OFFICER)
    case = served_case(officer)
    submitted = submitted_case(officer)
    ids = {"case_id": case.id, "holiday_id": 1, "user_id": officer.id, "section": "grounds", "key": "officer_statement",
           "doc_id": 1, "breach_id": 1, "application_id": submitted.applications[-1].id, "kind": "conditions"}
    _, token = login_as(role)
    fields = ["perpetrator_name", "perpetrator_dob", "incident_date", "incident_time", "served_date", "served_time", "conduct",
              "victim_id", "occurred_date", "occurred_time", "score", "risk_level", "kinds", "distance_metres", "has_mobile",
              "mobile", "outcome", "rationale", "contested", "days", "made_on", "conditions", "next_date", "amount", "paid_on",
              "starts_date", "starts_time", "court_name", "arrested", "arrested_date", "fine", "custody_days", "kind",
              "court_date", "new_days", "day", "name", "email", "role", "password", "hearing_id", "done", "source", "page",
              "eligible", "not_eligible_reason", "order_days", "age_band", "reason", "number", "no_phone_reason", "no_phone_other",
              "running", "stratified", "body"]
    for rule, method, _view in _routes(app):
        if method != "POST" or rule.endpoint in ("auth.logout", "auth.login"):
            continue
        url = rule.build({arg: ids[arg] for arg in rule.arguments})[1]
        for value in GARBAGE:
            data = {name: value for name in fields}
            data["csrf_token"] = token
            data["file"] = (io.BytesIO(value.encode("utf-8", "surrogatepass")), value or "x")
            response = client.post(url, data=data, content_type="multipart/form-data")
            assert response.status_code < 500, (rule.rule, value, response.status_code)
