"""`make bench` is not part of `make test`: this at least imports every benchmark module, so
a name moved elsewhere (as when the benchmarks came to share tests/benchmarks/common.py)
fails here rather than the next time someone measures."""
from __future__ import annotations

import importlib
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
# bench_wsgi is gunicorn's entry point for the HTTP benchmark: it builds the app from the
# environment that benchmark sets, so it only imports there.
MODULES = sorted(p.stem for p in BENCHMARKS.glob("*.py") if p.stem not in ("__init__", "bench_wsgi"))


@pytest.mark.parametrize("module", MODULES)
def test_every_benchmark_module_imports(module):
    importlib.import_module(f"tests.benchmarks.{module}")
