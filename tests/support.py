"""Shared by the integration, browser and benchmark suites: a real app on a migrated database."""
from __future__ import annotations

from flask import Flask
from flask_migrate import upgrade

from app import create_app


def migrated_app(database_url: str, *, demo_data: bool = False, **settings) -> Flask:
    """An app in testing mode whose database has been built by the real migrations."""
    app = create_app({"DVPO_ENV": "testing", "DATABASE_URL": database_url, "SCHEDULER_IN_PROCESS": "false", **settings})
    with app.app_context():
        upgrade()
        if demo_data:
            from app.demo import seed

            seed()
    return app
