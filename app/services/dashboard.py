"""The DVPO officer's dashboard: live cases with their clocks, most urgent first, a page at a time.

Two steps, so that the poll can stop after the first:

1. `listing`: one query for the page's cases (keyset pagination on the stored sort key
   `Case.urgency_rank`/`urgency_at`, then newest first), with the perpetrator's and the
   officer's names and each case's `row_version`, which database triggers move whenever
   anything the row shows changes (migration 18a0dashver00). Its `digest` is the page's
   version: the user and what they may see, the page, and those rows.
2. `rows`: the clocks (recomputed from the facts by `clock_cache.clocks_for` and the pure
   `domain/clocks.py`, never read from a cached column) and the bundle progress (one query
   for the page), loading only the columns and relations the clocks need.

The ETag is the digest with the instant the page's clocks next change colour by time alone
(`clocks.next_regrade`): `fresh` says "not modified" only for the same digest before that
instant.
"""
from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, bindparam, false, func, literal_column, or_, select, true
from sqlalchemy.orm import aliased

from app.domain.bundle import progress
from app.domain.calendar import Calendar
from app.domain.clocks import Clock, Thresholds, most_urgent, next_regrade
from app.extensions import db
from app.models import (
    Case,
    CaseState,
    Person,
    PersonKind,
    User,
)
from app.models.user import display_name
from app.services.access import visible_cases
from app.services.clock_cache import clocks_for
from app.services.dashboard_facts import clock_cases

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


def _micros(instant: datetime) -> int:
    return (instant - EPOCH) // MICROSECOND


def _instant(micros: str) -> datetime:
    return EPOCH + timedelta(microseconds=int(micros))


@dataclass(frozen=True)
class Cursor:
    """A case's place in the dashboard's order: (urgency_rank, urgency_at, created_at
    descending, id). `token` is how it travels in a link."""

    rank: int
    at: datetime | None
    created_at: datetime
    id: int

    @property
    def token(self) -> str:
        at = "n" if self.at is None else str(_micros(self.at))
        return f"{self.rank}.{at}.{_micros(self.created_at)}.{self.id}"

    @classmethod
    def parse(cls, token: str | None) -> Cursor | None:
        """The cursor in a link, or None for a missing or malformed one (the first page)."""
        try:
            rank, at, created, case_id = (token or "").split(".")
            return cls(int(rank), None if at == "n" else _instant(at), _instant(created), int(case_id))
        except (ValueError, OverflowError):
            return None


@dataclass(frozen=True)
class RowCase:
    """What a row shows of its case itself."""

    id: int
    reference: str | None
    state: CaseState
    area: str
    perpetrator: str | None
    officer: str


@dataclass(frozen=True)
class Listing:
    cases: list[RowCase]
    # The page's version (see the module's docstring).
    digest: str
    # The query arguments that show this page again ({} for the first page).
    args: dict[str, str]
    # The pages before this one (None: this is the first) and after it (None: the last).
    previous: Cursor | None
    next: Cursor | None
    # What the clocks read of each case's own columns, read by the same query
    # (services/dashboard_facts.ClockCase).
    clock_columns: tuple = ()
    # How many live cases the user may read (asked for with `count`), else None.
    total: int | None = None


@dataclass(frozen=True)
class CaseRow:
    case: RowCase
    clock: Clock | None
    # (required bundle items done, required) once the case is at court, else None.
    bundle: tuple[int, int] | None = None


@dataclass(frozen=True)
class DashboardPage:
    listing: Listing
    rows: list[CaseRow]
    # The ETag: the listing's digest, and when its clocks next change colour (ms since 1970).
    etag: str


def _live_count_query(user: User):
    live = visible_cases(user).where(Case.state.in_(CaseState.live()))
    return select(func.count()).select_from(live.subquery())


def live_count(user: User) -> int:
    return db.session.scalar(_live_count_query(user)) or 0


def _order_key(descending: bool):
    if descending:
        return (Case.urgency_rank.desc(), Case.urgency_at.desc(), Case.created_at.asc(), Case.id.desc())
    return (Case.urgency_rank, Case.urgency_at, Case.created_at.desc(), Case.id)


def _beyond(cursor: Cursor, *, after: bool, nulls_first: bool):
    """The cases after (or before) `cursor` in the dashboard's order. NULL urgency_at sorts
    first on SQLite and last on PostgreSQL: `nulls_first` says which."""
    def later(column, value, descending=False):
        return column > value if after != descending else column < value

    same_at = or_(later(Case.created_at, cursor.created_at, descending=True),
                  and_(Case.created_at == cursor.created_at, later(Case.id, cursor.id)))
    if cursor.at is None:
        # Cases with a time come after NULL where NULLs sort first, before it where last.
        within = or_(and_(Case.urgency_at.is_(None), same_at),
                     and_(Case.urgency_at.is_not(None), true() if nulls_first == after else false()))
    else:
        within = or_(later(Case.urgency_at, cursor.at), and_(Case.urgency_at == cursor.at, same_at),
                     and_(Case.urgency_at.is_(None), true() if nulls_first != after else false()))
    return or_(later(Case.urgency_rank, cursor.rank), and_(Case.urgency_rank == cursor.rank, within))


def listing(user: User, *, after: Cursor | None, before: Cursor | None, page_size: int, salt: str = "",
            count: bool = False) -> Listing:
    """The page of live cases `user` may read after (or before) a cursor: one query.

    A page "before" a cursor with fewer than a page of cases before it is the first page.
    `salt` is what else the digest must cover (the presentation's version, thresholds).
    `count`: the number of live cases the user may read, too (`Listing.total`), in the
    same statement (the page; its poll has no use for it).
    """
    backwards = before is not None and after is None
    cursor = before if backwards else after
    found = _page_query(user, cursor, backwards, page_size, count)
    more = len(found) > page_size
    found = found[:page_size]
    if backwards:
        found.reverse()
        if not more:  # less than a page before the cursor: that is the first page
            return listing(user, after=None, before=None, page_size=page_size, salt=salt, count=count)
    cases = [RowCase(r.id, r.reference, r.state, r.area, r.perpetrator,
                     display_name(r.rank, r.full_name, r.collar_number)) for r in found]
    cursors = [Cursor(r.urgency_rank, r.urgency_at, r.created_at, r.id) for r in found]
    if cursor is None:
        args, previous = {}, None
    else:
        args = {"before" if backwards else "after": cursor.token}
        previous = cursors[0] if cursors else cursor
    # Forward, a next page when there was one more case; backwards, the cursor's case follows.
    following = cursors[-1] if cursors and (more or backwards) else None
    versions = ";".join(f"{c.id}:{r.row_version}:{c.reference}:{c.perpetrator}:{c.officer}"
                        for c, r in zip(cases, found, strict=True))
    scope = f"{user.id}|{user.role.value}|{user.area}|{sorted(args.items())}|{page_size}|{salt}"
    digest = hashlib.sha256(f"{scope}|{versions}".encode()).hexdigest()[:32]
    clock_columns = tuple((r.id, r.state, r.regime, r.origin, r.served_at, r.hearing_window_hours) for r in found)
    total = None
    if count:  # a page past the last case has no row to carry the count
        total = found[0].total if found else live_count(user)
    return Listing(cases, digest, args=args, previous=previous, next=following, clock_columns=clock_columns,
                   total=total)


def live_for_the_index():
    """Live cases as the partial index `ix_case_file_live_order` says it: `state NOT IN
    ('closed')`, the values written into the SQL (bound parameters cannot match an index's
    predicate on SQLite), and a NOT IN that no other index can serve, so SQLite reads the page
    from that index in order instead of sorting every live case. The values are the enum's own."""
    return Case.state.not_in([literal_column(f"'{state.value}'") for state in CaseState if not state.is_live])


# The page query's parts that never change, built once: an alias and its columns cost
# more to adapt on every poll than the rest of the statement.
_OFFICER = aliased(User, name="officer")
_PAGE_COLUMNS = (
    Case.id, Case.reference, Case.state, Case.area, Case.urgency_rank, Case.urgency_at, Case.created_at,
    Case.row_version,
    select(Person.full_name)
    .where(Person.case_id == Case.id, Person.kind == PersonKind.PERPETRATOR)
    .order_by(Person.position, Person.id).limit(1).correlate(Case).scalar_subquery().label("perpetrator"),
    # What the clocks read of the case itself (services/dashboard_facts.ClockCase).
    Case.regime, Case.origin, Case.served_at, Case.hearing_window_hours,
    _OFFICER.rank, _OFFICER.full_name, _OFFICER.collar_number,
)


@dataclass(frozen=True)
class _Scope:
    """What `visible_cases` reads of a user: a statement built for one is built for all
    requests of that user while these stay the same."""

    id: int
    role: object
    area: str | None


# A cursor as parameters of a statement built once (`_page_statement`); `at` is None in the
# shape for a cursor whose case has no urgency time.
_CURSOR = Cursor(bindparam("cursor_rank", type_=Case.urgency_rank.type),
                 bindparam("cursor_at", type_=Case.urgency_at.type),
                 bindparam("cursor_created_at", type_=Case.created_at.type), bindparam("cursor_id", type_=Case.id.type))
_NULL_AT_CURSOR = Cursor(_CURSOR.rank, None, _CURSOR.created_at, _CURSOR.id)


@functools.lru_cache(maxsize=1024)
def _page_statement(scope: _Scope, dialect_name: str, cursor_shape: str | None, backwards: bool, page_size: int,
                    count: bool):
    """The page query for `scope`, built once (SQLAlchemy otherwise builds it and works out
    its cache key on every poll): `cursor_shape` None (the first page), "at" or "null" (a
    cursor whose case has, or has no, urgency time), its values given at execution."""
    columns = (*_PAGE_COLUMNS, _live_count_query(scope).scalar_subquery().label("total")) if count else _PAGE_COLUMNS
    query = (visible_cases(scope).where(live_for_the_index())
             .with_only_columns(*columns)
             .join(_OFFICER, _OFFICER.id == Case.officer_in_case_id))
    if cursor_shape is not None:
        cursor = _CURSOR if cursor_shape == "at" else _NULL_AT_CURSOR
        query = query.where(_beyond(cursor, after=not backwards, nulls_first=dialect_name == "sqlite"))
    return query.order_by(*_order_key(backwards)).limit(page_size + 1)


def _page_query(user: User, cursor: Cursor | None, backwards: bool, page_size: int, count: bool) -> list:
    """Up to page_size + 1 rows after (or, `backwards`, before) `cursor`, nearest first: one
    statement, reading the live cases' index in the dashboard's order and stopping there;
    with `count`, each row carries the live cases' number (`total`, an uncorrelated
    subquery the database works out once)."""
    shape = None if cursor is None else ("null" if cursor.at is None else "at")
    statement = _page_statement(_Scope(user.id, user.role, user.area), db.session.get_bind().dialect.name, shape,
                                backwards, page_size, count)
    parameters = {} if cursor is None else {"cursor_rank": cursor.rank, "cursor_at": cursor.at,
                                            "cursor_created_at": cursor.created_at, "cursor_id": cursor.id}
    if shape == "null":
        del parameters["cursor_at"]
    return list(db.session.execute(statement, parameters).all())


def rows(page: Listing, *, now: datetime, calendar: Calendar, thresholds: Thresholds) -> DashboardPage:
    """The page's rows with their most urgent clock and bundle progress, and the ETag.

    One query whatever the number of cases (services/dashboard_facts.py): the cases' clock
    facts (their own columns came with the listing) and the bundle items done of those at
    court.
    """
    cases = clock_cases(page.clock_columns)
    rows_ = []
    next_change: datetime | None = None
    for row_case in page.cases:
        clock = most_urgent(clocks_for(cases[row_case.id], now, calendar, thresholds))
        if clock is not None:
            change = next_regrade(clock, now, thresholds)
            if change is not None and (next_change is None or change < next_change):
                next_change = change
        done = cases[row_case.id].bundle_done
        bundle = progress(done) if done is not None else None
        rows_.append(CaseRow(row_case, clock, bundle))
    return DashboardPage(page, rows_, etag_for(page.digest, next_change))


def etag_for(digest: str, next_change: datetime | None) -> str:
    """The ETag: the digest, then the instant (ms since 1970, rounded down) until which the
    rows look the same, or "-" when no clock will change colour."""
    until = "-" if next_change is None else str((next_change - EPOCH) // timedelta(milliseconds=1))
    return f'"{digest}.{until}"'


def fresh(if_none_match: str | None, digest: str, now: datetime) -> str | None:
    """The ETag in an If-None-Match header still current at `now` for `digest` (the rows
    would look the same), or None: "not modified" is answered only with it."""
    for tag in (if_none_match or "").split(","):
        tag = tag.strip().removeprefix("W/").strip('"')
        got, _, until = tag.partition(".")
        if got != digest or not until:
            continue
        if until == "-":
            return f'"{tag}"'
        try:
            if now < EPOCH + timedelta(milliseconds=int(until)):
                return f'"{tag}"'
        except (ValueError, OverflowError):
            continue
    return None
