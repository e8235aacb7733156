"""Every route, every role: who may use it, and that nobody else can.

A route that declares neither @roles_required nor @public fails here, so a new route
cannot ship without a decision about who may use it.
"""
import io
from datetime import date

import pytest

from app.domain.regimes import RegimeCode
from app.models import BreachSource, Role
from app.services import devices, person_link_decisions
from app.services.breaches import record_breach
from app.services.calendar import add_extra_bank_holiday, load_calendar
from app.services.casework import report_concern
from app.services.court import add_document
from app.services.referrals import ReferralSettings
from app.uploads import UploadStore
from tests.integration.conftest import csrf_token, login
from tests.integration.factories import granted_case, open_case, sent_referral, served_case, submitted_case, support_service

ROLES = list(Role)


def _routes(app):
    """(rule, method, view) for every route; logging out last, so one session covers the rest."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        view = app.view_functions[rule.endpoint]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((rule, method, view))
    return sorted(found, key=lambda r: r[0].endpoint == "auth.logout")


def _url(rule, ids):
    values = {arg: ids[arg] for arg in rule.arguments}
    return rule.build(values)[1]


@pytest.fixture
def ids(app, make_user):
    officer = make_user(Role.OFFICER)
    admin = make_user(Role.ADMIN)
    case = served_case(officer)
    breach = record_breach(officer, case, occurred_at=case.served_at, description="At the door.", source=BreachSource.VICTIM,
                           arrested_at=None, arresting_officer="", calendar=load_calendar())
    stored = UploadStore(app.config["UPLOAD_FOLDER"], 10_000).save(io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "statement.pdf")
    document = add_document(officer, case, "officer_statement", stored)
    holiday = add_extra_bank_holiday(admin, date(2031, 1, 2), "Test holiday", ReferralSettings())
    # A DAPN, which both inspectors and superintendents may decide (DAA 2021 s.22).
    submitted = submitted_case(officer, regime=RegimeCode.DAPN)
    application = submitted.applications[-1]
    # The case's referral, sent to a service, with a caseworker's concern on it.
    service = support_service("Matrix Support Service")
    _, referral = sent_referral(officer, service, case=case)
    concern = report_concern(make_user(Role.CASEWORKER, service_id=service.id), referral,
                             observed_at=case.served_at, what="P heard during the call.")
    device = devices.register(admin, officer, "Matrix work phone").device
    # An order, with its geofence around V's address (issue 16).
    with_order = granted_case(officer)
    # The same P on two more cases (the factories' name and date of birth), confirmed as one
    # person (issue 15), so the unlink page has someone to unlink.
    linked, other = open_case(officer), open_case(officer)
    person_link_decisions.confirm(officer, linked, linked.perpetrator.id, other.perpetrator.id)
    return {"referral_id": referral.id, "concern_id": concern.id, "service_id": service.id,
            "case_id": case.id, "holiday_id": holiday.id, "user_id": officer.id, "section": "grounds",
            "application_id": application.id, "key": "breach_statement", "doc_id": document.id, "breach_id": breach.id,
            "kind": "conditions", "victim_id": case.victims[0].id, "person_id": case.victims[0].id,
            "message_id": 999_999, "device_id": device.id,
            "alert_id": 999_999, "order_case_id": with_order.id, "linked_case_id": linked.id,
            "linked_person_id": linked.perpetrator.id, "extension": "csv", "group_id": "referral-tasks"}  # no such alert: an officer gets 404 (tests/integration/test_patrol.py has real ones)  # no such unknown text: allowed roles are sent back to the list


def test_every_route_declares_who_may_use_it(app):
    undeclared = [
        rule.rule for rule, _method, view in _routes(app)
        if not getattr(view, "is_public", False) and not getattr(view, "allowed_roles", None)
    ]
    assert undeclared == []


def test_role_matrix(app, request, make_user):
    # Who may use a view is its decorator's, in Python, whatever the database: SQLite alone
    # (every route, every role, PDFs included, took about a minute more on PostgreSQL). What
    # a role may read through queries is tested on both (areas: test_cases.py, test_case_list.py).
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("the role matrix runs on SQLite: decorators do not depend on the database")
    ids = request.getfixturevalue("ids")
    results = []
    for role in ROLES:
        client = app.test_client()
        # The caseworker belongs to the service the referral went to, so their pages really render.
        extra = {"service_id": ids["service_id"]} if role is Role.CASEWORKER else {}
        assert login(client, make_user(role, **extra)).status_code == 302
        token = csrf_token(client)
        for rule, method, view in _routes(app):
            url = _url(rule, ids)
            if method == "GET":
                response = client.get(url)
            else:
                response = client.open(url, method=method, data={"csrf_token": token})
            allowed = getattr(view, "is_public", False) or role in view.allowed_roles
            if allowed:
                sent_to_login = "/login" in response.headers.get("Location", "")
                ok = response.status_code != 403 and response.status_code < 500
                ok = ok and (not sent_to_login or rule.endpoint == "auth.logout")
            else:
                ok = response.status_code == 403
            results.append((role.value, method, rule.rule, response.status_code, allowed, ok))
    failures = [r for r in results if not r[-1]]
    assert failures == [], "\n".join(map(str, failures))
    # The matrix really covered the app: every role against every route.
    assert len(results) == len(ROLES) * len(list(_routes(app)))


def test_anonymous_users_reach_only_public_routes(app, ids):
    for rule, method, view in _routes(app):
        client = app.test_client()
        response = client.open(_url(rule, ids), method=method)
        if rule.endpoint in ("texts.delivery_receipt", "locations.osmand"):
            # Vonage's webhook and the devices' location reports: public and without CSRF (a
            # machine posts them, authenticated by a signature or the device's identifier), so
            # an empty request is refused with a 4xx before anything changes.
            assert 400 <= response.status_code < 500, rule.rule
            continue
        if getattr(view, "is_public", False):
            # A POST with no CSRF token is refused even on a public form.
            assert response.status_code in ((200, 302) if method == "GET" else (400,)), rule.rule
            continue
        if method == "GET":
            assert response.status_code == 302 and "/login" in response.headers["Location"], rule.rule
        else:
            # POST without a session has no CSRF token either: refused before the view runs.
            assert response.status_code in (302, 400), rule.rule
        htmx = client.open(_url(rule, ids), method="GET", headers={"HX-Request": "true"}) if method == "GET" else None
        if htmx is not None:
            assert htmx.status_code == 401 and htmx.headers["HX-Redirect"] == "/login", rule.rule


def test_expected_access_for_key_pages(app, ids, make_user):
    """Spell out the intended policy for the pages people use, so a loosened decorator shows."""
    readers = {Role.OFFICER, Role.INSPECTOR, Role.SUPERINTENDENT, Role.SUPERVISOR}
    expected = {
        "/dashboard": readers,
        "/dashboard/tasks/referral-tasks": readers,
        "/cases": readers,
        "/search?q=Testperson": readers,
        f"/cases/{ids['case_id']}": readers,
        f"/cases/{ids['case_id']}/application": readers,
        "/cases/new": {Role.OFFICER},
        "/orders/elsewhere/new": {Role.OFFICER},
        f"/cases/{ids['case_id']}/service-person": {Role.OFFICER},
        f"/cases/{ids['case_id']}/serve": {Role.OFFICER},
        f"/cases/{ids['case_id']}/lapse/hearing-began": {Role.OFFICER},
        f"/cases/{ids['case_id']}/lapse/close": {Role.OFFICER},
        f"/cases/{ids['case_id']}/application/grounds": {Role.OFFICER},
        "/authorisations": {Role.INSPECTOR, Role.SUPERINTENDENT},
        "/admin/users": {Role.ADMIN},
        f"/admin/users/{ids['user_id']}": {Role.ADMIN},
        f"/admin/users/{ids['user_id']}/details": {Role.ADMIN},
        f"/admin/users/{ids['user_id']}/access": {Role.ADMIN},
        f"/admin/users/{ids['user_id']}/deactivate": {Role.ADMIN},
        f"/admin/users/{ids['user_id']}/reset-password": {Role.ADMIN},
        "/account/password": set(ROLES),
        "/admin/calendar": {Role.ADMIN},
        "/admin/services": {Role.ADMIN},
        "/admin/texts/cadence": {Role.ADMIN},
        "/admin/emails": {Role.ADMIN},
        # Officers' work devices (issue 16): admins register and revoke them.
        "/admin/devices": {Role.ADMIN},
        "/admin/devices/new": {Role.ADMIN},
        f"/admin/devices/{ids['device_id']}/revoke": {Role.ADMIN},
        f"/cases/{ids['case_id']}/referrals": readers,
        f"/cases/{ids['case_id']}/referrals/{ids['referral_id']}/send": {Role.OFFICER},
        "/referrals/breaches": {Role.OFFICER, Role.SUPERVISOR},
        "/referrals/inbox": {Role.CASEWORKER},
        f"/referrals/{ids['referral_id']}": {Role.CASEWORKER},
        f"/referrals/{ids['referral_id']}/attempts/new": {Role.CASEWORKER},
        f"/cases/{ids['case_id']}/court/hearing-notice": {Role.OFFICER},
        f"/cases/{ids['case_id']}/court/order-served": {Role.OFFICER},
        f"/cases/{ids['case_id']}/court/victims/{ids['victim_id']}/told": {Role.OFFICER},
        f"/cases/{ids['case_id']}/court/notifications/new": {Role.OFFICER},
        f"/cases/{ids['case_id']}/breaches/{ids['breach_id']}/criminal": {Role.OFFICER},
        f"/referrals/{ids['referral_id']}/close": {Role.CASEWORKER},
        # Corrections and handovers (issue 15, section 2): officers and supervisors; all of a
        # leaver's cases: supervisors and admins; "My cases": officers.
        f"/cases/{ids['case_id']}/people/{ids['person_id']}/change": {Role.OFFICER, Role.SUPERVISOR},
        f"/cases/{ids['case_id']}/people/{ids['person_id']}/remove": {Role.OFFICER, Role.SUPERVISOR},
        f"/cases/{ids['case_id']}/people/add-victim": {Role.OFFICER, Role.SUPERVISOR},
        f"/cases/{ids['case_id']}/people/add-child": {Role.OFFICER, Role.SUPERVISOR},
        f"/cases/{ids['case_id']}/address/change": {Role.OFFICER, Role.SUPERVISOR},
        f"/cases/{ids['case_id']}/area/change": {Role.OFFICER, Role.SUPERVISOR},
        f"/cases/{ids['case_id']}/served-at/change": {Role.OFFICER, Role.SUPERVISOR},
        f"/cases/{ids['case_id']}/handover": {Role.OFFICER, Role.SUPERVISOR},
        "/handovers/leaver": {Role.SUPERVISOR, Role.ADMIN},
        "/my-cases": {Role.OFFICER},
        f"/referrals/{ids['referral_id']}/follow-up": {Role.CASEWORKER},
        # Geofence alerts and welfare visits (issue 16): officers on patrol; supervisors and
        # inspectors task.
        "/patrol": {Role.OFFICER},
        "/patrol/alerts": {Role.OFFICER},
        "/patrol/tasking": {Role.SUPERVISOR, Role.INSPECTOR},
        "/patrol/tasking?days=abc": {Role.SUPERVISOR, Role.INSPECTOR},
        # The trial's page, its evaluation and the analysts' export (issues 5 and 17).
        "/admin/texts/trial": {Role.SUPERVISOR, Role.ADMIN},
        "/admin/texts/trial/evaluation": {Role.SUPERVISOR, Role.ADMIN},
        "/admin/texts/trial/export.csv": {Role.SUPERVISOR, Role.ADMIN},
        # Figures (issue 17): supervisors and admins only; bad filters answer, never 500.
        "/reports/figures": {Role.SUPERVISOR, Role.ADMIN},
        "/reports/figures?from=31/2/2026": {Role.SUPERVISOR, Role.ADMIN},
        "/reports/figures.csv": {Role.SUPERVISOR, Role.ADMIN},
        "/reports/figures.xlsx": {Role.SUPERVISOR, Role.ADMIN},
        "/reports/figures/print": {Role.SUPERVISOR, Role.ADMIN},
        "/reports/home-office.csv": {Role.SUPERVISOR, Role.ADMIN},
        # A geofence's place and V's wishes about welfare visits (issue 16): officers and supervisors.
        f"/cases/{ids['order_case_id']}/geofence/location": {Role.OFFICER, Role.SUPERVISOR},
        f"/cases/{ids['case_id']}/geofence/wishes": {Role.OFFICER, Role.SUPERVISOR},
        # The same person on several cases (issue 15): anyone who reads case files may unlink
        # a person whose every case they may read.
        f"/cases/{ids['linked_case_id']}/people/unlink?person={ids['linked_person_id']}": readers,
        # Texts whose outcome is unknown (issue 14): supervisors and admins decide.
        "/admin/texts/unknown": {Role.SUPERVISOR, Role.ADMIN},
        f"/admin/texts/unknown/{ids['message_id']}": {Role.SUPERVISOR, Role.ADMIN},
        f"/admin/users/{ids['user_id']}/reactivate": {Role.ADMIN},
    }
    for role in ROLES:
        client = app.test_client()
        login(client, make_user(role, **({"service_id": ids["service_id"]} if role is Role.CASEWORKER else {})))
        for url, roles in expected.items():
            response = client.get(url)
            if role in roles:
                assert response.status_code in (200, 302), (role, url, response.status_code)
                assert "/login" not in response.headers.get("Location", ""), (role, url)
            else:
                assert response.status_code == 403, (role, url, response.status_code)


# Posted by machines, not browsers: Vonage's delivery receipts (signed) and the work phones'
# location reports (the device's identifier). Every other POST carries the session's token.
MACHINE_POSTS = {"texts.delivery_receipt", "locations.osmand"}


def test_every_post_without_its_csrf_token_is_refused(app, ids, make_user):
    """Logged in, a POST to any route but the machines' is refused before its view runs,
    whatever the route: no view, blueprint or setting has left CSRF protection off."""
    client = app.test_client()
    assert login(client, make_user(Role.ADMIN)).status_code == 302
    posts = [(rule, view) for rule, method, view in _routes(app) if method == "POST" and rule.endpoint != "auth.logout"]
    assert len(posts) > 60
    for rule, _view in posts:
        response = client.post(_url(rule, ids), data={})
        refused = response.status_code == 400 and "Your form could not be sent" in response.get_data(as_text=True)
        assert refused is (rule.endpoint not in MACHINE_POSTS), (rule.rule, response.status_code)
    # Logging out is a POST too, and needs the token as well.
    assert client.post("/logout", data={}).status_code == 400
