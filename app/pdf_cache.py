"""PDFs already made, kept in the web process's memory, keyed by what they were made from.

A printout's PDF is a pure function of its HTML, the URL it is resolved against and the
static files it loads (the stylesheets): WeasyPrint writes no creation date or random ID, so
the same input gives the same bytes. The key is a SHA-256 of the HTML and the base URL; each
entry also keeps the size and modification time of every static file the render read, and
a hit whose files have changed since is dropped and made again. So a cached PDF is always
the one a fresh render would give, and any change to the case (anything the page shows)
changes the HTML and misses.

The cache never decides who may see a PDF: the view checks the user's access to the case
before it renders the HTML the key is made from. It holds personal data, in this process's
memory only (never on disk), bounded by `max_bytes` and dropped least recently used first;
it dies with the process.
"""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path

Fingerprint = tuple[tuple[str, int, int], ...]


def cache_key(html: str, base_url: str) -> str:
    return hashlib.sha256(f"{base_url}\0{html}".encode()).hexdigest()


def fingerprint(files: Iterable[Path]) -> Fingerprint:
    """(path, size, modification time in ns) of each file read, in a stable order."""
    prints = []
    for file in sorted(set(files)):
        try:
            stat = file.stat()
        except OSError:
            prints.append((str(file), -1, -1))
        else:
            prints.append((str(file), stat.st_size, stat.st_mtime_ns))
    return tuple(prints)


class PdfCache:
    """A thread-safe LRU of PDFs, at most `max_bytes` of them (0: keep none)."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._entries: OrderedDict[str, tuple[bytes, Fingerprint]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            pdf, prints = entry
            if fingerprint(Path(path) for path, _, _ in prints) != prints:  # a stylesheet changed
                self._drop(key)
                return None
            self._entries.move_to_end(key)
            return pdf

    def put(self, key: str, pdf: bytes, files: Iterable[Path]) -> None:
        if len(pdf) > self.max_bytes:
            return
        prints = fingerprint(files)
        with self._lock:
            if key in self._entries:
                self._drop(key)
            self._entries[key] = (pdf, prints)
            self._bytes += len(pdf)
            while self._bytes > self.max_bytes:
                self._drop(next(iter(self._entries)))

    @property
    def size_bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._entries)

    def _drop(self, key: str) -> None:
        pdf, _ = self._entries.pop(key)
        self._bytes -= len(pdf)
