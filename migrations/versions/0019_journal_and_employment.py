"""Staff carry their employer (users.employment: STAT or KOMMUNE; existing NAV staff are state employees) and one
journal per person (plan_journal_entries, with the append-only history plan_journal_versions): notes and
samtalereferat marked with the service they belong to

Revision ID: 0019
Revises: 0018
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.models

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("employment", sa.String(length=10), nullable=True))
    op.execute("UPDATE users SET employment = 'STAT' WHERE role <> 'arbeidsgiver'")

    op.create_table(
        "plan_journal_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("service", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("event_date", sa.Date(), nullable=False),
        sa.Column("corrects_id", sa.Integer(), nullable=True),
        sa.Column("created_at", core.models.UTCDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_by_name", sa.String(length=200), nullable=False),
        sa.Column("updated_at", core.models.UTCDateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("shared_with_person_at", core.models.UTCDateTime(), nullable=True),
        sa.Column("shared_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidates.id"],
            name=op.f("fk_plan_journal_entries_candidate_id_candidates"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["corrects_id"],
            ["plan_journal_entries.id"],
            name=op.f("fk_plan_journal_entries_corrects_id_plan_journal_entries"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_plan_journal_entries_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_plan_journal_entries_office_id_offices"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["shared_by_id"],
            ["users.id"],
            name=op.f("fk_plan_journal_entries_shared_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["users.id"],
            name=op.f("fk_plan_journal_entries_updated_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_journal_entries")),
    )
    with op.batch_alter_table("plan_journal_entries") as batch:
        batch.create_index(batch.f("ix_plan_journal_entries_candidate_id"), ["candidate_id"], unique=False)
        batch.create_index(batch.f("ix_plan_journal_entries_corrects_id"), ["corrects_id"], unique=False)
        batch.create_index(batch.f("ix_plan_journal_entries_office_id"), ["office_id"], unique=False)
        batch.create_index(batch.f("ix_plan_journal_entries_service"), ["service"], unique=False)

    op.create_table(
        "plan_journal_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("change_type", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("service", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("event_date", sa.Date(), nullable=False),
        sa.Column("changed_at", core.models.UTCDateTime(), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("changed_by_name", sa.String(length=200), nullable=False),
        sa.Column("changed_by_type", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["changed_by_id"],
            ["users.id"],
            name=op.f("fk_plan_journal_versions_changed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["plan_journal_entries.id"],
            name=op.f("fk_plan_journal_versions_entry_id_plan_journal_entries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_journal_versions")),
        sa.UniqueConstraint("entry_id", "version", name=op.f("uq_plan_journal_versions_entry_id")),
    )
    with op.batch_alter_table("plan_journal_versions") as batch:
        batch.create_index(batch.f("ix_plan_journal_versions_entry_id"), ["entry_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("plan_journal_versions") as batch:
        batch.drop_index(batch.f("ix_plan_journal_versions_entry_id"))
    op.drop_table("plan_journal_versions")
    with op.batch_alter_table("plan_journal_entries") as batch:
        batch.drop_index(batch.f("ix_plan_journal_entries_service"))
        batch.drop_index(batch.f("ix_plan_journal_entries_office_id"))
        batch.drop_index(batch.f("ix_plan_journal_entries_corrects_id"))
        batch.drop_index(batch.f("ix_plan_journal_entries_candidate_id"))
    op.drop_table("plan_journal_entries")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("employment")
