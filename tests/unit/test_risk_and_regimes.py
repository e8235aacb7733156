"""DASH risk levels (app/domain/risk.py) and the two statutory regimes as data
(app/domain/regimes.py): CSA 2010 s.24-28 (DVPN/DVPO) and DAA 2021 ss.22-29 (DAPN/DAPO).
"""
from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.regimes import DAPN, DVPN, REGIMES, Conduct, Regime, RegimeCode, regime
from app.domain.risk import DASH_MAX_SCORE, RiskLevel, risk_from_dash_score
from app.models import Role

CSA = "Crime and Security Act 2010"
DAA = "Domestic Abuse Act 2021"

# -- DASH ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("score", "level"), [
    (0, RiskLevel.STANDARD), (1, RiskLevel.STANDARD), (9, RiskLevel.STANDARD),
    (10, RiskLevel.MEDIUM), (11, RiskLevel.MEDIUM), (13, RiskLevel.MEDIUM),
    (14, RiskLevel.HIGH), (20, RiskLevel.HIGH), (27, RiskLevel.HIGH),
])
def test_dash_score_boundaries(score, level):
    assert risk_from_dash_score(score) is level


@pytest.mark.parametrize("score", [-1, 28, -100, 1000])
def test_dash_scores_outside_0_to_27_raise(score):
    with pytest.raises(ValueError, match="0 to 27"):
        risk_from_dash_score(score)


def test_dash_max_score_is_27():
    assert DASH_MAX_SCORE == 27


def test_dash_every_score_maps_by_the_published_bands():
    bands = [risk_from_dash_score(s) for s in range(DASH_MAX_SCORE + 1)]
    assert bands == [RiskLevel.STANDARD] * 10 + [RiskLevel.MEDIUM] * 4 + [RiskLevel.HIGH] * 14


@given(a=st.integers(0, DASH_MAX_SCORE), b=st.integers(0, DASH_MAX_SCORE))
def test_dash_property_more_ticks_never_lower_the_level(a, b):
    low, high = sorted((a, b))
    assert risk_from_dash_score(low).rank <= risk_from_dash_score(high).rank


def test_risk_levels_rank_standard_medium_high():
    assert [level.rank for level in (RiskLevel.STANDARD, RiskLevel.MEDIUM, RiskLevel.HIGH)] == [0, 1, 2]
    assert [level.value for level in RiskLevel] == ["standard", "medium", "high"]
    assert [level.label for level in RiskLevel] == ["Standard", "Medium", "High"]


# -- the regimes ---------------------------------------------------------------------------


def test_dvpn_is_authorised_by_a_superintendent_only():
    # CSA 2010 s.24(1): "not below the rank of superintendent".
    assert DVPN.authorising_roles == frozenset({"superintendent"})
    assert DVPN.authorising_rank == "superintendent"
    assert "inspector" not in DVPN.authorising_roles


def test_dapn_is_authorised_by_an_inspector_or_superintendent():
    # DAA 2021 s.22(8): "senior police officer" is at least the rank of inspector.
    assert DAPN.authorising_roles == frozenset({"inspector", "superintendent"})
    assert DAPN.authorising_rank == "inspector"


@pytest.mark.parametrize("the_regime", [DVPN, DAPN], ids=["dvpn", "dapn"])
def test_authorising_roles_are_real_roles_and_never_officers_or_staff(the_regime):
    assert the_regime.authorising_roles <= {r.value for r in Role}
    for role in (Role.OFFICER, Role.CASEWORKER, Role.SUPERVISOR, Role.ADMIN):
        assert role.value not in the_regime.authorising_roles
    assert the_regime.authorising_rank in the_regime.authorising_roles


def test_victim_age():
    assert DVPN.min_victim_age is None
    assert DAPN.min_victim_age == 16


@pytest.mark.parametrize("the_regime", [DVPN, DAPN], ids=["dvpn", "dapn"])
def test_both_regimes_require_the_perpetrator_to_be_18(the_regime):
    assert the_regime.min_perpetrator_age == 18


def test_order_duration():
    # CSA 2010 s.28(10): 14 to 28 days; a DAPO has no minimum or maximum.
    assert (DVPN.order_min_days, DVPN.order_max_days) == (14, 28)
    assert (DAPN.order_min_days, DAPN.order_max_days) == (None, None)


def test_conduct():
    assert DVPN.conduct == (Conduct.VIOLENCE, Conduct.THREAT_OF_VIOLENCE)
    assert Conduct.ABUSE in DAPN.conduct and set(DAPN.conduct) == set(Conduct)
    assert "violen" in DVPN.conduct_test and "abusive" in DAPN.conduct_test
    assert "16 or over" in DAPN.conduct_test and "16" not in DVPN.conduct_test


def test_conduct_labels_are_distinct():
    labels = [c.label for c in Conduct]
    assert len(set(labels)) == len(labels)


def test_names_and_acts():
    assert (DVPN.notice, DVPN.order, DVPN.act) == ("DVPN", "DVPO", CSA)
    assert (DAPN.notice, DAPN.order, DAPN.act) == ("DAPN", "DAPO", DAA)
    assert DVPN.notice_name == "Domestic Violence Protection Notice"
    assert DVPN.order_name == "Domestic Violence Protection Order"
    assert DAPN.notice_name == "Domestic Abuse Protection Notice"
    assert DAPN.order_name == "Domestic Abuse Protection Order"
    assert DVPN.notice_section == "section 24"
    assert DAPN.notice_section == "section 22"
    assert DVPN.hearing_section == "section 27"


# The 48-hour hearing of a DAPO application after a DAPN is DAA 2021 s.29 (s.25(2)(c) refers to it).
def test_dapn_hearing_section_is_29():
    assert DAPN.hearing_section == "section 29"


def test_to_p_wording_addresses_p():
    for the_regime in (DVPN, DAPN):
        assert the_regime.conduct_test_to_p.startswith("have been ")
        assert " P " not in the_regime.conduct_test_to_p


# -- the authorising officer's checklist ---------------------------------------------------


@pytest.mark.parametrize("the_regime", [DVPN, DAPN], ids=["dvpn", "dapn"])
def test_checklist_codes_are_unique_identifiers(the_regime):
    codes = [item.code for item in the_regime.checklist]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", code) for code in codes)
    assert all(item.text.strip() and item.citation.strip() for item in the_regime.checklist)


@pytest.mark.parametrize(("the_regime", "act", "other_act"), [(DVPN, CSA, DAA), (DAPN, DAA, CSA)],
                         ids=["dvpn", "dapn"])
def test_checklist_citations_name_the_regimes_act(the_regime, act, other_act):
    for item in the_regime.checklist:
        assert other_act not in item.citation, item
        if item.code == "proportionality":
            # Not in the Act: proportionality comes from guidance and the Human Rights Act.
            assert "Human Rights Act 1998" in item.citation
        else:
            assert item.citation.startswith(act + " s."), item


@pytest.mark.parametrize("the_regime", [DVPN, DAPN], ids=["dvpn", "dapn"])
def test_checklist_covers_what_the_act_makes_the_officer_consider(the_regime):
    # s.24(2)-(4) CSA 2010 / ss.22, 24 DAA 2021.
    codes = {item.code for item in the_regime.checklist}
    assert {"perpetrator_adult", "necessity", "children", "victim_opinion", "representations",
            "other_occupant", "proportionality"} <= codes
    opinion = next(i for i in the_regime.checklist if i.code == "victim_opinion")
    assert "consent is not required" in opinion.text


def test_checklist_differences_between_the_regimes():
    dvpn = {item.code for item in DVPN.checklist}
    dapn = {item.code for item in DAPN.checklist}
    assert "violence" in dvpn and "abuse" not in dvpn and "victim_16" not in dvpn
    assert "abuse" in dapn and "victim_16" in dapn and "violence" not in dapn


def test_checklist_text_uses_the_regimes_own_words():
    for item in DVPN.checklist:
        assert "DAPN" not in item.text
    for item in DAPN.checklist:
        assert "DVPN" not in item.text


def _citation(the_regime: Regime, code: str) -> str:
    return next(item.citation for item in the_regime.checklist if item.code == code)


# The sections as enacted (legislation.gov.uk): CSA 2010 s.24(1) is the superintendent's
# power; s.24(2) holds "aged 18 years or over" and the tests (a) and (b); s.24(3) the
# matters to consider. DAA 2021 s.22(3) is condition A (abuse of a person 16 or over),
# s.22(4) condition B (necessity), s.22(6) no DAPN to a person under 18.
CITATIONS = [
    pytest.param(DVPN, "perpetrator_adult", f"{CSA} s.24(2)", id="dvpn-perpetrator_adult"),
    pytest.param(DVPN, "violence", f"{CSA} s.24(2)(a)", id="dvpn-violence"),
    pytest.param(DVPN, "necessity", f"{CSA} s.24(2)(b)", id="dvpn-necessity"),
    pytest.param(DVPN, "children", f"{CSA} s.24(3)(a)", id="dvpn-children"),
    pytest.param(DVPN, "representations", f"{CSA} s.24(3)(c)", id="dvpn-representations"),
    pytest.param(DAPN, "perpetrator_adult", f"{DAA} s.22(6)", id="dapn-perpetrator_adult"),
    pytest.param(DAPN, "victim_16", f"{DAA} s.22(3)", id="dapn-victim_16"),
    pytest.param(DAPN, "abuse", f"{DAA} s.22(3)", id="dapn-abuse"),
    pytest.param(DAPN, "necessity", f"{DAA} s.22(4)", id="dapn-necessity"),
]


@pytest.mark.parametrize(("the_regime", "code", "citation"), CITATIONS)
def test_checklist_citation_subsections(the_regime, code, citation):
    assert _citation(the_regime, code) == citation


# -- regime() ------------------------------------------------------------------------------


def test_regime_lookup():
    assert regime("dvpn") is DVPN
    assert regime("dapn") is DAPN
    assert regime(RegimeCode.DVPN) is DVPN
    assert regime(RegimeCode.DAPN) is DAPN
    assert REGIMES == {RegimeCode.DVPN: DVPN, RegimeCode.DAPN: DAPN}
    assert all(r.code is code for code, r in REGIMES.items())


@pytest.mark.parametrize("code", ["", "DVPN", "dvpo", "dapo", "csa", None, "dvpn "])
def test_unknown_regime_codes_raise(code):
    with pytest.raises(ValueError):
        regime(code)


def test_regimes_are_immutable():
    with pytest.raises(AttributeError):
        DVPN.min_victim_age = 16  # type: ignore[misc]


def test_a_hearing_window_cites_the_act_at_48_hours_and_only_a_named_enactment_otherwise():
    from app.domain.regimes import RegimeCode, regime

    assert regime(RegimeCode.DVPN).hearing_basis(48) == "Crime and Security Act 2010, section 27"
    assert regime(RegimeCode.DAPN).hearing_basis(48, "ignored at 48") == "Domestic Abuse Act 2021, section 29"
    assert regime(RegimeCode.DVPN).hearing_basis(72, " Example Act 2027 s.1 ") == "Example Act 2027 s.1"
    with pytest.raises(ValueError, match="no basis"):
        regime(RegimeCode.DVPN).hearing_basis(72, "  ")
