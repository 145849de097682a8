"""§14a record and behovsvurdering (plans): plan_vedtak (one row per decision or draft: innsatsgruppe, hovedmål,
begrunnelse, decision date, drafter and approver, the re-assessment block; one current and one open draft per
person, each a partial unique index), plan_vedtak_sources (kilder) and plan_vedtak_answers (the help questions)

Revision ID: 0020
Revises: 0019
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.models

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "plan_vedtak",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("referanse", sa.String(length=36), nullable=False),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("innsatsgruppe", sa.String(length=40), nullable=True),
        sa.Column("hovedmal", sa.String(length=20), nullable=True),
        sa.Column("begrunnelse", sa.Text(), nullable=False),
        sa.Column("decision_date", sa.Date(), nullable=True),
        sa.Column("drafted_by_id", sa.Integer(), nullable=True),
        sa.Column("drafted_by_name", sa.String(length=200), nullable=False),
        sa.Column("beslutter_status", sa.String(length=30), nullable=True),
        sa.Column("beslutter_note", sa.Text(), nullable=False),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_by_name", sa.String(length=200), nullable=True),
        sa.Column("approved_at", core.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("sent_at", core.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("uforegrad", sa.Integer(), nullable=True),
        sa.Column("desired_hours_per_week", sa.Float(), nullable=True),
        sa.Column("changes_since_last", sa.Text(), nullable=False),
        sa.Column("capacity_percent", sa.Integer(), nullable=True),
        sa.Column("capacity_reason", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_at", core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", core.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidates.id"],
            name=op.f("fk_plan_vedtak_candidate_id_candidates"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["office_id"], ["offices.id"], name=op.f("fk_plan_vedtak_office_id_offices")),
        sa.ForeignKeyConstraint(
            ["drafted_by_id"],
            ["users.id"],
            name=op.f("fk_plan_vedtak_drafted_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["approved_by_id"],
            ["users.id"],
            name=op.f("fk_plan_vedtak_approved_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_vedtak")),
        sa.UniqueConstraint("referanse", name=op.f("uq_plan_vedtak_referanse")),
    )
    op.create_index(op.f("ix_plan_vedtak_candidate_id"), "plan_vedtak", ["candidate_id"], unique=False)
    op.create_index(op.f("ix_plan_vedtak_office_id"), "plan_vedtak", ["office_id"], unique=False)
    # one decision in force and one open draft per person
    op.create_index(
        "uq_plan_vedtak_current",
        "plan_vedtak",
        ["candidate_id"],
        unique=True,
        sqlite_where=sa.text("is_current"),
        postgresql_where=sa.text("is_current"),
    )
    op.create_index(
        "uq_plan_vedtak_draft",
        "plan_vedtak",
        ["candidate_id"],
        unique=True,
        sqlite_where=sa.text("status = 'UTKAST'"),
        postgresql_where=sa.text("status = 'UTKAST'"),
    )
    op.create_table(
        "plan_vedtak_sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vedtak_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("date", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["vedtak_id"],
            ["plan_vedtak.id"],
            name=op.f("fk_plan_vedtak_sources_vedtak_id_plan_vedtak"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_vedtak_sources")),
    )
    op.create_index(
        op.f("ix_plan_vedtak_sources_vedtak_id"), "plan_vedtak_sources", ["vedtak_id"], unique=False
    )
    op.create_table(
        "plan_vedtak_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vedtak_id", sa.Integer(), nullable=False),
        sa.Column("question", sa.String(length=30), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["vedtak_id"],
            ["plan_vedtak.id"],
            name=op.f("fk_plan_vedtak_answers_vedtak_id_plan_vedtak"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_vedtak_answers")),
        sa.UniqueConstraint("vedtak_id", "question", name="uq_plan_vedtak_answers_question"),
    )
    op.create_index(
        op.f("ix_plan_vedtak_answers_vedtak_id"), "plan_vedtak_answers", ["vedtak_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_plan_vedtak_answers_vedtak_id"), table_name="plan_vedtak_answers")
    op.drop_table("plan_vedtak_answers")
    op.drop_index(op.f("ix_plan_vedtak_sources_vedtak_id"), table_name="plan_vedtak_sources")
    op.drop_table("plan_vedtak_sources")
    op.drop_index("uq_plan_vedtak_draft", table_name="plan_vedtak")
    op.drop_index("uq_plan_vedtak_current", table_name="plan_vedtak")
    op.drop_index(op.f("ix_plan_vedtak_office_id"), table_name="plan_vedtak")
    op.drop_index(op.f("ix_plan_vedtak_candidate_id"), table_name="plan_vedtak")
    op.drop_table("plan_vedtak")
