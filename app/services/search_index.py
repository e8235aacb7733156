"""The search index: one row per case in `case_search`, rewritten whenever a fact it holds changes.

The row holds the words a case is found by (domain/search_terms.document): the reference,
every person's name and its misspelling keys, the address and postcode, and the phone
numbers on the case (P's mobile from the application or the order made elsewhere, the
number the texts go to, V's safe number from the referral). It is derived data: nothing
reads it but the search, and `rebuild` makes it again from the tables.

How it stays in sync: a session listener notes, at every flush, which cases had an indexed
fact added, changed or removed (`WATCHED`), and just before the transaction commits
rewrites those cases' rows in the same transaction. So a change and its index row commit
or roll back together, whichever service made the change, and a commit that changes no
indexed fact (a case view's audit entry, a clock refresh) costs no statement. Writes that
bypass the ORM (bulk Core inserts, as the benchmarks make) must call `refresh` or `rebuild`.

On SQLite the table is an FTS5 virtual table (rowid = case id); on PostgreSQL an ordinary
table with a weighted tsvector and a trigram index over the names (migration 15a0search000).

The same cases' people's match keys (`person_match_key`, services/person_keys: possible
matches of the same person on other cases) are derived from the same facts and rewritten
alongside, in the same transaction, by the listener, `refresh` and `rebuild_index`
(`rebuild` alone is the index of migration 15a0search000's time, before the keys existed).
"""
from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy import event, inspect
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from app.domain.search_terms import SearchDocument, document
from app.services import person_keys
from app.services.transaction import commits, in_callers_transaction

TABLE = "case_search"
CHUNK = 500
_STALE = "search_stale_cases"
_STALE_APPLICATIONS = "search_stale_applications"

# The columns the index is made from, named here rather than through the models, so a
# migration can build the index with the schema of its own time.
_case = sa.table("case_file", sa.column("id"), sa.column("reference"), sa.column("address_line_1"),
                 sa.column("address_line_2"), sa.column("town"), sa.column("postcode"),
                 sa.column("origin_phone", sa.JSON))
_person = sa.table("person", sa.column("case_id"), sa.column("kind"), sa.column("position"), sa.column("full_name"))
_application = sa.table("notice_application", sa.column("id"), sa.column("case_id"))
_section = sa.table("application_section", sa.column("application_id"), sa.column("key"),
                    sa.column("data", sa.JSON))
_referral = sa.table("referral", sa.column("case_id"), sa.column("safe_number"))
_enrolment = sa.table("trial_enrolment", sa.column("case_id"), sa.column("mobile_e164"))


def outside_the_models(name: str, type_: str, _parent_names=None) -> bool:
    """Alembic's include_name: False for the index and, on SQLite, FTS5's own tables behind it.

    The index is made by migration 15a0search000 in each database's own way and is not an ORM
    model, so comparing the models with the database leaves it out.
    """
    return not (type_ == "table" and (name == TABLE or name.startswith(f"{TABLE}_")))


# ------------------------------------------------------------------ writing rows


def _mobile(data) -> str | None:
    if isinstance(data, dict) and data.get("has_mobile") is True and isinstance(data.get("mobile_e164"), str):
        return data["mobile_e164"]
    return None


def documents(conn: Connection, case_ids: Iterable[int]) -> dict[int, SearchDocument]:
    """The index documents of these cases (those that exist), in five statements."""
    ids = sorted(set(case_ids))
    if not ids:
        return {}
    cases = conn.execute(sa.select(_case).where(_case.c.id.in_(ids))).mappings().all()
    names: dict[int, list[str]] = {c["id"]: [] for c in cases}
    phones: dict[int, list[str]] = {c["id"]: [p] if (p := _mobile(c["origin_phone"])) else [] for c in cases}
    for case_id, name in conn.execute(
        sa.select(_person.c.case_id, _person.c.full_name).where(_person.c.case_id.in_(ids))
        .order_by(_person.c.case_id, _person.c.kind, _person.c.position)
    ):
        names.setdefault(case_id, []).append(name)
    for case_id, data in conn.execute(
        sa.select(_application.c.case_id, _section.c.data)
        .join(_section, _section.c.application_id == _application.c.id)
        .where(_application.c.case_id.in_(ids), _section.c.key == person_keys.PHONE_SECTION)
    ):
        phones.setdefault(case_id, []).append(_mobile(data))
    for table, column in ((_referral, _referral.c.safe_number), (_enrolment, _enrolment.c.mobile_e164)):
        for case_id, number in conn.execute(sa.select(table.c.case_id, column).where(table.c.case_id.in_(ids),
                                                                                    column.is_not(None))):
            phones.setdefault(case_id, []).append(number)
    return {
        c["id"]: document(
            reference=c["reference"], names=names.get(c["id"], []),
            address_lines=[c["address_line_1"] or "", c["address_line_2"] or "", c["town"] or ""],
            postcode=c["postcode"] or "", phones=[p for p in phones.get(c["id"], []) if p],
        )
        for c in cases
    }


# The case's id is the FTS5 table's rowid on SQLite, a column of its own on PostgreSQL.
_DELETE = {
    "sqlite": "DELETE FROM case_search WHERE rowid IN :ids",
    "postgresql": "DELETE FROM case_search WHERE case_id IN :ids",
}
_INSERT = {
    "sqlite": "INSERT INTO case_search (rowid, reference, names, name_keys, address, phones) "
              "VALUES (:case_id, :reference, :names, :name_keys, :address, :phones)",
    "postgresql": "INSERT INTO case_search (case_id, reference, names, name_keys, address, phones) "
                  "VALUES (:case_id, :reference, :names, :name_keys, :address, :phones)",
}


def write(conn: Connection, case_ids: Iterable[int]) -> int:
    """Rewrite the index rows of these cases from the tables (a deleted case loses its row)."""
    ids = sorted(set(case_ids))
    written = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        docs = documents(conn, chunk)
        conn.execute(sa.text(_DELETE[conn.dialect.name]).bindparams(sa.bindparam("ids", expanding=True)),
                     {"ids": chunk})
        if docs:
            conn.execute(sa.text(_INSERT[conn.dialect.name]),
                         [{"case_id": case_id, **vars(doc)} for case_id, doc in docs.items()])
        written += len(docs)
    return written


def rebuild(conn: Connection) -> int:
    """Make the whole index again from the tables; the number of cases indexed."""
    conn.execute(sa.text("DELETE FROM case_search"))
    ids = conn.execute(sa.select(_case.c.id).order_by(_case.c.id)).scalars().all()
    return write(conn, ids)


@commits
def rebuild_index() -> int:
    """`flask search rebuild`: the whole index, and every person's match keys, again, in one
    transaction; the number of cases."""
    from app.extensions import db

    conn = db.session.connection()
    indexed = rebuild(conn)
    conn.execute(sa.text("DELETE FROM person_match_key"))
    write_keys(conn, conn.execute(sa.select(_case.c.id)).scalars())
    db.session.commit()
    return indexed


@in_callers_transaction
def refresh(session: Session, case_ids: Iterable[int]) -> int:
    """Rewrite these cases' rows and their people's match keys in the session's transaction
    (after Core writes to the tables)."""
    conn = session.connection()
    ids = sorted(set(case_ids))
    write_keys(conn, ids)
    return write(conn, ids)


def write_keys(conn: Connection, case_ids: Iterable[int]) -> int:
    """Rewrite the match keys of the people on these cases (person_keys), a chunk at a time."""
    ids = sorted(set(case_ids))
    return sum(person_keys.write(conn, ids[start:start + CHUNK]) for start in range(0, len(ids), CHUNK))


# ------------------------------------------------------------------ keeping it in sync


def _case_id(obj) -> int | None:
    from app.models import Case

    return obj.id if isinstance(obj, Case) else getattr(obj, "case_id", None)


def _changed(obj, attributes: tuple[str, ...] | None) -> bool:
    state = inspect(obj)
    if state.pending or state.deleted or state.was_deleted or attributes is None:
        return True
    return any(state.attrs[name].history.has_changes() for name in attributes)


def _watched():
    """(model, the attributes the index holds, or None for any change) for each indexed table."""
    from app.models import ApplicationSection, Case, Person, Referral, TrialEnrolment

    return (
        (Case, ("reference", "address_line_1", "address_line_2", "town", "postcode", "origin_phone")),
        (Person, None),
        (Referral, ("safe_number", "case_id")),
        (TrialEnrolment, ("mobile_e164", "case_id")),
        (ApplicationSection, ("data", "key")),
    )


def _note_changes(session: Session, _flush_context) -> None:
    """after_flush: note the cases whose indexed facts this flush wrote (ids are known now)."""
    from app.models import ApplicationSection

    watched = _watched()
    stale = session.info.setdefault(_STALE, set())
    stale_applications = session.info.setdefault(_STALE_APPLICATIONS, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        for model, attributes in watched:
            if isinstance(obj, model) and _changed(obj, attributes):
                if isinstance(obj, ApplicationSection):
                    # Of the application, the index holds only P's mobile: saving any other
                    # section (eight of the nine) rewrites nothing.
                    if obj.key == person_keys.PHONE_SECTION:
                        stale_applications.add(obj.application_id)
                elif (case_id := _case_id(obj)) is not None:
                    stale.add(case_id)
                    history = inspect(obj).attrs.case_id.history if hasattr(obj, "case_id") else None
                    stale.update(i for i in (history.deleted if history else ()) if i is not None)


def _write_before_commit(session: Session) -> None:
    """before_commit: rewrite the noted cases' rows in the transaction that is committing."""
    if not session.info.get(_STALE) and not session.info.get(_STALE_APPLICATIONS) and not session.new \
            and not session.dirty and not session.deleted:
        return
    session.flush()
    stale = session.info.pop(_STALE, set())
    applications = session.info.pop(_STALE_APPLICATIONS, set())
    if not stale and not applications:
        return
    conn = session.connection()
    if applications:
        stale |= set(conn.execute(sa.select(_application.c.case_id).where(_application.c.id.in_(applications)))
                     .scalars())
    write(conn, stale)
    write_keys(conn, stale)


def _forget(session: Session, *_args) -> None:
    session.info.pop(_STALE, None)
    session.info.pop(_STALE_APPLICATIONS, None)


def listen(session_target) -> None:
    """Keep the index in sync for every session of `session_target` (done once, in create_app)."""
    for name, fn in (("after_flush", _note_changes), ("before_commit", _write_before_commit),
                     ("after_rollback", _forget)):
        if not event.contains(session_target, name, fn):
            event.listen(session_target, name, fn)
