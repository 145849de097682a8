"""candidates: contact details, retention date, CV (work, education, certificates, languages, licences, skills),
jobbprofil, restricted situation (§14a, capacity, tilretteleggingsbehov), programmes and benefits, consent to share;
and the optimistic-locking `version` column on the records two people edit (employers, openings, candidates,
follow-up records)

Revision ID: 0008
Revises: 0007

(0003 stayed a placeholder: databases already at 0007 must get these tables too.)
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import core.models

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VERSIONED = ("employers", "openings", "candidates", "followup_records")


def upgrade() -> None:
    op.create_table(
        "candidate_certificates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("issuer", sa.String(length=200), nullable=False),
        sa.Column("date", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidates.id"],
            name=op.f("fk_candidate_certificates_candidate_id_candidates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_candidate_certificates")),
    )
    op.create_index(
        op.f("ix_candidate_certificates_candidate_id"),
        "candidate_certificates",
        ["candidate_id"],
        unique=False,
    )
    op.create_table(
        "candidate_educations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=30), nullable=False),
        sa.Column("field", sa.String(length=200), nullable=False),
        sa.Column("institution", sa.String(length=200), nullable=False),
        sa.Column("start_year", sa.Integer(), nullable=True),
        sa.Column("end_year", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidates.id"],
            name=op.f("fk_candidate_educations_candidate_id_candidates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_candidate_educations")),
    )
    op.create_index(
        op.f("ix_candidate_educations_candidate_id"), "candidate_educations", ["candidate_id"], unique=False
    )
    op.create_table(
        "candidate_job_profiles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("wanted_styrk", sa.JSON(), nullable=False),
        sa.Column("wanted_titles", sa.JSON(), nullable=False),
        sa.Column("municipalities", sa.JSON(), nullable=False),
        sa.Column("postal_code", sa.String(length=4), nullable=True),
        sa.Column("max_commute_minutes", sa.Integer(), nullable=True),
        sa.Column("max_commute_km", sa.Integer(), nullable=True),
        sa.Column("percent_min", sa.Integer(), nullable=True),
        sa.Column("percent_max", sa.Integer(), nullable=True),
        sa.Column("working_time", sa.JSON(), nullable=False),
        sa.Column("engagement_types", sa.JSON(), nullable=False),
        sa.Column("earliest_start", sa.Date(), nullable=True),
        sa.Column("updated_at", core.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidates.id"],
            name=op.f("fk_candidate_job_profiles_candidate_id_candidates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_candidate_job_profiles")),
        sa.UniqueConstraint("candidate_id", name=op.f("uq_candidate_job_profiles_candidate_id")),
    )
    op.create_table(
        "candidate_languages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=100), nullable=False),
        sa.Column("level", sa.String(length=2), nullable=True),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidates.id"],
            name=op.f("fk_candidate_languages_candidate_id_candidates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_candidate_languages")),
    )
    op.create_index(
        op.f("ix_candidate_languages_candidate_id"), "candidate_languages", ["candidate_id"], unique=False
    )
    op.create_table(
        "candidate_programmes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("uforegrad", sa.Integer(), nullable=True),
        sa.Column("aktivitetsplikt", sa.Boolean(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidates.id"],
            name=op.f("fk_candidate_programmes_candidate_id_candidates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_candidate_programmes")),
        sa.UniqueConstraint("candidate_id", "kind", name="uq_candidate_programmes_candidate_kind"),
    )
    op.create_index(
        op.f("ix_candidate_programmes_candidate_id"), "candidate_programmes", ["candidate_id"], unique=False
    )
    op.create_table(
        "candidate_situations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("innsatsgruppe", sa.String(length=40), nullable=True),
        sa.Column("hovedmal", sa.String(length=20), nullable=True),
        sa.Column("decision_date", sa.Date(), nullable=True),
        sa.Column("capacity_override_percent", sa.Integer(), nullable=True),
        sa.Column("capacity_override_reason", sa.Text(), nullable=True),
        sa.Column("preferred_hours_per_week", sa.Double(), nullable=True),
        sa.Column("needs_arbeidstid", sa.JSON(), nullable=False),
        sa.Column("needs_fysisk", sa.JSON(), nullable=False),
        sa.Column("needs_arbeidshverdagen", sa.JSON(), nullable=False),
        sa.Column("needs_norsk", sa.JSON(), nullable=False),
        sa.Column("needs_note", sa.Text(), nullable=False),
        sa.Column("updated_at", core.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidates.id"],
            name=op.f("fk_candidate_situations_candidate_id_candidates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_candidate_situations")),
        sa.UniqueConstraint("candidate_id", name=op.f("uq_candidate_situations_candidate_id")),
    )
    op.create_index(
        op.f("ix_candidate_situations_innsatsgruppe"), "candidate_situations", ["innsatsgruppe"], unique=False
    )
    op.create_table(
        "candidate_work_experiences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("employer", sa.String(length=200), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("styrk_code", sa.String(length=4), nullable=True),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidates.id"],
            name=op.f("fk_candidate_work_experiences_candidate_id_candidates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_candidate_work_experiences")),
    )
    op.create_index(
        op.f("ix_candidate_work_experiences_candidate_id"),
        "candidate_work_experiences",
        ["candidate_id"],
        unique=False,
    )
    op.create_table(
        "candidate_consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("employer_id", sa.Integer(), nullable=False),
        sa.Column("opening_id", sa.Integer(), nullable=True),
        sa.Column("named", sa.Boolean(), nullable=False),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by_name", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", core.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_by_name", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidates.id"],
            name=op.f("fk_candidate_consents_candidate_id_candidates"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["employer_id"],
            ["employers.id"],
            name=op.f("fk_candidate_consents_employer_id_employers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["opening_id"],
            ["openings.id"],
            name=op.f("fk_candidate_consents_opening_id_openings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_candidate_consents_recorded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_candidate_consents")),
    )
    op.create_index(
        op.f("ix_candidate_consents_candidate_id"), "candidate_consents", ["candidate_id"], unique=False
    )
    op.create_index(
        op.f("ix_candidate_consents_employer_id"), "candidate_consents", ["employer_id"], unique=False
    )
    op.create_index(
        op.f("ix_candidate_consents_opening_id"), "candidate_consents", ["opening_id"], unique=False
    )
    op.add_column("candidates", sa.Column("email", sa.String(length=254), nullable=True))
    op.add_column("candidates", sa.Column("phone", sa.String(length=40), nullable=True))
    op.add_column("candidates", sa.Column("address", sa.String(length=200), nullable=True))
    op.add_column("candidates", sa.Column("postal_code", sa.String(length=4), nullable=True))
    op.add_column("candidates", sa.Column("retention_date", sa.Date(), nullable=True))
    op.add_column("candidates", sa.Column("summary", sa.Text(), nullable=False, server_default=""))
    op.add_column("candidates", sa.Column("skills", sa.JSON(), nullable=False, server_default="[]"))
    op.add_column("candidates", sa.Column("driving_licences", sa.JSON(), nullable=False, server_default="[]"))
    op.create_index(op.f("ix_candidates_email"), "candidates", ["email"], unique=False)
    op.create_index(op.f("ix_candidates_retention_date"), "candidates", ["retention_date"], unique=False)
    for table in VERSIONED:
        op.add_column(table, sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    # the placement's opening and praksisplass, plain integers until both domains existed
    with op.batch_alter_table("followup_placements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_followup_placements_opening_id"), ["opening_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_followup_placements_praksisplass_id"), ["praksisplass_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_followup_placements_opening_id_openings"),
            "openings",
            ["opening_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_followup_placements_praksisplass_id_praksisplasser"),
            "praksisplasser",
            ["praksisplass_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("followup_placements", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_followup_placements_praksisplass_id_praksisplasser"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("fk_followup_placements_opening_id_openings"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_followup_placements_praksisplass_id"))
        batch_op.drop_index(batch_op.f("ix_followup_placements_opening_id"))
    for table in VERSIONED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("version")
    with op.batch_alter_table("candidates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_candidates_retention_date"))
        batch_op.drop_index(batch_op.f("ix_candidates_email"))
        for column in (
            "driving_licences",
            "skills",
            "summary",
            "retention_date",
            "postal_code",
            "address",
            "phone",
            "email",
        ):
            batch_op.drop_column(column)
    op.drop_index(op.f("ix_candidate_consents_opening_id"), table_name="candidate_consents")
    op.drop_index(op.f("ix_candidate_consents_employer_id"), table_name="candidate_consents")
    op.drop_index(op.f("ix_candidate_consents_candidate_id"), table_name="candidate_consents")
    op.drop_table("candidate_consents")
    op.drop_index(op.f("ix_candidate_work_experiences_candidate_id"), table_name="candidate_work_experiences")
    op.drop_table("candidate_work_experiences")
    op.drop_index(op.f("ix_candidate_situations_innsatsgruppe"), table_name="candidate_situations")
    op.drop_table("candidate_situations")
    op.drop_index(op.f("ix_candidate_programmes_candidate_id"), table_name="candidate_programmes")
    op.drop_table("candidate_programmes")
    op.drop_index(op.f("ix_candidate_languages_candidate_id"), table_name="candidate_languages")
    op.drop_table("candidate_languages")
    op.drop_table("candidate_job_profiles")
    op.drop_index(op.f("ix_candidate_educations_candidate_id"), table_name="candidate_educations")
    op.drop_table("candidate_educations")
    op.drop_index(op.f("ix_candidate_certificates_candidate_id"), table_name="candidate_certificates")
    op.drop_table("candidate_certificates")
