"""P's notifications to the police under a DAPO (DAA 2021 s.41): the page, the clock, the
dashboard's tasks, late ones, the exemption, and who may record them."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.domain.clocks import NOTIFICATION_CLOCK
from app.domain.regimes import RegimeCode
from app.extensions import db
from app.models import AuditEntry, OrderNotification, Role
from app.services.calendar import load_calendar
from app.services.clock_cache import clocks_for
from app.timeutil import utcnow
from tests.integration.conftest import assert_append_only, csrf_token, login
from tests.integration.factories import granted_case

# DEFAULT_NOW is Mon 16 Nov 2026 10:00 UTC: an order made that day is due by the end of
# Wed 18 Nov, so late from 00:00 Thu 19 Nov London (GMT: 00:00 UTC).
DUE = datetime(2026, 11, 19, 0, 0, tzinfo=UTC)


def _form(token, **extra):
    data = {"csrf_token": token, "kind": "initial", "names": "Dale Whitcombe\nDale White",
            "address": "22 Millbrook Close, Northfield NF4 8QD", "notified_date": "2026-11-16", "notified_time": "09:30",
            "method": "police_station", "where": "Northfield police station", "taken_by": "PC 1234 Patel"}
    return data | extra


def _later(client, officer, instant):
    from app.timeutil import set_frozen

    set_frozen(instant)
    login(client, officer)
    return csrf_token(client)


def _served_on_p(officer, case):
    from app.domain.order_records import OrderServiceMethod
    from app.services.order_records import record_order_served

    record_order_served(officer, case, served_at=utcnow(), served_by="PC 1234 Patel",
                        method=OrderServiceMethod.IN_PERSON, details="", calendar=load_calendar())


def _notification_clocks(case):
    return [c for c in clocks_for(case, utcnow(), load_calendar()) if c.name == NOTIFICATION_CLOCK]


def test_initial_notification_on_time_stops_the_clock_and_is_never_audited(client, login_as):
    officer, token = login_as(Role.OFFICER)
    case = granted_case(officer, regime=RegimeCode.DAPN)
    [clock] = _notification_clocks(case)
    assert clock.deadline == DUE
    _served_on_p(officer, case)  # the practice clock to serve the order stops; the s.41 clock is the row's
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert NOTIFICATION_CLOCK in dashboard and "notification-tasks" not in dashboard  # running, not overdue
    page = client.get(f"/cases/{case.id}/court").get_data(as_text=True)
    assert "Initial notification not recorded" in page and "Record a notification or an exemption" in page
    response = client.post(f"/cases/{case.id}/court/notifications/new", data=_form(token))
    assert response.status_code == 302, response.get_data(as_text=True)
    [row] = db.session.scalars(select(OrderNotification)).all()
    assert (row.late, row.due_at, row.given_where) == (False, DUE, "Northfield police station")
    assert _notification_clocks(case) == []
    page = client.get(f"/cases/{case.id}/court").get_data(as_text=True)
    assert "Dale White" in page and "22 Millbrook Close" in page  # shown to those who may read the case
    [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "order.notification")).all()
    assert entry.detail["name_notified"] and entry.detail["address_notified"] and entry.detail["late"] is False
    assert "Dale" not in str(entry.detail) and "Millbrook" not in str(entry.detail)


def test_an_overdue_initial_notification_is_a_task_and_late_once_recorded(client, login_as):
    officer, _ = login_as(Role.OFFICER)
    case = granted_case(officer, regime=RegimeCode.DAPN)
    token = _later(client, officer, DUE - timedelta(seconds=1))
    assert "notification-tasks" not in client.get("/dashboard/tasks").get_data(as_text=True)
    token = _later(client, officer, DUE + timedelta(hours=9))
    dashboard = client.get("/dashboard/tasks").get_data(as_text=True)
    assert "notification-tasks" in dashboard and "home address overdue" in dashboard and "s.43" in dashboard
    [clock] = _notification_clocks(case)
    assert clock.overdue
    response = client.post(f"/cases/{case.id}/court/notifications/new",
                           data=_form(token, notified_date="2026-11-19", notified_time="09:00"))
    assert response.status_code == 302
    [row] = db.session.scalars(select(OrderNotification)).all()
    assert row.late is True
    dashboard = client.get("/dashboard/tasks").get_data(as_text=True)
    assert "Initial notification notified late" in dashboard and "home address overdue" not in dashboard


def test_a_change_is_due_from_the_day_it_happened(client, login_as):
    officer, token = login_as(Role.OFFICER)
    case = granted_case(officer, regime=RegimeCode.DAPN)
    client.post(f"/cases/{case.id}/court/notifications/new", data=_form(token))
    token = _later(client, officer, datetime(2026, 11, 30, 12, 0, tzinfo=UTC))
    url = f"/cases/{case.id}/court/notifications/new"
    # Moved Fri 27 Nov: due by the end of Sun 29 Nov; told the police on Mon 30 Nov: late.
    move = {"kind": "new_address", "names": "", "address": "Flat 3, 9 Station Road", "changed_on": "2026-11-27",
            "notified_date": "2026-11-30", "notified_time": "11:00"}
    assert client.post(url, data=_form(token, **move)).status_code == 302
    # A new name first used Sat 28 Nov, notified Mon 30 Nov at 11:00: within the three days.
    name = {"kind": "new_name", "names": "Dale Whitley", "address": "", "changed_on": "2026-11-28",
            "notified_date": "2026-11-30", "notified_time": "11:00"}
    assert client.post(url, data=_form(token, **name)).status_code == 302
    moved, renamed = db.session.scalars(select(OrderNotification).order_by(OrderNotification.id)).all()[1:]
    assert (moved.late, moved.due_at) == (True, datetime(2026, 11, 30, 0, 0, tzinfo=UTC))
    assert (renamed.late, renamed.due_at) == (False, datetime(2026, 12, 1, 0, 0, tzinfo=UTC))
    dashboard = client.get("/dashboard/tasks").get_data(as_text=True)
    assert "A new home address notified late" in dashboard and "A new name notified late" not in dashboard


def test_invalid_input_comes_back_with_what_was_typed(client, login_as):
    officer, token = login_as(Role.OFFICER)
    case = granted_case(officer, regime=RegimeCode.DAPN)
    url = f"/cases/{case.id}/court/notifications/new"
    html = client.post(url, data=_form(token, taken_by="", names="Dale Whitcombe-Typed")).get_data(as_text=True)
    assert "Enter who took the notification" in html and "Dale Whitcombe-Typed" in html
    html = client.post(url, data=_form(token, notified_date="2026-11-17")).get_data(as_text=True)
    assert "cannot be in the future" in html
    html = client.post(url, data=_form(token, kind="new_address", changed_on="")).get_data(as_text=True)
    assert "Enter the day the change happened" in html
    assert db.session.scalars(select(OrderNotification)).all() == []


def test_an_exemption_is_recorded_with_which_and_no_clock_or_task(client, login_as):
    officer, token = login_as(Role.OFFICER)
    case = granted_case(officer, regime=RegimeCode.DAPN)
    url = f"/cases/{case.id}/court/notifications/new"
    html = client.post(url, data={"csrf_token": token, "kind": "exempt", "taken_by": "DS 55 Reed"}).get_data(as_text=True)
    assert "Choose which exemption in s.41(8) applies" in html
    response = client.post(url, data={"csrf_token": token, "kind": "exempt", "exemption": "soa_2003",
                                      "taken_by": "DS 55 Reed"})
    assert response.status_code == 302
    assert _notification_clocks(case) == []
    token = _later(client, officer, DUE + timedelta(days=2))
    assert "notification-tasks" not in client.get("/dashboard").get_data(as_text=True)
    assert "Sexual Offences Act 2003" in client.get(f"/cases/{case.id}/court").get_data(as_text=True)
    html = client.post(url, data=_form(token)).get_data(as_text=True)
    assert "exempt" in html
    assert len(db.session.scalars(select(OrderNotification)).all()) == 1


def test_a_dvpo_has_no_notification_requirements(client, login_as):
    officer, token = login_as(Role.OFFICER)
    case = granted_case(officer)
    assert _notification_clocks(case) == []
    html = client.get(f"/cases/{case.id}/court/notifications/new").get_data(as_text=True)
    assert "domestic abuse protection order is in force" in html
    assert "Notification requirements" not in client.get(f"/cases/{case.id}/court").get_data(as_text=True)


def test_only_officers_may_record_and_only_on_cases_they_may_read(app, make_user):
    officer = make_user(Role.OFFICER)
    case = granted_case(officer, area="North", regime=RegimeCode.DAPN)
    url = f"/cases/{case.id}/court/notifications/new"
    for role in (Role.SUPERVISOR, Role.SUPERINTENDENT, Role.INSPECTOR, Role.ADMIN, Role.CASEWORKER):
        client = app.test_client()
        login(client, make_user(role))
        token = csrf_token(client)
        assert client.get(url).status_code == 403, role
        assert client.post(url, data=_form(token)).status_code == 403, role
    client = app.test_client()
    login(client, make_user(Role.OFFICER, area="South"))
    token = csrf_token(client)
    assert client.get(url).status_code == 404
    assert client.post(url, data=_form(token)).status_code == 404
    assert db.session.scalars(select(OrderNotification)).all() == []


@pytest.mark.parametrize("statement", ["UPDATE order_notification SET taken_by = 'someone else'", "DELETE FROM order_notification"])
def test_notifications_are_append_only(client, login_as, statement):
    officer, token = login_as(Role.OFFICER)
    case = granted_case(officer, regime=RegimeCode.DAPN)
    client.post(f"/cases/{case.id}/court/notifications/new", data=_form(token))
    assert_append_only(statement)
