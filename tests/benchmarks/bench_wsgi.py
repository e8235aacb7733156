"""The app gunicorn serves in `make bench-http` (tests/benchmarks/http_load.py): wsgi.py's
`create_app()`, with the settings the benchmark passes in DVPO_BENCH_APP_CONFIG (JSON: the
database, the clock's start, the uploads folder, which the environment cannot carry), and
the bare render of the dashboard's rows (tests/benchmarks/bare.py) as the run's reference."""
import json
import os

from app import create_app
from tests.benchmarks.bare import register

app = create_app(json.loads(os.environ["DVPO_BENCH_APP_CONFIG"]))
register(app)
