"""The dashboard at scale (issue 18): keyset pages, statements that do not grow with the
cases, and the poll's ETag: 304 Not Modified while no row would look different."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select, text, update

from app import timeutil
from app.domain.deadlines import hearing_deadline
from app.extensions import db
from app.models import BundleTick, Case, CaseState, Hearing, Person, PersonKind, Role, User
from app.services.calendar import load_calendar
from app.services.dashboard import Cursor
from tests.integration.conftest import DEFAULT_NOW, keep_session_alive
from tests.integration.factories import granted_case, listed_case, served_case
from tests.support import count_queries

ROWS = "/dashboard/rows"
HTMX = {"HX-Request": "true"}


def bulk_cases(officer: User, count: int, *, area: str = "North") -> None:
    """`count` live cases inserted directly (as the benchmark does): half served, with their
    sort keys as refresh_urgency stores them, half drafts; created a minute apart."""
    calendar = load_calendar()
    first = (db.session.scalar(select(func.max(Case.id))) or 0) + 1
    cases, people = [], []
    for i in range(count):
        served_at = DEFAULT_NOW - timedelta(minutes=7 * i) if i % 2 == 0 else None
        deadline = hearing_deadline(served_at, hours=48, calendar=calendar) if served_at else None
        cases.append({
            "id": first + i, "reference": f"BULK-{first + i:06d}",
            "state": CaseState.SERVED if served_at else CaseState.DRAFT, "area": area, "risk_level": "high",
            "incident_at": DEFAULT_NOW - timedelta(hours=3), "address_line_1": "1 Test Street", "town": "Testbury",
            "postcode": "TB1 2AA", "officer_in_case_id": officer.id, "created_by_id": officer.id,
            "created_at": DEFAULT_NOW - timedelta(hours=2, minutes=i), "served_at": served_at,
            "served_by_id": officer.id if served_at else None, "hearing_window_hours": 48 if served_at else None,
            "hearing_deadline_at": deadline, "urgency_rank": 1 if served_at else 2, "urgency_at": deadline,
        })
        people.append({"case_id": first + i, "kind": PersonKind.PERPETRATOR, "position": 0,
                       "full_name": f"Bulk Perpetrator {i}"})
    db.session.execute(insert(Case), cases)
    db.session.execute(insert(Person), people)
    db.session.commit()


def poll(client, etag: str | None = None):
    headers = dict(HTMX, **({"If-None-Match": etag} if etag else {}))
    return client.get(ROWS, headers=headers)


def references(body: str) -> list[str]:
    rows = body.split('id="case-rows"', 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'href="/cases/\d+">([^<]+)</a>', rows)


def link(body: str, rel: str) -> str | None:
    found = re.search(rf'href="([^"]+)" rel="{rel}"', body)
    return found.group(1).replace("&amp;", "&") if found else None


# -- statements ---------------------------------------------------------------------------


def test_statements_are_the_same_at_10_and_at_200_cases(client, login_as):
    """The page, the poll and the 304 cost a fixed number of statements: with cases at court
    (bundle progress), an order in force (its service and notification clocks) and drafts."""
    officer, _ = login_as(Role.OFFICER)
    listed_case(officer)
    granted_case(officer)
    bulk_cases(officer, 8)

    def counts():
        etag = poll(client).headers["ETag"]
        with_etag = dict(HTMX, **{"If-None-Match": etag})
        return (count_queries(client, "/dashboard"), count_queries(client, ROWS),
                _count(client, ROWS, with_etag, 304))

    few = counts()
    bulk_cases(officer, 190)
    many = counts()
    assert few == many
    # Pinned, so a statement more is a choice: the user, the calendar, the page (with the
    # cases' own clock columns and, on the page, the count of live cases), the rest of the
    # clock facts and the bundle in one (services/dashboard_facts.py) (10 and 9 before).
    assert many[:2] == (4, 4), many
    assert many[2] <= 3, "a 304 is the user, the calendar and the page's versions"


def test_the_count_of_live_cases_is_the_users_on_every_page(app, client, login_as, make_user):
    """The page's "N live cases" comes with its rows (one statement): the live cases this
    officer may read, not those of another area nor closed ones, the same on every page,
    and on a page past the last case, which has no row to carry it."""
    app.config["DASHBOARD_PAGE_SIZE"] = 2
    officer, _ = login_as(Role.OFFICER, area="North")
    bulk_cases(officer, 5)
    bulk_cases(make_user(Role.OFFICER, area="South"), 3, area="South")
    closed = db.session.scalar(select(func.max(Case.id)).where(Case.area == "North"))
    db.session.execute(update(Case).where(Case.id == closed).values(state=CaseState.CLOSED))
    db.session.commit()

    def caption(url: str) -> str:
        body = client.get(url).get_data(as_text=True)
        return re.search(r"(\d+) live cases?,", body).group(1)

    assert caption("/dashboard") == "4"
    second = link(client.get("/dashboard").get_data(as_text=True), "next")
    assert caption(second) == "4"
    past_the_end = Cursor(9, None, DEFAULT_NOW - timedelta(days=400), 10**9).token
    assert caption(f"/dashboard?after={past_the_end}") == "4"


def test_an_officer_moved_to_another_area_sees_that_areas_cases_at_once(app, client, login_as, make_user):
    """The page's statement is built once for each user as they are (services/dashboard.
    _page_statement): when an administrator moves an officer to another area, the next
    page and poll show the new area's cases, not the old ones."""
    officer, _ = login_as(Role.OFFICER, area="North")
    north = make_user(Role.OFFICER, area="North")
    bulk_cases(north, 2)
    bulk_cases(make_user(Role.OFFICER, area="South"), 3, area="South")

    def shown(url: str, headers=None) -> set[str]:
        return set(references(client.get(url, headers=headers or {}).get_data(as_text=True)))

    assert {r for r in shown("/dashboard")} == {r for r in shown(ROWS, HTMX)}
    assert len(shown("/dashboard")) == 2
    db.session.execute(update(User).where(User.id == officer.id).values(area="South"))
    db.session.commit()
    assert len(shown("/dashboard")) == 3 and len(shown(ROWS, HTMX)) == 3
    assert shown("/dashboard").isdisjoint({f"BULK-{i:06d}" for i in range(1, 3)})


def test_on_postgresql_the_polls_statements_read_the_same_whatever_the_number_of_rows(client, login_as):
    """On PostgreSQL a page's ids travel as one array (services/id_sets.among), so each
    statement's text is the same for 3 rows as for 9: prepared once per connection, not
    parsed and planned again for every length of page."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no arrays: its IN lists one parameter per id")
    from sqlalchemy import event

    officer, _ = login_as(Role.OFFICER)
    listed_case(officer)
    granted_case(officer)
    bulk_cases(officer, 1)

    def texts() -> list[str]:
        seen = []

        def record(_conn, _cursor, statement, *_args):
            seen.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            assert poll(client).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        return seen

    few = texts()
    bulk_cases(officer, 6)
    assert texts() == few


def _count(client, url, headers, status) -> int:
    from sqlalchemy import event

    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(url, headers=headers).status_code == status
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


# -- keyset pages -------------------------------------------------------------------------


def test_next_and_previous_links_walk_every_case_once_in_the_dashboards_order(app, client, login_as):
    app.config["DASHBOARD_PAGE_SIZE"] = 4
    officer, _ = login_as(Role.OFFICER)
    bulk_cases(officer, 11)
    # Two cases with the same sort key and the same creation time: the id decides.
    twin = db.session.scalars(select(Case).where(Case.state == CaseState.SERVED).order_by(Case.id)).first()
    db.session.execute(update(Case).where(Case.state == CaseState.DRAFT, Case.id == twin.id + 1)
                       .values(created_at=twin.created_at))
    db.session.commit()
    expected = [c.reference for c in db.session.scalars(
        select(Case).order_by(Case.urgency_rank, Case.urgency_at.is_(None), Case.urgency_at, Case.created_at.desc(),
                              Case.id))]
    pages, url = [], "/dashboard"
    while url:
        body = client.get(url).get_data(as_text=True)
        pages.append(references(body))
        url = link(body, "next")
        assert len(pages) < 10
    assert [len(p) for p in pages] == [4, 4, 3]
    assert sum(pages, []) == expected  # every case once, in order: none lost, none repeated
    # And back again from the last page.
    back, url = [], link(body, "prev")
    while url:
        body = client.get(url).get_data(as_text=True)
        back.insert(0, references(body))
        url = link(body, "prev")
    assert back == pages[:-1]
    # The poll shows the page it was on.
    second = link(client.get("/dashboard").get_data(as_text=True), "next")
    assert 'hx-get="/dashboard/rows?after=' in client.get(second).get_data(as_text=True)
    polled = client.get(second.replace("/dashboard?", "/dashboard/rows?"), headers=HTMX)
    assert references(polled.get_data(as_text=True)) == pages[1]


@pytest.mark.parametrize("query", ["after=junk", "before=1.2.3", "after=9.99999999999999999999999.1.1", "page=3"])
def test_a_malformed_cursor_shows_the_first_page(app, client, login_as, query):
    app.config["DASHBOARD_PAGE_SIZE"] = 4
    officer, _ = login_as(Role.OFFICER)
    bulk_cases(officer, 6)
    first = references(client.get("/dashboard").get_data(as_text=True))
    response = client.get(f"/dashboard?{query}")
    assert response.status_code == 200
    assert references(response.get_data(as_text=True)) == first


# -- the poll's ETag -----------------------------------------------------------------------


def test_an_unchanged_page_answers_304_with_its_etag(client, login_as):
    officer, _ = login_as(Role.OFFICER)
    served_case(officer)
    page = client.get("/dashboard").get_data(as_text=True)
    etag = re.search(r'data-etag="([^"]+)"', page).group(1).replace("&#34;", '"')
    first = poll(client, etag)  # the page's own rows: the first poll has nothing to fetch
    assert first.status_code == 304 and first.get_data() == b""
    assert first.headers["ETag"] == etag
    assert poll(client).status_code == 200  # no If-None-Match: the rows
    assert poll(client, '"somethingelse.99999999999999"').status_code == 200


def _set_officer_name(case):
    db.session.execute(update(User).where(User.id == case.officer_in_case_id).values(full_name="Renamed Officer"))


def _rename_perpetrator(case):
    db.session.execute(update(Person).where(Person.case_id == case.id, Person.kind == PersonKind.PERPETRATOR)
                       .values(full_name="Renamed Perpetrator"))


def _tick_bundle(case):
    db.session.add(BundleTick(case_id=case.id, item_key="chronology", ticked_by_id=case.officer_in_case_id,
                              ticked_at=timeutil.utcnow()))


def _hearing_began_by_bulk_update(case):
    # A bulk UPDATE, as change_once makes: no ORM flush sees it, only the trigger.
    db.session.execute(update(Hearing).where(Hearing.case_id == case.id).values(began_at=timeutil.utcnow()))


def _case_area(case):
    db.session.execute(text("UPDATE case_file SET area = 'South' WHERE id = :id"), {"id": case.id})


@pytest.mark.parametrize("change", [_set_officer_name, _rename_perpetrator, _tick_bundle, _hearing_began_by_bulk_update,
                                    _case_area])
def test_a_change_to_a_shown_row_gives_the_rows_and_a_new_etag(client, login_as, change):
    officer, _ = login_as(Role.OFFICER)
    case = listed_case(officer)
    bulk_cases(officer, 3)
    before = poll(client)
    etag = before.headers["ETag"]
    assert poll(client, etag).status_code == 304
    change(case)
    db.session.commit()
    after = poll(client, etag)
    assert after.status_code == 200, change.__name__
    assert after.headers["ETag"] != etag
    assert after.get_data() != before.get_data()
    assert poll(client, after.headers["ETag"]).status_code == 304


def test_triggers_move_the_case_version_for_every_table_a_row_shows(login_as):
    """Inserts, updates and deletes of the rows a dashboard row shows from move the case's
    row_version, however they are made."""
    officer, _ = login_as(Role.OFFICER)
    case = granted_case(officer)

    def version():
        return db.session.execute(text("SELECT row_version FROM case_file WHERE id = :id"), {"id": case.id}).scalar()

    statements = [
        "UPDATE case_file SET area = area WHERE id = :id",
        "UPDATE hearing SET outcome_notes = 'x' WHERE case_id = :id",
        "UPDATE protection_order SET removal_not_granted = removal_not_granted WHERE case_id = :id",
        "UPDATE order_service SET served_by = 'PC Test' WHERE case_id = :id",
        "INSERT INTO bundle_tick (case_id, item_key, ticked_by_id, ticked_at) "
        "SELECT id, 'notice', officer_in_case_id, served_at FROM case_file WHERE id = :id",
        "UPDATE bundle_tick SET item_key = 'chronology' WHERE case_id = :id",
        "DELETE FROM bundle_tick WHERE case_id = :id",
    ]
    for statement in statements:
        was = version()
        db.session.execute(text(statement), {"id": case.id})
        assert version() == was + 1, statement  # once: the case's own trigger does not count it twice
    db.session.rollback()


def test_another_user_or_role_gets_another_etag(client, app, login_as, make_user):
    officer, _ = login_as(Role.OFFICER)  # no area: the whole force, as a supervisor sees it
    served_case(officer)
    officer_etag = poll(client).headers["ETag"]
    other = app.test_client()
    supervisor = make_user(Role.SUPERVISOR)
    from tests.integration.conftest import login

    login(other, supervisor)
    supervisor_rows = poll(other)
    assert supervisor_rows.headers["ETag"] != officer_etag
    assert poll(other, officer_etag).status_code == 200
    assert references(supervisor_rows.get_data(as_text=True)) == references(poll(client).get_data(as_text=True))


def test_a_clock_changing_colour_as_time_passes_gives_new_rows(client, login_as):
    officer, _ = login_as(Role.OFFICER)
    case = served_case(officer, served_at=DEFAULT_NOW - timedelta(hours=1))
    deadline = hearing_deadline(case.served_at, 48)
    etag = poll(client).headers["ETag"]
    for now, status in [
        (deadline - timedelta(hours=12, seconds=1), 304),  # still green: nothing to fetch
        (deadline - timedelta(hours=12), 200),  # amber
    ]:
        timeutil.set_frozen(now)
        keep_session_alive(client, now)
        response = poll(client, etag)
        assert response.status_code == status, now
    assert 'data-clock-status="amber"' in response.get_data(as_text=True)
    etag = response.headers["ETag"]
    for now, status, shown in [
        (deadline - timedelta(hours=4, seconds=1), 304, None),
        (deadline - timedelta(hours=4), 200, "red"),
        (deadline - timedelta(seconds=1), 304, None),
        (deadline, 200, "Notice lapsed"),  # the hearing clock becomes the lapsed notice
    ]:
        timeutil.set_frozen(now)
        keep_session_alive(client, now)
        response = poll(client, etag)
        assert response.status_code == status, now
        if shown:
            assert shown in response.get_data(as_text=True)
            etag = response.headers["ETag"]


def test_the_countdown_script_is_served_and_allowed_by_the_csp(client, login_as):
    login_as(Role.OFFICER)
    page = client.get("/dashboard")
    body = page.get_data(as_text=True)
    assert '<script type="module" src="/static/dashboard.js"></script>' in body
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body), "no inline script: the CSP refuses it"
    script = client.get("/static/dashboard.js")
    assert script.status_code == 200 and "javascript" in script.headers["Content-Type"]
    source = script.get_data(as_text=True)
    assert "If-None-Match" in source and "data-deadline" in source.replace("dataset.deadline", "data-deadline")
    assert "aria-live" not in source  # the time left changes silently, once a minute


def test_bundle_progress_from_the_one_query_matches_the_court_pages(client, login_as):
    from app.services.court_bundle import bundle_progress

    officer, _ = login_as(Role.OFFICER)
    case = listed_case(officer)
    _tick_bundle(case)
    db.session.commit()
    db.session.expire_all()
    done, required = bundle_progress(db.session.get(Case, case.id))
    assert done >= 2  # the tick and the listed hearing
    assert f"Bundle {done} of {required}" in poll(client).get_data(as_text=True)


@pytest.mark.parametrize("script_name", ["", "/dvpo"])
def test_the_rows_links_are_what_url_for_builds(app, script_name):
    """The rows' links are built once a request and the id put in (case_path): the same as
    url_for for every id, also under a prefix where the app is mounted below the root."""
    from flask import url_for

    from app.web.presentation.dashboard_rows import case_path

    with app.test_request_context("/dashboard", base_url=f"http://localhost{script_name}/"):
        for endpoint in ("cases.show", "court.show"):
            for case_id in (1, 7, 42, 1000, 987654):
                assert case_path(endpoint, case_id) == url_for(endpoint, case_id=case_id)
            assert case_path(endpoint, 5).startswith(f"{script_name}/cases/5")


def test_the_rows_etag_covers_the_markup_code_as_well_as_the_templates(app, monkeypatch, tmp_path):
    """A release that changes how a clock is drawn (presentation/clock_markup.py, or the
    rows' templates) changes the rows' version, so no browser keeps rows drawn the old way
    on a 304."""
    from app.web.presentation import dashboard_rows

    def version() -> str:
        app.extensions.pop("dashboard_rows_version", None)
        with app.app_context():
            return dashboard_rows.rows_template_version()

    markup = tmp_path / "clock_markup.py"
    markup.write_text(dashboard_rows.ROW_SOURCES[0].read_text())
    monkeypatch.setattr(dashboard_rows, "ROW_SOURCES", (markup,))
    before = version()
    assert version() == before
    markup.write_text(markup.read_text() + "\n# a new way to draw a clock\n")
    assert version() != before
