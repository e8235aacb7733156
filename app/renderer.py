"""Heavy rendering in renderer processes of its own: WeasyPrint's PDFs and matplotlib's charts.

Once a process has made one PDF it keeps WeasyPrint (about 40 MB with its fonts); once it has
drawn one chart it keeps matplotlib and NumPy (about 80 MB). In a web process that would be
every web process, for good, after the first printout or figures page: issue 18 wants a web
process under 150 MB. With `RENDER_PROCESSES` above 0 (the default outside the test suites)
each web process hands that work to a pool of that many renderer processes of its own,
started on first use with multiprocessing's "spawn" (never "fork": a gunicorn gthread
worker has threads, and a forked child would inherit their locks half-held). The web
process sends the HTML or the chart's data and gets the bytes back; it never imports either
library. With 0 the work is done in the calling process (the suites, which make hundreds of
PDFs: starting renderers per test app would cost more than it saves).

A renderer that dies (killed by the kernel for memory, say) breaks its pool: the pool is
replaced and the render tried once more, so one crash costs one slow request, not all later ones.
"""
from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None
_pool_size = 0


def run(function: Callable[..., Any], *args: Any, processes: int) -> Any:
    """`function(*args)` in a renderer process (in this one when `processes` is 0). The
    function must be importable by name and its arguments and result picklable."""
    if processes <= 0:
        return function(*args)
    for attempt in (1, 2):
        pool = _renderers(processes)
        try:
            return pool.submit(function, *args).result()
        except BrokenProcessPool:
            _discard(pool)
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def warm(processes: int) -> None:
    """Start this process's renderers now and have them load WeasyPrint, without waiting.

    A gunicorn worker calls it as it starts (gunicorn.conf.py, `post_worker_init`): otherwise
    the first printout after every start or restart (`max_requests` replaces workers all the
    time) waits seconds for a new process to import WeasyPrint and its fonts."""
    if processes > 0:
        _renderers(processes).submit(_warm_up)


def _warm_up() -> None:
    from app.printing import render_pdf

    render_pdf("<p>DVPO Desk</p>", "http://localhost/", None)


def _renderers(processes: int) -> ProcessPoolExecutor:
    global _pool, _pool_size
    with _lock:
        if _pool is None or _pool_size != processes:
            if _pool is not None:
                _pool.shutdown(wait=False)
            _pool = ProcessPoolExecutor(max_workers=processes, mp_context=multiprocessing.get_context("spawn"))
            _pool_size = processes
        return _pool


def _discard(pool: ProcessPoolExecutor) -> None:
    global _pool
    with _lock:
        if _pool is pool:
            _pool = None
    pool.shutdown(wait=False, cancel_futures=True)


def renderer_pids() -> list[int]:
    """The process ids of this process's renderers (for the tests and the memory measurement)."""
    with _lock:
        return sorted(_pool._processes) if _pool is not None and _pool._processes else []
