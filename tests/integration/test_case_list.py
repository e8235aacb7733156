"""The list of every case (issue 15, section 1): filters, sorting, pages, scoping, bad filters."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.domain.regimes import RegimeCode
from app.extensions import db
from app.models import Case, CaseState, RiskLevel, Role
from app.timeutil import utcnow
from tests.integration.conftest import error_summary, normalize_spaces
from tests.integration.factories import open_case, served_case
from tests.support import count_queries


def listed(page) -> list[str]:
    return [a.get_text(strip=True) for a in page.select("table.app-table--stacked tbody td:first-child a")]


def heading(page) -> str:
    return normalize_spaces(page.select_one("#list-heading").get_text())


def _set(case, **values):
    db.session.execute(sa.update(Case).where(Case.id == case.id).values(**values))
    db.session.commit()


@pytest.fixture
def officer(client_request):
    return client_request.login_as(Role.OFFICER)


def test_closed_and_past_cases_are_listed_with_live_ones(client_request, officer):
    live = open_case(officer)
    closed = open_case(officer, incident_at=utcnow() - timedelta(days=400))
    _set(closed, state=CaseState.CLOSED)
    page = client_request.get("search.case_list")
    assert listed(page) == [live.reference, closed.reference]  # newest incident first
    assert heading(page) == "1 to 2 of 2 cases"
    assert listed(client_request.get("search.case_list", state="closed")) == [closed.reference]
    assert listed(client_request.get("search.case_list", state="live")) == [live.reference]
    assert listed(client_request.get("search.case_list", state="draft")) == [live.reference]


@pytest.mark.parametrize("args, expected", [
    ({"area": "South"}, ["south"]),
    ({"regime": "dapn"}, ["dapn"]),
    ({"risk": "high"}, ["high"]),
    ({"area": "North", "risk": "medium"}, ["north"]),
])
def test_filters(client_request, officer, args, expected):
    made = {
        "north": open_case(officer, area="North"),
        "south": open_case(officer, area="South"),
        "dapn": open_case(officer, area="East", regime=RegimeCode.DAPN),
        "high": open_case(officer, area="West", risk_level=RiskLevel.HIGH),
    }
    assert listed(client_request.get("search.case_list", **args)) == [made[k].reference for k in expected]


def test_officer_filter_and_the_filters_kept_in_links(client_request, officer, make_user):
    other = make_user(Role.OFFICER, full_name="Olive Other")
    mine = open_case(officer)
    theirs = open_case(officer, officer_in_case_id=other.id)
    page = client_request.get("search.case_list", officer=other.id, area="North")
    assert listed(page) == [theirs.reference]
    assert mine.reference not in listed(page)
    # The sort links keep the filters, so the filtered list can be bookmarked and re-sorted.
    link = page.select_one("th a[href*='sort=risk']")["href"]
    assert f"officer={other.id}" in link and "area=North" in link
    assert page.select_one("#f-officer option[selected]").get_text() == other.display_name


def test_date_range_of_incident_or_service(client_request, officer):
    now = utcnow()
    old = open_case(officer, incident_at=now - timedelta(days=30))
    served = served_case(officer, served_at=now - timedelta(days=2))
    recent = open_case(officer, incident_at=now - timedelta(hours=3))
    day = lambda d: f"{d.day}/{d.month}/{d.year}"  # noqa: E731 - typed the UK way
    page = client_request.get("search.case_list", **{"from": day(now - timedelta(days=31)), "to": day(now - timedelta(days=29))})
    assert listed(page) == [old.reference]
    page = client_request.get("search.case_list", dates="served", **{"from": day(now - timedelta(days=3))})
    assert listed(page) == [served.reference]
    page = client_request.get("search.case_list", **{"from": (now - timedelta(days=1)).date().isoformat()})
    assert listed(page) == [recent.reference]


def test_sorting(client_request, officer):
    now = utcnow()
    a = open_case(officer, incident_at=now - timedelta(days=3))
    b = open_case(officer, incident_at=now - timedelta(days=1))
    c = served_case(officer, served_at=now - timedelta(days=2))
    for case, risk in ((a, RiskLevel.HIGH), (b, RiskLevel.STANDARD), (c, RiskLevel.MEDIUM)):
        _set(case, risk_level=risk)
    refs = lambda **args: listed(client_request.get("search.case_list", **args))  # noqa: E731
    assert refs(sort="incident", order="asc")[0] == a.reference
    assert refs(sort="risk") == [a.reference, c.reference, b.reference]
    assert refs(sort="risk", order="asc") == [b.reference, c.reference, a.reference]
    assert refs(sort="reference", order="asc") == [a.reference, b.reference, c.reference]
    assert refs(sort="served")[0] == c.reference  # never-served cases last, either way
    assert refs(sort="served", order="asc")[0] == c.reference
    page = client_request.get("search.case_list", sort="risk")
    assert page.select_one("th[aria-sort=descending]").get_text(strip=True).startswith("Risk")


def test_pages_with_counts(client_request, officer, monkeypatch):
    from app.services import case_list

    monkeypatch.setattr(case_list, "PAGE_SIZE", 2)
    made = [open_case(officer, incident_at=utcnow() - timedelta(hours=i + 1)) for i in range(5)]
    seen = []
    for number in (1, 2, 3):
        page = client_request.get("search.case_list", page=number, area="North")
        seen += listed(page)
    assert seen == [c.reference for c in made]
    assert heading(client_request.get("search.case_list", page=3)) == "5 to 5 of 5 cases"
    next_link = client_request.get("search.case_list", page=1, area="North").select_one("a[rel=next]")["href"]
    assert "page=2" in next_link and "area=North" in next_link
    assert listed(client_request.get("search.case_list", page=999)) == [made[-1].reference]


def test_an_officer_of_another_area_does_not_see_the_case(client_request, make_user):
    south_officer = make_user(Role.OFFICER, area="South")
    south = open_case(south_officer, area="South")
    me = client_request.login_as(Role.OFFICER, area="North")
    north = open_case(me, area="North")
    page = client_request.get("search.case_list")
    assert listed(page) == [north.reference]
    assert south.reference not in str(page)
    # Nor can the officer filter name someone whose cases they cannot see.
    assert [o.get_text() for o in page.select("#f-officer option")][1:] == [me.display_name]


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.ADMIN])
def test_caseworkers_and_admins_have_no_case_list(client_request, role):
    client_request.login_as(role)
    client_request.get("search.case_list", _expected_status=403)


def test_an_empty_list_says_so(client_request, officer):
    page = client_request.get("search.case_list", state="closed")
    assert heading(page) == "No cases"
    assert "No case you can see matches these filters" in normalize_spaces(page.get_text())


@pytest.mark.parametrize("args, field, message", [
    ({"state": "nonsense"}, "state", "Choose a state from the list"),
    ({"risk": "'; DROP TABLE case_file"}, "risk", "Choose a risk level"),
    ({"officer": "99999"}, "officer", "Choose an officer"),
    ({"from": "31/2/2026"}, "from", "31/2/2026 is not a real date"),
    ({"from": "2/2/2026", "to": "1/2/2026"}, "to", "The last day must be the same as or after the first day"),
    ({"sort": "password"}, "sort", "Choose a column to sort by"),
])
def test_bad_filters_get_a_clear_message_and_the_rest_still_apply(client_request, officer, args, field, message):
    case = open_case(officer)
    page = client_request.get("search.case_list", _expected_status=400, **args)
    assert any(message in e for e in error_summary(page)), error_summary(page)
    if field != "sort":  # the sort is chosen by the column links, not a field
        assert page.select_one(f"#f-{field}-error") is not None
    assert listed(page) == [case.reference]


def test_statements_per_page_do_not_grow_with_cases(client, client_request, officer, make_user):
    open_case(officer)
    one = count_queries(client, "/cases")
    for i in range(8):
        open_case(make_user(Role.OFFICER) if i % 2 else officer, area=["North", "South"][i % 2])
    assert count_queries(client, "/cases") == one
    assert count_queries(client, "/cases?state=live&sort=risk&area=North") == one
