"""The revisions after 14b0truncate0 take their append-only triggers from one module,
migrations/append_only_sql.py, loaded by path; the revisions before keep their frozen copies.
(What the triggers do is tested on both databases in tests/integration/test_append_only.py;
that the SQL did not change when it moved there was shown by dumping both schemas.)"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
USERS = ("15e0correct00", "15f0linked000", "16c0alerts000")


def test_revisions_load_their_shared_sql_wherever_alembic_runs_from(tmp_path):
    """Alembic loads revisions by path, not as a package, so `migrations` is no package a
    revision can count on importing: from another directory, with another package of that
    name earlier on sys.path (some installed libraries ship one), every revision still loads,
    the users of the shared module with it. (The project is on sys.path, as the app is when
    `flask db upgrade` runs: some revisions import it.)"""
    shadow = tmp_path / "elsewhere" / "migrations"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("")
    script = (
        "import sys\n"
        f"sys.path[:0] = [{str(shadow.parent)!r}, {str(MIGRATIONS.parent)!r}]\n"
        "from alembic.script import ScriptDirectory\n"
        f"scripts = ScriptDirectory({str(MIGRATIONS)!r})\n"
        "loaded = {s.revision: hasattr(s.module, 'append_only_sql') for s in scripts.walk_revisions()}\n"
        "print(sorted(r for r, shared in loaded.items() if shared), len(loaded))\n"
    )
    done = subprocess.run([sys.executable, "-I", "-c", script], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    users, count = done.stdout.rsplit(" ", 1)
    assert users == str(sorted(USERS)) and int(count) == len(list((MIGRATIONS / "versions").glob("*.py")))


def test_no_revision_after_14b0truncate0_copies_the_trigger_sql():
    """A later revision that makes a table append-only calls the shared module instead of
    writing the triggers again (the copies before 14b0truncate0 are frozen)."""
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory(str(MIGRATIONS))
    later = [s for s in scripts.walk_revisions(base="14b0truncate0", head="heads") if s.revision != "14b0truncate0"]
    assert {s.revision for s in later} >= set(USERS)
    copies = [s.revision for s in later if "_append_only BEFORE" in Path(s.path).read_text()]
    assert copies == []


def test_the_shared_sql_makes_the_triggers_the_app_looks_for():
    """The row trigger's name (<table>_append_only) is how 14b0truncate0 and
    app/database_roles.py find the append-only tables; SQLite gets one trigger per verb."""
    from importlib.util import module_from_spec, spec_from_file_location

    spec = spec_from_file_location("append_only_sql", MIGRATIONS / "append_only_sql.py")
    shared = module_from_spec(spec)
    spec.loader.exec_module(shared)
    postgres = shared.create_statements("x_log", "postgresql")
    assert [" ".join(s.split())[:40] for s in postgres] == [
        "CREATE FUNCTION x_log_refuse_change() RE",
        "CREATE TRIGGER x_log_append_only BEFORE ",
        "CREATE TRIGGER x_log_no_truncate BEFORE ",
    ]
    assert "EXECUTE FUNCTION refuse_truncate()" in postgres[2]
    sqlite = [" ".join(s.split()) for s in shared.create_statements("x_log", "sqlite")]
    assert sqlite == [f"CREATE TRIGGER x_log_no_{verb.lower()} BEFORE {verb} ON x_log BEGIN SELECT "
                      "RAISE(ABORT, 'x_log is append-only'); END;" for verb in ("UPDATE", "DELETE")]
    assert len(shared.drop_statements("x_log", "postgresql")) == 3
    assert shared.drop_statements("x_log", "sqlite") == ["DROP TRIGGER IF EXISTS x_log_no_update",
                                                         "DROP TRIGGER IF EXISTS x_log_no_delete"]
