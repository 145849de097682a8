"""The follow-up caseload across records: the open plan items of a caseload and the dashboard's overdue panel.

The rest of the domain's use cases are split by subject, and callers import the module they use: records, phases
and contacts (`service_records`), placements (`service_placements`), plan and alerts (`service_plan`), fidelity
(`service_fidelity`), reports (`service_reports`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Date, Select, bindparam, func, select
from sqlalchemy.orm import Session

from candidates import access as candidates_access
from core.models import User
from followup.models import FollowupRecord, PlanItem
from followup.service_plan import (
    DueItem,
    item_label,
    open_items,
    overdue_clause,
)
from followup.service_records import (
    readable_records,
)


def caseload_items(session: Session, *, actor: User, today: dt.date, horizon_days: int = 14) -> list[DueItem]:
    """Open plan items of the actor's caseload (own records for a job specialist; the office for others)."""
    stmt = readable_records(actor)
    if actor.role == "jobbspesialist":
        stmt = stmt.where(FollowupRecord.specialist_id == actor.id)
    return open_items(session, stmt, today, horizon_days=horizon_days)


def _overdue_statement(actor: User) -> Select[*tuple[Any, ...]]:
    """The overdue items of the actor's caseload, as `caseload_items` chooses them (bound: `today`, `limit`)."""
    records = readable_records(actor).where(FollowupRecord.status != "avsluttet")
    if actor.role == "jobbspesialist":
        records = records.where(FollowupRecord.specialist_id == actor.id)
    candidates = candidates_access.readable_candidates(actor)
    person = candidates.selected_columns
    names = candidates.with_only_columns(person.id, person.first_name, person.last_name).subquery()
    today = bindparam("today", type_=Date)
    return (
        select(
            PlanItem.kind,
            PlanItem.note,
            PlanItem.due_date,
            PlanItem.record_id,
            FollowupRecord.candidate_id,
            names.c.id,
            names.c.first_name,
            names.c.last_name,
            func.count().over(),
        )
        .join(FollowupRecord, FollowupRecord.id == PlanItem.record_id)
        .outerjoin(names, names.c.id == FollowupRecord.candidate_id)
        .where(
            PlanItem.record_id.in_(records.with_only_columns(FollowupRecord.id)),
            overdue_clause(today),
        )
        .order_by(PlanItem.due_date, PlanItem.id)
        .limit(bindparam("limit"))
    )


def dashboard_overdue(
    session: Session, *, actor: User, today: dt.date | None = None, limit: int = 5
) -> dict[str, Any]:
    """For the job specialist's dashboard panel «Forfalte oppfølgingskontakter»: the count and the first few
    overdue items with the person's name and a link to the record.

    Shown on every dashboard view, so it is one query that reads only the panel's rows: `caseload_items` with
    state «forfalt» (open, past due, not inside a passive period — `service_plan.state_of`) written as filters,
    the total as a window count, and the names through the candidates domain's own access rule."""
    today = today or dt.date.today()
    # kind, note, due date, record, candidate, the candidate again when readable, first and last name, total
    rows: Sequence[tuple[str, str, dt.date, int, int, int | None, str | None, str | None, int]] = (
        session.execute(_overdue_statement(actor), {"today": today, "limit": max(limit, 1)}).all()
    )
    return {
        "count": rows[0][-1] if rows else 0,
        "items": [
            {
                "name": f"{first} {last}" if readable is not None else f"Kandidat {candidate_id}",
                "label": item_label(kind, note),
                "due_date": due,
                "days_overdue": max(0, (today - due).days),
                "href": f"/oppfolging/{record_id}",
            }
            for kind, note, due, record_id, candidate_id, readable, first, last, _total in rows[:limit]
        ],
        "href": "/oppfolging",
    }
