"""The court rules the views hand to services/court.py: the standard fee, and what a change to the order needs."""
from datetime import date

import pytest

from app.models import OrderEventKind, Role
from app.services import ValidationFailed, court
from app.services.calendar import load_calendar
from app.services.reminders import TextSettings
from tests.integration.factories import granted_case

FEES = {"uncontested_pence": 365_00, "contested_pence": 600_00}


def test_the_standard_fee_fills_in_an_amount_left_blank():
    paid = date(2026, 11, 16)
    assert court.fee_to_record(entered_pence=None, contested=False, paid_on=paid, **FEES) == 365_00
    assert court.fee_to_record(entered_pence=None, contested=True, paid_on=paid, **FEES) == 600_00
    assert court.fee_to_record(entered_pence=123_45, contested=True, paid_on=paid, **FEES) == 123_45


def test_the_date_paid_and_which_fee_are_needed_before_anything_is_stored():
    with pytest.raises(ValidationFailed) as missing_date:
        court.fee_to_record(entered_pence=None, contested=None, paid_on=None, **FEES)
    assert missing_date.value.errors == {"paid_on": "Enter the date paid"}
    with pytest.raises(ValidationFailed) as missing_fee:
        court.fee_to_record(entered_pence=500_00, contested=None, paid_on=date(2026, 11, 16), **FEES)
    assert missing_fee.value.errors == {"contested": "Choose the fee"}


def test_a_change_to_the_order_needs_what_the_court_did_and_its_date(make_user):
    officer = make_user(Role.OFFICER)
    case = granted_case(officer)
    common = {"details": "Varied", "new_days": None, "calendar": load_calendar(), "texts": TextSettings()}
    with pytest.raises(ValidationFailed) as no_kind:
        court.change_order(officer, case, kind=None, court_date=date(2026, 11, 16), **common)
    assert no_kind.value.errors == {"kind": "Choose what the court did"}
    with pytest.raises(ValidationFailed) as no_date:
        court.change_order(officer, case, kind=OrderEventKind.VARIED, court_date=None, **common)
    assert no_date.value.errors == {"court_date": "Enter the court's date"}
