"""sharing is an act: the presentation written for employers, and who shared a candidate-list entry

Revision ID: 0012
Revises: 0011

Until now a recorded consent showed the candidate to the employer at once. From here the employer sees a
candidate only through a candidate-list entry someone shared (`shared_at`) under an active consent recorded no
later than the share. No data is changed: entries already shared under a consent stay shared (the old share
button required the consent), and a consent without a shared entry shows the employer nothing. The summary is no
longer shown to employers; `presentation` (empty until someone writes it) is.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("candidates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("presentation", sa.Text(), server_default="", nullable=False))
    with op.batch_alter_table("candidate_list_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("shared_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("shared_by_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("share_override_reason", sa.Text(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_candidate_list_entries_shared_by_id_users"),
            "users",
            ["shared_by_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("candidate_list_entries", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_candidate_list_entries_shared_by_id_users"), type_="foreignkey"
        )
        batch_op.drop_column("share_override_reason")
        batch_op.drop_column("shared_by_name")
        batch_op.drop_column("shared_by_id")
    with op.batch_alter_table("candidates", schema=None) as batch_op:
        batch_op.drop_column("presentation")
