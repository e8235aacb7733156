"""The dashboard's tasks that tell an officer what needs them: an application returned or
refused, a caseworker's concern not acted on within 24 hours, a referral its service has not
accepted after one working day; for officers only, scoped by area, in constant statements."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from bs4 import BeautifulSoup

from app import timeutil
from app.domain.calendar import LONDON
from app.extensions import db
from app.models import DecisionOutcome, Role
from app.services import authorisation, casework, referrals
from app.services.calendar import add_extra_bank_holiday, load_calendar
from app.services.referrals import ReferralSettings
from app.timeutil import utcnow
from tests.integration.conftest import (
    DEFAULT_NOW,
    ClientRequest,
    heading,
    keep_session_alive,
    login,
    normalize_spaces,
)
from tests.integration.factories import all_met, make_authoriser, sent_referral, submitted_case, support_service
from tests.support import count_queries


def L(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


def group(page, group_id: str) -> list[str]:
    """The lines of one group of the dashboard's task list ([] when it is not shown)."""
    section = page.select_one(f"#tasks #{group_id}")
    return [normalize_spaces(li.get_text()) for li in section.select("li")] if section else []


def decide(case, outcome: DecisionOutcome, rationale: str, authoriser=None):
    return authorisation.decide(
        authoriser or make_authoriser(), case, authorisation.current_application(case), outcome=outcome,
        answers=all_met(case), rationale=rationale, calendar=load_calendar(), referral_settings=ReferralSettings())


def tasks_of(app, user):
    """The dashboard's tasks as `user` sees them, on a client of their own."""
    client = app.test_client()
    assert login(client, user).status_code == 302
    return ClientRequest(client).get("cases.tasks")


def at(client, instant: datetime) -> None:
    timeutil.set_frozen(instant)
    keep_session_alive(client, instant)


def test_a_returned_application_is_a_task_with_the_reason_until_submitted_again(client_request, make_user):
    officer = client_request.login_as(Role.OFFICER, area="North")
    case = submitted_case(officer)
    authoriser = make_authoriser()
    decide(case, DecisionOutcome.RETURN, "Say where P will stay tonight.", authoriser)
    page = client_request.get("cases.tasks")
    [line] = group(page, "application-tasks")
    assert line == (f"{case.reference} Adam Testperson: Returned for more information by {authoriser.display_name}, "
                    "Mon 16 Nov 2026, 10:00: Say where P will stay tonight.")
    assert page.select_one("#application-tasks a")["href"] == f"/cases/{case.id}/application"
    authorisation.submit(officer, case)
    assert group(client_request.get("cases.tasks"), "application-tasks") == []


def test_a_refusal_is_a_task_for_seven_days(client, client_request):
    officer = client_request.login_as(Role.OFFICER)
    case = submitted_case(officer)
    decide(case, DecisionOutcome.REFUSE, "Not necessary: P is remanded.")
    [line] = group(client_request.get("cases.tasks"), "application-tasks")
    assert line.startswith(f"Refused {case.reference} Adam Testperson: Refused by Supt Authoriser")
    assert line.endswith("Not necessary: P is remanded.")
    at(client, DEFAULT_NOW + timedelta(days=7) - timedelta(minutes=1))
    assert group(client_request.get("cases.tasks"), "application-tasks") != []
    at(client, DEFAULT_NOW + timedelta(days=7, minutes=1))
    assert group(client_request.get("cases.tasks"), "application-tasks") == []


def test_decision_tasks_are_for_officers_who_may_read_the_case(app, make_user):
    north = make_user(Role.OFFICER, area="North")
    case = submitted_case(north)
    decide(case, DecisionOutcome.RETURN, "More on the children.")
    assert group(tasks_of(app, make_user(Role.OFFICER, area="South")), "application-tasks") == []
    # A supervisor reads the case, but does not edit applications.
    assert group(tasks_of(app, make_user(Role.SUPERVISOR)), "application-tasks") == []
    assert len(group(tasks_of(app, make_user(Role.OFFICER, area="North")), "application-tasks")) == 1


def test_a_concern_not_acted_on_within_24_hours_is_marked(client, client_request, make_user):
    officer = client_request.login_as(Role.OFFICER)
    service = support_service()
    caseworker = make_user(Role.CASEWORKER, service_id=service.id)
    case, referral = sent_referral(officer, service)
    concern = casework.report_concern(caseworker, referral, observed_at=utcnow(), what="P seen outside.")
    [line] = group(client_request.get("cases.tasks"), "referral-concerns")
    assert "Over 24 hours" not in line and "Not acted on" not in line
    at(client, DEFAULT_NOW + timedelta(hours=23, minutes=59))
    assert "Over 24 hours" not in group(client_request.get("cases.tasks"), "referral-concerns")[0]
    at(client, DEFAULT_NOW + timedelta(hours=26))
    [line] = group(client_request.get("cases.tasks"), "referral-concerns")
    assert line.startswith(f"Over 24 hours {case.reference} Adam Testperson: reported Mon 16 Nov 2026, 10:00")
    assert "Not acted on for 1 day 2 h." in line
    referrals.action_concern(officer, concern, case, "Breach recorded.")
    assert group(client_request.get("cases.tasks"), "referral-concerns") == []


def test_a_referral_not_accepted_after_one_working_day(client, client_request, make_user):
    officer = client_request.login_as(Role.OFFICER)
    service = support_service("Northshire Women's Aid")
    case, referral = sent_referral(officer, service)  # Mon 16 Nov 10:00
    at(client, L("2026-11-17 23:59"))  # Tuesday, the working day after: still in time
    assert group(client_request.get("cases.tasks"), "unaccepted-referrals") == []
    at(client, L("2026-11-18 00:00"))
    [line] = group(client_request.get("cases.tasks"), "unaccepted-referrals")
    assert line == (f"Not accepted {case.reference} Beth Testperson: Sent to Northshire Women's Aid Mon 16 Nov 2026, "
                    "10:00 and not accepted within a working day (by midnight at the end of Tue 17 Nov 2026): contact the service")
    casework.accept(make_user(Role.CASEWORKER, service_id=service.id), referral)
    assert group(client_request.get("cases.tasks"), "unaccepted-referrals") == []


def test_a_bank_holiday_an_admin_added_is_not_a_working_day(app, client, client_request, make_user):
    officer = client_request.login_as(Role.OFFICER)
    add_extra_bank_holiday(make_user(Role.ADMIN), date(2026, 11, 17), "A day of mourning", ReferralSettings())
    sent_referral(officer, support_service())
    at(client, L("2026-11-18 09:00"))
    assert group(client_request.get("cases.tasks"), "unaccepted-referrals") == []
    at(client, L("2026-11-19 00:00"))
    assert len(group(client_request.get("cases.tasks"), "unaccepted-referrals")) == 1
    # Chasing the service is the officers' work; a South officer cannot read the North case.
    assert group(tasks_of(app, make_user(Role.SUPERINTENDENT)), "unaccepted-referrals") == []
    assert group(tasks_of(app, make_user(Role.OFFICER, area="South")), "unaccepted-referrals") == []
    assert len(group(tasks_of(app, make_user(Role.OFFICER, area="North")), "unaccepted-referrals")) == 1


def test_the_dashboard_fetches_its_tasks_as_it_loads_and_runs_none_of_their_queries(app, client, client_request):
    """The clocks are not held up by the tasks: the dashboard holds a region that htmx fills
    from /dashboard/tasks as the page loads (a link to that page without JavaScript), and no
    task query runs for the dashboard itself."""
    officer = client_request.login_as(Role.OFFICER)
    decide(submitted_case(officer), DecisionOutcome.RETURN, "More please.")
    page = client_request.get("cases.dashboard")
    [region] = page.select("#tasks")
    assert region["hx-get"] == "/dashboard/tasks" and region["hx-trigger"] == "load"
    assert region["hx-swap"] == "outerHTML"
    assert region.select_one("noscript a")["href"] == "/dashboard/tasks"
    assert region.select("section") == []
    statements = []

    def note(_conn, _cursor, statement, *_args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", note)
    try:
        assert client.get("/dashboard").status_code == 200
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", note)
    assert not [s for s in statements if "authorisation_decision" in s], "a task query ran for the dashboard"
    fragment = client.get("/dashboard/tasks", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert fragment.lstrip().startswith('<div class="app-tasks" id="tasks">') and "<html" not in fragment
    assert "More please." in fragment and "What needs you" in fragment


def test_the_tasks_page_says_when_nothing_needs_you_and_the_empty_fragment_shows_nothing(client, client_request):
    client_request.login_as(Role.OFFICER)
    page = client_request.get("cases.tasks")
    assert heading(page) == "What needs you"
    assert "Nothing needs you now." in normalize_spaces(page.select_one("#tasks").get_text())
    fragment = client.get("/dashboard/tasks", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert BeautifulSoup(fragment, "html.parser").select_one("#tasks").get_text(strip=True) == ""
    assert "app-tasks" not in fragment  # no empty blue bar on the dashboard


def test_the_task_list_is_one_list_of_groups_of_the_same_shape(client_request, make_user):
    officer = client_request.login_as(Role.OFFICER)
    service = support_service()
    case, referral = sent_referral(officer, service)
    casework.report_concern(make_user(Role.CASEWORKER, service_id=service.id), referral, observed_at=utcnow(),
                            what="P seen outside.")
    decide(submitted_case(officer), DecisionOutcome.RETURN, "More please.")
    page = client_request.get("cases.tasks")
    [tasks] = page.select("#tasks")
    ids = [s["id"] for s in tasks.select("section")]
    assert ids == ["application-tasks", "referral-tasks", "referral-concerns"]
    for section in tasks.select("section"):
        assert section["aria-labelledby"] == f"{section['id']}-title"
        for li in section.select("li"):
            assert li.select_one("a.govuk-link")["href"].startswith("/cases/")


def test_dashboard_statements_do_not_grow_with_the_new_tasks(app, client, login_as, make_user):
    app.config["DASHBOARD_TASK_LINES"] = 50  # every line shown: the statements must not follow them
    officer, _ = login_as(Role.OFFICER)
    service = support_service()
    caseworker = make_user(Role.CASEWORKER, service_id=service.id)
    authoriser = make_authoriser()

    def add_some():
        decide(submitted_case(officer), DecisionOutcome.RETURN, "More please.", authoriser)
        decide(submitted_case(officer), DecisionOutcome.REFUSE, "No.", authoriser)
        with timeutil.frozen_at(DEFAULT_NOW - timedelta(days=5)):
            _, referral = sent_referral(officer, service)
            casework.report_concern(caseworker, referral, observed_at=utcnow(), what="P seen.")

    add_some()
    few = count_queries(client, "/dashboard/tasks")
    for _ in range(3):
        add_some()
    html = client.get("/dashboard/tasks").get_data(as_text=True)
    assert html.count("Returned for more information by") == 4 and html.count("Refused by") == 4
    assert html.count("not accepted within a working day") == 4 and html.count("Over 24 hours") == 4
    assert count_queries(client, "/dashboard/tasks") == few
