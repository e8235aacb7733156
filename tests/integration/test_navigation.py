"""The header's navigation and where each role lands after logging in, role by role."""
import re

import pytest

from app.models import Role
from tests.integration.conftest import login

NAV_LINK = re.compile(r'<li class="app-header__nav-item"><a href="([^"]+)">([^<]+)</a></li>')

EXPECTED_NAV = {
    Role.OFFICER: [("/dashboard", "Dashboard"), ("/my-cases", "My cases"), ("/patrol", "Patrol"), ("/cases", "All cases"),
                   ("/cases/new", "New case"), ("/referrals/breaches", "Referral breaches")],
    Role.INSPECTOR: [("/authorisations", "Awaiting decision"), ("/dashboard", "Dashboard"), ("/cases", "All cases"),
                     ("/patrol/tasking", "Welfare tasking")],
    Role.SUPERINTENDENT: [("/authorisations", "Awaiting decision"), ("/dashboard", "Dashboard"), ("/cases", "All cases")],
    Role.SUPERVISOR: [("/dashboard", "Dashboard"), ("/cases", "All cases"), ("/referrals/breaches", "Referral breaches"),
                      ("/patrol/tasking", "Welfare tasking"), ("/admin/texts/trial", "Text trial"),
                      ("/admin/texts/trial/evaluation", "Trial evaluation"), ("/handovers/leaver", "Hand over cases"),
                      ("/reports/figures", "Figures")],
    Role.CASEWORKER: [("/referrals/inbox", "Referrals")],
    Role.ADMIN: [("/admin/users", "Users"), ("/admin/calendar", "Bank holidays"), ("/admin/texts/", "Texts"),
                 ("/admin/services", "Support services"), ("/reports/figures", "Figures")],
}

EXPECTED_LANDING = {
    Role.OFFICER: "/dashboard",
    Role.SUPERVISOR: "/dashboard",
    Role.INSPECTOR: "/authorisations",
    Role.SUPERINTENDENT: "/authorisations",
    Role.CASEWORKER: "/referrals/inbox",
    Role.ADMIN: "/admin/",
}


def test_every_role_is_pinned():
    assert set(EXPECTED_NAV) == set(Role) == set(EXPECTED_LANDING)


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_navigation_and_landing_page(app, make_user, role):
    client = app.test_client()
    response = login(client, make_user(role))
    assert response.status_code == 302
    assert response.headers["Location"] == EXPECTED_LANDING[role]
    assert client.get("/").headers["Location"] == EXPECTED_LANDING[role]
    assert client.get("/login").headers["Location"] == EXPECTED_LANDING[role]
    html = client.get("/account").get_data(as_text=True)
    assert NAV_LINK.findall(html) == EXPECTED_NAV[role]
