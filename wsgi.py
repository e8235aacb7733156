"""WSGI entry point: `gunicorn wsgi:app`. The scheduler runs separately (`flask scheduler`)."""
from app import create_app

app = create_app()
