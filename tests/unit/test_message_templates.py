"""The wording of the reminder texts (app/domain/message_templates.py): an allow-list of
placeholders, nothing about the victim, and values inserted literally."""
from __future__ import annotations

import itertools
import re
from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.calendar import LONDON
from app.domain.deadlines import order_end
from app.domain.message_templates import (
    DEFAULT_TEMPLATES,
    MAX_TEMPLATE_CHARACTERS,
    PLACEHOLDERS,
    TemplateError,
    check_template,
    conditions_in_plain_words,
    order_end_words,
    render,
)
from app.domain.prohibitions import ProhibitionKind
from app.domain.reminders import ContentKind
from app.domain.sms_encoding import analyse, is_gsm7

ALLOWED = "{conditions}, {order_end}, {helpline}, {force_name}, {police_contact}"
BRACE_OPEN = "A { must be closed with }, as in {conditions}"
BRACE_CLOSE = "A } must come after a {, as in {conditions}"
DOUBLE = "Write placeholders with single braces, like {conditions}"

MOLEST = {"kind": "no_molest", "distance_metres": None}
WITHIN_100 = {"kind": "no_come_within", "distance_metres": 100}
VALUES = {
    "force_name": "Durham Constabulary",
    "conditions": conditions_in_plain_words([MOLEST, WITHIN_100]),
    "order_end": "the end of Mon 30 Nov 2026",
    "helpline": "Respect Phoneline 0808 802 4040",
    "police_contact": "101",
}


def unknown(name: str) -> str:
    return f"{{{name}}} is not a placeholder you can use: use one of {ALLOWED}"


def test_placeholders_are_exactly_the_allow_list():
    assert list(PLACEHOLDERS) == ["conditions", "order_end", "helpline", "force_name", "police_contact"]
    assert all(description for description in PLACEHOLDERS.values())


@pytest.mark.parametrize("name", ["victim", "victim_name", "victim_address", "address", "premises", "name", "v_name"])
def test_nothing_about_the_victim_is_a_placeholder(name):
    assert name not in PLACEHOLDERS
    assert check_template(f"Hello {{{name}}}") == [unknown(name)]


@pytest.mark.parametrize(("text", "errors"), [
    ("{force_name}: keep to your order.", []),
    ("No placeholders at all", []),
    ("{conditions}{conditions}", []),
    ("", ["Enter the text of the message"]),
    ("   \n\t", ["Enter the text of the message"]),
    (None, ["Enter the text of the message"]),
    (42, ["Enter the text of the message"]),
    (["{conditions}"], ["Enter the text of the message"]),
    ("{", [BRACE_OPEN]),
    ("}", [BRACE_CLOSE]),
    ("Call us {", [BRACE_OPEN]),
    ("{conditions", [BRACE_OPEN]),
    ("conditions}", [BRACE_CLOSE]),
    ("{force_name} }", [BRACE_CLOSE]),
    ("{conditions!}", [BRACE_OPEN]),
    ("{a{b}c}", [BRACE_OPEN]),
    ("{0}", [unknown("0")]),
    ("{1}", [unknown("1")]),
    ("{}", [f"{{}} is empty: put a placeholder inside, one of {ALLOWED}"]),
    ("{ }", [f"{{ }} is empty: put a placeholder inside, one of {ALLOWED}"]),
    ("{!r}", [f"{{!r}} is empty: put a placeholder inside, one of {ALLOWED}"]),
    ("{victim}", [unknown("victim")]),
    ("{Conditions}", [unknown("Conditions")]),
    ("{ conditions }", [unknown(" conditions ")]),
    ("{conditions.__class__}", ["Write {conditions} on its own: {conditions.__class__} is not allowed"]),
    ("{conditions.__class__.__mro__[1].__subclasses__}", [
        "Write {conditions} on its own: {conditions.__class__.__mro__[1].__subclasses__} is not allowed"]),
    ("{conditions.upper}", ["Write {conditions} on its own: {conditions.upper} is not allowed"]),
    ("{conditions[0]}", ["Write {conditions} on its own: {conditions[0]} is not allowed"]),
    ("{conditions!r}", ["Write {conditions} on its own: {conditions!r} is not allowed"]),
    ("{conditions!s}", ["Write {conditions} on its own: {conditions!s} is not allowed"]),
    ("{conditions:>10}", ["Write {conditions} on its own: {conditions:>10} is not allowed"]),
    ("{conditions:{force_name}}", ["Write {conditions} on its own: {conditions:{force_name}} is not allowed"]),
    ("{victim.name}", [unknown("victim")]),
    ("{__import__}", [unknown("__import__")]),
    ("{{conditions}}", [DOUBLE]),
    ("{{{conditions}}}", [DOUBLE]),
    ("a {{ b", [DOUBLE]),
    ("{victim} and {victim}", [unknown("victim")]),  # one message per mistake
    ("{victim} {address} {", [unknown("victim"), unknown("address"), BRACE_OPEN]),
    ("x" * MAX_TEMPLATE_CHARACTERS, []),
])
def test_check_template(text, errors):
    assert check_template(text) == errors


def test_too_long():
    assert check_template("x" * (MAX_TEMPLATE_CHARACTERS + 1)) == [
        "The message is too long: keep it to 612 characters or fewer"]
    assert MAX_TEMPLATE_CHARACTERS == 612


def test_render_substitutes_the_allow_listed_names():
    assert render("{force_name}: call {police_contact}.", VALUES) == "Durham Constabulary: call 101."
    assert render("No placeholders", {}) == "No placeholders"


@pytest.mark.parametrize("value", ["{conditions}", "{victim}", "{0}", "{", "}}", "{{x}}", "%s", "{force_name.__class__}"])
def test_render_never_expands_a_value_again(value):
    values = VALUES | {"helpline": value}
    assert render("Call {helpline} or {police_contact}", values) == f"Call {value} or 101"


def test_render_refuses_a_bad_template_with_every_message():
    with pytest.raises(TemplateError) as caught:
        render("{victim} {conditions.upper}", VALUES | {"victim": "Claire"})
    assert caught.value.errors == [unknown("victim"), "Write {conditions} on its own: {conditions.upper} is not allowed"]
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize("values", [{}, {"helpline": ""}, {"helpline": "   "}, {"helpline": None}, {"helpline": 123}])
def test_render_refuses_a_placeholder_with_no_value(values):
    with pytest.raises(TemplateError, match=re.escape("There is no value for {helpline}")):
        render("{force_name}: call {helpline}", {"force_name": "Durham Constabulary"} | values)


def test_render_ignores_values_the_template_does_not_use():
    assert render("Hello", {"victim": "Claire"}) == "Hello"


# --------------------------------------------------------------------------------------
# The default wording
# --------------------------------------------------------------------------------------


def test_there_is_a_default_for_every_kind():
    assert set(DEFAULT_TEMPLATES) == set(ContentKind)


@pytest.mark.parametrize("kind", list(ContentKind))
def test_default_templates_are_short_plain_and_valid(kind):
    template = DEFAULT_TEMPLATES[kind]
    assert check_template(template) == []
    assert is_gsm7(template), "no curly quotes or dashes: they make a text UCS-2"
    text = render(template, VALUES)
    assert is_gsm7(text)
    assert analyse(text).segments <= 2
    if kind is not ContentKind.CONDITIONS:
        assert len(text) <= 160, text
    for word in ("Claire", "victim", "address of", "wife", "partner"):
        assert word.lower() not in text.lower()


def test_default_templates_say_what_each_kind_is_about():
    assert "{conditions}" in DEFAULT_TEMPLATES[ContentKind.CONDITIONS]
    assert "{helpline}" in DEFAULT_TEMPLATES[ContentKind.SUPPORT]
    assert "arrest" in DEFAULT_TEMPLATES[ContentKind.POLICE_ACTIVITY]
    assert "{order_end}" in DEFAULT_TEMPLATES[ContentKind.ORDER_END]
    assert "right choice" in DEFAULT_TEMPLATES[ContentKind.MOTIVATION]


@pytest.mark.parametrize("force", ["Durham Constabulary", "Avon and Somerset Constabulary"])
def test_conditions_text_fits_two_parts_with_up_to_three_conditions(force):
    kinds = list(ProhibitionKind)
    others = [k for k in kinds if k is not ProhibitionKind.NO_MOLEST]
    for size in range(0, 3):
        for extra in itertools.combinations(others, size):
            conditions = [MOLEST] + [{"kind": k.value, "distance_metres": 5000 if k is ProhibitionKind.NO_COME_WITHIN else None}
                                     for k in extra]
            text = render(DEFAULT_TEMPLATES[ContentKind.CONDITIONS], VALUES | {"conditions": conditions_in_plain_words(conditions),
                                                                                  "force_name": force})
            assert analyse(text).segments <= 2, text


# --------------------------------------------------------------------------------------
# Conditions and the end, in words
# --------------------------------------------------------------------------------------


def test_conditions_in_plain_words_follow_the_acts_order():
    stored = [WITHIN_100, {"kind": "leave"}, MOLEST]
    assert conditions_in_plain_words(stored) == (
        "Do not contact, pester or harass the person protected by the order. "
        "You were required to leave the address named in the order: do not go back there. "
        "Do not go within 100 metres of the address named in the order."
    )


def test_conditions_in_plain_words_edge_cases():
    assert conditions_in_plain_words([]) == ""
    assert conditions_in_plain_words([MOLEST, MOLEST]) == conditions_in_plain_words([MOLEST])
    # A distance on a condition that takes none is ignored.
    assert conditions_in_plain_words([{"kind": "no_enter", "distance_metres": 50}]) == "Do not go into the address named in the order."
    for bad in ([{"kind": "no_come_within", "distance_metres": None}], [{"kind": "no_come_within"}],
                [{"kind": "no_come_within", "distance_metres": "100"}], [{"kind": "no_come_within", "distance_metres": 0}],
                [{"kind": "victim_address"}]):
        with pytest.raises(ValueError):
            conditions_in_plain_words(bad)


@given(st.lists(st.sampled_from([MOLEST, WITHIN_100, {"kind": "no_evict"}, {"kind": "no_enter"}, {"kind": "leave"}]), max_size=8))
@settings(max_examples=100)
def test_conditions_never_name_anyone(conditions):
    text = conditions_in_plain_words(conditions)
    assert is_gsm7(text)
    assert text.count(".") == len({c["kind"] for c in conditions})


@pytest.mark.parametrize(("ends_at", "words"), [
    (order_end(date(2026, 11, 17), 14), "the end of Mon 30 Nov 2026"),
    (datetime(2026, 12, 1, tzinfo=LONDON), "the end of Mon 30 Nov 2026"),
    (datetime(2026, 7, 1, 23, 0, tzinfo=UTC), "the end of Wed 1 Jul 2026"),   # 00:00 BST on 2 Jul
    (datetime(2026, 10, 26, 0, 0, tzinfo=UTC), "the end of Sun 25 Oct 2026"),  # 00:00 GMT after the change
    (datetime(2026, 3, 30, 0, 0, tzinfo=LONDON), "the end of Sun 29 Mar 2026"),
])
def test_order_end_words(ends_at, words):
    assert order_end_words(ends_at) == words


def test_order_end_words_refuses_naive():
    with pytest.raises(ValueError):
        order_end_words(datetime(2026, 12, 1))


# --------------------------------------------------------------------------------------
# Hostile input
# --------------------------------------------------------------------------------------


@settings(max_examples=500)
@given(st.lists(st.sampled_from(list("{}[].!:0 ab_") + list(PLACEHOLDERS) + ["victim"]), max_size=20).map("".join))
def test_check_template_never_raises_and_render_agrees(text):
    errors = check_template(text)
    assert all(isinstance(e, str) and e for e in errors)
    if errors:
        with pytest.raises(TemplateError):
            render(text, VALUES)
    else:
        out = render(text, VALUES)
        assert "{" not in out and "}" not in out  # VALUES have no braces, so none are left


@settings(max_examples=300)
@given(st.text(max_size=200), st.dictionaries(st.sampled_from(list(PLACEHOLDERS)), st.text(min_size=1, max_size=30)))
def test_any_text_any_values(text, values):
    errors = check_template(text)
    try:
        out = render(text, values)
    except TemplateError:
        return
    assert errors == []
    assert isinstance(out, str)
