"""`column IN (ids)` for a page's worth of ids, written as each database reads it best.

On PostgreSQL `column = ANY(:ids)` with the ids as one array parameter: the statement's text
is the same whatever the number of ids, so psycopg prepares it once per connection and binds
one value, where `IN (:id_1, ..., :id_100)` was a new text (parsed and planned again) for
every page length and a hundred parameters to convert. SQLite has no arrays: there it is the
usual expanding `IN`.
"""
from __future__ import annotations

from sqlalchemy import ColumnElement, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY


def among(column, key: str, dialect_name: str) -> ColumnElement[bool]:
    """`column` is one of the ids given at execution as the parameter `key`, for a statement
    built once for `dialect_name` and run many times (SQLAlchemy then works out its cache
    key once, not on each run)."""
    if dialect_name == "postgresql":
        return column == any_(bindparam(key, type_=ARRAY(column.type)))
    return column.in_(bindparam(key, expanding=True))
