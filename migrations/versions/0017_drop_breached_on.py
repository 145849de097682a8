"""Follow-up plan items: drop breached_on (stamped by the daily reminders, never read: whether an item is overdue
is computed by service_plan.state_of / overdue_clause)

Revision ID: 0017
Revises: 0016
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("followup_plan_items") as batch:
        batch.drop_column("breached_on")


def downgrade() -> None:
    # the column comes back empty; the code of 0016 stamps overdue items again (with that day) on its next daily run
    with op.batch_alter_table("followup_plan_items") as batch:
        batch.add_column(sa.Column("breached_on", sa.Date(), nullable=True))
