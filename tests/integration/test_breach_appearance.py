"""P before the court for a breach: what may be recorded depends on what was breached.

A notice breach: remand (custody or bail, until when, requirements) and no fine or custody
(DAA 2021 s.26(5)-(7); CSA 2010 s.26). A DVPO breach: contempt within MCA 1980 s.63(3),
remand when adjourned (CSA 2010 s.29, s.30). A DAPO breach: an offence (DAA 2021 s.39), with
PACE's clock. An adjourned hearing of the application P was brought to under arrest: remand
(DAA 2021 s.29(8)).
"""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.domain.breach_law import pace_detention_limit
from app.domain.regimes import RegimeCode
from app.extensions import db
from app.models import AuditEntry, BreachOutcome, BreachSource, HearingOutcome, Remand, RemandKind, Role
from app.services import breaches, court
from app.services.calendar import load_calendar
from app.services.clock_cache import clocks_for
from app.services.order_records import OrderSettings
from app.services.reminders import TextSettings
from app.timeutil import set_frozen, utcnow
from tests.integration.conftest import DEFAULT_NOW, assert_append_only, csrf_token, login
from tests.integration.factories import granted_case, listed_case, served_case


def _breach(officer, case, *, arrested_at=None):
    return breaches.record_breach(
        officer, case, occurred_at=(arrested_at or utcnow()) - timedelta(minutes=30), description="At the door.",
        source=BreachSource.VICTIM, arrested_at=arrested_at, arresting_officer="PC 1 Smith" if arrested_at else "",
        calendar=load_calendar(),
    )



def _later(client, officer, instant):
    """Move the clock on; log in again, as a session left idle that long has ended."""
    set_frozen(instant)
    login(client, officer)
    return csrf_token(client)


def _form(token, decision, appeared, **extra):
    data = {"csrf_token": token, "decision": decision, "appeared_date": f"{appeared:%Y-%m-%d}",
            "appeared_time": f"{appeared:%H:%M}"}
    return data | extra


def test_a_notice_breach_records_remand_and_refuses_a_fine_or_custody(client, login_as):
    officer, token = login_as(Role.OFFICER)
    case = served_case(officer)
    breach = _breach(officer, case, arrested_at=DEFAULT_NOW - timedelta(minutes=20))
    token = _later(client, officer, DEFAULT_NOW + timedelta(hours=5))
    url = f"/cases/{case.id}/breaches/{breach.id}/outcome"
    page = client.get(url).get_data(as_text=True)
    assert "not an offence or a contempt" in page and 'name="fine"' not in page
    appeared = DEFAULT_NOW + timedelta(hours=4)
    until = DEFAULT_NOW + timedelta(days=1)
    html = client.post(url, data=_form(token, "brought_before_court", appeared, remand="none", fine="100",
                                       custody_days="7")).get_data(as_text=True)
    assert "cannot fine or commit" in html
    html = client.post(url, data=_form(token, "proved", appeared, remand="none")).get_data(as_text=True)
    assert "Before the court for the breach" in html and "error-summary" in html
    html = client.post(url, data=_form(token, "brought_before_court", appeared, remand="custody")).get_data(as_text=True)
    assert "Enter when P is remanded until" in html
    assert re.search(r'<input checked[^>]*value="brought_before_court"', html)  # what was typed is kept
    response = client.post(url, data=_form(
        token, "brought_before_court", appeared, remand="bail", remand_until_date=f"{until:%Y-%m-%d}",
        remand_until_time=f"{until:%H:%M}", bail_requirements="Live at 4 Elm Road; no contact with V."))
    assert response.status_code == 302
    db.session.refresh(breach)
    assert breach.outcome is BreachOutcome.BROUGHT_BEFORE_COURT and breach.fine_pence is None
    assert breach.before_court_at == appeared
    [remand] = breach.remands
    assert (remand.kind, remand.until_at, remand.bail_requirements) == (
        RemandKind.BAIL, until, "Live at 4 Elm Road; no contact with V.")
    # The arrest clock has stopped.
    assert not [c for c in clocks_for(case, utcnow(), load_calendar()) if c.name.startswith("Breach")]
    printout = client.get(f"/cases/{case.id}/breaches/{breach.id}/printout").get_data(as_text=True)
    assert "Remanded on bail" in printout and "Live at 4 Elm Road" in printout
    court_printout = client.get(f"/cases/{case.id}/court/printout").get_data(as_text=True)
    assert "Remanded on bail until" in court_printout
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "breach.before_court")).one()
    assert entry.detail["remand"] == "bail" and "Elm Road" not in str(entry.detail)


def test_an_unarrested_notice_breach_is_weighed_at_the_hearing(client, login_as):
    officer, token = login_as(Role.OFFICER)
    case = served_case(officer)
    breach = _breach(officer, case)
    assert "Weighed at the hearing of the application" in client.get(f"/cases/{case.id}/court").get_data(as_text=True)
    html = client.post(f"/cases/{case.id}/breaches/{breach.id}/outcome",
                       data=_form(token, "brought_before_court", DEFAULT_NOW, remand="none")).get_data(as_text=True)
    assert "P was not arrested for this breach of the notice" in html
    assert db.session.get(type(breach), breach.id).outcome is None


def test_a_dvpo_breach_is_contempt_within_the_1980_act_and_adjourns_with_remand(client, login_as):
    officer, token = login_as(Role.OFFICER)
    case = granted_case(officer)
    breach = _breach(officer, case, arrested_at=DEFAULT_NOW - timedelta(minutes=10))
    token = _later(client, officer, DEFAULT_NOW + timedelta(hours=6))
    url = f"/cases/{case.id}/breaches/{breach.id}/outcome"
    appeared = DEFAULT_NOW + timedelta(hours=5)
    html = client.post(url, data=_form(token, "proved", appeared, fine="6000")).get_data(as_text=True)
    assert "at most £5,000" in html
    html = client.post(url, data=_form(token, "proved", appeared, custody_days="90")).get_data(as_text=True)
    assert "at most 2 months" in html
    html = client.post(url, data=_form(token, "not_proved", appeared, fine="100")).get_data(as_text=True)
    assert "only follow a breach found proved" in html
    html = client.post(url, data=_form(token, "proved", appeared, fine="100", custody_days="10")).get_data(as_text=True)
    assert "not both" in html
    # Adjourned, P remanded in custody: the arrest clock stops, the finding is still to come.
    until = DEFAULT_NOW + timedelta(days=2)
    assert client.post(url, data=_form(token, "adjourn", appeared, remand="custody",
                                       remand_until_date=f"{until:%Y-%m-%d}",
                                       remand_until_time=f"{until:%H:%M}")).status_code == 302
    db.session.refresh(breach)
    assert breach.outcome is None and breach.before_court_at == appeared and not breach.arrest_open
    assert [r.kind for r in breach.remands] == [RemandKind.CUSTODY]
    assert "remanded in custody until" in client.get(f"/cases/{case.id}/court").get_data(as_text=True)
    # At the adjourned hearing: proved, fined; once only.
    token = _later(client, officer, until + timedelta(hours=2))
    assert client.post(url, data=_form(token, "proved", until, fine="250.00")).status_code == 302
    assert "already been recorded" in client.post(url, data=_form(token, "not_proved", until)).get_data(as_text=True)
    db.session.refresh(breach)
    assert (breach.outcome, breach.fine_pence, breach.before_court_at) == (BreachOutcome.PROVED, 25000, appeared)


def test_a_dapo_breach_is_an_offence_with_paces_clock(client, login_as):
    officer, token = login_as(Role.OFFICER)
    case = granted_case(officer, regime=RegimeCode.DAPN)
    saturday_night = datetime(2026, 11, 21, 22, 0, tzinfo=UTC)
    _later(client, officer, saturday_night + timedelta(minutes=5))
    breach = _breach(officer, case, arrested_at=saturday_night)
    # 24 real hours: Sunday is not disregarded for an offence (PACE 1984 s.41), unlike CSA/DAA s.26.
    assert breach.court_deadline_at == saturday_night + timedelta(hours=24) == pace_detention_limit(saturday_night)
    [clock] = [c for c in clocks_for(case, utcnow(), load_calendar()) if c.name.startswith("Breach")]
    assert clock.deadline == saturday_night + timedelta(hours=24)
    _later(client, officer, saturday_night + timedelta(hours=20))
    # The court's decision on a DAPO breach is its criminal path (issue 13: tests/integration/
    # test_dapo_criminal_breach.py), never a contempt sanction on the appearance page.
    url = f"/cases/{case.id}/breaches/{breach.id}/outcome"
    response = client.get(url)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/breaches/{breach.id}/criminal")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "is an offence" in page and "conditional discharge is not open" in page
    with pytest.raises(breaches.ValidationFailed, match="criminal path"):
        breaches.record_appearance(officer, case, breach, decision="proved", appeared_at=utcnow(), remand=None,
                                   remand_until=None, bail_requirements="", fine_pence=10000, custody_days=None,
                                   notes="", calendar=load_calendar())
    printout = client.get(f"/cases/{case.id}/breaches/{breach.id}/printout").get_data(as_text=True)
    assert "Police and Criminal Evidence Act 1984 s.41(1)" in printout


def test_an_adjourned_hearing_remands_p_brought_to_it_under_arrest(client, login_as):
    officer, token = login_as(Role.OFFICER)
    case = listed_case(officer, starts_in=timedelta(hours=20))  # hearing Tue 05:00 UTC... set below
    hearing = court.pending_hearing(case)
    breach = _breach(officer, case, arrested_at=DEFAULT_NOW - timedelta(minutes=5))
    token = _later(client, officer, hearing.starts_at + timedelta(hours=1))
    next_at = hearing.starts_at + timedelta(days=1)
    base = {"csrf_token": token, "hearing_id": str(hearing.id), "outcome": "adjourned", "contested": "no",
            "next_date": f"{next_at:%Y-%m-%d}", "next_time": f"{next_at:%H:%M}"}
    html = client.post(f"/cases/{case.id}/court/outcome", data=base | {"remand": "custody"}).get_data(as_text=True)
    assert "Say whether P, under arrest for breach of the notice, was brought" in html
    html = client.post(f"/cases/{case.id}/court/outcome",
                       data=base | {"p_brought": "no", "remand": "custody"}).get_data(as_text=True)
    assert "s.29(8)" in html
    assert client.post(f"/cases/{case.id}/court/outcome",
                       data=base | {"p_brought": "yes", "remand": "custody"}).status_code == 302
    db.session.refresh(breach)
    assert breach.outcome is BreachOutcome.BROUGHT_BEFORE_COURT and breach.before_court_at == hearing.starts_at
    [remand] = db.session.scalars(select(Remand).where(Remand.hearing_id == hearing.id)).all()
    assert (remand.kind, remand.until_at) == (RemandKind.CUSTODY, next_at)
    assert not [c for c in clocks_for(case, utcnow(), load_calendar()) if c.name.startswith("Breach")]


def test_p_not_brought_to_the_hearing_leaves_the_arrest_clock_running_and_overdue(login_as):
    officer, _ = login_as(Role.OFFICER)
    case = listed_case(officer, starts_in=timedelta(hours=20))
    hearing = court.pending_hearing(case)
    breach = _breach(officer, case, arrested_at=DEFAULT_NOW - timedelta(minutes=5))
    set_frozen(hearing.starts_at + timedelta(hours=1))
    court.record_outcome(officer, case, hearing, outcome=HearingOutcome.ADJOURNED, contested=False, notes="",
                         next_starts_at=hearing.starts_at + timedelta(days=1), p_brought=False,
                         calendar=load_calendar(), texts=TextSettings(), orders=OrderSettings())
    db.session.refresh(breach)
    assert breach.arrest_open
    [clock] = [c for c in clocks_for(case, utcnow(), load_calendar()) if c.name.startswith("Breach")]
    assert clock.overdue and clock.deadline == hearing.starts_at


@pytest.mark.parametrize("statement", ["UPDATE remand SET kind = 'bail'", "DELETE FROM remand"])
def test_remands_are_append_only(login_as, statement):
    officer, _ = login_as(Role.OFFICER)
    case = served_case(officer)
    breach = _breach(officer, case, arrested_at=DEFAULT_NOW - timedelta(minutes=20))
    breaches.record_appearance(officer, case, breach, decision="brought_before_court", appeared_at=DEFAULT_NOW,
                               remand=RemandKind.CUSTODY, remand_until=DEFAULT_NOW + timedelta(days=1),
                               bail_requirements="", fine_pence=None, custody_days=None, notes="",
                               calendar=load_calendar())
    assert_append_only(statement)
