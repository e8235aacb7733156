"""Use cases that change state: one function per verb, one transaction, one audit entry.

Services take the acting user explicitly and never read Flask's request globals, so the
scheduler and the CLI call them exactly as views do. Each function that changes state is
marked @commits or @in_callers_transaction (app/services/transaction.py).
"""

from app.services.transaction import in_callers_transaction


class ValidationFailed(Exception):
    """A rule refused the input. `errors` maps a form field name to a message for the user."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@in_callers_transaction
def change_once(statement, refusal: str) -> None:
    """Run a conditional UPDATE that must change exactly one row, or refuse with `refusal`.

    The condition (still unsettled, still open...) makes a double-click, a second tab or a
    race with the scheduler change the row once: the loser's transaction is rolled back and
    it gets the message, never a second change.
    """
    from app.extensions import db

    if db.session.execute(statement).rowcount != 1:
        db.session.rollback()
        raise ValidationFailed({"": refusal})
