import logging
from logging.config import fileConfig

from flask import current_app
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool

from alembic import context

# this is the Alembic Config object, which provides
# access to the values within the .ini file in use.
config = context.config

# Interpret the config file for Python logging.
# This line sets up loggers basically.
fileConfig(config.config_file_name)
logger = logging.getLogger('alembic.env')


_migration_engine = None


def get_engine():
    """The engine the migrations run on: the tables' owner (MIGRATION_DATABASE_URL), or the
    app's own engine where both are the same URL (SQLite, development)."""
    global _migration_engine
    app_engine = current_app.extensions['migrate'].db.engine
    owner_url = current_app.config.get("MIGRATION_DATABASE_URI")
    if not owner_url or owner_url == current_app.config["SQLALCHEMY_DATABASE_URI"]:
        return app_engine
    if _migration_engine is None:
        _migration_engine = create_engine(owner_url, poolclass=NullPool)
    return _migration_engine


def grant_runtime_role(connection):
    """After the migrations, in their transaction: the app's role (the user in DATABASE_URL)
    gets exactly its privileges (app/database_roles.py), whatever tables exist now."""
    if connection.dialect.name != "postgresql":
        return
    from app.database_roles import grant_runtime_privileges

    runtime_role = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).username
    owner = connection.execute(text("SELECT current_user")).scalar()
    if runtime_role is None and get_engine() is _migration_engine:
        raise RuntimeError("DATABASE_URL must name its user (the app's role), e.g. "
                           "postgresql://dvpo_app@/dvpo?host=/run/postgresql: the migrations grant that role its privileges")
    if runtime_role is None or runtime_role == owner:
        logger.info("The app connects as %s, the migrations' own role: no separate role to grant to.", owner)
        return
    grant_runtime_privileges(connection, runtime_role)
    logger.info("Granted the app's database role %s its privileges (the migrations ran as %s).", runtime_role, owner)


def get_engine_url():
    try:
        return get_engine().url.render_as_string(hide_password=False).replace(
            '%', '%%')
    except AttributeError:
        return str(get_engine().url).replace('%', '%%')


# add your model's MetaData object here
# for 'autogenerate' support
# from myapp import mymodel
# target_metadata = mymodel.Base.metadata
config.set_main_option('sqlalchemy.url', get_engine_url())
target_db = current_app.extensions['migrate'].db

# other values from the config, defined by the needs of env.py,
# can be acquired:
# my_important_option = config.get_main_option("my_important_option")
# ... etc.


def get_metadata():
    if hasattr(target_db, 'metadatas'):
        return target_db.metadatas[None]
    return target_db.metadata


def render_item(type_, obj, autogen_context):
    """Write our UTCDateTime columns as plain timezone-aware DateTime in revisions.

    The type's UTC handling lives in Python; in the database it is a DateTime, and
    revisions must not import application code that may change later.
    """
    from app.models.types import UTCDateTime

    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations_offline():
    """Run migrations in 'offline' mode.

    This configures the context with just a URL
    and not an Engine, though an Engine is acceptable
    here as well.  By skipping the Engine creation
    we don't even need a DBAPI to be available.

    Calls to context.execute() here emit the given string to the
    script output.

    """
    url = config.get_main_option("sqlalchemy.url")
    context.configure(
        url=url, target_metadata=get_metadata(), literal_binds=True
    )

    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    """Run migrations in 'online' mode.

    In this scenario we need to create an Engine
    and associate a connection with the context.

    """

    # this callback is used to prevent an auto-migration from being generated
    # when there are no changes to the schema
    # reference: http://alembic.zzzcomputing.com/en/latest/cookbook.html
    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, 'autogenerate', False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info('No changes in schema detected.')

    conf_args = current_app.extensions['migrate'].configure_args
    conf_args.setdefault("render_item", render_item)
    conf_args.setdefault("compare_type", True)
    # SQLite cannot ALTER most things; batch mode lets later revisions change columns there.
    conf_args.setdefault("render_as_batch", True)
    # The search index (migration 15a0search000) is no ORM model: autogenerate leaves it be.
    from app.services.search_index import outside_the_models
    conf_args.setdefault("include_name", outside_the_models)
    if conf_args.get("process_revision_directives") is None:
        conf_args["process_revision_directives"] = process_revision_directives

    connectable = get_engine()

    with connectable.connect() as connection:
        if connection.dialect.name == "sqlite":
            # Batch mode rebuilds SQLite tables (copy, drop, rename); with foreign keys on,
            # dropping the old table would cascade deletes into the rows that point at it.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()  # end the autobegun transaction so Alembic owns its own
        context.configure(
            connection=connection,
            target_metadata=get_metadata(),
            **conf_args
        )

        with context.begin_transaction():
            context.run_migrations()
            grant_runtime_role(connection)
    if connectable is _migration_engine:
        connectable.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
