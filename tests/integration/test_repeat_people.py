"""Repeat victims and perpetrators in a period (services/repeat_people.py), for issue 17's figures:
people confirmed as one person, on two or more cases, the later case's incident in the period."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from app.models import Role
from app.services import person_link_decisions
from app.services.repeat_people import RepeatPeople, repeat_people
from tests.integration.test_person_links import a_case, p_of, v_of

Y2025 = (datetime(2025, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC))
Y2026 = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))


def at(year, month=6, area="North"):
    return {"incident_at": datetime(year, month, 1, 12, tzinfo=UTC), "area": area}


@pytest.fixture
def officer(make_user):
    return make_user(Role.OFFICER)


def test_a_perpetrator_on_a_2025_case_and_a_2026_case_repeats_in_2026_only(officer):
    first = a_case(officer, postcode="AA1 1AA", v=("Vee One", None), **at(2025))
    second = a_case(officer, postcode="BB1 1BB", v=("Vee Two", None), **at(2026))
    assert repeat_people(*Y2026) == RepeatPeople(victims=0, perpetrators=0)  # suggested is not linked
    person_link_decisions.confirm(officer, second, p_of(second).id, p_of(first).id)
    assert repeat_people(*Y2026) == RepeatPeople(victims=0, perpetrators=1)
    assert repeat_people(*Y2025) == RepeatPeople(victims=0, perpetrators=0)  # the first case is no repeat
    # The period is half-open: an end at the later incident leaves it out, a start at it keeps it.
    assert repeat_people(Y2026[0], datetime(2026, 6, 1, 12, tzinfo=UTC)).perpetrators == 0
    assert repeat_people(datetime(2026, 6, 1, 12, tzinfo=UTC), Y2026[1]).perpetrators == 1


def test_a_repeat_victim_counted_once_however_many_cases_in_the_period(officer):
    victim = ("Sarah Jones", date(1991, 5, 6))
    cases = [a_case(officer, p=(f"Pat {n}x", date(1960 + n, 1, 1)), v=victim, postcode=f"C{n} 1CC", **at(year, month))
             for n, (year, month) in enumerate([(2025, 3), (2026, 2), (2026, 9)])]
    for later in cases[1:]:
        person_link_decisions.confirm(officer, later, v_of(later).id, v_of(cases[0]).id)
    assert repeat_people(*Y2026) == RepeatPeople(victims=1, perpetrators=0)
    assert repeat_people(datetime(2025, 1, 1, tzinfo=UTC), Y2026[1]) == RepeatPeople(victims=1, perpetrators=0)


def test_a_victim_on_one_case_and_the_perpetrator_on_another_repeats_neither(officer):
    first = a_case(officer, p=("Pat One", date(1970, 1, 1)), v=("Sam Swap", date(1980, 2, 2)), postcode="D1 1DD",
                   **at(2025))
    second = a_case(officer, p=("Sam Swap", date(1980, 2, 2)), v=("Vic Two", None), postcode="E1 1EE", **at(2026))
    person_link_decisions.confirm(officer, second, p_of(second).id, v_of(first).id)
    assert repeat_people(*Y2026) == RepeatPeople(victims=0, perpetrators=0)


def test_the_area_is_the_later_case_s(officer):
    first = a_case(officer, postcode="AA1 1AA", v=("Vee One", None), **at(2025, area="South"))
    second = a_case(officer, postcode="BB1 1BB", v=("Vee Two", None), **at(2026, area="North"))
    person_link_decisions.confirm(officer, second, p_of(second).id, p_of(first).id)
    assert repeat_people(*Y2026, area="North").perpetrators == 1
    assert repeat_people(*Y2026, area="South").perpetrators == 0


def test_an_unlinked_person_is_no_longer_counted(officer):
    first = a_case(officer, postcode="AA1 1AA", v=("Vee One", None), **at(2025))
    second = a_case(officer, postcode="BB1 1BB", v=("Vee Two", None), **at(2026))
    person_link_decisions.confirm(officer, second, p_of(second).id, p_of(first).id)
    person_link_decisions.unlink(officer, second, p_of(second).id, "Different people.", confirmed=True)
    assert repeat_people(*Y2026).perpetrators == 0


@pytest.mark.usefixtures("app")
@pytest.mark.parametrize("start, end", [
    (datetime(2026, 1, 1), datetime(2027, 1, 1, tzinfo=UTC)),  # naive
    (Y2026[1], Y2026[0]),  # backwards
    (Y2026[0], Y2026[0]),  # empty
])
def test_a_period_that_is_not_one_is_refused(start, end):
    with pytest.raises(ValueError):
        repeat_people(start, end)
