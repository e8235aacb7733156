"""Pure rules of issue 13 (part): orders made elsewhere (DAA 2021 s.27(1), s.28(2), s.31),
a DAPN's no-contact provision (s.23(1)(a)) and the commanding officer (s.25(5)-(6))."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from app.domain.application import ApplicationContext, validate_section
from app.domain.order_origin import (
    OTHER_REQUIREMENT,
    OrderRoute,
    Requirement,
    requirement_errors,
    route_errors,
    victim_age_errors,
)
from app.domain.prohibitions import ProhibitionKind, available, not_available
from app.domain.regimes import DAPN, DVPN
from app.domain.service_persons import commanding_officer_duty, service_person_errors

NOW = datetime(2026, 11, 16, 10, tzinfo=UTC)


# -- how the order was made -------------------------------------------------------------------

@pytest.mark.parametrize(("route", "details", "error"), [
    (None, "", "route"),
    (OrderRoute.VICTIM, "", None),
    (OrderRoute.POLICE, "", None),
    (OrderRoute.THIRD_PARTY, "", "route_details"),
    (OrderRoute.THIRD_PARTY, "  ", "route_details"),
    (OrderRoute.THIRD_PARTY, "Northshire Refuge", None),
    (OrderRoute.WITH_LEAVE, "", "route_details"),
    (OrderRoute.WITH_LEAVE, "V's mother, with leave", None),
    (OrderRoute.FAMILY_PROCEEDINGS, "", None),
    (OrderRoute.CONVICTION, "", None),
    (OrderRoute.ACQUITTAL, "", None),
    (OrderRoute.APPEAL_ALLOWED, "", None),
    (OrderRoute.CIVIL_PROCEEDINGS, "", None),
    (OrderRoute.VICTIM, "x" * 501, "route_details"),
])
def test_route_errors(route, details, error):
    errors = route_errors(route, details)
    assert (next(iter(errors)) if errors else None) == error


@pytest.mark.parametrize(("route", "citation", "on_application"), [
    (OrderRoute.VICTIM, "s.28(2)(a)", True), (OrderRoute.POLICE, "s.28(2)(b)", True),
    (OrderRoute.THIRD_PARTY, "s.28(2)(c)", True), (OrderRoute.WITH_LEAVE, "s.28(2)(d)", True),
    (OrderRoute.FAMILY_PROCEEDINGS, "s.31(2)", False), (OrderRoute.CONVICTION, "s.31(3)", False),
    (OrderRoute.ACQUITTAL, "s.31(5)", False), (OrderRoute.APPEAL_ALLOWED, "s.31(6)", False),
    (OrderRoute.CIVIL_PROCEEDINGS, "s.31(7)", False),
])
def test_every_route_cites_its_subsection(route, citation, on_application):
    assert citation in route.citation and route.citation.startswith("Domestic Abuse Act 2021")
    assert route.on_application is on_application


@pytest.mark.parametrize(("born", "confirmed", "error"), [
    (date(2010, 11, 10), False, None),  # 16 on the day the order was made
    (date(2010, 11, 11), True, "victims"),  # 16 the day after: too young, confirmation or not
    (None, False, "victim_16"),
    (None, True, None),
])
def test_the_victim_is_16_or_over_when_the_order_was_made(born, confirmed, error):
    errors = victim_age_errors([("Dana", born)], date(2026, 11, 10), confirmed)
    assert (next(iter(errors)) if errors else None) == error


@pytest.mark.parametrize(("requirements", "error"), [
    ([], "conditions"),
    ([Requirement("no_contact")], None),
    ([Requirement(OTHER_REQUIREMENT, text="Attend a programme")], None),
    ([Requirement(OTHER_REQUIREMENT, text="  ")], "other_requirements"),
    ([Requirement("no_come_within")], "distance_metres"),
    ([Requirement("no_come_within", True)], "distance_metres"),
    ([Requirement("no_come_within", 5001)], "distance_metres"),
    ([Requirement("no_come_within", 200)], None),
    ([Requirement("no_such")], "conditions"),
])
def test_requirement_errors(requirements, error):
    errors = requirement_errors(requirements)
    assert (next(iter(errors)) if errors else None) == error


def test_a_requirement_is_stored_as_a_condition():
    assert Requirement("no_come_within", 200).as_condition() == {"kind": "no_come_within", "distance_metres": 200}
    assert Requirement(OTHER_REQUIREMENT, text=" Attend ").as_condition() == {"kind": "other", "text": "Attend"}


# -- a DAPN may forbid contact (s.23(1)(a)); a DVPN may not ------------------------------------

def test_no_contact_is_a_dapn_provision_only():
    assert ProhibitionKind.NO_CONTACT in available(DAPN)
    assert ProhibitionKind.NO_CONTACT not in available(DVPN)
    assert not_available(["no_molest", "no_contact"], DVPN) == [ProhibitionKind.NO_CONTACT]
    assert not_available(["no_molest", "no_contact"], DAPN) == []


@pytest.mark.parametrize(("the_regime", "shared", "refused"), [
    (DAPN, False, False),  # no shared premises needed (s.23(1)(a))
    (DAPN, True, False),
    (DVPN, True, True),
])
def test_the_application_refuses_contact_under_a_dvpn(the_regime, shared, refused):
    ctx = ApplicationContext(regime=the_regime, victims=(), now=NOW, shared_premises=shared)
    errors = validate_section("prohibitions", {"kinds": ["no_molest", "no_contact"],
                                               "justifications": {"no_contact": "Repeated calls."}}, ctx)
    assert ("kinds" in errors) is refused
    if refused:
        assert "DAPN only" in errors["kinds"]


def test_the_notice_words_the_contact_provision():
    from app.domain.prohibitions import Prohibition

    assert Prohibition(ProhibitionKind.NO_CONTACT).legal_wording("Dana", "2 Court Road") == "You must not contact Dana."


# -- the commanding officer (s.25(5)-(6)) ------------------------------------------------------

@pytest.mark.parametrize(("regime_", "service_person", "accommodation", "provisions", "duty"), [
    (DAPN, True, True, ["no_molest", "no_enter"], True),
    (DAPN, True, True, ["no_molest", "leave"], True),
    (DAPN, True, True, ["no_molest", "no_evict"], False),  # s.25(5)(b): entering or leaving only
    (DAPN, True, True, ["no_molest", "no_come_within"], False),
    (DAPN, True, False, ["no_enter"], False),  # s.25(5)(c)
    (DAPN, False, True, ["no_enter"], False),  # s.25(5)(a)
    (DAPN, None, None, ["no_enter"], False),
    (DVPN, True, True, ["no_enter"], False),  # a DAA 2021 duty
])
def test_commanding_officer_duty(regime_, service_person, accommodation, provisions, duty):
    assert commanding_officer_duty(regime_, service_person=service_person, service_accommodation=accommodation,
                                   provisions=provisions) is duty


@pytest.mark.parametrize(("answers", "error"), [
    ({"service_person": None}, "service_person"),
    ({"service_person": True, "service_accommodation": None}, "service_accommodation"),
    ({"service_person": False}, None),
    ({"service_person": True, "service_accommodation": True}, "informed_date"),
    ({"service_person": True, "service_accommodation": True, "informed_at": NOW}, "informed_how"),
    ({"service_person": True, "service_accommodation": True, "informed_at": NOW, "how": "Phoned the adjutant"}, None),
    ({"service_person": True, "service_accommodation": True, "informed_at": datetime(2026, 11, 17, tzinfo=UTC),
      "how": "Phoned"}, "informed_date"),
    ({"service_person": True, "service_accommodation": True, "informed_at": datetime(2026, 11, 1, tzinfo=UTC),
      "how": "Phoned"}, "informed_date"),  # before the notice
    ({"service_person": False, "informed_at": NOW, "how": "Phoned"}, "informed_date"),  # no duty: nothing kept
])
def test_service_person_errors(answers, error):
    args = {"service_person": None, "service_accommodation": None, "informed_at": None, "how": ""} | answers
    errors = service_person_errors(DAPN, provisions=["no_molest", "leave"], not_before=datetime(2026, 11, 15, tzinfo=UTC),
                                   now=NOW, **args)
    assert (next(iter(errors)) if errors else None) == error


def test_a_dvpn_has_no_commanding_officer_record():
    errors = service_person_errors(DVPN, service_person=True, service_accommodation=True, provisions=["no_enter"],
                                   informed_at=None, how="", not_before=None, now=NOW)
    assert "DAPN only" in errors[""]
