from datetime import UTC, date, datetime

from sqlalchemy import select

from app.domain.calendar import Calendar
from app.domain.deadlines import hearing_deadline
from app.domain.timefmt import format_instant
from app.extensions import db
from app.models import AuditEntry, ExtraBankHoliday, Role, User
from tests.integration.conftest import PASSWORD, login
from tests.integration.factories import served_case


def test_adding_a_bank_holiday_moves_running_hearing_deadlines(client, login_as, make_user):
    officer = make_user(Role.OFFICER)
    served_at = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)  # Monday: due Wednesday 09:00
    case = served_case(officer, served_at=served_at)
    assert case.hearing_deadline_at == datetime(2026, 11, 18, 9, 0, tzinfo=UTC)
    admin, token = login_as(Role.ADMIN)
    response = client.post("/admin/calendar", data={"csrf_token": token, "day": "2026-11-17", "name": "Special bank holiday"})
    assert response.status_code == 302
    db.session.refresh(case)
    expected = hearing_deadline(served_at, 48, calendar=Calendar(frozenset({date(2026, 11, 17)})))
    assert case.hearing_deadline_at == expected == datetime(2026, 11, 19, 9, 0, tzinfo=UTC)
    assert "Special bank holiday" in client.get("/admin/calendar").get_data(as_text=True)

    # The officer's dashboard shows the later deadline, computed from the stored facts.
    officer_client = client.application.test_client()
    login(officer_client, officer)
    assert format_instant(expected) in officer_client.get("/dashboard").get_data(as_text=True)
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.user_id == admin.id)).all()
    assert "calendar.day_added" in actions


def test_duplicate_or_bad_bank_holiday_input_gets_clear_errors(client, login_as):
    admin, token = login_as(Role.ADMIN)
    client.post("/admin/calendar", data={"csrf_token": token, "day": "2030-06-03", "name": "A day"})
    html = client.post("/admin/calendar", data={"csrf_token": token, "day": "2030-06-03", "name": "Again"}).get_data(as_text=True)
    assert "That day is already in the list" in html and 'value="Again"' in html
    html = client.post("/admin/calendar", data={"csrf_token": token, "day": "next tuesday", "name": "   "}).get_data(as_text=True)
    assert "must be a real date" in html and "Enter the name of the bank holiday" in html
    assert db.session.scalar(select(db.func.count(ExtraBankHoliday.id))) == 1


def test_removing_a_bank_holiday_asks_for_confirmation_first(client, login_as):
    admin, token = login_as(Role.ADMIN)
    client.post("/admin/calendar", data={"csrf_token": token, "day": "2030-06-03", "name": "A day"})
    holiday_id = db.session.scalars(select(ExtraBankHoliday.id)).one()
    page = client.get(f"/admin/calendar/{holiday_id}/remove").get_data(as_text=True)
    assert "Remove A day?" in page and "Yes, remove it" in page
    assert db.session.get(ExtraBankHoliday, holiday_id) is not None
    assert client.post(f"/admin/calendar/{holiday_id}/remove", data={"csrf_token": token}).status_code == 302
    assert db.session.scalar(select(ExtraBankHoliday)) is None
    assert client.get(f"/admin/calendar/{holiday_id}/remove").status_code == 404


def test_admin_creates_an_account_and_errors_keep_input(client, login_as):
    admin, token = login_as(Role.ADMIN)
    data = {"csrf_token": token, "full_name": "New Officer", "email": "not-an-email", "role": "officer",
            "rank": "PC", "collar_number": "123", "area": "North", "password": "short"}
    html = client.post("/admin/users/new", data=data).get_data(as_text=True)
    assert "Enter an email address in the correct format" in html and "at least 12 characters" in html
    assert 'value="New Officer"' in html
    data.update(email="New.Officer@Test.Police.UK", password="a long enough password")
    assert client.post("/admin/users/new", data=data).status_code == 302
    user = db.session.scalars(select(User).where(User.email == "new.officer@test.police.uk")).one()
    assert (user.role, user.area, user.rank) == (Role.OFFICER, "North", "PC")
    html = client.post("/admin/users/new", data=data).get_data(as_text=True)
    assert "already exists" in html


def test_admin_unlocks_a_locked_account(client, login_as, make_user):
    locked = make_user(Role.OFFICER)
    other = client.application.test_client()
    for _ in range(5):
        login(other, locked, "wrong password!")
    admin, token = login_as(Role.ADMIN)
    assert "Locked until" in client.get("/admin/users").get_data(as_text=True)
    client.post(f"/admin/users/{locked.id}/unlock", data={"csrf_token": token})
    assert login(other, locked, PASSWORD).status_code == 302
