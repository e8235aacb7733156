"""The rules for the notice of the hearing to P, the order served on P and V told of the order
(app/domain/order_records), and the practice clock among the statutory ones (app/domain/clocks)."""
from datetime import UTC, date, datetime, timedelta

import pytest

from app.domain.calendar import DEFAULT_CALENDAR
from app.domain.clocks import (
    BREACH_CLOCK,
    ORDER_SERVICE_CLOCK,
    CaseClockFacts,
    OpenArrest,
    case_clocks,
    most_urgent,
    urgency,
)
from app.domain.order_records import (
    HearingAddressAnswer,
    HearingNoticeKind,
    HearingNoticeMethod,
    VictimToldMethod,
    address_answer,
    hearing_notice_basis,
    hearing_notice_errors,
    order_service_due,
    service_address_errors,
    victim_told_errors,
)
from app.domain.regimes import RegimeCode

Answer, Kind, Method = HearingAddressAnswer, HearingNoticeKind, HearingNoticeMethod
SERVED = datetime(2026, 11, 16, 10, 0, tzinfo=UTC)
NOW = SERVED + timedelta(hours=6)


def notice(**overrides):
    values = {"kind": Kind.GIVEN, "answer": Answer.GIVEN, "at": SERVED + timedelta(hours=2), "method": Method.IN_PERSON,
              "details": "", "by": "PC 1 Smith", "efforts": "", "served_at": SERVED, "now": NOW}
    return hearing_notice_errors(**{**values, **overrides})


def test_notice_given_in_person_or_at_the_address_p_gave_is_accepted():
    assert notice() == {}
    assert notice(method=Method.LEFT_AT_ADDRESS) == {}  # DAA 2021 s.29(5): treated as given
    assert notice(method=Method.POST_TO_ADDRESS) == {}


def test_notice_cannot_go_to_an_address_p_never_gave():
    for answer in (Answer.REFUSED, Answer.NONE_GIVEN, None):
        assert "method" in notice(answer=answer, method=Method.LEFT_AT_ADDRESS)
    assert notice(answer=Answer.REFUSED, method=Method.IN_PERSON) == {}


def test_reasonable_efforts_count_only_where_p_gave_no_address():
    """DAA 2021 s.29(6): the court may hear the application on reasonable efforts only where
    the notice was not given because P gave no address under s.25(4)."""
    efforts = {"kind": Kind.EFFORTS, "method": None, "efforts": "Called twice; left word with his brother."}
    assert notice(answer=Answer.REFUSED, **efforts) == {}
    assert notice(answer=Answer.NONE_GIVEN, **efforts) == {}
    assert "kind" in notice(answer=Answer.GIVEN, **efforts)
    assert "efforts" in notice(answer=Answer.REFUSED, kind=Kind.EFFORTS, method=None, efforts="  ")


def test_notice_needs_when_who_and_another_way_described_and_is_never_before_service_or_in_future():
    assert notice(kind=None) == {"kind": "Say whether the notice of the hearing was given to P"}
    assert "at_date" in notice(at=None)
    assert "at_date" in notice(at=SERVED - timedelta(minutes=1))
    assert "at_date" in notice(at=NOW + timedelta(minutes=1))
    assert "by" in notice(by=" ")
    assert "details" in notice(method=Method.OTHER)
    assert notice(method=Method.OTHER, details="Read to P by phone") == {}


def test_the_answer_on_service_and_the_address_must_agree():
    assert service_address_errors(Answer.GIVEN, "1 High St") == {}
    assert "address_for_hearing_notice" in service_address_errors(Answer.GIVEN, " ")
    assert "address_for_hearing_notice" in service_address_errors(Answer.REFUSED, "1 High St")
    assert service_address_errors(Answer.NONE_GIVEN, "") == {}
    # A case served before the question was recorded: an address written down was given.
    assert address_answer(None, "1 High St") is Answer.GIVEN
    assert address_answer(None, "") is None
    assert address_answer(Answer.REFUSED, "") is Answer.REFUSED


def test_basis_cites_the_act_of_the_regime():
    assert hearing_notice_basis(RegimeCode.DAPN) == "Domestic Abuse Act 2021, s.25(4) and s.29(4)-(6)"
    assert "Crime and Security Act 2010" in hearing_notice_basis(RegimeCode.DVPN)


def test_order_service_target_is_plain_elapsed_hours_from_the_grant():
    granted = datetime(2026, 12, 24, 15, 0, tzinfo=UTC)  # Christmas is not disregarded: practice, not statute
    assert order_service_due(granted, 24) == datetime(2026, 12, 25, 15, 0, tzinfo=UTC)
    with pytest.raises(ValueError):
        order_service_due(granted.replace(tzinfo=None), 24)
    with pytest.raises(ValueError):
        order_service_due(granted, 0)


def test_victim_told_needs_all_three_explained_and_whether_a_copy_was_given():
    base = {"at": SERVED + timedelta(hours=1), "by": "DC 2 Jones", "method": VictimToldMethod.PHONE, "details": "",
            "explained": {"conditions", "end", "breach"}, "copy_given": False, "made_at": SERVED, "now": NOW}
    assert victim_told_errors(**base) == {}
    assert "explained" in victim_told_errors(**{**base, "explained": {"conditions", "end"}})
    assert "copy_given" in victim_told_errors(**{**base, "copy_given": None})
    assert "told_date" in victim_told_errors(**{**base, "at": SERVED - timedelta(hours=1)})
    assert "details" in victim_told_errors(**{**base, "method": VictimToldMethod.OTHER})


GRANTED = datetime(2026, 11, 17, 10, 0, tzinfo=UTC)


def facts(**overrides):
    values = {"served_at": SERVED, "hearing_begun": True, "order_made_on": date(2026, 11, 17), "order_days": 28,
              "order_granted_at": GRANTED, "order_service_hours": 24}
    return CaseClockFacts(**{**values, **overrides})


def test_the_service_clock_runs_from_the_grant_until_served_and_says_it_is_a_practice_target():
    now = GRANTED + timedelta(hours=21)
    [clock] = [c for c in case_clocks(facts(), now, DEFAULT_CALENDAR) if c.name == ORDER_SERVICE_CLOCK]
    assert clock.deadline == GRANTED + timedelta(hours=24) and clock.remaining == timedelta(hours=3)
    assert "practice target" in ORDER_SERVICE_CLOCK and "not statutory" in ORDER_SERVICE_CLOCK
    assert most_urgent(case_clocks(facts(), now, DEFAULT_CALENDAR)).name == ORDER_SERVICE_CLOCK
    assert ORDER_SERVICE_CLOCK not in [c.name for c in case_clocks(facts(order_served=True), now, DEFAULT_CALENDAR)]
    # No target fixed at the grant (an order made before targets), no clock.
    assert ORDER_SERVICE_CLOCK not in [c.name for c in case_clocks(facts(order_service_hours=None), now, DEFAULT_CALENDAR)]


def test_the_practice_clock_never_outranks_a_breach_clock_even_when_sooner_or_overdue():
    arrest = OpenArrest(GRANTED + timedelta(hours=30))  # before the court by 24 counted hours later
    now = GRANTED + timedelta(hours=31)  # the service target passed 7 hours ago
    clocks = case_clocks(facts(open_arrests=(arrest,)), now, DEFAULT_CALENDAR)
    service = next(c for c in clocks if c.name == ORDER_SERVICE_CLOCK)
    assert service.overdue
    assert clocks[0].name == BREACH_CLOCK and most_urgent(clocks).name == BREACH_CLOCK
    assert urgency(clocks)[0] == 0
    # Without the breach the practice clock is an ordinary clock: rank 1, never rank 0.
    assert urgency(case_clocks(facts(), now, DEFAULT_CALENDAR)) == (1, service.deadline)
