"""Openings: NAV can send an employer's own opening back with a comment (openings.return_comment, and the status
history's note widened to hold a comment of up to 2000 characters); how to apply (how_to_apply, application_url,
application_email, contact_name, contact_phone) for the public page

Revision ID: 0016
Revises: 0015
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("openings") as batch:
        batch.add_column(sa.Column("how_to_apply", sa.Text(), nullable=True))
        batch.add_column(sa.Column("application_url", sa.String(length=500), nullable=True))
        batch.add_column(sa.Column("application_email", sa.String(length=254), nullable=True))
        batch.add_column(sa.Column("contact_name", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("contact_phone", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("return_comment", sa.Text(), nullable=True))
    with op.batch_alter_table("opening_status_changes") as batch:
        batch.alter_column(
            "note", existing_type=sa.String(length=500), type_=sa.String(length=2000), existing_nullable=False
        )


def downgrade() -> None:
    # a returned opening has no status of its own before this revision: it is a draft waiting for approval again
    op.execute("UPDATE openings SET status = 'utkast', awaiting_approval = true WHERE status = 'returnert'")
    op.execute("UPDATE opening_status_changes SET note = substr(note, 1, 500) WHERE length(note) > 500")
    with op.batch_alter_table("opening_status_changes") as batch:
        batch.alter_column(
            "note", existing_type=sa.String(length=2000), type_=sa.String(length=500), existing_nullable=False
        )
    with op.batch_alter_table("openings") as batch:
        batch.drop_column("return_comment")
        batch.drop_column("contact_phone")
        batch.drop_column("contact_name")
        batch.drop_column("application_email")
        batch.drop_column("application_url")
        batch.drop_column("how_to_apply")
