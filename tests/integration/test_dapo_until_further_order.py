"""A DAPO until further order (DAA 2021 s.38): no days, no end, never expired by the job."""
from __future__ import annotations

from datetime import timedelta

from app import timeutil
from app.domain.regimes import RegimeCode
from app.extensions import db
from app.models import CaseState, HearingOutcome, OrderStatus, Role
from app.services import court
from app.services.calendar import load_calendar
from app.services.clock_cache import clocks_for
from app.services.order_records import OrderSettings
from app.services.reminders import TextSettings
from app.timeutil import utcnow
from tests.integration.conftest import DEFAULT_NOW
from tests.integration.factories import heard_case


def _grant(officer, case, **kwargs):
    return court.record_outcome(officer, case, court.pending_hearing(case), outcome=HearingOutcome.GRANTED,
                                contested=False, notes="", made_on=DEFAULT_NOW.date(),
                                conditions=[{"kind": "no_molest"}], calendar=load_calendar(), texts=TextSettings(),
                                orders=OrderSettings(), **kwargs)


def test_a_dapo_until_further_order_has_no_end_and_never_expires(app, make_user):
    from app.jobs import expire_orders

    officer = make_user(Role.OFFICER)
    case = heard_case(officer, regime=RegimeCode.DAPN)
    _grant(officer, case, until_further_order=True)
    order = case.order
    assert (order.days, order.ends_at, order.until_further_order) == (None, None, True)
    assert not [c for c in clocks_for(case, utcnow(), load_calendar()) if c.name == "Order ends"]
    timeutil.set_frozen(DEFAULT_NOW + timedelta(days=400))
    expire_orders(app)
    db.session.expire_all()
    assert case.order.status is OrderStatus.IN_FORCE and case.state is CaseState.ORDER_IN_FORCE


def test_only_a_dapo_may_be_until_further_order(make_user):
    officer = make_user(Role.OFFICER)
    dvpo = heard_case(officer)
    try:
        _grant(officer, dvpo, until_further_order=True)
    except court.ValidationFailed as failed:
        assert "cannot be until further order" in failed.errors["days"]
    else:
        raise AssertionError("a DVPO until further order was accepted")
    dapo = heard_case(officer, regime=RegimeCode.DAPN)
    try:
        _grant(officer, dapo, days=30, until_further_order=True)
    except court.ValidationFailed as failed:
        assert "not both" in failed.errors["days"]
    else:
        raise AssertionError("days and until further order were both accepted")


def test_the_court_page_says_until_further_order(client, login_as):
    officer, token = login_as(Role.OFFICER)
    case = heard_case(officer, regime=RegimeCode.DAPN)
    hearing = court.pending_hearing(case)
    response = client.post(f"/cases/{case.id}/court/outcome", data={
        "csrf_token": token, "hearing_id": str(hearing.id), "outcome": "granted", "contested": "no",
        "made_on": DEFAULT_NOW.date().isoformat(), "until_further_order": "y", "conditions": ["no_molest"]})
    assert response.status_code == 302, response.get_data(as_text=True)
    html = client.get(f"/cases/{case.id}/court").get_data(as_text=True)
    assert "until further order" in html and "does not end by itself" in html
