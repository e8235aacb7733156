"""A breach of a DAPO is an offence (DAA 2021 s.39): its criminal path on the court page,
contempt instead but never both (s.39(3)-(4)), no conditional discharge (s.39(6)),
imprisonment within s.39(5), and who may record it."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.domain.regimes import RegimeCode
from app.extensions import db
from app.models import AuditEntry, BreachCriminalStep, BreachOutcome, BreachSource, Remand, RemandKind, Role
from app.services import breaches
from app.services.calendar import load_calendar
from app.services.clock_cache import clocks_for
from app.timeutil import set_frozen, utcnow
from tests.integration.conftest import DEFAULT_NOW, assert_append_only, csrf_token, login
from tests.integration.factories import granted_case, served_case

ARREST = DEFAULT_NOW + timedelta(hours=2)


def _dapo_breach(officer, *, area="North", regime=RegimeCode.DAPN):
    set_frozen(DEFAULT_NOW)
    case = granted_case(officer, regime=regime, area=area)
    set_frozen(ARREST + timedelta(minutes=10))
    breach = breaches.record_breach(officer, case, occurred_at=ARREST - timedelta(minutes=30), description="At V's door.",
                                    source=BreachSource.VICTIM, arrested_at=ARREST, arresting_officer="PC 1 Smith",
                                    calendar=load_calendar())
    return case, breach


def _later(client, officer, instant):
    set_frozen(instant)
    login(client, officer)
    return csrf_token(client)


def _at(instant: datetime) -> dict:
    london = instant.astimezone(UTC)  # November: London is UTC
    return {"at_date": f"{london:%Y-%m-%d}", "at_time": f"{london:%H:%M}"}


def _post(client, case, breach, token, step, instant, **extra):
    return client.post(f"/cases/{case.id}/breaches/{breach.id}/criminal",
                       data={"csrf_token": token, "step": step, **_at(instant), **extra})


def test_the_criminal_path_to_a_sentence(client, login_as):
    officer, _ = login_as(Role.OFFICER)
    case, breach = _dapo_breach(officer)
    token = _later(client, officer, ARREST + timedelta(hours=3))
    assert _post(client, case, breach, token, "custody", ARREST + timedelta(minutes=40),
                 details="Northfield custody suite").status_code == 302
    assert [c for c in clocks_for(case, utcnow(), load_calendar()) if c.name.startswith("Breach")]
    assert _post(client, case, breach, token, "charge", ARREST + timedelta(hours=2), charge="charged").status_code == 302
    db.session.refresh(breach)
    # Charged: PACE's 24 hours without charge (s.41(1)) have stopped.
    assert breach.charge_decision_at == ARREST + timedelta(hours=2) and not breach.arrest_open
    assert not [c for c in clocks_for(case, utcnow(), load_calendar()) if c.name.startswith("Breach")]
    token = _later(client, officer, ARREST + timedelta(days=1))
    assert _post(client, case, breach, token, "remand", ARREST + timedelta(hours=20), remand="custody",
                 until_date="2026-11-24", until_time="10:00").status_code == 302
    assert _post(client, case, breach, token, "plea", ARREST + timedelta(hours=20), plea="guilty").status_code == 302
    # 13 months on summary conviction is beyond the general limit in a magistrates' court.
    assert _post(client, case, breach, token, "verdict", ARREST + timedelta(hours=21), verdict="convicted",
                 route="summary").status_code == 302
    db.session.refresh(breach)
    assert breach.outcome is BreachOutcome.PROVED and not breach.awaits_court
    html = _post(client, case, breach, token, "sentence", ARREST + timedelta(hours=22), sentence="imprisonment",
                 term="13", term_unit="months", fine="250").get_data(as_text=True)
    assert "at most 12 months on summary conviction" in html and 'value="13"' in html  # kept what was typed
    html = _post(client, case, breach, token, "sentence", ARREST + timedelta(hours=22),
                 sentence="conditional_discharge").get_data(as_text=True)
    assert "Not a valid choice" in html or "s.39(6)" in html  # not even offered
    assert _post(client, case, breach, token, "sentence", ARREST + timedelta(hours=22), sentence="imprisonment",
                 term="26", term_unit="weeks", fine="250").status_code == 302
    steps = db.session.scalars(select(BreachCriminalStep).order_by(BreachCriminalStep.id)).all()
    assert [s.step.value for s in steps] == ["custody", "charge", "plea", "verdict", "sentence"]
    assert (steps[-1].term, steps[-1].term_unit, steps[-1].fine_pence) == (26, "weeks", 25000)
    [remand] = db.session.scalars(select(Remand)).all()
    assert (remand.kind, remand.breach_id) == (RemandKind.CUSTODY, breach.id)
    page = client.get(f"/cases/{case.id}/court").get_data(as_text=True)
    assert "An offence (DAA 2021 s.39)" in page and "26 weeks" in page and "Remanded in custody" in page
    printout = client.get(f"/cases/{case.id}/breaches/{breach.id}/printout").get_data(as_text=True)
    assert "Criminal process (DAA 2021 s.39)" in printout and "26 weeks" in printout and "s.39(6)" in printout
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.action == "breach.criminal_step")).all()
    assert len(actions) == 6


def test_no_conditional_discharge_even_posted_to_the_service(login_as):
    officer, _ = login_as(Role.OFFICER)
    case, breach = _dapo_breach(officer)
    from app.domain.criminal_breach import Route, Step, StepInput
    from app.services.criminal_breach import record_step

    set_frozen(ARREST + timedelta(days=2))
    record_step(officer, case, breach, StepInput(step=Step.CHARGE, at=ARREST + timedelta(hours=1), value="charged"),
                calendar=load_calendar())
    record_step(officer, case, breach, StepInput(step=Step.VERDICT, at=ARREST + timedelta(days=1), value="convicted",
                                                 route=Route.INDICTMENT), calendar=load_calendar())
    with pytest.raises(breaches.ValidationFailed, match=r"s\.39\(6\)"):
        record_step(officer, case, breach, StepInput(step=Step.SENTENCE, at=ARREST + timedelta(days=1, hours=1),
                                                     value="conditional_discharge"), calendar=load_calendar())
    # On indictment, up to 5 years (s.39(5)(b)).
    record_step(officer, case, breach, StepInput(step=Step.SENTENCE, at=ARREST + timedelta(days=1, hours=1),
                                                 value="imprisonment", term=60, term_unit=_months()),
                calendar=load_calendar())


def _months():
    from app.domain.criminal_breach import TermUnit

    return TermUnit.MONTHS


def test_contempt_then_conviction_is_refused_and_the_reverse(client, login_as):
    officer, _ = login_as(Role.OFFICER)
    case, breach = _dapo_breach(officer)
    token = _later(client, officer, ARREST + timedelta(days=3))
    assert _post(client, case, breach, token, "contempt", ARREST + timedelta(days=2),
                 details="Family Court at Northfield: committed for 28 days").status_code == 302
    db.session.refresh(breach)
    assert breach.outcome is BreachOutcome.PROVED
    assert _post(client, case, breach, token, "charge", ARREST + timedelta(days=2, hours=1),
                 charge="charged").status_code == 302
    html = _post(client, case, breach, token, "verdict", ARREST + timedelta(days=2, hours=2), verdict="convicted",
                 route="summary").get_data(as_text=True)
    assert "punished as a contempt of court" in html and "s.39(4)" in html

    url_case, other = _dapo_breach(officer)
    token = _later(client, officer, ARREST + timedelta(days=3))
    assert _post(client, url_case, other, token, "charge", ARREST + timedelta(hours=1), charge="charged").status_code == 302
    assert _post(client, url_case, other, token, "verdict", ARREST + timedelta(days=1), verdict="convicted",
                 route="indictment").status_code == 302
    html = _post(client, url_case, other, token, "contempt", ARREST + timedelta(days=2),
                 details="County court: fined £500").get_data(as_text=True)
    assert "not punishable as a contempt of court" in html and "s.39(3)" in html


def test_no_further_action_settles_the_breach(client, login_as):
    officer, _ = login_as(Role.OFFICER)
    case, breach = _dapo_breach(officer)
    token = _later(client, officer, ARREST + timedelta(hours=5))
    html = _post(client, case, breach, token, "charge", ARREST + timedelta(hours=4), charge="bail").get_data(as_text=True)
    assert "Enter when P must answer bail" in html
    assert _post(client, case, breach, token, "charge", ARREST + timedelta(hours=4), charge="nfa").status_code == 302
    db.session.refresh(breach)
    assert breach.outcome is BreachOutcome.NOT_PROVED and not breach.arrest_open
    html = _post(client, case, breach, token, "plea", ARREST + timedelta(hours=4), plea="guilty").get_data(as_text=True)
    assert "No further action was decided" in html


def test_only_a_dapo_breach_has_a_criminal_path(client, login_as):
    officer, token = login_as(Role.OFFICER)
    case = served_case(officer)
    breach = breaches.record_breach(officer, case, occurred_at=case.served_at, description="At the door.",
                                    source=BreachSource.VICTIM, arrested_at=None, arresting_officer="",
                                    calendar=load_calendar())
    html = client.get(f"/cases/{case.id}/breaches/{breach.id}/criminal").get_data(as_text=True)
    assert "Only a breach of a domestic abuse protection order" in html
    assert client.get(f"/cases/{case.id}/breaches/999/criminal").status_code == 404


def test_only_officers_may_record_and_only_on_cases_they_may_read(app, make_user):
    officer = make_user(Role.OFFICER)
    case, breach = _dapo_breach(officer)
    url = f"/cases/{case.id}/breaches/{breach.id}/criminal"
    data = {"step": "charge", "charge": "charged", **_at(ARREST + timedelta(hours=1))}
    for role in (Role.SUPERVISOR, Role.SUPERINTENDENT, Role.INSPECTOR, Role.ADMIN, Role.CASEWORKER):
        client = app.test_client()
        login(client, make_user(role))
        token = csrf_token(client)
        assert client.get(url).status_code == 403, role
        assert client.post(url, data={"csrf_token": token, **data}).status_code == 403, role
    client = app.test_client()
    login(client, make_user(Role.OFFICER, area="South"))
    token = csrf_token(client)
    assert client.get(url).status_code == 404
    assert client.post(url, data={"csrf_token": token, **data}).status_code == 404
    assert db.session.scalars(select(BreachCriminalStep)).all() == []


@pytest.mark.parametrize("statement", ["UPDATE breach_criminal_step SET value = 'nfa'", "DELETE FROM breach_criminal_step"])
def test_criminal_steps_are_append_only(login_as, statement):
    officer, _ = login_as(Role.OFFICER)
    case, breach = _dapo_breach(officer)
    from app.domain.criminal_breach import Step, StepInput
    from app.services.criminal_breach import record_step

    record_step(officer, case, breach, StepInput(step=Step.CHARGE, at=ARREST + timedelta(minutes=5), value="charged"),
                calendar=load_calendar())
    assert_append_only(statement)
