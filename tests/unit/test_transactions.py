"""Who commits is visible: every service function that commits is marked @commits, every
one marked @in_callers_transaction never commits, and no view commits
(app/services/transaction.py)."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "app"


def _functions(path: Path):
    source = path.read_text()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef):
            marks = {ast.unparse(d) for d in node.decorator_list}
            yield node.name, marks, "db.session.commit()" in ast.get_source_segment(source, node)


def test_every_service_function_that_commits_says_so():
    unmarked, wrongly_marked = [], []
    for path in sorted((ROOT / "services").glob("*.py")):
        for name, marks, commits in _functions(path):
            if commits and "commits" not in marks:
                unmarked.append(f"{path.name}:{name}")
            if commits and "in_callers_transaction" in marks:
                wrongly_marked.append(f"{path.name}:{name}")
    assert unmarked == [] and wrongly_marked == []


def test_no_view_commits():
    assert [str(p) for p in (ROOT / "web").rglob("*.py") if "db.session.commit()" in p.read_text()] == []
