"""change marks: candidates and openings own a `changed_at` (the ranking index's mark)

Revision ID: 0015
Revises: 0014

The live ranking refreshed its candidate index from the audit log's last non-read entry (so every change had to
be audit-logged to reach it) and its opening index from `updated_at`. Both tables now carry `changed_at`, set by
the ORM on every change of the row and touched when a row that belongs to a candidate changes. Existing rows
start at their `updated_at`.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.models

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("candidates", "openings")


def upgrade() -> None:
    for table in TABLES:
        op.add_column(table, sa.Column("changed_at", core.models.UTCDateTime(timezone=True), nullable=True))
        op.execute(sa.text(f"UPDATE {table} SET changed_at = updated_at"))
        with op.batch_alter_table(table) as batch:
            batch.alter_column(
                "changed_at", existing_type=core.models.UTCDateTime(timezone=True), nullable=False
            )
        op.create_index(f"ix_{table}_changed_at", table, ["changed_at"])


def downgrade() -> None:
    for table in TABLES:
        op.drop_index(f"ix_{table}_changed_at", table_name=table)
        with op.batch_alter_table(table) as batch:
            batch.drop_column("changed_at")
