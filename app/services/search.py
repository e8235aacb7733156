"""Searching for cases: by reference, name, date of birth, postcode or address, phone number.

Every search runs as one SELECT of matching case ids from the database's own text index
(`case_search`, see search_index), joined to `access.visible_cases(user)`: scoping is part
of the query, never a filter in Python after a LIMIT. A page is a fixed number of
statements however many cases there are: the count, the page, its people, and the audit
entry.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from app.domain.search_terms import QueryKind, SearchQuery, name_matches, query_terms
from app.extensions import db
from app.models import Case, Person, User
from app.services import audit
from app.services.access import visible_cases
from app.services.transaction import commits

PAGE_SIZE = 20
# Columns the search's words may be found in as typed (the start of a word).
_FTS_STRICT = "{reference names address phones}"


@dataclass(frozen=True)
class Hit:
    case: Case
    found_by: list[Person]  # the people whose names matched, for a name search
    fuzzy: bool  # found only as a near spelling


@dataclass(frozen=True)
class SearchResults:
    query: SearchQuery
    hits: list[Hit]
    total: int
    page: int
    pages: int
    page_size: int

    @property
    def first(self) -> int:
        """The position of the page's first result in the whole list (1 on the first page)."""
        return (self.page - 1) * self.page_size + 1


# ------------------------------------------------------------------ the index's own languages

_SQLITE = (
    "SELECT case_id, MIN(tier) AS tier, 0.0 AS score FROM ("
    " SELECT rowid AS case_id, 0 AS tier FROM case_search WHERE case_search MATCH :strict"
    " UNION ALL"
    " SELECT rowid AS case_id, 1 AS tier FROM case_search WHERE case_search MATCH :loose"
    ") AS found GROUP BY case_id"
)
# Trigram similarity (pg_trgm) finds names more than one edit away ("Jonathon Smyth") and
# ranks near spellings; the GIN trigram index answers `<%` (word similarity).
_PG_TEXT = (
    "SELECT case_id, MIN(tier) AS tier, MAX(score) AS score FROM ("
    " SELECT case_id, 0 AS tier, word_similarity(:phrase, names) AS score FROM case_search"
    "  WHERE document @@ to_tsquery('simple', :strict)"
    " UNION ALL"
    " SELECT case_id, 1 AS tier, word_similarity(:phrase, names) AS score FROM case_search"
    "  WHERE document @@ to_tsquery('simple', :loose) OR :phrase <% names"
    ") AS found GROUP BY case_id"
)
# A phone number or a postcode: the word itself, nothing similar.
_PG_EXACT = (
    "SELECT case_id, 0 AS tier, 1.0 AS score FROM case_search"
    " WHERE document @@ to_tsquery('simple', :strict)"
)


def _quoted(word: str) -> str:
    # Words are ASCII letters and digits only (domain.search_terms.words), so quoting them
    # makes FTS5 read each one as a string, never as AND, OR, NOT or NEAR.
    return f'"{word}"'


def fts5_match(words: tuple[str, ...], keys: tuple[tuple[str, ...], ...], *, exact: bool = False) -> tuple[str, str]:
    """(strict, loose) FTS5 MATCH expressions: every word the start of an indexed word; or
    every word that, or (names only) one of its misspelling keys."""
    star = "" if exact else "*"
    strict = [f"{_FTS_STRICT} : {_quoted(w)}{star}" for w in words]
    loose = [
        f"({_FTS_STRICT} : {_quoted(w)}{star} OR name_keys : ({' OR '.join(_quoted(k) for k in word_keys)}))"
        for w, word_keys in zip(words, keys, strict=True)
    ] if keys else strict
    return " AND ".join(strict), " AND ".join(loose)


def pg_tsquery(words: tuple[str, ...], keys: tuple[tuple[str, ...], ...], *, exact: bool = False) -> tuple[str, str]:
    """The same as tsquery text for the weighted document (names A, address B, reference and
    phones C, misspelling keys D)."""
    star = "" if exact else "*"
    strict = [f"'{w}':{star}ABC" for w in words]
    loose = [
        "(" + " | ".join([f"'{w}':{star}ABC", *(f"'{k}':D" for k in word_keys)]) + ")"
        for w, word_keys in zip(words, keys, strict=True)
    ] if keys else strict
    return " & ".join(strict), " & ".join(loose)


def _text_matches(query: SearchQuery):
    """A subquery (case_id, tier, score) of the cases the index finds: tier 0 as typed, 1 only
    as a near spelling; score orders within a tier (trigram similarity on PostgreSQL)."""
    terms = query_terms(query)
    exact = query.kind in (QueryKind.PHONE, QueryKind.POSTCODE)
    columns = {"case_id": sa.Integer, "tier": sa.Integer, "score": sa.Float}
    if db.engine.dialect.name == "sqlite":
        strict, loose = fts5_match(terms.strict, terms.fuzzy, exact=exact)
        sql = sa.text(_SQLITE).bindparams(strict=strict, loose=loose)
    else:
        strict, loose = pg_tsquery(terms.strict, terms.fuzzy, exact=exact)
        if query.kind is QueryKind.TEXT:
            sql = sa.text(_PG_TEXT).bindparams(strict=strict, loose=loose, phrase=" ".join(terms.strict))
        else:
            sql = sa.text(_PG_EXACT).bindparams(strict=strict)
    return sql.columns(**columns).subquery("matches")


# ------------------------------------------------------------------ the search


def _matching(user: User, query: SearchQuery):
    """visible_cases(user) narrowed to the matches, and the ORDER BY for them."""
    cases = visible_cases(user)
    newest = (Case.incident_at.desc(), Case.id.desc())
    if query.kind is QueryKind.REFERENCE:
        return cases.where(Case.reference == query.reference), newest, None
    if query.kind is QueryKind.DATE_OF_BIRTH:
        people = select(Person.case_id).where(Person.date_of_birth == query.date_of_birth)
        return cases.where(Case.id.in_(people)), newest, None
    matches = _text_matches(query)
    return (cases.join(matches, matches.c.case_id == Case.id),
            (matches.c.tier, matches.c.score.desc(), *newest), matches)


def search(user: User, query: SearchQuery, *, page: int = 1, page_size: int | None = None) -> SearchResults:
    """One page of the cases `user` may read that `query` finds, best matches first."""
    page_size = page_size or PAGE_SIZE
    cases, order, matches = _matching(user, query)
    total = db.session.scalar(select(func.count()).select_from(cases.subquery())) or 0
    pages = max(1, -(-total // page_size))
    page = min(max(page, 1), pages)
    rows = db.session.execute(
        (cases if matches is None else cases.add_columns(matches.c.tier))
        .options(selectinload(Case.people), joinedload(Case.officer_in_case))
        .order_by(*order).limit(page_size).offset((page - 1) * page_size)
    ).all()
    hits = []
    for row in rows:
        case = row[0]
        tier = row[1] if matches is not None else 0
        found_by = _found_by(query, case)
        hits.append(Hit(case, found_by, fuzzy=tier == 1))
    return SearchResults(query=query, hits=hits, total=total, page=page, pages=pages, page_size=page_size)


def _found_by(query: SearchQuery, case: Case) -> list[Person]:
    if query.kind is QueryKind.DATE_OF_BIRTH:
        return [p for p in case.people if p.date_of_birth == query.date_of_birth]
    if query.kind is QueryKind.TEXT:
        return [p for p in case.people if name_matches(query.words, p.full_name)]
    return []


@commits
def record_search(actor: User, results: SearchResults) -> None:
    """Audit a search as a view of what it showed: who searched, for what, and which cases came up.

    The words searched for are kept with the entry. The log is append-only and read only by
    those who audit it, and a search is how a person is looked up: a record of the kind of
    search alone could not show who looked for whom (a neighbour, a former partner), which is
    the misuse the entry exists to reveal. The cases listed are those on the page shown.
    """
    audit.record(actor, "search.run", kind=results.query.kind.value, query=results.query.text,
                 results=results.total, page=results.page, case_ids=[hit.case.id for hit in results.hits])
    db.session.commit()
