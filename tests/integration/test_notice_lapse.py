"""A notice whose hearing did not begin in time (issue 12): shown as lapsed the moment the
deadline comes, then the officer records that the hearing began in time or closes it."""
import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from app import timeutil
from app.domain.calendar import LONDON
from app.domain.clocks import HEARING_CLOCK, LAPSED_CLOCK
from app.domain.timefmt import format_instant
from app.models import AuditEntry, BreachSource, CaseState, HearingOutcome, Role
from app.services import ValidationFailed, breaches, court, lapse
from app.services.calendar import load_calendar
from app.services.clock_cache import hearing_deadline_for
from app.services.order_records import OrderSettings
from app.services.referral_queries import referrals_for
from app.services.reminders import TextSettings
from tests.integration.conftest import error_summary, flash_messages, heading, keep_session_alive, normalize_spaces
from tests.integration.factories import listed_case, served_case
from tests.integration.test_bad_input import GARBAGE
from tests.integration.test_dashboard import row_of
from tests.support import count_queries


def jump(client, now) -> None:
    """Move the frozen clock; the jump in time is not idleness."""
    timeutil.set_frozen(now)
    keep_session_alive(client, now)


def deadline_of(case):
    return hearing_deadline_for(case, load_calendar())


def lapsed_case(officer, client=None, *, listed=False, after=timedelta(hours=1)):
    """A served case (listed or not) whose hearing deadline passed `after` ago, no hearing begun."""
    case = listed_case(officer) if listed else served_case(officer)
    now = deadline_of(case) + after
    if client is not None:
        jump(client, now)
    else:
        timeutil.set_frozen(now)
    return case


def test_the_lapse_appears_exactly_at_the_deadline_on_the_dashboard_and_case_page(client, client_request):
    officer = client_request.login_as(Role.OFFICER)
    case = served_case(officer)
    deadline = deadline_of(case)

    jump(client, deadline - timedelta(seconds=1))
    clock = row_of(client_request.get("cases.dashboard"), case.reference)["Clock"]
    assert clock.select_one(".app-clock__name").get_text() == HEARING_CLOCK
    assert client_request.get("cases.show", case_id=case.id).select_one("#notice-lapsed") is None

    jump(client, deadline)
    clock = row_of(client_request.get("cases.dashboard_rows", _headers={"HX-Request": "true"}), case.reference)["Clock"]
    assert clock.select_one(".app-clock__name").get_text() == LAPSED_CLOCK == "Notice lapsed: hearing not begun in time"
    assert clock["data-clock-status"] == "red"
    assert clock.select_one(".app-clock__deadline").get_text() == format_instant(deadline)
    page = client_request.get("cases.show", case_id=case.id)
    banner = page.select_one("#notice-lapsed")
    assert "Notice lapsed: hearing not begun in time" in normalize_spaces(banner.get_text())
    assert [a["href"] for a in banner.select("a")] == [f"/cases/{case.id}/lapse/hearing-began", f"/cases/{case.id}/lapse/close"]
    assert normalize_spaces(page.select_one("#case-clocks h2").get_text()) == LAPSED_CLOCK
    # Nothing was written: the lapse is derived from the clock.
    assert case.state is CaseState.SERVED


def test_a_supervisor_sees_the_lapse_but_no_decision_buttons(client, client_request, make_user):
    case = lapsed_case(make_user(Role.OFFICER), client)
    client_request.login_as(Role.SUPERVISOR)
    jump(client, deadline_of(case) + timedelta(hours=1))
    banner = client_request.get("cases.show", case_id=case.id).select_one("#notice-lapsed")
    assert banner is not None and banner.select("a") == []


def test_the_officer_records_that_the_listed_hearing_began_in_time_then_the_outcome(client, client_request):
    officer = client_request.login_as(Role.OFFICER)
    case = lapsed_case(officer, client, listed=True)
    deadline = deadline_of(case)
    page = client_request.get("lapse.hearing_began", case_id=case.id)
    assert heading(page) == "Record that the hearing began in time"
    assert page.select_one("#court_name")["value"] == "Northfield Magistrates"

    late = deadline + timedelta(minutes=30)
    page = client_request.post("lapse.hearing_began", case_id=case.id, _expected_status=200, _data={
        "began_date": late.astimezone(LONDON).strftime("%Y-%m-%d"), "began_time": late.astimezone(LONDON).strftime("%H:%M"),
        "court_name": "Westhaven Magistrates"})
    assert error_summary(page) == [
        f"The hearing had to begin by {format_instant(deadline)}. A later start does not save the notice: "
        "close it as lapsed instead"]
    assert page.select_one("#court_name")["value"] == "Westhaven Magistrates"  # what was typed comes back
    assert case.hearings[0].began_at is None

    began = deadline - timedelta(hours=2)
    client_request.post("lapse.hearing_began", case_id=case.id, _expected_redirect=f"/cases/{case.id}/court/outcome", _data={
        "began_date": began.astimezone(LONDON).strftime("%Y-%m-%d"),
        "began_time": began.astimezone(LONDON).strftime("%H:%M"), "court_name": "Westhaven Magistrates"})
    [hearing] = case.hearings
    assert hearing.began_at == began and hearing.starts_at == began and hearing.court_name == "Westhaven Magistrates"
    assert not lapse.notice_lapsed(case, load_calendar())
    assert client_request.get("cases.show", case_id=case.id).select_one("#notice-lapsed") is None
    entry = db_entry(case, "court.hearing_began_recorded")
    assert entry.user_id == officer.id and entry.detail["began_at"] == began.isoformat()
    # It then asks for the outcome as usual.
    assert heading(client_request.get("court.outcome", case_id=case.id)) == "Hearing outcome"


def test_recording_the_start_with_no_hearing_listed_lists_it(client, client_request):
    officer = client_request.login_as(Role.OFFICER)
    case = lapsed_case(officer, client)
    began = deadline_of(case) - timedelta(hours=1)
    client_request.post("lapse.hearing_began", case_id=case.id, _data={
        "began_date": began.astimezone(LONDON).strftime("%Y-%m-%d"),
        "began_time": began.astimezone(LONDON).strftime("%H:%M"), "court_name": "Northfield Magistrates"})
    [hearing] = case.hearings
    assert hearing.began_at == began and hearing.outcome is None and court.pending_hearing(case) is hearing


@pytest.mark.parametrize("data, field, message", [
    ({"began_date": "", "began_time": "", "court_name": ""}, "began_date", "Enter the date and time the hearing began"),
    ({"court_name": ""}, "court_name", "Enter the court"),
])
def test_the_start_needs_a_time_and_a_court(client, client_request, data, field, message):
    officer = client_request.login_as(Role.OFFICER)
    case = lapsed_case(officer, client)
    began = deadline_of(case) - timedelta(hours=1)
    full = {"began_date": began.astimezone(LONDON).strftime("%Y-%m-%d"),
            "began_time": began.astimezone(LONDON).strftime("%H:%M"), "court_name": "Northfield Magistrates"}
    page = client_request.post("lapse.hearing_began", case_id=case.id, _expected_status=200, _data={**full, **data})
    assert message in error_summary(page)
    assert case.hearings == []


def test_closing_the_notice_as_lapsed_needs_a_reason_and_confirmation_and_is_audited(client, client_request):
    officer = client_request.login_as(Role.OFFICER)
    case = lapsed_case(officer, client)
    deadline = deadline_of(case)
    page = client_request.post("lapse.close", case_id=case.id, _expected_status=200,
                               _data={"reason": "The court could not sit: no legal adviser."})
    assert error_summary(page) == [f"Confirm that the hearing did not begin by {format_instant(deadline)}"]
    assert page.select_one("#reason").get_text().strip() == "The court could not sit: no legal adviser."
    page = client_request.post("lapse.close", case_id=case.id, _expected_status=200, _data={"confirm": "confirmed"})
    assert error_summary(page) == ["Say why the hearing did not begin in time"]
    assert page.select_one("input[name=confirm]").has_attr("checked")
    assert case.state is CaseState.SERVED

    page = client_request.post("lapse.close", case_id=case.id, _follow_redirects=True,
                               _data={"reason": "The court could not sit: no legal adviser.", "confirm": "confirmed"})
    assert flash_messages(page) == ["The notice is closed as lapsed. The victim's referral to support carries on."]
    assert case.state is CaseState.NOTICE_LAPSED and case.state.label == "Notice lapsed" and case.state.is_live
    assert case.notice_lapse_reason == "The court could not sit: no legal adviser."
    assert page.select_one("#notice-lapsed") is None  # decided: no banner, no clock
    assert page.select_one("#case-clocks h2") is None
    entry = db_entry(case, "case.notice_lapsed")
    assert entry.user_id == officer.id and entry.detail == {"hearing_deadline": deadline.isoformat()}  # no reason text
    # Still on the dashboard (live), with no clock; the referral carries on.
    row = row_of(client_request.get("cases.dashboard"), case.reference)
    assert normalize_spaces(row["Status"].strong.get_text()) == "Notice lapsed"
    assert row["Clock"]["data-clock-status"] == "none"
    assert len(referrals_for(case)) == 1
    # A second tab: nothing to decide.
    page = client_request.post("lapse.close", case_id=case.id, _expected_status=200,
                               _data={"reason": "Again.", "confirm": "confirmed"})
    assert heading(page) == "The notice has already been closed as lapsed."


def test_closing_is_refused_by_the_service_once_decided(client, client_request):
    officer = client_request.login_as(Role.OFFICER)
    case = lapsed_case(officer, client)
    lapse.close_as_lapsed(officer, case, reason="No court.", confirmed=True, calendar=load_calendar())
    with pytest.raises(ValidationFailed, match="already been closed"):
        lapse.close_as_lapsed(officer, case, reason="No court.", confirmed=True, calendar=load_calendar())


def test_before_the_deadline_there_is_nothing_to_decide(client, client_request):
    officer = client_request.login_as(Role.OFFICER)
    case = served_case(officer)
    jump(client, deadline_of(case) - timedelta(minutes=1))
    for endpoint in ("lapse.hearing_began", "lapse.close"):
        assert heading(client_request.get(endpoint, case_id=case.id)) == "This notice is not shown as lapsed."
    client_request.post("lapse.close", case_id=case.id, _expected_status=200, _data={"reason": "x", "confirm": "confirmed"})
    assert case.state is CaseState.SERVED


def test_an_outcome_recorded_in_time_means_no_lapse(client, client_request):
    officer = client_request.login_as(Role.OFFICER)
    case = listed_case(officer)
    court.record_outcome(officer, case, court.pending_hearing(case), outcome=HearingOutcome.ADJOURNED, contested=False,
                         notes="", next_starts_at=case.hearings[0].starts_at + timedelta(days=2),
                         calendar=load_calendar(), texts=TextSettings(), orders=OrderSettings())
    jump(client, deadline_of(case) + timedelta(hours=5))
    assert not lapse.notice_lapsed(case, load_calendar())
    assert client_request.get("cases.show", case_id=case.id).select_one("#notice-lapsed") is None


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.SUPERINTENDENT, Role.CASEWORKER, Role.ADMIN])
def test_only_officers_decide(client, client_request, make_user, role):
    case = lapsed_case(make_user(Role.OFFICER))
    client_request.login_as(role)
    jump(client, timeutil.utcnow())
    for endpoint in ("lapse.hearing_began", "lapse.close"):
        client_request.get(endpoint, case_id=case.id, _expected_status=403)
        client_request.post(endpoint, case_id=case.id, _expected_status=403, _data={"reason": "x", "confirm": "confirmed"})
    assert case.state is CaseState.SERVED


def test_an_officer_of_another_area_cannot_decide(client, client_request, make_user):
    case = lapsed_case(make_user(Role.OFFICER))  # a North case
    client_request.login_as(Role.OFFICER, area="South")
    jump(client, timeutil.utcnow())
    for endpoint in ("lapse.hearing_began", "lapse.close"):
        client_request.get(endpoint, case_id=case.id, _expected_status=404)
        client_request.post(endpoint, case_id=case.id, _expected_status=404, _data={"reason": "x", "confirm": "confirmed"})
    assert case.state is CaseState.SERVED


def _breach(officer, case):
    return breaches.record_breach(officer, case, occurred_at=case.served_at + timedelta(hours=1), description="At the door.",
                                  source=BreachSource.VICTIM, arrested_at=None, arresting_officer="",
                                  calendar=load_calendar())


def test_no_breach_of_the_notice_once_it_lapsed(client, client_request):
    officer = client_request.login_as(Role.OFFICER)
    case = served_case(officer)
    deadline = deadline_of(case)
    timeutil.set_frozen(deadline - timedelta(seconds=1))
    _breach(officer, case)  # still in force
    timeutil.set_frozen(deadline)
    with pytest.raises(ValidationFailed, match="The notice has lapsed"):
        _breach(officer, case)
    lapse.close_as_lapsed(officer, case, reason="No court.", confirmed=True, calendar=load_calendar())
    with pytest.raises(ValidationFailed):
        _breach(officer, case)
    assert len(case.breaches) == 1
    # Through the page: refused, with the message.
    jump(client, deadline)
    other = lapsed_case(officer, client)
    page = client_request.post("court.new_breach", case_id=other.id, _expected_status=200, _data={
        "occurred_date": other.served_at.strftime("%Y-%m-%d"), "occurred_time": "12:00", "description": "At the door.",
        "source": BreachSource.VICTIM.value, "arrested": "no"})
    assert any("The notice has lapsed" in e for e in error_summary(page))


def test_no_order_on_an_application_whose_notice_was_closed_as_lapsed(client, client_request):
    officer = client_request.login_as(Role.OFFICER)
    case = lapsed_case(officer, client, listed=True)
    lapse.close_as_lapsed(officer, case, reason="Listed too late.", confirmed=True, calendar=load_calendar())
    with pytest.raises(ValidationFailed, match="closed as lapsed"):
        court.record_outcome(officer, case, court.pending_hearing(case), outcome=HearingOutcome.GRANTED, contested=False,
                             notes="", days=28, made_on=timeutil.utcnow().date(), conditions=[{"kind": "no_molest"}],
                             calendar=load_calendar(), texts=TextSettings(), orders=OrderSettings())
    assert case.order is None


def test_dashboard_statements_do_not_grow_with_lapsed_cases(client, login_as):
    officer, _ = login_as(Role.OFFICER)
    cases = [served_case(officer) for _ in range(2)]
    few = {url: count_queries(client, url) for url in ("/dashboard", "/dashboard/rows")}
    cases += [served_case(officer) for _ in range(6)]
    jump(client, deadline_of(cases[-1]) + timedelta(hours=1))
    lapse.close_as_lapsed(officer, cases[0], reason="No court.", confirmed=True, calendar=load_calendar())
    many = {url: count_queries(client, url) for url in ("/dashboard", "/dashboard/rows")}
    assert few == many


def test_garbage_to_the_decision_pages_never_gives_a_500(client, client_request):
    officer = client_request.login_as(Role.OFFICER)
    case = lapsed_case(officer, client, listed=True)
    for endpoint in ("lapse.hearing_began", "lapse.close"):
        url = client_request.url(endpoint, case_id=case.id)
        for value in GARBAGE:
            data = {name: value for name in ("began_date", "began_time", "court_name", "reason", "confirm")}
            data["csrf_token"] = client_request_token(client)
            data["file"] = (io.BytesIO(value.encode("utf-8", "surrogatepass")), value or "x")
            response = client.post(url, data=data, content_type="multipart/form-data")
            assert response.status_code < 500, (endpoint, value)
    assert case.state is CaseState.SERVED and case.hearings[0].began_at is None


def client_request_token(client):
    from tests.integration.conftest import csrf_token

    return csrf_token(client)


def db_entry(case, action):
    from app.extensions import db

    return db.session.scalar(select(AuditEntry).where(AuditEntry.case_id == case.id, AuditEntry.action == action))
