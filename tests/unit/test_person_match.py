"""Which facts suggest two people on different cases are one person (domain/person_match.py)."""
from __future__ import annotations

from datetime import date

import pytest

from app.domain.person_match import MatchKind, match_keys, name_key, postcode_key, reasons, unlink_reason_error

DOB = date(1990, 4, 3)


def _shared(a: dict, b: dict) -> set[MatchKind]:
    keys_a = {(k.kind, k.key) for k in match_keys(**a)}
    return {kind for kind, key in keys_a & {(k.kind, k.key) for k in match_keys(**b)}}


def person(name, dob=DOB, postcode="NF3 2QT", phones=()):
    return {"full_name": name, "date_of_birth": dob, "postcode": postcode, "phones": phones}


@pytest.mark.parametrize("a, b", [
    ("John Smith", "Jon Smith"),  # a letter left out of the first name
    ("John Smith", "John Smyth"),  # a letter changed in the last name
    ("Sarah Jones", "Sarah Brown"),  # the surname changed, the first name the same
    ("Mary O'Brien-Kowalska", "Mary Kowalska"),
    ("Zoë Smith", "Zoe Smith"),
    ("JOHN SMITH", "john smith"),
    ("John Smith", "Smith John"),  # written surname first
])
def test_the_same_birthday_and_a_similar_name_share_a_key(a, b):
    assert MatchKind.DOB_NAME in _shared(person(a, postcode="A1 1AA"), person(b, postcode="B1 1BB"))


@pytest.mark.parametrize("a, b", [
    ("John Smith", "Carl Jones"),  # born the same day, nothing alike
    ("John Smith", "Jane Smithers"),  # the first name differs and the last is not one letter away
    ("Al Smith", "Ali Jones"),  # short names match only exactly
])
def test_the_same_birthday_with_a_different_name_shares_none(a, b):
    assert _shared(person(a, postcode="A1 1AA"), person(b, postcode="B1 1BB")) == set()


def test_a_different_birthday_with_the_same_name_shares_only_the_name_and_postcode():
    assert _shared(person("John Smith"), person("John Smith", dob=date(1990, 4, 4))) == {MatchKind.NAME_POSTCODE}
    assert _shared(person("John Smith", postcode="A1 1AA"), person("John Smith", dob=date(1990, 4, 4))) == set()


def test_the_same_phone_shares_a_key_whatever_the_name():
    a = person("Ian Ingram", dob=None, phones=["+447123456789"])
    b = person("Zed Zulu", dob=None, postcode="Q1 1QQ", phones=["+447123456789", None])
    assert _shared(a, b) == {MatchKind.PHONE}


def test_no_date_of_birth_no_postcode_no_phone_no_keys():
    assert match_keys(full_name="John Smith", date_of_birth=None, postcode="", phones=[]) == []
    assert match_keys(full_name="", date_of_birth=None, postcode="NF3 2QT") == []


def test_keys_are_cut_to_the_column_and_never_repeated():
    keys = match_keys(full_name="A" * 300 + " Smith", date_of_birth=DOB, postcode="NF3 2QT", phones=["+1", "+1"])
    assert all(len(k.key) <= 200 for k in keys)
    assert len({(k.kind, k.key) for k in keys}) == len(keys)


def test_postcode_and_name_are_folded():
    assert postcode_key(" nf3 2QT ") == postcode_key("NF32QT") == "nf32qt"
    assert name_key("Zoë O'Brien-Smith") == "zoe obrien smith"


def test_reasons_in_words():
    assert reasons([MatchKind.PHONE]) == "the same phone number"
    assert reasons([MatchKind.NAME_POSTCODE, MatchKind.DOB_NAME, MatchKind.PHONE]) == (
        "the same date of birth and a similar name, the same phone number and the same name and postcode")


@pytest.mark.parametrize("reason, error", [
    ("", "Enter why"), ("   ", "Enter why"), (None, "Enter why"), ("x" * 501, "500 characters or fewer"),
    ("Different PNC record.", None), ("x" * 500, None),
])
def test_an_unlinking_needs_a_short_reason(reason, error):
    problem = unlink_reason_error(reason)
    assert (problem is None) if error is None else (error in problem)
