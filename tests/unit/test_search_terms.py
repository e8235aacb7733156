"""What the search box's text means, and the words a case is found by (domain/search_terms)."""
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.search_terms import (
    BadQuery,
    QueryKind,
    document,
    fuzzy_keys,
    name_matches,
    parse_query,
    uk_date,
    words,
)

NAME = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=4, max_size=12)


@st.composite
def one_edit(draw):
    """A name and a misspelling of it one edit away: a letter dropped, added, changed, or two swapped."""
    word = draw(NAME)
    i = draw(st.integers(0, len(word) - 1))
    letter = draw(st.sampled_from("abcdefghijklmnopqrstuvwxyz"))
    edit = draw(st.sampled_from(["drop", "add", "change", "swap"]))
    if edit == "drop":
        typed = word[:i] + word[i + 1:]
    elif edit == "add":
        typed = word[:i] + letter + word[i:]
    elif edit == "change":
        typed = word[:i] + letter + word[i + 1:]
    else:
        j = min(i + 1, len(word) - 1)
        typed = word[:i] + word[j] + word[i + 1:j] + word[i] + word[j + 1:] if j > i else word
    return word, typed


@given(one_edit())
def test_every_one_edit_misspelling_shares_a_key_with_the_name(pair):
    word, typed = pair
    if len(typed) >= 3:
        assert fuzzy_keys(word) & fuzzy_keys(typed), pair


@pytest.mark.parametrize("typed, kind", [
    ("DC-2026-00012", QueryKind.REFERENCE), ("dc-2026-12", QueryKind.REFERENCE),
    ("3/4/1990", QueryKind.DATE_OF_BIRTH), ("1990-04-03", QueryKind.DATE_OF_BIRTH),
    ("07123 456789", QueryKind.PHONE), ("+44 114 496 0000", QueryKind.PHONE),
    ("SW1A 1AA", QueryKind.POSTCODE), ("sw1a1aa", QueryKind.POSTCODE),
    ("John Smith", QueryKind.TEXT), ("12345", QueryKind.TEXT), ("0712", QueryKind.TEXT),
])
def test_the_kind_of_search_is_read_from_what_was_typed(typed, kind):
    assert parse_query(typed).kind is kind


@pytest.mark.parametrize("typed, expected", [
    ("3/4/1990", date(1990, 4, 3)), ("03/04/1990", date(1990, 4, 3)), ("3.4.1990", date(1990, 4, 3)),
    ("3-4-1990", date(1990, 4, 3)), ("1990-04-03", date(1990, 4, 3)), (" 29/2/2024 ", date(2024, 2, 29)),
])
def test_uk_dates_are_day_first(typed, expected):
    assert uk_date(typed) == expected


@pytest.mark.parametrize("typed, message", [
    ("29/2/2023", "not a real date"), ("3/13/1990", "not a real date"), ("3/4/90", "year in full"),
    ("yesterday", "like 3/4/1990"),
])
def test_bad_dates_say_what_to_type(typed, message):
    with pytest.raises(BadQuery, match=message):
        uk_date(typed)


@pytest.mark.parametrize("typed", ["", "   ", '"*()', "x" * 101, "a b c d e f g h i"])
def test_what_cannot_be_searched_is_refused_with_a_reason(typed):
    with pytest.raises(BadQuery):
        parse_query(typed)


@given(st.text(max_size=150))
def test_any_text_is_a_query_or_a_reason_and_its_words_are_plain(typed):
    try:
        query = parse_query(typed)
    except BadQuery as exc:
        assert str(exc)
    else:
        assert all(w.isascii() and w.isalnum() and w == w.lower() for w in query.words)


def test_words_fold_case_accents_apostrophes_and_hyphens():
    assert words("Zoë O'Brien-Kowalska") == ["zoe", "obrien", "kowalska"]


def test_a_document_holds_names_keys_address_postcode_and_phones():
    doc = document(reference="DC-2026-00012", names=["John Smith"], address_lines=["14 Aldous Crescent", "", "Northfield"],
                   postcode="NF3 2QT", phones=["+447123456789"])
    assert doc.reference == "dc 2026 00012"
    assert doc.names == "john smith"
    assert {"jon", "joh", "smth", "smith"} <= set(doc.name_keys.split())
    assert doc.address == "14 aldous crescent northfield nf3 2qt nf32qt"
    assert doc.phones == "447123456789 07123456789"


def test_who_a_case_was_found_by():
    assert name_matches(("jonh", "smi"), "John Smith")
    assert not name_matches(("mary",), "John Smith")
