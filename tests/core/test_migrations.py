"""The migrations and the models describe the same schema, on SQLite and PostgreSQL alike."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from core import migrate
from web.registry import metadata

IGNORED_TABLES = {"alembic_version", "apscheduler_jobs"}


def test_models_match_migrations(engine):
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = [
            d
            for d in compare_metadata(ctx, metadata())
            if not (d[0] in ("remove_table",) and d[1].name in IGNORED_TABLES)
            and not (d[0] == "remove_index" and d[1].table.name in IGNORED_TABLES)
        ]
    assert diff == [], f"models and migrations differ: {diff}"


def test_database_is_at_head(engine):
    assert migrate.current_revision(engine) == migrate.head_revision()
