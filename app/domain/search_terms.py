"""Finding cases: what the text typed in the search box means, and the words a case is found by.

Pure: no Flask, no database. The database's own text search (SQLite FTS5, PostgreSQL
full-text and trigrams) indexes the words `document` makes; `parse_query` turns what an
officer typed into the same words, so both sides agree on case, accents and punctuation.

Misspelt names are found by deletion keys (the idea behind SymSpell and SQLite's spellfix):
each word of a name is indexed with every variant that drops one letter ("john": "ohn",
"jhn", "jon", "joh"), and a typed word is looked up with its own such variants. Two words
one edit apart (a letter left out, added, changed, or two letters swapped) always share a
key, so "Jonh Smiht" finds John Smith with exact index lookups, no scan.
"""
from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from app.domain.phones import InvalidMobile, display_uk, uk_phone_e164

MAX_QUERY_LENGTH = 100
MAX_WORDS = 8
# Words shorter than this are matched exactly or as the start of a word, never fuzzily:
# dropping a letter from a three-letter name leaves two letters, which match almost anyone.
FUZZY_MIN_LENGTH = 4

_APOSTROPHES = "'\u2019\u2018`"
_WORD = re.compile(r"[a-z0-9]+")
_REFERENCE = re.compile(r"[A-Za-z]{1,10}-\d{4}-\d{1,8}")
_POSTCODE = re.compile(r"([A-Za-z]{1,2}\d[A-Za-z\d]?)\s*(\d[A-Za-z]{2})")
_PHONE_LIKE = re.compile(r"\+?[\d\s().-]{10,24}")
_DAY_FIRST = re.compile(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{1,4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")

EXAMPLE = "a name, a case reference, a date of birth like 3/4/1990, a postcode or a phone number"


class QueryKind(enum.StrEnum):
    REFERENCE = "reference"
    DATE_OF_BIRTH = "date_of_birth"
    PHONE = "phone"
    POSTCODE = "postcode"
    TEXT = "text"

    @property
    def label(self) -> str:
        return {
            QueryKind.REFERENCE: "case reference",
            QueryKind.DATE_OF_BIRTH: "date of birth",
            QueryKind.PHONE: "phone number",
            QueryKind.POSTCODE: "postcode",
            QueryKind.TEXT: "name or address",
        }[self]


class BadQuery(ValueError):
    """What was typed cannot be searched for; str() says why, for the person who typed it."""


@dataclass(frozen=True)
class SearchQuery:
    kind: QueryKind
    text: str  # as typed, trimmed
    words: tuple[str, ...] = ()
    date_of_birth: date | None = None
    phone_e164: str | None = None
    reference: str | None = None


# ------------------------------------------------------------------ words


def fold(text: str) -> str:
    """Lower case without accents: "Zoë O'Brien" -> "zoe obrien"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    for mark in _APOSTROPHES:
        plain = plain.replace(mark, "")
    return plain.lower()


def words(text: str) -> list[str]:
    """The words of `text` as the index holds them: ASCII letters and digits, lower case.

    Hyphens and spaces separate words ("Smith-Jones" is "smith" and "jones"); apostrophes do
    not ("O'Brien" is "obrien").
    """
    return _WORD.findall(fold(text))


def deletions(word: str) -> set[str]:
    """Every variant of `word` with one letter dropped (none for short words)."""
    if len(word) < FUZZY_MIN_LENGTH:
        return set()
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def fuzzy_keys(word: str) -> set[str]:
    """The word and its one-letter deletions: two words one edit apart share one of these."""
    return {word} | deletions(word)


def word_matches(typed: str, indexed: str) -> bool:
    """Whether a typed word finds an indexed word: the start of it, or one edit away."""
    return indexed.startswith(typed) or bool(fuzzy_keys(typed) & fuzzy_keys(indexed))


def name_matches(typed_words: tuple[str, ...], full_name: str) -> bool:
    """Whether every typed word finds a word of `full_name` (to say who a case was found by)."""
    name_words = words(full_name)
    return bool(typed_words) and all(any(word_matches(t, n) for n in name_words) for t in typed_words)


# ------------------------------------------------------------------ what a case is found by


@dataclass(frozen=True)
class SearchDocument:
    """The text a case is indexed by, one space-separated string of words per field."""

    reference: str
    names: str
    name_keys: str
    address: str
    phones: str


def postcode_words(postcode: str) -> list[str]:
    """"SW1A 1AA" -> "sw1a", "1aa" and "sw1a1aa": found typed with or without its space."""
    parts = words(postcode)
    joined = "".join(parts)
    return parts + ([joined] if len(parts) > 1 else [])


def phone_words(e164: str) -> list[str]:
    """"+447123456789" -> "447123456789" and "07123456789": found however it is typed."""
    digits = e164.lstrip("+")
    try:
        national = display_uk(e164).replace(" ", "")
    except Exception:  # noqa: BLE001 - a stored number phonenumbers cannot read still has its digits
        return [digits]
    return [digits] + ([national] if national.isdigit() and national != digits else [])


def _unique(items) -> list[str]:
    return list(dict.fromkeys(items))


def document(*, reference: str | None, names: list[str], address_lines: list[str], postcode: str,
             phones: list[str]) -> SearchDocument:
    name_words = _unique(w for name in names for w in words(name))
    keys = _unique(k for w in name_words for k in sorted(fuzzy_keys(w)))
    address = _unique([w for line in address_lines for w in words(line)] + postcode_words(postcode))
    phone = _unique(w for number in phones if number for w in phone_words(number))
    return SearchDocument(
        reference=" ".join(words(reference or "")), names=" ".join(name_words), name_keys=" ".join(keys),
        address=" ".join(address), phones=" ".join(phone),
    )


# ------------------------------------------------------------------ what was typed


def uk_date(text: str) -> date:
    """A date typed in England: 3/4/1990, 03/04/1990, 3.4.1990, 3-4-1990 (day first) or
    1990-04-03. BadQuery for anything else, or for a date that does not exist."""
    cleaned = (text or "").strip()
    iso = _ISO.fullmatch(cleaned)
    day_first = _DAY_FIRST.fullmatch(cleaned)
    if iso:
        year, month, day = (int(x) for x in iso.groups())
    elif day_first:
        day, month, year = (int(x) for x in day_first.groups())
        if len(day_first.group(3)) != 4:
            raise BadQuery("Enter the year in full, like 3/4/1990")
    else:
        raise BadQuery("Enter a date like 3/4/1990")
    try:
        return date(year, month, day)
    except ValueError:
        raise BadQuery(f"{cleaned} is not a real date: enter the day, month and year, like 3/4/1990") from None


def looks_like_date(text: str) -> bool:
    cleaned = text.strip()
    return bool(_ISO.fullmatch(cleaned) or _DAY_FIRST.fullmatch(cleaned))


def _phone(text: str) -> str | None:
    if not _PHONE_LIKE.fullmatch(text) or not 10 <= sum(ch.isdigit() for ch in text) <= 14:
        return None
    try:
        return uk_phone_e164(text)
    except InvalidMobile:
        return None


def parse_query(text: str | None) -> SearchQuery:
    """What the search box's text asks for, or BadQuery saying what to type instead.

    A case reference, a date (of birth), a UK phone number and a full postcode are
    recognised by their shape; anything else is words of a name or an address.
    """
    typed = (text or "").strip()
    if not typed:
        raise BadQuery(f"Enter {EXAMPLE}")
    if len(typed) > MAX_QUERY_LENGTH:
        raise BadQuery(f"Search for {MAX_QUERY_LENGTH} characters or fewer")
    if _REFERENCE.fullmatch(typed):
        return SearchQuery(QueryKind.REFERENCE, typed, reference=typed.upper())
    if looks_like_date(typed):
        return SearchQuery(QueryKind.DATE_OF_BIRTH, typed, date_of_birth=uk_date(typed))
    phone = _phone(typed)
    if phone is not None:
        return SearchQuery(QueryKind.PHONE, typed, words=tuple(phone_words(phone)[:1]), phone_e164=phone)
    postcode = _POSTCODE.fullmatch(typed)
    if postcode:
        return SearchQuery(QueryKind.POSTCODE, typed, words=("".join(words(typed)),))
    found = _unique(words(typed))
    if not found:
        raise BadQuery(f"Enter {EXAMPLE}: letters or digits, not only punctuation")
    if len(found) > MAX_WORDS:
        raise BadQuery(f"Search for {MAX_WORDS} words or fewer")
    return SearchQuery(QueryKind.TEXT, typed, words=tuple(found))


@dataclass(frozen=True)
class QueryTerms:
    """A text search as the index is asked: every word must be found, either as the start of
    a word anywhere in the case (`strict`) or, for names only, one edit away (`fuzzy`)."""

    strict: tuple[str, ...]
    fuzzy: tuple[tuple[str, ...], ...] = field(default=())


def query_terms(query: SearchQuery) -> QueryTerms:
    if query.kind is QueryKind.TEXT:
        return QueryTerms(query.words, tuple(tuple(sorted(fuzzy_keys(w))) for w in query.words))
    return QueryTerms(query.words)
