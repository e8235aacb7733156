"""Search for cases (issue 15, section 1): every kind of search, misspellings, scoping, audit,
bad input, the index kept in sync, and statements per page."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain.search_terms import words
from app.extensions import db
from app.models import AuditEntry, Case, Person, PersonKind, Role
from app.services import cases as case_service
from app.services import search_index
from tests.integration.conftest import error_summary, normalize_spaces
from tests.integration.factories import case_details, open_case, sent_referral, submitted_case, support_service
from tests.support import count_queries


def _john_smith(officer, **kwargs):
    details = case_details(officer, **kwargs)
    details.perpetrator = case_service.PersonDetails("John Smith", date(1990, 4, 3))
    details.victims = [case_service.PersonDetails("Mary O'Brien-Kowalska", date(1992, 7, 21), "spouse")]
    details.children = [case_service.PersonDetails("Zoë Smith", date(2018, 1, 9), "P's daughter")]
    details.address_line_1 = "14 Aldous Crescent"
    details.town = "Northfield"
    details.postcode = "nf3 2qt"
    return case_service.open_case(officer, details, force_code="TC")


def found(page) -> list[str]:
    """The references of the cases on a results page, in order."""
    return [a.get_text(strip=True) for a in page.select(".app-result__title a")]


@pytest.fixture
def officer_and_case(client_request):
    officer = client_request.login_as(Role.OFFICER, area="North")
    open_case(officer)  # another case, so a search that found everything would show
    return officer, _john_smith(officer)


@pytest.mark.parametrize("typed", [
    "John Smith", "john", "Smi", "smith john", "JOHN SMITH",
    "Mary", "O'Brien", "obrien", "Kowalska", "Zoe", "Zoë Smith",  # victim and child, accents, apostrophes
    "Jonh Smiht", "Jhon Smith", "Jon Smith", "Johnn Smyth", "Mray Kowalksa",  # one edit a word
    "Aldous", "14 Aldous Crescent", "northfield",  # the address
])
def test_a_name_or_address_finds_the_case(client_request, officer_and_case, typed):
    _officer, case = officer_and_case
    page = client_request.get("search.search", q=typed)
    assert found(page) == [case.reference], typed


@pytest.mark.parametrize("typed", ["3/4/1990", "03/04/1990", "1990-04-03", "3.4.1990", "21/7/1992", "9/1/2018"])
def test_a_date_of_birth_typed_the_uk_way_finds_the_case(client_request, officer_and_case, typed):
    _officer, case = officer_and_case
    page = client_request.get("search.search", q=typed)
    assert found(page) == [case.reference]
    assert "date of birth" in normalize_spaces(page.select_one("#results-heading").get_text())


def test_the_day_and_month_are_read_day_first(client_request, officer_and_case):
    # 4 March 1990 is nobody's birthday on the case: 3/4/1990 is the 3rd of April.
    assert found(client_request.get("search.search", q="4/3/1990")) == []


@pytest.mark.parametrize("typed", ["NF3 2QT", "nf32qt", "nf3 2qt", "NF3"])
def test_a_postcode_finds_the_case(client_request, officer_and_case, typed):
    _officer, case = officer_and_case
    assert found(client_request.get("search.search", q=typed)) == [case.reference]


def test_the_case_reference_finds_the_case_and_a_near_reference_does_not(client_request, officer_and_case):
    _officer, case = officer_and_case
    assert found(client_request.get("search.search", q=case.reference)) == [case.reference]
    assert found(client_request.get("search.search", q=case.reference.lower())) == [case.reference]
    assert found(client_request.get("search.search", q=case.reference[:-1] + "9")) == []


@pytest.mark.parametrize("typed", ["07123 456789", "07123456789", "+44 7123 456789", "00447123456789", "(07123) 456-789"])
def test_p_s_mobile_from_the_application_finds_the_case_however_typed(client_request, typed):
    officer = client_request.login_as(Role.OFFICER)
    case = submitted_case(officer, mobile="07123456789")
    open_case(officer)
    page = client_request.get("search.search", q=typed)
    assert found(page) == [case.reference]
    assert "phone number" in page.select_one("#results-heading").get_text()


def test_the_victim_s_safe_number_finds_the_case_once_the_referral_holds_it(client_request):
    officer = client_request.login_as(Role.OFFICER)
    case, _referral = sent_referral(officer, support_service(), case=None, safe_number="0114 496 0000")
    assert found(client_request.get("search.search", q="0114 496 0000")) == [case.reference]
    assert found(client_request.get("search.search", q="01144960000")) == [case.reference]


def test_results_respect_area_scoping(client, client_request, make_user):
    north = make_user(Role.OFFICER, area="North")
    south_case = _john_smith(north, area="South")  # opened by north for the South area...
    db.session.execute(sa.update(Case).where(Case.id == south_case.id)
                       .values(officer_in_case_id=make_user(Role.OFFICER, area="South").id))
    db.session.commit()
    north_case = _john_smith(north, area="North")
    client_request.login_as(Role.OFFICER, area="North")
    # ...so a North officer who is not its officer in the case sees only the North one.
    assert found(client_request.get("search.search", q="John Smith")) == [north_case.reference]
    assert found(client_request.get("search.search", q=south_case.reference)) == []
    assert found(client_request.get("search.search", q="3/4/1990")) == [north_case.reference]
    assert normalize_spaces(client_request.get("search.search", q="John Smith")
                            .select_one("#results-heading").get_text()).startswith("1 case found")


def test_an_officer_sees_a_case_of_another_area_they_are_officer_in(client_request, make_user):
    me = client_request.login_as(Role.OFFICER, area="North")
    mine = _john_smith(make_user(Role.OFFICER, area="South"), area="South", officer_in_case_id=me.id)
    assert found(client_request.get("search.search", q="Jonh Smiht")) == [mine.reference]


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.SUPERINTENDENT, Role.INSPECTOR])
def test_force_wide_roles_find_every_area(client_request, make_user, role):
    case = _john_smith(make_user(Role.OFFICER, area="South"), area="South")
    client_request.login_as(role)
    assert found(client_request.get("search.search", q="John Smith")) == [case.reference]


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.ADMIN])
def test_caseworkers_and_admins_cannot_search_case_files(client_request, make_user, role):
    _john_smith(make_user(Role.OFFICER))
    client_request.login_as(role)
    client_request.get("search.search", q="John Smith", _expected_status=403)
    page = client_request.get("auth.account")
    assert page.select_one("form[role=search]") is None  # and the header offers no search box


def test_each_search_is_audited_with_what_was_asked_and_what_was_shown(client_request, officer_and_case):
    officer, case = officer_and_case
    client_request.get("search.search", q="Jonh Smiht")
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "search.run")).one()
    assert entry.user_id == officer.id and entry.case_id is None  # not on any case's timeline
    assert entry.detail == {"kind": "text", "query": "Jonh Smiht", "results": 1, "page": 1, "case_ids": [case.id]}
    client_request.get("search.search", q="3/4/1990")
    kinds = db.session.scalars(sa.select(AuditEntry.detail).where(AuditEntry.action == "search.run")
                               .order_by(AuditEntry.id)).all()
    assert [k["kind"] for k in kinds] == ["text", "date_of_birth"]


def test_a_search_that_finds_nothing_is_audited_too_and_a_refused_one_is_not(client_request, officer_and_case):
    client_request.get("search.search", q="Nobody Here")
    client_request.get("search.search", q="31/2/1990", _expected_status=400)
    client_request.get("search.search")  # the empty page: nothing asked
    entries = db.session.scalars(sa.select(AuditEntry.detail).where(AuditEntry.action == "search.run")).all()
    assert entries == [{"kind": "text", "query": "Nobody Here", "results": 0, "page": 1, "case_ids": []}]


@pytest.mark.parametrize("typed, message", [
    ("31/2/1990", "31/2/1990 is not a real date"),
    ("3/4/90", "Enter the year in full"),
    ("x" * 101, "100 characters or fewer"),
    ('"*()', "not only punctuation"),
    ("a b c d e f g h i", "8 words or fewer"),
])
def test_bad_input_gets_a_clear_message(client_request, officer_and_case, typed, message):
    page = client_request.get("search.search", q=typed, _expected_status=400)
    assert any(message in e for e in error_summary(page)), error_summary(page)
    assert page.select_one("#q-error") is not None


@pytest.mark.parametrize("typed", ['"', "*", "NEAR(", "john OR", "OR", "AND NOT", "john*", "smith:", "'; DROP TABLE case_file; --",
                                   "^john", "{names}: john", "john & smith | !x", "\\", "%", "_", "NEAR(john smith, 2)"])
def test_the_index_s_own_syntax_is_just_text(client, officer_and_case, typed):
    response = client.get("/search", query_string={"q": typed})
    assert response.status_code in (200, 400), typed
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    if words(typed) and set(words(typed)) <= {"john", "smith"}:
        assert found(page) == [officer_and_case[1].reference]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(typed=st.text(max_size=120))
def test_any_text_gets_a_page_never_an_error(client, login_as, typed):
    if not hasattr(client, "_logged_in"):
        login_as(Role.OFFICER)
        client._logged_in = True
    response = client.get("/search", query_string={"q": typed})
    assert response.status_code in (200, 400), typed


def test_the_index_follows_changes_to_names_and_rolls_back_with_them(client_request, officer_and_case):
    _officer, case = officer_and_case
    person = db.session.scalars(sa.select(Person).where(Person.case_id == case.id, Person.kind == PersonKind.VICTIM)).one()
    person.full_name = "Mary Whitcombe"
    db.session.commit()
    assert found(client_request.get("search.search", q="Whitcombe")) == [case.reference]
    assert found(client_request.get("search.search", q="Kowalska")) == []
    person.full_name = "Mary Rolledback"
    db.session.flush()
    db.session.rollback()
    assert found(client_request.get("search.search", q="Rolledback")) == []
    assert found(client_request.get("search.search", q="Whitcombe")) == [case.reference]


def test_a_commit_that_changes_nothing_indexed_writes_nothing_to_the_index(app, officer_and_case):
    _officer, case = officer_and_case
    statements = []

    def note(_conn, _cursor, statement, *_args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", note)
    try:
        case_service.record_case_viewed(case.officer_in_case, case)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", note)
    assert any("audit_entry" in s for s in statements)
    assert not any("case_search" in s for s in statements)


def test_only_the_phone_section_of_the_application_rewrites_the_index(app, officer_and_case):
    """The index holds one thing from the application, P's mobile: saving any other section
    writes nothing to it (each save rewrote the case's index row and match keys before)."""
    from app.demo import demo_sections
    from app.services import authorisation

    officer, case = officer_and_case
    victim = case.victims[0]
    sections = demo_sections(victim_id=victim.id, victim_name=victim.full_name, incident_at=case.incident_at,
                             children=False, mobile="07123456789")
    written = {}
    for key in ("grounds", "phone"):
        statements = []

        def note(_conn, _cursor, statement, *_args, into=statements):
            into.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", note)
        try:
            authorisation.save_section(officer, case, key, sections[key])
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", note)
        written[key] = [s for s in statements if "case_search" in s or "person_match_key" in s]
    assert written["grounds"] == []
    assert written["phone"]


def test_rebuild_makes_the_same_index(app, officer_and_case):
    _officer, case = officer_and_case
    conn = db.session.connection()
    key = "rowid" if conn.dialect.name == "sqlite" else "case_id"
    query = sa.text(f"SELECT {key}, reference, names, name_keys, address, phones FROM case_search ORDER BY 1")
    before = conn.execute(query).all()
    assert search_index.rebuild(conn) == 2
    assert conn.execute(query).all() == before
    db.session.commit()


def test_statements_per_page_do_not_grow_with_results(client, client_request):
    officer = client_request.login_as(Role.OFFICER)
    _john_smith(officer)
    one = count_queries(client, "/search?q=John+Smith")
    for _ in range(6):
        _john_smith(officer)
    assert count_queries(client, "/search?q=John+Smith") == one
    assert count_queries(client, "/search?q=Jonh+Smiht") == one
    assert count_queries(client, "/search?q=3/4/1990") == one


def test_results_are_paged_with_counts(app, client, client_request, monkeypatch):
    from app.services import search

    monkeypatch.setattr(search, "PAGE_SIZE", 2)
    officer = client_request.login_as(Role.OFFICER)
    made = [_john_smith(officer) for _ in range(5)]
    seen = []
    for number in (1, 2, 3):
        page = client_request.get("search.search", q="John Smith", page=number)
        assert normalize_spaces(page.select_one("#results-heading").get_text()).startswith("5 cases found")
        seen += found(page)
    assert sorted(seen) == sorted(c.reference for c in made)
    assert found(client_request.get("search.search", q="John Smith", page=99))  # the last page, not an error


def test_the_header_search_box_is_a_labelled_get_form_to_the_search(client_request):
    client_request.login_as(Role.OFFICER)
    page = client_request.get("cases.dashboard")
    form = page.select_one("header form[role=search]")
    assert form["method"] == "get" and form["action"] == "/search"
    field = form.select_one("input[name=q]")
    assert page.select_one(f"label[for={field['id']}]").get_text(strip=True).startswith("Search cases")


def test_flask_search_rebuild_restores_an_emptied_index(app, client_request, officer_and_case):
    _officer, case = officer_and_case
    db.session.execute(sa.text("DELETE FROM case_search"))
    db.session.commit()
    assert found(client_request.get("search.search", q="John Smith")) == []
    result = app.test_cli_runner().invoke(args=["search", "rebuild"])
    assert result.exit_code == 0 and "Cases indexed: 2" in result.output, result.output
    assert found(client_request.get("search.search", q="John Smith")) == [case.reference]
