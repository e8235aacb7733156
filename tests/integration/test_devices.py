"""Officers' work devices: an admin registers one (its identifier shown once, only its hash
kept), lists them and revokes one after a confirmation; `flask devices` does the same; every
change is audited without the identifier (issue 16, "Work devices and where they are")."""
from __future__ import annotations

import re

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry, Role, WorkDevice
from app.services import devices, users
from tests.integration.conftest import DEFAULT_NOW, normalize_spaces

URL = "/locations/osmand"
IDENTIFIER = re.compile(r"^[A-Za-z0-9_-]{43}$")


def report(client, identifier: str, seconds_ago: int = 10):
    stamp = int(DEFAULT_NOW.timestamp()) - seconds_ago
    return client.get(URL, query_string={"id": identifier, "lat": "53.48", "lon": "-2.24", "timestamp": str(stamp)})


def all_devices() -> list[WorkDevice]:
    return list(db.session.scalars(select(WorkDevice).order_by(WorkDevice.id)))


def test_an_admin_registers_a_device_and_sees_its_identifier_once(app, client, client_request, make_user):
    admin = client_request.login_as(Role.ADMIN)
    officer = make_user(Role.OFFICER, full_name="Sam Okafor")
    make_user(Role.SUPERVISOR, full_name="Not An Officer")
    page = client_request.get("/admin/devices/new")
    offered = [o.get_text() for o in page.select("#user_id option")]
    assert offered == ["Choose an officer", "Sam Okafor"]  # active officers only

    page = client_request.post("/admin/devices/new", {"user_id": str(officer.id), "name": "  Work  phone "},
                               _expected_status=200)
    assert client_request.response.headers["Cache-Control"] == "no-store"
    identifier = page.select_one("#device-identifier").get_text().strip()
    assert IDENTIFIER.match(identifier)
    assert page.select_one("#server-url").get_text() == "http://127.0.0.1:5000/locations/osmand"
    assert page.select_one("#setup-link").get_text() == (
        f"org.traccar.client://?url=http%3A%2F%2F127.0.0.1%3A5000%2Flocations%2Fosmand&id={identifier}")

    [device] = all_devices()
    assert (device.user_id, device.name, device.registered_by_id) == (officer.id, "Work phone", admin.id)
    assert device.identifier_hash == devices.identifier_hash(identifier) != identifier
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "device.registered")).one()
    assert entry.user_id == admin.id and entry.detail == {"device_id": device.id, "target_user_id": officer.id,
                                                          "name": "Work phone"}
    assert identifier not in str(entry.detail) and device.identifier_hash not in str(entry.detail)

    assert report(app.test_client(), identifier).status_code == 200
    listed = client_request.get("/admin/devices")
    row = normalize_spaces(listed.select_one("#devices tbody tr").get_text())
    assert "Sam Okafor" in row and "Work phone" in row and "Active" in row and "Mon 16 Nov 2026, 09:59" in row
    assert identifier not in str(listed)  # never shown again


def test_registering_refuses_a_missing_name_and_anyone_but_an_active_officer(client_request, make_user):
    client_request.login_as(Role.ADMIN)
    supervisor = make_user(Role.SUPERVISOR)
    gone = make_user(Role.OFFICER)
    users.deactivate(None, gone)
    officer = make_user(Role.OFFICER)
    for data, field, message in (
        ({"user_id": "", "name": "Phone"}, "user_id", "Choose the officer whose work device this is"),
        ({"user_id": str(supervisor.id), "name": "Phone"}, "user_id", "Choose the officer whose work device this is"),
        ({"user_id": str(gone.id), "name": "Phone"}, "user_id", "Choose the officer whose work device this is"),
        ({"user_id": "99999999999999", "name": "Phone"}, "user_id", "Choose the officer whose work device this is"),
        ({"user_id": str(officer.id), "name": "   "}, "name", "Enter a name for the device"),
        ({"user_id": str(officer.id), "name": "x" * 81}, "name", "80 characters or fewer"),
    ):
        page = client_request.post("/admin/devices/new", data, _expected_status=200)
        assert message in page.select_one(".govuk-error-summary").get_text(), data
        assert page.select_one(f"#{field}-error") is not None, data
    assert all_devices() == []


def test_the_service_refuses_devices_for_non_officers(make_user):
    import pytest

    from app.services import ValidationFailed

    with pytest.raises(ValidationFailed) as refused:
        devices.register(None, make_user(Role.ADMIN), "Phone")
    assert "officers" in refused.value.errors["user_id"]
    assert all_devices() == []


def test_revoking_asks_first_then_refuses_the_device_s_reports(app, client_request, make_user):
    admin = client_request.login_as(Role.ADMIN)
    officer = make_user(Role.OFFICER, full_name="Sam Okafor")
    registered = devices.register(admin, officer, "Work phone")
    device_client = app.test_client()
    assert report(device_client, registered.identifier).status_code == 200

    page = client_request.get(f"/admin/devices/{registered.device.id}/revoke")
    assert normalize_spaces(page.h1.get_text()) == "Revoke Work phone of Sam Okafor?"
    assert all_devices()[0].revoked_at is None  # a GET changes nothing

    client_request.post(f"/admin/devices/{registered.device.id}/revoke", {}, _expected_redirect="/admin/devices")
    device = all_devices()[0]
    assert device.revoked_at == DEFAULT_NOW and device.revoked_by_id == admin.id
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "device.revoked")).one()
    assert entry.user_id == admin.id and entry.detail["device_id"] == device.id
    assert report(device_client, registered.identifier, seconds_ago=5).status_code == 403
    row = normalize_spaces(client_request.get("/admin/devices").select_one("#devices tbody tr").get_text())
    assert "Revoked" in row and "Revoke " not in row
    # Revoking again changes nothing and says so.
    client_request.post(f"/admin/devices/{registered.device.id}/revoke", {}, _expected_redirect="/admin/devices")
    assert db.session.scalars(select(AuditEntry).where(AuditEntry.action == "device.revoked")).all() == [entry]
    client_request.get("/admin/devices/999999/revoke", _expected_status=404)


def test_a_revoke_without_its_csrf_token_is_refused(client_request, make_user):
    admin = client_request.login_as(Role.ADMIN)
    registered = devices.register(admin, make_user(Role.OFFICER), "Work phone")
    client_request.post(f"/admin/devices/{registered.device.id}/revoke", {}, _csrf_token=False, _expected_status=400)
    assert all_devices()[0].revoked_at is None


def test_the_cli_registers_lists_and_revokes(app, make_user):
    officer = make_user(Role.OFFICER, email="sam.okafor@test.police.uk")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["devices", "register", "--email", "Sam.Okafor@test.police.uk", "--name", "Work phone"])
    assert result.exit_code == 0, result.output
    identifier = re.search(r"only its hash is kept\): (\S+)", result.output).group(1)
    assert IDENTIFIER.match(identifier)
    assert "Server URL:        http://127.0.0.1:5000/locations/osmand" in result.output
    [device] = all_devices()
    assert device.user_id == officer.id and device.identifier_hash == devices.identifier_hash(identifier)
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "device.registered")).one()
    assert entry.user_id is None and identifier not in str(entry.detail)
    assert report(app.test_client(), identifier).status_code == 200

    listed = runner.invoke(args=["devices", "list"])
    assert listed.exit_code == 0
    assert "sam.okafor@test.police.uk" in listed.output and "latest position Mon 16 Nov 2026, 09:59" in listed.output
    assert identifier not in listed.output and "active" in listed.output

    revoked = runner.invoke(args=["devices", "revoke", "--id", str(device.id)])
    assert revoked.exit_code == 0 and "Revoked device" in revoked.output
    assert runner.invoke(args=["devices", "revoke", "--id", str(device.id)]).output.strip().endswith("already revoked")
    assert report(app.test_client(), identifier, seconds_ago=3).status_code == 403


def test_the_cli_refuses_unknown_accounts_devices_and_non_officers(app, make_user):
    make_user(Role.CASEWORKER, email="cw@test.police.uk")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["devices", "register", "--email", "nobody@test.police.uk", "--name", "Phone"])
    assert result.exit_code == 1 and "no account" in result.output
    result = runner.invoke(args=["devices", "register", "--email", "cw@test.police.uk", "--name", "Phone"])
    assert result.exit_code == 1 and "Work devices are for officers" in result.output
    for device_id in ("12345", "99999999999999"):
        result = runner.invoke(args=["devices", "revoke", "--id", device_id])
        assert result.exit_code == 1 and "no work device" in result.output
    assert all_devices() == []


def test_the_demo_officer_has_a_working_device_printed_at_every_seed(app):
    from app.demo import DEMO_DEVICE_IDENTIFIER

    runner = app.test_cli_runner()
    for _ in range(2):  # the identifier is printed again when the demo data is already there
        result = runner.invoke(args=["seed-demo"])
        assert result.exit_code == 0, result.output
        assert f"Device identifier {DEMO_DEVICE_IDENTIFIER}" in result.output
        assert "Server URL http://127.0.0.1:5000/locations/osmand" in result.output
    [device] = all_devices()
    assert device.user.email == "officer@demo.police.uk" and device.identifier_hash != DEMO_DEVICE_IDENTIFIER
    # What the printed curl command sends: a form POST without a timestamp.
    response = app.test_client().post(URL, data={"id": DEMO_DEVICE_IDENTIFIER, "lat": "53.4794", "lon": "-2.2453"})
    assert response.status_code == 200
