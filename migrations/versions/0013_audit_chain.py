"""audit chain: a keyed HMAC chain over the audit and security logs; the security log made append-only too

Revision ID: 0013
Revises: 0012

Rows written before this revision are chained here, in id order, with the key the application uses
(ARBEIDSBRO_AUDIT_KEY, else var/audit_key; generated there if missing). From then on each transaction seals its
own rows as it commits (core.audit._seal).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from core import audit

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = ("audit_chain", "security_log")


def upgrade() -> None:
    op.create_table(
        "audit_chain",
        sa.Column("log", sa.String(length=8), nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=False),
        sa.Column("mac", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("log", "seq", name=op.f("pk_audit_chain")),
        sa.UniqueConstraint("log", "row_id", name=op.f("uq_audit_chain_log")),
    )
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in APPEND_ONLY:
        if postgres:
            op.execute(
                f"CREATE FUNCTION {table}_append_only() RETURNS trigger AS $$ "
                f"BEGIN RAISE EXCEPTION '{table} is append-only'; END $$ LANGUAGE plpgsql"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()"
            )
        else:
            for event in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                )
    bind = op.get_bind()
    if bind.scalar(sa.text("SELECT 1 FROM audit_log UNION ALL SELECT 1 FROM security_log LIMIT 1")):
        audit.seal_unchained(bind)


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in APPEND_ONLY:
        if postgres:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_change ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
    op.drop_table("audit_chain")
