"""What a text costs (app/domain/sms_encoding.py): 3GPP TS 23.038 GSM 7-bit default alphabet
and extension table, UCS-2, and concatenated SMS (153 septets / 67 units a part)."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.sms_encoding import GSM7, UCS2, TextInfo, analyse, is_gsm7

BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
EXTENSION = "\f^{}\\[~]|€"


def test_the_default_alphabet_has_127_characters_and_the_extension_table_10():
    # 128 codes less 0x1B, the escape to the extension table.
    assert len(BASIC) == len(set(BASIC)) == 127
    assert is_gsm7(BASIC) and is_gsm7(EXTENSION)
    assert analyse(BASIC).units == 127
    assert analyse(EXTENSION).units == 20


@pytest.mark.parametrize(("text", "expected"), [
    ("", TextInfo(0, GSM7, 0, 0, 160, 160)),
    ("a", TextInfo(1, GSM7, 1, 1, 160, 159)),
    ("a" * 160, TextInfo(160, GSM7, 160, 1, 160, 0)),
    ("a" * 161, TextInfo(161, GSM7, 161, 2, 153, 145)),
    ("a" * 306, TextInfo(306, GSM7, 306, 2, 153, 0)),
    ("a" * 307, TextInfo(307, GSM7, 307, 3, 153, 152)),
    ("a" * 459, TextInfo(459, GSM7, 459, 3, 153, 0)),
    ("€" * 80, TextInfo(80, GSM7, 160, 1, 160, 0)),
    # 76 pairs (152) fill part one, as a 77th would be split; 5 pairs (10) in part two.
    ("€" * 81, TextInfo(81, GSM7, 162, 2, 153, 143)),
    ("a" * 159 + "^", TextInfo(160, GSM7, 161, 2, 153, 145)),
    # 152 septets then an escape pair: the pair is not split, so part one holds 152.
    ("a" * 152 + "{" + "a" * 10, TextInfo(163, GSM7, 164, 2, 153, 141)),
    ("😀", TextInfo(1, UCS2, 2, 1, 70, 68)),
    ("a" * 70 + "’", TextInfo(71, UCS2, 71, 2, 67, 63)),
    ("’" * 70, TextInfo(70, UCS2, 70, 1, 70, 0)),
    ("’" * 134, TextInfo(134, UCS2, 134, 2, 67, 0)),
    ("’" * 135, TextInfo(135, UCS2, 135, 3, 67, 66)),
    # 66 units then an emoji's surrogate pair: the pair goes whole into part two.
    ("a" * 66 + "😀" + "a" * 3, TextInfo(70, UCS2, 71, 2, 67, 62)),
    ("😀" * 35, TextInfo(35, UCS2, 70, 1, 70, 0)),
    # 33 emoji (66 units) fill part one; 3 (6 units) in part two.
    ("😀" * 36, TextInfo(36, UCS2, 72, 2, 67, 61)),
    # Extension characters are ordinary in UCS-2.
    ("€’", TextInfo(2, UCS2, 2, 1, 70, 68)),
])
def test_analyse(text, expected):
    assert analyse(text) == expected


@pytest.mark.parametrize("ch", list(EXTENSION))
def test_each_extension_character_costs_two_septets(ch):
    info = analyse("a" + ch)
    assert (info.encoding, info.units, info.characters) == (GSM7, 3, 2)


@pytest.mark.parametrize(("ch", "why"), [
    ("\u2019", "right single quote, the usual apostrophe from a word processor"),
    ("\u2018", "left single quote"),
    ("\u201c", "left double quote"),
    ("\u201d", "right double quote"),
    ("\u2013", "en dash"),
    ("\u2014", "em dash"),
    ("\u2026", "ellipsis"),
    ("\u00a0", "no-break space"),
    ("\t", "tab"),
    ("ç", "small c cedilla: the alphabet has only the capital"),
    ("á", "a acute"),
    ("ê", "e circumflex"),
    ("`", "grave accent"),
    ("😀", "emoji"),
    ("\x1b", "the escape code itself"),
    ("\x00", "NUL"),
])
def test_not_gsm7(ch, why):
    assert not is_gsm7("Hello " + ch), why
    assert analyse("Hello " + ch).encoding == UCS2, why


def test_one_curly_quote_halves_the_room():
    plain = "Keep to your order. Don't go back to the address." + "x" * 100
    assert analyse(plain).segments == 1
    assert analyse(plain.replace("'", "\u2019")).segments == 3


def test_refuses_non_text():
    with pytest.raises(TypeError):
        analyse(None)
    with pytest.raises(TypeError):
        analyse(b"abc")


@settings(max_examples=500)
@given(st.text(alphabet=BASIC + EXTENSION, max_size=800))
def test_gsm7_properties(text):
    info = analyse(text)
    assert info.encoding == GSM7
    assert info.characters == len(text)
    assert info.units == len(text) + sum(ch in EXTENSION for ch in text)
    if info.units <= 160:
        assert info.segments == (1 if text else 0) and info.per_segment == 160
    else:
        assert info.per_segment == 153
        # Never splitting an escape pair costs at most one septet a part.
        assert -(-info.units // 153) <= info.segments <= -(-info.units // 152)
    assert 0 <= info.remaining <= info.per_segment


@settings(max_examples=500)
@given(st.text(max_size=400))
def test_any_text(text):
    info = analyse(text)
    assert info.characters == len(text)
    assert info.encoding == (GSM7 if is_gsm7(text) else UCS2)
    if info.encoding == UCS2:
        assert info.units == len(text.encode("utf-16-le")) // 2
        if info.units > 70:
            assert -(-info.units // 67) <= info.segments <= -(-info.units // 66)
    assert (info.segments == 0) == (text == "")
    assert 0 <= info.remaining <= info.per_segment
    assert analyse(text + "a").segments >= info.segments
