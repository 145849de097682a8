"""An index on candidates.responsible_user_id: «Mine personer» (the dashboard panel of every follow-up caseworker,
and the daily reminders) reads the caseworker's own people by it; without it each view scanned every open plan.

Revision ID: 0023
Revises: 0022
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(op.f("ix_candidates_responsible_user_id"), "candidates", ["responsible_user_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_candidates_responsible_user_id"), table_name="candidates")
