"""The court printout's points to make say what was recorded of V's view: the application
records V's view of the notice, asked before it was authorised; nothing records V's view of the
order itself (issue 15, section 5)."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from app.domain.regimes import RegimeCode, regime
from app.domain.risk import RiskLevel
from app.web.presentation.court_points import points_to_make
from app.web.presentation.printout_common import LAW


def _opinion(view: str | None, code: RegimeCode = RegimeCode.DVPN) -> str:
    case = SimpleNamespace(risk_level=RiskLevel.MEDIUM, children=[])
    data = {"victim_opinion": {"view": view, "steps": "Asked at the scene."} if view else {}}
    points = points_to_make(case, data, "Beth", [], regime(code), LAW[code])
    [point] = [p for p in points if p.heading == "Beth's opinion"]
    return point.text, point.flag


@pytest.mark.parametrize(("view", "code", "starts"), [
    ("supports", RegimeCode.DVPN, "Supported the DVPN when asked before it was authorised. Their view of the DVPO "
                                  "itself is not recorded"),
    ("supports", RegimeCode.DAPN, "Supported the DAPN when asked before it was authorised. Their view of the DAPO "
                                  "itself is not recorded"),
    ("opposes", RegimeCode.DVPN, "Opposed the DVPN when asked before it was authorised. Their view of the DVPO "
                                 "itself is not recorded"),
    ("not_known", RegimeCode.DVPN, "Not known when the DVPN was applied for. Their view of the DVPO itself"),
    (None, RegimeCode.DVPN, "NOT PROVIDED. Their consent is not required"),
])
def test_victims_opinion_is_worded_from_what_was_recorded(view, code, starts):
    text, flag = _opinion(view, code)
    assert text.startswith(starts), text
    assert "Supports the order" not in text and "Opposes the order" not in text
    assert flag is (view == "opposes")


def test_consent_is_still_cited_for_a_dvpo():
    text, _ = _opinion("supports")
    assert text.endswith("Their consent is not required (Crime and Security Act 2010 s.28(5)).")
