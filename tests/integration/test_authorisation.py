from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select, text

from app.domain.regimes import DVPN, RegimeCode
from app.extensions import db
from app.models import (
    Application,
    ApplicationStatus,
    AuditEntry,
    AuthorisationDecision,
    CaseState,
    DecisionOutcome,
    Role,
)
from app.models.audit import AppendOnlyError
from app.services import ValidationFailed, authorisation
from tests.integration.conftest import DEFAULT_NOW, assert_append_only, csrf_token, login
from tests.integration.factories import all_met, make_authoriser, open_case, submitted_case
from tests.support import count_queries, pdf_pages


def section_post(client, token, case, key, **fields):
    return client.post(f"/cases/{case.id}/application/{key}", data={"csrf_token": token, **fields})


def test_officer_saves_a_section_and_it_is_complete_and_audited(client, login_as):
    officer, token = login_as(Role.OFFICER)
    case = open_case(officer)
    response = section_post(client, token, case, "necessity", why_necessary="He will return tonight.",
                            why_not_other_means="No charge yet, so no bail conditions.")
    assert response.status_code == 302
    application = authorisation.current_application(case)
    assert application.number == 1 and application.status is ApplicationStatus.DRAFT
    assert application.section_data["necessity"]["why_necessary"] == "He will return tonight."
    html = client.get(f"/cases/{case.id}/application").get_data(as_text=True)
    assert "1 of 9 sections complete" in html
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "application.section_saved")).one()
    assert entry.user_id == officer.id and entry.detail["section"] == "necessity"
    # The fact of the save, not the answers: no personal data copied into the audit log.
    assert entry.detail["fields"] == ["why_necessary", "why_not_other_means"]
    assert "He will return tonight." not in str(entry.detail)


def test_htmx_save_returns_the_fragment_with_a_success_banner(client, login_as):
    officer, token = login_as(Role.OFFICER)
    case = open_case(officer)
    response = client.post(
        f"/cases/{case.id}/application/children", headers={"HX-Request": "true"},
        data={"csrf_token": token, "any_relevant": "no", "details": ""},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="section-form">') and "<html" not in html
    assert "saved and complete" in html and "Next section" in html


def test_invalid_section_is_not_saved_and_comes_back_with_errors_and_input(client, login_as):
    officer, token = login_as(Role.OFFICER)
    case = open_case(officer)
    response = client.post(
        f"/cases/{case.id}/application/dash", headers={"HX-Request": "true"},
        data={"csrf_token": token, "score": "15", "risk_level": "medium", "raise_reason": ""},
    )
    html = response.get_data(as_text=True)
    assert "There is a problem" in html and "never lower it" in html
    assert 'value="15"' in html
    assert authorisation.current_application(case) is None
    bad = section_post(client, token, case, "dash", score="lots", risk_level="high")
    assert bad.status_code == 200 and "must be a whole number" in bad.get_data(as_text=True)
    phone = section_post(client, token, case, "phone", has_mobile="yes", mobile="020 7946 0958")
    assert "That is not a mobile number" in phone.get_data(as_text=True) and "020 7946 0958" in phone.get_data(as_text=True)


def test_grounds_must_name_a_victim_of_this_case(client, login_as, make_user):
    officer, token = login_as(Role.OFFICER)
    case = open_case(officer)
    other = open_case(officer)
    response = section_post(client, token, case, "grounds", conduct="violence", description="Struck her.",
                            victim_id=str(other.victims[0].id), occurred_date="2026-11-16", occurred_time="08:00",
                            evidence=["injuries"])
    assert response.status_code == 200
    assert "Not a valid choice" in response.get_data(as_text=True) or "Choose the person" in response.get_data(as_text=True)
    assert authorisation.current_application(case) is None


def test_unknown_section_is_404_and_rubbish_never_500(client, login_as):
    officer, token = login_as(Role.OFFICER)
    case = open_case(officer)
    assert client.get(f"/cases/{case.id}/application/nonsense").status_code == 404
    for key in ("grounds", "dash", "prohibitions", "phone", "other_occupants"):
        response = section_post(client, token, case, key, conduct="x" * 10, victim_id="abc", score="-5",
                                risk_level="extreme", kinds=["teleport"], has_mobile="maybe",
                                distance_metres="far", shared_premises="perhaps", occurred_date="2026-13-45")
        assert response.status_code == 200, key
        assert "There is a problem" in response.get_data(as_text=True), key


def test_submit_only_when_every_section_is_complete(client, login_as):
    officer, token = login_as(Role.OFFICER)
    case = open_case(officer)
    section_post(client, token, case, "children", any_relevant="no")
    with pytest.raises(ValidationFailed):
        authorisation.submit(officer, case)
    response = client.post(f"/cases/{case.id}/application/check", data={"csrf_token": token})
    assert response.status_code == 302
    db.session.refresh(case)
    assert case.state is CaseState.DRAFT


def test_submit_and_withdraw(client, login_as):
    officer, token = login_as(Role.OFFICER)
    case = submitted_case(officer)
    assert case.state is CaseState.AWAITING_AUTHORISATION
    assert "Yes, withdraw it" in client.get(f"/cases/{case.id}/application/withdraw").get_data(as_text=True)
    client.post(f"/cases/{case.id}/application/withdraw", data={"csrf_token": token})
    db.session.refresh(case)
    application = authorisation.current_application(case)
    assert case.state is CaseState.DRAFT and application.status is ApplicationStatus.DRAFT
    assert application.submitted_at is None
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.case_id == case.id)
                                 .order_by(AuditEntry.id)).all()  # rows come in no order without one
    assert actions[-2:] == ["application.submitted", "application.withdrawn"]


def test_sections_cannot_change_while_awaiting_a_decision(client, login_as):
    officer, token = login_as(Role.OFFICER)
    case = submitted_case(officer)
    response = section_post(client, token, case, "children", any_relevant="no")
    assert response.status_code == 302
    assert authorisation.current_application(case).section_data["children"]["any_relevant"] is False
    with pytest.raises(ValidationFailed):
        authorisation.save_section(officer, case, "children", {"any_relevant": True, "details": "x"})


def decide_form(token, outcome, rationale="Necessary and proportionate.", checks="met", regime=DVPN):
    data = {"csrf_token": token, "outcome": outcome, "rationale": rationale}
    for item in regime.checklist:
        if checks:
            data[f"check_{item.code}"] = checks
        data[f"note_{item.code}"] = ""
    return data


def test_queue_lists_oldest_first_with_waiting_time(client, login_as, make_user):
    officer = make_user(Role.OFFICER)
    from app import timeutil

    timeutil.set_frozen(DEFAULT_NOW - timedelta(hours=3))
    older = submitted_case(officer, incident_at=DEFAULT_NOW - timedelta(hours=5))
    timeutil.set_frozen(DEFAULT_NOW - timedelta(minutes=20))
    newer = submitted_case(officer, incident_at=DEFAULT_NOW - timedelta(hours=1))
    timeutil.set_frozen(DEFAULT_NOW)
    login_as(Role.SUPERINTENDENT, rank="Supt")
    html = client.get("/authorisations").get_data(as_text=True)
    assert html.index(older.reference) < html.index(newer.reference)
    assert "Waiting <strong>3 h left</strong>" not in html  # wording: waiting time, not time left
    assert "Waiting <strong>3 h</strong>" in html and "Waiting <strong>20 min</strong>" in html
    assert 'hx-trigger="every 30s"' in html
    rows = client.get("/authorisations/rows", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert older.reference in rows and "<html" not in rows


def test_superintendent_authorises_with_checklist_and_rationale(client, login_as, make_user):
    officer = make_user(Role.OFFICER)
    case = submitted_case(officer)
    application = authorisation.current_application(case)
    superintendent, token = login_as(Role.SUPERINTENDENT, rank="Supt")
    page = client.get(f"/authorisations/{application.id}").get_data(as_text=True)
    assert "Adam Testperson" in page and "s.24(3)(b)" in page and "Record decision" in page
    response = client.post(f"/authorisations/{application.id}", data=decide_form(token, "authorise"))
    assert response.status_code == 302
    db.session.refresh(case)
    decision = db.session.scalars(select(AuthorisationDecision)).one()
    assert case.state is CaseState.AUTHORISED
    assert decision.outcome is DecisionOutcome.AUTHORISE and decision.decided_by_id == superintendent.id
    assert decision.decided_by_rank == "Supt" and decision.decided_at == DEFAULT_NOW
    assert [c["met"] for c in decision.checklist] == [True] * len(DVPN.checklist)
    assert "application.authorised" in db.session.scalars(select(AuditEntry.action)).all()
    # A second decision on the same application is refused, and the page shows the decision.
    again = client.post(f"/authorisations/{application.id}", data=decide_form(token, "refuse", "Changed my mind"))
    assert again.status_code == 200 and "Record decision" not in again.get_data(as_text=True)
    assert db.session.scalars(select(AuthorisationDecision)).one().outcome is DecisionOutcome.AUTHORISE


def test_authorising_needs_every_item_confirmed_and_a_rationale(client, login_as, make_user):
    officer = make_user(Role.OFFICER)
    application = authorisation.current_application(submitted_case(officer))
    _, token = login_as(Role.SUPERINTENDENT)
    data = decide_form(token, "authorise", rationale="   ")
    data["check_necessity"] = "not_met"
    del data["check_children"]
    html = client.post(f"/authorisations/{application.id}", data=data).get_data(as_text=True)
    assert "Give your rationale for authorising" in html
    assert "You cannot authorise while this is marked not met" in html
    assert "Confirm this, or mark it not met" in html
    html = client.post(f"/authorisations/{application.id}", data={"csrf_token": token, "outcome": "", "rationale": "x"}).get_data(as_text=True)
    assert "Choose your decision" in html
    html = client.post(f"/authorisations/{application.id}", data={"csrf_token": token, "outcome": "bribe"}).get_data(as_text=True)
    assert "There is a problem" in html
    assert db.session.scalar(select(AuthorisationDecision)) is None


def test_refusal_reason_reaches_the_officer_and_a_new_application_keeps_history(client, login_as, make_user):
    officer = make_user(Role.OFFICER)
    case = submitted_case(officer)
    application = authorisation.current_application(case)
    _, token = login_as(Role.SUPERINTENDENT)
    client.post(f"/authorisations/{application.id}", data=decide_form(token, "refuse", "Bail conditions already protect V."))
    db.session.refresh(case)
    assert case.state is CaseState.REFUSED

    officer_client = client.application.test_client()
    login(officer_client, officer)
    html = officer_client.get(f"/cases/{case.id}/application").get_data(as_text=True)
    assert "Bail conditions already protect V." in html and "Start a new application from this one" in html
    officer_client.post(f"/cases/{case.id}/application/restart", data={"csrf_token": csrf_token(officer_client)})
    db.session.refresh(case)
    numbers = [(a.number, a.status) for a in case.applications]
    assert numbers == [(1, ApplicationStatus.REFUSED), (2, ApplicationStatus.DRAFT)]
    assert case.state is CaseState.DRAFT
    assert case.applications[1].section_data == case.applications[0].section_data  # copied, not retyped
    assert case.applications[0].decision.rationale == "Bail conditions already protect V."


def test_return_for_more_information_gives_the_officer_a_new_draft(client, login_as, make_user):
    officer = make_user(Role.OFFICER)
    case = submitted_case(officer)
    application = authorisation.current_application(case)
    _, token = login_as(Role.SUPERINTENDENT)
    response = client.post(f"/authorisations/{application.id}", data=decide_form(token, "return", "Add the 999 call details.", checks=None))
    assert response.status_code == 302
    db.session.refresh(case)
    assert case.state is CaseState.DRAFT
    assert [a.status for a in case.applications] == [ApplicationStatus.RETURNED, ApplicationStatus.DRAFT]
    officer_client = client.application.test_client()
    login(officer_client, officer)
    html = officer_client.get(f"/cases/{case.id}/application").get_data(as_text=True)
    assert "Add the 999 call details." in html and "9 of 9 sections complete" in html
    # Resubmitted, the same superintendent may decide it: returning it did not make it theirs.
    authorisation.submit(officer, case)
    resubmitted = authorisation.current_application(case)
    page = client.get(f"/authorisations/{resubmitted.id}").get_data(as_text=True)
    assert "Record decision" in page


def test_nobody_decides_an_application_they_made(client, login_as, make_user):
    superintendent, token = login_as(Role.SUPERINTENDENT)
    officer = make_user(Role.OFFICER)
    case = submitted_case(officer)
    application = authorisation.current_application(case)
    # The superintendent edited a section before it was submitted: they had a hand in it.
    section = application.sections[0]
    db.session.execute(text("UPDATE application_section SET updated_by_id = :u WHERE id = :s"), {"u": superintendent.id, "s": section.id})
    db.session.commit()
    page = client.get(f"/authorisations/{application.id}").get_data(as_text=True)
    assert "another superintendent must decide it" in page and "Record decision" not in page
    client.post(f"/authorisations/{application.id}", data=decide_form(token, "authorise"))
    assert db.session.scalar(select(AuthorisationDecision)) is None


def test_inspector_decides_dapn_but_not_dvpn(client, login_as, make_user):
    officer = make_user(Role.OFFICER)
    dvpn = authorisation.current_application(submitted_case(officer))
    dapn_case = submitted_case(officer, regime=RegimeCode.DAPN)
    dapn = authorisation.current_application(dapn_case)
    _, token = login_as(Role.INSPECTOR, rank="Insp")
    queue = client.get("/authorisations").get_data(as_text=True)
    assert dapn_case.reference in queue and dvpn.case.reference not in queue
    assert client.get(f"/authorisations/{dvpn.id}").status_code == 403
    from app.domain.regimes import DAPN

    response = client.post(f"/authorisations/{dapn.id}", data=decide_form(token, "authorise", regime=DAPN))
    assert response.status_code == 302
    db.session.refresh(dapn_case)
    assert dapn_case.state is CaseState.AUTHORISED


def test_decisions_are_immutable_in_the_orm_and_the_database(make_user):
    officer = make_user(Role.OFFICER)
    case = submitted_case(officer)
    decision = authorisation.decide(make_authoriser(), case, authorisation.current_application(case),
                                    outcome=DecisionOutcome.AUTHORISE, answers=all_met(case), rationale="Yes.")
    decision.rationale = "Edited later"
    with pytest.raises(AppendOnlyError):
        db.session.commit()
    db.session.rollback()
    assert_append_only("UPDATE authorisation_decision SET rationale = 'tampered'")
    assert_append_only("DELETE FROM authorisation_decision")
    assert db.session.scalar(select(AuthorisationDecision.rationale)) == "Yes."


def test_area_officer_cannot_read_another_areas_application(client, login_as, make_user):
    officer = make_user(Role.OFFICER)
    south = submitted_case(officer, area="South")
    login_as(Role.OFFICER, area="North")
    assert client.get(f"/cases/{south.id}/application").status_code == 404
    assert client.get(f"/cases/{south.id}/application/grounds").status_code == 404
    assert client.get(f"/cases/{south.id}/notice").status_code == 404


def test_notice_prints_and_renders_to_pdf_after_authorisation(client, login_as, make_user, tmp_path):
    officer, token = login_as(Role.OFFICER)
    case = submitted_case(officer)
    assert client.get(f"/cases/{case.id}/notice").status_code == 404  # not yet authorised
    authoriser = make_authoriser()
    authorisation.decide(authoriser, case, authorisation.current_application(case),
                         outcome=DecisionOutcome.AUTHORISE, answers=all_met(case), rationale="Yes.")
    html = client.get(f"/cases/{case.id}/notice").get_data(as_text=True)
    for expected in ("Domestic Violence Protection Notice", "Adam Testperson", "You must not molest Beth Testperson",
                     "arrest you without warrant", "48 hours", authoriser.full_name, "OFFICIAL-SENSITIVE",
                     "or any bank holiday (Crime and Security Act 2010, section 27)",
                     # CSA 2010 s.25(1)(d) and (e): how long the notice lasts, what the court may order.
                     "From the moment it is served on you, until the court has decided the application for a "
                     "Domestic Violence Protection Order:", "What the court may order",
                     "The order must prohibit you from molesting Beth Testperson.",
                     "at least 14 and at most 28 days",
                     "You must not come within 100 metres of 1 Test Street"):
        assert expected in html, expected
    pdf = client.get(f"/cases/{case.id}/notice.pdf")
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    pages = pdf_pages(pdf.data, tmp_path)
    assert all("OFFICIAL-SENSITIVE" in page for page in pages)
    text_all = " ".join(" ".join(pages).split())
    assert "Adam Testperson" in text_all and "arrest you without warrant" in text_all


def test_queue_and_approval_page_queries_do_not_grow(client, login_as, make_user):
    officer = make_user(Role.OFFICER)
    first = authorisation.current_application(submitted_case(officer))
    login_as(Role.SUPERINTENDENT)
    few = [count_queries(client, "/authorisations"), count_queries(client, f"/authorisations/{first.id}")]
    for _ in range(6):
        submitted_case(officer)
    many = [count_queries(client, "/authorisations"), count_queries(client, f"/authorisations/{first.id}")]
    assert few == many


def test_dapn_case_refuses_a_victim_under_16(client, login_as, app):
    app.config["DAPN_PILOT"] = True
    officer, token = login_as(Role.OFFICER)
    from tests.integration.test_cases import new_case_form

    fifteen = (DEFAULT_NOW - timedelta(days=15 * 365)).strftime("%Y-%m-%d")
    html = client.post("/cases/new", data=new_case_form(token, officer, regime="dapn", **{"victims-0-date_of_birth": fifteen})).get_data(as_text=True)
    assert "must be aged 16 or over" in html
    response = client.post("/cases/new", data=new_case_form(token, officer, regime="dapn"))
    assert response.status_code == 302
    assert db.session.scalars(select(Application)).first() is None
    from app.models import Case

    assert db.session.scalars(select(Case)).one().regime is RegimeCode.DAPN


def test_htmx_save_after_submission_sends_the_page_elsewhere_not_into_the_fragment(client, login_as):
    officer, token = login_as(Role.OFFICER)
    case = submitted_case(officer)
    response = client.post(f"/cases/{case.id}/application/children", headers={"HX-Request": "true"},
                           data={"csrf_token": token, "any_relevant": "no"})
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == f"/cases/{case.id}/application"


def test_a_long_queue_shows_the_oldest_and_says_how_many(client, login_as, make_user, monkeypatch):
    monkeypatch.setattr(authorisation, "QUEUE_LIMIT", 2)
    monkeypatch.setattr(authorisation.queue, "__defaults__", (2,))
    officer = make_user(Role.OFFICER)
    cases = [submitted_case(officer) for _ in range(3)]
    login_as(Role.SUPERINTENDENT)
    html = client.get("/authorisations").get_data(as_text=True)
    assert "3 applications are waiting" in html
    assert cases[0].reference in html and cases[1].reference in html and cases[2].reference not in html


def test_a_dapn_tells_p_it_lasts_until_the_application_is_decided_or_withdrawn_and_what_a_dapo_may_require(
        client, login_as):
    # DAA 2021 s.25(2)(d) and (e); s.35(1) and (4) for what the order may require.
    officer, _ = login_as(Role.OFFICER)
    case = submitted_case(officer, regime=RegimeCode.DAPN)
    authorisation.decide(make_authoriser(Role.INSPECTOR), case, authorisation.current_application(case),
                         outcome=DecisionOutcome.AUTHORISE, answers=all_met(case), rationale="Yes.")
    text = " ".join(BeautifulSoup(client.get(f"/cases/{case.id}/notice").get_data(as_text=True), "html.parser")
                    .get_text(" ").split())
    for expected in ("Domestic Abuse Protection Notice",
                     "until the court has decided the application for a Domestic Abuse Protection Order, or the "
                     "application is withdrawn",
                     "any requirements the court considers necessary to protect Beth Testperson from domestic abuse",
                     "may not contact Beth Testperson", "Breaching it without reasonable excuse is a criminal offence",
                     "(Domestic Abuse Act 2021, section 29)"):
        assert expected in text, expected
    assert "molest" not in text.split("What the court may order")[1]  # the DVPO's wording is not the DAPO's
