"""Handing cases to another officer, and the officer's own cases."""
from app.web.handovers.views import bp

__all__ = ["bp"]
