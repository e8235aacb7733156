"""A notice the authorising officer refuses still refers the victim to support (seed 003:
"victims and survivors must be referred to support services even if a DVPN or DVPO is not
granted"), under the same Victims' Code rule (Right 4: 2 working days, the day of the
trigger not counting), with the refusal decision as the trigger. Nothing in the referral
may claim a notice was served or an order exists.

The clock is frozen at Mon 16 Nov 2026 10:00 UTC (10:00 London) unless a test moves it.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from app.domain.calendar import LONDON
from app.domain.referrals import CodeState, Consent
from app.domain.regimes import DAPN, RegimeCode
from app.extensions import db
from app.models import AuditEntry, CaseState, DecisionOutcome, ReferralStatus, Role
from app.services import authorisation, cases, referral_queries, referral_sweep, referrals
from app.services.calendar import load_calendar
from app.services.referrals import ReferralSettings
from app.timeutil import frozen_at, utcnow
from tests.integration.conftest import csrf_token, login
from tests.integration.factories import all_met, make_authoriser, submitted_case, support_service
from tests.integration.test_authorisation import decide_form


def L(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


def refuse(case, authoriser=None, settings: ReferralSettings | None = None):
    return authorisation.decide(
        authoriser or make_authoriser(), case, authorisation.current_application(case), outcome=DecisionOutcome.REFUSE,
        answers=all_met(case), rationale="Not necessary: P is remanded.", calendar=load_calendar(),
        referral_settings=settings or ReferralSettings(),
    )


def text_of(html: str) -> str:
    return " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())


def test_refusing_through_the_approval_page_creates_the_referral(client, make_user):
    officer = make_user(Role.OFFICER)
    case = submitted_case(officer)
    application = authorisation.current_application(case)
    authoriser = make_user(Role.SUPERINTENDENT, rank="Supt")
    login(client, authoriser)
    response = client.post(f"/authorisations/{application.id}", data=decide_form(csrf_token(client), "refuse"),
                           follow_redirects=True)
    assert "still referred to support under the Victims' Code" in text_of(response.get_data(as_text=True))
    db.session.refresh(case)
    assert case.state is CaseState.REFUSED and case.served_at is None
    [referral] = referral_queries.referrals_for(case)
    decided_at = application.decision.decided_at
    assert decided_at == utcnow()
    assert referral.status is ReferralStatus.AWAITING and referral.trigger_at == decided_at
    # Refused Mon 16 Nov 10:00: Tue 17 (1), Wed 18 (2) -> due Thu 19 Nov 00:00; warning Wed 13:00.
    assert referral.due_at == L("2026-11-19 00:00") and referral.warn_at == L("2026-11-18 13:00")
    assert referral.protection_stage == "notice_refused" and referral.order_ends_at is None
    assert referrals.protection_stage(case) == ("notice_refused", None)  # what a later sync would keep
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "referral.created")).one()
    assert entry.case_id == case.id and entry.user_id == authoriser.id
    assert entry.detail == {"referral": referral.id, "due_at": referral.due_at.isoformat(), "trigger": "notice_refused"}


def test_a_refused_dapn_refers_the_victim_too_with_the_forces_working_days(make_user):
    officer = make_user(Role.OFFICER)
    case = submitted_case(officer, regime=RegimeCode.DAPN)
    with frozen_at(L("2026-12-24 16:00")):  # Thu before Christmas
        refuse(case, make_authoriser(Role.INSPECTOR), ReferralSettings(working_days=5))
    [referral] = referral_queries.referrals_for(case)
    # Fri 25, Sat, Sun, Mon 28 (substitute) no; Tue 29 (1), Wed 30 (2), Thu 31 (3), Fri 1 Jan no,
    # Mon 4 (4), Tue 5 (5) -> Wed 6 Jan 00:00.
    assert referral.working_days == 5 and referral.due_at == L("2027-01-06 00:00")
    assert DAPN.notice == "DAPN"


def test_returning_or_authorising_creates_no_referral(make_user):
    officer = make_user(Role.OFFICER)
    returned, authorised = submitted_case(officer), submitted_case(officer)
    authorisation.decide(make_authoriser(), returned, authorisation.current_application(returned),
                         outcome=DecisionOutcome.RETURN, answers={}, rationale="Say more about the children.")
    authorisation.decide(make_authoriser(), authorised, authorisation.current_application(authorised),
                         outcome=DecisionOutcome.AUTHORISE, answers=all_met(authorised), rationale="Yes.")
    assert referral_queries.referrals_for(returned) == [] and referral_queries.referrals_for(authorised) == []


def test_a_refusal_needs_the_calendar_and_settings(make_user):
    case = submitted_case(make_user(Role.OFFICER))
    with pytest.raises(TypeError, match="referral_settings"):
        authorisation.decide(make_authoriser(), case, authorisation.current_application(case),
                             outcome=DecisionOutcome.REFUSE, answers=all_met(case), rationale="No.")


@pytest.mark.parametrize(("settle_at", "state", "flagged"), [
    ("2026-11-18 16:59", CodeState.MET, False),
    ("2026-11-19 09:30", CodeState.MET_LATE, True),
])
def test_the_sweep_treats_it_as_any_referral(make_user, settle_at, state, flagged):
    officer = make_user(Role.OFFICER)
    case = submitted_case(officer)
    refuse(case)
    [referral] = referral_queries.referrals_for(case)
    assert referral_sweep.sweep(L("2026-11-18 12:59")).due_soon == 0
    assert referral_sweep.sweep(L("2026-11-18 13:00")).due_soon == 1
    with frozen_at(L(settle_at)):
        referrals.save_details(officer, referral, case, referrals.ReferralDetails(
            consent=Consent.CONSENTS, consent_asked_at=utcnow() - timedelta(minutes=5), safe_number="07911 123456",
            safe_to_call=True))
        if flagged:
            assert referral_sweep.sweep(utcnow()).flagged == 1  # overdue since Thu 00:00: a breach
        referrals.send(officer, referral, case, support_service().id, load_calendar())
    db.session.refresh(referral)
    check = referral_queries.code_state(referral, L("2026-11-30 10:00"))
    assert check.state is state and (referral.code_breach_at is not None) is flagged
    assert referral_sweep.sweep(L("2026-11-30 10:00")).flagged == 0


def test_what_police_and_the_service_read_never_claims_a_notice_or_order(app, client, make_user):
    officer = make_user(Role.OFFICER, full_name="PC Olivia Officer")
    case = submitted_case(officer)  # proposes: do not molest, do not enter
    refuse(case)
    [referral] = referral_queries.referrals_for(case)
    login(client, officer)
    token = csrf_token(client)
    case_page = text_of(client.get(f"/cases/{case.id}").get_data(as_text=True))
    assert "Victim referral" in case_page and "Beth Testperson : to send" in case_page
    police = text_of(client.get(f"/cases/{case.id}/referrals").get_data(as_text=True))
    assert "The authorising officer refused the notice: no notice or order is in force" in police
    assert "Refer the victim to support" in text_of(client.get("/dashboard/tasks").get_data(as_text=True))
    edit = text_of(client.get(f"/cases/{case.id}/referrals/{referral.id}/edit").get_data(as_text=True))
    assert "None: the notice was refused, so none were imposed" in edit
    assert "there is no application to the court" in edit and "Notice refused by the authorising officer" in edit
    with frozen_at(utcnow() + timedelta(minutes=30)):
        referrals.save_details(officer, referral, case, referrals.ReferralDetails(
            consent=Consent.CONSENTS, consent_asked_at=utcnow() - timedelta(minutes=5), safe_number="07911 123456",
            safe_to_call=True))
        check = text_of(client.get(f"/cases/{case.id}/referrals/{referral.id}/send").get_data(as_text=True))
        service = support_service()
        response = client.post(f"/cases/{case.id}/referrals/{referral.id}/send",
                               data={"csrf_token": token, "service_id": str(service.id)})
        assert response.status_code == 302
    assert "Not served: the authorising officer refused the notice, Mon 16 Nov 2026, 10:00" in check
    db.session.refresh(referral)
    assert referral.content["served_at"] is None and referral.content["conditions"] == ""
    assert referral.content["notice_refused_at"] == referral.trigger_at.isoformat()
    caseworker_client = app.test_client()
    login(caseworker_client, make_user(Role.CASEWORKER, service_id=service.id))
    page = text_of(caseworker_client.get(f"/referrals/{referral.id}").get_data(as_text=True))
    assert "The authorising officer refused the notice: no notice or order is in force" in page
    assert "None: the notice was refused, so none were imposed" in page
    assert "None: with the notice refused, police made no application to the court" in page
    assert "the notice was refused by the authorising officer Mon 16 Nov 2026, 10:00 and not served" in page
    for pages in (police, edit, check, page):
        for claim in ("Notice in force", "notice served", "Notice served on the perpetrator", "Order in force",
                      "Do not go into the address", "must not molest"):
            assert claim not in pages, claim


def test_served_after_a_resubmission_keeps_the_referral_and_its_clock(make_user):
    officer = make_user(Role.OFFICER)
    case = submitted_case(officer)
    refuse(case)
    [first] = referral_queries.referrals_for(case)
    due = first.due_at
    with frozen_at(utcnow() + timedelta(hours=2)):
        authorisation.resubmit_after_refusal(officer, case)
        authorisation.submit(officer, case)
        authorisation.decide(make_authoriser(), case, authorisation.current_application(case),
                             outcome=DecisionOutcome.AUTHORISE, answers=all_met(case), rationale="Now necessary.")
    with frozen_at(utcnow() + timedelta(hours=3)):
        cases.record_dvpn_served(officer, case, served_at=utcnow() - timedelta(minutes=5), window_hours=48,
                                 calendar=load_calendar(), referral_settings=ReferralSettings())
    [again] = referral_queries.referrals_for(case)
    assert again.id == first.id and again.due_at == due and again.protection_stage == "notice"
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "referral.order_updated")).one()
    assert entry.detail["stage"] == "notice"
