"""What every benchmark does with its measurements: check the SQL statement counts are
constant, write bench-results/<name>.json, and say OK or FAIL."""
from __future__ import annotations

import json
import platform
import sys
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def query_count_problems(results, pages, describe) -> list[str]:
    """A page's statement count must be one number across every run of it.

    `describe(result)` names the run in the message (for example "N=1000 queued=51").
    """
    problems = []
    for page in pages:
        rows = [r for r in results if r.page == page]
        counts = {(r.queries_min, r.queries_max) for r in rows}
        if len(counts) > 1 or any(lo != hi for lo, hi in counts):
            detail = ", ".join(
                f"{describe(r)}: {r.queries_min}" + (f"-{r.queries_max}" if r.queries_max != r.queries_min else "")
                for r in rows
            )
            problems.append(f"{page}: SQL statements per request change with the data ({detail})")
    return problems


def finish(name: str, results, problems: list[str], ok_message: str, **facts) -> int:
    """Write the results file and report; the exit status is 1 when a count grew."""
    path = REPO_ROOT / "bench-results" / f"{name}.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps({
        "benchmark": name,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        **facts,
        "results": [asdict(r) for r in results],
        "query_count_constant": not problems,
        "problems": problems,
    }, indent=2) + "\n")
    print(f"\nwritten {path.relative_to(REPO_ROOT)}")
    if problems:
        print("\nFAIL: " + "\nFAIL: ".join(problems), file=sys.stderr)
        return 1
    print("OK: " + ok_message)
    return 0
