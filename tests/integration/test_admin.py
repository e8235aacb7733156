from datetime import UTC, date, datetime

from sqlalchemy import select

from app.domain.calendar import Calendar
from app.domain.deadlines import hearing_deadline
from app.domain.timefmt import format_instant
from app.extensions import db
from app.models import AuditEntry, ExtraBankHoliday, Role, User
from tests.integration.conftest import (
    DEFAULT_NOW,
    PASSWORD,
    ClientRequest,
    error_summary,
    heading,
    login,
    normalize_spaces,
    table_rows,
)
from tests.integration.factories import served_case

DUPLICATE_DAY = "That day is already in the list"
NOT_A_DATE = "Date must be a real date, like 2026-11-23"


def test_adding_a_bank_holiday_moves_running_hearing_deadlines(client, client_request, make_user):
    officer = make_user(Role.OFFICER)
    served_at = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)  # Monday: due Wednesday 09:00
    case = served_case(officer, served_at=served_at)
    assert case.hearing_deadline_at == datetime(2026, 11, 18, 9, 0, tzinfo=UTC)
    admin = client_request.login_as(Role.ADMIN)
    client_request.post("admin.calendar", _data={"day": "2026-11-17", "name": "Special bank holiday"})
    db.session.refresh(case)
    expected = hearing_deadline(served_at, 48, calendar=Calendar(frozenset({date(2026, 11, 17)})))
    assert case.hearing_deadline_at == expected == datetime(2026, 11, 19, 9, 0, tzinfo=UTC)
    [added] = table_rows(client_request.get("admin.calendar").select_one("table"))
    assert added["Name"] == "Special bank holiday"

    # The officer's dashboard shows the later deadline, computed from the stored facts.
    officer_client = client.application.test_client()
    login(officer_client, officer)
    dashboard = ClientRequest(officer_client).get("cases.dashboard")
    [deadline] = dashboard.select("tbody#case-rows .app-clock__deadline")
    assert deadline.get_text() == format_instant(expected)
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.user_id == admin.id)).all()
    assert "calendar.day_added" in actions


def test_duplicate_or_bad_bank_holiday_input_gets_clear_errors(client_request):
    client_request.login_as(Role.ADMIN)
    client_request.post("admin.calendar", _data={"day": "2030-06-03", "name": "A day"})
    page = client_request.post("admin.calendar", _data={"day": "2030-06-03", "name": "Again"}, _expected_status=200)
    assert error_summary(page) == [DUPLICATE_DAY]
    assert page.select_one("form input#name")["value"] == "Again"
    page = client_request.post("admin.calendar", _data={"day": "next tuesday", "name": "   "}, _expected_status=200)
    assert error_summary(page) == [NOT_A_DATE, "Enter the name of the bank holiday"]
    assert db.session.scalar(select(db.func.count(ExtraBankHoliday.id))) == 1


def test_removing_a_bank_holiday_asks_for_confirmation_first(client, client_request, login_as):
    admin, token = login_as(Role.ADMIN)
    client.post("/admin/calendar", data={"csrf_token": token, "day": "2030-06-03", "name": "A day"})
    holiday_id = db.session.scalars(select(ExtraBankHoliday.id)).one()
    page = client_request.get("admin.remove_holiday", holiday_id=holiday_id)
    assert heading(page) == "Remove A day?"
    assert normalize_spaces(page.select_one("main form button[type=submit]").get_text()) == "Yes, remove it"
    assert db.session.get(ExtraBankHoliday, holiday_id) is not None
    assert client.post(f"/admin/calendar/{holiday_id}/remove", data={"csrf_token": token}).status_code == 302
    assert db.session.scalar(select(ExtraBankHoliday)) is None
    assert client.get(f"/admin/calendar/{holiday_id}/remove").status_code == 404


def test_admin_creates_an_account_and_errors_keep_input(client_request):
    client_request.login_as(Role.ADMIN)
    data = {"full_name": "New Officer", "email": "not-an-email", "role": "officer",
            "rank": "PC", "collar_number": "123", "area": "North", "password": "short"}
    page = client_request.post("admin.new_user", _data=data, _expected_status=200)
    assert error_summary(page) == [
        "Enter an email address in the correct format, like name@force.police.uk",
        "The password must be at least 12 characters",
    ]
    assert page.select_one("form input#full_name")["value"] == "New Officer"
    data.update(email="New.Officer@Test.Police.UK", password="a long enough password")
    client_request.post("admin.new_user", _data=data)
    user = db.session.scalars(select(User).where(User.email == "new.officer@test.police.uk")).one()
    assert (user.role, user.area, user.rank) == (Role.OFFICER, "North", "PC")
    page = client_request.post("admin.new_user", _data=data, _expected_status=200)
    assert error_summary(page) == ["An account with this email address already exists"]


def test_admin_sees_failed_log_ins_since_the_last_and_there_is_no_lock_to_lift(client, client_request, login_as,
                                                                              make_user):
    tried = make_user(Role.OFFICER)
    other = client.application.test_client()
    for _ in range(3):
        login(other, tried, "wrong password!")
    admin, token = login_as(Role.ADMIN)
    accounts = table_rows(client_request.get("admin.users").select_one("table"))
    [row] = [row for row in accounts if row["Email"] == tried.email]
    assert row["Status"] == f"Active 3 failed log-ins since the last log-in, the last on {format_instant(DEFAULT_NOW)}"
    assert client.post(f"/admin/users/{tried.id}/unlock", data={"csrf_token": token}).status_code == 404
    assert login(other, tried, PASSWORD).status_code == 302  # the right password gets in
    accounts = table_rows(client_request.get("admin.users").select_one("table"))
    [row] = [row for row in accounts if row["Email"] == tried.email]
    assert row["Status"] == "Active"
