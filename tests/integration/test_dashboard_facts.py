"""The dashboard reads its cases' clock facts in one statement of plain values
(services/dashboard_facts.py); the case page reads the same facts as ORM objects. Every
clock, and the bundle's items done, must come out the same either way, for every kind of
fact: hearings (one adjourned), breaches and arrests of a notice, a DVPO and a DAPO, orders
with and without their service recorded, a DAPO's notifications, bundle ticks and fees."""
from __future__ import annotations

import io
from datetime import date, timedelta

from app.domain.notification import NotificationKind, NotificationMethod
from app.domain.regimes import RegimeCode
from app.extensions import db
from app.models import BreachSource, Case, HearingOutcome, Role
from app.services import breaches, court, dashboard, notifications
from app.services.calendar import load_calendar
from app.services.clock_cache import clocks_for
from app.services.court_bundle import done_keys
from app.services.dashboard_facts import clock_cases
from app.services.order_records import OrderSettings
from app.services.reminders import TextSettings
from app.timeutil import set_frozen, utcnow
from app.uploads import UploadStore
from tests.integration.conftest import DEFAULT_NOW
from tests.integration.factories import granted_case, listed_case, served_case

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _arrest(officer, case, hours_ago: float = 1):
    arrested = utcnow() - timedelta(hours=hours_ago)
    breaches.record_breach(officer, case, occurred_at=arrested - timedelta(minutes=30), description="At V's door.",
                           source=BreachSource.VICTIM, arrested_at=arrested, arresting_officer="PC 1 Smith",
                           calendar=load_calendar())


def _cases_of_every_kind(officer, uploads) -> None:
    set_frozen(DEFAULT_NOW)
    served_case(officer)
    arrested_on_notice = served_case(officer, served_at=DEFAULT_NOW - timedelta(hours=3))
    _arrest(officer, arrested_on_notice)
    listed = listed_case(officer)
    court.tick(officer, listed, "notice", True)
    receipt = court.add_document(officer, listed, "fee_receipt",
                                 UploadStore(uploads, 1_000_000).save(io.BytesIO(PDF), "receipt.pdf"))
    court.record_fee(officer, listed, pence=2500, contested=False, reference="FEE-1", paid_on=date(2026, 11, 16),
                     receipt=receipt)
    adjourned = listed_case(officer, starts_in=timedelta(minutes=30))
    set_frozen(DEFAULT_NOW + timedelta(hours=1))
    first = court.pending_hearing(adjourned)
    court.record_outcome(officer, adjourned, first, outcome=HearingOutcome.ADJOURNED, contested=False, notes="",
                         next_starts_at=first.starts_at + timedelta(days=1), p_brought=False,
                         calendar=load_calendar(), texts=TextSettings(), orders=OrderSettings())
    set_frozen(DEFAULT_NOW)
    dvpo = granted_case(officer)
    set_frozen(DEFAULT_NOW + timedelta(hours=2))
    _arrest(officer, dvpo)
    set_frozen(DEFAULT_NOW)
    before_court = granted_case(officer)
    set_frozen(DEFAULT_NOW + timedelta(hours=2))
    _arrest(officer, before_court)
    set_frozen(DEFAULT_NOW + timedelta(hours=3))
    breaches.record_appearance(officer, before_court, before_court.breaches[0], decision="proved", appeared_at=utcnow(),
                               remand=None, remand_until=None, bail_requirements="", fine_pence=None,
                               custody_days=None, notes="", calendar=load_calendar())
    set_frozen(DEFAULT_NOW)
    granted_case(officer, regime=RegimeCode.DAPN)  # its service and first notification not yet recorded
    notified = granted_case(officer, regime=RegimeCode.DAPN)
    set_frozen(DEFAULT_NOW + timedelta(hours=3))
    notifications.record_notification(
        officer, notified, kind=NotificationKind.INITIAL, exemption=None, names="A Person", address="1 Road",
        changed_on=None, notified_at=utcnow(), method=NotificationMethod.POLICE_STATION, where="Northfield station",
        taken_by="PC 2 Jones", calendar=load_calendar())
    set_frozen(DEFAULT_NOW)
    dapo_arrest = granted_case(officer, regime=RegimeCode.DAPN)
    set_frozen(DEFAULT_NOW + timedelta(hours=4))
    _arrest(officer, dapo_arrest)


def test_the_dashboards_one_statement_gives_the_same_clocks_and_bundle_as_the_case_page(login_as, tmp_path):
    officer, _ = login_as(Role.OFFICER)
    _cases_of_every_kind(officer, tmp_path / "uploads")
    db.session.expire_all()
    now, calendar = utcnow(), load_calendar()
    page = dashboard.listing(officer, after=None, before=None, page_size=100)
    facts = clock_cases(page.clock_columns)
    assert len(facts) == 9
    kinds = set()
    for case_id, fact in facts.items():
        case = db.session.get(Case, case_id)
        assert clocks_for(fact, now, calendar) == clocks_for(case, now, calendar), case.reference
        kinds |= {clock.name for clock in clocks_for(case, now, calendar)}
        at_court = case.state in court.COURT_STATES and not case.made_elsewhere
        assert (fact.done is not None) == at_court, case.reference
        if at_court:
            assert fact.bundle_done == done_keys(case), case.reference
        assert [(h.starts_at, h.outcome, h.outcome_at, h.began_at) for h in fact.hearings] == \
            [(h.starts_at, h.outcome, h.outcome_at, h.began_at) for h in case.hearings]
        assert [(b.order_id, b.arrested_at, b.before_court_at, b.outcome, b.charge_decision_at) for b in fact.breaches] == \
            [(b.order_id, b.arrested_at, b.before_court_at, b.outcome, b.charge_decision_at) for b in case.breaches]
        if case.order is not None:
            assert (fact.order.status, fact.order.made_on, fact.order.days) == \
                (case.order.status, case.order.made_on, case.order.days)
            assert sorted(n.kind for n in fact.order.notifications) == sorted(n.kind for n in case.order.notifications)
    # The cases above run every kind of clock the dashboard shows.
    assert len(kinds) >= 5, kinds
    assert any(fact.order and fact.order.notifications for fact in facts.values())
    assert any(fact.done and "court_fee" in fact.done for fact in facts.values())
    assert any(b.outcome is not None and b.before_court_at is not None for f in facts.values() for b in f.breaches)
