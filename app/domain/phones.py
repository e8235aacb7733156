"""Perpetrators' mobile numbers: what the reminder-text trial depends on."""
from __future__ import annotations

import enum

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberType


class NoPhoneReason(enum.StrEnum):
    SEIZED = "seized"
    NONE_KNOWN = "none_known"
    REFUSED = "refused"
    SHARES_WITH_VICTIM = "shares_with_victim"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            NoPhoneReason.SEIZED: "Phone seized as evidence",
            NoPhoneReason.NONE_KNOWN: "No number known",
            NoPhoneReason.REFUSED: "Refused to give a number",
            NoPhoneReason.SHARES_WITH_VICTIM: "Shares a phone with the victim",
            NoPhoneReason.OTHER: "Other reason",
        }[self]


class InvalidMobile(ValueError):
    """The text is not a UK mobile number; str() is a message for the person who typed it."""


def _parse_uk(text: str, what: str, example: str) -> phonenumbers.PhoneNumber:
    """A valid UK number as typed (07123 456789, +44 7123 456789, 0044 ...), or InvalidMobile."""
    cleaned = (text or "").strip()
    # phonenumbers reads letters as keypad digits ("07123 DANIEL"): that would be a number
    # nobody gave, and a text or a call would go to a stranger.
    if any(ch.isalpha() for ch in cleaned):
        raise InvalidMobile(f"Enter a {what} using digits only, like {example}")
    if cleaned.startswith("00"):
        cleaned = "+" + cleaned[2:]
    try:
        number = phonenumbers.parse(cleaned, "GB")
    except NumberParseException:
        raise InvalidMobile(f"Enter a {what}, like {example}") from None
    if number.country_code != 44 or number.extension or not phonenumbers.is_valid_number(number):
        raise InvalidMobile(f"Enter a {what}, like {example}")
    return number


def uk_mobile_e164(text: str) -> str:
    """A UK mobile number in E.164 (+447123456789), or InvalidMobile.

    Accepts the ways people write them: 07123 456789, +44 7123 456789, 0044 7123 456789.
    Landlines and other countries' numbers are refused, because the texts go only to UK
    mobiles.
    """
    number = _parse_uk(text, "UK mobile number", "07123 456789")
    if phonenumbers.number_type(number) != PhoneNumberType.MOBILE:
        raise InvalidMobile("That is not a mobile number: enter a UK mobile number starting 07")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def uk_phone_e164(text: str) -> str:
    """Any UK phone number (mobile or landline: a victim's safe number may be either) in
    E.164, or InvalidMobile with a message for the person who typed it."""
    number = _parse_uk(text, "UK phone number", "07123 456789 or 0114 496 0000")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_uk(e164: str) -> str:
    """+447123456789 as 07123 456789."""
    return phonenumbers.format_number(phonenumbers.parse(e164, "GB"), phonenumbers.PhoneNumberFormat.NATIONAL)
