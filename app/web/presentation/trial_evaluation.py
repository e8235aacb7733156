"""Wording and the CONSORT flow diagram's layout for the trial's evaluation page (issue 17).

The diagram is laid out here (boxes with their lines of text, and arrows, in SVG user
units) and drawn by templates/trial_evaluation/_consort.svg.html; the page gives the same
figures as a table beside it.
"""
from __future__ import annotations

import textwrap
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from app.domain.randomiser import Arm
from app.domain.statistics import Comparison
from app.models import MessageStatus
from app.services.trial_evaluation import ArmFlow, Flow

ARM_NAMES = {Arm.INTERVENTION: "Reminder texts", Arm.CONTROL: "Business as usual (no texts)"}


# -- numbers in words ---------------------------------------------------------------------------

def percent(rate: float) -> str:
    return f"{rate * 100:.1f}%"


def points(value: float) -> str:
    """A risk difference in percentage points, signed: "-24.0"."""
    return f"{value * 100:+.1f}".replace("-", "\u2212")


def difference(comparison: Comparison | None) -> str:
    if comparison is None:
        return "Not available: an arm has no cases"
    low, high = comparison.rd_ci
    return f"{points(comparison.risk_difference)} points (95% CI {points(low)} to {points(high)})"


def ratio(comparison: Comparison | None) -> str:
    if comparison is None:
        return "Not available: an arm has no cases"
    if comparison.risk_ratio is None:
        return "Not defined: no events in the control arm"
    if comparison.rr_ci is None:
        return f"{comparison.risk_ratio:.2f} (no interval: an arm has no events)"
    low, high = comparison.rr_ci
    return f"{comparison.risk_ratio:.2f} (95% CI {low:.2f} to {high:.2f})"


def p_value(comparison: Comparison | None) -> str:
    if comparison is None:
        return "Not available"
    return "below 0.001" if comparison.fisher_p < 0.001 else f"{comparison.fisher_p:.3f}"


def money(pence: Decimal | None) -> str:
    if pence is None:
        return "Not set"
    pounds = (pence / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"£{pounds:,}"


# -- the CONSORT diagram ------------------------------------------------------------------------

WIDTH = 760
LINE = 20  # the height of a line of text
PAD = 12  # inside a box, above and below the text
GAP = 36  # between rows of boxes, where the arrows run


CHARACTER_WIDTH = 8  # a generous average width of a character at the diagram's 15px Arial


@dataclass(frozen=True)
class TextLine:
    text: str
    bold: bool  # part of the box's heading
    continued: bool  # the rest of a line too long for the box: drawn indented


def wrapped(lines: tuple[str, ...], width: int) -> tuple[TextLine, ...]:
    """The lines wrapped to fit a box `width` wide; the first line is the box's heading."""
    fit = max(10, (width - 20) // CHARACTER_WIDTH)
    return tuple(
        TextLine(part, bold=index == 0, continued=number > 0)
        for index, line in enumerate(lines)
        for number, part in enumerate(textwrap.wrap(line, fit) or [""])
    )


@dataclass(frozen=True)
class Box:
    x: int
    y: int
    width: int
    lines: tuple[str, ...]  # as given; `text` is what is drawn, wrapped
    padding_lines: int = 0  # empty lines at the end, so boxes side by side are the same height

    @property
    def text(self) -> tuple[TextLine, ...]:
        return wrapped(self.lines, self.width)

    @property
    def height(self) -> int:
        return 2 * PAD + LINE * (len(self.text) + self.padding_lines)

    @property
    def bottom(self) -> int:
        return self.y + self.height

    @property
    def centre(self) -> int:
        return self.x + self.width // 2

    def text_y(self, index: int) -> int:
        return self.y + PAD + LINE * index + 15  # the baseline of line `index`


@dataclass(frozen=True)
class Arrow:
    points: tuple[tuple[int, int], ...]  # the last point is where the head is

    @property
    def path(self) -> str:
        return " ".join(f"{x},{y}" for x, y in self.points)


@dataclass(frozen=True)
class Diagram:
    height: int
    boxes: tuple[Box, ...]
    arrows: tuple[Arrow, ...]
    width: int = WIDTH


def excluded_lines(flow: Flow) -> tuple[str, ...]:
    lines = [f"Not randomised (n={flow.assessed - flow.randomised})"]
    lines += [f"No mobile: {label.lower()} ({n})" for label, n in flow.no_mobile]
    if flow.excluded_by_officer:
        lines.append(f"Not eligible, officer's check ({flow.excluded_by_officer})")
    lines += [f"{label} ({n})" for label, n in flow.not_randomised]
    return tuple(lines)


def arm_lines(arm: ArmFlow) -> tuple[str, ...]:
    lines = [f"{ARM_NAMES[arm.arm]} (n={arm.allocated})"]
    if arm.arm is Arm.INTERVENTION:
        lines.append(f"Received texts: {arm.received_texts} of {arm.analysed}")
        lines.append(f"Texts stopped by staff: {arm.texts_stopped}")
        lines.append(f"Texts delivered {arm.texts[MessageStatus.DELIVERED]}, failed {arm.texts[MessageStatus.FAILED]}, "
                     f"expired {arm.texts[MessageStatus.EXPIRED]}")
    else:
        lines.append(f"Received texts (should be 0): {arm.received_texts}")
    return tuple(lines)


def follow_up_lines(arm: ArmFlow) -> tuple[str, ...]:
    return (f"Analysed (n={arm.analysed})", f"Randomised in error, not analysed: {arm.in_error}",
            f"Order still in force: {arm.still_in_force}")


def consort_diagram(flow: Flow) -> Diagram:
    centre_x, centre_w, side_x, side_w = 130, 300, 470, 280
    arm_w, left_x, right_x = 360, 10, WIDTH - 10 - 360
    assessed = Box(centre_x, 10, centre_w, (f"Orders assessed (n={flow.assessed})", "Granted orders with a phone check"))
    excluded = Box(side_x, assessed.bottom + GAP // 2, side_w, excluded_lines(flow))
    randomised = Box(centre_x, max(assessed.bottom + GAP, excluded.bottom + GAP // 2), centre_w,
                     (f"Randomised (n={flow.randomised})",))
    arm_y = randomised.bottom + GAP
    texted = Box(left_x, arm_y, arm_w, arm_lines(flow.arms[Arm.INTERVENTION]))
    control = Box(right_x, arm_y, arm_w, arm_lines(flow.arms[Arm.CONTROL]))
    row_bottom = max(texted.bottom, control.bottom)
    texted = Box(left_x, arm_y, arm_w, texted.lines, padding_lines=(row_bottom - texted.bottom) // LINE)
    control = Box(right_x, arm_y, arm_w, control.lines, padding_lines=(row_bottom - control.bottom) // LINE)
    follow_y = row_bottom + GAP
    texted_done = Box(left_x, follow_y, arm_w, follow_up_lines(flow.arms[Arm.INTERVENTION]))
    control_done = Box(right_x, follow_y, arm_w, follow_up_lines(flow.arms[Arm.CONTROL]))
    side_y = excluded.y + excluded.height // 2
    split_y = randomised.bottom + GAP // 2
    arrows = (
        Arrow(((assessed.centre, assessed.bottom), (assessed.centre, randomised.y))),
        Arrow(((assessed.centre, side_y), (excluded.x, side_y))),
        Arrow(((randomised.centre, randomised.bottom), (randomised.centre, split_y), (texted.centre, split_y),
               (texted.centre, texted.y))),
        Arrow(((randomised.centre, split_y), (control.centre, split_y), (control.centre, control.y))),
        Arrow(((texted.centre, texted.bottom), (texted.centre, texted_done.y))),
        Arrow(((control.centre, control.bottom), (control.centre, control_done.y))),
    )
    boxes = (assessed, excluded, randomised, texted, control, texted_done, control_done)
    return Diagram(height=texted_done.bottom + 10, boxes=boxes, arrows=arrows)
