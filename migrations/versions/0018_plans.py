"""The plan (issue #17): plan_periods (oppfølgingsperiode, owning the person's plan), plan_goals (goals per life area
and "Mitt mål", append-only with their history), plan_activities (NAV's activity types with life area, provider and
responsible person) and plan_activity_versions (every change, append-only)

Revision ID: 0018
Revises: 0017
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.models

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = core.models.UTCDateTime(timezone=True)


def _fk(table: str, column: str, target: str, ondelete: str | None) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "plan_periods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("started_reason", sa.String(length=40), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("ended_by_id", sa.Integer(), nullable=True),
        sa.Column("ended_by_name", sa.String(length=200), nullable=True),
        sa.Column("end_reason", sa.String(length=500), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        _fk("plan_periods", "candidate_id", "candidates", "CASCADE"),
        _fk("plan_periods", "office_id", "offices", None),
        _fk("plan_periods", "created_by_id", "users", "SET NULL"),
        _fk("plan_periods", "ended_by_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_periods")),
        sa.UniqueConstraint("uuid", name=op.f("uq_plan_periods_uuid")),
    )
    with op.batch_alter_table("plan_periods") as batch:
        batch.create_index(batch.f("ix_plan_periods_candidate_id"), ["candidate_id"], unique=False)
        batch.create_index(batch.f("ix_plan_periods_office_id"), ["office_id"], unique=False)

    op.create_table(
        "plan_goals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("life_area", sa.String(length=20), nullable=True),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("written_by_type", sa.String(length=10), nullable=False),
        sa.Column("written_by_id", sa.Integer(), nullable=True),
        sa.Column("written_by_name", sa.String(length=200), nullable=False),
        sa.Column("valid_from", UTC, nullable=False),
        sa.Column("superseded_at", UTC, nullable=True),
        _fk("plan_goals", "period_id", "plan_periods", "CASCADE"),
        _fk("plan_goals", "candidate_id", "candidates", "CASCADE"),
        _fk("plan_goals", "written_by_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_goals")),
    )
    with op.batch_alter_table("plan_goals") as batch:
        batch.create_index(batch.f("ix_plan_goals_period_id"), ["period_id"], unique=False)
        batch.create_index(batch.f("ix_plan_goals_candidate_id"), ["candidate_id"], unique=False)

    op.create_table(
        "plan_activities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=30), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("from_date", sa.Date(), nullable=True),
        sa.Column("to_date", sa.Date(), nullable=True),
        sa.Column("link", sa.String(length=2000), nullable=False),
        sa.Column("avtalt", sa.Boolean(), nullable=False),
        sa.Column("end_comment", sa.String(length=255), nullable=True),
        sa.Column("life_area", sa.String(length=20), nullable=False),
        sa.Column("provider", sa.String(length=20), nullable=False),
        sa.Column("provider_org", sa.String(length=200), nullable=False),
        sa.Column("responsible_name", sa.String(length=200), nullable=False),
        sa.Column("responsible_org", sa.String(length=200), nullable=False),
        sa.Column("responsible_phone", sa.String(length=40), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("source_key", sa.String(length=60), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("changed_by_type", sa.String(length=10), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("changed_by_name", sa.String(length=200), nullable=False),
        sa.Column("transaction_type", sa.String(length=40), nullable=False),
        sa.Column("historic_at", UTC, nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        _fk("plan_activities", "period_id", "plan_periods", "CASCADE"),
        _fk("plan_activities", "candidate_id", "candidates", "CASCADE"),
        _fk("plan_activities", "office_id", "offices", None),
        _fk("plan_activities", "created_by_id", "users", "SET NULL"),
        _fk("plan_activities", "changed_by_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_activities")),
        sa.UniqueConstraint("uuid", name=op.f("uq_plan_activities_uuid")),
    )
    with op.batch_alter_table("plan_activities") as batch:
        batch.create_index(batch.f("ix_plan_activities_period_id"), ["period_id"], unique=False)
        batch.create_index(batch.f("ix_plan_activities_candidate_id"), ["candidate_id"], unique=False)
        batch.create_index(batch.f("ix_plan_activities_office_id"), ["office_id"], unique=False)

    op.create_table(
        "plan_activity_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("transaction_type", sa.String(length=40), nullable=False),
        sa.Column("changed_by_type", sa.String(length=10), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("changed_by_name", sa.String(length=200), nullable=False),
        sa.Column("changed_at", UTC, nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        _fk("plan_activity_versions", "activity_id", "plan_activities", "CASCADE"),
        _fk("plan_activity_versions", "changed_by_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_activity_versions")),
        sa.UniqueConstraint("activity_id", "version", name="uq_plan_activity_versions_version"),
    )
    with op.batch_alter_table("plan_activity_versions") as batch:
        batch.create_index(batch.f("ix_plan_activity_versions_activity_id"), ["activity_id"], unique=False)


def downgrade() -> None:
    op.drop_table("plan_activity_versions")
    op.drop_table("plan_activities")
    op.drop_table("plan_goals")
    op.drop_table("plan_periods")
