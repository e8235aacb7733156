"""What a text costs to send: its encoding, length and number of SMS segments.

3GPP TS 23.038 section 6.2.1: a message in the GSM 7-bit default alphabet carries 160
septets in a single SMS; the characters of the default extension table (section 6.2.1.1:
form feed ^ { } \\ [ ~ ] | and the euro sign) take two septets each, an escape and the
character. One character outside both tables (an emoji, an accented letter the alphabet
lacks, curly quotes U+2018, U+2019, U+201C, U+201D, or an en dash U+2013) makes the
whole message UCS-2: 70 UTF-16 code units per SMS, and characters outside the Basic
Multilingual Plane (most emoji) take two units. A longer message is sent in parts, each
losing room to the concatenation header (3GPP TS 23.040 section 9.2.3.24.1): 153 septets
or 67 UCS-2 units per part. An escape pair or a surrogate pair is never split across
parts, so a part may hold one unit less. The national language shift tables (TS 23.038
section 6.2.1.2) are for other languages and are not counted here.
"""

from __future__ import annotations

from dataclasses import dataclass

GSM7 = "GSM-7"
UCS2 = "UCS-2"

# The default alphabet, in code order 0x00-0x7F; 0x1B (the escape to the extension table)
# is left out because it is not a character anyone types.
_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ"
    "ÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_EXTENSION = "\f^{}\\[~]|€"
_BASIC_SET = frozenset(_BASIC)
_EXTENSION_SET = frozenset(_EXTENSION)

_LIMITS = {GSM7: (160, 153), UCS2: (70, 67)}


@dataclass(frozen=True)
class TextInfo:
    characters: int  # Unicode code points, as a person counts them (near enough)
    encoding: str  # GSM7 or UCS2
    units: int  # septets for GSM-7 (2 per extension character); UTF-16 code units for UCS-2
    segments: int  # SMS parts the network bills for; 0 for empty text
    per_segment: int  # units one part holds: 160/70 single, 153/67 multipart
    remaining: int  # units still free in the last part


def is_gsm7(text: str) -> bool:
    """Whether every character is in the GSM 7-bit default alphabet or its extension table."""
    return all(ch in _BASIC_SET or ch in _EXTENSION_SET for ch in text)


def _unit_sizes(text: str, encoding: str) -> list[int]:
    if encoding == GSM7:
        return [2 if ch in _EXTENSION_SET else 1 for ch in text]
    return [2 if ord(ch) > 0xFFFF else 1 for ch in text]


def _pack(sizes: list[int], capacity: int) -> tuple[int, int]:
    """Parts needed when characters are never split, and the units in the last part."""
    parts, used = 1, 0
    for size in sizes:
        if used + size > capacity:
            parts, used = parts + 1, 0
        used += size
    return parts, used


def analyse(text: str) -> TextInfo:
    """Encoding, length and SMS segments of ``text`` (see the module docstring for the rules)."""
    if not isinstance(text, str):
        raise TypeError(f"expected text, got {type(text).__name__}")
    encoding = GSM7 if is_gsm7(text) else UCS2
    single, multi = _LIMITS[encoding]
    sizes = _unit_sizes(text, encoding)
    units = sum(sizes)
    if units <= single:
        segments, per_segment, last = (1 if units else 0), single, units
    else:
        per_segment = multi
        segments, last = _pack(sizes, multi)
    return TextInfo(
        characters=len(text),
        encoding=encoding,
        units=units,
        segments=segments,
        per_segment=per_segment,
        remaining=per_segment - last,
    )
