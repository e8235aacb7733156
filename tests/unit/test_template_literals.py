"""Templates never put Jinja markup inside a string literal: `'When was the {{ regime.notice }}
served?'` passed to a macro is printed as it stands, braces and all (issue 15, section 5).
Strings are joined with `~` instead."""
from __future__ import annotations

from pathlib import Path

import pytest
from jinja2 import Environment

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def _literals_with_markup(source: str, name: str) -> list[tuple[int, str]]:
    return [(lineno, value) for lineno, kind, value in Environment().lex(source, name=name)
            if kind == "string" and ("{{" in value or "{%" in value)]


@pytest.mark.parametrize("path", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_no_jinja_markup_inside_a_string_literal(path):
    assert _literals_with_markup(path.read_text(encoding="utf-8"), str(path)) == []


def test_the_check_finds_markup_in_a_literal():
    assert _literals_with_markup("{{ f.label('When was the {{ regime.notice }} served?') }}", "t") == [
        (1, "'When was the {{ regime.notice }} served?'")]
