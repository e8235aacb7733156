"""The simulation's WSGI app for gunicorn: `gunicorn tests.simulation.webapp:app`."""
from app import create_app
from tests.simulation.settings import app_config

app = create_app(app_config())
