"""Session-wide settings for every suite: garbage collection tuned for a test run, and
under pytest-xdist the browser tests dealt into two groups, each run in one worker.

A test run allocates a great many short-lived objects (requests, ORM rows, parsed pages)
on top of a large, long-lived heap (the app, SQLAlchemy, Jinja, Playwright, Hypothesis).
With Python's default thresholds the collector ran often and walked that whole heap each
time; here the heap that exists once the tests are collected is frozen out of collection
and the youngest generation is collected less often. Nothing is leaked: every cycle is
still collected, only later.
"""
from __future__ import annotations

import gc

import pytest

GEN0_THRESHOLD = 50_000  # Python's default is 700


def pytest_configure(config):  # noqa: ARG001 - pytest's hook signature
    _, gen1, gen2 = gc.get_threshold()
    gc.set_threshold(GEN0_THRESHOLD, gen1, gen2)


def pytest_collection_finish(session):  # noqa: ARG001
    # Everything imported and built to collect the tests lives to the end of the run.
    gc.collect()
    gc.freeze()


# Browser tests run in this many xdist groups (scripts/run-tests uses `--dist loadgroup`).
BROWSER_GROUPS = 2


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook, which reads the group marks
def pytest_collection_modifyitems(config, items):
    if not config.pluginmanager.hasplugin("xdist"):
        return
    # With `--dist loadgroup` the browser tests are dealt, in turn, into BROWSER_GROUPS
    # groups; a group's tests run one after another in one worker. xdist hands out the
    # largest groups first (its --loadscope-reorder, on by default), so each of the two
    # workers starts with a group of browser tests, and takes single tests of the other
    # suites once it is through. At most two Chromiums and two live servers run at once: one
    # group alone kept a worker on the browser tests for four minutes after the other had
    # finished everything else. Without xdist the marks do nothing.
    browser = [item for item in items if item.get_closest_marker("browser")]
    for index, item in enumerate(browser):
        item.add_marker(pytest.mark.xdist_group(f"browser-{index % BROWSER_GROUPS}"))
