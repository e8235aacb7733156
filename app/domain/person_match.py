"""The same person on several cases: which facts suggest two people on different cases are one.

Pure: no Flask, no database. Each person on a case is indexed by match keys; two people on
different cases who share a key are suggested to an officer as possibly the same person,
and only the officer's confirmation links them. Keys are exact strings, so the database
finds people sharing one by an index lookup, never by comparing names row by row:

- `dob_name`: the date of birth with a misspelling key (search_terms.fuzzy_keys) of the
  first or the last word of the name. Two people share one exactly when they were born on
  the same day and their first names, or their last names, are the same or one letter
  different ("Jon Smith" and "John Smith"; "Sarah Jones" and "Sarah Brown", a name changed
  on marriage).
- `phone`: a phone number known for the person (E.164).
- `name_postcode`: the whole name, folded, with the postcode of the case's address.
"""
from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from app.domain.search_terms import fuzzy_keys, words

# A key is stored in a column of this length; longer names are cut (the key stays exact for
# everyone, since everyone's is cut the same way).
KEY_LENGTH = 200


class MatchKind(enum.StrEnum):
    DOB_NAME = "dob_name"
    PHONE = "phone"
    NAME_POSTCODE = "name_postcode"

    @property
    def reason(self) -> str:
        return {
            MatchKind.DOB_NAME: "the same date of birth and a similar name",
            MatchKind.PHONE: "the same phone number",
            MatchKind.NAME_POSTCODE: "the same name and postcode",
        }[self]


@dataclass(frozen=True)
class MatchKey:
    kind: MatchKind
    key: str


def postcode_key(postcode: str | None) -> str:
    """"nf3 2qt", "NF32QT" -> "nf32qt"."""
    return "".join(words(postcode or ""))


def name_key(full_name: str | None) -> str:
    """"Zoë O'Brien-Smith" -> "zoe obrien smith"."""
    return " ".join(words(full_name or ""))


def _ends(full_name: str) -> set[str]:
    found = words(full_name)
    return {found[0], found[-1]} if found else set()


def match_keys(*, full_name: str, date_of_birth: date | None, postcode: str | None,
               phones: Iterable[str] = ()) -> list[MatchKey]:
    """The keys a person is found by as a possible match, without repeats, in a fixed order."""
    keys: list[MatchKey] = []
    if date_of_birth is not None:
        name_keys = sorted({k for word in _ends(full_name) for k in fuzzy_keys(word)})
        keys += [MatchKey(MatchKind.DOB_NAME, f"{date_of_birth.isoformat()} {k}") for k in name_keys]
    keys += [MatchKey(MatchKind.PHONE, number) for number in sorted({p for p in phones if p})]
    name, code = name_key(full_name), postcode_key(postcode)
    if name and code:
        keys.append(MatchKey(MatchKind.NAME_POSTCODE, f"{name} {code}"))
    return list(dict.fromkeys(MatchKey(k.kind, k.key[:KEY_LENGTH]) for k in keys))


def reasons(kinds: Iterable[MatchKind]) -> str:
    """Why a pair is suggested, in words: "the same date of birth and a similar name, and the same phone number"."""
    ordered = [k.reason for k in MatchKind if k in set(kinds)]
    if len(ordered) <= 1:
        return "".join(ordered)
    return ", ".join(ordered[:-1]) + " and " + ordered[-1]


MAX_REASON_LENGTH = 500


def unlink_reason_error(reason: str | None) -> str | None:
    """Why an unlinking's reason is refused, or None: it is required and at most 500 characters."""
    text = (reason or "").strip()
    if not text:
        return "Enter why this person is not the same as the others"
    if len(text) > MAX_REASON_LENGTH:
        return f"Enter {MAX_REASON_LENGTH} characters or fewer"
    return None
