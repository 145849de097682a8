"""One home for a referat, and the innsatsgruppe that follows the §14a decision (issue #17 items 2–4):
plan_journal_entries.activity_id (the MOTE or SAMTALEREFERAT activity whose referat the entry is; unique), every
referat kept in an activity's details moved into a journal entry of kind SAMTALEREFERAT (a shared one with its
shared time) and the details keys cleared; candidate_situations.innsatsgruppe_vedtak_id (the current §14a record
the innsatsgruppe follows), set for each person whose current record gave their innsatsgruppe.

The activity's version rows are history (append-only) and keep what they recorded.

Revision ID: 0022
Revises: 0021
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

import core.models

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MEETING_TYPES = ("MOTE", "SAMTALEREFERAT")
# plans.service_journal.PROVIDER_SERVICE and models_journal.READERS as they were when this ran
PROVIDER_SERVICE = {"NAV_STAT": "STAT", "KOMMUNE_SOSIAL": "KOMMUNE_SOSIAL"}
OWN_SERVICE = {"STAT": "STAT", "KOMMUNE": "KOMMUNE_SOSIAL"}
READERS = {"STAT": ("STAT",), "KOMMUNE_SOSIAL": ("KOMMUNE",), "ANNET": ("STAT", "KOMMUNE")}
TIME = core.models.UTCDateTime()

activities = sa.table(
    "plan_activities",
    sa.column("id", sa.Integer),
    sa.column("candidate_id", sa.Integer),
    sa.column("office_id", sa.Integer),
    sa.column("type", sa.String),
    sa.column("title", sa.String),
    sa.column("provider", sa.String),
    sa.column("from_date", sa.Date),
    sa.column("created_at", TIME),
    sa.column("created_by_id", sa.Integer),
    sa.column("details", sa.JSON),
)
activity_versions = sa.table(
    "plan_activity_versions",
    sa.column("activity_id", sa.Integer),
    sa.column("version", sa.Integer),
    sa.column("transaction_type", sa.String),
    sa.column("changed_by_id", sa.Integer),
    sa.column("changed_by_name", sa.String),
    sa.column("changed_by_type", sa.String),
    sa.column("changed_at", TIME),
)
users = sa.table("users", sa.column("id", sa.Integer), sa.column("employment", sa.String))
entries = sa.table(
    "plan_journal_entries",
    sa.column("id", sa.Integer),
    sa.column("candidate_id", sa.Integer),
    sa.column("office_id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("service", sa.String),
    sa.column("title", sa.String),
    sa.column("text", sa.Text),
    sa.column("event_date", sa.Date),
    sa.column("created_at", TIME),
    sa.column("created_by_id", sa.Integer),
    sa.column("created_by_name", sa.String),
    sa.column("updated_at", TIME),
    sa.column("updated_by_id", sa.Integer),
    sa.column("shared_with_person_at", TIME),
    sa.column("shared_by_id", sa.Integer),
    sa.column("activity_id", sa.Integer),
    sa.column("version", sa.Integer),
)
journal_versions = sa.table(
    "plan_journal_versions",
    sa.column("entry_id", sa.Integer),
    sa.column("version", sa.Integer),
    sa.column("change_type", sa.String),
    sa.column("kind", sa.String),
    sa.column("service", sa.String),
    sa.column("title", sa.String),
    sa.column("text", sa.Text),
    sa.column("event_date", sa.Date),
    sa.column("changed_at", TIME),
    sa.column("changed_by_id", sa.Integer),
    sa.column("changed_by_name", sa.String),
    sa.column("changed_by_type", sa.String),
)
situations = sa.table(
    "candidate_situations",
    sa.column("candidate_id", sa.Integer),
    sa.column("innsatsgruppe", sa.String),
    sa.column("innsatsgruppe_vedtak_id", sa.Integer),
)
vedtak = sa.table(
    "plan_vedtak",
    sa.column("id", sa.Integer),
    sa.column("candidate_id", sa.Integer),
    sa.column("innsatsgruppe", sa.String),
    sa.column("is_current", sa.Boolean),
)


def _service(provider: str, employment: str | None) -> str:
    """The provider's service when the writer's employment reads it, else the writer's own (as the service)."""
    service = PROVIDER_SERVICE.get(provider, "ANNET")
    if employment is None or employment in READERS[service]:
        return service
    return OWN_SERVICE.get(employment, service)


def _move_referat_into_journal(conn: Any) -> None:
    rows = conn.execute(
        sa.select(activities).where(activities.c.type.in_(MEETING_TYPES)).order_by(activities.c.id)
    ).all()
    for a in rows:
        details = dict(a.details or {})
        if "referat" not in details and "referat_publisert" not in details:
            continue
        text = str(details.pop("referat", "") or "").strip()
        published = bool(details.pop("referat_publisert", False))
        conn.execute(sa.update(activities).where(activities.c.id == a.id).values(details=details))
        if not text:
            continue
        changes = conn.execute(
            sa.select(activity_versions)
            .where(
                activity_versions.c.activity_id == a.id,
                activity_versions.c.transaction_type.like("REFERAT_%"),
            )
            .order_by(activity_versions.c.version)
        ).all()
        first = changes[0] if changes else None
        last = changes[-1] if changes else None
        shared = next((c for c in changes if c.transaction_type == "REFERAT_PUBLISERT"), last)
        writer_id = first.changed_by_id if first else a.created_by_id
        employment = (
            conn.scalar(sa.select(users.c.employment).where(users.c.id == writer_id)) if writer_id else None
        )
        service = _service(a.provider, employment)
        created_at = first.changed_at if first else (a.created_at or dt.datetime.now(dt.UTC))
        updated_at = last.changed_at if last else created_at
        shared_at = (shared.changed_at if shared is not None else updated_at) if published else None
        event_date = a.from_date or created_at.date()
        title = (a.title or "Referat")[:100]
        versions = [("OPPRETTET", first, created_at)]
        if published:
            versions.append(("DELT", shared, shared_at))
        entry_id = conn.execute(
            sa.insert(entries)
            .values(
                candidate_id=a.candidate_id,
                office_id=a.office_id,
                kind="SAMTALEREFERAT",
                service=service,
                title=title,
                text=text,
                event_date=event_date,
                created_at=created_at,
                created_by_id=writer_id,
                created_by_name=first.changed_by_name if first else "",
                updated_at=updated_at,
                updated_by_id=last.changed_by_id if last else writer_id,
                shared_with_person_at=shared_at,
                shared_by_id=(shared.changed_by_id if shared else writer_id) if published else None,
                activity_id=a.id,
                version=len(versions),
            )
            .returning(entries.c.id)
        ).scalar_one()
        for number, (change_type, by, at) in enumerate(versions, start=1):
            conn.execute(
                sa.insert(journal_versions).values(
                    entry_id=entry_id,
                    version=number,
                    change_type=change_type,
                    kind="SAMTALEREFERAT",
                    service=service,
                    title=title,
                    text=text,
                    event_date=event_date,
                    changed_at=at,
                    changed_by_id=by.changed_by_id if by else writer_id,
                    changed_by_name=by.changed_by_name if by else "",
                    changed_by_type=by.changed_by_type if by else "NAV",
                )
            )


def upgrade() -> None:
    with op.batch_alter_table("plan_journal_entries") as batch:
        batch.add_column(sa.Column("activity_id", sa.Integer(), nullable=True))
        batch.create_unique_constraint(batch.f("uq_plan_journal_entries_activity_id"), ["activity_id"])
        batch.create_foreign_key(
            batch.f("fk_plan_journal_entries_activity_id_plan_activities"),
            "plan_activities",
            ["activity_id"],
            ["id"],
            ondelete="SET NULL",
        )
    with op.batch_alter_table("candidate_situations") as batch:
        batch.add_column(sa.Column("innsatsgruppe_vedtak_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_candidate_situations_innsatsgruppe_vedtak_id_plan_vedtak"),
            "plan_vedtak",
            ["innsatsgruppe_vedtak_id"],
            ["id"],
            ondelete="SET NULL",
        )
    conn = op.get_bind()
    _move_referat_into_journal(conn)
    current = (
        sa.select(vedtak.c.id)
        .where(
            vedtak.c.candidate_id == situations.c.candidate_id,
            vedtak.c.is_current.is_(sa.true()),
            vedtak.c.innsatsgruppe == situations.c.innsatsgruppe,
        )
        .scalar_subquery()
    )
    conn.execute(sa.update(situations).values(innsatsgruppe_vedtak_id=current))


def downgrade() -> None:
    conn = op.get_bind()
    linked = conn.execute(
        sa.select(entries.c.id, entries.c.activity_id, entries.c.text, entries.c.shared_with_person_at).where(
            entries.c.activity_id.is_not(None)
        )
    ).all()
    for e in linked:
        details = dict(
            conn.scalar(sa.select(activities.c.details).where(activities.c.id == e.activity_id)) or {}
        )
        details["referat"] = e.text
        details["referat_publisert"] = e.shared_with_person_at is not None
        conn.execute(sa.update(activities).where(activities.c.id == e.activity_id).values(details=details))
        conn.execute(sa.delete(journal_versions).where(journal_versions.c.entry_id == e.id))
        conn.execute(sa.delete(entries).where(entries.c.id == e.id))
    with op.batch_alter_table("candidate_situations") as batch:
        batch.drop_constraint(
            batch.f("fk_candidate_situations_innsatsgruppe_vedtak_id_plan_vedtak"), type_="foreignkey"
        )
        batch.drop_column("innsatsgruppe_vedtak_id")
    with op.batch_alter_table("plan_journal_entries") as batch:
        batch.drop_constraint(
            batch.f("fk_plan_journal_entries_activity_id_plan_activities"), type_="foreignkey"
        )
        batch.drop_constraint(batch.f("uq_plan_journal_entries_activity_id"), type_="unique")
        batch.drop_column("activity_id")
