"""Pure verdict logic for the scale benchmarks (tests/benchmarks/scale.py, http_load.py):
percentiles, ratios of medians measured in one run, and pass or fail against a limit.

A verdict compares A with B measured in the same run, interleaved, so a busy machine slows
both and cannot flip it; the absolute figures are recorded beside it, never judged alone
(except the goal stated in absolute terms: the p95 under load)."""
from __future__ import annotations

import json
import math
import platform
import statistics
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def percentile(samples: list[float], fraction: float) -> float:
    """Nearest-rank percentile (fraction 0.95 for p95) of a non-empty list."""
    if not samples:
        raise ValueError("no samples")
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def summary(samples: list[float]) -> dict:
    """Absolute figures of one series of timings in milliseconds."""
    return {"n": len(samples), "median_ms": round(statistics.median(samples), 2),
            "p95_ms": round(percentile(samples, 0.95), 2), "max_ms": round(max(samples), 2)}


@dataclass(frozen=True)
class Verdict:
    name: str
    measured: float
    limit: float
    passed: bool
    how: str  # what was compared: "median A / median B", "p95 ms", "errors"


def ratio_verdict(name: str, a: list[float], b: list[float], limit: float) -> Verdict:
    """Median of A over median of B, passing when at most `limit`."""
    value = statistics.median(a) / max(statistics.median(b), 1e-9)
    return Verdict(name, round(value, 2), limit, value <= limit, "median A / median B, interleaved")


def at_most(name: str, value: float, limit: float, how: str) -> Verdict:
    return Verdict(name, round(value, 2), limit, value <= limit, how)


def limit_from_env(environ, key: str, default: float) -> float:
    raw = environ.get(key, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SystemExit(f"{key} must be a number, got {raw!r}") from None
    if value <= 0:
        raise SystemExit(f"{key} must be more than 0, got {raw!r}")
    return value


def write(name: str, verdicts: list[Verdict], **facts) -> Path:
    """bench-results/<name>.json, in the shape the other benchmarks write (benchmark, at, python)."""
    path = REPO_ROOT / "bench-results" / f"{name}.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps({
        "benchmark": name, "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(), **facts,
        "verdicts": [asdict(v) for v in verdicts], "passed": all(v.passed for v in verdicts),
    }, indent=2, default=str) + "\n")
    return path


def print_verdicts(verdicts: list[Verdict]) -> int:
    """One line per verdict; the exit status: 1 if any failed."""
    for v in verdicts:
        print(f"{'PASS' if v.passed else 'FAIL'}  {v.name}: {v.measured} ({v.how}; limit {v.limit})")
    return 0 if all(v.passed for v in verdicts) else 1
