"""Premises provisions need shared premises at every step that sets them (CSA 2010 s.24(8),
s.28(8); DAA 2021 s.23(2)); P's age is tested when the notice is issued (CSA 2010 s.24(2);
DAA 2021 s.22(6))."""
from datetime import date, datetime, timedelta

import pytest

from app import timeutil
from app.demo import complete_application
from app.domain.calendar import LONDON
from app.domain.regimes import DAPN, DVPN, RegimeCode
from app.extensions import db
from app.models import CaseState, DecisionOutcome, HearingOutcome, Role
from app.services import ValidationFailed, authorisation, cases, court
from app.services.calendar import load_calendar
from app.services.order_records import OrderSettings
from app.services.referrals import ReferralSettings
from app.services.reminders import TextSettings
from tests.integration.conftest import DEFAULT_NOW, error_summary
from tests.integration.factories import all_met, make_authoriser, open_case, submitted_case
from tests.integration.test_authorisation import decide_form

NOT_SHARED = {"shared_premises": False}


def _prohibitions_post(client_request, case, kinds, **extra):
    data = {"kinds": kinds, "distance_metres": "100", **{f"justify_{k}": "Needed to protect her." for k in kinds}, **extra}
    return client_request.post("authorisation.section", case_id=case.id, section="prohibitions", _data=data,
                               _expected_status=200)


def test_premises_provisions_are_refused_in_the_application_without_shared_premises(client_request):
    officer = client_request.login_as(Role.OFFICER)
    case = open_case(officer)
    authorisation.save_section(officer, case, "other_occupants", NOT_SHARED)
    page = _prohibitions_post(client_request, case, ["no_enter", "leave"])
    assert error_summary(page) == [
        "'Not to enter the premises', 'To leave the premises' can be included only where the perpetrator and the "
        "victim live in the same premises (Crime and Security Act 2010 s.24(8)). Untick them, or answer 'Yes' in "
        "'Other people living at the premises' if they do live together"]
    assert page.select_one("#justify_no_enter").get_text().strip() == "Needed to protect her."  # typed values kept
    assert "prohibitions" not in authorisation.current_application(case).section_data
    # Only the provision every notice has: saved.
    client_request.post("authorisation.section", case_id=case.id, section="prohibitions", _data={"kinds": []})
    assert authorisation.current_application(case).section_data["prohibitions"]["kinds"] == ["no_molest"]


def test_a_dapn_may_keep_p_away_from_any_premises_where_v_lives_without_shared_premises(client_request, app):
    app.config["DAPN_PILOT"] = True
    officer = client_request.login_as(Role.OFFICER)
    case = open_case(officer, regime=RegimeCode.DAPN)
    authorisation.save_section(officer, case, "other_occupants", NOT_SHARED)
    page = client_request.get("authorisation.section", case_id=case.id, section="prohibitions")
    assert DAPN.distance_label in page.get_text()
    client_request.post("authorisation.section", case_id=case.id, section="prohibitions",
                        _data={"kinds": ["no_come_within"], "distance_metres": "200", "justify_no_come_within": "Waits outside."})
    assert authorisation.current_application(case).section_data["prohibitions"]["kinds"] == ["no_molest", "no_come_within"]
    page = _prohibitions_post(client_request, case, ["no_come_within", "no_enter"])
    assert "(Domestic Abuse Act 2021 s.23(2))" in error_summary(page)[0]


def test_changing_the_answer_to_no_makes_the_prohibitions_incomplete(app, make_user):
    officer = make_user(Role.OFFICER)
    case = open_case(officer)
    complete_application(officer, case, mobile="07123456789")
    assert authorisation.incomplete(authorisation.current_application(case), case) == []
    authorisation.save_section(officer, case, "other_occupants", NOT_SHARED)
    assert authorisation.incomplete(authorisation.current_application(case), case) == ["prohibitions"]
    with pytest.raises(ValidationFailed):
        authorisation.submit(officer, case)


def test_the_authoriser_cannot_authorise_premises_provisions_without_shared_premises(client, login_as, make_user):
    """An application submitted before the rule (or changed since) is caught at the decision."""
    case = submitted_case(make_user(Role.OFFICER))
    application = authorisation.current_application(case)
    section = next(s for s in application.sections if s.key == "other_occupants")
    section.data = {**section.data, "shared_premises": False}
    db.session.commit()
    _, token = login_as(Role.SUPERINTENDENT)
    response = client.post(f"/authorisations/{application.id}", data=decide_form(token, "authorise"))
    assert response.status_code == 200
    assert "can be included only where the perpetrator and the victim live in the same premises" in response.get_data(as_text=True)
    db.session.refresh(case)
    assert case.state is CaseState.AWAITING_AUTHORISATION
    # Returning it for correction is allowed.
    assert client.post(f"/authorisations/{application.id}", data=decide_form(token, "return", checks=None)).status_code == 302


def _case_with_application(officer, *, dob, incident_at):
    case = open_case(officer, incident_at=incident_at,
                     perpetrator=cases.PersonDetails("Adam Testperson", dob))
    complete_application(officer, case, mobile="07123456789")
    authorisation.submit(officer, case)
    return case


def _authorise(case, authoriser):
    return authorisation.decide(authoriser, case, authorisation.current_application(case),
                                outcome=DecisionOutcome.AUTHORISE, answers=all_met(case), rationale="Necessary.")


def test_a_p_under_18_at_the_incident_who_is_18_when_it_is_issued_may_be_given_a_notice(app, make_user):
    # Born 16 Nov 2008: 17 at the incident on Sunday 15 Nov 2026, 18 on the Monday of the decision.
    case = _case_with_application(make_user(Role.OFFICER), dob=date(2008, 11, 16),
                                  incident_at=DEFAULT_NOW - timedelta(days=1))
    _authorise(case, make_authoriser())
    assert case.state is CaseState.AUTHORISED


def test_a_p_under_18_when_the_decision_is_made_is_refused_until_the_birthday(client_request, client, make_user):
    officer = make_user(Role.OFFICER)
    # Born 17 Nov 2008: 17 today (Monday 16 Nov 2026), 18 tomorrow. The case opens; the application warns.
    case = _case_with_application(officer, dob=date(2008, 11, 17), incident_at=DEFAULT_NOW - timedelta(hours=2))
    authoriser = client_request.login_as(Role.SUPERINTENDENT)
    application = authorisation.current_application(case)
    page = client_request.get("authorisation.decide", application_id=application.id)
    assert "turns 18 on Tue 17 Nov 2026" in page.select_one("#perpetrator-under-18").get_text()
    page = client_request.post("authorisation.decide", application_id=application.id, _expected_status=200,
                               _data={k: v for k, v in decide_form(None, "authorise", rationale="Needed now.").items()
                                      if k != "csrf_token"})
    assert error_summary(page) == [
        "The perpetrator is under 18 today and turns 18 on Tue 17 Nov 2026: a DVPN cannot be issued to a person "
        "under 18 (Crime and Security Act 2010 s.24(2))"]
    assert page.select_one("#rationale").get_text().strip() == "Needed now."
    assert case.state is CaseState.AWAITING_AUTHORISATION
    # Refusing is allowed; authorising from 00:00 London on the birthday is too.
    birthday = datetime(2026, 11, 17, 0, 0, tzinfo=LONDON)
    timeutil.set_frozen(birthday - timedelta(minutes=1))
    with pytest.raises(ValidationFailed):
        _authorise(case, authoriser)
    timeutil.set_frozen(birthday)
    _authorise(case, authoriser)
    assert case.state is CaseState.AUTHORISED


def test_the_application_warns_the_officer_while_p_is_under_18(client_request):
    officer = client_request.login_as(Role.OFFICER)
    case = open_case(officer, perpetrator=cases.PersonDetails("Young Person", date(2009, 1, 1)))
    assert case.state is CaseState.DRAFT  # opening is allowed: the age that matters is at issue
    warning = client_request.get("authorisation.task_list", case_id=case.id).select_one("#perpetrator-under-18")
    assert "turns 18 on Fri 1 Jan 2027" in warning.get_text()
    adult = open_case(officer)
    assert client_request.get("authorisation.task_list", case_id=adult.id).select_one("#perpetrator-under-18") is None


def _served_without_shared_premises(officer, regime=RegimeCode.DVPN, kinds=("no_molest",)):
    case = open_case(officer, regime=regime)
    complete_application(officer, case, mobile="07123456789")
    authorisation.save_section(officer, case, "other_occupants", NOT_SHARED)
    authorisation.save_section(officer, case, "prohibitions", {
        "kinds": list(kinds), "justifications": {k: "Needed." for k in kinds},
        "distance_metres": 100 if "no_come_within" in kinds else None})
    authorisation.submit(officer, case)
    _authorise(case, make_authoriser())
    cases.record_dvpn_served(officer, case, served_at=timeutil.utcnow() - timedelta(minutes=30), window_hours=48,
                             calendar=load_calendar(), referral_settings=ReferralSettings())
    court.list_hearing(officer, case, court_name="Northfield Magistrates", starts_at=timeutil.utcnow() - timedelta(minutes=15),
                       late_reason="", calendar=load_calendar())
    return case


def _grant(officer, case, conditions):
    return court.record_outcome(officer, case, court.pending_hearing(case), outcome=HearingOutcome.GRANTED,
                                contested=False, notes="", days=28, made_on=date(2026, 11, 16), conditions=conditions,
                                calendar=load_calendar(), texts=TextSettings(), orders=OrderSettings())


def test_the_court_order_cannot_contain_premises_provisions_without_shared_premises(client, login_as):
    officer, token = login_as(Role.OFFICER)
    case = _served_without_shared_premises(officer)
    hearing = court.pending_hearing(case)
    data = {"csrf_token": token, "hearing_id": str(hearing.id), "outcome": "granted", "contested": "no",
            "made_on": "2026-11-16", "days": "28", "conditions": ["no_molest", "no_enter"], "notes": "Granted."}
    response = client.post(f"/cases/{case.id}/court/outcome", data=data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "(Crime and Security Act 2010 s.28(8))" in html and "Granted." in html
    assert case.order is None
    data["conditions"] = ["no_molest"]
    assert client.post(f"/cases/{case.id}/court/outcome", data=data).status_code == 302
    db.session.refresh(case)
    assert case.state is CaseState.ORDER_IN_FORCE


def test_a_dapo_may_keep_p_away_from_where_v_lives_without_shared_premises(app, make_user):
    app.config["DAPN_PILOT"] = True
    officer = make_user(Role.OFFICER)
    case = _served_without_shared_premises(officer, RegimeCode.DAPN, ("no_molest", "no_come_within"))
    with pytest.raises(ValidationFailed, match="Domestic Abuse Act 2021 s.23"):
        _grant(officer, case, [{"kind": "no_molest"}, {"kind": "leave"}])
    _grant(officer, case, [{"kind": "no_molest"}, {"kind": "no_come_within", "distance_metres": 100}])
    assert case.state is CaseState.ORDER_IN_FORCE


def test_with_shared_premises_the_order_may_remove_p_from_the_home(app, make_user):
    from tests.integration.factories import granted_case

    case = granted_case(make_user(Role.OFFICER), conditions=[{"kind": "no_molest"}, {"kind": "leave"}])
    assert case.state is CaseState.ORDER_IN_FORCE and DVPN.order_premises_basis
