"""Victim referrals, police side."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("referrals", __name__)
