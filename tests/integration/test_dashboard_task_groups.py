"""The dashboard's task groups at scale (issue 18): a few lines of each group, the most
pressing first, then "Show all" to the group's own page; one builder whatever the limit;
statements that do not grow with the lines shown."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import update

from app import timeutil
from app.domain.calendar import LONDON
from app.extensions import db
from app.models import DecisionOutcome, Referral, ReferralStatus, Role
from app.services import casework
from app.timeutil import utcnow
from app.web.cases.task_groups import KINDS
from tests.integration.conftest import DEFAULT_NOW, ClientRequest, login, normalize_spaces
from tests.integration.factories import granted_case, make_authoriser, sent_referral, served_case, submitted_case, support_service
from tests.integration.test_dashboard_tasks import decide
from tests.support import count_queries


def L(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


def lines_of(page, group_id: str) -> list[str]:
    section = page.select_one(f"#{group_id}")
    return [normalize_spaces(li.get_text()) for li in section.select("li")] if section else []


def show_all(page, group_id: str):
    section = page.select_one(f"#{group_id}")
    return section.select_one("a[href^='/dashboard/tasks/']") if section else None


def test_a_group_shows_five_lines_then_show_all_to_its_own_page(client_request):
    officer = client_request.login_as(Role.OFFICER)
    for day in (9, 10, 11):  # each served case: a referral overdue (a breach) and a MARAC task
        served_case(officer, served_at=L(f"2026-11-{day:02d} 14:00"))
    page = client_request.get("cases.tasks")
    lines = lines_of(page, "referral-tasks")
    assert len(lines) == 5
    assert [line.startswith("Code breach") for line in lines] == [True, True, True, False, False]
    link = show_all(page, "referral-tasks")
    assert link["href"] == "/dashboard/tasks/referral-tasks"
    assert normalize_spaces(link.get_text()) == "Show all: Victim referrals: to do"

    whole = client_request.get("cases.task_group", group_id="referral-tasks")
    assert normalize_spaces(whole.select_one("h1").get_text()) == "Victim referrals: to do"
    every = lines_of(whole, "referral-tasks")
    assert len(every) == 6 and every[:5] == lines  # the same builder: the same lines, in the same order
    assert show_all(whole, "referral-tasks") is None


def test_a_group_that_fits_has_no_show_all(client_request):
    officer = client_request.login_as(Role.OFFICER)
    served_case(officer, served_at=L("2026-11-11 14:00"))
    page = client_request.get("cases.tasks")
    assert len(lines_of(page, "referral-tasks")) == 2
    assert show_all(page, "referral-tasks") is None


def test_a_code_breach_is_never_hidden_behind_lines_below_it(client_request):
    """Referrals a service returned come due earlier than the one overdue: before issue 18 the
    query took the earliest due and sorted breaches first only afterwards, so a cap of five
    would have shown five returned referrals and no breach."""
    officer = client_request.login_as(Role.OFFICER)
    returned = [served_case(officer, served_at=L("2026-11-09 10:00") + timedelta(minutes=i)) for i in range(6)]
    db.session.execute(update(Referral).where(Referral.case_id.in_([c.id for c in returned]))
                       .values(status=ReferralStatus.RETURNED))
    db.session.commit()
    late = served_case(officer, served_at=L("2026-11-11 14:00"))
    lines = lines_of(client_request.get("cases.tasks"), "referral-tasks")
    assert len(lines) == 5
    assert lines[0].startswith(f"Code breach {late.reference}")
    assert all("returned by the service" in line for line in lines[1:])


@pytest.mark.parametrize("group_id", ["nope", "referral-tasks.", "REFERRAL-TASKS", "x" * 300, "%00", "..%2Fadmin"])
def test_an_unknown_group_is_404(client_request, group_id):
    client_request.login_as(Role.OFFICER)
    client_request.get(f"/dashboard/tasks/{group_id}", _expected_status=404)


def test_a_groups_page_has_the_dashboards_role_checks(app, make_user):
    served_case(make_user(Role.OFFICER, area="North"), served_at=L("2026-11-11 14:00"))
    for role in Role:
        user = make_user(role, area="North")
        client = app.test_client()
        assert login(client, user).status_code == 302
        dashboard = client.get("/dashboard").status_code
        for group_id in KINDS:
            assert client.get(f"/dashboard/tasks/{group_id}").status_code == dashboard, (role, group_id)


def test_a_group_for_officers_only_is_empty_for_others(app, make_user):
    officer = make_user(Role.OFFICER, area="North")
    decide(submitted_case(officer), DecisionOutcome.RETURN, "More please.")
    for user, expected in ((officer, 1), (make_user(Role.SUPERVISOR, area="North"), 0),
                           (make_user(Role.OFFICER, area="South"), 0)):
        client = app.test_client()
        assert login(client, user).status_code == 302
        page = ClientRequest(client).get("cases.task_group", group_id="application-tasks")
        assert len(lines_of(page, "application-tasks")) == expected
        assert ("Nothing to do here." in page.get_text()) == (expected == 0)


# -- statements ---------------------------------------------------------------------------


def _add_tasks(officer, service, caseworker, authoriser) -> None:
    """A line in most groups: a returned and a refused application, a referral overdue and
    its MARAC task, one not accepted and a caseworker's concern, and a granted order (the
    victim to tell, its geofence with no place, ending soon)."""
    decide(submitted_case(officer), DecisionOutcome.RETURN, "More please.", authoriser)
    decide(submitted_case(officer), DecisionOutcome.REFUSE, "No.", authoriser)
    served_case(officer, served_at=L("2026-11-11 14:00"))
    with timeutil.frozen_at(DEFAULT_NOW - timedelta(days=5)):
        _, referral = sent_referral(officer, service)
        casework.report_concern(caseworker, referral, observed_at=utcnow(), what="P seen.")
    granted_case(officer)  # ORDER_ENDING_SOON_DAYS is 30 below: it ends soon


def test_statements_do_not_grow_with_the_lines_of_every_group(app, client, login_as, make_user):
    app.config["ORDER_ENDING_SOON_DAYS"] = 30
    officer, _ = login_as(Role.OFFICER)
    service = support_service()
    caseworker = make_user(Role.CASEWORKER, service_id=service.id)
    authoriser = make_authoriser()
    _add_tasks(officer, service, caseworker, authoriser)

    def counts():
        return ([count_queries(client, "/dashboard"), count_queries(client, "/dashboard/tasks")]
                + [count_queries(client, f"/dashboard/tasks/{g}") for g in KINDS])

    few = counts()
    # Pinned, so a statement more is a choice. The dashboard itself runs no task query (its
    # tasks come from /dashboard/tasks as it loads); the tasks, every group's query or two
    # (issue 18: the lines' eager loads are joined, not selected apart; 37 before). Each
    # group's page is the user, its query or two and their loads.
    assert few[0] <= 10, few
    assert few[1] <= 20, few
    most = {"application-tasks": 3, "referral-tasks": 4, "referral-concerns": 3, "unaccepted-referrals": 3,
            "victim-told-tasks": 2, "geofence-tasks": 2, "notification-tasks": 3, "order-tasks": 3, "text-tasks": 4,
            "orders-ending": 2}
    assert [n <= most[g] for g, n in zip(KINDS, few[2:], strict=True)] == [True] * len(KINDS), few
    for _ in range(6):  # more lines than the dashboard shows of each group
        _add_tasks(officer, service, caseworker, authoriser)
    html = client.get("/dashboard/tasks").get_data(as_text=True)
    for group_id in ("application-tasks", "referral-tasks", "referral-concerns", "unaccepted-referrals",
                     "victim-told-tasks", "geofence-tasks", "orders-ending"):
        assert f'href="/dashboard/tasks/{group_id}"' in html, group_id
    assert len(lines_of(BeautifulSoup(html, "html.parser"), "geofence-tasks")) == 5
    geofences = BeautifulSoup(client.get("/dashboard/tasks/geofence-tasks").get_data(as_text=True), "html.parser")
    assert len(lines_of(geofences, "geofence-tasks")) == 7
    assert counts() == few
