"""Where log-in throttling counts failed attempts: a `limits` storage in the app's own database.

Flask-Limiter (app/web/auth/throttle.py) builds its storage from `RATELIMIT_STORAGE_URI`,
which the settings fix at `dvpo-database://`: this class, registered under that scheme by
`limits` when the module is imported. Why the database and not memory or Redis: gunicorn
runs several worker processes, each with its own memory, so an in-memory counter would give
an attacker one allowance per worker; the database is the one store every worker (and the
CLI) already shares, on SQLite as on PostgreSQL, with nothing more to run or secure.

It serves the fixed-window strategy: one row per key holds a count and the end of its window,
which starts at the key's first hit. Every change is one statement on a connection of its
own, committed at once: the counts stay counted whatever the request's own transaction then
does, and two workers counting the same key at the same moment both count (an upsert
`INSERT ... ON CONFLICT DO UPDATE`, atomic on both databases). Time is `app.timeutil`'s, so
the tests move the windows with the frozen clock; the instants `limits` asks for are epoch
seconds on that clock.

Keys are stored as SHA-256 digests of the limiter's key; those keys are themselves made of
keyed hashes of the address and the e-mail, so no address or e-mail is stored or logged.
"""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from limits.storage import Storage
from sqlalchemy import case, delete, func, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db
from app.models import LoginThrottle, User
from app.models.types import UTCDateTime
from app.services import audit
from app.services.transaction import commits
from app.timeutil import utcnow

SCHEME = "dvpo-database"
STORAGE_URI = f"{SCHEME}://"

_table = LoginThrottle.__table__


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _instant(value: datetime) -> object:
    """A bind parameter typed as the column is (UTC, aware), for CASE branches and the like."""
    return literal(value, type_=UTCDateTime())


class DatabaseStorage(Storage):
    """A `limits` storage for the fixed-window strategy, in the `login_throttle` table.

    It needs an app context (every request and CLI command has one) and uses that app's
    engine, so one instance serves every app in a process (the tests create several).
    """

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add `amount` to the key's count in its current window (a new window of `expiry`
        seconds if it has none or its window has ended); the count after adding."""
        now = utcnow()
        window_end = now + timedelta(seconds=expiry)
        insert = (postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert)(_table)
        ended = _table.c.expires_at <= _instant(now)
        statement = insert.values(key=_digest(key), hits=amount, expires_at=window_end).on_conflict_do_update(
            index_elements=[_table.c.key],
            set_={
                "hits": case((ended, amount), else_=_table.c.hits + amount),
                "expires_at": case((ended, _instant(window_end)), else_=_table.c.expires_at),
            },
        ).returning(_table.c.hits)
        with db.engine.begin() as connection:
            return connection.execute(statement).scalar_one()

    def refund(self, key: str) -> None:
        """Give back one hit of the key's current window (an attempt that was not a failure)."""
        with db.engine.begin() as connection:
            connection.execute(
                update(_table)
                .where(_table.c.key == _digest(key), _table.c.expires_at > _instant(utcnow()), _table.c.hits > 0)
                .values(hits=_table.c.hits - 1)
            )

    def get(self, key: str) -> int:
        with db.engine.connect() as connection:
            hits = connection.scalar(
                select(_table.c.hits).where(_table.c.key == _digest(key), _table.c.expires_at > _instant(utcnow()))
            )
        return hits or 0

    def get_expiry(self, key: str) -> float:
        """When the key's window ends, in epoch seconds (now if it has none)."""
        now = utcnow()
        with db.engine.connect() as connection:
            ends = connection.scalar(
                select(_table.c.expires_at).where(_table.c.key == _digest(key), _table.c.expires_at > _instant(now))
            )
        return (ends or now).timestamp()

    def check(self) -> bool:
        try:
            with db.engine.connect() as connection:
                connection.execute(select(literal(1)))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        with db.engine.begin() as connection:
            return connection.execute(delete(_table)).rowcount

    def clear(self, key: str) -> None:
        with db.engine.begin() as connection:
            connection.execute(delete(_table).where(_table.c.key == _digest(key)))


@commits
def purge_expired() -> int:
    """Delete the rows whose window has ended (they count nothing): the scheduler, every 15
    minutes, so guesses at many e-mails leave no lasting rows."""
    removed = db.session.execute(delete(LoginThrottle).where(LoginThrottle.expires_at <= utcnow())).rowcount
    db.session.commit()
    return removed


@commits
def clear_all(actor: User | None) -> int:
    """End every throttle now (`flask users clear-throttles`), audited: for an operator whose
    users were all throttled behind one address, for example a proxy before TRUSTED_PROXIES
    was set."""
    live = db.session.scalar(select(func.count()).select_from(LoginThrottle).where(LoginThrottle.expires_at > utcnow()))
    db.session.execute(delete(LoginThrottle))
    audit.record(actor, "login_throttles.cleared", live=live)
    db.session.commit()
    return live
