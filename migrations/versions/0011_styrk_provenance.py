"""styrk provenance: where each stored STYRK-08 code came from (a person, an import, the title) and how sure

Revision ID: 0011
Revises: 0010

CV entries, openings and praksisplasser get `styrk_source` and `styrk_confidence`; the jobbprofil, whose codes
are a list, gets `wanted_styrk_sources` (code → source and confidence). Existing codes keep NULL / {}: nobody
knows where they came from.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"  # task said 0009; chained after data's 0010 once merged (one head)
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("candidate_work_experiences", "openings", "praksisplasser")


def upgrade() -> None:
    for table in TABLES:
        op.add_column(table, sa.Column("styrk_source", sa.String(length=10), nullable=True))
        op.add_column(table, sa.Column("styrk_confidence", sa.Float(), nullable=True))
    op.add_column(
        "candidate_job_profiles",
        sa.Column("wanted_styrk_sources", sa.JSON(), nullable=False, server_default=sa.text("'{}'")),
    )


def downgrade() -> None:
    with op.batch_alter_table("candidate_job_profiles") as batch:
        batch.drop_column("wanted_styrk_sources")
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("styrk_confidence")
            batch.drop_column("styrk_source")
