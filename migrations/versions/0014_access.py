"""Need-to-know and integrity: employers.owner_office_id (the office that merges and deletes the record),
praksisplasser.version (optimistic locking on the API PATCH), candidate_break_glass (the admin's recorded
reasons to read a person's record)

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.models

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("employers") as batch:
        batch.add_column(sa.Column("owner_office_id", sa.Integer(), nullable=True))
        batch.create_index(batch.f("ix_employers_owner_office_id"), ["owner_office_id"], unique=False)
        batch.create_foreign_key(
            batch.f("fk_employers_owner_office_id_offices"),
            "offices",
            ["owner_office_id"],
            ["id"],
            ondelete="SET NULL",
        )
    # The owner of a record made before this revision: the office of whoever created it (the audit log's
    # "create" row); records made by the system or an admin stay without one (only an admin merges them).
    op.execute(
        """
        UPDATE employers SET owner_office_id = (
            SELECT users.office_id FROM audit_log JOIN users ON users.id = audit_log.actor_id
            WHERE audit_log.subject_type = 'employer' AND audit_log.action = 'create'
              AND audit_log.subject_id = CAST(employers.id AS VARCHAR(64))
            ORDER BY audit_log.id LIMIT 1
        )
        """
    )
    with op.batch_alter_table("praksisplasser") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
    op.create_table(
        "candidate_break_glass",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("user_name", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", core.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidates.id"],
            name=op.f("fk_candidate_break_glass_candidate_id_candidates"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_candidate_break_glass_office_id_offices"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_candidate_break_glass_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_candidate_break_glass")),
    )
    with op.batch_alter_table("candidate_break_glass") as batch:
        batch.create_index(batch.f("ix_candidate_break_glass_candidate_id"), ["candidate_id"], unique=False)
        batch.create_index(batch.f("ix_candidate_break_glass_office_id"), ["office_id"], unique=False)
        batch.create_index(batch.f("ix_candidate_break_glass_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_table("candidate_break_glass")
    with op.batch_alter_table("praksisplasser") as batch:
        batch.drop_column("version")
    with op.batch_alter_table("employers") as batch:
        batch.drop_constraint(batch.f("fk_employers_owner_office_id_offices"), type_="foreignkey")
        batch.drop_index(batch.f("ix_employers_owner_office_id"))
        batch.drop_column("owner_office_id")
