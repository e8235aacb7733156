"""Perpetrators' mobile numbers (app/domain/phones.py): the reminder texts go only to UK mobiles."""
from __future__ import annotations

import re

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from app.domain.phones import InvalidMobile, NoPhoneReason, display_uk, uk_mobile_e164, uk_phone_e164

ASK_FOR_UK_MOBILE = "Enter a UK mobile number, like 07123 456789"
NOT_A_MOBILE = "That is not a mobile number: enter a UK mobile number starting 07"


@pytest.mark.parametrize("text", [
    "07123456789",
    "07123 456789",
    "07123 456 789",
    "0712 345 6789",
    "07123-456-789",
    "(07123) 456789",
    "(07123) 456-789",
    "07123.456.789",
    "  07123 456789  ",
    "\t07123456789\n",
    "+447123456789",
    "+44 7123 456789",
    "+44 (0) 7123 456789",
    "+44 (0)7123 456789",
    "+44-7123-456789",
    "0044 7123 456789",
    "00447123456789",
    "0044-7123-456-789",
    "447123456789",
])
def test_the_ways_people_write_a_mobile_all_give_the_same_e164(text):
    assert uk_mobile_e164(text) == "+447123456789"


@pytest.mark.parametrize(("text", "e164"), [
    ("07911 123456", "+447911123456"),
    ("07400 123456", "+447400123456"),
    ("07537 123456", "+447537123456"),
    ("07300 123456", "+447300123456"),
])
def test_other_mobile_ranges(text, e164):
    assert uk_mobile_e164(text) == e164


@pytest.mark.parametrize("landline", [
    "0113 496 0000",     # Leeds (Ofcom drama range, but a valid geographic number shape)
    "020 7946 0000",     # London
    "+44 20 7946 0000",
    "0044 161 496 0000",  # Manchester
    "0800 123 4567",     # freephone
    "0300 123 4567",     # non-geographic
])
def test_landlines_and_non_mobiles_are_refused_as_not_mobiles(landline):
    with pytest.raises(InvalidMobile) as caught:
        uk_mobile_e164(landline)
    assert str(caught.value) == NOT_A_MOBILE


@pytest.mark.parametrize("foreign", [
    "+33 6 12 34 56 78",   # France, mobile
    "0033 6 12 34 56 78",
    "+1 415 555 0100",     # USA
    "+353 85 123 4567",    # Ireland, mobile
    "+49 151 23456789",    # Germany, mobile
    "+61 412 345 678",     # Australia, mobile
    "+91 98765 43210",     # India, mobile
])
def test_foreign_numbers_are_refused(foreign):
    with pytest.raises(InvalidMobile) as caught:
        uk_mobile_e164(foreign)
    assert str(caught.value) == ASK_FOR_UK_MOBILE


@pytest.mark.parametrize("drama", ["07700 900000", "07700 900123", "07700 900999", "+447700900555", "07700900077"])
def test_the_ofcom_drama_range_is_not_a_valid_number(drama):
    # Ofcom reserves 07700 900000-900999 for TV and radio: no texts can ever reach them.
    with pytest.raises(InvalidMobile) as caught:
        uk_mobile_e164(drama)
    assert str(caught.value) == ASK_FOR_UK_MOBILE


@pytest.mark.parametrize("text", [
    "", " ", "\n", None, "0", "07", "07123", "07123 45678", "071234567890", "0712345678901",
    "abc", "phone seized", "+", "+44", "07123 45678X", "07123 4567B9",
])
def test_empty_and_malformed_input_is_refused(text):
    with pytest.raises(InvalidMobile) as caught:
        uk_mobile_e164(text)
    assert str(caught.value) in {ASK_FOR_UK_MOBILE, NOT_A_MOBILE, "Enter a UK mobile number using digits only, like 07123 456789"}


@pytest.mark.parametrize("text", ["07123 456 ABC", "07123 DANIEL", "07123 45ABCD"])
def test_letters_in_a_number_are_refused_not_turned_into_digits(text):
    with pytest.raises(InvalidMobile, match="digits only"):
        uk_mobile_e164(text)


def test_an_extension_is_refused_rather_than_dropped():
    with pytest.raises(InvalidMobile):
        uk_mobile_e164("07123 456789 ext 12")


def test_invalid_mobile_is_a_value_error_whose_text_is_for_the_user():
    with pytest.raises(ValueError) as caught:
        uk_mobile_e164("")
    assert isinstance(caught.value, InvalidMobile)
    assert str(caught.value) == ASK_FOR_UK_MOBILE
    assert caught.value.__cause__ is None and caught.value.__suppress_context__  # no parser internals


def test_display_uk_is_the_national_format():
    assert display_uk("+447123456789") == "07123 456789"
    assert display_uk("+447911123456") == "07911 123456"


UK_MOBILE_DIGITS = st.from_regex(r"7[1-57-9][0-9]{8}", fullmatch=True)


def _valid(digits: str) -> str:
    try:
        return uk_mobile_e164("0" + digits)
    except InvalidMobile:
        assume(False)
        raise


@settings(max_examples=80, deadline=None)
@given(digits=UK_MOBILE_DIGITS)
def test_property_display_uk_round_trips(digits):
    e164 = _valid(digits)
    assert e164 == "+44" + digits
    shown = display_uk(e164)
    assert re.fullmatch(r"07\d{3} \d{6}", shown), shown
    assert shown.replace(" ", "") == "0" + digits
    assert uk_mobile_e164(shown) == e164


@settings(max_examples=80, deadline=None)
@given(
    digits=UK_MOBILE_DIGITS,
    prefix=st.sampled_from(["0", "+44", "+44 ", "0044", "0044 ", "+44 (0)", "44"]),
    sep=st.sampled_from(["", " ", "-", "  "]),
    pad=st.sampled_from(["", " ", "\t"]),
)
def test_property_every_written_form_normalises_the_same_and_is_idempotent(digits, prefix, sep, pad):
    e164 = _valid(digits)
    written = f"{pad}{prefix}{digits[:4]}{sep}{digits[4:]}{pad}"
    assert uk_mobile_e164(written) == e164
    assert uk_mobile_e164(e164) == e164


def test_no_phone_reasons_have_distinct_labels():
    assert {r.value for r in NoPhoneReason} == {"seized", "none_known", "refused", "shares_with_victim", "other"}
    labels = [r.label for r in NoPhoneReason]
    assert len(set(labels)) == len(labels)
    assert NoPhoneReason.SEIZED.label == "Phone seized as evidence"


@pytest.mark.parametrize(("typed", "expected"), [
    ("0114 496 0000", "+441144960000"),  # a landline: a victim's safe number may be one
    ("020 7946 0000", "+442079460000"),
    ("07911 123456", "+447911123456"),
    ("+44 7911 123456", "+447911123456"),
    ("0044 114 496 0000", "+441144960000"),
])
def test_a_safe_number_may_be_any_uk_phone(typed, expected):
    assert uk_phone_e164(typed) == expected


@pytest.mark.parametrize("typed", ["", "999", "01234", "+1 212 555 0100", "0114 496 000O", "07911 123456 ext 2"])
def test_a_safe_number_must_be_a_real_uk_number(typed):
    with pytest.raises(InvalidMobile) as exc:
        uk_phone_e164(typed)
    assert "UK phone number" in str(exc.value)
