"""The caseworker's workspace."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("casework", __name__)
