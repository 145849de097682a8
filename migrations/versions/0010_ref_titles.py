"""reference: ref_titles, the observed job titles (NAV's list) with their STYRK-08 unit group; and
ref_municipality_aliases, older municipality codes (2014 list, 2020 reform, GeoNames' codes) → today's code

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ref_titles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("styrk_code", sa.String(length=4), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ref_titles")),
        sa.UniqueConstraint("source", "title", name=op.f("uq_ref_titles_source")),
    )
    with op.batch_alter_table("ref_titles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ref_titles_styrk_code"), ["styrk_code"], unique=False)
    op.create_table(
        "ref_municipality_aliases",
        sa.Column("code", sa.String(length=4), nullable=False),
        sa.Column("municipality_code", sa.String(length=4), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_ref_municipality_aliases")),
    )
    with op.batch_alter_table("ref_municipality_aliases", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ref_municipality_aliases_municipality_code"), ["municipality_code"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("ref_municipality_aliases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ref_municipality_aliases_municipality_code"))
    op.drop_table("ref_municipality_aliases")
    with op.batch_alter_table("ref_titles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ref_titles_styrk_code"))
    op.drop_table("ref_titles")
