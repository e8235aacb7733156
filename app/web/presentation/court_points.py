"""The court printout's points to make: what the officer tells the bench, one page."""
from __future__ import annotations

from dataclasses import dataclass, field

from app.domain.application import Evidence, VictimView
from app.domain.regimes import Conduct
from app.domain.risk import RiskLevel
from app.web.presentation.printout_common import NOT_PROVIDED, Condition, excerpt

# Free text quoted on the one-page section is cut to this many characters.
_POINT_CHARS = 220


@dataclass(frozen=True)
class Point:
    heading: str
    text: str
    flag: bool = False  # printed in bold: something the bench must hear
    lines: tuple[str, ...] = field(default_factory=tuple)


def _victim_opinion(opinion: dict, victim_name: str, the_regime, law: dict) -> Point:
    """What was recorded, in its own words: the application records V's view of the notice,
    asked before it was authorised, and nothing records V's view of the order itself."""
    view = VictimView(opinion["view"]) if opinion.get("view") else None
    consent_law = f" ({the_regime.act} {law['consent']})" if law["consent"] else ""
    heading = f"{victim_name}'s opinion"
    of_order = (f"Their view of the {the_regime.order} itself is not recorded: ask them before the hearing, "
                "and tell the court.")
    if view is VictimView.OPPOSES:
        return Point(heading, f"Opposed the {the_regime.notice} when asked before it was authorised. {of_order} "
                              f"Their consent is not required{consent_law}: the court may make the order to protect "
                              "them even against their wishes.", flag=True)
    recorded = {VictimView.SUPPORTS: f"Supported the {the_regime.notice} when asked before it was authorised.",
                VictimView.NOT_KNOWN: f"Not known when the {the_regime.notice} was applied for."}.get(view)
    if recorded is None:
        return Point(heading, f"{NOT_PROVIDED}. Their consent is not required{consent_law}.")
    return Point(heading, f"{recorded} {of_order} Their consent is not required{consent_law}.")


def points_to_make(case, data: dict, victim_name: str, conditions: list[Condition], the_regime,
                   law: dict) -> list[Point]:
    points: list[Point] = []
    dash = data.get("dash", {})
    score = dash.get("score")
    level = RiskLevel(dash["risk_level"]).label if dash.get("risk_level") else case.risk_level.label
    risk = f"{level} risk" + (f", DASH score {score}" if isinstance(score, int) else "")
    if dash.get("raise_reason"):
        risk += f" (raised by professional judgement: {excerpt(dash['raise_reason'], 120)})"
    points.append(Point("Risk", risk + "."))

    grounds = data.get("grounds", {})
    conduct = Conduct(grounds["conduct"]).label.split(" (")[0] if grounds.get("conduct") else NOT_PROVIDED
    evidence = ", ".join(Evidence(e).label for e in grounds.get("evidence", [])) or "none ticked"
    conduct_text = f"{conduct}: {excerpt(grounds.get('description'), _POINT_CHARS)}" if grounds else NOT_PROVIDED
    points.append(Point("The conduct", conduct_text, lines=(f"Evidence available: {evidence}.",)))

    necessity = data.get("necessity", {})
    points.append(Point(f"Why the {the_regime.order} is necessary",
                        excerpt(necessity.get("why_necessary"), _POINT_CHARS) or NOT_PROVIDED))
    points.append(Point("Why other means do not protect the victim",
                        excerpt(necessity.get("why_not_other_means"), _POINT_CHARS) or NOT_PROVIDED))

    points.append(_victim_opinion(data.get("victim_opinion", {}), victim_name, the_regime, law))

    children = data.get("children", {})
    if children.get("any_relevant"):
        child_text = excerpt(children.get("details"), _POINT_CHARS) or "Yes."
    elif children:
        child_text = "No children under 18 whose welfare is relevant."
    else:
        child_text = NOT_PROVIDED
    names = excerpt(", ".join(c.full_name for c in case.children), 120)
    points.append(Point("Children", child_text + (f" ({names})" if names and children.get("any_relevant") else "")))

    removal = [c for c in conditions if c.removes_from_home]
    lines = tuple(
        c.label + (f" ({c.distance_metres} metres)" if c.distance_metres else "")
        + (f": {excerpt(c.justification, 110)}" if c.justification else "")
        for c in conditions
    )
    if removal:
        flag = ("Removal from the home is sought: without it the victim gets no breathing space, the point of the "
                "order. Ask the court to include it.")
    else:
        flag = "No condition removes the respondent from the home."
    points.append(Point("Conditions sought", flag, flag=bool(removal), lines=lines or (NOT_PROVIDED,)))

    representations = data.get("representations", {})
    points.append(Point("The respondent's representations",
                        excerpt(representations.get("representations"), _POINT_CHARS) or NOT_PROVIDED))
    return points

