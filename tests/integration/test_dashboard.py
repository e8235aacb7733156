from datetime import timedelta

from app import timeutil
from app.domain.deadlines import hearing_deadline
from app.domain.timefmt import format_instant
from app.models import Role
from tests.integration.conftest import DEFAULT_NOW
from tests.integration.factories import open_case, served_case
from tests.support import count_queries


def row_of(html: str, reference: str) -> str:
    # In the table of cases: the panels above it (referrals, texts) name cases too.
    start = html.index(reference, html.find('id="case-rows"') + 1)
    return html[start: html.index("</tr>", start)]


def test_dashboard_rows_show_reference_perpetrator_status_and_clock(client, login_as):
    officer, _ = login_as(Role.OFFICER)
    served = served_case(officer, served_at=DEFAULT_NOW - timedelta(hours=1))
    draft = open_case(officer)
    html = client.get("/dashboard").get_data(as_text=True)
    row = row_of(html, served.reference)
    deadline = hearing_deadline(served.served_at, 48)
    assert "Adam Testperson" in row and "Served" in row
    assert "Hearing deadline" in row and format_instant(deadline) in row
    assert 'data-clock-status="green"' in row and "1 day 23 h left" in row
    assert 'data-clock-status="none"' in row_of(html, draft.reference)
    assert 'hx-trigger="every 30s"' in html and 'hx-get="/dashboard/rows?page=1"' in html


def test_clock_turns_amber_at_12_hours_and_red_at_4_hours_and_shows_overdue(client, login_as):
    officer, _ = login_as(Role.OFFICER)
    case = served_case(officer, served_at=DEFAULT_NOW - timedelta(hours=1))  # Mon: due Wed 09:00 UTC
    deadline = hearing_deadline(case.served_at, 48)
    for now, status, text in [
        (deadline - timedelta(hours=12, minutes=1), "green", "12 h 1 min left"),
        (deadline - timedelta(hours=12), "amber", "12 h left"),
        (deadline - timedelta(hours=4, minutes=1), "amber", "4 h 1 min left"),
        (deadline - timedelta(hours=4), "red", "4 h left"),
        (deadline + timedelta(minutes=90), "red", "Overdue by 1 h 30 min"),
    ]:
        timeutil.set_frozen(now)
        with client.session_transaction() as session:
            session["last_seen"] = now.isoformat()  # the jump in time is not idleness
        row = row_of(client.get("/dashboard/rows", headers={"HX-Request": "true"}).get_data(as_text=True), case.reference)
        assert f'data-clock-status="{status}"' in row, (now, row)
        assert text in row


def test_most_urgent_case_is_listed_first(client, login_as):
    officer, _ = login_as(Role.OFFICER)
    later = served_case(officer, served_at=DEFAULT_NOW - timedelta(hours=1))
    sooner = served_case(officer, served_at=DEFAULT_NOW - timedelta(hours=30))
    draft = open_case(officer)
    html = client.get("/dashboard").get_data(as_text=True)
    assert html.index(sooner.reference) < html.index(later.reference) < html.index(draft.reference)


def test_empty_dashboard_says_so(client, login_as):
    login_as(Role.OFFICER)
    assert "There are no live cases" in client.get("/dashboard").get_data(as_text=True)


def test_pagination_keeps_every_case_reachable(app, client, login_as):
    app.config["DASHBOARD_PAGE_SIZE"] = 2
    officer, _ = login_as(Role.OFFICER)
    refs = [open_case(officer).reference for _ in range(5)]
    seen = ""
    for page in (1, 2, 3):
        seen += client.get(f"/dashboard?page={page}").get_data(as_text=True)
    assert all(ref in seen for ref in refs)
    assert client.get("/dashboard?page=99").status_code == 200  # clamped, not an error
    assert client.get("/dashboard?page=-3").status_code == 200


def test_dashboard_query_count_does_not_grow_with_cases(client, login_as):
    officer, _ = login_as(Role.OFFICER)
    for _ in range(2):
        served_case(officer)
    few = {url: count_queries(client, url) for url in ("/dashboard", "/dashboard/rows")}
    for _ in range(12):
        served_case(officer)
        open_case(officer)
    many = {url: count_queries(client, url) for url in ("/dashboard", "/dashboard/rows")}
    assert few == many
