"""Correcting a case's details: people, the address, the area, the time of service."""
from app.web.corrections.views import bp

__all__ = ["bp"]
