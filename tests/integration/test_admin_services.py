"""Admin: the support services officers refer victims to, and caseworkers' accounts."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEntry, ReferralStatus, Role, SupportService, User
from app.services import ValidationFailed, referral_queries, support_services
from app.services.access import visible_referrals
from app.services.casework import accept, inbox
from app.timeutil import utcnow
from tests.integration.conftest import PASSWORD, login
from tests.integration.factories import sent_referral, served_case, support_service
from tests.support import count_queries


def _service(name: str) -> SupportService:
    return db.session.scalars(select(SupportService).where(SupportService.name == name)).one()


def test_admin_adds_a_service_and_it_is_offered_for_referrals(client, login_as):
    admin, token = login_as(Role.ADMIN)
    response = client.post("/admin/services", data={"csrf_token": token, "name": "  Eastbury   Women's Aid ", "area": "East"})
    assert response.status_code == 302
    service = _service("Eastbury Women's Aid")
    assert (service.area, service.active) == ("East", True)
    client.post("/admin/services", data={"csrf_token": token, "name": "Northshire Helpline", "area": ""})
    assert _service("Northshire Helpline").area is None
    html = client.get("/admin/services").get_data(as_text=True)
    assert "Eastbury Women&#39;s Aid" in html and "Force-wide" in html and "Active" in html
    # Area services for the case's area first, then force-wide, then the rest.
    assert [s.name for s in referral_queries.active_services("East")] == ["Eastbury Women's Aid", "Northshire Helpline"]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "service.added").order_by(AuditEntry.id))
    assert entry.user_id == admin.id and entry.detail["name"] == "Eastbury Women's Aid" and entry.detail["area"] == "East"


def test_duplicate_names_bad_areas_and_blank_names_are_refused_with_input_kept(client, login_as):
    _, token = login_as(Role.ADMIN)
    client.post("/admin/services", data={"csrf_token": token, "name": "Eastbury Women's Aid", "area": "East"})
    response = client.post("/admin/services", data={"csrf_token": token, "name": "EASTBURY women's aid ", "area": "West"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "A support service with this name already exists" in html and 'value="EASTBURY women&#39;s aid "' in html
    html = client.post("/admin/services", data={"csrf_token": token, "name": "Atlantis Aid", "area": "Atlantis"}).get_data(as_text=True)
    assert "Choose an area from the list, or Force-wide" in html and 'value="Atlantis Aid"' in html
    html = client.post("/admin/services", data={"csrf_token": token, "name": " \x00 ", "area": ""}).get_data(as_text=True)
    assert "Enter the name of the support service" in html
    html = client.post("/admin/services", data={"csrf_token": token, "name": "x" * 121, "area": ""}).get_data(as_text=True)
    assert "120 characters or fewer" in html
    assert db.session.scalar(select(func.count(SupportService.id))) == 1


def test_the_service_refuses_bad_input_directly(app, make_user):
    admin = make_user(Role.ADMIN)
    support_services.add_service(admin, "Westhaven Refuge", "West", areas=["North", "West"])
    with pytest.raises(ValidationFailed) as exc:
        support_services.add_service(admin, "westhaven refuge", "South", areas=["North", "West"])
    assert exc.value.errors == {"name": "A support service with this name already exists",
                                "area": "Choose an area from the list, or Force-wide"}


def test_deactivating_asks_first_shows_what_it_has_and_keeps_history(client, login_as, make_user):
    officer = make_user(Role.OFFICER)
    service = support_service("Northshire Women's Aid")
    caseworker = make_user(Role.CASEWORKER, service_id=service.id)
    _, referral = sent_referral(officer, service)
    admin, token = login_as(Role.ADMIN)
    page = client.get(f"/admin/services/{service.id}/active")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Deactivate Northshire Women&#39;s Aid?" in html and "Yes, deactivate it" in html
    assert "Its 1 open referral stays with it, and its 1 caseworker can still work on them" in html
    db.session.refresh(service)
    assert service.active  # a GET changes nothing

    assert client.post(f"/admin/services/{service.id}/active", data={"csrf_token": token, "active": "no"}).status_code == 302
    db.session.refresh(service)
    assert not service.active
    assert service.id not in {s.id for s in referral_queries.active_services()}
    assert "Inactive" in client.get("/admin/services").get_data(as_text=True)
    # The referral already sent stays with the service, and its caseworker still sees it.
    db.session.refresh(referral)
    assert referral.service_id == service.id and referral.status is ReferralStatus.SENT
    assert db.session.scalars(visible_referrals(caseworker)).all() == [referral]
    # The same page submitted again (a second tab, a double-click) changes nothing.
    client.post(f"/admin/services/{service.id}/active", data={"csrf_token": token, "active": "no"})
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action.like("service.%"))).all()
    assert [(e.action, e.detail["caseworkers"], e.detail["open_referrals"]) for e in entries] == [("service.deactivated", 1, 1)]

    assert "Reactivate Northshire Women&#39;s Aid?" in client.get(f"/admin/services/{service.id}/active").get_data(as_text=True)
    client.post(f"/admin/services/{service.id}/active", data={"csrf_token": token, "active": "yes"})
    db.session.refresh(service)
    assert service.active and service.id in {s.id for s in referral_queries.active_services()}
    assert db.session.scalar(select(AuditEntry.action).order_by(AuditEntry.id.desc())) == "service.reactivated"


def test_a_confirmation_without_its_choice_changes_nothing(client, login_as):
    service = support_service()
    _, token = login_as(Role.ADMIN)
    for value in ("", "maybe", "\x00"):
        response = client.post(f"/admin/services/{service.id}/active", data={"csrf_token": token, "active": value})
        assert response.status_code == 200 and "Use the button on this page" in response.get_data(as_text=True)
    db.session.refresh(service)
    assert service.active
    assert client.get("/admin/services/999999/active").status_code == 404


def test_only_admins_reach_the_services_pages(client, login_as):
    service = support_service()
    _, token = login_as(Role.OFFICER)
    assert client.get("/admin/services").status_code == 403
    assert client.post("/admin/services", data={"csrf_token": token, "name": "Sneaky Aid", "area": ""}).status_code == 403
    assert client.get(f"/admin/services/{service.id}/active").status_code == 403
    assert client.post(f"/admin/services/{service.id}/active", data={"csrf_token": token, "active": "no"}).status_code == 403
    db.session.refresh(service)
    assert service.active and db.session.scalar(select(func.count(SupportService.id))) == 1


def test_the_services_page_runs_the_same_statements_however_many_services(client, login_as, make_user):
    login_as(Role.ADMIN)
    officer = make_user(Role.OFFICER)
    support_service("Service A")
    before = count_queries(client, "/admin/services")
    for n in range(5):
        service = support_service(f"Service B{n}")
        make_user(Role.CASEWORKER, service_id=service.id)
        sent_referral(officer, service)
    assert count_queries(client, "/admin/services") == before
    rows = {r.service.name: r for r in support_services.services_with_counts()}
    assert (rows["Service B0"].caseworkers, rows["Service B0"].open_referrals) == (1, 1)
    assert (rows["Service A"].caseworkers, rows["Service A"].open_referrals) == (0, 0)


def test_a_caseworker_needs_a_service_and_then_sees_only_its_referrals(client, login_as, make_user):
    officer = make_user(Role.OFFICER)
    ours, theirs = support_service("Northshire Women's Aid"), support_service("Southgate Refuge", "South")
    retired = support_service("Old Helpline")
    retired.active = False
    db.session.commit()
    _, mine = sent_referral(officer, ours)
    sent_referral(officer, theirs)
    served_case(officer)  # a referral still with police: never in any inbox
    _, token = login_as(Role.ADMIN)

    page = client.get("/admin/users/new").get_data(as_text=True)
    assert "Support service (caseworkers only)" in page and "Northshire Women&#39;s Aid" in page and "Old Helpline" not in page
    data = {"csrf_token": token, "full_name": "Jo Caseworker", "email": "jo@aid.example.org", "role": "caseworker",
            "rank": "", "collar_number": "", "area": "", "service_id": "", "password": "a long enough password"}
    response = client.post("/admin/users/new", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Choose the support service the caseworker works for" in html
    assert 'value="Jo Caseworker"' in html
    for refused in (str(retired.id), "99999999999999999999", "abc"):
        html = client.post("/admin/users/new", data=data | {"service_id": refused}).get_data(as_text=True)
        assert "Choose the support service the caseworker works for" in html
    assert db.session.scalar(select(User).where(User.email == "jo@aid.example.org")) is None

    assert client.post("/admin/users/new", data=data | {"service_id": str(ours.id)}).status_code == 302
    caseworker = db.session.scalars(select(User).where(User.email == "jo@aid.example.org")).one()
    assert caseworker.service_id == ours.id
    assert db.session.scalars(visible_referrals(caseworker)).all() == [mine]
    accept(caseworker, mine)
    assert db.session.scalars(visible_referrals(caseworker)).all() == [mine]
    users_page = client.get("/admin/users").get_data(as_text=True)
    assert "Jo Caseworker" in users_page and "Northshire Women&#39;s Aid" in users_page

    # Their inbox (the casework service behind /referrals/inbox) holds that referral alone.
    assert [row.referral.id for row in inbox(caseworker, utcnow())] == [mine.id]
    assert login(client.application.test_client(), caseworker, "a long enough password").status_code == 302


def test_a_service_chosen_for_a_non_caseworker_is_ignored(client, login_as):
    service = support_service()
    _, token = login_as(Role.ADMIN)
    data = {"csrf_token": token, "full_name": "Pat Officer", "email": "pat@test.police.uk", "role": "officer", "rank": "PC",
            "collar_number": "77", "area": "North", "service_id": str(service.id), "password": PASSWORD}
    assert client.post("/admin/users/new", data=data).status_code == 302
    assert db.session.scalars(select(User).where(User.email == "pat@test.police.uk")).one().service_id is None
