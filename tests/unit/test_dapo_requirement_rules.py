"""Table tests for a DAPO's requirements, monitoring, reports, review dates and variation
(DAA 2021 ss.35-38, s.44): domain/dapo_requirements."""
from datetime import date

import pytest

from app.domain import dapo_requirements as rules
from app.domain.dapo_requirements import (
    Applicant,
    Monitoring,
    MonitoringKind,
    ReportKind,
    Requirement,
    RequirementKind,
    Variation,
    VariationOutcome,
)

MADE = date(2026, 11, 16)
LAST = date(2026, 12, 13)  # 28 days
K = RequirementKind


@pytest.mark.parametrize(("req", "errors"), [
    (Requirement(K.NO_ABUSE), set()),
    (Requirement(K.NO_CONTACT), set()),
    (Requirement(K.NOT_NEAR_V_HOME), {"distance_metres"}),
    (Requirement(K.NOT_NEAR_V_HOME, distance_metres=0), {"distance_metres"}),
    (Requirement(K.NOT_NEAR_V_HOME, distance_metres=5001), {"distance_metres"}),
    (Requirement(K.NOT_NEAR_V_HOME, distance_metres=200), set()),
    (Requirement(K.NOT_NEAR_PREMISES, distance_metres=100), {"premises"}),
    (Requirement(K.NOT_NEAR_PREMISES, distance_metres=100, premises="V's workplace"), set()),
    (Requirement(K.NO_EVICT), set()),
    (Requirement(K.NO_ENTER), set()),
    (Requirement(K.LEAVE), set()),
    (Requirement(K.OTHER_PROHIBITION), {"wording"}),
    (Requirement(K.OTHER_PROHIBITION, wording="Not to post about V online."), set()),
    (Requirement(K.BEHAVIOUR_PROGRAMME), {"supervisor", "suitability_evidence"}),
    (Requirement(K.BEHAVIOUR_PROGRAMME, supervisor="Probation"), {"suitability_evidence"}),
    (Requirement(K.BEHAVIOUR_PROGRAMME, suitability_evidence="Place available"), {"supervisor"}),
    (Requirement(K.BEHAVIOUR_PROGRAMME, supervisor="Probation", suitability_evidence="Place available"), set()),
    (Requirement(K.SUBSTANCE_MISUSE, supervisor="Northshire Recovery", suitability_evidence="Assessed"), set()),
    (Requirement(K.SUBSTANCE_MISUSE), {"supervisor", "suitability_evidence"}),
    (Requirement(K.OTHER_POSITIVE, supervisor="X", suitability_evidence="Y"), {"wording"}),
    (Requirement(K.OTHER_POSITIVE, wording="Attend parenting course", supervisor="X", suitability_evidence="Y"), set()),
])
def test_each_kind_of_requirement(req, errors):
    assert set(rules.requirement_errors(req, made_on=MADE, last_day=LAST)) == errors


@pytest.mark.parametrize(("starts", "ends", "last_day", "errors"), [
    (None, None, LAST, set()),
    (MADE, LAST, LAST, set()),
    (date(2026, 11, 15), None, LAST, {"starts_on"}),
    (date(2026, 12, 14), None, LAST, {"starts_on"}),
    (date(2026, 11, 20), date(2026, 11, 19), LAST, {"ends_on"}),
    (MADE, date(2026, 12, 14), LAST, {"ends_on"}),
    (MADE, date(2030, 1, 1), None, set()),  # until further order: any later end
    (date(2027, 6, 1), None, None, set()),
])
def test_a_requirement_has_its_own_period_within_the_order(starts, ends, last_day, errors):
    req = Requirement(K.NO_CONTACT, starts_on=starts, ends_on=ends)
    assert set(rules.requirement_errors(req, made_on=MADE, last_day=last_day)) == errors


def test_the_prohibition_of_abuse_is_always_present():
    assert "requirements" in rules.requirements_errors([Requirement(K.NO_CONTACT)], made_on=MADE, last_day=LAST)
    assert rules.requirements_errors([Requirement(K.NO_ABUSE), Requirement(K.NO_CONTACT)], made_on=MADE, last_day=LAST) == {}
    errors = rules.requirements_errors([Requirement(K.NO_ABUSE), Requirement(K.SUBSTANCE_MISUSE)], made_on=MADE,
                                       last_day=LAST)
    assert set(errors) == {"requirements-1-supervisor", "requirements-1-suitability_evidence"}


def test_order_last_day_counts_the_day_made():
    assert rules.order_last_day(MADE, 28) == LAST
    assert rules.order_last_day(MADE, 1) == MADE
    assert rules.order_last_day(MADE, None) is None


def test_prefill_from_the_notice_and_mirror_to_conditions():
    reqs = rules.from_notice(["no_molest", "no_come_within", "no_enter", "no_contact", "unknown"], 150)
    assert [r.kind for r in reqs] == [K.NO_ABUSE, K.NOT_NEAR_V_HOME, K.NO_ENTER, K.NO_CONTACT]
    assert reqs[1].distance_metres == 150 and "150 metres" in reqs[1].wording
    assert rules.conditions_of(reqs + [Requirement(K.BEHAVIOUR_PROGRAMME)]) == [
        {"kind": "no_molest", "distance_metres": None}, {"kind": "no_come_within", "distance_metres": 150},
        {"kind": "no_enter", "distance_metres": None}]


def _monitoring(**overrides):
    base = dict(provider="EM Services Ltd", kind=MonitoringKind.CURFEW, zone_or_address="Flat 2, 19:00 to 07:00",
                starts_on=MADE, ends_on=None, p_present=True, third_party_needed=True, third_party="occupier",
                third_party_consented=True, area_notified=True, provision_available=True)
    return Monitoring(**{**base, **overrides})


@pytest.mark.parametrize(("overrides", "errors"), [
    ({}, set()),
    ({"p_present": False}, {"p_present"}),
    ({"p_present": None}, {"p_present"}),
    ({"third_party_needed": None}, {"third_party_needed"}),
    ({"third_party_consented": False}, {"third_party_consented"}),
    ({"third_party_consented": None}, {"third_party_consented"}),
    ({"third_party": ""}, {"third_party"}),
    ({"third_party_needed": False, "third_party": "", "third_party_consented": None}, set()),
    ({"area_notified": False}, {"area_notified"}),
    ({"provision_available": None}, {"provision_available"}),
    ({"provider": " "}, {"provider"}),
    ({"kind": None}, {"kind"}),
    ({"kind": MonitoringKind.EXCLUSION_ZONE, "zone_or_address": ""}, {"zone_or_address"}),
    ({"kind": MonitoringKind.LOCATION, "zone_or_address": ""}, set()),
    ({"starts_on": None}, {"starts_on"}),
    ({"starts_on": date(2026, 11, 1)}, {"starts_on"}),
    ({"ends_on": date(2026, 12, 20)}, {"ends_on"}),
    ({"ends_on": date(2026, 11, 17)}, set()),
])
def test_electronic_monitoring_conditions(overrides, errors):
    got = rules.monitoring_errors(_monitoring(**overrides), made_on=MADE, last_day=LAST, today=MADE)
    assert set(got) == errors
    if "p_present" in errors:
        assert "s.37(2)" in got["p_present"]
    if "third_party_consented" in errors:
        assert "s.37(3)" in got["third_party_consented"]
    if "area_notified" in errors:
        assert "s.37(4)(a)" in got["area_notified"]


@pytest.mark.parametrize(("kind", "on", "by", "summary", "errors"), [
    (ReportKind.COMPLIED, MADE, "Probation", "", set()),
    (ReportKind.FAILED, MADE, "Probation", "", {"summary"}),
    (ReportKind.FAILED, MADE, "Probation", "Missed session 2", set()),
    (None, MADE, "Probation", "", {"outcome"}),
    (ReportKind.COMPLIED, None, "Probation", "", {"reported_on"}),
    (ReportKind.COMPLIED, date(2026, 11, 17), "Probation", "", {"reported_on"}),
    (ReportKind.COMPLIED, date(2026, 11, 10), "Probation", "", {"reported_on"}),
    (ReportKind.COMPLIED, MADE, " ", "", {"reported_by"}),
])
def test_reports(kind, on, by, summary, errors):
    assert set(rules.report_errors(kind, on, by, summary, starts_on=date(2026, 11, 12), today=MADE)) == errors


@pytest.mark.parametrize(("dates", "last_day", "ok"), [
    ([], LAST, True),
    ([date(2026, 12, 1)], LAST, True),
    ([MADE], LAST, False),
    ([date(2026, 12, 14)], LAST, False),
    ([date(2029, 1, 1)], None, True),
    ([date(2027, 1, d) for d in range(1, 14)], None, False),
])
def test_review_dates(dates, last_day, ok):
    assert (rules.review_date_errors(dates, made_on=MADE, last_day=last_day) is None) is ok


def test_reviews_due_within_seven_days():
    today = date(2026, 11, 20)
    dates = ["2026-11-19", "2026-11-20", "2026-11-27", "2026-11-28"]
    assert rules.reviews_due(dates, today) == [date(2026, 11, 20), date(2026, 11, 27)]


def _variation(**overrides):
    base = dict(applicant=Applicant.CHIEF_OFFICER_RESIDENCE, outcome=VariationOutcome.VARIED, court_date=MADE,
                details="Programme added")
    return Variation(**{**base, **overrides})


@pytest.mark.parametrize(("overrides", "errors"), [
    ({}, set()),
    ({"applicant": None}, {"applicant"}),
    ({"outcome": None}, {"outcome"}),
    ({"court_date": None}, {"court_date"}),
    ({"court_date": date(2026, 11, 15)}, {"court_date"}),
    ({"court_date": date(2026, 11, 17)}, {"court_date"}),
    ({"details": ""}, {"details"}),
    ({"outcome": VariationOutcome.DISCHARGED}, {"confirm"}),
    ({"outcome": VariationOutcome.DISCHARGED, "confirmed": True}, set()),
    ({"applicant": Applicant.PROTECTED_PERSON, "outcome": VariationOutcome.DISCHARGED, "confirmed": True},
     {"victim_heard"}),
    ({"applicant": Applicant.PROTECTED_PERSON, "outcome": VariationOutcome.DISCHARGED, "confirmed": True,
      "victim_heard": True}, set()),
    ({"applicant": Applicant.PROTECTED_PERSON, "lessens": True}, {"victim_heard"}),
    ({"applicant": Applicant.PROTECTED_PERSON}, set()),
    ({"applicant": Applicant.PERPETRATOR, "outcome": VariationOutcome.REFUSED}, set()),
    ({"applicant": Applicant.COURT_OWN_MOTION}, set()),
])
def test_variation_and_discharge(overrides, errors):
    assert set(rules.variation_errors(_variation(**overrides), made_on=MADE, today=MADE)) == errors


def test_the_applicants_are_those_of_s44():
    cited = ["s.44(3)(a)", "s.44(3)(b)", "s.44(3)(c)", "s.44(3)(d)", "s.44(3)(e)", "s.44(2)(b)"]
    assert [a.label.endswith(f"({c})") for a, c in zip(Applicant, cited, strict=True)] == [True] * 6
