"""PDF file names: safe in a Content-Disposition header, still recognisable."""
import pytest

from app.printing import safe_filename


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("DVPN-24-0173.pdf", "DVPN-24-0173.pdf"),
        ("DVPN 24/0173.pdf", "DVPN_24_0173.pdf"),
        ('a"b\r\nContent-Type: text/html.pdf', "a_b_Content-Type_text_html.pdf"),
        ("../../etc/passwd", "etc_passwd.pdf"),
        ("Bündel – Gericht.PDF", "B_ndel_Gericht.PDF"),
        ("notice", "notice.pdf"),
        ("", "printout.pdf"),
        ("...", "printout.pdf"),
        (".hidden.pdf", "hidden.pdf"),
    ],
)
def test_safe_filename(given, expected):
    assert safe_filename(given) == expected
