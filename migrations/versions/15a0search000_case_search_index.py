"""Search for cases and the list of every case (issue 15, section 1)

`case_search` holds one row per case: the words the case is found by (its reference,
people's names with their misspelling keys, the address and postcode, phone numbers),
written by app/services/search_index.py whenever one of those facts changes, in the same
transaction. It is derived data, built here from the existing cases; `flask search rebuild`
makes it again.

- SQLite: an FTS5 virtual table (rowid = the case's id) with prefix indexes for words
  typed in part.
- PostgreSQL: an ordinary table with a weighted tsvector (names A, address B, reference and
  phones C, misspelling keys D) under a GIN index, and a GIN trigram index over the names
  (pg_trgm, a trusted extension the database's owner may create) for similar names.

Also indexes for the list of cases (incident and service dates) and for finding a person by
date of birth.

Revision ID: 15a0search000
Revises: 14b0truncate0
"""
from alembic import op


revision = '15a0search000'
down_revision = "15c0accounts0"
branch_labels = None
depends_on = None


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute("CREATE VIRTUAL TABLE case_search USING fts5("
                   "reference, names, name_keys, address, phones, "
                   "tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')")
    else:
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("""
            CREATE TABLE case_search (
                case_id integer PRIMARY KEY REFERENCES case_file (id) ON DELETE CASCADE,
                reference text NOT NULL DEFAULT '',
                names text NOT NULL DEFAULT '',
                name_keys text NOT NULL DEFAULT '',
                address text NOT NULL DEFAULT '',
                phones text NOT NULL DEFAULT '',
                document tsvector GENERATED ALWAYS AS (
                    setweight(to_tsvector('simple', names), 'A')
                    || setweight(to_tsvector('simple', address), 'B')
                    || setweight(to_tsvector('simple', reference || ' ' || phones), 'C')
                    || setweight(to_tsvector('simple', name_keys), 'D')
                ) STORED
            )
        """)
        op.execute("CREATE INDEX ix_case_search_document ON case_search USING gin (document)")
        op.execute("CREATE INDEX ix_case_search_names_trgm ON case_search USING gin (names gin_trgm_ops)")
    op.create_index('ix_person_date_of_birth', 'person', ['date_of_birth'])
    op.create_index('ix_case_file_incident_at', 'case_file', ['incident_at'])
    op.create_index('ix_case_file_served_at', 'case_file', ['served_at'])

    from app.services.search_index import rebuild

    rebuild(bind)


def downgrade():
    op.drop_index('ix_case_file_served_at', table_name='case_file')
    op.drop_index('ix_case_file_incident_at', table_name='case_file')
    op.drop_index('ix_person_date_of_birth', table_name='person')
    op.execute("DROP TABLE case_search")
