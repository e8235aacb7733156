"""The cache of PDFs already made (app/pdf_cache.py): keyed by content, bounded, never stale."""
from __future__ import annotations

import os

from app.pdf_cache import PdfCache, cache_key


def test_a_hit_returns_the_same_bytes_and_other_content_misses(tmp_path):
    css = tmp_path / "print.css"
    css.write_text("@page { size: A4 }")
    cache = PdfCache(max_bytes=1000)
    key = cache_key("<p>Case 1</p>", "http://localhost/")
    cache.put(key, b"%PDF-one", [css])
    assert cache.get(key) == b"%PDF-one"
    assert cache.get(cache_key("<p>Case 2</p>", "http://localhost/")) is None
    assert cache.get(cache_key("<p>Case 1</p>", "https://dvpo.example/")) is None  # another base URL


def test_a_changed_stylesheet_makes_the_entry_stale(tmp_path):
    css = tmp_path / "print.css"
    css.write_text("@page { size: A4 }")
    cache = PdfCache(max_bytes=1000)
    key = cache_key("<p>Case 1</p>", "http://localhost/")
    cache.put(key, b"%PDF-one", [css])
    stat = css.stat()
    os.utime(css, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert cache.get(key) is None
    assert len(cache) == 0 and cache.size_bytes == 0


def test_the_bound_drops_the_least_recently_used(tmp_path):
    cache = PdfCache(max_bytes=10)
    cache.put("a", b"aaaa", [])
    cache.put("b", b"bbbb", [])
    assert cache.get("a") == b"aaaa"  # a is now the most recent
    cache.put("c", b"cccc", [])  # 12 bytes: b goes
    assert cache.get("b") is None
    assert (cache.get("a"), cache.get("c")) == (b"aaaa", b"cccc")
    assert cache.size_bytes == 8
    cache.put("big", b"x" * 11, [])  # larger than the whole cache: not kept, nothing dropped
    assert cache.get("big") is None and len(cache) == 2


def test_a_cache_of_nothing_keeps_nothing():
    cache = PdfCache(max_bytes=0)
    cache.put("a", b"a", [])
    assert cache.get("a") is None
