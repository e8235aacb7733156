"""gunicorn settings, read from the working directory (`gunicorn wsgi:app` from the repository
root, or `gunicorn -c /path/to/gunicorn.conf.py wsgi:app`).

The access log (turned on with --access-logfile) leaves out query strings and the Referer:
Vonage's GET delivery receipts carry P's phone number in the query string. See app/serving.py.
"""
from app.serving import GUNICORN_ACCESS_LOG_FORMAT

access_log_format = GUNICORN_ACCESS_LOG_FORMAT
