"""Who commits, visible at the definition: every service function that changes state says so.

- `@commits`: one use case, one transaction. The function commits its change before it
  returns (a refusal rolls back). Views, jobs and the CLI call it; a service never calls
  one in the middle of its own transaction.
- `@in_callers_transaction`: the function changes state but never commits: the change
  commits or rolls back with the caller's (so an audit entry, a re-planned text or a
  referral's new end is never committed without the change that caused it).

Both are markers: they record `fn.transaction` ("commits" or "caller") and change nothing
at run time. tests/unit/test_transactions.py checks the markers against the code. Views
never commit: anything a view needs recorded goes through a `@commits` service.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

F = TypeVar("F", bound=Callable)

COMMITS = "commits"
CALLERS = "caller"


def commits(fn: F) -> F:
    fn.transaction = COMMITS
    return fn


def in_callers_transaction(fn: F) -> F:
    fn.transaction = CALLERS
    return fn
