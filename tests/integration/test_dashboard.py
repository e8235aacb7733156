from datetime import timedelta

from app import timeutil
from app.domain.deadlines import hearing_deadline
from app.domain.timefmt import format_instant
from app.models import Role
from tests.integration.conftest import DEFAULT_NOW, keep_session_alive, normalize_spaces
from tests.integration.factories import open_case, served_case
from tests.support import count_queries

COLUMNS = ["Reference", "Perpetrator", "Status", "Clock", "Officer in the case", "Area"]


def case_rows(page):
    # In the table of cases: the panels above it (referrals, texts) name cases too.
    return page.select_one("tbody#case-rows").find_all("tr")


def references(page) -> list[str]:
    return [row.td.a.get_text(strip=True) for row in case_rows(page)]


def row_of(page, reference: str) -> dict:
    """The table row whose Reference cell links `reference`, as {column: cell}."""
    head = page.select("table thead th")
    if head:  # the whole page (the htmx partial is the table body alone)
        assert [normalize_spaces(th.get_text()) for th in head] == COLUMNS
    [row] = [row for row in case_rows(page) if row.td.a and row.td.a.get_text(strip=True) == reference]
    return dict(zip(COLUMNS, row.find_all("td"), strict=True))


def test_dashboard_rows_show_reference_perpetrator_status_and_clock(client_request):
    officer = client_request.login_as(Role.OFFICER)
    served = served_case(officer, served_at=DEFAULT_NOW - timedelta(hours=1))
    draft = open_case(officer)
    page = client_request.get("cases.dashboard")
    row = row_of(page, served.reference)
    deadline = hearing_deadline(served.served_at, 48)
    assert normalize_spaces(row["Perpetrator"].get_text()) == "Adam Testperson"
    assert normalize_spaces(row["Status"].strong.get_text()) == "Served"
    clock = row["Clock"]
    assert clock.select_one(".app-clock__name").get_text() == "Hearing deadline"
    assert clock.select_one(".app-clock__deadline").get_text() == format_instant(deadline)
    assert clock["data-clock-status"] == "green"
    assert clock.select_one(".app-clock").get_text() == "1 day 23 h left"
    assert row_of(page, draft.reference)["Clock"]["data-clock-status"] == "none"
    rows = page.select_one("tbody#case-rows")
    assert rows["hx-trigger"] == "every 30s" and rows["hx-get"] == "/dashboard/rows"


def test_clock_turns_amber_at_12_hours_and_red_at_4_hours_and_shows_overdue(client, client_request):
    officer = client_request.login_as(Role.OFFICER)
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
        keep_session_alive(client, now)  # the jump in time is not idleness
        rows = client_request.get("cases.dashboard_rows", _headers={"HX-Request": "true"})
        clock = row_of(rows, case.reference)["Clock"]
        assert clock["data-clock-status"] == status, (now, clock)
        assert clock.select_one(".app-clock").get_text() == text


def test_most_urgent_case_is_listed_first(client_request):
    officer = client_request.login_as(Role.OFFICER)
    later = served_case(officer, served_at=DEFAULT_NOW - timedelta(hours=1))
    sooner = served_case(officer, served_at=DEFAULT_NOW - timedelta(hours=30))
    draft = open_case(officer)
    page = client_request.get("cases.dashboard")
    assert references(page) == [sooner.reference, later.reference, draft.reference]


def test_empty_dashboard_says_so(client_request):
    client_request.login_as(Role.OFFICER)
    [row] = case_rows(client_request.get("cases.dashboard"))
    assert normalize_spaces(row.get_text()).startswith("There are no live cases")


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
