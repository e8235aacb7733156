"""Use cases that change state: one function per verb, one transaction, one audit entry.

Services take the acting user explicitly and never read Flask's request globals, so the
scheduler and the CLI call them exactly as views do.
"""


class ValidationFailed(Exception):
    """A rule refused the input. `errors` maps a form field name to a message for the user."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors
