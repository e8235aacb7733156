"""Session-wide settings for every suite: garbage collection tuned for a test run, and
under pytest-xdist the browser tests kept together in one worker.

A test run allocates a great many short-lived objects (requests, ORM rows, parsed pages)
on top of a large, long-lived heap (the app, SQLAlchemy, Jinja, Playwright, Hypothesis).
With Python's default thresholds the collector ran often and walked that whole heap each
time; here the heap that exists once the tests are collected is frozen out of collection
and the youngest generation is collected less often. Nothing is leaked: every cycle is
still collected, only later.
"""
from __future__ import annotations

import gc
import os

import pytest

GEN0_THRESHOLD = 50_000  # Python's default is 700


def pytest_configure(config):  # noqa: ARG001 - pytest's hook signature
    _, gen1, gen2 = gc.get_threshold()
    gc.set_threshold(GEN0_THRESHOLD, gen1, gen2)


def pytest_collection_finish(session):  # noqa: ARG001
    # Everything imported and built to collect the tests lives to the end of the run.
    gc.collect()
    gc.freeze()


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook, which reads the group marks
def pytest_collection_modifyitems(config, items):
    if not config.pluginmanager.hasplugin("xdist"):
        return
    # With `--dist loadgroup` (scripts/run-tests) every browser test runs in the same worker,
    # one after another: two Chromiums and two live servers at once on a small machine only
    # make both slower and flakier. Without xdist the mark does nothing.
    browser = [item for item in items if item.get_closest_marker("browser")]
    for item in browser:
        item.add_marker(pytest.mark.xdist_group("browser"))
    if os.environ.get("PYTEST_XDIST_WORKER") and browser:
        # In the workers (each collects the same list), the browser tests go first, so their
        # worker starts them at once and the other worker takes the rest meanwhile; last,
        # they ran alone on one core at the end of the run.
        others = [item for item in items if not item.get_closest_marker("browser")]
        items[:] = browser + others
