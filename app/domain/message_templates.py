"""The wording of the reminder texts, with named placeholders from a fixed allow-list.

Administrators edit the wording, so a template is checked before it is saved and again
before it is used: only the names in PLACEHOLDERS, written plainly as {name}, and nothing
that str.format would treat as code ({name.attr}, {name[0]}, {name!r}, {name:>10}).
Substitution is done here, not by str.format, so a value is inserted as it stands and a
value that happens to contain "{x}" is never expanded again.
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from datetime import datetime

from app.domain.prohibitions import ORDER, Prohibition, ProhibitionKind
from app.domain.reminders import ContentKind, last_day_in_force
from app.domain.timefmt import format_date

MAX_TEMPLATE_CHARACTERS = 612  # four SMS parts of 153 characters: past that a reminder is a letter

# Nothing about the victim may ever be a placeholder: no name, address or premises. The
# texts go to the person the order is against, on a phone others may read, and a text is
# the easiest way for V's details to leak. The conditions are in plain words that name
# neither V nor the address (Prohibition.plain_words).
PLACEHOLDERS: dict[str, str] = {
    "conditions": "The order's conditions in plain words",
    "order_end": 'When the order ends, e.g. "the end of Mon 30 Nov 2026"',
    "helpline": "A helpline for people who want to change their behaviour, its name and number (a setting)",
    "force_name": "The police force's name",
    "police_contact": "The force's non-emergency number, e.g. 101",
}

_ALLOWED = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)


class TemplateError(ValueError):
    """A template cannot be used; ``errors`` are messages for the person who wrote it."""

    def __init__(self, errors: Sequence[str]) -> None:
        self.errors = list(errors)
        super().__init__("; ".join(self.errors))


def _brace_error(exc: ValueError) -> str:
    # Formatter.parse's messages are for programmers; the admin only needs to know which brace.
    if "'}'" in str(exc) and "Single" in str(exc):
        return "A } must come after a {, as in {conditions}"
    return "A { must be closed with }, as in {conditions}"


def _field_error(field: str, spec: str, conversion: str | None) -> str | None:
    written = "{" + field + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
    name = field.split(".")[0].split("[")[0]
    if not field.strip():
        return f"{written} is empty: put a placeholder inside, one of {_ALLOWED}"
    if name not in PLACEHOLDERS:
        return f"{{{name}}} is not a placeholder you can use: use one of {_ALLOWED}"
    if name != field or spec or conversion:
        return f"Write {{{name}}} on its own: {written} is not allowed"
    return None


def _parse(text: str) -> tuple[list[tuple[str, str | None]], list[str]]:
    """The template as (literal text, placeholder name or None) pairs, and its errors."""
    pieces: list[tuple[str, str | None]] = []
    errors: list[str] = []
    parsed = string.Formatter().parse(text)
    while True:
        try:
            literal, field, spec, conversion = next(parsed)
        except StopIteration:
            break
        except ValueError as exc:
            errors.append(_brace_error(exc))
            break
        # "{{" parses as a literal brace, but a person used to Jinja writes {{conditions}}
        # meaning the placeholder; P would get "{conditions}". Braces have no other use here.
        if "{" in literal or "}" in literal:
            errors.append("Write placeholders with single braces, like {conditions}")
        problem = None if field is None else _field_error(field, spec or "", conversion)
        if problem:
            errors.append(problem)
        pieces.append((literal, field))
    return pieces, errors


def check_template(text: str) -> list[str]:
    """Everything wrong with a template, as messages for the admin; empty if it can be used."""
    if not isinstance(text, str) or not text.strip():
        return ["Enter the text of the message"]
    errors = []
    if len(text) > MAX_TEMPLATE_CHARACTERS:
        errors.append(f"The message is too long: keep it to {MAX_TEMPLATE_CHARACTERS} characters or fewer")
    _, parse_errors = _parse(text)
    errors.extend(parse_errors)
    return list(dict.fromkeys(errors))  # the same mistake twice is one message


def render(text: str, values: Mapping[str, str]) -> str:
    """The text with each placeholder replaced by its value, inserted literally.

    Raises TemplateError if the template has problems or a placeholder it uses has no value
    (or a blank one): a text with a gap where the conditions should be must not be sent.
    """
    errors = check_template(text)
    if errors:
        raise TemplateError(errors)
    pieces, _ = _parse(text)
    used = [field for _, field in pieces if field is not None]
    missing = [f for f in dict.fromkeys(used) if not isinstance(values.get(f), str) or not values[f].strip()]
    if missing:
        raise TemplateError([f"There is no value for {{{name}}}" for name in missing])
    return "".join(literal + (values[field] if field is not None else "") for literal, field in pieces)


DEFAULT_TEMPLATES: dict[ContentKind, str] = {
    # Kept short around {conditions}: with up to three conditions and a 30-character force
    # name ("Avon and Somerset Constabulary") the text still fits two parts.
    ContentKind.CONDITIONS: "{force_name}: a court order is in force. {conditions} Breaking it can lead to arrest.",
    ContentKind.SUPPORT: "{force_name}: if you want help to change how you behave in relationships, call {helpline}. It is confidential.",
    ContentKind.POLICE_ACTIVITY: (
        "{force_name}: officers check that protection orders are kept. A breach can lead to arrest. "
        "Questions about your order? Call {police_contact}."
    ),
    ContentKind.MOTIVATION: (
        "{force_name}: every day you keep to your order is the right choice. Support is there if you want it: {helpline}."
    ),
    ContentKind.ORDER_END: "{force_name}: your protection order stays in force until {order_end}. Keep to its conditions until then.",
}


def conditions_in_plain_words(conditions: Sequence[dict]) -> str:
    """An order's conditions, as stored ([{"kind": "no_molest", "distance_metres": None}, ...]),
    in plain words that name neither V nor the address, in the Act's order, one sentence each.

    Raises ValueError for an unknown kind, or a distance condition with no distance (the
    text would say "within None metres").
    """
    chosen: dict[ProhibitionKind, Prohibition] = {}
    for condition in conditions:
        if condition.get("kind") == "other":
            # An order's free-text requirement (order_origin.OTHER_REQUIREMENT): the court's
            # own words may name V or a place, so they are never put in a text to P.
            continue
        kind = ProhibitionKind(condition["kind"])
        distance = condition.get("distance_metres") if kind is ProhibitionKind.NO_COME_WITHIN else None
        if kind is ProhibitionKind.NO_COME_WITHIN and (isinstance(distance, bool) or not isinstance(distance, int) or distance < 1):
            raise ValueError(f"a condition not to come within a distance needs a distance in metres, got {distance!r}")
        chosen.setdefault(kind, Prohibition(kind=kind, distance_metres=distance))
    return " ".join(chosen[kind].plain_words() for kind in ORDER if kind in chosen)


def order_end_words(ends_at: datetime | None) -> str:
    """'the end of Mon 30 Nov 2026' for an order whose ``ends_at`` is 00:00 London on 1 Dec.

    Said as the end of the last day, not "until 00:00 Tue", which reads as if the order
    ran into the Tuesday, and not "until Mon", which could mean it ends as Monday begins.
    None (a DAPO until further order, DAA 2021 s.38): "when the court orders" (no date).
    """
    if ends_at is None:
        return "when the court orders (it has no end date)"
    return f"the end of {format_date(last_day_in_force(ends_at))}"
