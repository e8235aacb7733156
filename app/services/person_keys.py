"""The match keys of the people on a case (`person_match_key`), rewritten with the search index.

Derived data, like `case_search`: each person's keys (domain/person_match.match_keys) from
their name, date of birth, the case's postcode and the phone numbers known for them (P: the
mobile from the application's phone section or the order made elsewhere, and the number
the texts go to; V: the safe number from her referral). search_index writes them for the
same cases, in the same transaction, whenever an indexed fact changes, and `flask search
rebuild` makes them all again.
"""
from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from app.domain.person_match import match_keys

# Named here rather than through the models, so a migration can build the keys with the
# schema of its own time (as search_index does).
_case = sa.table("case_file", sa.column("id"), sa.column("postcode"), sa.column("origin_phone", sa.JSON))
_person = sa.table("person", sa.column("id"), sa.column("case_id"), sa.column("kind"), sa.column("full_name"),
                   sa.column("date_of_birth", sa.Date))
_application = sa.table("notice_application", sa.column("id"), sa.column("case_id"))
_section = sa.table("application_section", sa.column("application_id"), sa.column("key"),
                    sa.column("data", sa.JSON))
_referral = sa.table("referral", sa.column("victim_id"), sa.column("safe_number"))
_enrolment = sa.table("trial_enrolment", sa.column("case_id"), sa.column("mobile_e164"))
# The one section of the application the index and the keys read (P's mobile).
PHONE_SECTION = "phone"
_keys = sa.table("person_match_key", sa.column("person_id"), sa.column("case_id"), sa.column("kind"),
                 sa.column("key"))


def _mobile(data) -> str | None:
    if isinstance(data, dict) and data.get("has_mobile") is True and isinstance(data.get("mobile_e164"), str):
        return data["mobile_e164"]
    return None


def _p_phones(conn: Connection, ids: list[int], cases) -> dict[int, set[str]]:
    """Per case, the numbers known for its perpetrator."""
    phones: dict[int, set[str]] = {c["id"]: {p} if (p := _mobile(c["origin_phone"])) else set() for c in cases}
    for case_id, data in conn.execute(
        sa.select(_application.c.case_id, _section.c.data)
        .join(_section, _section.c.application_id == _application.c.id)
        .where(_application.c.case_id.in_(ids), _section.c.key == PHONE_SECTION)
    ):
        if number := _mobile(data):
            phones.setdefault(case_id, set()).add(number)
    for case_id, number in conn.execute(sa.select(_enrolment.c.case_id, _enrolment.c.mobile_e164)
                                        .where(_enrolment.c.case_id.in_(ids), _enrolment.c.mobile_e164.is_not(None))):
        phones.setdefault(case_id, set()).add(number)
    return phones


def rows(conn: Connection, case_ids: Iterable[int]) -> list[dict]:
    """The match-key rows of the people on these cases, in six statements."""
    ids = sorted(set(case_ids))
    if not ids:
        return []
    cases = conn.execute(sa.select(_case).where(_case.c.id.in_(ids))).mappings().all()
    postcodes = {c["id"]: c["postcode"] for c in cases}
    p_phones = _p_phones(conn, ids, cases)
    people = conn.execute(sa.select(_person).where(_person.c.case_id.in_(ids))
                          .order_by(_person.c.case_id, _person.c.id)).mappings().all()
    victim_phones: dict[int, set[str]] = {}
    for victim_id, number in conn.execute(
        sa.select(_referral.c.victim_id, _referral.c.safe_number)
        .where(_referral.c.victim_id.in_([p["id"] for p in people if p["kind"] == "victim"] or [0]),
               _referral.c.safe_number.is_not(None))
    ):
        victim_phones.setdefault(victim_id, set()).add(number)
    found = []
    for person in people:
        phones = p_phones.get(person["case_id"], set()) if person["kind"] == "perpetrator" \
            else victim_phones.get(person["id"], set())
        for key in match_keys(full_name=person["full_name"], date_of_birth=person["date_of_birth"],
                              postcode=postcodes.get(person["case_id"]), phones=phones):
            found.append({"person_id": person["id"], "case_id": person["case_id"], "kind": key.kind.value,
                          "key": key.key})
    return found


def write(conn: Connection, case_ids: Iterable[int]) -> int:
    """Rewrite the match keys of the people on these cases (a removed person loses theirs)."""
    ids = sorted(set(case_ids))
    if not ids:
        return 0
    found = rows(conn, ids)
    conn.execute(sa.delete(_keys).where(_keys.c.case_id.in_(ids)))
    if found:
        conn.execute(sa.insert(_keys), found)
    return len(found)
