from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

from app.demo import DEMO_USERS
from app.extensions import db
from app.models import Case, CaseState, Role, User
from app.services.search_index import outside_the_models
from tests.integration.conftest import login


def test_migrations_produce_exactly_the_models_schema(app):
    """Every schema change is a migration: the migrated database matches the models."""
    with db.engine.connect() as conn:
        # The search index is made by its migration in each database's own way (an FTS5 table,
        # a tsvector table) and is no model: it is left out, and tested in test_search.py.
        opts = {"compare_type": True, "include_name": outside_the_models}
        diff = compare_metadata(MigrationContext.configure(conn, opts=opts), db.metadata)
    assert diff == []


def test_users_create_command_makes_an_account_that_can_log_in(app, client):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "--email", "Sup@Test.Police.UK", "--name", "Pat Sup",
                                 "--role", "superintendent", "--password", "a long enough password"])
    assert result.exit_code == 0, result.output
    user = db.session.scalars(select(User).where(User.email == "sup@test.police.uk")).one()
    assert user.role is Role.SUPERINTENDENT
    assert login(client, user, "a long enough password").status_code == 302


def test_users_create_command_reports_bad_input(app):
    result = app.test_cli_runner().invoke(args=["users", "create", "--email", "bad", "--name", "X",
                                                "--role", "officer", "--password", "short"])
    assert result.exit_code == 1
    assert "correct format" in result.output and "at least 12 characters" in result.output


def test_seed_demo_creates_one_user_per_role_and_live_cases_once(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    for _role, email, password, *_ in DEMO_USERS:
        assert email in first.output and password in first.output
    assert {u.role for u in db.session.scalars(select(User))} == set(Role)
    cases = db.session.scalars(select(Case)).all()
    assert len(cases) >= 4
    assert {c.state for c in cases} == {CaseState.DRAFT, CaseState.AWAITING_AUTHORISATION, CaseState.SERVED, CaseState.ORDER_IN_FORCE}
    second = runner.invoke(args=["seed-demo"])
    assert "already present" in second.output
    assert db.session.scalar(select(func.count(Case.id))) == len(cases)


def test_seed_demo_refuses_in_production(app):
    app.config["DVPO_ENV"] = "production"
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0 and "refuses to run in production" in result.output


def test_upgrading_keeps_existing_cases_people_and_audit(app, make_user):
    """The regime column arrives on a database that already holds cases: nothing is lost."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import text

    from app.domain.regimes import RegimeCode
    from tests.integration.factories import open_case

    officer = make_user(Role.OFFICER)
    case_id = open_case(officer).id
    counts = lambda: [db.session.scalar(text(f"SELECT count(*) FROM {t}")) for t in ("case_file", "person", "audit_entry")]  # noqa: E731
    before = counts()
    db.session.remove()
    downgrade(revision="1e73d4452371")
    upgrade()
    assert counts() == before
    assert db.session.get(Case, case_id).regime is RegimeCode.DVPN
