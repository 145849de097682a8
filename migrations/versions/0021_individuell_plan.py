"""Individuell plan with koordinator (plans): plan_ip (the IP-only part of one oppfølgingsperiode's plan, one per
period: status, legal bases, koordinator, plan period and revision, consents, resources and needs, contributions),
plan_ip_participants (who takes part in the planning work and what they contribute) and plan_ip_evaluations
(evaluation rounds with the person's own assessment)

Revision ID: 0021
Revises: 0020
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.models

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "plan_ip",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("legal_bases", sa.JSON(), nullable=False),
        sa.Column("koordinator_user_id", sa.Integer(), nullable=True),
        sa.Column("koordinator_name", sa.String(length=200), nullable=False),
        sa.Column("koordinator_org", sa.String(length=200), nullable=False),
        sa.Column("koordinator_phone", sa.String(length=40), nullable=False),
        sa.Column("period_from", sa.Date(), nullable=True),
        sa.Column("period_to", sa.Date(), nullable=True),
        sa.Column("next_revision", sa.Date(), nullable=True),
        sa.Column("consent_date", sa.Date(), nullable=True),
        sa.Column("share_consent_date", sa.Date(), nullable=True),
        sa.Column("share_with", sa.Text(), nullable=False),
        sa.Column("share_confidential", sa.Boolean(), nullable=False),
        sa.Column("resources", sa.Text(), nullable=False),
        sa.Column("needs", sa.Text(), nullable=False),
        sa.Column("own_effort", sa.Text(), nullable=False),
        sa.Column("network_contribution", sa.Text(), nullable=False),
        sa.Column("implementation", sa.Text(), nullable=False),
        sa.Column("cooperation", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("changed_by_name", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_at", core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", core.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidates.id"],
            name=op.f("fk_plan_ip_candidate_id_candidates"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_plan_ip_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["koordinator_user_id"],
            ["users.id"],
            name=op.f("fk_plan_ip_koordinator_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(["office_id"], ["offices.id"], name=op.f("fk_plan_ip_office_id_offices")),
        sa.ForeignKeyConstraint(
            ["period_id"],
            ["plan_periods.id"],
            name=op.f("fk_plan_ip_period_id_plan_periods"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_ip")),
    )
    op.create_index(op.f("ix_plan_ip_candidate_id"), "plan_ip", ["candidate_id"], unique=False)
    op.create_index(op.f("ix_plan_ip_office_id"), "plan_ip", ["office_id"], unique=False)
    op.create_index(op.f("ix_plan_ip_period_id"), "plan_ip", ["period_id"], unique=True)

    op.create_table(
        "plan_ip_evaluations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ip_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("participants", sa.Text(), nullable=False),
        sa.Column("person_took_part", sa.Boolean(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("person_assessment", sa.Text(), nullable=False),
        sa.Column("next_date", sa.Date(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by_name", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", core.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["ip_id"], ["plan_ip.id"], name=op.f("fk_plan_ip_evaluations_ip_id_plan_ip"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_plan_ip_evaluations_recorded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_ip_evaluations")),
    )
    op.create_index(op.f("ix_plan_ip_evaluations_ip_id"), "plan_ip_evaluations", ["ip_id"], unique=False)

    op.create_table(
        "plan_ip_participants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ip_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("contact", sa.String(length=200), nullable=False),
        sa.Column("contribution", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ip_id"], ["plan_ip.id"], name=op.f("fk_plan_ip_participants_ip_id_plan_ip"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_ip_participants")),
    )
    op.create_index(op.f("ix_plan_ip_participants_ip_id"), "plan_ip_participants", ["ip_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_plan_ip_participants_ip_id"), table_name="plan_ip_participants")

    op.drop_table("plan_ip_participants")
    op.drop_index(op.f("ix_plan_ip_evaluations_ip_id"), table_name="plan_ip_evaluations")

    op.drop_table("plan_ip_evaluations")
    op.drop_index(op.f("ix_plan_ip_period_id"), table_name="plan_ip")
    op.drop_index(op.f("ix_plan_ip_office_id"), table_name="plan_ip")
    op.drop_index(op.f("ix_plan_ip_candidate_id"), table_name="plan_ip")

    op.drop_table("plan_ip")
